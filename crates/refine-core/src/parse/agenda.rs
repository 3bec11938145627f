//! The agenda section: which lines are its items, their timeboxes, titles and details.

use super::*;

/// Which kind of line holds the agenda's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ItemLevel {
    Heading,
    TableRow,
    Bold,
    List(usize),
    Plain,
}

pub(super) fn level_of(line: &Line<'_>) -> Option<ItemLevel> {
    match line {
        Line::Heading(_) => Some(ItemLevel::Heading),
        Line::TableRow(_) => Some(ItemLevel::TableRow),
        Line::Bold(_) => Some(ItemLevel::Bold),
        Line::ListItem { indent, .. } => Some(ItemLevel::List(*indent)),
        Line::Plain { indent: 0, .. } => Some(ItemLevel::Plain),
        _ => None,
    }
}

/// The agenda's items: the most prominent kind of line that is not framing (an "Agenda" title or
/// a "Total" line), each with the lines under it as details.
pub(super) fn agenda_items(
    lines: &[(usize, Line<'_>)],
    guide: &Guide,
) -> Vec<(AgendaItem, ItemLayout)> {
    work::step(lines.len());
    let header_row: Vec<bool> = lines
        .iter()
        .enumerate()
        .map(|(i, (_, l))| {
            matches!(l, Line::TableRow(_)) && matches!(lines.get(i + 1), Some((_, Line::TableSep)))
        })
        .collect();
    // Each line's text as an item, without markup, read once: the same lines are read as
    // candidates, as the title's timed followers, and as items or details.
    let mut texts: Vec<String> = lines.iter().map(|(_, line)| item_text(line)).collect();
    // Each line's level as a candidate item, computed once: framing lines and table headers are
    // no candidates.
    let mut levels: Vec<Option<ItemLevel>> = lines
        .iter()
        .zip(&texts)
        .enumerate()
        .map(|(i, ((_, line), text))| {
            let level = level_of(line)?;
            work::step(1);
            if header_row[i] || is_framing(text) {
                return None;
            }
            Some(level)
        })
        .collect();
    let level = loop {
        let Some(level) = preferred_level(&levels) else {
            return Vec::new();
        };
        // One line of the most prominent kind before two or more timed items of another kind
        // is the agenda's title ("**Refinement Session: Checkout (90 minutes)**" over numbered
        // phases), not an item: read the items under it instead.
        work::step(lines.len());
        let mut at = levels
            .iter()
            .enumerate()
            .filter(|(_, l)| **l == Some(level));
        let (Some((first, _)), None) = (at.next(), at.next()) else {
            break level;
        };
        let timed_after = texts[first + 1..]
            .iter()
            .zip(&levels[first + 1..])
            .filter(|(text, l)| l.is_some_and(|l| l != level) && split_timebox(text).1.is_some())
            .count();
        if timed_after < 2 {
            break level;
        }
        levels[first] = None;
    };

    work::step(3 * lines.len());
    let phase_names = phase_name_stems(guide);
    let mut items: Vec<(usize, String, Vec<String>)> = Vec::new();
    for (((n, line), line_level), text) in lines.iter().zip(&levels).zip(&mut texts) {
        if *line_level == Some(level) {
            items.push((*n, std::mem::take(text), Vec::new()));
        } else if let Some((_, _, details)) = items.last_mut() {
            // A line's text as an item is its plain text, but for a table row.
            let plain = match line {
                Line::TableRow(_) => line.plain(),
                _ => std::mem::take(text),
            };
            if !plain.is_empty() {
                details.push(plain);
            }
        }
    }
    items
        .into_iter()
        .map(|(line_no, text, details)| {
            let ItemLine {
                title,
                mut minutes,
                detail,
            } = item_line(&text);
            if minutes.is_none() {
                minutes = details.iter().find_map(|d| timebox_only(d));
            }
            let phase = match_phase_named(&title, guide, &phase_names);
            (
                AgendaItem {
                    title,
                    minutes,
                    phase,
                    detail,
                    details,
                },
                ItemLayout { line: line_no },
            )
        })
        .collect()
}

/// The most prominent kind of candidate line among `levels`: headings, then table rows, bold
/// lines, the least indented list items, plain lines.
pub(super) fn preferred_level(levels: &[Option<ItemLevel>]) -> Option<ItemLevel> {
    work::step(5 * levels.len());
    let min_list = levels
        .iter()
        .filter_map(|level| match level {
            Some(ItemLevel::List(indent)) => Some(*indent),
            _ => None,
        })
        .min();
    [
        Some(ItemLevel::Heading),
        Some(ItemLevel::TableRow),
        Some(ItemLevel::Bold),
        min_list.map(ItemLevel::List),
        Some(ItemLevel::Plain),
    ]
    .into_iter()
    .flatten()
    .find(|level| levels.contains(&Some(*level)))
}

/// Reads "0-15 min", "15-60 min", "60-80 min" as elapsed-time offsets, not as ranges: when the
/// timed items' ranges chain end to start from minute 0, each becomes its own duration.
pub(super) fn offsets_to_durations(items: &mut [(AgendaItem, ItemLayout)]) {
    work::step(2 * items.len());
    let spans: Vec<Minutes> = items.iter().filter_map(|(item, _)| item.minutes).collect();
    let chained = spans.len() >= 2
        && spans[0].min == 0
        && spans.windows(2).all(|pair| pair[1].min == pair[0].max)
        && spans.iter().all(|span| span.min < span.max);
    if chained {
        for (item, _) in items.iter_mut() {
            if let Some(span) = item.minutes {
                item.minutes = Some(Minutes::exactly(span.max - span.min));
            }
        }
    }
}

/// An item's text without markup; for a table row, the cells with a timebox first.
pub(super) fn item_text(line: &Line<'_>) -> String {
    match line {
        Line::TableRow(cells) => {
            let (timed, rest): (Vec<&String>, Vec<&String>) = cells
                .iter()
                .filter(|c| !c.is_empty())
                .partition(|c| find_timebox(c).is_some());
            let title = rest
                .iter()
                .find(|c| c.chars().any(char::is_alphabetic))
                .map_or(String::new(), |c| c.to_string());
            match timed.first() {
                Some(time) => format!("{time} {title}"),
                None => title,
            }
        }
        // Every line but a table row reads as its text without markup: replies to one guide
        // repeat its lines, read once.
        other if other.text().is_empty() => other.plain(),
        other => crate::recent::remembered_lately(&PLAIN_LATELY, other.text(), || other.plain()),
    }
}

thread_local! {
    /// The agenda lines' texts without markup, kept for the lines this thread reads again.
    pub(super) static PLAIN_LATELY: std::cell::RefCell<crate::recent::Lately<String>> =
        std::cell::RefCell::default();
}

/// What an agenda item's own line says: its title, its timebox, the description after its
/// title.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ItemLine {
    pub(super) title: String,
    pub(super) minutes: Option<Minutes>,
    pub(super) detail: Option<String>,
}

thread_local! {
    /// The item lines this thread read lately. Replies to the same guide repeat its phases'
    /// lines ("1. **Context Setting** (15 min)") reply after reply, and cutting the timebox
    /// and the title off cost more than the rest of reading an item.
    pub(super) static ITEM_LINES_LATELY: std::cell::RefCell<crate::recent::Recent<Box<str>, ItemLine>> =
        const { std::cell::RefCell::new(crate::recent::Recent::new()) };
}

/// [`read_item_line`], the answer kept for the thread's latest lines (but the long ones).
pub(super) fn item_line(text: &str) -> ItemLine {
    if text.len() > crate::recent::LONGEST_KEPT {
        return read_item_line(text);
    }
    crate::recent::remembered(&ITEM_LINES_LATELY, text, || read_item_line(text))
}

/// An item's text read: the timebox split off, then the title and its description.
pub(super) fn read_item_line(text: &str) -> ItemLine {
    let (title, minutes) = split_timebox(text);
    let (title, detail) = title_and_detail(&title);
    ItemLine {
        title,
        minutes,
        detail,
    }
}

/// Splits a timebox off an item's text.
pub(super) fn split_timebox(text: &str) -> (String, Option<Minutes>) {
    match find_timebox(text) {
        Some(found) => {
            let mut title = text.to_string();
            title.replace_range(found.span, " ");
            (title, Some(found.minutes))
        }
        None => (text.to_string(), None),
    }
}

static TIME_LABEL: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"(?i)\b(time|duration|timebox|timeboxed|allotted|approx\.?|approximately|about|length)\b",
    )
});

