//! Texts that say the same thing: identical once case, punctuation and spacing are set aside,
//! or sharing nearly all their content terms ([`DUPLICATES`]).

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use crate::contract::DUPLICATES;
use crate::recent::Recent;
use crate::text::{Terms, shared_terms, term_order};

thread_local! {
    /// The lists of texts whose twins this thread found lately: the offline planner checks its
    /// questions for twins, and the linter then checks the same questions parsed back from the
    /// reply.
    static FOUND_LATELY: RefCell<Recent<Vec<String>, Vec<Option<usize>>>> = const { RefCell::new(Recent::new()) };
}

/// For each text, the index of an earlier text it repeats, if any: what `question-duplicate`
/// and `key-point-duplicate` report.
pub fn earlier_twins(texts: &[String]) -> Vec<Option<usize>> {
    remembered(texts, || {
        let term_sets: Vec<Rc<Terms>> = texts.iter().map(|t| shared_terms(t)).collect();
        twins_with_terms(texts, &term_sets.iter().map(|s| &**s).collect::<Vec<_>>())
    })
}

/// The twins of `texts` found by `find`, or, when this thread found the twins of the same
/// texts lately ([`crate::recent`]), those. Twins depend on nothing but the texts, so
/// remembering them changes no result.
pub(super) fn remembered(
    texts: &[String],
    find: impl FnOnce() -> Vec<Option<usize>>,
) -> Vec<Option<usize>> {
    crate::recent::remembered(&FOUND_LATELY, texts, find)
}

/// [`earlier_twins`], given each text's content terms.
pub(super) fn twins_with_terms(texts: &[String], term_sets: &[&Terms]) -> Vec<Option<usize>> {
    // Most pairs differ in their first few letters: plain texts are compared as their normal
    // forms are read, without writing them; any other text's normal form is written once, when
    // first needed.
    let plain: Vec<bool> = texts.iter().map(|t| refine_pattern::is_plain(t)).collect();
    let worded: Vec<bool> = texts
        .iter()
        .map(|t| t.bytes().any(|b| b.is_ascii_alphanumeric()))
        .collect();
    let normal: Vec<OnceCell<String>> = texts.iter().map(|_| OnceCell::new()).collect();
    let normal_of = |k: usize| normal[k].get_or_init(|| normalise(&texts[k])).as_str();
    let same = |i: usize, j: usize| {
        if plain[i] && plain[j] {
            // A normal form is its runs joined by single spaces, and no run holds a space:
            // two forms are equal when their runs are.
            worded[i] && same_runs(&texts[i], &texts[j])
        } else {
            !normal_of(i).is_empty() && normal_of(i) == normal_of(j)
        }
    };
    (0..texts.len())
        .map(|i| (0..i).find(|&j| same(i, j) || near(term_sets[i], term_sets[j])))
        .collect()
}

/// The runs of ASCII letters and digits of plain text: its [`normalise`]d form's words, before
/// lower-casing.
fn plain_runs(text: &str) -> impl Iterator<Item = &[u8]> {
    text.as_bytes()
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|run| !run.is_empty())
}

/// Whether two plain texts have the same [`plain_runs`], ignoring case.
fn same_runs(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (plain_runs(a), plain_runs(b));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => {}
            _ => return false,
        }
    }
}

