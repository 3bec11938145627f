//! Markdown markers read without a regex: what [`super::LIST_MARKER`] and
//! [`super::EMPHASIS`] match, found in one pass over the text. Every line of a guide and a
//! reply goes through them; the regexes cost 5-100 µs a line before their full engine pays off,
//! and on text that is not plain (an accent is enough) the full engine's Unicode classes cost
//! about 2 M instructions each to compile. Proptests hold both readings equal to the regexes',
//! on plain text and on text in other scripts.
//!
//! `\s`, `\d` and `\w` are Unicode's, as the `regex` crate reads them
//! ([`refine_pattern::is_space`], [`refine_pattern::is_decimal_digit`],
//! [`refine_pattern::is_word_character`]); on plain text they are ASCII white space, digits and
//! letters, digits or `_`, as in `regex-lite`.

use refine_pattern::{is_decimal_digit, is_space, is_word_character};

/// The length in bytes of the run of white space at `at`.
fn spaces(text: &str, at: usize) -> usize {
    text.get(at..).map_or(0, |rest| {
        rest.chars()
            .take_while(|&c| is_space(c))
            .map(char::len_utf8)
            .sum()
    })
}

/// One repetition of `LIST_MARKER`'s group at `at`: where it ends, if it matches. The five
/// branches start with different characters, so at most one can match, and as none starts
/// with a space, greedy `\s+` never has to give any back.
fn one_marker(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let first = *b.get(at)?;
    // [-*+•]\s+
    let bullet = match first {
        b'-' | b'*' | b'+' => 1,
        _ if text[at..].starts_with('•') => '•'.len_utf8(),
        _ => 0,
    };
    if bullet > 0 {
        let ws = spaces(text, at + bullet);
        return (ws > 0).then_some(at + bullet + ws);
    }
    // \(?\d{1,3}[.)]\s+ and \(?[a-zA-Z][.)]\s+ (without the `(`, the next character would
    // be `(`, which starts neither)
    let after_paren = if first == b'(' { at + 1 } else { at };
    let (digits, digit_bytes) = text[after_paren..]
        .chars()
        .take_while(|&c| is_decimal_digit(c))
        .fold((0, 0), |(n, bytes), c| (n + 1, bytes + c.len_utf8()));
    let label = match digits {
        1..=3 => digit_bytes,
        0 if b.get(after_paren).is_some_and(u8::is_ascii_alphabetic) => 1,
        _ => 0,
    };
    if label > 0 {
        let mark = after_paren + label;
        if matches!(b.get(mark), Some(b'.' | b')')) {
            let ws = spaces(text, mark + 1);
            return (ws > 0).then_some(mark + 1 + ws);
        }
        return None;
    }
    // #{1,6}\s+ (seven hashes leave a hash where the space must be)
    let hashes = b[at..].iter().take_while(|&&c| c == b'#').count();
    if (1..=6).contains(&hashes) {
        let ws = spaces(text, at + hashes);
        return (ws > 0).then_some(at + hashes + ws);
    }
    // >\s*
    (first == b'>').then(|| at + 1 + spaces(text, at + 1))
}

/// Where the list markers at the start of `text` end (0 when there are none).
pub(super) fn list_marker_end(text: &str) -> usize {
    let mut at = 0;
    while let Some(next) = one_marker(text, at) {
        at = next;
    }
    at
}

fn is_mark(b: u8) -> bool {
    b == b'*' || b == b'_'
}

fn is_word(c: char) -> bool {
    is_word_character(c)
}

