//! The refinement guide: a Markdown document parsed into a typed [`Guide`].
//!
//! A guide is recognised by its shape, not by exact wording: `##` sections whose headings speak of
//! purpose, preparation, the session, post-session actions, success indicators and pitfalls, and
//! inside the session section `###` phases whose headings carry a timebox, such as
//! `### 1. Context Setting (15-20 minutes)`. Session headings without a timebox (the seed's
//! "Discussion Management") hold practices that apply throughout the session.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use refine_pattern::Pattern;
use serde::{Deserialize, Serialize};

use crate::request::{GUIDE_MAX_BYTES, GUIDE_MAX_DEPTH, SESSION_MAX_MINUTES};
use crate::text::{slug, strip_markup, terms};
use crate::timebox::{Minutes, find_timebox};

mod builtin;
mod statements;
use crate::work;
pub use statements::StatementTerms;

/// The Markdown of the default guide: the seed prompt's guide.
pub const DEFAULT_GUIDE_MARKDOWN: &str = include_str!("../assets/refinement-guide.md");

/// Where a guide came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuideOrigin {
    /// The guide built into `refine`.
    BuiltIn,
    /// A guide read from this file.
    File(PathBuf),
}

impl fmt::Display for GuideOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuideOrigin::BuiltIn => f.write_str("the built-in guide"),
            GuideOrigin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Why a guide could not be used.
#[derive(Debug, thiserror::Error)]
pub enum GuideError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("cannot read guide {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The guide has no session phase with a timebox.
    #[error(
        "{origin}: the guide has no timeboxed session phase; write each phase as a heading with its minutes, e.g. `### 1. Context Setting (15-20 minutes)`"
    )]
    NoTimeboxedPhase {
        /// The guide.
        origin: GuideOrigin,
    },
    /// A phase heading carries a timebox that cannot be read.
    #[error(
        "{origin}:{line}: cannot read the timebox in heading `{heading}` (write it as `(15-20 minutes)` with the smaller number first)"
    )]
    BadTimebox {
        /// The guide.
        origin: GuideOrigin,
        /// 1-based line of the heading.
        line: usize,
        /// The heading text.
        heading: String,
    },
    /// Two phases share a name.
    #[error("{origin}:{line}: phase `{name}` appears twice (first at line {first_line})")]
    DuplicatePhase {
        /// The guide.
        origin: GuideOrigin,
        /// 1-based line of the second heading.
        line: usize,
        /// 1-based line of the first heading.
        first_line: usize,
        /// The phase name.
        name: String,
    },
    /// The guide file is larger than [`GUIDE_MAX_BYTES`].
    #[error(
        "guide {path} is {bytes} bytes, over the limit of {GUIDE_MAX_BYTES} bytes (1 MiB); a team guide is a few pages"
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
    },
    /// A phase's timebox is longer than a session may be.
    #[error(
        "{origin}:{line}: phase heading `{heading}` asks for {minutes} minutes; a whole session is at most {SESSION_MAX_MINUTES}"
    )]
    PhaseTooLong {
        /// The guide.
        origin: GuideOrigin,
        /// 1-based line of the heading.
        line: usize,
        /// The heading text.
        heading: String,
        /// The minutes it asks for.
        minutes: u64,
    },
    /// The phases together need more than a session may last.
    #[error(
        "{origin}:{line}: with this phase the guide's phases need at least {minutes} minutes; a whole session is at most {SESSION_MAX_MINUTES}"
    )]
    TooLong {
        /// The guide.
        origin: GuideOrigin,
        /// 1-based line of the phase that goes over.
        line: usize,
        /// The least the phases need up to and with it.
        minutes: u32,
    },
    /// More phases than a session has minutes: each phase needs one at least.
    #[error(
        "{origin}:{line}: this is phase {count}; a session of at most {SESSION_MAX_MINUTES} minutes cannot give each phase a minute"
    )]
    TooManyPhases {
        /// The guide.
        origin: GuideOrigin,
        /// 1-based line of the phase heading over the limit.
        line: usize,
        /// Its number among the phases.
        count: usize,
    },
    /// A phase's timebox allows no time at all.
    #[error("{origin}:{line}: phase `{name}` has a timebox of 0 minutes")]
    ZeroPhase {
        /// The guide.
        origin: GuideOrigin,
        /// 1-based line of the heading.
        line: usize,
        /// The phase name.
        name: String,
    },
}

