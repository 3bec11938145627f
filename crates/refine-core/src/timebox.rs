//! Timeboxes as people and models write them: `15 min`, `15-20 minutes`, `(20m)`, `20 mins`,
//! `0:00-0:15`, `10:00–10:20`, `1 hour`, `1h 15m`, `1.5 hours`, `15 to 20 minutes`.

use serde::{Deserialize, Serialize};

/// A span of minutes, `min..=max`; a single duration has `min == max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Minutes {
    /// Shortest duration, in minutes.
    pub min: u32,
    /// Longest duration, in minutes; never below `min`.
    pub max: u32,
}

impl Minutes {
    /// A single duration.
    pub fn exactly(minutes: u32) -> Self {
        Minutes {
            min: minutes,
            max: minutes,
        }
    }

    /// A range; `None` when `max < min`.
    pub fn range(min: u32, max: u32) -> Option<Self> {
        (min <= max).then_some(Minutes { min, max })
    }

    /// Whether this span lies entirely inside `outer`.
    pub fn within(self, outer: Minutes) -> bool {
        self.min >= outer.min && self.max <= outer.max
    }

    /// The minutes without a unit: `15` or `15-20`.
    pub fn amount(self) -> String {
        if self.min == self.max {
            self.min.to_string()
        } else {
            format!("{}-{}", self.min, self.max)
        }
    }

    /// The sum of two spans.
    pub fn plus(self, other: Minutes) -> Minutes {
        Minutes {
            min: self.min.saturating_add(other.min),
            max: self.max.saturating_add(other.max),
        }
    }
}

impl std::fmt::Display for Minutes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} min", self.amount())
    }
}

/// A timebox found in a line: its minutes and the byte range it occupies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundTimebox {
    /// The minutes it stands for.
    pub minutes: Minutes,
    /// Where it stands in the searched text.
    pub span: std::ops::Range<usize>,
}

mod forms;
#[cfg(test)]
mod oracle;

/// The first timebox in `text`, if any. Clock ranges win over durations, and hour forms over
/// minute forms, so `10:00-10:20 (20 min)` reads as 20 minutes once.
pub fn find_timebox(text: &str) -> Option<FoundTimebox> {
    // Every form starts with `\b\d` (a Unicode decimal digit, which is numeric): most lines
    // have none, and are done without running a regex. No match starts before the first
    // numeric character, so the search starts at the character before it (where `\b` reads as
    // in place) and its spans are shifted back.
    let first = text.char_indices().find(|(_, c)| c.is_numeric())?.0;
    let from = text[..first]
        .char_indices()
        .next_back()
        .map_or(0, |(at, _)| at);
    let mut found = find_timebox_from_start(&text[from..])?;
    found.span = found.span.start + from..found.span.end + from;
    Some(found)
}

