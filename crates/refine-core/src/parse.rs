//! The reply parser: reply text to a typed [`SessionPlan`], with the line of everything it found.
//!
//! It reads what models actually write: prose before and after the sections, code fences around
//! the reply, tags in any letter case or with spaces (`< Key Points >`), numbered, bulleted and
//! nested lists, Markdown tables, headings and bold lines as items, and timeboxes in all the forms
//! [`crate::timebox`] knows. It never fails: structural trouble becomes findings.

use std::rc::Rc;
use std::sync::LazyLock;

use refine_pattern::Pattern;

mod agenda;
mod items;
mod tags;

#[cfg(test)]
use agenda::is_framing;
use agenda::{agenda_items, clean_title, item_text, offsets_to_durations, split_timebox};

pub use items::ItemBlockLayout;

use crate::contract::{SECTIONS, SectionContract, SectionKind, TAGGED, VOCABULARY};
use crate::finding::{Code, Finding};
use crate::guide::Guide;
use crate::plan::{AgendaItem, SessionPlan};
use crate::text::{each_lower_word, same_stem, stem_shared, strip_markup, terms};
use crate::timebox::{Minutes, find_timebox};
use crate::work;

/// Where things stand in the reply, for findings that point at lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyLayout {
    /// The sections that were found, in contract order.
    pub sections: Vec<SectionLayout>,
    /// For each agenda item: its line and the detail lines under it (without markup).
    pub agenda: Vec<ItemLayout>,
    /// The line of each key point.
    pub key_points: Vec<usize>,
    /// The line of each discussion question.
    pub discussion_questions: Vec<usize>,
    /// The first line of the closing statement.
    pub closing_statement: Option<usize>,
    /// With several backlog items: each item block that was read, in the reply's order.
    pub items: Vec<ItemBlockLayout>,
}

impl ReplyLayout {
    /// The line of a section's opening tag, when the section was found.
    pub fn section_line(&self, kind: SectionKind) -> Option<usize> {
        self.section(kind).map(|s| s.line)
    }

    /// A section, when it was found.
    pub fn section(&self, kind: SectionKind) -> Option<&SectionLayout> {
        self.sections.iter().find(|s| s.kind == kind)
    }
}

/// Where a section stands and what is wrong with its tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionLayout {
    /// Which section.
    pub kind: SectionKind,
    /// 1-based line of its opening tag.
    pub line: usize,
    /// It is opened but never closed.
    pub unclosed: bool,
    /// It appears more than once.
    pub duplicated: bool,
    /// It holds nothing.
    pub empty: bool,
}

/// Where one agenda item stands, and what is written under it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemLayout {
    /// 1-based line of the item (what is written under it is the item's `details`).
    pub line: usize,
}

/// A parsed reply: the plan, where its parts stand, and the structural findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedReply {
    /// The plan.
    pub plan: SessionPlan,
    /// Where its parts stand in the reply.
    pub layout: ReplyLayout,
    /// Structural findings: missing, unclosed, duplicate and empty sections.
    pub findings: Vec<Finding>,
}

