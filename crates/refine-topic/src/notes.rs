//! Context notes, read: the sentences people wrote (Markdown lists, headings, code blocks and
//! logs handled; version numbers and abbreviations do not end a sentence) and the facts in them.

use std::borrow::Cow;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use refine_pattern::{Candidates, Match, Pattern, PatternSet};

/// The most words a quote from the notes keeps.
pub const QUOTE_WORDS: usize = 16;

/// What a sentence of the notes tells the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactKind {
    /// People disagree about something.
    Disagreement,
    /// Somebody proposes a solution.
    Proposal,
    /// A limit: must, cannot, legal, a deadline.
    Constraint,
    /// A number or a measure.
    Measure,
    /// Something it relies on or waits for: another team, system or vendor.
    Dependency,
    /// When it happens: after, when, only if, the steps to reproduce.
    Condition,
    /// Who is affected.
    Affected,
    /// Anything else the notes say.
    Statement,
}

/// One thing the notes say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// What it tells.
    pub kind: FactKind,
    /// The words to quote: the sentence, or its first clause, at most [`QUOTE_WORDS`] words.
    pub quote: String,
}

/// What the context notes say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// The sentences, in order, on one line each, Markdown markup removed.
    pub sentences: Vec<String>,
    /// One fact per sentence that tells something, in order.
    pub facts: Vec<Fact>,
    /// The people the notes name as affected ("finance teams", "mobile users"), at most five.
    pub affected: Vec<String>,
    /// Whether the notes hold a code block.
    pub has_code: bool,
    /// Whether the notes hold log or stack-trace lines.
    pub has_log: bool,
}

impl Notes {
    /// Reads context notes.
    pub fn read(text: &str) -> Notes {
        let mut notes = Notes::default();
        for block in blocks(text, &mut notes) {
            for sentence in split_sentences(&block.text) {
                if is_log_line(&sentence) {
                    notes.has_log = true;
                    continue;
                }
                // Too short to say anything, or a salutation ("Hi team,", "Moin ihr Lieben,").
                // A step to reproduce says something in two words ("Rotate the phone").
                let least = if block.heading == Heading::Steps {
                    2
                } else {
                    4
                };
                let short = sentence.split_whitespace().nth(least - 1).is_none()
                    && !sentence.chars().any(refine_core::text::is_unspaced);
                if short || sentence.ends_with([',', ':', '：', '，']) {
                    continue;
                }
                // One pass tells which of the sentence's patterns may match in it.
                let may = SENTENCE_PATTERNS.candidates(&sentence);
                // Who the sentence names is read once: classifying it asks only whether it
                // names anyone, which the first match tells.
                let mut named = may.find_iter(&AFFECTED, &sentence).peekable();
                let names_someone = named.peek().is_some();
                let kind = classify(&sentence, block.heading, names_someone, &may);
                for who in affected(named) {
                    // "leads" after "warehouse lead" names no one new.
                    let head = |p: &str| {
                        p.rsplit(' ')
                            .next()
                            .unwrap_or_default()
                            .to_lowercase()
                            .trim_end_matches('s')
                            .to_string()
                    };
                    let known = notes.affected.iter().any(|a| {
                        a.eq_ignore_ascii_case(&who)
                            || (head(a) == head(&who) && !who.contains(' '))
                    });
                    if notes.affected.len() < 5 && !known {
                        notes.affected.push(who);
                    }
                }
                let quote = quote(&sentence, kind);
                // A quote with no content word ("It works.") gives a question nothing to ask.
                let says_something = refine_core::text::has_terms(&quote);
                if says_something && quote.chars().filter(|c| c.is_alphanumeric()).count() >= 3 {
                    notes.facts.push(Fact { kind, quote });
                }
                notes.sentences.push(sentence);
            }
        }
        notes
    }

    /// The first fact of a kind.
    pub fn first(&self, kind: FactKind) -> Option<&Fact> {
        self.facts.iter().find(|f| f.kind == kind)
    }

    /// Whether the notes say anything.
    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }
}

/// What a heading above a block says its sentences are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Heading {
    None,
    Steps,
    Expected,
    Skip,
}

struct Block {
    text: String,
    heading: Heading,
}

