//! Every pattern of this crate reads plain text alike with `regex-lite` and with `regex`, so
//! which engine a search uses never changes a result (see `refine-pattern`).

use proptest::prelude::*;
use refine_pattern::Pattern;

fn patterns() -> Vec<&'static Pattern> {
    [crate::title::patterns(), crate::notes::patterns()].concat()
}

/// Text made of the patterns' own words, digits, punctuation, spaces and plain marks.
fn plain_text() -> impl Strategy<Value = String> {
    let mut tokens: Vec<String> = patterns().into_iter().flat_map(Pattern::tokens).collect();
    tokens.sort();
    tokens.dedup();
    proptest::collection::vec(proptest::sample::select(tokens), 0..24).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn both_engines_read_every_pattern_alike(text in plain_text()) {
        for pattern in patterns() {
            if let Err(why) = pattern.engines_agree(&text) {
                return Err(TestCaseError::fail(why));
            }
        }
    }
}