/// A bullet of the guide, with the bullets nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideItem {
    /// The bullet's text, without Markdown markup.
    pub text: String,
    /// Nested bullets.
    pub children: Vec<GuideItem>,
}

impl GuideItem {
    /// This item's text followed by all nested texts, depth first.
    pub fn texts(&self) -> Texts<'_> {
        Texts {
            root: Some(&self.text),
            children: self.children.iter(),
            deeper: Vec::new(),
        }
    }
}

/// The texts of a [`GuideItem`] and its nested items, depth first; see [`GuideItem::texts`].
/// Nothing is allocated unless an item nests two levels deep.
#[derive(Debug, Clone)]
pub struct Texts<'a> {
    root: Option<&'a str>,
    /// The root's children not yet read.
    children: std::slice::Iter<'a, GuideItem>,
    /// Deeper levels being read, the innermost last.
    deeper: Vec<std::slice::Iter<'a, GuideItem>>,
}

impl<'a> Iterator for Texts<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if let Some(root) = self.root.take() {
            return Some(root);
        }
        loop {
            let level = self.deeper.last_mut().unwrap_or(&mut self.children);
            match level.next() {
                Some(item) => {
                    if !item.children.is_empty() {
                        self.deeper.push(item.children.iter());
                    }
                    return Some(&item.text);
                }
                None => {
                    // The root's children are read last: when they end, so do the texts.
                    let _finished = self.deeper.pop()?;
                }
            }
        }
    }
}

/// The most guide bullets shown for one phase, group or practice block, and the most characters
/// of each: a pack is read in the room, and a guide of thousands of bullets must not make a pack
/// (or an offline reply) of megabytes.
pub const BULLETS_SHOWN: usize = 12;
/// See [`BULLETS_SHOWN`].
pub const BULLET_CHARS_SHOWN: usize = 300;

/// The texts of `items` (depth first) as a pack shows them: the first [`BULLETS_SHOWN`], each cut
/// to [`BULLET_CHARS_SHOWN`] characters with `…`, then `and N more in the guide` when there are
/// more. The offline planner and the host both show bullets through this, so they agree.
pub fn shown_bullets<'a>(items: impl IntoIterator<Item = &'a GuideItem>) -> Vec<String> {
    let mut all = items.into_iter().flat_map(GuideItem::texts);
    let mut shown: Vec<String> = all
        .by_ref()
        .take(BULLETS_SHOWN)
        .map(|text| match text.char_indices().nth(BULLET_CHARS_SHOWN) {
            Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
            None => text.to_string(),
        })
        .collect();
    let more = all.count();
    if more > 0 {
        shown.push(format!("and {more} more in the guide"));
    }
    shown
}

/// A group of bullets under a `###` heading (preparation for one audience, one kind of follow-up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideGroup {
    /// The heading, without numbering and markup.
    pub name: String,
    /// The bullets.
    pub items: Vec<GuideItem>,
}

/// A timeboxed phase of the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    /// The phase name, e.g. "Context Setting".
    pub name: String,
    /// A stable identifier derived from the name, e.g. "context-setting".
    pub slug: String,
    /// The guide's timebox for this phase.
    pub minutes: Minutes,
    /// The phase's bullets.
    pub items: Vec<GuideItem>,
    /// 1-based line of the phase heading in the guide.
    pub line: usize,
}

