//! Phrase search: the first phrase of a list that a text holds on word boundaries.
//!
//! Most texts hold no phrase of a list, so each search first rules phrases out by their pieces
//! (the runs of letters, digits and apostrophes each must contain). A list searched a few times
//! (`refine prep` lints one reply; [`find_phrase`] asks once) looks for each piece in turn; a
//! list searched more often builds an Aho-Corasick automaton over all its pieces once, which
//! costs about as much as [`AUTOMATON_AFTER`] searches piece by piece and then finds every
//! piece in one pass (ski rental: never more than twice the better choice in hindsight).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use super::{sentences, words};

/// How many searches a list answers piece by piece before it builds its automaton.
const AUTOMATON_AFTER: u32 = 16;

/// A phrase found in a text, by word position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    /// The phrase that matched, as given.
    pub phrase: &'static str,
    /// Whether a negation word precedes it in the same sentence.
    pub negated: bool,
}

/// The first phrase of `phrases` that occurs in `text` on word boundaries (case-insensitive),
/// noting whether a word of `negations` comes before it in the same sentence. For a list asked
/// about again and again, prepare it once as [`Phrases`].
pub fn find_phrase(
    text: &str,
    phrases: &[&'static str],
    negations: &[&str],
) -> Option<PhraseMatch> {
    Phrases::new(phrases).find(text, negations)
}

/// A list of phrases prepared for [`find_phrase`]'s search: the words of each phrase, and the
/// pieces each needs (see the module's docs).
#[derive(Debug)]
pub struct Phrases {
    /// Each phrase with its lower-case words; phrases without words are left out.
    phrases: Vec<(&'static str, Vec<String>)>,
    /// For each phrase, the pieces (indices into `pieces`) a text must contain to hold it.
    needs: Vec<Vec<usize>>,
    /// Every piece of every phrase, once.
    pieces: Vec<&'static str>,
    /// Searches so far, up to [`AUTOMATON_AFTER`].
    searches: AtomicU32,
    /// The automaton over `pieces`, once the list has been searched often enough.
    automaton: OnceLock<aho_corasick::AhoCorasick>,
}

impl Phrases {
    /// Prepares `phrases`, in order: the first that matches is the one reported.
    pub fn new(phrases: &[&'static str]) -> Phrases {
        let mut pieces: Vec<&'static str> = Vec::new();
        let mut kept = Vec::new();
        let mut needs = Vec::new();
        for phrase in phrases {
            let phrase_words = words(phrase);
            if phrase_words.is_empty() {
                continue;
            }
            let mut need = Vec::new();
            for piece in phrase.split(|c: char| !c.is_alphanumeric() && c != '\'') {
                if piece.is_empty() {
                    continue;
                }
                let index = pieces.iter().position(|p| *p == piece).unwrap_or_else(|| {
                    pieces.push(piece);
                    pieces.len() - 1
                });
                need.push(index);
            }
            kept.push((*phrase, phrase_words));
            needs.push(need);
        }
        Phrases {
            phrases: kept,
            needs,
            pieces,
            searches: AtomicU32::new(0),
            automaton: OnceLock::new(),
        }
    }

    /// Which pieces occur in `lower`, by index into `pieces`.
    fn present(&self, lower: &str) -> Vec<bool> {
        let mut present = vec![false; self.pieces.len()];
        let automaton = match self.automaton.get() {
            Some(built) => Some(built),
            None if self.searches.fetch_add(1, Ordering::Relaxed) >= AUTOMATON_AFTER => {
                Some(self.automaton.get_or_init(|| self.build()))
            }
            None => None,
        };
        match automaton {
            Some(automaton) => {
                for found in automaton.find_overlapping_iter(lower) {
                    present[found.pattern().as_usize()] = true;
                }
            }
            None => {
                for (seen, piece) in present.iter_mut().zip(&self.pieces) {
                    *seen = lower.contains(piece);
                }
            }
        }
        present
    }

    fn build(&self) -> aho_corasick::AhoCorasick {
        // A contiguous NFA builds in a fifth of the time a DFA takes and searches the few
        // dozen short texts of a reply nearly as fast.
        aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(&self.pieces)
            .expect("phrase pieces are small")
    }

    /// The first phrase that occurs in `text` on word boundaries (case-insensitive), noting
    /// whether a word of `negations` comes before it in the same sentence.
    pub fn find(&self, text: &str, negations: &[&str]) -> Option<PhraseMatch> {
        // See `sentence_count`: the sentence iterator must not see empty input.
        if text.is_empty() || self.phrases.is_empty() {
            return None;
        }
        // A phrase can only be in the text when each of its pieces is in the lower-cased text.
        let lower = text.to_lowercase();
        let present = self.present(&lower);
        let candidates: Vec<&(&'static str, Vec<String>)> = self
            .phrases
            .iter()
            .zip(&self.needs)
            .filter(|(_, need)| need.iter().all(|&i| present[i]))
            .map(|(phrase, _)| phrase)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        for sentence in sentences::sentence_bounds(text) {
            let sentence_words = words(sentence);
            for (phrase, phrase_words) in &candidates {
                if phrase_words.len() > sentence_words.len() {
                    continue;
                }
                let hit = sentence_words
                    .windows(phrase_words.len())
                    .position(|window| window == phrase_words.as_slice());
                if let Some(at) = hit {
                    let negated = sentence_words[..at]
                        .iter()
                        .any(|w| negations.contains(&w.as_str()));
                    return Some(PhraseMatch { phrase, negated });
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const LIST: &[&str] = &[
        "story points",
        "t-shirt size",
        "how long",
        "don't",
        "estimate",
        "sprint",
    ];

    #[test]
    fn the_automaton_is_built_only_after_enough_searches() {
        let phrases = Phrases::new(LIST);
        for _ in 0..AUTOMATON_AFTER {
            phrases.find("How long will the sprint take?", &[]);
        }
        assert!(phrases.automaton.get().is_none());
        phrases.find("How long will the sprint take?", &[]);
        assert!(phrases.automaton.get().is_some());
    }

    proptest! {
        /// Piece by piece and by automaton, the same pieces are found.
        #[test]
        fn both_searches_find_the_same_pieces(
            text in "(story|points|t-shirt|size|how|long|don't|dont|estimat|sprint|Sprint|é|’| |-|\\.){0,12}"
        ) {
            let by_piece = Phrases::new(LIST);
            let by_automaton = Phrases::new(LIST);
            by_automaton.searches.store(AUTOMATON_AFTER, Ordering::Relaxed);
            let lower = text.to_lowercase();
            prop_assert_eq!(by_piece.present(&lower), by_automaton.present(&lower));
            prop_assert!(by_piece.automaton.get().is_none());
            prop_assert!(by_automaton.automaton.get().is_some());
        }
    }
}
