//! The words of an offline pack: key points chosen from the guide and applied to this item,
//! problem-space questions that name its subject and use what its notes say, prompts for the
//! success criteria, and a closing that says what this item needs next.
//!
//! Phrasings come from [`crate::bank`]; which one a topic gets is chosen from a hash of the
//! topic and its notes, so the same input gives the same bytes and different topics read
//! differently.

use crate::placeholders::{self, Placeholder, THIS_ITEM, unquote_this_item};
use refine_core::contract::{CLOSING_STATEMENT, DISCUSSION_QUESTIONS, KEY_POINTS};
use refine_core::lint::TitleEcho;
use refine_core::parse::defuse_section_tags;
use refine_core::text::{
    has_terms, is_unspaced, same_stem, sentence_count, shared_terms, terms_meet, unicode_words,
    words,
};
use refine_topic::{FactKind, Reading, TopicKind};
use sha2::{Digest, Sha256};

use crate::bank::{self, Bank};
use crate::guide_lines::GuideLines;

/// What the planner knows about the item, and how it picks phrasings for it.
pub(crate) struct Voice<'r> {
    pub(crate) reading: &'r Reading,
    /// The subject as questions name it, safe to write into a reply.
    pub(crate) subject: String,
    /// The notes as given, for their words when no sentence of them says enough.
    context: Option<&'r str>,
    seed: [u8; 32],
    /// The title, prepared for checking the many sentences written about it.
    title_echo: std::rc::Rc<TitleEcho>,
    /// The people the notes name, joined and safe to write: what `{who}` stands for.
    who: String,
    /// The most words of the pieces a sentence names (subject, proposal, goal): where
    /// shortening them starts when a sentence echoes the title.
    longest_piece: usize,
}

/// The most words of the pieces of the title a sentence names: `subject`, the proposal, the goal.
fn longest_piece(reading: &Reading, subject: &str) -> usize {
    let title = &reading.title;
    [
        subject,
        title.proposal.as_deref().unwrap_or(""),
        title.goal.as_deref().unwrap_or(""),
    ]
    .iter()
    .map(|piece| refine_core::text::words(piece).len())
    .max()
    .unwrap_or(0)
}

impl<'r> Voice<'r> {
    /// The same voice naming the subject `subject`.
    fn naming(&self, subject: &str) -> Voice<'r> {
        Voice {
            reading: self.reading,
            subject: subject.to_string(),
            context: self.context,
            seed: self.seed,
            title_echo: std::rc::Rc::clone(&self.title_echo),
            who: self.who.clone(),
            longest_piece: longest_piece(self.reading, subject),
        }
    }

    pub(crate) fn new(reading: &'r Reading, context: Option<&'r str>) -> Voice<'r> {
        let mut hasher = Sha256::new();
        hasher.update(reading.title.full.as_bytes());
        hasher.update([0]);
        hasher.update(context.unwrap_or("").as_bytes());
        let mut subject = reading.title.subject.clone();
        let whole = subject == reading.title.full;
        if !has_terms(&subject) && !whole {
            // A long title of nothing but common words ("How can we make this better for
            // everyone?"): the notes say what it is about.
            if let Some(word) = context.and_then(main_word) {
                subject = word;
            }
        }
        let subject = defuse_section_tags(&subject);
        Voice {
            reading,
            longest_piece: longest_piece(reading, &subject),
            subject,
            context,
            seed: hasher.finalize().into(),
            title_echo: TitleEcho::shared(&reading.title.full),
            who: defuse_section_tags(&join_and(&reading.notes.affected)),
        }
    }

    /// A number from the topic for `slot`, below `n`.
    fn choose(&self, slot: usize, n: usize) -> usize {
        let at = (slot * 2) % 32;
        let value = u16::from_le_bytes([self.seed[at], self.seed[(at + 1) % 32]]);
        usize::from(value) % n.max(1)
    }

    /// One of `options` for `slot`.
    fn pick(&self, slot: usize, options: &'static [&'static str]) -> &'static str {
        options[self.choose(slot, options.len())]
    }

    /// A question from a bank: a lead and a follow-up, each chosen for this topic.
    fn ask(&self, slot: usize, bank: &Bank) -> String {
        let text = [self.pick(slot, bank.leads), self.pick(slot + 7, bank.tails)].concat();
        self.fill(&text, "")
    }

    /// `text` with the subject and other placeholders filled in.
    fn fill(&self, text: &str, quote: &str) -> String {
        let title = &self.reading.title;
        let who = &self.who;
        let proposal = title.proposal.as_deref().unwrap_or("");
        let goal = title.goal.as_deref().unwrap_or("");
        // `limit` words at most for each piece of the title the text names.
        let with = |limit: Option<usize>| {
            let cut = |piece: &str| match limit {
                Some(n) => defuse_section_tags(&refine_topic::title::shorten(piece, n)),
                None => defuse_section_tags(piece),
            };
            placeholders::fill(text, |placeholder| match placeholder {
                Placeholder::Subject => match limit {
                    Some(n) => refine_topic::title::shorten(&self.subject, n),
                    None => self.subject.clone(),
                },
                Placeholder::Quote => defuse_section_tags(quote),
                Placeholder::Who => who.clone(),
                Placeholder::Proposal => cut(proposal),
                Placeholder::Goal => cut(goal),
            })
        };
        // The words around a piece of the title can meet the title's own ("How slow is “...”"
        // after a title "... is ..."): name the pieces in fewer words until the sentence no
        // longer repeats the title at length.
        let mut filled = with(None);
        let mut limit = self.longest_piece;
        while limit > 1 && self.title_echo.echoed_in(&filled) {
            limit -= 1;
            filled = with(Some(limit));
        }
        filled
    }

    /// The title and notes as one text, for signal words.
    fn signals(&self) -> String {
        let mut text = self.reading.title.full.clone();
        for sentence in &self.reading.notes.sentences {
            text.push('\n');
            text.push_str(sentence);
        }
        text
    }

    /// The notes' own terms (those not in the title), as `questions-ungrounded` judges a
    /// question's use of the notes (on the notes as given).
    fn notes_own_terms(&self) -> refine_core::text::Terms {
        let title = shared_terms(&self.reading.title.full);
        shared_terms(self.context.unwrap_or_default())
            .iter()
            .filter(|t| !title.iter().any(|x| same_stem(x, t)))
            .cloned()
            .collect()
    }

    /// A quote from the notes fit to write: it does not repeat the title at length.
    fn usable_quote<'f>(&self, quote: &'f str) -> Option<&'f str> {
        (!self.title_echo.echoed_in(quote)).then_some(quote)
    }
}

