//! The three written forms of a timebox, read by hand. Each function finds exactly what its
//! regex (kept in the tests as the oracle) finds: the leftmost match, its span and its capture
//! groups, with Unicode's `\b`, `\d`, `\s` and case folding as the `regex` crate reads them.
//! Compiling those regexes was a twelfth of `refine prep`.
//!
//! Where a regex could backtrack, no other path can succeed: every part that follows a digit
//! run starts with something that is not a digit (so a run must be read whole), and each
//! optional part is taken exactly when what follows it could not match without it.

use std::ops::Range;

use refine_pattern::{caseless_prefix, is_decimal_digit, is_word_character, past_spaces};

/// A match: its span and its capture groups (1-based, as in the regexes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found<'t> {
    text: &'t str,
    span: Range<usize>,
    groups: [Option<Range<usize>>; 6],
}

impl<'t> Found<'t> {
    /// Where the match stands in the searched text.
    pub(super) fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// Capture group `i` (1-based), when it took part in the match.
    pub(super) fn get(&self, i: usize) -> Option<&'t str> {
        let text = self.text;
        self.groups
            .get(i.checked_sub(1)?)?
            .clone()
            .map(|range| &text[range])
    }
}

/// `(?i)\b(\d{1,2}):(\d{2})\s*(am|pm)?\s*DASH\s*(\d{1,2}):(\d{2})\s*(am|pm)?`, where DASH is
/// `(?:-|–|—|to|until)`: a clock range such as `10:00–10:20` or `1:45 pm - 2:00 pm`.
pub(super) fn clock_range(text: &str) -> Option<Found<'_>> {
    first_match(text, |text, start| {
        let mut groups: [Option<Range<usize>>; 6] = Default::default();
        let at = clock_time(text, start, &mut groups[0..3])?;
        let at = dash(text, past_spaces(text, at))?;
        let end = clock_time(text, past_spaces(text, at), &mut groups[3..6])?;
        Some((end, groups))
    })
}

/// `(\d{1,2}):(\d{2})\s*(am|pm)?` at `at`, its three groups written into `groups`: where it
/// ends, the spaces after it included.
fn clock_time(text: &str, at: usize, groups: &mut [Option<Range<usize>>]) -> Option<usize> {
    let (hour, at) = digits(text, at, 1, 2)?;
    let at = literal(text, at, ":")?;
    let (minute, at) = exact_digits(text, at, 2)?;
    groups[0] = Some(hour);
    groups[1] = Some(minute);
    let mut end = past_spaces(text, at);
    if let Some(after) = meridiem(text, end) {
        groups[2] = Some(end..after);
        end = after;
    }
    Some(end)
}

/// `(?i)\b(\d+(?:\.\d+)?)\s*-?\s*(?:hours?|hrs?|h)\b`, then optionally
/// `\s*(?:and\s*)?(\d{1,2})\s*-?\s*(?:minutes?|mins?|m)\b`: `1 hour`, `1.5 hrs`, `1h 15m`.
pub(super) fn hours(text: &str) -> Option<Found<'_>> {
    first_match(text, |text, start| {
        let mut groups: [Option<Range<usize>>; 6] = Default::default();
        let (_, mut at) = digits(text, start, 1, usize::MAX)?;
        if let Some(point) = literal(text, at, ".")
            && let Some((_, end)) = digits(text, point, 1, usize::MAX)
        {
            at = end;
        }
        groups[0] = Some(start..at);
        let at = unit(
            text,
            before_unit(text, at),
            &["hours", "hour", "hrs", "hr", "h"],
        )?;
        let tail = || {
            let mut from = past_spaces(text, at);
            if let Some(end) = literal(text, from, "and") {
                from = past_spaces(text, end);
            }
            let (extra, end) = digits(text, from, 1, 2)?;
            let end = unit(text, before_unit(text, end), MINUTE_UNITS)?;
            Some((extra, end))
        };
        Some(match tail() {
            Some((extra, end)) => {
                groups[1] = Some(extra);
                (end, groups)
            }
            None => (at, groups),
        })
    })
}

