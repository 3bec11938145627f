//! A text's content terms: the set [`terms`] reads, and whether two sets meet.
//!
//! Most texts of a reply or a backlog item have a handful of terms, and sets of them are built,
//! searched and intersected many times a reply. A sorted vector does each in one allocation
//! and a merge, where a B-tree allocates nodes and follows pointers: parse + lint spent a
//! sixteenth of its time in B-tree code.

use std::rc::Rc;

use super::{each_word_term, is_unspaced};

/// Sorts `terms` in [`term_order`] and removes repeats.
fn settle(terms: &mut Vec<Rc<str>>) {
    terms.sort_unstable_by(|a, b| term_order(a, b));
    terms.dedup();
}

/// `str`'s order, read byte by byte in place: terms are short words that mostly differ in their
/// first bytes, and a call to `memcmp` for each of the hundred comparisons of a case cost more
/// than the comparison (a proptest holds this to `str`'s order).
pub(crate) fn term_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// Whether two short texts (words, terms) are the same, read in place ([`term_order`]'s way).
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && term_order(a, b).is_eq()
}

/// A text's content terms ([`terms`]): distinct, in the order `str` compares them. Each term
/// is shared with this thread's word memo, so a set is built without copying a word.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Terms(Vec<Rc<str>>);

impl Terms {
    /// The empty set.
    pub fn new() -> Terms {
        Terms(Vec::new())
    }

    /// How many terms.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The terms, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Rc<str>> {
        self.0.iter()
    }

    /// Whether `term` is one of them.
    pub fn contains(&self, term: &str) -> bool {
        self.0.binary_search_by(|t| term_order(t, term)).is_ok()
    }

    /// Adds `term`; false when it was there already.
    pub fn insert(&mut self, term: Rc<str>) -> bool {
        match self.0.binary_search_by(|t| term_order(t, &term)) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, term);
                true
            }
        }
    }

    /// The terms after `term`, in order.
    pub fn after(&self, term: &str) -> &[Rc<str>] {
        &self.0[self.0.partition_point(|t| term_order(t, term).is_le())..]
    }

    /// The terms, in order, as a slice.
    pub(crate) fn as_slice(&self) -> &[Rc<str>] {
        &self.0
    }

    /// The terms both sets hold, in order.
    pub fn intersection<'a>(&'a self, other: &'a Terms) -> impl Iterator<Item = &'a Rc<str>> {
        let (mut a, mut b) = (self.0.iter().peekable(), other.0.iter().peekable());
        std::iter::from_fn(move || {
            loop {
                let (x, y) = (a.peek()?, b.peek()?);
                // Most terms are shared from the thread's word memo: the same term is often
                // the same string, told equal without reading it.
                let order = if Rc::ptr_eq(x, y) {
                    std::cmp::Ordering::Equal
                } else {
                    term_order(x, y)
                };
                match order {
                    std::cmp::Ordering::Less => {
                        a.next();
                    }
                    std::cmp::Ordering::Greater => {
                        b.next();
                    }
                    std::cmp::Ordering::Equal => {
                        b.next();
                        return a.next();
                    }
                }
            }
        })
    }

    /// The terms either set holds.
    pub fn union(&self, other: &Terms) -> Terms {
        self.iter().chain(other.iter()).cloned().collect()
    }

    /// Whether every term of this set is in `other`.
    pub fn is_subset(&self, other: &Terms) -> bool {
        self.intersection(other).count() == self.len()
    }

    /// Sorts and removes repeats: what a set built by pushing must do before it is read.
    fn settle(&mut self) {
        settle(&mut self.0);
    }
}

impl FromIterator<Rc<str>> for Terms {
    fn from_iter<I: IntoIterator<Item = Rc<str>>>(iter: I) -> Terms {
        let mut terms = Terms(iter.into_iter().collect());
        terms.settle();
        terms
    }
}

impl Extend<Rc<str>> for Terms {
    fn extend<I: IntoIterator<Item = Rc<str>>>(&mut self, iter: I) {
        self.0.extend(iter);
        self.settle();
    }
}