/// Parses `reply` for a session on `topic`, mapping agenda items to `guide`'s phases.
pub fn parse_reply(reply: &str, topic: &str, guide: &Guide) -> ParsedReply {
    let lines = LineIndex::new(reply);
    let tags = scan_tags(reply);
    let mut findings = Vec::new();
    let mut layout = ReplyLayout::default();
    // Vectors filled below are sized before they are filled: each growth is an allocation.
    layout.sections.reserve(SECTIONS.len());
    let mut plan = SessionPlan {
        topic: topic.to_string(),
        ..SessionPlan::default()
    };
    let blocks = items::blocks(reply, &tags, &lines);
    // Tags inside an item block belong to it; the rest are the reply's top-level sections.
    let top: Vec<TagHit> = tags
        .iter()
        .filter(|t| !blocks.iter().any(|b| b.outer.contains(&t.start)))
        .copied()
        .collect();

    for contract in &SECTIONS {
        let mut own = Vec::new();
        let found = section_body(reply, &top, contract, &lines, &mut own);
        // With item blocks, the questions are in the blocks: no top-level section is needed.
        if blocks.is_empty()
            || contract.kind != SectionKind::DiscussionQuestions
            || found.body.is_some()
        {
            findings.append(&mut own);
        }
        let Some((section, classified)) = read_section(
            reply,
            &found,
            reply.len(),
            contract,
            &lines,
            "",
            &mut findings,
        ) else {
            continue;
        };
        layout.sections.push(section);
        let Some(classified) = classified else {
            continue;
        };
        match contract.kind {
            SectionKind::Agenda => {
                let mut items = agenda_items(&classified, guide);
                offsets_to_durations(&mut items);
                plan.agenda.reserve(items.len());
                layout.agenda.reserve(items.len());
                for (item, item_layout) in items {
                    plan.agenda.push(item);
                    layout.agenda.push(item_layout);
                }
            }
            SectionKind::KeyPoints => {
                let listed = list_items(&classified);
                plan.key_points.reserve(listed.len());
                layout.key_points.reserve(listed.len());
                for (line, text) in listed {
                    plan.key_points.push(text);
                    layout.key_points.push(line);
                }
            }
            SectionKind::DiscussionQuestions => {
                let listed = list_items(&classified);
                plan.discussion_questions.reserve(listed.len());
                layout.discussion_questions.reserve(listed.len());
                for (line, text) in listed {
                    plan.discussion_questions.push(text);
                    layout.discussion_questions.push(line);
                }
            }
            SectionKind::ClosingStatement => {
                work::step(2 * classified.len());
                let text = classified
                    .iter()
                    .filter(|(_, l)| !matches!(l, Line::Blank | Line::Fence | Line::TableSep))
                    .map(|(_, l)| strip_markup(l.text()))
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                layout.closing_statement = classified
                    .iter()
                    .find(|(_, l)| !matches!(l, Line::Blank | Line::Fence))
                    .map(|(n, _)| *n);
                plan.closing_statement = Some(text);
            }
            SectionKind::SuccessCriteria => {}
        }
    }
    for block in &blocks {
        if let Some(first) = layout.items.iter().find(|b| b.number == block.number) {
            findings.push(Finding::new(
                Code::SectionDuplicate,
                format!(
                    "a second <{}> block for item {} (the first is at line {}); only the first is read",
                    crate::contract::ITEM.tag,
                    block.number,
                    first.line
                ),
                Some(block.open_line),
            ));
            continue;
        }
        let (item, item_layout) = items::read_block(reply, &tags, block, &lines, &mut findings);
        // A reader of the single-topic shape finds every item's questions in the usual place.
        plan.discussion_questions
            .extend(item.discussion_questions.iter().cloned());
        layout
            .discussion_questions
            .extend(item_layout.discussion_questions.iter().copied());
        plan.items.push(item);
        layout.items.push(item_layout);
    }
    ParsedReply {
        plan,
        layout,
        findings,
    }
}

/// Byte offsets of line starts, to turn offsets into 1-based line numbers.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        work::step(text.len());
        let mut starts = vec![0];
        // `memchr`'s search, not `str`'s: several times faster on lines of a reply's length.
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex(starts)
    }

    fn line_of(&self, offset: usize) -> usize {
        work::search(self.0.len());
        self.0.partition_point(|&start| start <= offset)
    }
}

/// One tag occurrence of a contract section.
#[derive(Debug, Clone, Copy)]
struct TagHit {
    kind: SectionKind,
    closing: bool,
    start: usize,
    end: usize,
}

/// What a section tag is: the grammar `tags::read_tag` reads by hand, kept as the oracle its
/// proptest compares with.
#[cfg(test)]
static TAG: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9 _-]{0,40}?)\s*(/?)>"));