/// The content word the notes use most (first used on a tie), for a title that names nothing.
fn main_word(notes: &str) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for word in words(notes) {
        if !has_terms(&word) || !word.chars().any(char::is_alphabetic) {
            continue;
        }
        match counts.iter_mut().find(|(w, _)| *w == word) {
            Some((_, n)) => *n += 1,
            None => counts.push((word, 1)),
        }
    }
    let most = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == most).map(|(w, _)| w)
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first fact line of the notes for the agenda, on one line.
pub(crate) fn notes_line(voice: &Voice<'_>) -> Option<String> {
    let fact = voice.reading.notes.facts.first()?;
    Some(defuse_section_tags(&fact.quote))
}

/// What a guide statement or a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Theme {
    Understanding,
    Estimation,
    Stakeholders,
    Dependencies,
    Constraints,
    Assumptions,
    Success,
    Measurement,
    Timeboxing,
    Preparation,
    Priorities,
    Solutions,
}

/// Word beginnings that mark a theme in a guide statement.
const THEME_MARKERS: &[(Theme, &[&str])] = &[
    (Theme::Estimation, &["estimat", "effort", "sizing", "dates"]),
    (Theme::Solutions, &["solution", "designing"]),
    (
        Theme::Stakeholders,
        &["stakeholder", "who", "customer", "voice", "role"],
    ),
    (Theme::Dependencies, &["dependenc", "depend"]),
    (
        Theme::Constraints,
        &["constraint", "risk", "non-negotiable", "legal"],
    ),
    (
        Theme::Assumptions,
        &["assumption", "unknown", "learn", "clarif"],
    ),
    (Theme::Measurement, &["measure", "metric", "evidence"]),
    (
        Theme::Success,
        &["success", "outcome", "acceptance", "criteria"],
    ),
    (Theme::Timeboxing, &["timebox", "timer", "tangent", "park"]),
    (Theme::Preparation, &["prepar", "advance", "ahead", "brief"]),
    (
        Theme::Priorities,
        &["priorit", "strategic", "matter", "goal"],
    ),
    (Theme::Understanding, &["understand", "problem", "frame"]),
];

/// How many texts each thread remembers the themes or angle of before it starts afresh.
const MEMO_LIMIT: usize = 4096;

