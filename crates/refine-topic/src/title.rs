//! A title as a facilitator reads it: tracker decorations set aside, the subject named in a few
//! words, and, for a title that proposes a solution, the goal it proposes it for.

use std::sync::LazyLock;

use refine_core::text::{has_terms, is_unspaced};
use refine_pattern::Pattern;

/// The most words a subject keeps (in scripts written with spaces).
pub const SUBJECT_WORDS: usize = 6;
/// The most characters a subject keeps in scripts written without spaces.
pub const SUBJECT_CHARS_UNSPACED: usize = 20;

/// A title, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// The title as the user wrote it (trimmed).
    pub full: String,
    /// The title without decorations.
    pub clean: String,
    /// The decorations set aside, as written: `[FEATURE]`, `Bug:`, `🐛`, a trailing `?`.
    pub decorations: Vec<String>,
    /// Whether the title is a question.
    pub asks: bool,
    /// The subject in at most [`SUBJECT_WORDS`] words (or [`SUBJECT_CHARS_UNSPACED`]
    /// characters), for questions and the closing to name.
    pub subject: String,
    /// For a title that proposes a solution ("Replace moment with dayjs to reduce bundle
    /// size"): the solution proposed, as a hypothesis to test.
    pub proposal: Option<String>,
    /// What the proposal is meant to achieve, when the title says ("bundle size").
    pub goal: Option<String>,
}

/// Leading tracker labels: `[FEATURE]`, `(bug)`, `【バグ】`.
static BRACKET_LABEL: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"^\s*([\[(【]\s*[^\])】]{1,30}?\s*[\])】])\s*[:：\-–—]?\s*"));

/// Leading prefixes: `feature request:`, `Bug:`, `RFC:`, `feat(ui):`.
static PREFIX_LABEL: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)^\s*((?:feature\s+request|feature|feat|bug\s+report|bug|bugfix|fix|hotfix|rfc|proposal|enhancement|improvement|request|question|idea|epic|story|task|chore|docs?|perf|refactor|spike|ux|ui|tech\s+debt|security|regression)(?:\s*\([^)]{0,30}\))?\s*[:：]|(?:feature\s+request|bug|rfc|proposal)\s+[\-–—])\s*",
    )
});

/// Tags and tag-like markup.
static MARKUP: LazyLock<Pattern> = LazyLock::new(|| Pattern::new(r"</?[^<>]{0,60}>"));

/// A trailing label in square brackets.
static TRAILING_LABEL: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"\s*(\[[^\]]{1,30}\])\s*$"));

/// A leading label in capitals: "BUG MM:", "UX-07:", "WIP:".
static CAPS_LABEL: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(r"^\s*([A-Z][A-Z0-9_-]{1,10}(?:\s+[A-Z][A-Z0-9_-]{0,10}){0,2}\s*:)\s+")
});

/// Trailing punctuation that is tone, not content.
static TRAILING_MARKS: LazyLock<Pattern> = LazyLock::new(|| Pattern::new(r"\s*([?!？！]+)\s*$"));

/// A user story's want: "As a <role>, I want to <want> so that <why>".
static USER_STORY: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)^as an? [^,]{1,60}?,? i (?:want|need|would like)(?: to)? (.+?)(?:,? so that .*)?$",
    )
});

/// A proposal: "Replace X with Y", "Use X instead of Y", "Switch to X", "Migrate to X".
static PROPOSAL: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(format!(
        r"(?i)^((?:{})\b.+?)(?:\s+(?:to|in order to|so that|so we can|for)\s+(?:\w+ly\s+)?(?:reduce|improve|increase|avoid|speed up|make|allow|enable|support|prevent|lower|cut|save|fix|get|simplify|shrink|remove)\s+(.+))?$",
        could::PROPOSAL_VERBS.join("|")
    ))
});