/// The timebox of a detail line that holds nothing else ("Time: 15 minutes", "*(20 min)*").
pub(super) fn timebox_only(detail: &str) -> Option<Minutes> {
    let (rest, minutes) = split_timebox(detail);
    let rest = TIME_LABEL.replace_all(&rest, "");
    (!rest.chars().any(char::is_alphanumeric))
        .then_some(minutes)
        .flatten()
}

/// How many bytes of `title` an ordinal prefix such as "Phase 2: " or "step 3 -" takes: what
/// `(?i)^(?:phase|part|step|section|block|segment|stage)\s*\d+\s*[:.)\-–—]?\s*` matches (a
/// test holds the two alike), 0 when there is none. No two of the words start alike, so at
/// most one can lead.
pub(super) fn ordinal_prefix_len(title: &str) -> usize {
    const WORDS: &[&str] = &[
        "phase", "part", "step", "section", "block", "segment", "stage",
    ];
    // The words start with `p`, `s` or `b` in either case, or with `ſ` (0xC5 0xBF), which
    // folds into `s`: a title starting with another byte has no ordinal prefix (most titles).
    if !matches!(
        title.as_bytes().first(),
        Some(b'p' | b'P' | b's' | b'S' | b'b' | b'B' | 0xC5)
    ) {
        return 0;
    }
    let past_spaces = |at: usize| refine_pattern::past_spaces(title, at);
    let Some(word) = WORDS
        .iter()
        .find_map(|word| refine_pattern::caseless_prefix(title, word))
    else {
        return 0;
    };
    let number = past_spaces(word);
    let after_number = title[number..]
        .find(|c: char| !refine_pattern::is_decimal_digit(c))
        .map_or(title.len(), |offset| number + offset);
    if after_number == number {
        return 0;
    }
    let mut at = past_spaces(after_number);
    if let Some(mark) = title[at..]
        .chars()
        .next()
        .filter(|c| matches!(c, ':' | '.' | ')' | '-' | '–' | '—'))
    {
        at += mark.len_utf8();
    }
    past_spaces(at)
}

