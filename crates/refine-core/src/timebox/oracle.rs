//! The regexes the timebox forms were once found with, kept as the oracle the hand-written
//! reading ([`super::forms`]) is held to: the same leftmost match, span and capture groups,
//! on text made of the forms' own words, digits of other scripts, Unicode spaces and the
//! letters that fold into ASCII.

use std::ops::Range;
use std::sync::LazyLock;

use proptest::prelude::*;
use regex::Regex;

use super::forms::{self, Found};

const DASH: &str = r"(?:-|–|—|to|until)";

static CLOCK_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}}):(\d{{2}})\s*(am|pm)?\s*{DASH}\s*(\d{{1,2}}):(\d{{2}})\s*(am|pm)?"
    ))
    .expect("the clock range form compiles")
});

static HOURS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d+(?:\.\d+)?)\s*-?\s*(?:hours?|hrs?|h)\b(?:\s*(?:and\s*)?(\d{1,2})\s*-?\s*(?:minutes?|mins?|m)\b)?",
    )
    .expect("the hours form compiles")
});

static MINUTES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,3}})(?:\s*{DASH}\s*(\d{{1,3}}))?\s*-?\s*(?:minutes?|mins?|m)\b"
    ))
    .expect("the minutes form compiles")
});

/// What the regex finds: the span, then each group's text where it took part.
fn by_regex(regex: &Regex, text: &str) -> Option<(Range<usize>, Vec<Option<String>>)> {
    let c = regex.captures(text)?;
    let whole = c.get(0).expect("a match has group 0").range();
    let groups = (1..regex.captures_len())
        .map(|i| c.get(i).map(|m| m.as_str().to_string()))
        .collect();
    Some((whole, groups))
}

/// The same, read by hand; `groups` is how many capture groups the regex has.
fn by_hand(found: Option<Found<'_>>, groups: usize) -> Option<(Range<usize>, Vec<Option<String>>)> {
    let found = found?;
    let texts = (1..=groups)
        .map(|i| found.get(i).map(str::to_string))
        .collect();
    Some((found.span(), texts))
}

/// Text made of the forms' pieces, in any order.
fn text() -> impl Strategy<Value = String> {
    let tokens: &[&str] = &[
        "1", "5", "15", "20", "100", "1000", "0", "٣", "１", "٣٣", ".", ":", "00", "45", "1:45",
        "10:00", " ", "  ", "\t", "\u{a0}", "\u{3000}", "-", "–", "—", "to", "TO", "until", "and",
        "am", "PM", "pm", "a", "p", "m", "M", "min", "mins", "minute", "minutes", "MINUTES",
        "Minuteſ", "miN", "h", "H", "hr", "hrs", "hour", "hours", "Hours", "hourſ", "ſ", "x", "é",
        "_", "İ", "ı", "K", "(", ")", "[", "*", "s", "t", "o", "u", "n", "i", "e", "r", "l", "d",
    ];
    proptest::collection::vec(proptest::sample::select(tokens), 0..14).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8192))]

    #[test]
    fn the_clock_range_form_reads_as_its_regex(text in text()) {
        prop_assert_eq!(by_hand(forms::clock_range(&text), 6), by_regex(&CLOCK_RANGE, &text), "{:?}", text);
        // `find_timebox` looks for a colon first.
        prop_assert!(forms::clock_range(&text).is_none() || text.contains(':'));
    }

    #[test]
    fn the_hours_form_reads_as_its_regex(text in text()) {
        prop_assert_eq!(by_hand(forms::hours(&text), 2), by_regex(&HOURS, &text), "{:?}", text);
        prop_assert!(forms::hours(&text).is_none() || text.contains(['h', 'H']));
    }

    #[test]
    fn the_minutes_form_reads_as_its_regex(text in text()) {
        prop_assert_eq!(by_hand(forms::minutes(&text), 2), by_regex(&MINUTES, &text), "{:?}", text);
        prop_assert!(forms::minutes(&text).is_none() || text.contains(['m', 'M']));
    }
}

#[test]
fn the_forms_read_what_the_regexes_read_on_written_timeboxes() {
    for text in [
        "Context Setting (15 min)",
        "15-20 minutes",
        "15 to 20 MINS",
        "0:00-0:15 Context",
        "1:45 pm - 2:00 pm",
        "11:50 until 12:10am",
        "1 hour and 5 minutes",
        "1.5hrs",
        "Deep dive 1h 15m",
        "a 15-minute block",
        "٣ min",
        "v2 20 min",
        "1000 m",
        "10:00-10:205",
    ] {
        assert_eq!(
            by_hand(forms::clock_range(text), 6),
            by_regex(&CLOCK_RANGE, text),
            "{text}"
        );
        assert_eq!(
            by_hand(forms::hours(text), 2),
            by_regex(&HOURS, text),
            "{text}"
        );
        assert_eq!(
            by_hand(forms::minutes(text), 2),
            by_regex(&MINUTES, text),
            "{text}"
        );
    }
}