/// The text blocks of Markdown notes (paragraphs, list items, table cells), each on one line,
/// with the heading they sit under. Code blocks are left out and noted.
fn blocks(text: &str, notes: &mut Notes) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut heading = Heading::None;
    let mut heading_text: Option<String> = None;
    let mut in_code = false;
    // A paragraph in bold only is an issue template's heading ("**Describe the bug**").
    let mut strong = 0usize;
    let mut all_strong = true;
    let flush = |current: &mut String,
                 out: &mut Vec<Block>,
                 heading: &mut Heading,
                 all_strong: &mut bool,
                 has_log: &mut bool| {
        // A log line pasted into a paragraph is left out, line by line; the words of the
        // others are joined by single spaces.
        let mut text = String::with_capacity(current.len());
        for line in current.lines() {
            if is_log_line(line) {
                *has_log = true;
                continue;
            }
            for word in line.split_whitespace() {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(word);
            }
        }
        if !text.is_empty() {
            if *all_strong {
                *heading = heading_of(&text.to_lowercase());
            } else if *heading != Heading::Skip {
                out.push(Block {
                    text,
                    heading: *heading,
                });
            }
        }
        current.clear();
        *all_strong = true;
    };
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => {
                flush(
                    &mut current,
                    &mut out,
                    &mut heading,
                    &mut all_strong,
                    &mut notes.has_log,
                );
                in_code = true;
                notes.has_code = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Heading { .. }) => {
                flush(
                    &mut current,
                    &mut out,
                    &mut heading,
                    &mut all_strong,
                    &mut notes.has_log,
                );
                heading_text = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) => {
                let h = heading_text.take().unwrap_or_default().to_lowercase();
                heading = heading_of(&h);
            }
            Event::Text(t) | Event::Code(t) if !in_code => match heading_text.as_mut() {
                Some(h) => h.push_str(&t),
                None => {
                    if strong == 0 && !t.trim().is_empty() {
                        all_strong = false;
                    }
                    current.push_str(&t);
                }
            },
            Event::Text(t) if in_code && t.lines().any(is_log_line) => notes.has_log = true,
            Event::SoftBreak | Event::HardBreak => {
                // A bold-only first line ("**Describe the bug**") is a heading of its own.
                if all_strong && !current.trim().is_empty() {
                    flush(
                        &mut current,
                        &mut out,
                        &mut heading,
                        &mut all_strong,
                        &mut notes.has_log,
                    );
                } else {
                    current.push('\n');
                }
            }
            Event::Start(Tag::Item | Tag::Paragraph | Tag::TableCell)
            | Event::End(TagEnd::Item | TagEnd::Paragraph | TagEnd::TableCell) => {
                flush(
                    &mut current,
                    &mut out,
                    &mut heading,
                    &mut all_strong,
                    &mut notes.has_log,
                );
            }
            _ => {}
        }
    }
    flush(
        &mut current,
        &mut out,
        &mut heading,
        &mut all_strong,
        &mut notes.has_log,
    );
    out
}

fn heading_of(text: &str) -> Heading {
    if ["reproduce", "steps", "repro"]
        .iter()
        .any(|w| text.contains(w))
    {
        Heading::Steps
    } else if ["expected", "desired", "should"]
        .iter()
        .any(|w| text.contains(w))
    {
        Heading::Expected
    } else if [
        "environment",
        "version",
        "system info",
        "logs",
        "screenshot",
        "checklist",
    ]
    .iter()
    .any(|w| text.contains(w))
    {
        Heading::Skip
    } else {
        Heading::None
    }
}