/// Practices that apply throughout the session (an untimed session heading such as "Discussion
/// Management"), with where the guide places them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeBlock {
    /// The heading, e.g. "Discussion Management".
    pub name: String,
    /// How many timeboxed phases come before it in the guide.
    pub after_phases: usize,
    /// The practices.
    pub items: Vec<GuideItem>,
}

/// A parsed refinement guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guide {
    /// Where it came from.
    pub origin: GuideOrigin,
    /// The `#` title, or "Refinement Guide" when there is none.
    pub title: String,
    /// The guide's Markdown, as given.
    #[serde(skip)]
    pub markdown: String,
    /// What refinement is for.
    pub purpose: Vec<GuideItem>,
    /// Preparation steps, grouped by audience.
    pub preparation: Vec<GuideGroup>,
    /// The timeboxed session phases, in order; never empty.
    pub phases: Vec<Phase>,
    /// Discussion-management practices.
    pub practices: Vec<PracticeBlock>,
    /// Post-session actions, grouped.
    pub post_session: Vec<GuideGroup>,
    /// Signs that refinement works.
    pub success_indicators: Vec<GuideItem>,
    /// Pitfalls to avoid.
    pub pitfalls: Vec<GuideItem>,
    /// The content terms of every line of the guide, computed once for tracing key points.
    #[serde(skip)]
    statement_terms: StatementTerms,
}

/// One Markdown block of interest, in document order.
#[derive(Debug)]
enum Block {
    Heading {
        level: HeadingLevel,
        text: String,
        line: usize,
    },
    Item {
        depth: usize,
        text: String,
    },
}

/// Which part of a guide a `##` section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Purpose,
    Preparation,
    Session,
    PostSession,
    Success,
    Pitfalls,
    Other,
}

fn classify(heading: &str) -> Part {
    let h = heading.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if has(&["pitfall", "avoid", "mistake", "anti-pattern", "antipattern"]) {
        Part::Pitfalls
    } else if has(&["success", "indicator", "signs", "worked"]) {
        Part::Success
    } else if has(&[
        "post-session",
        "post session",
        "after the session",
        "follow-up",
        "follow up",
    ]) {
        Part::PostSession
    } else if has(&["prepar", "pre-session", "before the session"]) {
        Part::Preparation
    } else if has(&["purpose", "why refine", "goal"]) {
        Part::Purpose
    } else if has(&[
        "during",
        "session",
        "agenda",
        "structure",
        "format",
        "phases",
    ]) {
        Part::Session
    } else {
        Part::Other
    }
}

static LONG_MINUTES: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"(?i)\b(\d{4,})\s*-?\s*(?:minutes?|mins?|m)\b"));

static NUMBERED_MINUTES: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"(?i)\d+\s*(?:-|–|—|to)\s*\d+\s*(?:minutes?|mins?|m)\b"));

/// Whether `text` has four numeric characters in a row: what [`LONG_MINUTES`] needs before
/// anything else, so most headings are done without compiling or running it.
fn four_digits_in_a_row(text: &str) -> bool {
    let mut run = 0;
    text.chars().any(|c| {
        run = if c.is_numeric() { run + 1 } else { 0 };
        run >= 4
    })
}

impl Guide {
    /// Reads and parses a guide file.
    pub fn from_file(path: &Path) -> Result<Guide, GuideError> {
        let read = |source| GuideError::Read {
            path: path.to_path_buf(),
            source,
        };
        let bytes = std::fs::metadata(path).map_err(read)?.len();
        if bytes > GUIDE_MAX_BYTES as u64 {
            return Err(GuideError::TooLarge {
                path: path.to_path_buf(),
                bytes,
            });
        }
        let markdown = std::fs::read_to_string(path).map_err(read)?;
        Guide::parse(&markdown, GuideOrigin::File(path.to_path_buf()))
    }