type Memo<V> = std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, V>>;

thread_local! {
    /// The themes of guide statements read so far: a run plans every case from the same
    /// guide, and reading a statement's words costs far more than a lookup.
    static THEMES: Memo<Vec<Theme>> = Memo::default();
    /// The angle of guide statements read so far, for the same reason.
    static ANGLES: Memo<Option<Angle>> = Memo::default();
    /// Whether guide statements read so far speak of success.
    static SUCCESS: Memo<bool> = Memo::default();
}

/// `read(text)`, remembered per thread: `read` must depend on `text` alone.
fn memoized<V: Clone>(
    memo: &'static std::thread::LocalKey<Memo<V>>,
    text: &str,
    read: impl FnOnce(&str) -> V,
) -> V {
    if let Some(known) = memo.with(|m| m.borrow().get(text).cloned()) {
        return known;
    }
    let value = read(text);
    memo.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MEMO_LIMIT {
            m.clear();
        }
        m.insert(Box::from(text), value.clone());
    });
    value
}

pub(crate) fn themes_of(text: &str) -> Vec<Theme> {
    memoized(&THEMES, text, read_themes)
}

fn read_themes(text: &str) -> Vec<Theme> {
    let marked = MarkerWords::of(text);
    THEME_MARKERS
        .iter()
        .filter(|(_, markers)| marked.any_starts_with(markers))
        .map(|(theme, _)| *theme)
        .collect()
}

/// The themes a kind of topic most needs, in order.
fn kind_themes(kind: TopicKind) -> &'static [Theme] {
    use Theme::*;
    match kind {
        TopicKind::Feature => &[Understanding, Success, Stakeholders, Assumptions],
        TopicKind::Bug => &[Understanding, Success, Constraints, Stakeholders],
        TopicKind::Performance => &[Measurement, Success, Constraints, Dependencies],
        TopicKind::Ux => &[Stakeholders, Understanding, Success, Assumptions],
        TopicKind::Compliance => &[Constraints, Success, Stakeholders, Dependencies],
        TopicKind::Migration => &[Dependencies, Assumptions, Constraints, Stakeholders],
        TopicKind::Integration => &[Stakeholders, Dependencies, Constraints, Success],
        TopicKind::TechDebt => &[Priorities, Understanding, Success, Dependencies],
        TopicKind::Research => &[Assumptions, Understanding, Success, Stakeholders],
    }
}

/// Signals in the topic that pull in a particular pitfall or theme, whatever the kind.
fn topic_themes(topic_and_context: &str) -> Vec<Theme> {
    let lower = refine_core::text::lowercase(topic_and_context);
    let mut out = Vec::new();
    if ["estimat", "story point", "sizing", "deadline", "how long"]
        .iter()
        .any(|s| lower.contains(s))
    {
        out.push(Theme::Estimation);
    }
    if ["cross-team", "teams", "partner", "vendor", "department"]
        .iter()
        .any(|s| lower.contains(s))
    {
        out.push(Theme::Stakeholders);
        out.push(Theme::Dependencies);
    }
    out
}

