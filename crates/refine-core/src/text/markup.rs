//! Markdown markers read without a regex where the text is plain (ASCII and
//! `refine_pattern::PLAIN_MARKS`): what [`super::LIST_MARKER`] and [`super::EMPHASIS`] match,
//! found in one pass over the bytes. Every line of a guide and a reply goes through them; the
//! regexes cost 5-100 µs a line before their full engine pays off. Proptests hold both
//! readings equal to the regexes'.
//!
//! On plain text `\s` is ASCII white space, `\d` an ASCII digit and `\w` an ASCII letter, digit
//! or `_`, in both regex engines.

/// ASCII white space as `\s` reads it: tab, line feed, vertical tab, form feed, carriage
/// return, space.
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

fn spaces(b: &[u8], at: usize) -> usize {
    b.get(at..)
        .map_or(0, |rest| rest.iter().take_while(|&&c| is_space(c)).count())
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
        let ws = spaces(b, at + bullet);
        return (ws > 0).then_some(at + bullet + ws);
    }
    // \(?\d{1,3}[.)]\s+ and \(?[a-zA-Z][.)]\s+ (without the `(`, the next character would
    // be `(`, which starts neither)
    let after_paren = if first == b'(' { at + 1 } else { at };
    let digits = b[after_paren..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let label = match digits {
        1..=3 => digits,
        0 if b.get(after_paren).is_some_and(u8::is_ascii_alphabetic) => 1,
        _ => 0,
    };
    if label > 0 {
        let mark = after_paren + label;
        if matches!(b.get(mark), Some(b'.' | b')')) {
            let ws = spaces(b, mark + 1);
            return (ws > 0).then_some(mark + 1 + ws);
        }
        return None;
    }
    // #{1,6}\s+ (seven hashes leave a hash where the space must be)
    let hashes = b[at..].iter().take_while(|&&c| c == b'#').count();
    if (1..=6).contains(&hashes) {
        let ws = spaces(b, at + hashes);
        return (ws > 0).then_some(at + hashes + ws);
    }
    // >\s*
    (first == b'>').then(|| at + 1 + spaces(b, at + 1))
}

/// Where the list markers at the start of plain `text` end (0 when there are none).
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

/// `\w` on plain text: an ASCII letter, digit or `_` (plain non-ASCII marks are none of these).
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Plain `text` with what `EMPHASIS` matches replaced by `$1$2`: `**`, `__` and backticks
/// removed, and a `*` or `_` that touches a non-word character or an end removed with the
/// character kept. Matches are taken leftmost first, branches in the regex's order.
pub(super) fn strip_emphasis(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < b.len() {
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

    /// Plain text made of the markers' own characters, in the places they matter.
    fn plain_markup() -> impl Strategy<Value = String> {
        const TOKENS: &[&str] = &[
            "*", "**", "_", "__", "`", "-", "+", "•", "(", ")", ".", "#", "###", "#######", ">",
            " ", "  ", "\t", "\n", "\u{b}", "\u{c}", "1", "12", "123", "1234", "a", "Z", "word",
            "–", "“", "…", "x_y", "!", ":",
        ];
        proptest::collection::vec(proptest::sample::select(TOKENS), 0..14).prop_map(|t| t.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn list_markers_end_where_the_regex_match_ends(text in plain_markup()) {
            let by_regex = LIST_MARKER.find(&text).map_or(0, |m| m.end());
            prop_assert_eq!(list_marker_end(&text), by_regex);
        }

        #[test]
        fn emphasis_is_stripped_as_the_regex_strips_it(text in plain_markup()) {
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
