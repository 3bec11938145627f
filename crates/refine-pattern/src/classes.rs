//! Unicode's `\w`, `\d` and `\s` exactly as the [`regex`] crate reads them, for code that
//! reads text by hand instead of compiling a pattern (a Unicode class costs the full engine
//! about 2 M instructions to compile: more than a `refine prep`'s own work).

use std::sync::LazyLock;

use regex_syntax::hir::{Class, HirKind};

/// Whether `c` is a word character (`\w`): alphabetic, a mark, a decimal digit, connector
/// punctuation or a join control, by `regex-syntax`'s own table.
pub fn is_word_character(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || (!c.is_ascii() && regex_syntax::try_is_word_character(c).unwrap_or(false))
}

/// Whether `c` is a decimal digit (`\d`, Unicode's `Nd`): `٣` is, `Ⅻ` is not.
pub fn is_decimal_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    DECIMAL_DIGITS
        .binary_search_by(|&(start, end)| {
            if end < c {
                std::cmp::Ordering::Less
            } else if start > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Whether `c` is white space (`\s`, Unicode's `White_Space`, which is what
/// [`char::is_whitespace`] reads).
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Where the white space (`\s*`) that starts at byte `at` of `text` ends.
pub fn past_spaces(text: &str, at: usize) -> usize {
    text[at..]
        .find(|c: char| !is_space(c))
        .map_or(text.len(), |offset| at + offset)
}

/// How many bytes at the start of `text` spell `word` (ASCII) as `(?i)word` reads it: each
/// letter in either ASCII case, or as one of the two letters outside ASCII that fold into ASCII
/// (`ſ` into `s`, the Kelvin sign into `k`). `None` when `text` does not start so.
pub fn caseless_prefix(text: &str, word: &str) -> Option<usize> {
    let mut end = 0;
    let mut chars = text.chars();
    for expected in word.chars() {
        let c = chars.next()?;
        let folds = c.eq_ignore_ascii_case(&expected)
            || (c == 'ſ' && expected.eq_ignore_ascii_case(&'s'))
            || (c == '\u{212A}' && expected.eq_ignore_ascii_case(&'k'));
        if !folds {
            return None;
        }
        end += c.len_utf8();
    }
    Some(end)
}

/// The ranges of `\d`, as `regex-syntax` translates it.
static DECIMAL_DIGITS: LazyLock<Vec<(char, char)>> = LazyLock::new(|| {
    match regex_syntax::parse(r"\d").map(|hir| hir.into_kind()) {
        Ok(HirKind::Class(Class::Unicode(class))) => class
            .ranges()
            .iter()
            .map(|range| (range.start(), range.end()))
            .collect(),
        // regex-syntax is built with its Unicode tables (a default feature): `\d` is a class.
        other => panic!("\\d did not translate to a Unicode class: {other:?}"),
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    /// Each character of every script checked against the full engine's own classes.
    #[test]
    fn the_classes_are_the_full_engines() {
        let word = regex::Regex::new(r"^\w$").expect("valid");
        let digit = regex::Regex::new(r"^\d$").expect("valid");
        let space = regex::Regex::new(r"^\s$").expect("valid");
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = c.to_string();
            assert_eq!(is_word_character(c), word.is_match(&text), "\\w {c:?}");
            assert_eq!(is_decimal_digit(c), digit.is_match(&text), "\\d {c:?}");
            assert_eq!(is_space(c), space.is_match(&text), "\\s {c:?}");
        }
    }

    /// Each character of every script, against each ASCII letter and some marks: the characters
    /// `caseless_prefix` accepts for it are those of the class `regex-syntax` makes of `(?i)x`.
    #[test]
    fn caseless_letters_are_the_full_engines() {
        for expected in ('a'..='z').chain(['A', 'S', 'K', '-', ':', '1', '_']) {
            let word = &expected.to_string();
            let source = format!("(?i){}", regex_syntax::escape(word));
            let class: Vec<char> = match regex_syntax::parse(&source).map(|hir| hir.into_kind()) {
                Ok(HirKind::Class(Class::Unicode(class))) => class
                    .ranges()
                    .iter()
                    .flat_map(|range| range.start()..=range.end())
                    .collect(),
                Ok(HirKind::Literal(_)) => vec![expected],
                other => panic!("{source} translated to {other:?}"),
            };
            let accepted: Vec<char> = (0..=0x10FFFF)
                .filter_map(char::from_u32)
                .filter(|c| {
                    let mut buffer = [0; 4];
                    let text: &str = c.encode_utf8(&mut buffer);
                    caseless_prefix(text, word) == Some(text.len())
                })
                .collect();
            assert_eq!(accepted, class, "{expected:?}");
        }
    }
}