/// Whether `rest`, the text after a tag, makes the tag a mention in prose ("the <agenda>
/// tags"): what `^\s*(?i:tags?)\b` matches (a test holds the two alike).
fn mention_follows(rest: &str) -> bool {
    let at = refine_pattern::past_spaces(rest, 0);
    let Some(length) = refine_pattern::caseless_prefix(&rest[at..], "tag") else {
        return false;
    };
    let mut end = at + length;
    if let Some(s) = refine_pattern::caseless_prefix(&rest[end..], "s") {
        end += s;
    }
    !rest[end..]
        .chars()
        .next()
        .is_some_and(refine_pattern::is_word_character)
}

/// `text` with every would-be section tag defused (`<agenda>` becomes `‹agenda›`), and nothing
/// else changed: for writing untrusted text into a reply so that it cannot open or close a
/// section while a user's `>10k` or `a<b` stays as typed.
pub fn defuse_section_tags(text: &str) -> String {
    // Every tag, section or item, starts with `<`: most texts hold none, and are copied as
    // they are (the planner defuses every piece of the topic it writes).
    if memchr::memchr(b'<', text.as_bytes()).is_none() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for tag in tags::tag_matches(text) {
        let name = &text[tag.name.clone()];
        if !TAGGED.iter().any(|s| tag_named(name, s.tag)) {
            continue;
        }
        out.push_str(&text[at..tag.whole.start]);
        out.push('‹');
        out.push_str(&text[tag.whole.start + 1..tag.whole.end - 1]);
        out.push('›');
        at = tag.whole.end;
    }
    out.push_str(&text[at..]);
    items::defuse_item_tags(&out)
}