/// `text`'s words (split at white space) joined by single spaces: `text` itself, trimmed, when
/// it is written so already, as the sentences of a block are.
fn one_line(text: &str) -> Cow<'_, str> {
    let trimmed = text.trim();
    if is_one_line(trimmed) {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(trimmed.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// Whether trimmed `text` is its words joined by single spaces: no white space but single
/// spaces, none of them doubled.
fn is_one_line(trimmed: &str) -> bool {
    let mut after_space = false;
    for &b in trimmed.as_bytes() {
        match b {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => return false,
            _ => after_space = false,
        }
    }
    trimmed.is_ascii() || !trimmed.chars().any(|c| !c.is_ascii() && c.is_whitespace())
}

/// Sentences by Unicode's rules (so "Vue 2.7" and "e.g. this" stay whole), of `text`, a
/// block's words joined by single spaces: each sentence, trimmed, is on one line already
/// ([`one_line`] would return it as it is; a proptest holds the two alike).
fn split_sentences(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for sentence in refine_core::text::unicode_sentences(text) {
        let one_line = sentence.trim();
        if one_line.is_empty() {
            continue;
        }
        // An abbreviation followed by a capital ("approx. Ten", "Mr. Smith") is not an end.
        if let Some(last) = out.last_mut()
            && ends_with_abbreviation(last)
        {
            last.push(' ');
            last.push_str(one_line);
            continue;
        }
        out.push(one_line.to_string());
    }
    out
}

fn ends_with_abbreviation(sentence: &str) -> bool {
    const ABBREVIATIONS: &[&str] = &[
        "e.g.", "i.e.", "etc.", "vs.", "approx.", "mr.", "mrs.", "ms.", "dr.", "no.", "fig.",
        "cf.", "incl.", "min.", "max.", "z.b.", "bzw.", "ca.", "v.",
    ];
    let last = sentence
        .split_whitespace()
        .next_back()
        .unwrap_or_default()
        .to_lowercase();
    ABBREVIATIONS.contains(&last.as_str())
}

static LOG_LINE: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?x)^\s*(?:
            \[?\d{4}-\d{2}-\d{2}[T\s]\d{2}:\d{2}      # 2026-01-02 10:00
          | \[?\d{2}:\d{2}:\d{2}                     # 10:00:01
          | (?:ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL)\b[\s:\]]
          | at\s+[\w$.]+\(.*\)                       # Java stack frame
          | Traceback\s
          | File\s+\x22[^\x22]+\x22,\s+line\s+\d+     # Python stack frame
          | [\w.]+(?:Error|Exception):\s
          | \$\s
        )",
    )
});

fn is_log_line(line: &str) -> bool {
    could_be_log_line(line) && LOG_LINE.is_match(line)
}

/// Whether `line` could be a log line: after white space, every match of [`LOG_LINE`] starts
/// with `[`, `$`, a digit or one of its words, or holds `Error:` or `Exception:`. Most lines of
/// notes are prose, and the regex cost 14 K instructions an eval case (a proptest holds this
/// test to never turn a match away).
fn could_be_log_line(line: &str) -> bool {
    const OPENING_WORDS: [&str; 9] = [
        "ERROR",
        "WARN",
        "INFO",
        "DEBUG",
        "TRACE",
        "FATAL",
        "at",
        "Traceback",
        "File",
    ];
    let rest = &line[refine_pattern::past_spaces(line, 0)..];
    let Some(first) = rest.chars().next() else {
        return false;
    };
    matches!(first, '[' | '$')
        || refine_pattern::is_decimal_digit(first)
        || OPENING_WORDS.iter().any(|word| rest.starts_with(word))
        || rest.contains("Error:")
        || rest.contains("Exception:")
}

static DISAGREEMENT: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\b(?:disagree\w*|however|on the other hand|not everyone|others? (?:say|says|think|thinks|argue|argues|want|wants)|some (?:say|think|argue|want)|push(?:ed)?\s?back|objects?|objection|not convinced|unconvinced|debate|contested|split on|while others|but (?:support|sales|legal|design|engineering|product|ops|security|finance|marketing|others|the team|management))\b",
    )
});

static PROPOSAL: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\b(?:we could|we should|could we|should we|maybe we|perhaps we|i propose|we propose|proposal|proposed|suggest\w*|one option|an option|the idea is|how about|what if we|the plan is|switch(?:ing)? to|replac\w+ \S+ with|use \S+ instead|add(?:ing)? an? \S+ (?:button|option|toggle|setting|flag|field))\b",
    )
});