pub(super) const TITLE_TRIM: &[char] = &[
    ' ', ':', '-', '–', '—', '|', ',', '.', '~', '(', ')', '[', ']', '*', '/', '+',
];

/// A readable title: no empty brackets, ordinal prefix or trailing description.
pub(super) fn clean_title(raw: &str) -> String {
    title_and_detail(raw).0
}

/// The readable title and what the line says beyond it: the description after a separator
/// ("Context Setting (15 min): the PM explains why quoting matters now").
pub(super) fn title_and_detail(raw: &str) -> (String, Option<String>) {
    // Empty brackets collapsed, one kind after the other; most titles have none.
    let mut collapsed = std::borrow::Cow::Borrowed(raw);
    if memchr::memchr2(b'(', b'[', raw.as_bytes()).is_some() {
        for empty in ["()", "[]", "( )"] {
            // A title is short: its bytes are compared in place, where `contains` would first
            // prepare a substring searcher.
            let (bytes, empty_bytes) = (collapsed.as_bytes(), empty.as_bytes());
            let at_bracket = |at: usize| {
                bytes.len() - at >= empty_bytes.len()
                    && bytes[at..].iter().zip(empty_bytes).all(|(a, b)| a == b)
            };
            if memchr::memchr_iter(empty_bytes[0], bytes).any(at_bracket) {
                collapsed = replaced(&collapsed, empty).into();
            }
        }
    }
    let mut title = String::with_capacity(collapsed.len());
    for word in collapsed.split_whitespace() {
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    let start = title.len()
        - title
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .len();
    trim_in_place(&mut title, start);
    let prefix = ordinal_prefix_len(&title);
    title.drain(..prefix);
    let mut detail: Vec<String> = Vec::new();
    // The separators' marks are `:`, `-`, `|`, and two dashes whose UTF-8 starts 0xE2: a title
    // without any of these bytes has none of them (most titles).
    let marked = title
        .bytes()
        .any(|b| matches!(b, b':' | b'-' | b'|' | 0xE2));
    for (separator, mark) in [
        (": ", ':'),
        (" — ", '—'),
        (" – ", '–'),
        (" - ", '-'),
        (" | ", '|'),
    ] {
        // Each separator is looked for only where its mark is: most titles have none.
        if marked
            && title.contains(mark)
            && let Some(at) = title.find(separator)
            && title[..at].chars().any(char::is_alphabetic)
        {
            let rest = title[at + separator.len()..].trim_matches(TITLE_TRIM);
            if rest.chars().any(char::is_alphanumeric) {
                detail.insert(0, rest.to_string());
            }
            title.truncate(at);
        }
    }
    let detail = (!detail.is_empty()).then(|| detail.join(" — "));
    trim_in_place(&mut title, 0);
    (title, detail)
}

/// `text` with each `empty` replaced by a space, as `str::replace` writes it, into a string
/// sized once (`replace` grows its string as it goes).
fn replaced(text: &str, empty: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices(empty) {
        out.push_str(&text[last..at]);
        out.push(' ');
        last = at + empty.len();
    }
    out.push_str(&text[last..]);
    out
}

/// Drops `title`'s first `start` bytes, then [`TITLE_TRIM`] from both ends, in place.
fn trim_in_place(title: &mut String, start: usize) {
    let rest = &title[start..];
    let from = start + (rest.len() - rest.trim_start_matches(TITLE_TRIM).len());
    let to = from + title[from..].trim_end_matches(TITLE_TRIM).len();
    title.truncate(to);
    title.drain(..from);
}

/// Whether an agenda line frames the agenda ("Agenda (90 min)", "Total: 90 minutes") rather than
/// being an item of it.
pub(super) fn is_framing(text: &str) -> bool {
    // Every reading below needs a framing word in the text (a word of the title is a piece of
    // the text, and "agenda:" holds "agenda"); on plain text (ASCII and typographic marks, which
    // have no case), lower-cased byte by byte, a text without one is no framing, and its
    // timebox and words are not read.
    if refine_pattern::is_plain(text) {
        // Lower-cased on the stack: most lines are short.
        let mut on_stack = [0u8; 256];
        let lower: std::borrow::Cow<'_, [u8]> = match on_stack.get_mut(..text.len()) {
            Some(lower) => {
                lower.copy_from_slice(text.as_bytes());
                lower.make_ascii_lowercase();
                std::borrow::Cow::Borrowed(lower)
            }
            None => std::borrow::Cow::Owned(text.to_ascii_lowercase().into_bytes()),
        };
        if !FRAMING_WORDS.any_in(&lower) {
            return false;
        }
    }
    is_framing_read_whole(text)
}

