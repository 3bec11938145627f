//! Every pattern of this crate reads plain text alike with `regex-lite` and with `regex`, so
//! which engine a search uses never changes a result, no pattern's literal guard rules out a
//! match, and ASCII word boundaries read plain text as the Unicode ones do (see `refine-pattern`).

use proptest::prelude::*;
use refine_pattern::Pattern;

fn patterns() -> Vec<&'static Pattern> {
    [crate::title::patterns(), crate::notes::patterns()].concat()
}

/// Text made of the patterns' own words, digits, punctuation, spaces and plain marks; with
/// `unplain`, also accented letters, `ſ` and the Kelvin sign in the patterns' words, other
/// scripts.
fn text(unplain: bool) -> impl Strategy<Value = String> {
    let tokens = refine_pattern::tokens_of(&patterns(), unplain);
    proptest::collection::vec(proptest::sample::select(tokens), 0..24).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// No pattern's literal guard rules out text the full engine finds a match in.
    #[test]
    fn no_guard_rules_out_a_match(text in text(true)) {
        for pattern in patterns() {
            if let Err(why) = pattern.guard_holds(&text) {
                return Err(TestCaseError::fail(why));
            }
        }
    }

    /// The sentence patterns read together never rule out a pattern that matches.
    #[test]
    fn the_sentence_set_rules_out_no_match(text in text(false), unplain in text(true)) {
        let set = crate::notes::pattern_set();
        for text in [&text, &unplain] {
            if let Err(why) = set.holds(text) {
                return Err(TestCaseError::fail(why));
            }
        }
    }

    #[test]
    fn both_engines_read_every_pattern_alike(text in text(false)) {
        for pattern in patterns() {
            if let Err(why) = pattern.engines_agree(&text) {
                return Err(TestCaseError::fail(why));
            }
        }
    }

    /// On plain text, ASCII word boundaries stand where the pattern's Unicode ones do: the
    /// full engine's quick form finds the same matches.
    #[test]
    fn ascii_word_boundaries_read_every_pattern_alike(text in text(false)) {
        for pattern in patterns() {
            if let Err(why) = pattern.ascii_bounds_agree(&text) {
                return Err(TestCaseError::fail(why));
            }
        }
    }
}