/// A regex with the cheap test a text must pass for it to match.
type Guarded = (&'static LazyLock<Pattern>, fn(&str) -> bool);

/// Cheap tests a title must pass for each regex above to match it. A title is read once per
/// `refine prep`, where compiling these regexes was most of the run: each is now compiled and
/// run only for titles that could match. Each test is a necessary condition of its regex, and a
/// proptest holds it to the regex.
mod could {
    /// `(?i)` folds these to ASCII letters besides the ASCII letters themselves.
    fn fold(c: char) -> char {
        match c {
            'ſ' => 's',
            '\u{212A}' => 'k',
            other => other.to_ascii_lowercase(),
        }
    }

    /// Whether `text` starts with `word`, letter case folded as `(?i)` folds it.
    fn starts_folded(text: &str, word: &str) -> bool {
        let mut chars = text.chars();
        word.chars().all(|w| chars.next().map(fold) == Some(w))
    }

    pub(super) fn bracket_label(text: &str) -> bool {
        text.trim_start().starts_with(['[', '(', '【'])
    }

    pub(super) fn prefix_label(text: &str) -> bool {
        text.contains([':', '：', '-', '–', '—'])
    }

    pub(super) fn caps_label(text: &str) -> bool {
        text.trim_start()
            .starts_with(|c: char| c.is_ascii_uppercase())
            && text.contains(':')
    }

    pub(super) fn trailing_label(text: &str) -> bool {
        text.trim_end().ends_with(']')
    }

    pub(super) fn trailing_marks(text: &str) -> bool {
        text.trim_end().ends_with(['?', '!', '？', '！'])
    }

    pub(super) fn markup(text: &str) -> bool {
        text.contains('<') && text.contains('>')
    }

    pub(super) fn user_story(text: &str) -> bool {
        starts_folded(text, "as")
    }

    /// The change verbs [`super::PROPOSAL`] starts with (its pattern is built from them).
    pub(super) const PROPOSAL_VERBS: [&str; 12] = [
        "replace",
        "swap",
        "switch",
        "move",
        "migrate",
        "port",
        "upgrade",
        "rewrite",
        "use",
        "adopt",
        "introduce",
        "drop",
    ];

    pub(super) fn proposal(text: &str) -> bool {
        PROPOSAL_VERBS.iter().any(|verb| starts_folded(text, verb))
    }
}

/// Words that open a title without naming its subject ("We need to figure out why ...").
const LEAD_IN: &[&str] = &[
    "we",
    "i",
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "need",
    "needs",
    "to",
    "want",
    "wants",
    "should",
    "must",
    "have",
    "figure",
    "find",
    "out",
    "why",
    "how",
    "what",
    "the",
    "our",
    "a",
    "an",
    "let's",
    "lets",
    "please",
    "can",
    "could",
    "would",
    "it",
    "be",
    "make",
    "sure",
    "that",
    "there",
    "so",
    "nice",
    "great",
    "good",
    "if",
    "really",
    "also",
    "somehow",
    "maybe",
    "perhaps",
    "currently",
];

/// Verbs that say which way to change a subject ("Reduce checkout abandonment"): the subject is
/// what follows.
const CHANGE_VERBS: &[&str] = &[
    "reduce",
    "improve",
    "increase",
    "decrease",
    "lower",
    "raise",
    "cut",
    "boost",
    "optimize",
    "optimise",
    "fix",
    "add",
    "support",
    "enable",
    "allow",
    "build",
    "create",
    "implement",
    "introduce",
    "make",
    "redesign",
    "streamline",
    "simplify",
    "prevent",
    "avoid",
    "stop",
    "handle",
    "speed",
    "shorten",
    "investigate",
    "explore",
    "research",
    "understand",
    "replace",
    "swap",
    "switch",
    "move",
    "migrate",
    "port",
    "upgrade",
    "rewrite",
    "use",
    "adopt",
    "drop",
    "remove",
    "deprecate",
    "clean",
    "refactor",
    "evaluate",
];

/// Comparatives that close a "make X better" title without naming anything.
const COMPARATIVES: &[&str] = &[
    "better",
    "faster",
    "easier",
    "simpler",
    "clearer",
    "nicer",
    "smoother",
    "quicker",
    "safer",
    "cheaper",
    "friendlier",
    "great",
    "good",
    "work",
];

/// Heads that say what kind of talk a title asks for, not what it is about: in "Status and
/// roadmap for the GraphQL API" the subject is the API.
const GENERIC_HEADS: &[&str] = &[
    "status",
    "roadmap",
    "update",
    "updates",
    "plan",
    "plans",
    "ideas",
    "idea",
    "questions",
    "question",
    "support",
    "improvements",
    "improvement",
    "issues",
    "problems",
    "docs",
    "documentation",
    "tests",
    "thoughts",
    "discussion",
    "proposal",
    "overview",
    "review",
    "and",
    "&",
    "the",
    "a",
    "an",
    "of",
    "our",
    "new",
];

/// Words after which a long title's first clause ends.
const CLAUSE_WORDS: &[&str] = &[
    "because", "since", "so", "which", "while", "but", "although", "when", "after", "whenever",
    "if", "unless", "for", "with", "by", "via", "to", "from", "in", "on", "at", "as", "that",
    "who", "where", "and", "or", "about",
];

/// Verbs a cut subject does not end on: "flaky tests block" says less than "flaky tests".
const VERBS: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "shows", "show", "block", "blocks", "breaks",
    "break", "ignores", "ignore", "causes", "cause", "fails", "fail", "returns", "loses", "lose",
    "keeps", "takes", "does", "do", "doesn't", "don't", "won't", "can't", "cannot", "needs",
    "lacks", "crashes", "hangs", "freezes", "misses", "uses", "makes", "gets", "get", "becomes",
    "stays", "leaks", "drops", "sends", "shows", "displays",
];