/// 3-5 key points: guide statements chosen for the topic's signals and kind, each applied to
/// the subject, ending with a pitfall to avoid.
pub(crate) fn key_points(voice: &Voice<'_>, guide: &GuideLines) -> Vec<String> {
    let kind = voice.reading.kind.kind;
    let topic_and_context = voice.signals();
    let bounds = KEY_POINTS.bounds().map_or((3, 5), |b| (b.min, b.max));
    let pool = &guide.candidates;
    let mut wanted: Vec<Theme> = topic_themes(&topic_and_context);
    wanted.extend(kind_themes(kind));
    let mut chosen: Vec<(usize, Theme)> = Vec::new();
    let target = (bounds.0 + 1).min(bounds.1);
    for theme in wanted {
        if chosen.len() >= target {
            break;
        }
        if chosen.iter().any(|(_, t)| *t == theme) {
            continue;
        }
        // Pitfalls speak for estimation and solutions; other themes come from the guide's advice.
        let pick = pool.iter().enumerate().find(|(i, c)| {
            c.themes.contains(&theme)
                && (c.pitfall == matches!(theme, Theme::Estimation | Theme::Solutions))
                && !chosen.iter().any(|(j, _)| j == i)
        });
        if let Some((i, _)) = pick {
            chosen.push((i, theme));
        }
    }
    // Always warn against the guide's first pitfall not yet covered, when there is room.
    if chosen.len() < bounds.1
        && let Some((i, c)) = pool
            .iter()
            .enumerate()
            .find(|(i, c)| c.pitfall && !chosen.iter().any(|(j, _)| j == i))
    {
        let theme = c.themes.first().copied().unwrap_or(Theme::Solutions);
        chosen.push((i, theme));
    }
    // A sparse guide: fill with its first statements.
    for (i, c) in pool.iter().enumerate() {
        if chosen.len() >= bounds.0 {
            break;
        }
        if !chosen.iter().any(|(j, _)| *j == i) {
            chosen.push((i, c.themes.first().copied().unwrap_or(Theme::Understanding)));
        }
    }
    // Later points name the item as "this item": one voice for all of them.
    let as_this_item = (chosen.len() > 2).then(|| voice.naming(THIS_ITEM));
    chosen
        .into_iter()
        .map(|(i, theme)| {
            let text = defuse_section_tags(pool[i].text.trim_end_matches(['.', ':', ';']));
            let text = if pool[i].pitfall {
                ["Pitfall to avoid: ", &text].concat()
            } else {
                text
            };
            (text, theme)
        })
        .enumerate()
        .map(|(i, (text, theme))| {
            // Name the subject in the first points; after that the reader knows what "this
            // item" is, and the pack does not repeat it line after line.
            let tailored = match &as_this_item {
                Some(later) if i >= 2 => unquote_this_item(&tailoring(later, theme)),
                _ => tailoring(voice, theme),
            };
            ["**", &text, "** — ", &tailored].concat()
        })
        .collect()
}

pub(crate) fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        // Keep acronyms ("PM/PO", "API") as they are.
        Some(first) if chars.clone().next().is_some_and(|c| c.is_lowercase()) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

/// What a problem-space question asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Angle {
    Core,
    Stakeholders,
    Dependencies,
    Constraints,
    Assumptions,
    Evidence,
    Workarounds,
}

const ANGLE_MARKERS: &[(Angle, &[&str])] = &[
    (
        Angle::Stakeholders,
        &["stakeholder", "who", "customer", "user", "feel"],
    ),
    (Angle::Dependencies, &["dependenc", "depend"]),
    (
        Angle::Constraints,
        &["constraint", "risk", "legal", "limit"],
    ),
    (Angle::Assumptions, &["assumption", "unknown", "learn"]),
    (Angle::Evidence, &["evidence", "data", "metric"]),
    (Angle::Workarounds, &["instead", "workaround", "today"]),
    (Angle::Core, &["problem", "restate", "frame", "core"]),
];

pub(crate) fn angles_of(text: &str) -> Option<Angle> {
    memoized(&ANGLES, text, read_angle)
}

fn read_angle(text: &str) -> Option<Angle> {
    let marked = MarkerWords::of(text);
    ANGLE_MARKERS
        .iter()
        .find(|(_, markers)| marked.any_starts_with(markers))
        .map(|(angle, _)| *angle)
}

/// A text's words for the marker tests of angles and themes: lower-cased only where they are
/// not ASCII, since the markers are lower-case ASCII and an ASCII word is compared without
/// regard to case (what its lower-cased form would give, without the copy).
struct MarkerWords<'t> {
    words: Vec<std::borrow::Cow<'t, str>>,
    /// Bit `b - b'a'` is set when a word starts with the ASCII letter `b` (either case): a
    /// marker whose first letter no word has is ruled out by one test.
    initials: u32,
}