/// Whether the tag name `name` (ASCII, as [`tags::tag_matches`] reads it) normalises to `tag`:
/// lower case, runs of spaces, hyphens and underscores as one underscore, none at either end.
/// Compared as it is normalised, without building the normal form.
fn tag_named(name: &str, tag: &str) -> bool {
    // The normal form is the name's parts joined by underscores, and no part holds one: it is
    // `tag` when the parts are `tag`'s, lower-cased.
    let mut parts = name.split([' ', '-', '_']).filter(|part| !part.is_empty());
    if tag.is_empty() {
        return parts.next().is_none();
    }
    // Most names are written as the tag is, and a tag of lower-case words joined by single
    // underscores is its own normal form.
    let normal_tag = || {
        !tag.starts_with('_')
            && !tag.ends_with('_')
            && !tag.contains("__")
            && tag
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if name.eq_ignore_ascii_case(tag) && normal_tag() {
        return true;
    }
    // Most other names are another section's: told apart by their first letter.
    let first = name.bytes().find(|b| !matches!(b, b' ' | b'-' | b'_'));
    if first.map(|b| b.to_ascii_lowercase()) != Some(tag.as_bytes()[0]) {
        return false;
    }
    let mut wanted = tag.split('_');
    loop {
        match (parts.next(), wanted.next()) {
            (None, None) => return true,
            (Some(part), Some(want))
                if part.len() == want.len()
                    && part
                        .bytes()
                        .zip(want.bytes())
                        .all(|(a, b)| a.to_ascii_lowercase() == b) => {}
            _ => return false,
        }
    }
}

/// All tags of contract sections, in order, leaving out mentions in prose such as "`<agenda>`"
/// or "in <agenda> tags" and self-closing `<agenda/>`.
fn scan_tags(reply: &str) -> Vec<TagHit> {
    let mut hits = Vec::new();
    work::step(reply.len());
    for tag in tags::tag_matches(reply) {
        work::step(1);
        let name = &reply[tag.name.clone()];
        let Some(contract) = TAGGED.iter().find(|s| tag_named(name, s.tag)) else {
            continue;
        };
        let (start, end) = (tag.whole.start, tag.whole.end);
        let in_code = reply[..start].ends_with('`') || reply[end..].starts_with('`');
        if tag.self_closing || in_code || mention_follows(&reply[end..]) {
            continue;
        }
        hits.push(TagHit {
            kind: contract.kind,
            closing: tag.closing,
            start,
            end,
        });
    }
    hits
}

/// The body of one section.
struct SectionBody {
    open_line: usize,
    range: std::ops::Range<usize>,
}

/// A section's body, when found, and what is wrong with its tags.
struct FoundSection {
    body: Option<SectionBody>,
    unclosed: bool,
    duplicated: bool,
}

/// Finds the body of `contract`'s section, reporting missing, unclosed and duplicate tags.
fn section_body(
    reply: &str,
    tags: &[TagHit],
    contract: &SectionContract,
    lines: &LineIndex,
    findings: &mut Vec<Finding>,
) -> FoundSection {
    let tag = contract.tag;
    // The first closed section is read; later ones only need their line for a finding (most
    // replies have none, and no vector is allocated).
    let mut first_closed: Option<SectionBody> = None;
    let mut later_closed: Vec<usize> = Vec::new();
    let mut unclosed: Vec<SectionBody> = Vec::new();
    let mut stray_close: Option<usize> = None;
    let mut open: Option<&TagHit> = None;
    work::step(tags.len());
    for hit in tags.iter().filter(|t| t.kind == contract.kind) {
        match (hit.closing, open) {
            (false, None) => open = Some(hit),
            (false, Some(earlier)) => {
                unclosed.push(unclosed_body(reply, tags, earlier, lines));
                open = Some(hit);
            }
            (true, Some(o)) => {
                let open_line = lines.line_of(o.start);
                if first_closed.is_none() {
                    first_closed = Some(SectionBody {
                        open_line,
                        range: o.end..hit.start,
                    });
                } else {
                    later_closed.push(open_line);
                }
                open = None;
            }
            (true, None) => {
                stray_close.get_or_insert(lines.line_of(hit.start));
            }
        }
    }
    if let Some(o) = open {
        unclosed.push(unclosed_body(reply, tags, o, lines));
    }
    for body in &unclosed {
        findings.push(Finding::new(
            Code::SectionUnclosed,
            format!("<{tag}> is opened but never closed with </{tag}>"),
            Some(body.open_line),
        ));
    }
    for &open_line in &later_closed {
        findings.push(Finding::new(
            Code::SectionDuplicate,
            format!("a second <{tag}> section; only the first is read"),
            Some(open_line),
        ));
    }
    let (was_unclosed, duplicated) = (!unclosed.is_empty(), !later_closed.is_empty());
    let chosen = first_closed.or_else(|| unclosed.into_iter().next());
    if chosen.is_none() {
        let message = match stray_close {
            Some(line) => format!("no <{tag}> section: </{tag}> at line {line} closes nothing"),
            None => format!("no <{tag}> section"),
        };
        findings.push(Finding::new(Code::SectionMissing, message, stray_close));
    }
    FoundSection {
        body: chosen,
        unclosed: was_unclosed,
        duplicated,
    }
}

/// A section's lines with their 1-based numbers, classified.
type ClassifiedLines<'a> = Vec<(usize, Line<'a>)>;

/// A found section's layout and, unless it is empty (then a `section-empty` finding, its
/// message led by `prefix`), its lines classified; its body cut at `end`. `None` when the
/// section was not found.
fn read_section<'r>(
    reply: &'r str,
    found: &FoundSection,
    end: usize,
    contract: &SectionContract,
    lines: &LineIndex,
    prefix: &str,
    findings: &mut Vec<Finding>,
) -> Option<(SectionLayout, Option<ClassifiedLines<'r>>)> {
    let body = found.body.as_ref()?;
    let range = body.range.start..body.range.end.min(end);
    let content = content_lines(&reply[range.clone()], lines.line_of(range.start));
    let empty = !content
        .iter()
        .any(|(_, l)| l.chars().any(char::is_alphanumeric));
    let section = SectionLayout {
        kind: contract.kind,
        line: body.open_line,
        unclosed: found.unclosed,
        duplicated: found.duplicated,
        empty,
    };
    if empty {
        findings.push(Finding::new(
            Code::SectionEmpty,
            format!("{prefix}the <{}> section is empty", contract.tag),
            Some(body.open_line),
        ));
        return Some((section, None));
    }
    let classified = content
        .iter()
        .map(|(n, text)| (*n, Line::classify(text)))
        .collect();
    Some((section, Some(classified)))
}