    /// Parses guide Markdown.
    pub fn parse(markdown: &str, origin: GuideOrigin) -> Result<Guide, GuideError> {
        let blocks = blocks(markdown);
        let mut guide = Guide {
            origin,
            title: String::from("Refinement Guide"),
            markdown: markdown.to_string(),
            purpose: Vec::new(),
            preparation: Vec::new(),
            phases: Vec::new(),
            practices: Vec::new(),
            post_session: Vec::new(),
            success_indicators: Vec::new(),
            pitfalls: Vec::new(),
            statement_terms: StatementTerms::default(),
        };
        let mut titled = false;
        let mut part = Part::Other;
        // Items collect into the current target: Some(group name) or the part's flat list.
        let mut pending: Vec<(usize, String)> = Vec::new();
        let mut target = Target::None;
        // Each phase's slug and heading line, to find a duplicate without a search per heading.
        let mut slugs: HashMap<String, usize> = HashMap::new();

        for block in blocks {
            match block {
                Block::Heading { level, text, line } => {
                    guide.flush(&mut target, &mut pending, part);
                    let name = strip_markup(&text);
                    if level == HeadingLevel::H1 && !titled {
                        guide.title = name;
                        titled = true;
                        continue;
                    }
                    if level <= HeadingLevel::H2 {
                        // A team guide may put timeboxed phases straight under `##`.
                        if let Some(phase) = guide.phase_heading(&name, line, &mut slugs)? {
                            part = Part::Session;
                            target = Target::Phase(phase);
                        } else {
                            part = classify(&name);
                            target = Target::Part;
                        }
                        continue;
                    }
                    target = match part {
                        Part::Session | Part::Other => {
                            match guide.phase_heading(&name, line, &mut slugs)? {
                                Some(phase) => Target::Phase(phase),
                                None if part == Part::Session => Target::Practice(name),
                                None => Target::None,
                            }
                        }
                        Part::Preparation | Part::PostSession => Target::Group(name),
                        _ => Target::Part,
                    };
                }
                Block::Item { depth, text } => {
                    // A bullet with no words of its own (`- - x` nests lists) adds nothing.
                    let text = strip_markup(&text);
                    if !text.trim().is_empty() {
                        pending.push((depth, text));
                    }
                }
            }
        }
        guide.flush(&mut target, &mut pending, part);

        if guide.phases.is_empty() {
            return Err(GuideError::NoTimeboxedPhase {
                origin: guide.origin,
            });
        }
        let mut least = 0u32;
        for phase in &guide.phases {
            least = least.saturating_add(phase.minutes.min);
            if least > SESSION_MAX_MINUTES {
                return Err(GuideError::TooLong {
                    origin: guide.origin.clone(),
                    line: phase.line,
                    minutes: least,
                });
            }
        }
        guide.statement_terms = StatementTerms::new(
            guide
                .statements()
                .iter()
                .inspect(|s| work::step(s.len()))
                .map(|s| terms(s))
                .filter(|t| !t.is_empty())
                // Owned: a guide is shared between threads, the memo's terms are not.
                .map(|t| t.iter().map(|term| term.to_string()).collect())
                .collect(),
        );
        Ok(guide)
    }