/// `(?i)\b(\d{1,3})(?:\s*DASH\s*(\d{1,3}))?\s*-?\s*(?:minutes?|mins?|m)\b`: `15 min`,
/// `15-20 minutes`, `(20m)`, `15 to 20 mins`.
pub(super) fn minutes(text: &str) -> Option<Found<'_>> {
    first_match(text, |text, start| {
        let mut groups: [Option<Range<usize>>; 6] = Default::default();
        let (first, mut at) = digits(text, start, 1, 3)?;
        groups[0] = Some(first);
        // The range is taken whenever it is there: without it, what follows the first number
        // (spaces, then a dash or `to`, then a digit) is no unit.
        let range = dash(text, past_spaces(text, at))
            .and_then(|end| digits(text, past_spaces(text, end), 1, 3));
        if let Some((second, end)) = range {
            groups[1] = Some(second);
            at = end;
        }
        let end = unit(text, before_unit(text, at), MINUTE_UNITS)?;
        Some((end, groups))
    })
}

/// `minutes?|mins?|m`, longest first as the regexes try them.
const MINUTE_UNITS: &[&str] = &["minutes", "minute", "mins", "min", "m"];

/// The leftmost match of `at_start`, tried at each word boundary before a decimal digit: every
/// form starts with `\b\d`.
fn first_match<'t>(
    text: &'t str,
    at_start: impl Fn(&'t str, usize) -> Option<(usize, [Option<Range<usize>>; 6])>,
) -> Option<Found<'t>> {
    let mut previous_is_word = false;
    for (at, c) in text.char_indices() {
        let is_word = is_word_character(c);
        if !previous_is_word
            && is_decimal_digit(c)
            && let Some((end, groups)) = at_start(text, at)
        {
            return Some(Found {
                text,
                span: at..end,
                groups,
            });
        }
        previous_is_word = is_word;
    }
    None
}

/// A run of decimal digits at `at`, read whole: its range and end, when it is `min..=max`
/// digits long. (A shorter reading would leave a digit next, where no form goes on.)
fn digits(text: &str, at: usize, min: usize, max: usize) -> Option<(Range<usize>, usize)> {
    let mut count = 0;
    let mut end = at;
    for c in text[at..].chars() {
        if !is_decimal_digit(c) {
            break;
        }
        count += 1;
        end += c.len_utf8();
    }
    (min..=max).contains(&count).then_some((at..end, end))
}

/// Exactly `n` decimal digits at `at`, whatever follows.
fn exact_digits(text: &str, at: usize, n: usize) -> Option<(Range<usize>, usize)> {
    let mut end = at;
    let mut chars = text[at..].chars();
    for _ in 0..n {
        let c = chars.next().filter(|&c| is_decimal_digit(c))?;
        end += c.len_utf8();
    }
    Some((at..end, end))
}

/// `\s*-?\s*`: what may stand between a number and its unit.
fn before_unit(text: &str, at: usize) -> usize {
    let at = past_spaces(text, at);
    past_spaces(text, literal(text, at, "-").unwrap_or(at))
}

/// `-|–|—|to|until`.
fn dash(text: &str, at: usize) -> Option<usize> {
    ["-", "–", "—", "to", "until"]
        .iter()
        .find_map(|word| literal(text, at, word))
}

/// `am|pm`.
fn meridiem(text: &str, at: usize) -> Option<usize> {
    literal(text, at, "am").or_else(|| literal(text, at, "pm"))
}

/// The first of `units` at `at` that a word boundary follows: its end.
fn unit(text: &str, at: usize, units: &[&str]) -> Option<usize> {
    units.iter().find_map(|word| {
        let end = literal(text, at, word)?;
        let next_is_word = text[end..].chars().next().is_some_and(is_word_character);
        // A unit ends in a letter, so the boundary is a character that is no word character.
        (!next_is_word).then_some(end)
    })
}

/// `word` (ASCII) at `at`, ignoring case as `(?i)` does: its end.
fn literal(text: &str, at: usize, word: &str) -> Option<usize> {
    caseless_prefix(&text[at..], word).map(|length| at + length)
}