/// An unclosed section runs to the next tag of another section, or to the end of the reply.
fn unclosed_body(reply: &str, tags: &[TagHit], open: &TagHit, lines: &LineIndex) -> SectionBody {
    // Tags are in reply order: start after this one rather than filtering them all, so a
    // reply of many unclosed tags stays linear.
    work::search(tags.len());
    let after = tags.partition_point(|t| t.start <= open.start);
    let end = tags[after..]
        .iter()
        .inspect(|_| work::step(1))
        .find(|t| t.kind != open.kind || !t.closing)
        .map_or(reply.len(), |t| t.start);
    SectionBody {
        open_line: lines.line_of(open.start),
        range: open.end..end.max(open.end),
    }
}

/// The lines of a section body with their 1-based numbers; text on the tag's own line counts.
fn content_lines(body: &str, first_line: usize) -> Vec<(usize, &str)> {
    work::step(body.len());
    // What `body.split('\n')` cuts, the breaks found by `memchr`; counted first, so the vector
    // is allocated once (growing it cost a tenth of reading a section).
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', body.as_bytes()).count() + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body.as_bytes()).chain(std::iter::once(body.len())) {
        lines.push((
            first_line + lines.len(),
            body[start..end].trim_end_matches('\r'),
        ));
        start = end + 1;
    }
    lines
}

/// What one line of a section is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Line<'a> {
    Blank,
    Fence,
    TableSep,
    TableRow(Vec<String>),
    Heading(&'a str),
    ListItem { indent: usize, text: &'a str },
    Bold(&'a str),
    Plain { indent: usize, text: &'a str },
}

static FENCE: LazyLock<Pattern> = LazyLock::new(|| Pattern::new(r"^\s*(```|~~~)"));
static TABLE_SEP: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$"));
static HEADING: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"^\s{0,3}#{1,6}\s+(.*?)[\s#]*$"));
static LIST_ITEM: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(r"^(\s*)(?:[-*+•▪◦]|\d{1,3}[.)]|\(\d{1,3}\)|[a-zA-Z][.)])\s+(.*)$")
});

fn indent_of(line: &str) -> usize {
    line.chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

impl<'a> Line<'a> {
    fn classify(raw: &'a str) -> Line<'a> {
        work::step(raw.len());
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Line::Blank;
        }
        if trimmed.starts_with(['`', '~']) && FENCE.is_match(raw) {
            return Line::Fence;
        }
        if memchr::memchr(b'|', trimmed.as_bytes()).is_some() && TABLE_SEP.is_match(raw) {
            return Line::TableSep;
        }
        if trimmed.starts_with('|') {
            let cells: Vec<String> = trimmed
                .trim_matches('|')
                .split('|')
                .map(strip_markup)
                .collect();
            return Line::TableRow(cells);
        }
        // The regexes below only run on lines that can start as they require.
        if let Some(c) = trimmed
            .starts_with('#')
            .then(|| HEADING.captures(raw))
            .flatten()
        {
            return Line::Heading(c.get(1).map_or("", |m| m.as_str()));
        }
        if let Some((indent, text)) = list_item(raw) {
            return Line::ListItem {
                indent: indent_of(indent),
                text,
            };
        }
        let indent = indent_of(raw);
        if indent <= 3 && is_bold_line(trimmed) {
            return Line::Bold(trimmed);
        }
        Line::Plain {
            indent,
            text: trimmed,
        }
    }

    /// The line's text, markup included.
    fn text(&self) -> &str {
        match self {
            Line::Blank | Line::Fence | Line::TableSep | Line::TableRow(_) => "",
            Line::Heading(t) | Line::Bold(t) => t,
            Line::ListItem { text, .. } | Line::Plain { text, .. } => text,
        }
    }

    /// The line's text without markup; table cells joined.
    fn plain(&self) -> String {
        match self {
            Line::TableRow(cells) => cells
                .iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" — "),
            other => strip_markup(other.text()),
        }
    }
}

