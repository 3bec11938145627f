//! A phrasing's placeholders filled in: `{s}` the subject, `{q}` a quote from the notes,
//! `{who}` who is affected, `{p}` the proposal, `{g}` its goal; and the subject of later key
//! points named as this item ([`unquote_this_item`]).

/// A placeholder of a phrasing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholder {
    Subject,
    Quote,
    Who,
    Proposal,
    Goal,
}

/// Each placeholder with how it is written, in the order they have always been replaced in.
const WRITTEN: [(Placeholder, &str); 5] = [
    (Placeholder::Subject, "{s}"),
    (Placeholder::Quote, "{q}"),
    (Placeholder::Who, "{who}"),
    (Placeholder::Proposal, "{p}"),
    (Placeholder::Goal, "{g}"),
];

/// `text` with each placeholder replaced by its value, as replacing them one after the other
/// (`{s}` first, `{g}` last) does; a value is asked for only when `text` names it.
///
/// Read in one pass, and the same as the replacements one after the other, unless a value
/// brings a brace (a later replacement could then read a placeholder inside it) or the pass
/// leaves a placeholder written in its output: a value, or the braces around it, then made
/// one out of the text on either side (`{p{who}}` with no one named is `{p}`, which the
/// replacements one after the other go on to fill). Then it is done that way.
///
/// Why that check is enough: before the replacements one after the other first make a
/// placeholder out of their own output, they agree with the pass on every replaced part, and
/// the placeholder they make holds no brace inside, so the same braces around the same text
/// are in the pass's output too.
pub(crate) fn fill(text: &str, mut value: impl FnMut(Placeholder) -> String) -> String {
    // Braces are searched with `memchr`: `str`'s char search is core's unvectorised one.
    if memchr::memchr(b'{', text.as_bytes()).is_none() {
        return text.to_string();
    }
    let mut known: [Option<String>; 5] = Default::default();
    // Room for a title or a quote from the notes in place of a placeholder: with room for 32
    // bytes, most fills grew their string once or twice (2.3 K instructions an eval case).
    let mut out = String::with_capacity(text.len() + 160);
    let mut copied = 0;
    let mut at = 0;
    let one_pass = {
        let mut clean = true;
        while let Some(offset) = memchr::memchr(b'{', &text.as_bytes()[at..]) {
            let start = at + offset;
            let Some(&(placeholder, written)) = WRITTEN
                .iter()
                .find(|(_, written)| text[start..].starts_with(written))
            else {
                at = start + 1;
                continue;
            };
            let slot = &mut known[placeholder as usize];
            let filled = slot.get_or_insert_with(|| value(placeholder));
            if memchr::memchr2(b'{', b'}', filled.as_bytes()).is_some() {
                clean = false;
                break;
            }
            out.push_str(&text[copied..start]);
            out.push_str(filled);
            at = start + written.len();
            copied = at;
        }
        clean
    };
    if one_pass {
        out.push_str(&text[copied..]);
        let made_one = memchr::memchr(b'{', out.as_bytes()).is_some()
            && WRITTEN.iter().any(|(_, written)| out.contains(written));
        if !made_one {
            return out;
        }
    }
    let mut replaced = text.to_string();
    for (placeholder, written) in WRITTEN {
        if replaced.contains(written) {
            let filled = known[placeholder as usize].get_or_insert_with(|| value(placeholder));
            replaced = replaced.replace(written, filled);
        }
    }
    replaced
}

/// How later key points name the item once the first have named its subject.
pub(crate) const THIS_ITEM: &str = "this item";
/// [`THIS_ITEM`] in quotes, as a bank's text quotes a subject.
const THIS_ITEM_QUOTED: &str = "“this item”";

/// `text` with every “this item” in quotes as this item, plain: what
/// `text.replace(THIS_ITEM_QUOTED, THIS_ITEM)` gives, with a searcher prepared once (`replace`
/// built one for each key point, 7 K instructions an eval case).
pub(crate) fn unquote_this_item(text: &str) -> String {
    static QUOTED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(THIS_ITEM_QUOTED));
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for at in QUOTED.find_iter(text.as_bytes()) {
        out.push_str(&text[copied..at]);
        out.push_str(THIS_ITEM);
        copied = at + THIS_ITEM_QUOTED.len();
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_item_quoted_is_this_item_in_quotes() {
        assert_eq!(THIS_ITEM_QUOTED, format!("“{THIS_ITEM}”"));
    }

    proptest::proptest! {
        /// Unquoting with the prepared searcher is `str::replace`.
        #[test]
        fn unquoting_this_item_is_replacing_it(
            text in "(“this item”|this item|“this|item”|“|”| |é|x){0,8}"
        ) {
            proptest::prop_assert_eq!(
                unquote_this_item(&text),
                text.replace(THIS_ITEM_QUOTED, THIS_ITEM)
            );
        }
    }

    /// The replacements one after the other, every value asked for.
    fn replace_each(text: &str, values: &[String; 5]) -> String {
        let mut out = text.to_string();
        for (placeholder, written) in WRITTEN {
            out = out.replace(written, &values[placeholder as usize]);
        }
        out
    }

    fn pieces() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(
                &[
                    "{s}", "{q}", "{who}", "{p}", "{g}", "{", "}", "s", "q", "who", "p", "g", "x ",
                    "é", "{x}",
                ][..],
            ),
            0..8,
        )
        .prop_map(|tokens| tokens.concat())
    }

    use proptest::strategy::Strategy as _;

    /// A replacement that makes a placeholder of what surrounds it.
    #[test]
    fn braces_around_a_value_read_as_replacing_one_after_the_other() {
        for (text, placeholder, value) in [
            ("{{s}q}", Placeholder::Subject, ""),
            ("{{s}}", Placeholder::Subject, "who"),
            ("{s}who}", Placeholder::Subject, "{"),
            ("{s}", Placeholder::Subject, "{q}"),
            ("a {s} b {q}", Placeholder::Subject, "{g}"),
            ("{p{who}}", Placeholder::Who, ""),
            ("{w{s}o}", Placeholder::Subject, "h"),
            ("{{s}p}", Placeholder::Subject, ""),
            ("{{p}s}", Placeholder::Proposal, ""),
        ] {
            let mut values = ["SUBJECT", "QUOTE", "WHO", "PROPOSAL", "GOAL"].map(String::from);
            values[placeholder as usize] = value.to_string();
            assert_eq!(
                fill(text, |p| values[p as usize].clone()),
                replace_each(text, &values),
                "{text:?} with {placeholder:?} {value:?}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4096))]

        #[test]
        fn filling_is_replacing_one_after_the_other(
            text in pieces(),
            values in proptest::array::uniform5(proptest::prop_oneof![
                proptest::strategy::Just(String::new()),
                pieces(),
            ]),
        ) {
            let mut asked = [0; 5];
            let filled = fill(&text, |p| {
                asked[p as usize] += 1;
                values[p as usize].clone()
            });
            proptest::prop_assert_eq!(filled, replace_each(&text, &values), "{:?} {:?}", text, values);
            proptest::prop_assert!(asked.iter().all(|&n| n <= 1), "each value is asked once");
        }
    }
}
