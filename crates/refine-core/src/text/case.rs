//! Lower-casing as `str::to_lowercase` does, faster on text in scripts without case.
//!
//! `str::to_lowercase` looks every character past ASCII up in the case tables and writes it
//! back one by one: a Japanese, Chinese or Korean note of a hundred characters costs some ten
//! thousand instructions, and the linter and the planner lower-case each text several times.
//! [`lowercase`] copies runs of ASCII at once, lowering them in place, copies characters from
//! blocks that have no case at all ([`is_caseless`]) as they stand, and asks the tables only
//! about the others.

/// Whether `c` lies in a block none of whose characters has a case mapping: CJK symbols and
/// punctuation, Hiragana, Katakana and the other CJK blocks through extension A, the CJK
/// unified ideographs, Hangul syllables. (A test checks every character of the ranges.)
pub(crate) fn is_caseless(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}')
}

/// `c.is_alphanumeric()`, answered without the Unicode tables for ASCII, the CJK unified
/// ideographs and the Hangul syllables, every one of which is a letter (a test checks them
/// all): most characters of most texts. Telling a Chinese or Korean question's letters apart
/// from the tables cost 12 K instructions an eval case.
pub(crate) fn is_letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}') || c.is_alphanumeric()
}

/// `text.to_lowercase()`, character for character. Runs of ASCII are copied at once and
/// lowered in place; only the characters past ASCII are looked at one by one.
pub fn lowercase(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let run_end = refine_pattern::first_past_ascii(&text.as_bytes()[at..])
            .map_or(text.len(), |offset| at + offset);
        if run_end > at {
            let start = out.len();
            out.push_str(&text[at..run_end]);
            out[start..].make_ascii_lowercase();
            at = run_end;
        }
        // `at` starts a character past ASCII, or is the end.
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        // A capital sigma lower-cases by what surrounds it (final `ς` or `σ`): the standard
        // library's rule, left to it.
        if c == 'Σ' {
            return text.to_lowercase();
        }
        if is_caseless(c) {
            // A run of caseless characters (a Chinese or Korean text is one between its
            // spaces and Latin words) is copied at once.
            let run_start = at;
            at += c.len_utf8();
            while let Some(next) = text[at..].chars().next()
                && is_caseless(next)
            {
                at += next.len_utf8();
            }
            out.push_str(&text[run_start..at]);
        } else {
            out.extend(c.to_lowercase());
            at += c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claim the fast path rests on: no character of the caseless blocks lower-cases to
    /// anything but itself. Adding the fullwidth forms (`Ａ`) to them fails here.
    #[test]
    fn caseless_blocks_have_no_lower_case() {
        for c in ('\u{0}'..=char::MAX).filter(|&c| is_caseless(c)) {
            assert!(
                c.to_lowercase().eq(std::iter::once(c)),
                "{c:?} (U+{:04X}) lower-cases to {:?}",
                c as u32,
                c.to_lowercase().collect::<String>()
            );
        }
    }

    /// The claim the letter test's shortcut rests on: every character of the two blocks is a
    /// letter. Adding the CJK symbols and punctuation (`。`) to them fails here.
    #[test]
    fn ideographs_and_hangul_syllables_are_letters() {
        for c in ('\u{0}'..=char::MAX).filter(|c| !c.is_ascii()) {
            assert_eq!(
                is_letter_or_digit(c),
                c.is_alphanumeric(),
                "{c:?} (U+{:04X})",
                c as u32
            );
        }
        for c in '\0'..='\u{7F}' {
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    proptest::proptest! {
        /// Character for character what the standard library gives, on ASCII, accented and
        /// caseless text, the letters whose lower case is longer (`İ`) and the final sigma.
        #[test]
        fn lowercase_is_the_standard_librarys(
            text in "[aZ9 .,'’ÉéÄßẞİΣσςΌ결제決済ｶＡａ\u{301}Ⅻ-]{0,24}|[a결제決済ｶ。、 Ａ]{0,12}"
        ) {
            proptest::prop_assert_eq!(lowercase(&text), text.to_lowercase());
        }
    }

    #[test]
    fn runs_are_copied_and_capitals_lowered() {
        assert_eq!(
            lowercase("決済が遅い Checkout ÉTÉ"),
            "決済が遅い checkout été"
        );
        assert_eq!(lowercase("ΟΔΟΣ Σ"), "οδος σ");
        assert_eq!(lowercase(""), "");
    }
}