/// What [`LIST_ITEM`] captures of a line: its indent and its text after the marker. Bullets,
/// ASCII numbers and letters are read directly; a marker with a digit of another script goes
/// to the regex (`\d` is any decimal digit). A proptest holds the two equal.
fn list_item(raw: &str) -> Option<(&str, &str)> {
    let by_regex = |raw| {
        let c = LIST_ITEM.captures(raw)?;
        Some((c.get(1)?.as_str(), c.get(2)?.as_str()))
    };
    if memchr::memchr(b'\n', raw.as_bytes()).is_some() {
        return by_regex(raw);
    }
    let body = raw.trim_start();
    let indent = &raw[..raw.len() - body.len()];
    let bytes = body.as_bytes();
    // The ASCII digits from `at`, and the byte after them.
    let digits = |at: usize| {
        let n = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        (n, bytes.get(at + n).copied())
    };
    let first = body.chars().next()?;
    let marker = match first {
        '-' | '*' | '+' | '•' | '▪' | '◦' => first.len_utf8(),
        '(' | '0'..='9' => {
            let at = usize::from(first == '(');
            let close: &[u8] = if first == '(' { b")" } else { b".)" };
            match digits(at) {
                (n, Some(b)) if (1..=3).contains(&n) && close.contains(&b) => at + n + 1,
                (_, Some(b)) if !b.is_ascii() => return by_regex(raw),
                _ => return None,
            }
        }
        c if c.is_ascii_alphabetic() => match bytes.get(1) {
            Some(b'.' | b')') => 2,
            _ => return None,
        },
        c if c.is_numeric() => return by_regex(raw),
        _ => return None,
    };
    let rest = &body[marker..];
    let text = rest.trim_start();
    // The marker is followed by at least one space.
    (text.len() < rest.len()).then_some((indent, text))
}

/// A line that is all bold, or bold followed by nothing but a timebox: `**Context (15 min)**`,
/// `**Context Setting** (15 min)`.
fn is_bold_line(trimmed: &str) -> bool {
    let marker = if trimmed.starts_with("**") {
        "**"
    } else if trimmed.starts_with("__") {
        "__"
    } else {
        return false;
    };
    let Some(close) = trimmed[2..].find(marker) else {
        return false;
    };
    let rest = &trimmed[2 + close + 2..];
    let rest_without_timebox = match find_timebox(rest) {
        Some(found) => {
            let mut r = rest.to_string();
            r.replace_range(found.span, "");
            r
        }
        None => rest.to_string(),
    };
    !rest_without_timebox.chars().any(char::is_alphanumeric)
}

