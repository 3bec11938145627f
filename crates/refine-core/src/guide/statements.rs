//! The content terms of a guide's lines, and which lines hold each term: what the linter traces
//! a pack's key points and subject back to.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// The content terms ([`crate::text::terms`]) of each line of a guide that has any, with an
/// index of the lines each term is on, built on first use: a key point is traced through the
/// lines that share a term with it instead of being compared with every line.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StatementTerms {
    sets: Vec<BTreeSet<String>>,
    /// Term to the lines (indices into `sets`, ascending) that hold it; derived from `sets`.
    #[serde(skip)]
    lines_of: OnceLock<FxHashMap<String, Vec<u32>>>,
}

impl StatementTerms {
    /// The terms of each line, in the guide's order.
    pub fn new(sets: Vec<BTreeSet<String>>) -> StatementTerms {
        StatementTerms {
            sets,
            lines_of: OnceLock::new(),
        }
    }

    /// The terms of each line that has any, in the guide's order.
    pub fn sets(&self) -> &[BTreeSet<String>] {
        &self.sets
    }

    fn lines_of(&self) -> &FxHashMap<String, Vec<u32>> {
        self.lines_of.get_or_init(|| {
            let mut index: FxHashMap<String, Vec<u32>> = FxHashMap::default();
            for (line, set) in self.sets.iter().enumerate() {
                for term in set {
                    index.entry(term.clone()).or_default().push(line as u32);
                }
            }
            index
        })
    }

    /// Whether any line has `term`.
    pub fn holds(&self, term: &str) -> bool {
        self.lines_of().contains_key(term)
    }

    /// The lines that share terms with `terms`, each with how many it shares
    /// (`sets()[line].intersection(terms).count()`), by line; lines sharing none are left out.
    /// What [`StatementTerms::shares_enough`] answers from, in the tests.
    #[cfg(test)]
    fn overlaps(&self, terms: &crate::text::Terms) -> Vec<(usize, usize)> {
        let index = self.lines_of();
        // Counted by line (a guide has a few dozen), not sorted: the lines come out in order.
        let mut counts = vec![0usize; self.sets.len()];
        for lines in terms.iter().filter_map(|term| index.get(&**term)) {
            for &line in lines {
                counts[line as usize] += 1;
            }
        }
        counts
            .into_iter()
            .enumerate()
            .filter(|&(_, count)| count > 0)
            .collect()
    }

    /// Whether a line shares at least `at_least` terms with `terms`, or all of its own when it
    /// has fewer: `overlaps(terms)` holding a line with `overlap >= at_least.min(its terms)`.
    /// Counts only grow, so the first line to get there answers.
    pub fn shares_enough(&self, terms: &crate::text::Terms, at_least: usize) -> bool {
        let index = self.lines_of();
        let mut counts = vec![0usize; self.sets.len()];
        for lines in terms.iter().filter_map(|term| index.get(&**term)) {
            for &line in lines {
                let line = line as usize;
                counts[line] += 1;
                if counts[line] >= at_least.min(self.sets[line].len()) {
                    return true;
                }
            }
        }
        false
    }
}

/// Equal when the lines' terms are: the index is derived from them.
impl PartialEq for StatementTerms {
    fn eq(&self, other: &StatementTerms) -> bool {
        self.sets == other.sets
    }
}

impl Eq for StatementTerms {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const TERMS: &[&str] = &["admin", "export", "invoic", "csv", "team", "goal", "risk"];

    fn set_of(picked: &[&str]) -> BTreeSet<String> {
        picked.iter().map(|t| String::from(*t)).collect()
    }

    proptest! {
        /// The index finds what comparing with every line finds.
        #[test]
        fn overlaps_are_the_intersections(
            lines in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(TERMS), 0..4), 0..8),
            asked in proptest::collection::vec(proptest::sample::select(TERMS), 0..5),
            probe in proptest::sample::select(TERMS),
        ) {
            let sets: Vec<BTreeSet<String>> = lines.iter().map(|l| set_of(l)).collect();
            let asked = set_of(&asked);
            let statements = StatementTerms::new(sets.clone());
            let expected: Vec<(usize, usize)> = sets
                .iter()
                .enumerate()
                .map(|(line, set)| (line, set.intersection(&asked).count()))
                .filter(|&(_, n)| n > 0)
                .collect();
            let shared: crate::text::Terms = asked.iter().map(|t| std::rc::Rc::from(t.as_str())).collect();
            prop_assert_eq!(statements.overlaps(&shared), expected.clone());
            for at_least in 0..4 {
                let enough = expected.iter().any(|&(line, n)| n >= at_least.min(sets[line].len()));
                prop_assert_eq!(statements.shares_enough(&shared, at_least), enough, "{}", at_least);
            }
            prop_assert_eq!(statements.holds(probe), sets.iter().any(|s| s.contains(probe)));
        }
    }

    #[test]
    fn the_index_takes_no_part_in_equality_or_the_stored_form() {
        let built = StatementTerms::new(vec![set_of(&["admin", "csv"])]);
        let fresh = built.clone();
        assert!(built.holds("csv"));
        assert_eq!(built, fresh);
        let json = serde_json::to_string(&built).expect("serialises");
        assert_eq!(json, r#"[["admin","csv"]]"#);
        let read: StatementTerms = serde_json::from_str(&json).expect("reads");
        assert_eq!(read, built);
        assert!(read.holds("admin") && !read.holds("team"));
    }
}
