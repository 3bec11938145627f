//! Where [`TAG`] matches, read by hand.
//!
//! A tag starts with `<`, ends with `>`, and holds neither in between; so each match spans from
//! the last `<` before some `>` to that `>`, and as `TAG` has no look-around, a span read alone
//! matches as it does in place. Each span is read by [`read_tag`], which follows the regex's
//! grammar step by step (a regex with captures cost ~12,000 instructions a tag); the proptest
//! below holds both readings equal.

use std::ops::Range;

#[cfg(test)]
use super::TAG;

/// One match of [`TAG`], by byte ranges of the searched text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TagMatch {
    /// The whole tag, `<` to `>`.
    pub(super) whole: Range<usize>,
    /// Whether it is a closing tag (`</…>`).
    pub(super) closing: bool,
    /// The tag's name as written.
    pub(super) name: Range<usize>,
    /// Whether it closes itself (`<…/>`).
    pub(super) self_closing: bool,
}

/// Every match of [`TAG`] in `text`, in order; the same as its `captures_iter`.
pub(super) fn tag_matches(text: &str) -> Vec<TagMatch> {
    // A reply's four sections open and close: eight tags, in one allocation.
    let mut found = Vec::with_capacity(8);
    let mut open = None;
    // `<` and `>` are ASCII, never part of a longer UTF-8 sequence; a reply holds few of them,
    // so they are found by a vectorised search rather than byte by byte.
    let bytes = text.as_bytes();
    for at in memchr::memchr2_iter(b'<', b'>', bytes) {
        match bytes[at] {
            b'<' => open = Some(at),
            _ => {
                let Some(start) = open.take() else { continue };
                if let Some(mut tag) = read_tag(&text[start..=at]) {
                    tag.whole = start..at + 1;
                    tag.name = tag.name.start + start..tag.name.end + start;
                    found.push(tag);
                }
            }
        }
    }
    found
}

/// The longest name [`TAG`] allows: a letter and up to 40 more characters.
const NAME_MAX: usize = 41;

/// Reads `span` (`<` to `>`, neither in between) as the whole of
/// `<\s*(/?)\s*([A-Za-z][A-Za-z0-9 _-]{0,40}?)\s*(/?)>`, ranges relative to `span`.
///
/// The grammar leaves no choice: the leading slash is taken when present (a name starts with a
/// letter), the trailing one too (a name holds no slash), and the lazy name ends where only
/// white space is left (`\s` is Unicode's White_Space, as `char::is_whitespace`).
fn read_tag(span: &str) -> Option<TagMatch> {
    let inner = &span[1..span.len() - 1];
    let rest = inner.trim_start_matches(char::is_whitespace);
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(after) => (true, after.trim_start_matches(char::is_whitespace)),
        None => (false, rest),
    };
    let (self_closing, body) = match rest.strip_suffix('/') {
        Some(before) => (true, before),
        None => (false, rest),
    };
    let name = body.trim_end_matches(char::is_whitespace);
    let mut chars = name.bytes();
    let named = chars.next().is_some_and(|b| b.is_ascii_alphabetic())
        && chars.all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-'))
        && name.len() <= NAME_MAX;
    if !named {
        return None;
    }
    let start = 1 + inner.len() - rest.len();
    Some(TagMatch {
        whole: 0..span.len(),
        closing,
        name: start..start + name.len(),
        self_closing,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The regex's own reading: its captures over the whole text.
    fn by_regex(text: &str) -> Vec<TagMatch> {
        TAG.captures_iter(text)
            .filter_map(|c| {
                let (whole, name) = (c.get(0)?, c.get(2)?);
                Some(TagMatch {
                    whole: whole.range(),
                    closing: c.get(1).is_some_and(|m| !m.as_str().is_empty()),
                    name: name.range(),
                    self_closing: c.get(3).is_some_and(|m| !m.as_str().is_empty()),
                })
            })
            .collect()
    }

    fn tagged_text() -> impl Strategy<Value = String> {
        const TOKENS: &[&str] = &[
            "<",
            ">",
            "/",
            " ",
            "\u{a0}",
            "\n",
            "agenda",
            "Key Points",
            "key_points",
            "-",
            "_",
            "a",
            "7",
            "é",
            "‹",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "xxxxxxxxxxxxxxxxxxxx",
            "\t",
            "\u{2003}",
            "/ >",
            "Z9",
            "<a",
            "<agenda>",
            "</agenda>",
            "< / item 1 >",
            "a<b",
            ">10k",
            "<br/>",
        ];
        proptest::collection::vec(proptest::sample::select(TOKENS), 0..16).prop_map(|t| t.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn tags_are_found_where_the_regex_finds_them(text in tagged_text()) {
            prop_assert_eq!(tag_matches(&text), by_regex(&text));
        }
    }
}