/// Words a subject never ends on.
const DANGLING: &[&str] = &[
    "a", "an", "the", "of", "to", "for", "with", "and", "or", "in", "on", "at", "by", "from", "is",
    "are", "be", "when", "that", "which", "our", "their", "its", "your", "my", "this", "out", "up",
    "off", "into", "onto", "over", "about",
    // French, Spanish, Portuguese, German and Italian function words.
    "ne", "pas", "de", "du", "des", "la", "le", "les", "et", "ou", "pour", "par", "en", "au", "aux",
    "el", "los", "las", "y", "o", "para", "por", "con", "del", "da", "do", "dos", "das", "e",
    "com", "em", "no", "na", "der", "die", "und", "oder", "für", "mit", "von", "zu", "il", "di",
    "per", "che", "non",
];

impl Title {
    /// Reads a title.
    pub fn read(raw: &str) -> Title {
        let full = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut decorations = Vec::new();
        let mut rest = strip_emoji(&full, &mut decorations);
        loop {
            let labels: [Guarded; 3] = [
                (&BRACKET_LABEL, could::bracket_label),
                (&PREFIX_LABEL, could::prefix_label),
                (&CAPS_LABEL, could::caps_label),
            ];
            let caught = labels
                .iter()
                .filter(|(_, could_match)| could_match(&rest))
                .find_map(|(re, _)| {
                    let c = re.captures(&rest)?;
                    let whole = c.get(0)?;
                    let label = c.get(1)?.as_str().trim().to_string();
                    // Never strip the whole title away.
                    (whole.end() < rest.len()).then(|| (label, whole.end()))
                });
            let Some((label, end)) = caught else { break };
            decorations.push(label);
            rest = rest[end..].to_string();
        }
        // A trailing tracker label in square brackets: "Add PDF export [Request]".
        if could::trailing_label(&rest)
            && let Some(c) = TRAILING_LABEL.captures(&rest)
            && let (Some(whole), Some(label)) = (c.get(0), c.get(1))
            && whole.start() > 0
        {
            decorations.push(label.as_str().to_string());
            rest.truncate(whole.start());
        }
        let mut asks = false;
        if could::trailing_marks(&rest)
            && let Some(c) = TRAILING_MARKS.captures(&rest)
            && let Some(marks) = c.get(1).filter(|m| m.start() > 0)
        {
            asks = marks.as_str().contains(['?', '？']);
            decorations.push(marks.as_str().to_string());
            rest.truncate(c.get(0).map_or(rest.len(), |m| m.start()));
        }
        let clean = rest.trim().to_string();
        let clean = if clean.is_empty() {
            full.clone()
        } else {
            clean
        };
        // Markup in a title (a hostile `</session_topic>`) is no part of its subject.
        let plain = if could::markup(&clean) {
            MARKUP.replace_all(&clean, " ")
        } else {
            std::borrow::Cow::Borrowed(clean.as_str())
        };
        // Emphasis and code marks are how the title was typed, not what it says.
        let plain = refine_core::text::strip_markup(&plain).replace('`', "");
        let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
        let (proposal, goal) = proposal_and_goal(&plain);
        let mut subject = subject(&plain);
        if !has_terms(&subject) {
            // "Why?": nothing but the title itself can name it, whole when it is short.
            subject = if refine_core::text::unicode_words(&full).count() <= SUBJECT_WORDS {
                full.clone()
            } else {
                window_with_a_term(&full)
            };
        }
        Title {
            full,
            clean,
            decorations,
            asks,
            subject,
            proposal,
            goal,
        }
    }
}