impl<'t> MarkerWords<'t> {
    fn of(text: &'t str) -> MarkerWords<'t> {
        let mut initials = 0;
        let words = unicode_words(text)
            .map(|w| {
                // Lower-cased from another script, a word can start with an ASCII letter
                // (the Kelvin sign lower-cases to `k`): the bit is read from the word as kept.
                let word = if w.is_ascii() {
                    std::borrow::Cow::Borrowed(w)
                } else {
                    std::borrow::Cow::Owned(w.to_lowercase())
                };
                initials |= word.as_bytes().first().map_or(0, |&b| initial_bit(b));
                word
            })
            .collect();
        MarkerWords { words, initials }
    }

    /// Whether a word starts with one of `markers` (lower-case ASCII, each starting with a
    /// letter).
    fn any_starts_with(&self, markers: &[&str]) -> bool {
        markers.iter().any(|marker| {
            self.initials & initial_bit(marker.as_bytes()[0]) != 0
                && self.words.iter().any(|word| {
                    word.len() >= marker.len()
                        && word.as_bytes()[..marker.len()].eq_ignore_ascii_case(marker.as_bytes())
                })
        })
    }
}

/// The [`MarkerWords::initials`] bit of a word's first byte: none for a byte that is no ASCII
/// letter (a word lower-cased from another script never starts like an ASCII marker).
fn initial_bit(first: u8) -> u32 {
    if first.is_ascii_alphabetic() {
        1 << (first.to_ascii_lowercase() - b'a')
    } else {
        0
    }
}

/// How a key point on `theme` applies the guide to this item: through what the notes say
/// about the theme when they say something, else a phrasing of the theme for the subject.
fn tailoring(voice: &Voice<'_>, theme: Theme) -> String {
    let notes = &voice.reading.notes;
    let slot = 20 + theme as usize;
    if theme == Theme::Stakeholders && !notes.affected.is_empty() {
        return voice.fill(bank::key_points::NAMED_PEOPLE, "");
    }
    let from_notes = bank::key_points::from_notes(theme).and_then(|(kind, text)| {
        let fact = notes.first(kind)?;
        Some(voice.fill(text, voice.usable_quote(&fact.quote)?))
    });
    from_notes.unwrap_or_else(|| voice.fill(voice.pick(slot, bank::key_points::plain(theme)), ""))
}

/// A question on the people the notes name, when they name any.
fn affected_question(voice: &Voice<'_>, slot: usize) -> Option<String> {
    (!voice.reading.notes.affected.is_empty())
        .then(|| voice.fill(voice.pick(slot, bank::facts::AFFECTED), ""))
}

/// A question that quotes fact `index` of the notes, when it can be quoted; `as_statement`
/// asks about it as a plain statement whatever it tells.
fn fact_question(
    voice: &Voice<'_>,
    slot: usize,
    index: usize,
    as_statement: bool,
) -> Option<String> {
    let fact = voice.reading.notes.facts.get(index)?;
    let quote = voice.usable_quote(&fact.quote)?;
    let options = match fact.kind {
        _ if as_statement => bank::facts::STATEMENT,
        FactKind::Constraint => bank::facts::CONSTRAINT,
        FactKind::Measure => bank::facts::MEASURE,
        FactKind::Condition => bank::facts::CONDITION,
        FactKind::Dependency => bank::facts::DEPENDENCY,
        FactKind::Proposal => bank::facts::PROPOSAL,
        FactKind::Disagreement => bank::facts::DISAGREEMENT,
        FactKind::Affected | FactKind::Statement => bank::facts::STATEMENT,
    };
    Some(voice.fill(voice.pick(slot, options), quote))
}

/// The core question: the problem behind a proposal, or the kind's own question.
fn core_question(voice: &Voice<'_>) -> String {
    let title = &voice.reading.title;
    if title.goal.is_some() {
        voice.ask(0, &bank::GOAL)
    } else if title.proposal.is_some() {
        voice.ask(0, &bank::PROPOSAL)
    } else {
        voice.ask(0, &bank::core(voice.reading.kind.kind))
    }
}

/// 3-5 open problem-space questions: the core problem first, then one per angle the guide's
/// exploration bullets raise. With notes, angles the notes speak to are asked through what the
/// notes say (at least two questions when the notes allow), the rest from the banks.
pub(crate) fn questions(voice: &Voice<'_>, guide: &GuideLines) -> Vec<String> {
    let max = DISCUSSION_QUESTIONS.bounds().map_or(5, |b| b.max);
    let mut angles: Vec<Angle> = guide.exploration_angles.clone();
    for angle in [
        Angle::Stakeholders,
        Angle::Assumptions,
        Angle::Constraints,
        Angle::Dependencies,
        Angle::Evidence,
    ] {
        if !angles.contains(&angle) {
            angles.push(angle);
        }
    }
    angles.truncate(max - 1);
    // Facts that speak to each angle, best first.
    let speaks_to = |angle: Angle| -> &'static [FactKind] {
        match angle {
            Angle::Stakeholders => &[FactKind::Affected],
            Angle::Constraints => &[FactKind::Constraint],
            Angle::Assumptions => &[FactKind::Proposal, FactKind::Disagreement],
            Angle::Dependencies => &[FactKind::Dependency, FactKind::Condition],
            Angle::Evidence | Angle::Workarounds => &[FactKind::Measure],
            Angle::Core => &[],
        }
    };
    let facts = &voice.reading.notes.facts;
    // The notes' own terms, found once for every question checked against them.
    let own = voice.notes_own_terms();
    let uses_notes = |question: &str| terms_meet(&shared_terms(question), &own);
    let mut out = vec![core_question(voice)];
    let mut quoted: Vec<usize> = Vec::new();
    let mut named_people = false;
    let mut grounded = 0;
    let mut fallback: Vec<usize> = Vec::new();
    for (i, angle) in angles.iter().enumerate() {
        let slot = i + 1;
        let mut asked = None;
        for kind in speaks_to(*angle) {
            if *kind == FactKind::Affected {
                if !named_people {
                    asked = affected_question(voice, slot);
                    named_people = asked.is_some();
                }
            } else if let Some(index) = facts
                .iter()
                .enumerate()
                .position(|(n, f)| f.kind == *kind && !quoted.contains(&n))
            {
                asked = fact_question(voice, slot, index, false);
                if asked.is_some() {
                    quoted.push(index);
                }
            }
            if asked.is_some() {
                break;
            }
        }
        match asked {
            Some(q) => {
                if uses_notes(&q) {
                    grounded += 1;
                }
                out.push(q);
            }
            None => {
                fallback.push(out.len());
                out.push(voice.ask(slot, angle_bank(*angle)));
            }
        }
    }
    // What the notes said that no angle asked about replaces bank questions, from the last,
    // until two questions draw on the notes: unquoted facts in order, then the notes' words.
    while grounded < 2 {
        let Some(at) = fallback.pop() else { break };
        let spare = (0..facts.len())
            .filter(|n| !quoted.contains(n))
            .find_map(|n| {
                fact_question(voice, at + 10, n, facts[n].kind == FactKind::Affected)
                    .map(|q| (n, q))
            });
        let q = match spare {
            Some((n, q)) => {
                quoted.push(n);
                q
            }
            // The notes' words once per wording: a second question on them takes another.
            None => match terms_question(voice, at + 10, &out) {
                Some(q) => q,
                None => break,
            },
        };
        if uses_notes(&q) {
            grounded += 1;
        }
        out[at] = q;
    }
    // Notes that say the same thing twice make the same question twice: ask the later one
    // another way, on the notes' words if they allow, else from the banks.
    for _ in 0..out.len() {
        let twins = refine_core::lint::earlier_twins(&out);
        let Some(at) = twins.iter().position(Option::is_some) else {
            break;
        };
        let fresh = terms_question(voice, at + 20, &out)
            .into_iter()
            .chain((0..8).map(|k| voice.ask(at + 30 + k, &bank::EVIDENCE)))
            .find(|q| {
                let mut trial = out.clone();
                trial[at] = q.clone();
                refine_core::lint::earlier_twins(&trial)[at].is_none()
            });
        match fresh {
            Some(q) => out[at] = q,
            None => break,
        }
    }
    out
}