    /// When `heading` names a timeboxed phase, registers it and returns its index.
    fn phase_heading(
        &mut self,
        heading: &str,
        line: usize,
        slugs: &mut HashMap<String, usize>,
    ) -> Result<Option<usize>, GuideError> {
        let too_long = |minutes: u64| GuideError::PhaseTooLong {
            origin: self.origin.clone(),
            line,
            heading: heading.to_string(),
            minutes,
        };
        // Minutes in four digits or more are no timebox the reader accepts, but they are meant
        // as one: say so rather than read the heading as untimed.
        if let Some(c) = four_digits_in_a_row(heading)
            .then(|| LONG_MINUTES.captures(heading))
            .flatten()
        {
            let minutes = c[1].parse::<u64>().unwrap_or(u64::MAX);
            return Err(too_long(minutes));
        }
        let Some(found) = find_timebox(heading) else {
            if NUMBERED_MINUTES.is_match(heading) {
                return Err(GuideError::BadTimebox {
                    origin: self.origin.clone(),
                    line,
                    heading: heading.to_string(),
                });
            }
            return Ok(None);
        };
        let mut name = heading.to_string();
        name.replace_range(found.span.clone(), "");
        let name = strip_markup(
            name.trim()
                .trim_end_matches(['(', ')', '[', ']', ':', '-', '–', '—', ' '])
                .replace("()", "")
                .replace("[]", "")
                .trim(),
        );
        let name = name.trim_end_matches([':', '-', '–', '—', ' ']).to_string();
        if found.minutes.min > SESSION_MAX_MINUTES {
            return Err(too_long(u64::from(found.minutes.min)));
        }
        if found.minutes.max == 0 {
            return Err(GuideError::ZeroPhase {
                origin: self.origin.clone(),
                line,
                name,
            });
        }
        if self.phases.len() >= SESSION_MAX_MINUTES as usize {
            return Err(GuideError::TooManyPhases {
                origin: self.origin.clone(),
                line,
                count: self.phases.len() + 1,
            });
        }
        work::step(heading.len());
        let slug = slug(&name);
        if let Some(&first_line) = slugs.get(&slug) {
            return Err(GuideError::DuplicatePhase {
                origin: self.origin.clone(),
                line,
                first_line,
                name,
            });
        }
        slugs.insert(slug.clone(), line);
        self.phases.push(Phase {
            name,
            slug,
            minutes: found.minutes,
            items: Vec::new(),
            line,
        });
        Ok(Some(self.phases.len() - 1))
    }

    fn flush(&mut self, target: &mut Target, pending: &mut Vec<(usize, String)>, part: Part) {
        let items = tree(pending);
        pending.clear();
        match std::mem::replace(target, Target::None) {
            Target::None => {}
            Target::Phase(i) => self.phases[i].items.extend(items),
            Target::Practice(name) => self.practices.push(PracticeBlock {
                name,
                after_phases: self.phases.len(),
                items,
            }),
            Target::Group(name) => {
                let groups = match part {
                    Part::Preparation => &mut self.preparation,
                    _ => &mut self.post_session,
                };
                groups.push(GuideGroup { name, items });
            }
            Target::Part => match part {
                Part::Purpose => self.purpose.extend(items),
                Part::Success => self.success_indicators.extend(items),
                Part::Pitfalls => self.pitfalls.extend(items),
                Part::Preparation if !items.is_empty() => self.preparation.push(GuideGroup {
                    name: String::from("Preparation"),
                    items,
                }),
                Part::PostSession if !items.is_empty() => self.post_session.push(GuideGroup {
                    name: String::from("Follow-up"),
                    items,
                }),
                _ => {}
            },
        }
    }

    /// The sum of all phase timeboxes: the guide's natural session length.
    pub fn total(&self) -> Minutes {
        self.phases
            .iter()
            .fold(Minutes::exactly(0), |acc, phase| acc.plus(phase.minutes))
    }

    /// The session length the guide suggests when none is asked for: the sum of its phases'
    /// midpoints, rounded to 5 minutes and kept within [`Guide::total`].
    pub fn natural_minutes(&self) -> u32 {
        let total = self.total();
        let mid = f64::from(total.min + total.max) / 2.0;
        let rounded = ((mid / 5.0).round() * 5.0) as u32;
        rounded.clamp(total.min, total.max)
    }