static CONSTRAINT: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\b(?:must|mustn't|must not|have to|has to|need to|required|requires?|requirement|mandatory|legal(?:ly)?|law|laws|regulat\w*|complian\w*|deadline|due (?:by|on|date)|by (?:mon|tues|wednes|thurs|fri|satur|sun)day|by (?:the )?(?:end|start) of|by (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*|by q[1-4]|before (?:the )?(?:launch|release|audit|renewal|end|q[1-4])|limit\w*|not allowed|forbidden|contract\w*|sla|budget|policy|gdpr|hipaa|pci|soc ?2|at most|at least|no more than)\b",
    )
});

static MEASURE: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)(?:\d[\d.,]*\s*(?:%|‰|ms\b|s\b|sec\w*|min\w*|hours?|days?|weeks?|months?|k\b|m\b|mb\b|gb\b|kb\b|tickets?|users?|customers?|accounts?|requests?|errors?|times|x\b|orders?|calls?|complaints?|reports?|sessions?|per\b|a (?:day|week|month))|\bp9\d\b|[$€£¥]\s?\d|\d+\s+(?:of|out of)\s+\d+|\b(?:doubled|tripled|halved)\b)",
    )
});

static CONDITION: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\b(?:when|whenever|after|only if|if|once|as soon as|every time|on (?:ios|android|safari|chrome|firefox|edge|windows|macos|mac|linux|mobile|desktop|tablets?))\b|(?:时|後|후에|wenn|quand|lorsque|cuando)",
    )
});

/// Role words that name people a topic affects.
static AFFECTED: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\b(?:[A-Za-z][\w-]*\s){0,2}(?:users?|customers?|admins?|administrators?|developers?|devs|engineers?|managers?|finance|sales|agents?|merchants?|shoppers?|buyers?|sellers?|editors?|authors?|moderators?|readers?|students?|teachers?|patients?|doctors?|nurses?|drivers?|operators?|partners?|clients?|visitors?|members?|subscribers?|staff|employees|maintainers?|contributors?|translators?|designers?|accountants?|auditors?|reviewers?|recruiters?|candidates?|tenants?|guests?|players?|viewers?|parents?|teams?|creators?|leads?|reps?)\b",
    )
});

/// Words that never modify a role ("the users", "all customers").
const NOT_MODIFIERS: &[&str] = &[
    "the",
    "a",
    "an",
    "all",
    "some",
    "many",
    "most",
    "our",
    "their",
    "these",
    "those",
    "for",
    "of",
    "to",
    "and",
    "or",
    "by",
    "with",
    "from",
    "that",
    "which",
    "who",
    "few",
    "several",
    "other",
    "every",
    "each",
    "any",
    "no",
    "more",
    "less",
    "two",
    "three",
    "both",
    "in",
    "on",
    "at",
    "as",
    "is",
    "are",
    "was",
    "were",
    "have",
    "has",
    "had",
    "when",
    "if",
    "but",
    "so",
    "we",
    "they",
    "it",
    "not",
    "even",
    "also",
    "only",
    "just",
    "my",
    "your",
    "his",
    "her",
    "its",
    "us",
    "them",
    "many",
    "said",
    "say",
    "says",
    "asked",
    "ask",
    "affects",
    "affected",
    "hits",
    "tell",
    "told",
    "help",
    "let",
    "lets",
    "make",
    "makes",
    "see",
    "sees",
    "between",
    "among",
    "across",
    "within",
    "without",
    "about",
    "into",
    "onto",
    "over",
    "under",
    "per",
    "via",
    "like",
    "than",
    "other",
    "where",
    "why",
    "how",
    "what",
    "then",
    "there",
    "here",
    "own",
    "mostly",
    "mainly",
    "especially",
    "usually",
    "often",
    "still",
    "whether",
    "although",
    "because",
    "while",
    "since",
    "unless",
    "though",
    "such",
    "whose",
    "belong",
    "belongs",
    "blind",
];

/// Role words that name a group even in the singular.
const COLLECTIVES: &[&str] = &[
    "finance",
    "sales",
    "staff",
    "employees",
    "devs",
    "support",
    "team",
];

/// Modifiers that make a role word a thing, not people: "file manager", "feature owner".
const THING_MODIFIERS: &[&str] = &[
    "file", "feature", "page", "app", "system", "test", "task", "package", "window", "process",
    "resource", "device", "event", "service", "project", "product", "data", "new",
];