/// A question on the notes' own words, for notes too short to hold a second fact: the longest
/// words they use that the title does not.
fn terms_question(voice: &Voice<'_>, slot: usize, asked: &[String]) -> Option<String> {
    let title = words(&voice.reading.title.full);
    // The words of the notes' sentences first, then of everything else in them (headings,
    // code, logs), longest plain words first.
    let mut own: Vec<(usize, String)> = Vec::new();
    let sentences = voice.reading.notes.sentences.iter().map(String::as_str);
    let texts = sentences
        .map(|t| (0, t))
        .chain(voice.context.map(|t| (1, t)));
    for (rank, text) in texts {
        // Scripts without spaces offer runs of characters, not words.
        let runs = text
            .split(|c: char| !is_unspaced(c))
            .filter(|run| (2..=6).contains(&run.chars().count()))
            .map(str::to_string);
        for word in words(text).into_iter().chain(runs) {
            let plain = (word.chars().filter(|c| c.is_alphabetic()).count() >= 3
                && has_terms(&word))
                || (word.chars().all(is_unspaced) && word.chars().count() >= 2);
            if plain && !title.contains(&word) && !own.iter().any(|(_, w)| *w == word) {
                own.push((rank, word));
            }
        }
    }
    own.sort_by_key(|(rank, w)| {
        // Identifiers from code or logs last.
        let identifier = !w.chars().all(char::is_alphabetic);
        (
            *rank,
            identifier,
            std::cmp::Reverse(w.chars().count()),
            w.clone(),
        )
    });
    let own: Vec<String> = own.into_iter().map(|(_, w)| w).collect();
    let pair = match own.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [a, b, ..] => format!("{a}” and “{b}"),
    };
    const WORDINGS: [&str; 3] = [
        "The notes speak of “{pair}”: what do those tell us about “{s}” that the title does not?",
        "What do we know about “{pair}” from the notes, and what would we need to ask next?",
        "How do “{pair}”, as the notes put it, change our picture of “{s}”?",
    ];
    // The wording chosen for this slot, else the next one not asked yet.
    let first = voice.choose(slot, WORDINGS.len());
    (0..WORDINGS.len())
        .map(|k| {
            voice.fill(
                &WORDINGS[(first + k) % WORDINGS.len()].replace("{pair}", &pair),
                "",
            )
        })
        .find(|q| !asked.contains(q))
}