/// `text` with what `EMPHASIS` matches replaced by `$1$2`: `**`, `__` and backticks
/// removed, and a `*` or `_` that touches a non-word character or an end removed with the
/// character kept. Matches are taken leftmost first, branches in the regex's order.
pub(super) fn strip_emphasis(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < b.len() {
        // Every branch needs a mark or backtick where it starts or just after the character
        // there: up to the character before the next one, nothing is replaced.
        match memchr::memchr3(b'*', b'_', b'`', &b[at..]) {
            None => break,
            Some(0) => {}
            Some(offset) => {
                let mark = at + offset;
                at = text[..mark]
                    .char_indices()
                    .next_back()
                    .map_or(at, |(i, _)| i);
            }
        }
        let c = text[at..].chars().next().expect("at is a char boundary");
        let width = c.len_utf8();
        // \*\* | __
        if b[at..].starts_with(b"**") || b[at..].starts_with(b"__") {
            out.push_str(&text[copied..at]);
            at += 2;
            copied = at;
            continue;
        }
        // (^|\W)[*_], replaced by what (^|\W) matched
        if at == 0 && is_mark(b[0]) {
            at = 1;
            copied = 1;
            continue;
        }
        if !is_word(c) && b.get(at + width).copied().is_some_and(is_mark) {
            out.push_str(&text[copied..at + width]);
            at += width + 1;
            copied = at;
            continue;
        }
        // [*_](\W|$), replaced by what (\W|$) matched
        if is_mark(b[at]) {
            match text[at + 1..].chars().next() {
                None => {
                    out.push_str(&text[copied..at]);
                    at += 1;
                    copied = at;
                    continue;
                }
                Some(next) if !is_word(next) => {
                    out.push_str(&text[copied..at]);
                    out.push(next);
                    at += 1 + next.len_utf8();
                    copied = at;
                    continue;
                }
                Some(_) => {}
            }
        }
        // `
        if b[at] == b'`' {
            out.push_str(&text[copied..at]);
            at += 1;
            copied = at;
            continue;
        }
        at += width;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{EMPHASIS, LIST_MARKER};
    use super::*;

    /// Text made of the markers' own characters, in the places they matter, with digits, letters,
    /// spaces, marks and connectors of other scripts.
    fn markup() -> impl Strategy<Value = String> {
        const TOKENS: &[&str] = &[
            "*",
            "**",
            "_",
            "__",
            "`",
            "-",
            "+",
            "•",
            "(",
            ")",
            ".",
            "#",
            "###",
            "#######",
            ">",
            " ",
            "  ",
            "\t",
            "\n",
            "\u{b}",
            "\u{c}",
            "1",
            "12",
            "123",
            "1234",
            "a",
            "Z",
            "word",
            "–",
            "“",
            "…",
            "x_y",
            "!",
            ":",
            "٣",
            "١٢",
            "Ⅻ",
            "é",
            "Σ",
            "日",
            "\u{a0}",
            "\u{2003}",
            "\u{85}",
            "\u{300}",
            "‿",
            "ſ",
            "٣. ",
            "(١٢) ",
            "١٢٣٤) ",
            "Ⅻ. ",
        ];
        proptest::collection::vec(proptest::sample::select(TOKENS), 0..14).prop_map(|t| t.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn list_markers_end_where_the_regex_match_ends(text in markup()) {
            let by_regex = LIST_MARKER.find(&text).map_or(0, |m| m.end());
            prop_assert_eq!(list_marker_end(&text), by_regex);
        }

        #[test]
        fn emphasis_is_stripped_as_the_regex_strips_it(text in markup()) {
            prop_assert_eq!(strip_emphasis(&text), EMPHASIS.replace_all(&text, "$1$2"));
        }
    }

    #[test]
    fn markers_and_emphasis_on_common_lines() {
        for (line, end) in [
            ("1. **Context Setting** (15 min)", 3),
            ("- [ ] item", 2),
            ("(a) first", 4),
            ("### 2) Then", 7),
            ("> - quoted bullet", 4),
            ("1234. not a list", 0),
            ("####### seven", 0),
            ("٣. ثالثا", "٣. ".len()),
            ("(١٢)\u{a0}item", "(١٢)\u{a0}".len()),
            ("Ⅻ. not a digit", 0),
        ] {
            assert_eq!(list_marker_end(line), end, "{line:?}");
        }
        assert_eq!(
            strip_emphasis("**Context** _now_ `code`"),
            "Context now code"
        );
        assert_eq!(strip_emphasis("snake_case stays"), "snake_case stays");
    }
}
