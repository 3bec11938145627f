//! Texts that say the same thing: identical once case, punctuation and spacing are set aside,
//! or sharing nearly all their content terms ([`DUPLICATES`]).

use std::rc::Rc;

use crate::contract::DUPLICATES;
use crate::text::{Terms, shared_terms};

/// For each text, the index of an earlier text it repeats, if any: what `question-duplicate`
/// and `key-point-duplicate` report.
pub fn earlier_twins(texts: &[String]) -> Vec<Option<usize>> {
    let term_sets: Vec<Rc<Terms>> = texts.iter().map(|t| shared_terms(t)).collect();
    twins_with_terms(texts, &term_sets.iter().map(|s| &**s).collect::<Vec<_>>())
}

/// [`earlier_twins`], given each text's content terms.
pub(super) fn twins_with_terms(texts: &[String], term_sets: &[&Terms]) -> Vec<Option<usize>> {
    let normal: Vec<String> = texts.iter().map(|t| normalise(t)).collect();
    (0..texts.len())
        .map(|i| {
            (0..i).find(|&j| {
                (!normal[i].is_empty() && normal[i] == normal[j])
                    || near(term_sets[i], term_sets[j])
            })
        })
        .collect()
}

/// Lower case, letters and digits only, single spaces.
fn normalise(text: &str) -> String {
    // Plain text needs no Unicode tables: ASCII lower-cases alone, its letters and digits are
    // the ASCII alphanumerics, and the plain marks (curly quotes, dashes, ...) are neither
    // letters nor digits and have no case.
    if refine_pattern::is_plain(text) {
        // Byte by byte: the plain marks' bytes are all past ASCII, so they separate as the
        // marks do.
        let mut out: Vec<u8> = Vec::with_capacity(text.len());
        for run in text
            .as_bytes()
            .split(|b| !b.is_ascii_alphanumeric())
            .filter(|run| !run.is_empty())
        {
            if !out.is_empty() {
                out.push(b' ');
            }
            out.extend_from_slice(run);
        }
        out.make_ascii_lowercase();
        return String::from_utf8(out).expect("ASCII letters, digits and spaces");
    }
    let lower = crate::text::lowercase(text);
    let separates = |c: char| !c.is_alphanumeric();
    let mut out = String::with_capacity(lower.len());
    for run in lower.split(separates).filter(|run| !run.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(run);
    }
    out
}

/// Whether two term sets overlap by at least [`DUPLICATES`]`.overlap` of their union.
fn near(a: &Terms, b: &Terms) -> bool {
    if a.len() < DUPLICATES.min_terms || b.len() < DUPLICATES.min_terms {
        return false;
    }
    let shared = a.intersection(b).count();
    // Every term is in one set, the other or both.
    let union = a.len() + b.len() - shared;
    shared as f64 >= DUPLICATES.overlap * union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The runs joined as they are found, as the collected and joined runs were.
        #[test]
        fn normalise_joins_runs_with_single_spaces(text in "[aZ9 ,?é’“—…\u{130}ΌΣς.'-]{0,16}") {
            let joined = text
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            proptest::prop_assert_eq!(normalise(&text), joined);
        }
    }

    fn twins(texts: &[&str]) -> Vec<Option<usize>> {
        earlier_twins(&texts.iter().map(|t| t.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn the_same_question_twice_is_a_twin_and_different_ones_are_not() {
        assert_eq!(
            twins(&[
                "Who is affected by slow search?",
                "who is affected by slow search",
                "How often do exports fail for accounting?",
                "How often do the exports for accounting fail?",
                "What does accounting do with the export?",
            ]),
            vec![None, Some(0), None, Some(2), None]
        );
        // Short texts only count when identical.
        assert_eq!(twins(&["Why now?", "Why now, though?"]), vec![None, None]);
    }
}