fn angle_bank(angle: Angle) -> &'static Bank {
    match angle {
        Angle::Stakeholders => &bank::STAKEHOLDERS,
        Angle::Dependencies => &bank::DEPENDENCIES,
        Angle::Constraints => &bank::CONSTRAINTS,
        Angle::Assumptions => &bank::ASSUMPTIONS,
        Angle::Evidence | Angle::Workarounds | Angle::Core => &bank::EVIDENCE,
    }
}

/// Whether a guide text names success, outcomes or measures (remembered per thread).
pub(crate) fn speaks_of_success(text: &str) -> bool {
    memoized(&SUCCESS, text, read_success)
}

fn read_success(text: &str) -> bool {
    words(text)
        .iter()
        .any(|w| ["success", "outcome", "outcomes", "measure", "criteria"].contains(&w.as_str()))
}

/// Prompts for the success-criteria phase: what would tell us it is solved, and how we would
/// measure it. Agenda lines, not discussion questions.
pub(crate) fn success_prompts(voice: &Voice<'_>) -> [String; 2] {
    let notes = &voice.reading.notes;
    let who = if notes.affected.is_empty() {
        String::from("the people it affects")
    } else {
        defuse_section_tags(&join_and(&notes.affected))
    };
    let solved = voice.fill(
        &voice
            .pick(
                30,
                &[
                    "Ask: what would tell {who} that “{s}” is solved?",
                    "Ask: what would {who} notice first once “{s}” is behind us?",
                    "Ask: how would {who} describe “{s}” going well?",
                ],
            )
            .replace("{who}", &who),
        "",
    );
    let measured = match notes
        .first(FactKind::Measure)
        .and_then(|f| voice.usable_quote(&f.quote))
    {
        Some(q) => format!(
            "Ask: how would we measure it, starting from what the notes cite: “{}”?",
            defuse_section_tags(q)
        ),
        None => voice.fill(
            voice.pick(
                31,
                &[
                    "Ask: how would we measure it, and what do we know about today's level?",
                    "Ask: which signal would show it, and where would we read it?",
                    "Ask: what would we count or observe to know, and who can see it today?",
                ],
            ),
            "",
        ),
    };
    [solved, measured]
}

/// What this item needs next, one sentence: what the notes raised (a disagreement, a limit, a
/// proposal, quoted) or else what its kind of item usually lacks.
fn needs_next(voice: &Voice<'_>) -> String {
    use bank::closing;
    let notes = &voice.reading.notes;
    for (kind, options) in [
        (FactKind::Disagreement, closing::DISAGREEMENT),
        (FactKind::Constraint, closing::CONSTRAINT),
        (FactKind::Dependency, closing::DEPENDENCY),
        (FactKind::Proposal, closing::PROPOSAL),
    ] {
        if let Some(quote) = notes.first(kind).and_then(|f| voice.usable_quote(&f.quote)) {
            return voice.fill(voice.pick(41, options), quote);
        }
    }
    voice.fill(
        voice.pick(41, closing::by_kind(voice.reading.kind.kind)),
        "",
    )
}