impl IntoIterator for Terms {
    type Item = Rc<str>;
    type IntoIter = std::vec::IntoIter<Rc<str>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Terms {
    type Item = &'a Rc<str>;
    type IntoIter = std::slice::Iter<'a, Rc<str>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The content terms of `text`: stems of words that are neither stop words nor the vocabulary's
/// generic words, plus character bigrams of runs in scripts written without spaces (Chinese,
/// Japanese, Thai, ...), so that "結帳流程" and "結帳" share the term "結帳".
pub fn terms(text: &str) -> Terms {
    // Plain text (ASCII and the typographic marks) holds no script written without spaces:
    // its terms are gathered in this thread's scratch vector and settled there, then copied
    // into a vector of their exact size, one allocation instead of one per doubling.
    if refine_pattern::is_plain(text) {
        return SCRATCH.with_borrow_mut(|scratch| {
            scratch.clear();
            each_word_term(text, |term| {
                scratch.push(Rc::clone(term));
                true
            });
            settle(scratch);
            let mut settled = Vec::with_capacity(scratch.len());
            settled.append(scratch);
            Terms(settled)
        });
    }
    let mut out = Terms::new();
    each_word_term(text, |term| {
        out.0.push(Rc::clone(term));
        true
    });
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut Terms| {
        match run.len() {
            0 => {}
            1 => out.0.push(Rc::from(run.iter().collect::<String>())),
            _ => {
                for pair in run.windows(2) {
                    out.0.push(Rc::from(pair.iter().collect::<String>()));
                }
            }
        }
        run.clear();
    };
    for c in text.chars() {
        if is_unspaced(c) {
            run.push(c);
        } else if !run.is_empty() {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out.settle();
    out
}

thread_local! {
    /// [`terms`]' vector for gathering a plain text's terms, kept from text to text.
    static SCRATCH: std::cell::RefCell<Vec<Rc<str>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Whether any term of `a` is the [`same_stem`](super::same_stem) as a term of `b`.
///
/// Looked up in the larger set rather than compared pair by pair: a term of `b` is the same
/// stem as `x` when it is `x`, when it starts with `x` of four letters or more (such terms
/// follow `x` in order, so the first term after `x` is one if any is), or when it is a prefix
/// of `x` of four letters or more (such terms lie between `x`'s first four letters and `x` in
/// order: one search finds where they start, instead of one search a prefix).
pub fn terms_meet(a: &Terms, b: &Terms) -> bool {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    a.iter().any(|x| {
        if b.contains(x) {
            return true;
        }
        let mut starts = x.char_indices().map(|(at, _)| at);
        if starts.nth(3).is_none() {
            return false;
        }
        if b.after(x).first().is_some_and(|y| y.starts_with(&**x)) {
            return true;
        }
        // Where the fifth letter starts: a shorter `x` has no prefix of four letters or more
        // but itself.
        let Some(four) = starts.next() else {
            return false;
        };
        let first = &x[..four];
        let from = b.0.partition_point(|t| term_order(t, first).is_lt());
        b.0[from..]
            .iter()
            .take_while(|y| term_order(y, x).is_lt())
            .any(|y| x.starts_with(&**y))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn set(picked: &[&str]) -> Terms {
        picked.iter().map(|t| Rc::from(*t)).collect()
    }

    proptest! {
        /// Terms are ordered as `str` orders them.
        #[test]
        fn term_order_is_strs(a in "[abé\u{10000}]{0,6}", b in "[abé\u{10000}]{0,6}") {
            prop_assert_eq!(term_order(&a, &b), a.cmp(&b));
            prop_assert_eq!(term_order(&a, &a), std::cmp::Ordering::Equal);
        }
    }

    proptest! {
        /// A set answers every question as `BTreeSet` does, however it was built.
        #[test]
        fn terms_behave_as_a_btree_set(
            a in proptest::collection::vec("(ab|abc|b|ba|c|é|z){1,2}", 0..8),
            b in proptest::collection::vec("(ab|abc|b|ba|c|é|z){1,2}", 0..8),
            probe in "(ab|abc|b|ba|c|é|z){1,2}",
        ) {
            let a_ref: BTreeSet<String> = a.iter().cloned().collect();
            let b_ref: BTreeSet<String> = b.iter().cloned().collect();
            let a_set = set(&a.iter().map(String::as_str).collect::<Vec<_>>());
            let mut b_set = Terms::new();
            for term in &b {
                let new = !b_set.contains(term);
                prop_assert_eq!(b_set.insert(Rc::from(term.as_str())), new);
            }
            let strings = |t: &Terms| t.iter().map(|x| x.to_string()).collect::<Vec<_>>();
            prop_assert_eq!(strings(&a_set), a_ref.iter().cloned().collect::<Vec<_>>());
            prop_assert_eq!(strings(&b_set), b_ref.iter().cloned().collect::<Vec<_>>());
            prop_assert_eq!(a_set.len(), a_ref.len());
            prop_assert_eq!(a_set.contains(&probe), a_ref.contains(&probe));
            prop_assert_eq!(
                a_set.intersection(&b_set).map(|x| x.to_string()).collect::<Vec<_>>(),
                a_ref.intersection(&b_ref).cloned().collect::<Vec<_>>()
            );
            // The same strings shared with `a_set`, as the word memo shares them.
            let shared_b: Terms = b
                .iter()
                .map(|t| {
                    a_set
                        .iter()
                        .find(|x| ***x == **t)
                        .cloned()
                        .unwrap_or_else(|| Rc::from(t.as_str()))
                })
                .collect();
            prop_assert_eq!(
                a_set.intersection(&shared_b).map(|x| x.to_string()).collect::<Vec<_>>(),
                a_ref.intersection(&b_ref).cloned().collect::<Vec<_>>()
            );
            prop_assert_eq!(
                strings(&a_set.union(&b_set)),
                a_ref.union(&b_ref).cloned().collect::<Vec<_>>()
            );
            prop_assert_eq!(a_set.is_subset(&b_set), a_ref.is_subset(&b_ref));
            prop_assert_eq!(
                a_set.after(&probe).iter().map(|x| x.to_string()).collect::<Vec<_>>(),
                a_ref
                    .range::<String, _>((std::ops::Bound::Excluded(&probe), std::ops::Bound::Unbounded))
                    .cloned()
                    .collect::<Vec<_>>()
            );
            let mut extended = a_set.clone();
            extended.extend(b_set.iter().cloned());
            prop_assert_eq!(extended, a_set.union(&b_set));
        }
    }

    #[test]
    fn terms_are_in_order_without_repeats() {
        let t = terms("exports export Exporting invoices");
        assert_eq!(
            t.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
            vec!["export", "invoic"]
        );
    }
}