/// Items of a list section: top-level list items with their continuation lines; else table rows;
/// else headings or bold lines with the text under them; else paragraphs, or lines.
fn list_items(lines: &[(usize, Line<'_>)]) -> Vec<(usize, String)> {
    // Each way of reading items below is one pass over the lines.
    work::step(lines.len());
    let min_indent = lines
        .iter()
        .filter_map(|(_, l)| match l {
            Line::ListItem { indent, .. } => Some(*indent),
            _ => None,
        })
        .min();
    if let Some(top) = min_indent {
        work::step(lines.len());
        let mut items: Vec<(usize, String)> = Vec::new();
        let mut after_blank = false;
        let mut in_item = false;
        for (n, line) in lines {
            match line {
                Line::ListItem { indent, .. } if *indent == top => {
                    items.push((*n, line.plain()));
                    in_item = true;
                }
                Line::ListItem { .. } => {}
                Line::Plain { indent, .. } if in_item && (!after_blank || *indent > top) => {
                    if let Some((_, text)) = items.last_mut() {
                        text.push(' ');
                        text.push_str(&line.plain());
                    }
                }
                Line::Blank => {
                    after_blank = true;
                    continue;
                }
                Line::Fence => {}
                _ => in_item = false,
            }
            after_blank = false;
        }
        return items;
    }
    work::step(lines.len());
    let rows = table_rows(lines);
    if !rows.is_empty() {
        return rows.into_iter().map(|(n, l)| (n, l.plain())).collect();
    }
    let starts_item = |l: &Line| matches!(l, Line::Heading(_) | Line::Bold(_));
    work::step(lines.len());
    if lines.iter().any(|(_, l)| starts_item(l)) {
        work::step(lines.len());
        let mut items: Vec<(usize, String)> = Vec::new();
        for (n, line) in lines {
            if starts_item(line) {
                items.push((*n, line.plain()));
            } else if let (Line::Plain { .. }, Some((_, text))) = (line, items.last_mut()) {
                // "**1. The core problem**" then the question: a label, then its text.
                let labelled = text.ends_with(|c: char| c.is_alphanumeric());
                text.push_str(if labelled { ": " } else { " " });
                text.push_str(&line.plain());
            }
        }
        return items;
    }
    // Prose: paragraphs when blank lines separate several, else one item per line.
    work::step(2 * lines.len());
    let mut paragraphs: Vec<(usize, String)> = Vec::new();
    let mut open = false;
    for (n, line) in lines {
        match line {
            Line::Plain { .. } => {
                if open {
                    if let Some((_, text)) = paragraphs.last_mut() {
                        text.push(' ');
                        text.push_str(&line.plain());
                    }
                } else {
                    paragraphs.push((*n, line.plain()));
                    open = true;
                }
            }
            _ => open = false,
        }
    }
    if paragraphs.len() > 1 {
        return paragraphs;
    }
    lines
        .iter()
        .filter(|(_, l)| matches!(l, Line::Plain { .. }))
        .map(|(n, l)| (*n, l.plain()))
        .collect()
}

/// Data rows of Markdown tables: rows that are not a header (the row before a separator).
fn table_rows<'l, 'a>(lines: &'l [(usize, Line<'a>)]) -> Vec<(usize, &'l Line<'a>)> {
    lines
        .iter()
        .enumerate()
        .filter(|(i, (_, l))| {
            matches!(l, Line::TableRow(_)) && !matches!(lines.get(i + 1), Some((_, Line::TableSep)))
        })
        .map(|(_, (n, l))| (*n, l))
        .collect()
}

/// Words that do not tell phases apart.
const PHASE_FILLER: &[&str] = &[
    "session", "phase", "part", "step", "block", "segment", "and", "the", "of", "a",
];

/// The guide phase an agenda title names, by word overlap: the phase with the largest share of its
/// distinctive words in the title, when that share is at least a third.
pub fn match_phase(title: &str, guide: &Guide) -> Option<String> {
    match_phase_named(title, guide, &phase_name_stems(guide))
}

/// Stems of a phase name's distinctive words.
type NameStems = Rc<[Rc<str>]>;

/// How many phase names each thread remembers the stems of before it starts afresh.
const PHASE_NAME_LIMIT: usize = 1_000;

thread_local! {
    /// Each phase name's stems, by name: every reply read with a guide reads its phase names
    /// again, and splitting and stemming them cost more than the rest of matching titles.
    static PHASE_NAME_STEMS: std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, NameStems>> =
        std::cell::RefCell::default();
}

/// The stems of each phase name's distinctive words (fillers such as "phase" left out), in the
/// guide's order: what [`match_phase`] compares a title with.
pub(crate) fn phase_name_stems(guide: &Guide) -> Vec<NameStems> {
    PHASE_NAME_STEMS.with_borrow_mut(|known| {
        if known.len() + guide.phases.len() > PHASE_NAME_LIMIT {
            known.clear();
        }
        guide
            .phases
            .iter()
            .map(|phase| {
                if let Some(stems) = known.get(phase.name.as_str()) {
                    return Rc::clone(stems);
                }
                let stems = name_stems(&phase.name);
                known.insert(Box::from(phase.name.as_str()), Rc::clone(&stems));
                stems
            })
            .collect()
    })
}