/// A closing statement of 2-3 sentences: thanks for this item's exploration, what it needs
/// next, and the guide's next steps.
pub(crate) fn closing(voice: &Voice<'_>, guide: &GuideLines) -> String {
    let next = match guide.next_steps.as_slice() {
        [] => String::from(
            "Next steps: I will share the session notes and follow up on the open questions and action items.",
        ),
        [one] => format!("Next steps: {one}, and follow up on the action items."),
        [init @ .., last] => format!("Next steps: {}, and {last}.", init.join(", ")),
    };
    let thanks = voice.fill(voice.pick(40, bank::closing::THANKS), "");
    let bounds = CLOSING_STATEMENT
        .bounds()
        .map_or((2, 3), |b| (b.min, b.max));
    let fits = |s: &str| (bounds.0..=bounds.1).contains(&sentence_count(s));
    // A quote or a subject can hold sentence breaks ("Fix login. Then ship!"): fall back to
    // wordings without them, each written only when the one before does not fit.
    let first = [thanks.as_str(), " ", &needs_next(voice), " ", &next].concat();
    if fits(&first) {
        return first;
    }
    let by_kind = voice.fill(
        voice.pick(41, bank::closing::by_kind(voice.reading.kind.kind)),
        "",
    );
    const THANK_YOU: &str = "Thank you for exploring this problem with such care.";
    [
        [thanks.as_str(), " ", &by_kind, " ", &next].concat(),
        [THANK_YOU, " ", &by_kind, " ", &next].concat(),
    ]
    .into_iter()
    .find(|s| fits(s))
    .unwrap_or_else(|| [THANK_YOU, " ", &next].concat())
}

#[cfg(test)]
mod tests {
    use super::*;
    use refine_core::Guide;

    /// `MarkerWords` rules markers out by their first letter, which must be an ASCII letter.
    #[test]
    fn every_marker_starts_with_a_lower_case_ascii_letter() {
        for marker in THEME_MARKERS
            .iter()
            .flat_map(|(_, m)| m.iter())
            .chain(ANGLE_MARKERS.iter().flat_map(|(_, m)| m.iter()))
        {
            assert!(
                marker.as_bytes()[0].is_ascii_lowercase(),
                "marker {marker:?} must start with a lower-case ASCII letter"
            );
        }
    }

    proptest::proptest! {
        /// Reading angles and themes without lower-casing ASCII words reads what the
        /// lower-cased words read.
        #[test]
        fn angles_read_as_from_lower_cased_words(
            tokens in proptest::collection::vec(proptest::sample::select(&[
                "Who", "STAKEHOLDERS", "depends", "Dependency", "constraint", "assume",
                "EVIDENCE", "data", "Instead", "problem", "Core", "the", " ", "-", "É", "émigré",
                "Ünternehmen", "metrics", "Workaround", "frame", "x", "Success", "TIMEBOX",
                "Prepared", "priorities", "understand", "measure", "pitfall", "\u{212A}ey",
                "\u{212A}nown", "İnstead",
            ][..]), 0..6)
        ) {
            let text = tokens.join(" ");
            let by_words = {
                let text_words = words(&text);
                ANGLE_MARKERS
                    .iter()
                    .find(|(_, markers)| {
                        markers.iter().any(|m| text_words.iter().any(|w| w.starts_with(m)))
                    })
                    .map(|(angle, _)| *angle)
            };
            proptest::prop_assert_eq!(angles_of(&text), by_words);
            let themes_by_words: Vec<Theme> = {
                let text_words = words(&text);
                THEME_MARKERS
                    .iter()
                    .filter(|(_, markers)| {
                        markers.iter().any(|m| text_words.iter().any(|w| w.starts_with(m)))
                    })
                    .map(|(theme, _)| *theme)
                    .collect()
            };
            proptest::prop_assert_eq!(themes_of(&text), themes_by_words);
        }

        /// Remembered readings are the readings, whatever came before.
        #[test]
        fn memoized_readings_are_the_readings(
            texts in proptest::collection::vec(proptest::sample::select(&[
                "Who is affected?", "What data do we have?", "Timebox the tangents",
                "Set success criteria", "Which constraints?", "Prepare in advance",
                "", "The core problem", "Depends on payments", "Define success criteria",
                "Outcomes over output",
            ][..]), 0..12)
        ) {
            for text in texts {
                proptest::prop_assert_eq!(themes_of(text), read_themes(text));
                proptest::prop_assert_eq!(angles_of(text), read_angle(text));
                proptest::prop_assert_eq!(speaks_of_success(text), read_success(text));
            }
        }
    }

    #[test]
    fn notes_ground_at_least_two_questions() {
        let notes =
            "Support logged 14 tickets from EU finance teams. Finance must reconcile by the 5th.";
        let reading = refine_topic::read("CSV export shows wrong totals", Some(notes));
        let voice = Voice::new(&reading, Some(notes));
        let qs = questions(&voice, &crate::guide_lines::lines_of(&Guide::builtin()));
        let grounded = qs.iter().filter(|q| q.contains("notes")).count();
        assert!(grounded >= 2, "{qs:#?}");
    }
}