/// [`find_timebox`], searching `text` from its start.
fn find_timebox_from_start(text: &str) -> Option<FoundTimebox> {
    // A clock range needs a colon, hours an `h`, minutes an `m`: most texts are done at that.
    let has = |mark: [char; 2]| text.contains(mark);
    if let Some(c) = has([':', ':']).then(|| forms::clock_range(text)).flatten() {
        let num = |i: usize| c.get(i).and_then(|m| m.parse::<u32>().ok());
        let meridiem = |i: usize| c.get(i).map(str::to_ascii_lowercase);
        if let (Some(h1), Some(m1), Some(h2), Some(m2)) = (num(1), num(2), num(4), num(5))
            && m1 < 60
            && m2 < 60
        {
            let to_minutes = |h: u32, m: u32, ampm: Option<String>| {
                let h = match ampm.as_deref() {
                    Some("pm") if h < 12 => h + 12,
                    Some("am") if h == 12 => 0,
                    _ => h,
                };
                h * 60 + m
            };
            let end_ampm = meridiem(6);
            let start_ampm = meridiem(3).or_else(|| end_ampm.clone());
            let start = to_minutes(h1, m1, start_ampm);
            let mut end = to_minutes(h2, m2, end_ampm);
            if end <= start {
                // 11:50-12:10 on a 12-hour clock, or a range past midnight.
                end += if end + 12 * 60 > start {
                    12 * 60
                } else {
                    24 * 60
                };
            }
            return Some(FoundTimebox {
                minutes: Minutes::exactly(end - start),
                span: c.span(),
            });
        }
    }
    let hours = has(['h', 'H'])
        .then(|| forms::hours(text))
        .flatten()
        .and_then(|c| {
            let h: f64 = c.get(1)?.parse().ok()?;
            let extra: u32 = c.get(2).map_or(Some(0), |m| m.parse().ok())?;
            if !(0.0..=24.0).contains(&h) {
                return None;
            }
            let minutes = (h * 60.0).round() as u32 + extra;
            Some(FoundTimebox {
                minutes: Minutes::exactly(minutes),
                span: c.span(),
            })
        });
    let minutes = has(['m', 'M'])
        .then(|| forms::minutes(text))
        .flatten()
        .and_then(|c| {
            let a: u32 = c.get(1)?.parse().ok()?;
            let minutes = match c.get(2) {
                Some(b) => Minutes::range(a, b.parse().ok()?)?,
                None => Minutes::exactly(a),
            };
            Some(FoundTimebox {
                minutes,
                span: c.span(),
            })
        });
    match (hours, minutes) {
        (Some(h), Some(m)) => Some(if h.span.start <= m.span.start { h } else { m }),
        (h, m) => h.or(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mins(text: &str) -> Option<(u32, u32)> {
        find_timebox(text).map(|t| (t.minutes.min, t.minutes.max))
    }

    #[test]
    fn every_documented_form_reads() {
        assert_eq!(mins("Context Setting (15 min)"), Some((15, 15)));
        assert_eq!(mins("15-20 minutes"), Some((15, 20)));
        assert_eq!(mins("Retro (20m)"), Some((20, 20)));
        assert_eq!(mins("20 mins"), Some((20, 20)));
        assert_eq!(mins("0:00-0:15 Context"), Some((15, 15)));
        assert_eq!(mins("10:00–10:20 Context"), Some((20, 20)));
        assert_eq!(mins("Exploration: 1 hour"), Some((60, 60)));
        assert_eq!(mins("Deep dive 1h 15m"), Some((75, 75)));
    }

    #[test]
    fn more_forms_models_write() {
        assert_eq!(mins("15 to 20 minutes"), Some((15, 20)));
        assert_eq!(mins("40–45 min"), Some((40, 45)));
        assert_eq!(mins("a 15-minute block"), Some((15, 15)));
        assert_eq!(mins("1.5 hours"), Some((90, 90)));
        assert_eq!(mins("2 hrs"), Some((120, 120)));
        assert_eq!(mins("1 hour and 5 minutes"), Some((65, 65)));
        assert_eq!(mins("1:45 pm - 2:00 pm"), Some((15, 15)));
        assert_eq!(mins("11:50 - 12:10"), Some((20, 20)));
        assert_eq!(mins("9:00 to 9:15"), Some((15, 15)));
        assert_eq!(mins("[15 MIN]"), Some((15, 15)));
    }

    #[test]
    fn text_without_a_timebox_has_none() {
        assert_eq!(mins("Context Setting"), None);
        assert_eq!(mins("Review 3 priorities with the mobile team"), None);
        assert_eq!(mins("10 million users"), None);
        assert_eq!(mins("version 2:30 of the spec"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4096))]
        /// Searching from the character before the first numeric one finds what a search of
        /// the whole text finds, at the same place.
        #[test]
        fn the_search_from_the_first_digit_is_exact(
            tokens in proptest::collection::vec(proptest::sample::select(&[
                "Context", "x", " ", "é", "(", "15", "7", "٣", "½", ":", "00", "-", "–", "to",
                " min", "m", "minutes", "h", "hours", "1.5", "pm", "_", "**",
            ][..]), 0..10)
        ) {
            let text = tokens.concat();
            let whole = text.chars().any(char::is_numeric).then(|| find_timebox_from_start(&text)).flatten();
            proptest::prop_assert_eq!(find_timebox(&text), whole, "{:?}", text);
        }
    }

    #[test]
    fn a_backwards_range_is_not_a_timebox() {
        assert_eq!(mins("20-15 minutes"), None);
    }

    #[test]
    fn the_span_covers_the_timebox() {
        let text = "Context Setting (15-20 minutes)";
        let found = find_timebox(text).expect("timebox");
        assert_eq!(&text[found.span], "15-20 minutes");
    }
}
