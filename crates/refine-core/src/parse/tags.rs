//! Where [`TAG`] matches, searched only where a match can be.
//!
//! A tag starts with `<`, ends with `>`, and holds neither in between; so each match spans from
//! the last `<` before some `>` to that `>`. The regex runs on those spans alone instead of
//! scanning the whole reply (with `regex-lite`, ~250 instructions a byte), and as `TAG` has no
//! look-around, a span read alone matches as it does in place.

use std::ops::Range;

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
    let mut found = Vec::new();
    let mut open = None;
    // `<` and `>` are ASCII, never part of a longer UTF-8 sequence.
    for (at, byte) in text.bytes().enumerate() {
        match byte {
            b'<' => open = Some(at),
            b'>' => {
                let Some(start) = open.take() else { continue };
                let Some(c) = TAG.captures(&text[start..=at]) else {
                    continue;
                };
                let (Some(whole), Some(name)) = (c.get(0), c.get(2)) else {
                    continue;
                };
                let shift = |r: Range<usize>| r.start + start..r.end + start;
                found.push(TagMatch {
                    whole: shift(whole.range()),
                    closing: c.get(1).is_some_and(|m| !m.as_str().is_empty()),
                    name: shift(name.range()),
                    self_closing: c.get(3).is_some_and(|m| !m.as_str().is_empty()),
                });
            }
            _ => {}
        }
    }
    found
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