    /// The range a phase is held to in a session of `session_minutes`: the guide's own range,
    /// or, when the session is shorter or longer than the guide's phases allow in all, the range
    /// scaled in proportion (floor of the lower end, ceiling of the upper).
    pub fn fitted_range(&self, range: Minutes, session_minutes: Option<u32>) -> Minutes {
        let natural = self.total();
        let scale = match session_minutes {
            Some(n) if n < natural.min => f64::from(n) / f64::from(natural.min),
            Some(n) if n > natural.max => f64::from(n) / f64::from(natural.max),
            _ => return range,
        };
        Minutes {
            min: (f64::from(range.min) * scale).floor() as u32,
            max: (f64::from(range.max) * scale).ceil() as u32,
        }
    }

    /// Every line the guide states (headings, bullets and prose, without markup), for tracing key
    /// points back to it.
    pub fn statements(&self) -> Vec<String> {
        self.markdown
            .lines()
            .map(strip_markup)
            .filter(|line| !line.is_empty())
            .collect()
    }

    /// The content terms ([`crate::text::terms`]) of each line of the guide that has any, and
    /// which lines hold each term.
    pub fn statement_terms(&self) -> &StatementTerms {
        &self.statement_terms
    }

    /// The post-session actions, headings and bullets, as text.
    pub fn post_session_statements(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for group in &self.post_session {
            out.push(&group.name);
            for item in &group.items {
                out.extend(item.texts());
            }
        }
        out
    }

    /// The phase with this slug.
    pub fn phase(&self, slug: &str) -> Option<&Phase> {
        self.phases.iter().find(|p| p.slug == slug)
    }

    /// The index of the phase where backlog items are discussed one by one: the first whose
    /// bullets speak of "each" item (the built-in guide's "Discuss each refinement item"),
    /// else the first whose name speaks of exploring or of the problem, else the longest.
    pub fn item_phase_index(&self) -> usize {
        let says_each = |p: &Phase| {
            p.items.iter().flat_map(GuideItem::texts).any(|t| {
                let words: Vec<String> = crate::text::words(t);
                words.iter().any(|w| w == "each")
                    && words.iter().any(|w| w.starts_with("item") || w == "story")
            })
        };
        let named = |p: &Phase| {
            let name = p.name.to_lowercase();
            name.contains("explor") || name.contains("problem")
        };
        self.phases
            .iter()
            .position(says_each)
            .or_else(|| self.phases.iter().position(named))
            .unwrap_or_else(|| {
                (0..self.phases.len())
                    .max_by_key(|&i| (self.phases[i].minutes.max, std::cmp::Reverse(i)))
                    .unwrap_or(0)
            })
    }

    /// The phase where backlog items are discussed ([`Guide::item_phase_index`]).
    pub fn item_phase(&self) -> &Phase {
        &self.phases[self.item_phase_index()]
    }
}

#[derive(Debug)]
enum Target {
    None,
    Part,
    Phase(usize),
    Practice(String),
    Group(String),
}

/// Builds bullet trees from (depth, text) pairs in document order.
fn tree(flat: &[(usize, String)]) -> Vec<GuideItem> {
    fn build(flat: &[(usize, String)], at: &mut usize, depth: usize) -> Vec<GuideItem> {
        let mut out = Vec::new();
        while *at < flat.len() {
            let (d, ref text) = flat[*at];
            if d < depth {
                break;
            }
            *at += 1;
            let children = build(flat, at, d + 1);
            out.push(GuideItem {
                text: text.clone(),
                children,
            });
        }
        out
    }
    work::step(2 * flat.len());
    let min_depth = flat.iter().map(|(d, _)| *d).min().unwrap_or(0);
    let mut at = 0;
    build(flat, &mut at, min_depth)
}

