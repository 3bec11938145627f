use proptest::prelude::*;

use super::*;
use std::sync::atomic::Ordering;

/// Patterns that lean on every place the engines could differ: word boundaries, `\w`, `\d`,
/// `\s`, case folding (`k` and `s` have non-ASCII partners), negated classes, non-ASCII
/// literals, lazy and bounded repetition, empty matches.
const SAMPLES: &[&str] = &[
    r"(?i)\b(\d{1,3})(?:\s*(?:-|–|—|to)\s*(\d{1,3}))?\s*-?\s*(?:minutes?|mins?|m)\b",
    r"(?i)\b(?:kick-?off|tasks?|asks?|sks)\b",
    r"\w+",
    r"(\W|^)[*_]|[*_](\W|$)",
    r"\s+",
    r"\d+",
    r"[^<>\n]{0,12}>",
    r"(?i)^\s*([\[(【]\s*[^\])】]{1,30}?\s*[\])】])\s*[:：\-–—]?\s*",
    r"x*",
    r"\b",
    r"(?i)[a-z]+",
    r"(?i)\b(?:café|été|sure)\b",
    r"(?i)\b(?:when|once|kick(?:ed)?)\b|(?:时|后)",
    r"(?i)\b((?:[A-Za-z][\w-]*\s){0,2}(?:users?|asks?))\b",
];

/// The samples, compiled once for all the proptests' cases.
static SAMPLED: std::sync::LazyLock<Vec<Pattern>> =
    std::sync::LazyLock::new(|| SAMPLES.iter().map(|p| Pattern::new(*p)).collect());

fn haystack() -> impl Strategy<Value = String> {
    let mut tokens: Vec<String> = SAMPLED.iter().flat_map(Pattern::tokens).collect();
    tokens.sort();
    tokens.dedup();
    proptest::collection::vec(proptest::sample::select(tokens), 0..16).prop_map(|t| t.concat())
}

fn unplain_haystack() -> impl Strategy<Value = String> {
    let mut tokens: Vec<String> = SAMPLED.iter().flat_map(Pattern::unplain_tokens).collect();
    tokens.sort();
    tokens.dedup();
    proptest::collection::vec(proptest::sample::select(tokens), 0..16).prop_map(|t| t.concat())
}