/// The groups of people a sentence names, from `named`, the matches of [`AFFECTED`] in it
/// (each match is who it names: no group is read, which would cost a slower engine).
fn affected<'h>(named: impl Iterator<Item = Match<'h>>) -> Vec<String> {
    named
        .filter(|m| {
            // One person ("the file manager", "a user") is rarely who a topic affects; groups are.
            let words: Vec<String> = m
                .as_str()
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
            let role = words.last().map_or("", String::as_str);
            let group = role.ends_with('s') || COLLECTIVES.contains(&role);
            let thing = words[..words.len().saturating_sub(1)]
                .iter()
                .any(|w| THING_MODIFIERS.contains(&w.as_str()));
            group && !thing
        })
        .map(|m| {
            let mut parts: Vec<&str> = m.as_str().split_whitespace().collect();
            let mut at_start = m.start() == 0;
            while parts.len() > 1 && NOT_MODIFIERS.contains(&parts[0].to_lowercase().as_str()) {
                parts.remove(0);
                at_start = false;
            }
            let joined = parts.join(" ");
            // "Customers ..." or "Finance teams ..." opening a sentence are not names; "EU
            // customers" and "Vietnamese customers" elsewhere stay as written.
            let mut chars = joined.chars();
            match (chars.next(), chars.next()) {
                (Some(first), Some(second))
                    if (at_start || parts.len() == 1)
                        && first.is_uppercase()
                        && second.is_lowercase() =>
                {
                    first.to_lowercase().chain(joined.chars().skip(1)).collect()
                }
                _ => joined,
            }
        })
        .collect()
}

/// The patterns a sentence is read with, looked for together: most sentences hold the words of
/// one or two, and the others are not searched (seven searches a sentence cost 8% of an eval's
/// CPU).
static SENTENCE_PATTERNS: LazyLock<PatternSet<'static>> = LazyLock::new(|| {
    PatternSet::new(&[
        &DISAGREEMENT,
        &PROPOSAL,
        &CONSTRAINT,
        &DEPENDENCY,
        &MEASURE,
        &CONDITION,
        &AFFECTED,
    ])
});

/// What kind of fact `sentence`, under `heading`, states; `names_someone` when [`AFFECTED`]
/// matches in it; `may` are its [`SENTENCE_PATTERNS`] that may match.
fn classify(sentence: &str, heading: Heading, names_someone: bool, may: &Candidates) -> FactKind {
    if heading == Heading::Steps {
        return FactKind::Condition;
    }
    if may.is_match(&DISAGREEMENT, sentence) {
        FactKind::Disagreement
    } else if may.is_match(&PROPOSAL, sentence) || heading == Heading::Expected {
        FactKind::Proposal
    } else if may.is_match(&CONSTRAINT, sentence) {
        FactKind::Constraint
    } else if may.is_match(&DEPENDENCY, sentence) {
        FactKind::Dependency
    } else if may.is_match(&MEASURE, sentence) {
        FactKind::Measure
    } else if may.is_match(&CONDITION, sentence) {
        FactKind::Condition
    } else if names_someone {
        FactKind::Affected
    } else {
        FactKind::Statement
    }
}

static DEPENDENCY: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\b(?:depends? on|dependent on|dependency|dependencies|relies on|rely on|relying on|blocked (?:on|by)|waiting (?:on|for)|upstream|downstream|third-party|vendor|owned by|needs? (?:the|a|an) \S+ team|hängt von|dépend de|depende de)\b",
    )
});

static URL: LazyLock<Pattern> = LazyLock::new(|| Pattern::new(r"\(?<?https?://[^\s)>]+>?\)?"));

/// Whether `sentence` may hold a [`URL`]: every link holds "://", and most sentences hold no
/// link (searching them all cost 2.5 K instructions an eval case; a proptest holds this test
/// to never turn a link away).
fn may_hold_link(sentence: &str) -> bool {
    sentence.contains("://")
}