/// `text` without emoji and pictographs; each removed run is a decoration.
fn strip_emoji(text: &str, decorations: &mut Vec<String>) -> String {
    let is_emoji = |c: char| {
        matches!(c,
            '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}'
            | '\u{FE0F}' | '\u{200D}' | '\u{20E3}' | '\u{E0020}'..='\u{E007F}')
    };
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if is_emoji(c) {
            run.push(c);
        } else {
            if !run.is_empty() {
                decorations.push(std::mem::take(&mut run));
            }
            out.push(c);
        }
    }
    if !run.is_empty() {
        decorations.push(run);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn proposal_and_goal(clean: &str) -> (Option<String>, Option<String>) {
    let Some(c) = could::proposal(clean)
        .then(|| PROPOSAL.captures(clean))
        .flatten()
    else {
        return (None, None);
    };
    let proposal = c.get(1).map(|m| trim_phrase(m.as_str(), SUBJECT_WORDS));
    let goal = c.get(2).map(|m| trim_phrase(m.as_str(), SUBJECT_WORDS));
    // "Use cases for admins" is not a proposal: it needs a second word that is not a noun-ish
    // continuation; ask that the proposal names something to change to or from.
    let named = proposal
        .as_deref()
        .is_some_and(|p| p.split_whitespace().count() >= 2);
    if named {
        (proposal, goal)
    } else {
        (None, None)
    }
}

/// The first run of at most [`SUBJECT_WORDS`] tokens of `text` that carries a content term,
/// for a title whose subject found none (its only term may sit in a label: "... [Bug]").
fn window_with_a_term(text: &str) -> String {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let start = tokens.iter().position(|t| has_terms(t)).unwrap_or(0);
    // Two words of lead-up keep the term in a phrase of its own.
    trim_phrase(&tokens[start.saturating_sub(2)..].join(" "), SUBJECT_WORDS)
}

/// At most `max` words of `text` (a character of a script without spaces weighing a third),
/// not ending on a function word, a bare verb or punctuation.
pub fn shorten(text: &str, max: usize) -> String {
    trim_phrase(text, max)
}

/// At most `max` words of `text`, not ending on a dangling word or punctuation.
fn trim_phrase(text: &str, max: usize) -> String {
    // "end-to-end" is three words to a reader counting repeated words: count as `words` does.
    // A character of a script without spaces weighs a third of a word, as the echo rule has it.
    let weight = |token: &str| {
        // Lower-casing changes no character of a script without spaces.
        refine_core::text::unicode_words(token)
            .map(|w| if w.chars().all(is_unspaced) { 1 } else { 3 })
            .sum::<usize>()
            .max(1)
    };
    let mut kept: Vec<&str> = Vec::new();
    let mut count = 0;
    for token in text.split_whitespace() {
        let n = weight(token);
        if count + n > max * 3 {
            break;
        }
        count += n;
        kept.push(token);
    }
    if kept.is_empty() {
        kept.extend(text.split_whitespace().take(1));
    }
    let cut = count < weight(text);
    while kept.len() > 1 {
        let last = kept[kept.len() - 1]
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if DANGLING.contains(&last.as_str())
            || last.is_empty()
            || (cut && VERBS.contains(&last.as_str()))
        {
            kept.pop();
        } else {
            break;
        }
    }
    kept.join(" ")
        .trim_end_matches(|c: char| !c.is_alphanumeric() && !")]\"'”’".contains(c))
        .to_string()
}

/// The subject of a clean title: a user story's want, without a leading change verb or lead-in,
/// cut to its first clause and at most [`SUBJECT_WORDS`] words.
fn subject(clean: &str) -> String {
    if clean.split_whitespace().nth(1).is_none() || unspaced_share(clean) {
        return unspaced_subject(clean);
    }
    let wanted = could::user_story(clean)
        .then(|| USER_STORY.captures(clean))
        .flatten()
        .and_then(|c| c.get(1))
        .map_or(clean, |m| m.as_str());
    let all: Vec<&str> = wanted.split_whitespace().collect();
    let bare = |w: &str| {
        w.to_lowercase()
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
            .to_string()
    };
    let long = all.len() > SUBJECT_WORDS;
    let mut start = 0;
    if long {
        while start + 1 < all.len() && LEAD_IN.contains(&bare(all[start]).as_str()) {
            start += 1;
        }
    }
    if start + 1 < all.len()
        && CHANGE_VERBS.contains(&bare(all[start]).as_str())
        && has_terms(&all[start + 1..].join(" "))
    {
        start += 1;
        // "Speed up search", "Clean up the scripts": the particle belongs to the verb.
        if bare(all[start]) == "up" && start + 1 < all.len() {
            start += 1;
        }
    }
    let mut end_all = all.len();
    if start > 0 && end_all - start > 1 && COMPARATIVES.contains(&bare(all[end_all - 1]).as_str()) {
        end_all -= 1;
    }
    let words = &all[start..end_all];
    if refine_core::text::unicode_words(&words.join(" ")).count() <= SUBJECT_WORDS {
        return trim_phrase(&words.join(" "), SUBJECT_WORDS);
    }
    // The first clause that carries a content term, cut at punctuation or a clause word; a
    // clause of generic heads ("Status and roadmap for ...") hands over to the next one.
    let mut words = words;
    loop {
        let mut end = words.len();
        for (i, w) in words.iter().enumerate().skip(1) {
            if CLAUSE_WORDS.contains(&bare(w).as_str()) {
                end = i;
                break;
            }
            if w.ends_with([',', ';', ':']) || w.starts_with('(') {
                end = if w.starts_with('(') { i } else { i + 1 };
                break;
            }
        }
        let generic = words[..end]
            .iter()
            .all(|w| GENERIC_HEADS.contains(&bare(w).as_str()));
        if generic && end + 1 < words.len() {
            let mut rest = &words[end + 1..];
            while rest.len() > 1 && DANGLING.contains(&bare(rest[0]).as_str()) {
                rest = &rest[1..];
            }
            words = rest;
            continue;
        }
        let first = words[..end].join(" ");
        if !has_terms(&first) {
            return trim_phrase(&words.join(" "), SUBJECT_WORDS);
        }
        return trim_phrase(&first, SUBJECT_WORDS);
    }
}

fn unspaced_share(text: &str) -> bool {
    text.chars().filter(|c| is_unspaced(*c)).count() * 2
        > text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// A subject for a title written without spaces: up to its first punctuation, at most
/// [`SUBJECT_CHARS_UNSPACED`] characters.
fn unspaced_subject(clean: &str) -> String {
    let first: String = clean
        .split(['，', '、', '。', '；', '：', ',', ';', ':', '（', '('])
        .find(|part| !part.trim().is_empty())
        .unwrap_or(clean)
        .trim()
        .to_string();
    if first.chars().count() <= SUBJECT_CHARS_UNSPACED {
        first
    } else {
        first.chars().take(SUBJECT_CHARS_UNSPACED).collect()
    }
}

/// This module's patterns, for the test that both engines read them alike.
#[cfg(test)]
pub(crate) fn patterns() -> Vec<&'static Pattern> {
    vec![
        &*BRACKET_LABEL,
        &*PREFIX_LABEL,
        &*MARKUP,
        &*TRAILING_LABEL,
        &*CAPS_LABEL,
        &*TRAILING_MARKS,
        &*USER_STORY,
        &*PROPOSAL,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decorations_are_set_aside() {
        let t = Title::read("[FEATURE] Add dark mode to the editor 🌙!");
        assert_eq!(t.clean, "Add dark mode to the editor");
        assert_eq!(t.decorations, vec!["🌙", "[FEATURE]", "!"]);
        let t = Title::read("feature request: export boards as PDF");
        assert_eq!(t.clean, "export boards as PDF");
        assert_eq!(
            Title::read("BUG MM: Kein Log-In möglich").clean,
            "Kein Log-In möglich"
        );
        assert_eq!(Title::read("API: rate limits").clean, "rate limits");
        let t = Title::read("Bug: search ignores diacritics in Vietnamese names");
        assert_eq!(t.clean, "search ignores diacritics in Vietnamese names");
        assert_eq!(t.decorations, vec!["Bug:"]);
        let t = Title::read("增加导出PDF选项[Request]");
        assert_eq!(t.clean, "增加导出PDF选项");
        assert_eq!(t.decorations, vec!["[Request]"]);
        let t = Title::read("Why do trial users churn in week one?");
        assert!(t.asks);
        assert_eq!(t.clean, "Why do trial users churn in week one");
        assert_eq!(Title::read("?!").clean, "?!", "never strip everything");
    }

    #[test]
    fn subjects_are_a_few_words_of_the_title() {
        let s = |t: &str| Title::read(t).subject;
        assert_eq!(
            s("Reduce checkout abandonment on mobile"),
            "checkout abandonment on mobile"
        );
        assert_eq!(s("Speed up search"), "search");
        assert_eq!(s("Team calendars"), "Team calendars");
        assert_eq!(
            s("CSV export shows wrong totals for multi-currency orders"),
            "CSV export shows wrong totals"
        );
        assert_eq!(
            s("As a store manager I want to see yesterday's sales so that I can plan staffing"),
            "see yesterday's sales"
        );
        assert_eq!(
            s(
                "We need to figure out why customers keep complaining about the reporting dashboard being slow"
            ),
            "customers keep complaining"
        );
        let long_cjk = "移动端结账流程".repeat(10);
        assert_eq!(s(&long_cjk).chars().count(), SUBJECT_CHARS_UNSPACED);
        assert_eq!(s("Status and Roadmap for the GraphQL API"), "GraphQL API");
        assert_eq!(s("Make onboarding better"), "onboarding");
        assert_eq!(
            s("Clean up Python 2 leftovers in the billing scripts"),
            "Python 2 leftovers"
        );
        assert_eq!(
            s("Replace momentjs with dayjs or luxon to drastically reduce bundle size"),
            "momentjs"
        );
        assert_eq!(
            s("Migrate card payments from Braintree to Stripe before the contract ends"),
            "card payments"
        );
        for title in [
            "Replace momentjs with dayjs or luxon to drastically reduce bundle size",
            "It would be nice if admins could see who changed a setting, when they changed it, and why",
        ] {
            assert!(
                s(title).split_whitespace().count() <= SUBJECT_WORDS,
                "{title}"
            );
        }
    }

    #[test]
    fn a_proposal_is_a_hypothesis_with_a_goal() {
        let t =
            Title::read("Replace momentjs with dayjs or luxon to drastically reduce bundle size");
        assert_eq!(
            t.proposal.as_deref(),
            Some("Replace momentjs with dayjs or luxon")
        );
        assert_eq!(t.goal.as_deref(), Some("bundle size"));
        assert_eq!(Title::read("Dark mode").proposal, None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4096))]
        /// Each cheap test passes every title its regex matches.
        #[test]
        fn the_cheap_tests_never_turn_a_match_away(
            text in "[ \t]{0,2}(as an? |[Rr]eplace |[Ss]wap |ſwitch |USE |[\\[(【<]|BUG|feat)?[a-zA-Z ,:：\\-–—\\])】>?!？！]{0,14}( i want to x| with y| to reduce x)?[ ?!\\]]{0,2}"
        ) {
            let pairs: [Guarded; 8] = [
                (&BRACKET_LABEL, could::bracket_label),
                (&PREFIX_LABEL, could::prefix_label),
                (&CAPS_LABEL, could::caps_label),
                (&TRAILING_LABEL, could::trailing_label),
                (&TRAILING_MARKS, could::trailing_marks),
                (&MARKUP, could::markup),
                (&USER_STORY, could::user_story),
                (&PROPOSAL, could::proposal),
            ];
            for (i, (re, could_match)) in pairs.iter().enumerate() {
                if re.is_match(&text) {
                    proptest::prop_assert!(could_match(&text), "regex {i} matches {text:?}");
                }
            }
        }
    }
}