/// "agenda" and the vocabulary's framing words, once each, searched for together in one pass
/// (a packed searcher: Teddy's vector masks, Rabin-Karp on a short line) rather than one
/// searcher a word; a full Aho-Corasick automaton searched as fast but took 210,000
/// instructions to build, in every `refine prep`.
static FRAMING_WORDS: LazyLock<FramingWords> = LazyLock::new(|| {
    let words = framing_words();
    match aho_corasick::packed::Searcher::new(words.iter()) {
        Some(together) => FramingWords::Together(together),
        // A CPU without the vector instructions the packed searcher needs.
        None => FramingWords::each(&words),
    }
});

/// "agenda" and the vocabulary's framing words, once each.
fn framing_words() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = Vec::new();
    for word in std::iter::once("agenda").chain(VOCABULARY.agenda_framing.iter().copied()) {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// The framing words, prepared for search.
enum FramingWords {
    Together(aho_corasick::packed::Searcher),
    Each(Vec<memchr::memmem::Finder<'static>>),
}

impl FramingWords {
    /// A searcher for each word.
    fn each(words: &[&'static str]) -> FramingWords {
        FramingWords::Each(
            words
                .iter()
                .map(|word| memchr::memmem::Finder::new(word.as_bytes()))
                .collect(),
        )
    }

    /// Whether lower-case `text` holds any of the words.
    fn any_in(&self, text: &[u8]) -> bool {
        match self {
            FramingWords::Together(searcher) => searcher.find(text).is_some(),
            FramingWords::Each(finders) => finders.iter().any(|word| word.find(text).is_some()),
        }
    }
}

/// [`is_framing`] without its shortcut: the title's words read whole.
pub(super) fn is_framing_read_whole(text: &str) -> bool {
    let (title, _) = split_timebox(text);
    // "Agenda:" is looked for before the title is split into words: a title holding it has a
    // word ("agenda"), so it is framing however its words read.
    if title.to_lowercase().contains("agenda:") {
        return true;
    }
    let w = crate::text::lower_words(&title);
    let framing = VOCABULARY.agenda_framing;
    match (w.first(), w.last()) {
        (Some(first), Some(last)) => {
            framing.contains(&first.as_ref())
                || last == "agenda"
                || w.windows(2)
                    .any(|pair| pair[0] == "agenda" && pair[1] == "for")
        }
        _ => false,
    }
}

/// Whether lower-case `text` holds a framing word, asked of a searcher for each word: what
/// a CPU without the packed searcher's vector instructions uses, for the test that both
/// answer alike.
#[cfg(test)]
pub(super) fn holds_framing_word_each(text: &[u8]) -> bool {
    FramingWords::each(&framing_words()).any_in(text)
}

/// Whether lower-case `text` holds a framing word, as [`is_framing`] asks.
#[cfg(test)]
pub(super) fn holds_framing_word(text: &[u8]) -> bool {
    FRAMING_WORDS.any_in(text)
}

/// This module's patterns, for the test that both engines read them alike.
#[cfg(test)]
pub(super) fn patterns() -> Vec<&'static Pattern> {
    vec![&*TIME_LABEL]
}