/// The headings and list items of a Markdown document, with heading lines.
fn blocks(markdown: &str) -> Vec<Block> {
    // Line starts, found once, so each heading's line is a binary search rather than a recount
    // of everything before it (which made a guide of many headings quadratic).
    work::step(markdown.len());
    let starts: Vec<usize> = std::iter::once(0)
        .chain(markdown.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| {
        work::search(starts.len());
        starts.partition_point(|&s| s <= offset)
    };
    let mut out: Vec<Block> = Vec::new();
    let mut depth = 0usize;
    // Index into `out` of the item or heading currently collecting text.
    let mut open: Vec<usize> = Vec::new();
    let mut heading: Option<usize> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        work::step(1);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                out.push(Block::Heading {
                    level,
                    text: String::new(),
                    line: line_of(range.start),
                });
                heading = Some(out.len() - 1);
            }
            Event::End(TagEnd::Heading(_)) => heading = None,
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) => {
                out.push(Block::Item {
                    depth: depth.min(GUIDE_MAX_DEPTH),
                    text: String::new(),
                });
                open.push(out.len() - 1);
            }
            Event::End(TagEnd::Item) => {
                open.pop();
            }
            Event::Text(t) | Event::Code(t) => {
                work::step(t.len());
                let at = heading.or_else(|| open.last().copied());
                if let Some(Block::Heading { text, .. } | Block::Item { text, .. }) =
                    at.and_then(|i| out.get_mut(i))
                {
                    // A nested list's items must not feed their parent.
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(Block::Item { text, .. }) = open.last().and_then(|&i| out.get_mut(i)) {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

/// This module's patterns, for the test that both engines read them alike.
#[cfg(test)]
pub(crate) fn patterns() -> Vec<&'static Pattern> {
    vec![&*LONG_MINUTES, &*NUMBERED_MINUTES]
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// An item's texts are its own, then each child's texts in turn: depth first.
        #[test]
        fn an_items_texts_are_read_depth_first(shape in proptest::collection::vec(0usize..4, 0..12)) {
            // Item `n` gets `shape[n]` children, numbered in the order they are made.
            fn build(shape: &[usize], next: &mut usize, depth: usize) -> GuideItem {
                let own = *next;
                *next += 1;
                let count = if depth < 4 { shape.get(own).copied().unwrap_or(0) } else { 0 };
                let children = (0..count).map(|_| build(shape, next, depth + 1)).collect();
                GuideItem { text: own.to_string(), children }
            }
            fn depth_first<'a>(item: &'a GuideItem, out: &mut Vec<&'a str>) {
                out.push(&item.text);
                for child in &item.children {
                    depth_first(child, out);
                }
            }
            let item = build(&shape, &mut 0, 0);
            let mut expected = Vec::new();
            depth_first(&item, &mut expected);
            proptest::prop_assert_eq!(item.texts().collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn timeboxes_past_a_sessions_limit_are_errors_naming_the_line() {
        let parse = |phases: &str| {
            Guide::parse(
                &format!("# G\n\n## During the Session\n{phases}"),
                GuideOrigin::BuiltIn,
            )
        };
        let err = parse("### 1. A (5000 minutes)\n").expect_err("too long");
        assert!(
            matches!(
                err,
                GuideError::PhaseTooLong {
                    line: 4,
                    minutes: 5000,
                    ..
                }
            ),
            "{err}"
        );
        let err = parse("### 1. A (999 minutes)\n").expect_err("too long");
        assert!(
            matches!(err, GuideError::PhaseTooLong { minutes: 999, .. }),
            "{err}"
        );
        let err = parse("### 1. A (200 minutes)\n### 2. B (200 minutes)\n### 3. C (200 minutes)\n")
            .expect_err("too long in all");
        assert!(
            matches!(
                err,
                GuideError::TooLong {
                    line: 6,
                    minutes: 600,
                    ..
                }
            ),
            "{err}"
        );
        assert!(parse("### 1. A (240 minutes)\n### 2. B (240 minutes)\n").is_ok());
    }

    #[test]
    fn the_builtin_guide_has_the_seed_phases() {
        let guide = Guide::builtin();
        assert_eq!(guide.title, "Product Refinement Session Guide");
        let phases: Vec<_> = guide
            .phases
            .iter()
            .map(|p| (p.slug.as_str(), p.minutes.min, p.minutes.max))
            .collect();
        assert_eq!(
            phases,
            vec![
                ("context-setting", 15, 20),
                ("problem-space-exploration", 40, 45),
                ("success-criteria-definition", 20, 25),
                ("session-retrospective", 10, 15),
            ]
        );
        assert_eq!(guide.total(), Minutes { min: 85, max: 105 });
        assert_eq!(guide.natural_minutes(), 95);
        let exploration = guide.phases[1].minutes;
        assert_eq!(guide.fitted_range(exploration, None), exploration);
        assert_eq!(guide.fitted_range(exploration, Some(90)), exploration);
        assert_eq!(
            guide.fitted_range(exploration, Some(60)),
            Minutes { min: 28, max: 32 }
        );
        assert_eq!(
            guide.fitted_range(exploration, Some(210)),
            Minutes { min: 80, max: 90 }
        );
    }

    #[test]
    fn the_builtin_guide_has_every_part() {
        let guide = Guide::builtin();
        assert_eq!(guide.purpose.len(), 4);
        assert_eq!(guide.preparation.len(), 2);
        assert_eq!(guide.preparation[0].name, "For Product Manager/Owner");
        assert_eq!(guide.preparation[0].items[1].children.len(), 3);
        assert_eq!(guide.practices.len(), 1);
        assert_eq!(guide.practices[0].name, "Discussion Management");
        assert_eq!(guide.practices[0].after_phases, 3);
        assert_eq!(guide.practices[0].items.len(), 4);
        assert_eq!(guide.post_session.len(), 3);
        assert_eq!(guide.success_indicators.len(), 5);
        assert_eq!(guide.pitfalls.len(), 5);
        let exploration = &guide.phases[1];
        assert_eq!(exploration.items[0].text, "Discuss each refinement item:");
        assert_eq!(
            exploration.items[0].children[0].text,
            "Define the core problem"
        );
        assert_eq!(exploration.line, 28);
    }

    #[test]
    fn a_guide_without_a_timeboxed_phase_is_an_error_naming_it() {
        let err = Guide::parse(
            "# G\n## During the Session\n### Talk\n- a\n",
            GuideOrigin::File("g.md".into()),
        )
        .expect_err("no phase");
        assert!(
            err.to_string()
                .starts_with("g.md: the guide has no timeboxed session phase"),
            "{err}"
        );
    }

    #[test]
    fn a_backwards_timebox_names_its_line() {
        let err = Guide::parse(
            "# G\n## During the Session\n### 1. Intro (20-10 minutes)\n",
            GuideOrigin::File("g.md".into()),
        )
        .expect_err("bad timebox");
        assert!(
            err.to_string()
                .starts_with("g.md:3: cannot read the timebox"),
            "{err}"
        );
    }

    #[test]
    fn a_duplicate_phase_names_both_lines() {
        let err = Guide::parse(
            "## During\n### Intro (5 min)\n### Intro (10 min)\n",
            GuideOrigin::File("g.md".into()),
        )
        .expect_err("duplicate");
        assert_eq!(
            err.to_string(),
            "g.md:3: phase `Intro` appears twice (first at line 2)"
        );
    }

    #[test]
    fn an_unreadable_file_names_the_file() {
        let err = Guide::from_file(Path::new("/no/such/guide.md")).expect_err("missing");
        assert!(err.to_string().contains("/no/such/guide.md"), "{err}");
    }

    proptest::proptest! {
        /// The cheap test in front of LONG_MINUTES passes every heading the regex matches.
        #[test]
        fn long_minutes_need_four_digits_in_a_row(heading in "[a 0-9٣-]{0,6}[0-9٣]{0,5} ?(min|m|minutes)?") {
            if LONG_MINUTES.is_match(&heading) {
                proptest::prop_assert!(four_digits_in_a_row(&heading), "{heading:?}");
            }
        }
    }
}