proptest! {
    /// The word-at-a-time search finds the first byte past ASCII where a byte-by-byte one does,
    /// wherever it stands in a word and however long the text.
    #[test]
    fn the_first_byte_past_ascii_is_found_as_one_by_one(
        text in "[a-z \\-.]{0,40}([é’—€]|\\u{10348})?[a-z é]{0,20}"
    ) {
        let bytes = text.as_bytes();
        prop_assert_eq!(first_past_ascii(bytes), bytes.iter().position(|b| !b.is_ascii()));
        for start in 0..bytes.len().min(9) {
            prop_assert_eq!(
                first_past_ascii(&bytes[start..]),
                bytes[start..].iter().position(|b| !b.is_ascii())
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn both_engines_agree_on_plain_text(text in haystack()) {
        prop_assert!(is_plain(&text));
        for pattern in SAMPLED.iter() {
            if let Err(why) = pattern.engines_agree(&text) {
                return Err(TestCaseError::fail(why));
            }
            if let Err(why) = pattern.ascii_bounds_agree(&text) {
                return Err(TestCaseError::fail(why));
            }
            prop_assert_eq!(
                pattern.replace_all(&text, "<$1>"),
                Cow::<str>::Owned(pattern.full().replace_all(&text, "<$1>").into_owned())
            );
        }
    }

    /// A guard never rules out text the full engine finds a match in.
    #[test]
    fn the_guard_never_rules_out_a_match(text in unplain_haystack()) {
        for pattern in SAMPLED.iter() {
            if let Err(why) = pattern.guard_holds(&text) {
                return Err(TestCaseError::fail(why));
            }
        }
    }

    /// The matches found alone are the captures' group 0, on plain text (either engine) and on
    /// any other (the full engine, or none when a guard rules the text out).
    #[test]
    fn finding_every_match_is_every_captures_group_0(
        plain in haystack(),
        unplain in unplain_haystack(),
    ) {
        for text in [&plain, &unplain] {
            for pattern in SAMPLED.iter() {
                let found: Vec<(usize, usize)> =
                    pattern.find_iter(text).map(|m| (m.start(), m.end())).collect();
                let captured: Vec<(usize, usize)> = pattern
                    .captures_iter(text)
                    .map(|c| c.get(0).map(|m| (m.start(), m.end())).expect("group 0"))
                    .collect();
                prop_assert_eq!(&found, &captured, "{} on {:?}", pattern.as_str(), text);
                for (m, (start, end)) in pattern.find_iter(text).zip(&found) {
                    prop_assert_eq!(m.as_str(), &text[*start..*end]);
                }
            }
        }
    }

    #[test]
    fn replacing_with_a_function_is_replacing_with_a_template(text in haystack()) {
        for pattern in SAMPLED.iter() {
            let by_template = pattern.replace_all(&text, "[$0]");
            let by_function = pattern.replace_all_with(&text, |c| format!("[{}]", &c[0]));
            prop_assert_eq!(by_template, by_function);
        }
    }
}

/// Whether the full engine matches in each haystack.
fn full_answers(pattern: &Pattern, haystacks: &[&str]) -> Vec<bool> {
    haystacks
        .iter()
        .map(|h| pattern.full().is_match(h))
        .collect()
}

/// Asserts that the pattern, through whichever engine it picks, answers as `expected`.
fn assert_answers(pattern: &Pattern, haystacks: &[&str], expected: &[bool]) {
    for (h, &want) in haystacks.iter().zip(expected) {
        assert_eq!(pattern.is_match(h), want, "{h}");
    }
}

/// On haystacks past ASCII that its literals cannot rule out, a pattern with word boundaries
/// searches slowly until those searches have cost what compiling its relaxed form does, then
/// buys that form as a guard; the answers are the full engine's throughout.
#[test]
fn slow_searches_buy_the_relaxed_guard_and_answers_stay_the_same() {
    // `\d` leaves the literals unbounded: no literal guard.
    let pattern = Pattern::new(r"(?i)\b\d+\s*(?:ms|users?|hängt)\b");
    let haystacks = [
        "Le paiement échoue après 30 secondes",
        "Die Seite lädt 900 ms lang",
        "決済が失敗する 5 users",
        "Ärger mit 12 Usern",
    ];
    let expected = full_answers(&pattern, &haystacks);
    assert_eq!(expected, [false, true, true, false]);
    for h in haystacks {
        pattern.is_match(h);
    }
    assert!(
        pattern.relaxed.get().is_none(),
        "four searches do not pay for a compile"
    );
    let mut searches = 0;
    while pattern.relaxed.get().is_none() {
        assert_answers(&pattern, &haystacks, &expected);
        searches += 1;
        assert!(searches < 1_000_000, "the relaxed guard is never bought");
    }
    assert!(pattern.relaxed.get().is_some_and(Option::is_some));
    for (h, &want) in haystacks.iter().zip(&expected) {
        assert_eq!(pattern.is_match(h), want, "{h}");
        assert_eq!(pattern.find(h).is_some(), want, "{h}");
    }
}

/// On plain haystacks past ASCII (curly quotes, dashes), a pattern with word boundaries searches
/// slowly until those searches have cost what compiling it does, then buys its form with ASCII
/// word boundaries, which the lazy DFA reads there; matches and groups stay the full engine's.
#[test]
fn slow_searches_on_plain_marks_buy_ascii_boundaries_and_answers_stay_the_same() {
    for source in [
        // A literal guard lets through text that holds the words.
        r"(?i)\b((?:[A-Za-z][\w-]*\s){0,2}(?:users?|admins?))\b",
        // No literal guard (`\d`).
        r"(?i)\b(\d+)\s*(?:ms|users?)\b",
    ] {
        let pattern = Pattern::new(source);
        let haystacks = [
            "Finance admins say “it’s slow” — 30 users wait…",
            "“users”—admins",
            "It takes 900 ms • twice",
            "no one – nothing ‘here’",
            "5users “x”",
        ];
        let groups = |h: &str| -> Vec<Vec<Option<(usize, usize)>>> {
            spans(pattern.full().captures_iter(h).map(Captures::Full))
        };
        let expected: Vec<_> = haystacks.iter().map(|h| groups(h)).collect();
        assert!(
            expected.iter().any(|g| !g.is_empty()),
            "{source}: some match"
        );
        let mut searches = 0;
        while pattern.ascii_bounded.get().is_none() {
            for h in haystacks {
                pattern.is_match(h);
            }
            searches += 1;
            assert!(searches < 1_000_000, "{source}: never bought");
        }
        assert!(
            pattern.ascii_bounded.get().is_some_and(Option::is_some),
            "{source}"
        );
        for (h, want) in haystacks.iter().zip(&expected) {
            let found = spans(pattern.captures_iter(h));
            assert_eq!(&found, want, "{source} on {h}");
            assert_eq!(pattern.is_match(h), !want.is_empty(), "{source} on {h}");
            let first = pattern.find(h).map(|m| (m.start(), m.end()));
            assert_eq!(first, want.first().and_then(|g| g[0]), "{source} on {h}");
        }
    }
}

/// A pattern whose literals guard it never buys its relaxed form: a haystack the literals let
/// through holds the pattern's words, and the relaxed form would match there too.
#[test]
fn a_pattern_with_a_literal_guard_buys_no_relaxed_form() {
    let pattern = Pattern::new(r"(?i)\b(?:users?|admins?)\b");
    let haystacks = [
        "Les users échouent",
        "Admins über alles",
        "les usersé",
        "é admin",
    ];
    let expected = full_answers(&pattern, &haystacks);
    for _ in 0..5_000 {
        assert_answers(&pattern, &haystacks, &expected);
    }
    assert!(
        pattern.guard.get().is_some_and(Option::is_some),
        "a literal guard"
    );
    assert!(pattern.relaxed.get().is_none(), "no relaxed form bought");
}

/// The claim the whole crate rests on, checked mark by mark with the full engine's own classes:
/// a plain mark is no word character, digit or space, folds to no ASCII letter and has no
/// lower case of its own. Adding `ſ`, `é`, a non-breaking space or `٣` to `PLAIN_MARKS` fails
/// here.
#[test]
fn plain_marks_are_nothing_any_class_tells_apart() {
    let unicode_classes = regex::Regex::new(r"(?i)[\w\d\s[a-z]]").expect("valid");
    for mark in PLAIN_MARKS {
        assert!(
            !unicode_classes.is_match(&mark.to_string()),
            "{mark:?} is a word character, digit, space or folds to a letter"
        );
        assert!(is_plain(&format!("a{mark}b")));
        // Plain text lower-cases byte by byte (refine-core's phrase search, duplicates).
        assert_eq!(
            mark.to_lowercase().to_string(),
            mark.to_string(),
            "{mark:?}"
        );
    }
    for not_plain in ['ſ', '\u{212a}', 'é', '\u{a0}', '٣', '\u{301}', '‿'] {
        assert!(
            unicode_classes.is_match(&not_plain.to_string()),
            "{not_plain:?}"
        );
        assert!(!is_plain(&format!("a{not_plain}b")), "{not_plain:?}");
    }
}

/// `is_plain_mark` is the list's membership, over every character.
#[test]
fn the_plain_mark_test_is_the_lists_membership() {
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        assert_eq!(is_plain_mark(c), PLAIN_MARKS.contains(&c), "{c:?}");
    }
}

proptest! {
    /// `is_plain` is "every character ASCII or a plain mark", however they are mixed.
    #[test]
    fn plain_text_is_ascii_and_plain_marks(
        tokens in proptest::collection::vec(proptest::sample::select(&[
            "a", " ", "Z9", "—", "’", "】", "！", "é", "ſ", "\u{a0}", "日", "\u{10348}",
        ][..]), 0..8),
    ) {
        let text: String = tokens.concat();
        let expected = text.chars().all(|c| c.is_ascii() || PLAIN_MARKS.contains(&c));
        prop_assert_eq!(is_plain(&text), expected, "{:?}", text);
    }
}

/// Text that is not plain goes to the full engine, where `regex-lite` would read it otherwise.
#[test]
fn text_that_is_not_plain_is_read_by_the_full_engine() {
    let word = Pattern::new(r"\w+");
    assert_eq!(word.find("café au lait").map(|m| m.as_str()), Some("café"));
    assert_eq!(
        regex_lite::Regex::new(r"\w+")
            .expect("valid")
            .find("café")
            .map(|m| m.as_str()),
        Some("caf"),
        "regex-lite would have read it otherwise"
    );
    let case = Pattern::new(r"(?i)\bsure\b");
    assert!(case.is_match("ſure"));
    let digits = Pattern::new(r"\d+");
    assert_eq!(digits.find("x ٣٤ y").map(|m| m.range()), Some(2..6));
}

#[test]
fn a_pattern_starts_light_and_turns_to_the_full_engine_once_it_has_paid_its_price() {
    let pattern = Pattern::new(r"(?i)\b(\d+)\s*min");
    let line = "1. Context setting (15 min): why we are here, and what the item says";
    let mut searches = 0;
    while pattern.full.get().is_none() {
        let found = pattern.captures(line).map(|c| c[1].to_string());
        assert_eq!(found.as_deref(), Some("15"));
        searches += 1;
        assert!(searches < 1_000_000, "never turned to the full engine");
    }
    assert!(pattern.lite.get().is_some());
    let spent = pattern.lite_spent.load(Ordering::Relaxed);
    let price = pattern.full_price.load(Ordering::Relaxed);
    assert!(spent >= price, "turned after {spent} ns of {price}");
    let found = pattern.captures(line).map(|c| c[1].to_string());
    assert_eq!(found.as_deref(), Some("15"));

    let fresh = Pattern::new(r"(?i)\b(\d+)\s*min");
    assert!(fresh.is_match("15 min"));
    assert!(fresh.full.get().is_none(), "a short search stays light");
    assert!(fresh.is_match("15\u{a0}min"));
    assert!(
        fresh.full.get().is_some(),
        "text that is not plain needs the full engine"
    );

    let long = Pattern::new(r"(?i)\b(\d+)\s*min");
    assert!(long.is_match(&"15 min ".repeat(LITE_MAX_HAYSTACK)));
    assert!(
        long.full.get().is_some(),
        "a long haystack goes to the full engine at once"
    );
}

#[test]
fn matches_and_groups_name_their_place_in_the_haystack() {
    let pattern = Pattern::new(r"(\d+)-(\d+)?");
    for text in [
        "in 10-20 minutes",
        "in 10- minutes",
        "in 10–20 minutes, 10-20",
    ] {
        let found = pattern.captures(text).expect("a match");
        let whole = found.get(0).expect("group 0");
        assert_eq!(&text[whole.range()], whole.as_str());
        let first = found.get(1).expect("group 1");
        assert_eq!(&text[first.start()..first.end()], first.as_str());
        assert_eq!(found.len(), 3);
        assert!(!found.is_empty());
        assert_eq!(pattern.find(text), Some(whole));
    }
    assert!(
        pattern
            .captures("in 10- minutes")
            .expect("a match")
            .get(2)
            .is_none()
    );
    assert_eq!(pattern.captures_iter("1-2 3-4 5-").count(), 3);
    assert_eq!(pattern.replace("1-2 3-4", "$2:$1"), "2:1 3-4");
    assert_eq!(
        pattern.replace_all_with("none here", |_| String::new()),
        "none here"
    );
}

#[test]
#[should_panic(expected = "regex-lite")]
fn an_invalid_pattern_names_itself_at_its_first_search() {
    Pattern::new(r"\p{Greek}").is_match("abc");
}