/// Lower case, letters and digits only, single spaces.
fn normalise(text: &str) -> String {
    // Plain text needs no Unicode tables: ASCII lower-cases alone, its letters and digits are
    // the ASCII alphanumerics, and the plain marks (curly quotes, dashes, ...) are neither
    // letters nor digits and have no case.
    if refine_pattern::is_plain(text) {
        // Byte by byte, in one pass: the plain marks' bytes are all past ASCII, so they
        // separate as the marks do.
        let mut out: Vec<u8> = Vec::with_capacity(text.len());
        let mut apart = false;
        for &byte in text.as_bytes() {
            if byte.is_ascii_alphanumeric() {
                if apart && !out.is_empty() {
                    out.push(b' ');
                }
                apart = false;
                out.push(byte.to_ascii_lowercase());
            } else {
                apart = true;
            }
        }
        return String::from_utf8(out).expect("ASCII letters, digits and spaces");
    }
    let lower = crate::text::lowercase(text);
    let separates = |c: char| !crate::text::is_letter_or_digit(c);
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
    // At best every term of the smaller set is shared and the union is the larger set: sets of
    // sizes too far apart are not compared term by term.
    let (small, large) = (a.len().min(b.len()), a.len().max(b.len()));
    if (small as f64) < DUPLICATES.overlap * large as f64 {
        return false;
    }
    // Every term is in one set, the other or both: sharing `shared` terms, the union holds
    // `total - shared`.
    let total = a.len() + b.len();
    let twins_sharing =
        |shared: usize| shared as f64 >= DUPLICATES.overlap * (total - shared) as f64;
    // The test only gets easier as more is shared: the fewest shared terms that pass it.
    let Some(needed) = (0..=small).find(|&shared| twins_sharing(shared)) else {
        return false;
    };
    // Counted as the sets are merged, and given up as soon as what is left of them cannot
    // bring the count to `needed` (most pairs of questions share the subject's terms, and
    // little else).
    let (x, y) = (a.as_slice(), b.as_slice());
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        if shared + (x.len() - i).min(y.len() - j) < needed {
            return false;
        }
        // Most terms are shared from the thread's word memo: the same term is often the same
        // string, told equal without reading it.
        let order = if Rc::ptr_eq(&x[i], &y[j]) {
            std::cmp::Ordering::Equal
        } else {
            term_order(&x[i], &y[j])
        };
        match order {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared >= needed
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

    proptest::proptest! {
        /// Texts are twins as they were when every normal form was written first.
        #[test]
        fn twins_read_as_with_written_normal_forms(
            texts in proptest::collection::vec(
                // Few words, so that texts alike but for case and marks come often.
                "(Why|why|NOW|now| |, |\\?|é|É|’|Σ|σ|9){0,4}",
                0..8,
            )
        ) {
            let sets: Vec<Rc<Terms>> = texts.iter().map(|t| shared_terms(t)).collect();
            let sets: Vec<&Terms> = sets.iter().map(|s| &**s).collect();
            let normal: Vec<String> = texts.iter().map(|t| normalise(t)).collect();
            let written: Vec<Option<usize>> = (0..texts.len())
                .map(|i| {
                    (0..i).find(|&j| {
                        (!normal[i].is_empty() && normal[i] == normal[j]) || near(sets[i], sets[j])
                    })
                })
                .collect();
            proptest::prop_assert_eq!(twins_with_terms(&texts, &sets), written);
        }
    }

    proptest::proptest! {
        /// Two sets are near as the definition has it: enough terms each, and a shared share
        /// of their union of at least the contract's overlap.
        #[test]
        fn near_is_its_definition(
            a in proptest::collection::btree_set("[a-h]", 0..9),
            b in proptest::collection::btree_set("[a-h]", 0..9),
        ) {
            let set = |s: &std::collections::BTreeSet<String>| -> Terms {
                s.iter().map(|t| Rc::from(t.as_str())).collect()
            };
            let shared = a.intersection(&b).count();
            let union = a.union(&b).count();
            let defined = a.len() >= DUPLICATES.min_terms
                && b.len() >= DUPLICATES.min_terms
                && shared as f64 >= DUPLICATES.overlap * union as f64;
            proptest::prop_assert_eq!(near(&set(&a), &set(&b)), defined);
        }
    }

    proptest::proptest! {
        /// Twins remembered are the twins found afresh, whatever lists were asked about
        /// before, and a list asked about again is not read again.
        #[test]
        fn remembered_twins_are_the_texts_own(
            lists in proptest::collection::vec(
                proptest::collection::vec("(Why|why|now|NOW|later| |\\?){0,3}", 0..4),
                1..8,
            )
        ) {
            for texts in &lists {
                let found = earlier_twins(texts);
                let sets: Vec<Rc<Terms>> = texts.iter().map(|t| shared_terms(t)).collect();
                let sets: Vec<&Terms> = sets.iter().map(|s| &**s).collect();
                proptest::prop_assert_eq!(&found, &twins_with_terms(texts, &sets));
                let again = remembered(texts, || panic!("asked again, the texts were read again"));
                proptest::prop_assert_eq!(again, found);
            }
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