/// The stems of `name`'s words but [`PHASE_FILLER`], read afresh.
fn name_stems(name: &str) -> NameStems {
    let mut stems = Vec::new();
    each_lower_word(name, |word| {
        if !PHASE_FILLER.contains(&word) {
            stems.push(stem_shared(word));
        }
    });
    stems.into()
}

/// [`match_phase`], given [`phase_name_stems`] of `guide` (read once for all of an agenda's
/// items).
pub(crate) fn match_phase_named(
    title: &str,
    guide: &Guide,
    phase_names: &[NameStems],
) -> Option<String> {
    work::step(title.len() + guide.phases.len());
    let title_stems = title_stems(title);
    let mut best: Option<(f64, &str)> = None;
    for (phase, phase_stems) in guide.phases.iter().zip(phase_names) {
        if phase_stems.is_empty() {
            continue;
        }
        let matched = phase_stems
            .iter()
            .filter(|ps| title_stems.iter().any(|ts| same_stem(ps, ts)))
            .count();
        let share = matched as f64 / phase_stems.len() as f64;
        if matched > 0 && share >= 1.0 / 3.0 && best.is_none_or(|(b, _)| share > b) {
            best = Some((share, &phase.slug));
        }
    }
    best.map(|(_, slug)| slug.to_string())
        .or_else(|| match_phase_by_bullets(title, guide))
}

thread_local! {
    /// The agenda titles this thread stemmed lately: replies to one guide name its phases
    /// reply after reply.
    static TITLES_STEMMED_LATELY: std::cell::RefCell<crate::recent::Recent<Box<str>, NameStems>> =
        const { std::cell::RefCell::new(crate::recent::Recent::new()) };
}

/// The stems of an agenda title's words, all of them, kept for the thread's latest titles (but
/// the long ones).
fn title_stems(title: &str) -> NameStems {
    let stems = || {
        let mut stems: Vec<Rc<str>> = Vec::with_capacity(8);
        each_lower_word(title, |word| stems.push(stem_shared(word)));
        stems.into()
    };
    if title.len() > crate::recent::LONGEST_KEPT {
        return stems();
    }
    crate::recent::remembered(&TITLES_STEMMED_LATELY, title, stems)
}

/// When no phase name fits, the one phase whose bullets share the most terms with the title
/// ("Stakeholder mapping" is the exploration phase's "Identify affected stakeholders").
fn match_phase_by_bullets(title: &str, guide: &Guide) -> Option<String> {
    let title_terms = terms(title);
    let mut scored: Vec<(usize, &str)> = guide
        .phases
        .iter()
        .map(|phase| {
            let bullets: crate::text::Terms = phase
                .items
                .iter()
                .flat_map(|item| item.texts())
                .inspect(|text| work::step(text.len()))
                .flat_map(terms)
                .collect();
            let shared = title_terms
                .iter()
                .filter(|t| bullets.iter().any(|b| same_stem(t, b)))
                .count();
            (shared, phase.slug.as_str())
        })
        .filter(|(shared, _)| *shared > 0)
        .collect();
    scored.sort_by_key(|(shared, _)| std::cmp::Reverse(*shared));
    match scored.as_slice() {
        [(best, slug), rest @ ..] if rest.first().is_none_or(|(next, _)| next < best) => {
            Some(slug.to_string())
        }
        _ => None,
    }
}

/// This module's patterns, for the test that both engines read them alike.
#[cfg(test)]
pub(crate) fn patterns() -> Vec<&'static Pattern> {
    let mut patterns: Vec<&'static Pattern> =
        vec![&*TAG, &*FENCE, &*TABLE_SEP, &*HEADING, &*LIST_ITEM];
    patterns.extend(agenda::patterns());
    patterns.extend(items::patterns());
    patterns
}

#[cfg(test)]
mod tests;