/// Where in `sentence` the words that made it a fact of `kind` stand.
fn anchor(sentence: &str, kind: FactKind) -> Option<usize> {
    let re: &Pattern = match kind {
        FactKind::Disagreement => &DISAGREEMENT,
        FactKind::Proposal => &PROPOSAL,
        FactKind::Constraint => &CONSTRAINT,
        FactKind::Measure => &MEASURE,
        FactKind::Dependency => &DEPENDENCY,
        FactKind::Condition => &CONDITION,
        FactKind::Affected => &AFFECTED,
        FactKind::Statement => return None,
    };
    re.find(sentence).map(|m| m.start())
}

/// A sentence shortened for quoting: whole when short; else the clause that holds what made
/// it a fact (with the clause before it when that one is short), at most [`QUOTE_WORDS`] words,
/// with "…" where words were left out. No final full stop.
fn quote(sentence: &str, kind: FactKind) -> String {
    // A link says where to read more, not what the notes say.
    let without_links = if may_hold_link(sentence) {
        URL.replace_all(sentence, "")
    } else {
        Cow::Borrowed(sentence)
    };
    let one_line = one_line(&without_links);
    let trimmed = one_line
        .trim_end_matches(['.', '。', '!', '！', ';', ':'])
        .trim();
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    if words.len() <= 1 {
        // A script without spaces: count characters.
        let chars: Vec<char> = trimmed.chars().collect();
        return if chars.len() <= QUOTE_WORDS * 3 {
            trimmed.to_string()
        } else {
            let cut: String = chars[..QUOTE_WORDS * 3].iter().collect();
            format!("{cut}…")
        };
    }
    if words.len() <= QUOTE_WORDS {
        return trimmed.to_string();
    }
    // Clauses as word ranges: a word ending in , ; : closes one, "but" opens one.
    let mut clauses: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for (i, w) in words.iter().enumerate() {
        if i > start && w.eq_ignore_ascii_case("but") {
            clauses.push((start, i));
            start = i;
        }
        if w.ends_with([',', ';', ':']) {
            clauses.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < words.len() {
        clauses.push((start, words.len()));
    }
    // The word the anchor falls in.
    let at_word =
        anchor(trimmed, kind).map_or(0, |byte| trimmed[..byte].split_whitespace().count());
    let index = clauses
        .iter()
        .position(|(a, b)| (*a..*b).contains(&at_word))
        .unwrap_or(0);
    let (mut a, mut b) = clauses[index];
    if b - a < 6 && index > 0 {
        a = clauses[index - 1].0;
    }
    if b - a < 6 && index + 1 < clauses.len() {
        b = clauses[index + 1].1;
    }
    if b - a > QUOTE_WORDS {
        b = a + QUOTE_WORDS;
    }
    let kept = words[a..b]
        .join(" ")
        .trim_end_matches([',', ';', ':'])
        .to_string();
    let before = if a > 0 { "… " } else { "" };
    let after = if b < words.len() { " …" } else { "" };
    format!("{before}{kept}{after}")
}

/// This module's patterns, for the test that both engines read them alike.
#[cfg(test)]
pub(crate) fn patterns() -> Vec<&'static Pattern> {
    vec![
        &*LOG_LINE,
        &*DISAGREEMENT,
        &*PROPOSAL,
        &*CONSTRAINT,
        &*MEASURE,
        &*CONDITION,
        &*AFFECTED,
        &*DEPENDENCY,
        &*URL,
    ]
}

/// The pattern set of this module, for the test that it rules out no match.
#[cfg(test)]
pub(crate) fn pattern_set() -> &'static PatternSet<'static> {
    &SENTENCE_PATTERNS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_numbers_and_abbreviations_do_not_end_sentences() {
        let notes = Notes::read(
            "We are on Vue 2.7 and need Vue 3.4, e.g. for the new router. Approx. ten pages break.",
        );
        assert_eq!(
            notes.sentences,
            vec![
                "We are on Vue 2.7 and need Vue 3.4, e.g. for the new router.",
                "Approx. ten pages break."
            ]
        );
    }

    #[test]
    fn markdown_lists_headings_code_and_logs_are_read_apart() {
        let notes = Notes::read(
            "## Steps to reproduce\n1. Open a board with 500 cards\n2. Drag a card to another column\n\n## What happens\nThe whole page freezes for about 8 seconds.\n\n## Logs\n```\n2026-01-02 10:00:01 ERROR drag failed\n```\n",
        );
        assert!(notes.has_code);
        assert!(notes.has_log);
        assert_eq!(notes.facts[0].kind, FactKind::Condition);
        assert_eq!(notes.facts[1].kind, FactKind::Condition);
        assert_eq!(notes.facts[2].kind, FactKind::Measure);
        assert!(!notes.sentences.iter().any(|s| s.contains("ERROR")));
    }

    #[test]
    fn links_are_not_quoted_and_single_roles_are_not_groups() {
        let notes = Notes::read(
            "It will be end-of-life (https://endoflife.date/python) next year. The file manager freezes for every user.",
        );
        assert_eq!(notes.facts[0].quote, "It will be end-of-life next year");
        assert!(notes.affected.is_empty(), "{:?}", notes.affected);
    }

    #[test]
    fn facts_are_classified() {
        let notes = Notes::read(
            "Finance teams in the EU reconcile by hand. Legal says only public posts may be quoted. \
             Support logged 14 tickets this month. We could add a quote button. \
             However, design thinks quoting invites pile-ons. \
             The mobile app is blocked on the new feed API.",
        );
        let kinds: Vec<FactKind> = notes.facts.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                FactKind::Affected,
                FactKind::Constraint,
                FactKind::Measure,
                FactKind::Proposal,
                FactKind::Disagreement,
                FactKind::Dependency
            ]
        );
        assert_eq!(notes.affected, vec!["finance teams"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4096))]
        /// The cheap test passes every line the log-line regex matches.
        #[test]
        fn the_log_line_test_never_turns_a_match_away(
            line in "[ \t\u{a0}\u{2003}]{0,2}(\\[?[0-9٣]{2,4}[-:][0-9]{2}[-:][0-9]{2}[T ]?[0-9]{0,2}:?[0-9]{0,2}|(ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL|Error|warn)[ :\\]x]|at [a-z$.]{1,5}\\(x\\)|Traceback |File \"a.py\", line 1|[a-zA-Z_.]{1,6}(Error|Exception|error): |\\$ |[a-z]{1,5} )[a-zA-Z :()\\]]{0,10}"
        ) {
            if LOG_LINE.is_match(&line) {
                proptest::prop_assert!(could_be_log_line(&line), "{:?}", line);
            }
        }

        /// The cheap test passes every sentence that holds a link.
        #[test]
        fn the_link_test_never_turns_a_link_away(
            sentence in "[a-z ]{0,4}(\\(|<)?(https?|HTTP|ftp)(://|:/|//)[a-z./]{0,8}(\\)|>)?[a-z .]{0,4}"
        ) {
            if URL.is_match(&sentence) {
                proptest::prop_assert!(may_hold_link(&sentence), "{:?}", sentence);
            }
        }

        /// A text on one line is its words joined by single spaces, whatever white space it
        /// holds (tabs, line breaks, doubled spaces, a non-breaking or an ideographic space).
        #[test]
        fn one_line_is_the_words_joined_by_single_spaces(
            text in "[a-zé。 \t\n\r\u{0B}\u{0C}\u{A0}\u{3000}\u{85}]{0,16}"
        ) {
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(one_line(&text), words.as_str());
        }

        /// The sentences of a block's text (its words joined by single spaces), trimmed, are
        /// on one line already: `split_sentences` trims them instead of asking `one_line`.
        #[test]
        fn a_blocks_sentences_trimmed_are_on_one_line(
            text in "[a-zé。.!? \t\n\u{A0}\u{3000}\u{85}\u{2028}]{0,24}"
        ) {
            let block = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for sentence in refine_core::text::unicode_sentences(&block) {
                proptest::prop_assert_eq!(one_line(sentence), sentence.trim());
            }
        }
    }

    #[test]
    fn long_sentences_are_quoted_by_the_clause_that_holds_the_fact() {
        let sentence = "When a shopper pays with Apple Pay, the sheet times out after 30 seconds and the order is lost without any message to anyone.";
        assert_eq!(
            quote(sentence, FactKind::Measure),
            "… the sheet times out after 30 seconds and the order is lost without any message to …"
        );
        assert_eq!(
            quote(sentence, FactKind::Condition),
            "When a shopper pays with Apple Pay …"
        );
    }
}
