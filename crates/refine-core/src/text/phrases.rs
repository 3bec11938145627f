//! Phrase search: the first phrase of a list that a text holds on word boundaries.
//!
//! Most texts hold no phrase of a list, so each search first rules phrases out by their pieces
//! (the runs of letters, digits and apostrophes each must contain), each looked for with a
//! searcher prepared once per list (`memchr::memmem`, vectorised): on the short texts of a
//! reply this is as fast as one Aho-Corasick pass over all pieces, and a list is ready in a
//! few microseconds instead of tens. Before a piece is searched for, the text's pairs of
//! adjacent bytes, hashed into a small bit set once per search, must hold every pair of the
//! piece: most pieces of most short texts are ruled out by a few bit tests. Past a few lines
//! ([`PAIRS_UP_TO`]) the pairs cost more to read than the searches they spare.

use std::borrow::Cow;
use std::sync::OnceLock;

use memchr::memmem::Finder;
use rustc_hash::FxHashMap;

use super::{lower_words, sentences};

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

/// How many pieces a search keeps track of without allocating.
const KNOWN_ON_STACK: usize = 256;

/// A list of phrases prepared for [`find_phrase`]'s search: the words of each phrase, and the
/// pieces each needs (see the module's docs).
#[derive(Debug)]
pub struct Phrases {
    /// Each phrase with its lower-case words, read the first time its pieces are all in a text
    /// (most never are); phrases without words are left out.
    phrases: Vec<(&'static str, OnceLock<PhraseWords>)>,
    /// For each phrase, the range of `need_pieces` that lists the pieces it needs.
    needs: Vec<std::ops::Range<u32>>,
    /// The pieces (indices into `pieces`) a text must contain to hold each phrase, phrase
    /// after phrase: one vector for the list, not one a phrase.
    need_pieces: Vec<u32>,
    /// Every piece of every phrase, once, with its searcher and its byte pairs.
    pieces: Vec<Piece>,
    /// The [`Pairs`] bits of each piece's adjacent bytes, piece after piece (see `Piece`).
    pair_bits: Vec<u16>,
}

/// A phrase's lower-case words, and a searcher for the first: a sentence that does not hold
/// it cannot hold the phrase (prepared once; a searcher built for each sentence cost more than
/// the search).
#[derive(Debug)]
struct PhraseWords {
    words: Vec<Cow<'static, str>>,
    first: Option<Finder<'static>>,
}

impl PhraseWords {
    fn of(phrase: &'static str) -> PhraseWords {
        let words = lower_words(phrase);
        let first = words
            .first()
            .map(|first| Finder::new(first.as_bytes()).into_owned());
        PhraseWords { words, first }
    }
}

/// A piece of a phrase, prepared.
#[derive(Debug)]
struct Piece {
    /// The piece as written.
    text: &'static str,
    /// Its searcher, prepared the first time its pairs are all in a text. Boxed: a searcher is
    /// a few hundred bytes, most pieces never need one, and the vocabulary's lists are prepared
    /// in every `refine prep` (inline, their pieces took 84 KB of its heap).
    finder: OnceLock<Box<Finder<'static>>>,
    /// Where its [`Pairs`] bits (of its adjacent bytes, sorted, once each) stand in
    /// `Phrases::pair_bits`.
    pairs: std::ops::Range<u32>,
}

/// The pairs of adjacent bytes a text holds, hashed into 1,024 bits: a text holds a piece only
/// if it holds each of the piece's pairs (a hash collision only lets a piece through to its
/// search).
struct Pairs([u64; 16]);

/// The longest text whose pairs are worth reading. Reading them costs about nine instructions
/// a byte, while a piece's search skims a long text 32 bytes at a time: over a whole agenda
/// (about 900 bytes) the pairs cost twice what they saved, and parse + lint of a typical
/// reply took 9 K instructions fewer without them on its agenda, questions and closing.
const PAIRS_UP_TO: usize = 256;

impl Pairs {
    fn bit(a: u8, b: u8) -> u16 {
        let pair = (u32::from(a) << 8) | u32::from(b);
        (pair.wrapping_mul(0x9E37_79B1) >> 22) as u16
    }

    /// The pairs of `text`; for a text longer than [`PAIRS_UP_TO`], every pair.
    fn of(text: &[u8]) -> Pairs {
        if text.len() > PAIRS_UP_TO {
            return Pairs([u64::MAX; 16]);
        }
        let mut bits = [0u64; 16];
        for pair in text.windows(2) {
            let bit = Pairs::bit(pair[0], pair[1]);
            bits[usize::from(bit >> 6)] |= 1 << (bit & 63);
        }
        Pairs(bits)
    }

    fn has(&self, bit: u16) -> bool {
        self.0[usize::from(bit >> 6)] & (1 << (bit & 63)) != 0
    }
}

/// A text lower-cased, with its byte pairs: what ruling phrases out reads, prepared once
/// where several lists are asked about the same text.
pub struct LoweredText<'a> {
    lower: Cow<'a, str>,
    pairs: Pairs,
    /// Whether every byte of `lower` stands where it stood in the text (plain text, lowered
    /// byte by byte), so that a piece of the text is lowered at the same place.
    same_places: bool,
}

impl<'a> LoweredText<'a> {
    /// `text` lower-cased. Plain text (ASCII and the typographic marks, which have no case)
    /// lower-cases byte by byte, and is borrowed when it has no capital.
    pub fn of(text: &'a str) -> LoweredText<'a> {
        let plain = refine_pattern::is_plain(text);
        let lower: Cow<'a, str> = if !plain {
            Cow::Owned(super::lowercase(text))
        } else if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        };
        let pairs = Pairs::of(lower.as_bytes());
        LoweredText {
            lower,
            pairs,
            same_places: plain,
        }
    }

    /// `texts` read together, one line each (see [`Phrases::may_find_in_any`]).
    pub fn of_lines<'t>(texts: impl IntoIterator<Item = &'t str>) -> LoweredText<'static> {
        // Most lists of texts are a few hundred bytes: one allocation holds them.
        let mut together = String::with_capacity(1024);
        for text in texts {
            together.push_str(text);
            together.push('\n');
        }
        // As `of` lower-cases, in place where it can.
        let lower = if refine_pattern::is_plain(&together) {
            together.make_ascii_lowercase();
            together
        } else {
            super::lowercase(&together)
        };
        let pairs = Pairs::of(lower.as_bytes());
        LoweredText {
            lower: Cow::Owned(lower),
            pairs,
            // Texts read together are never read sentence by sentence.
            same_places: false,
        }
    }
}

impl Phrases {
    /// Prepares `phrases`, in order: the first that matches is the one reported.
    pub fn new(phrases: &[&'static str]) -> Phrases {
        // Sized for a piece or two a phrase: the vocabulary's lists are prepared in every
        // `refine prep`.
        let mut pieces = Vec::with_capacity(2 * phrases.len());
        let mut pair_bits: Vec<u16> = Vec::with_capacity(16 * phrases.len());
        let mut piece_index: FxHashMap<&'static str, u32> =
            FxHashMap::with_capacity_and_hasher(2 * phrases.len(), Default::default());
        let mut kept = Vec::with_capacity(phrases.len());
        let mut needs = Vec::with_capacity(phrases.len());
        let mut need_pieces: Vec<u32> = Vec::with_capacity(2 * phrases.len());
        for phrase in phrases {
            // A phrase has words exactly when it has a letter or digit (see `lower_words`).
            if !phrase.chars().any(char::is_alphanumeric) {
                continue;
            }
            let first_need = need_pieces.len() as u32;
            for piece in phrase.split(|c: char| !c.is_alphanumeric() && c != '\'') {
                if piece.is_empty() {
                    continue;
                }
                let index = *piece_index.entry(piece).or_insert_with(|| {
                    let start = pair_bits.len();
                    pair_bits.extend(
                        piece
                            .as_bytes()
                            .windows(2)
                            .map(|pair| Pairs::bit(pair[0], pair[1])),
                    );
                    pair_bits[start..].sort_unstable();
                    let mut kept_bits = start;
                    for i in start..pair_bits.len() {
                        if kept_bits == start || pair_bits[kept_bits - 1] != pair_bits[i] {
                            pair_bits[kept_bits] = pair_bits[i];
                            kept_bits += 1;
                        }
                    }
                    pair_bits.truncate(kept_bits);
                    pieces.push(Piece {
                        text: piece,
                        finder: OnceLock::new(),
                        pairs: start as u32..kept_bits as u32,
                    });
                    (pieces.len() - 1) as u32
                });
                need_pieces.push(index);
            }
            kept.push((*phrase, OnceLock::new()));
            needs.push(first_need..need_pieces.len() as u32);
        }
        Phrases {
            phrases: kept,
            needs,
            need_pieces,
            pieces,
            pair_bits,
        }
    }

    /// The phrases (with their lower-case words) whose pieces are all in the lower-cased
    /// `text`: the only ones it can hold on word boundaries.
    fn candidates_in(&self, text: &LoweredText<'_>) -> Vec<(&'static str, &PhraseWords)> {
        let mut candidates: Vec<(&'static str, &PhraseWords)> = Vec::new();
        self.each_candidate_in(text, |(phrase, phrase_words)| {
            candidates.push((phrase, phrase_words.get_or_init(|| PhraseWords::of(phrase))));
            true
        });
        candidates
    }

    /// Tells `take` each phrase whose pieces are all in `text`, in order, until it returns
    /// false.
    fn each_candidate_in<'s>(
        &'s self,
        text: &LoweredText<'_>,
        mut take: impl FnMut(&'s (&'static str, OnceLock<PhraseWords>)) -> bool,
    ) {
        let (lower, pairs) = (&text.lower, &text.pairs);
        // Each piece is looked for once: 0 not yet, 1 absent, 2 present.
        let mut on_stack = [0u8; KNOWN_ON_STACK];
        let mut spilled = Vec::new();
        let known: &mut [u8] = if self.pieces.len() <= KNOWN_ON_STACK {
            &mut on_stack[..self.pieces.len()]
        } else {
            spilled.resize(self.pieces.len(), 0u8);
            &mut spilled
        };
        let mut present = |i: usize| {
            if known[i] == 0 {
                known[i] = if self.piece_present(i, lower, pairs) {
                    2
                } else {
                    1
                };
            }
            known[i] == 2
        };
        for (phrase, need) in self.phrases.iter().zip(&self.needs) {
            let need = &self.need_pieces[need.start as usize..need.end as usize];
            if need.iter().all(|&i| present(i as usize)) && !take(phrase) {
                return;
            }
        }
    }

    /// Whether piece `i` occurs in `lower`, whose byte pairs are `pairs`.
    fn piece_present(&self, i: usize, lower: &str, pairs: &Pairs) -> bool {
        let piece = &self.pieces[i];
        let bits = &self.pair_bits[piece.pairs.start as usize..piece.pairs.end as usize];
        bits.iter().all(|&bit| pairs.has(bit))
            && piece
                .finder
                .get_or_init(|| Box::new(Finder::new(piece.text.as_bytes())))
                .find(lower.as_bytes())
                .is_some()
    }

    /// Which pieces occur in `lower`, by index into `pieces`.
    #[cfg(test)]
    fn present(&self, lower: &str) -> Vec<bool> {
        let pairs = Pairs::of(lower.as_bytes());
        (0..self.pieces.len())
            .map(|i| self.piece_present(i, lower, &pairs))
            .collect()
    }

    /// Whether [`Phrases::find`] can find anything in any of `texts`: false when no phrase has
    /// all its pieces in them read together, one line each, so that many short texts (an
    /// agenda's titles and details, a pack's questions) are ruled out in one pass instead of
    /// one each. Lower-casing a text alone gives what it gives within the lines: a line break
    /// is neither a letter nor ignorable, so no context rule (final sigma) reads across it.
    pub fn may_find_in_any<'t>(&self, texts: impl IntoIterator<Item = &'t str>) -> bool {
        self.may_find_in(&LoweredText::of_lines(texts))
    }

    /// [`Phrases::may_find_in_any`] of texts lowered once for several lists.
    pub fn may_find_in(&self, texts: &LoweredText<'_>) -> bool {
        // The first candidate tells: the pieces of the phrases after it are not looked for.
        let mut any = false;
        self.each_candidate_in(texts, |_| {
            any = true;
            false
        });
        any
    }

    /// The first phrase that occurs in `text` on word boundaries (case-insensitive), noting
    /// whether a word of `negations` comes before it in the same sentence.
    pub fn find(&self, text: &str, negations: &[&str]) -> Option<PhraseMatch> {
        // See `sentence_count`: the sentence iterator must not see empty input.
        if text.is_empty() || self.phrases.is_empty() {
            return None;
        }
        let lowered = LoweredText::of(text);
        let candidates = self.candidates_in(&lowered);
        if candidates.is_empty() {
            return None;
        }
        // Cut as the planner cut it, when it asked (the closing statement).
        for range in sentences::bounds_of(text).iter() {
            let sentence = &text[range.clone()];
            // A sentence's lower-case words are pieces of its lower-cased text: one that holds
            // no candidate's first word holds no candidate, and is not split into words.
            if lowered.same_places {
                let lower = &lowered.lower.as_bytes()[range.clone()];
                let may_hold = candidates.iter().any(|(_, words)| {
                    words
                        .first
                        .as_ref()
                        .is_some_and(|first| first.find(lower).is_some())
                });
                if !may_hold {
                    continue;
                }
            }
            let sentence_words = lower_words(sentence);
            for &(
                phrase,
                PhraseWords {
                    words: phrase_words,
                    ..
                },
            ) in &candidates
            {
                if phrase_words.len() > sentence_words.len() {
                    continue;
                }
                let hit = sentence_words
                    .windows(phrase_words.len())
                    .position(|window| window == phrase_words.as_slice());
                if let Some(at) = hit {
                    let negated = sentence_words[..at]
                        .iter()
                        .any(|w| negations.contains(&w.as_ref()));
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
    use crate::text::words;

    const LIST: &[&str] = &[
        "story points",
        "t-shirt size",
        "how long",
        "don't",
        "estimate",
        "sprint",
    ];

    /// A list of more pieces than a search keeps on the stack is searched alike.
    #[test]
    fn a_long_list_is_searched_alike() {
        let mut list: Vec<&'static str> = (0..KNOWN_ON_STACK + 40)
            .map(|i| &*Box::leak(format!("topic{i} word").into_boxed_str()))
            .collect();
        list.push("story points");
        let phrases = Phrases::new(&list);
        let last = list[KNOWN_ON_STACK + 39];
        let found = phrases.find(&format!("We spoke of {}.", last.to_uppercase()), &["no"]);
        assert_eq!(found.map(|m| m.phrase), Some(last));
        let found = phrases.find("No story points, please.", &["no"]);
        assert_eq!(
            found,
            Some(PhraseMatch {
                phrase: "story points",
                negated: true
            })
        );
        assert_eq!(phrases.find("topic1 words", &["no"]), None);
    }

    proptest! {
        /// Each piece's searcher finds it exactly where `str::contains` does, in texts short
        /// enough for their byte pairs to be read and in longer ones.
        #[test]
        fn the_searchers_find_what_contains_finds(
            text in "(story|points|t-shirt|size|how|long|don't|dont|estimat|sprint|Sprint|é|’| |-|\\.){0,12}",
            padding in "( |x|\\.|ab){0,160}",
        ) {
            let phrases = Phrases::new(LIST);
            let lower = format!("{padding}{}", text.to_lowercase());
            let pieces: Vec<&str> = LIST
                .iter()
                .flat_map(|p| p.split(|c: char| !c.is_alphanumeric() && c != '\''))
                .filter(|p| !p.is_empty())
                .fold(Vec::new(), |mut seen, p| {
                    if !seen.contains(&p) {
                        seen.push(p);
                    }
                    seen
                });
            let expected: Vec<bool> = pieces.iter().map(|p| lower.contains(p)).collect();
            prop_assert_eq!(phrases.present(&lower), expected);
        }

        /// The search finds the phrase, and its negation, that comparing every phrase's words
        /// with every sentence's finds: ruling phrases out by their pieces first, and the pieces
        /// by their byte pairs, loses none.
        #[test]
        fn find_is_the_word_by_word_search(
            text in "(Story|story|POINTS|points|t-shirt|T-Shirt|size|how|long|don't|DON'T|dont|estimate|ESTIMATE|estimates|sprint|no|not|İ|é|’|—|“|\\.|\\. |\\? | |-){0,14}"
        ) {
            let negations = ["no", "not"];
            let expected = if text.is_empty() {
                None
            } else {
                sentences::sentence_bounds(&text).find_map(|sentence| {
                    let sentence_words = words(sentence);
                    LIST.iter().find_map(|phrase| {
                        let phrase_words = words(phrase);
                        if phrase_words.is_empty() || phrase_words.len() > sentence_words.len() {
                            return None;
                        }
                        let at = sentence_words
                            .windows(phrase_words.len())
                            .position(|w| w == phrase_words.as_slice())?;
                        let negated = sentence_words[..at].iter().any(|w| negations.contains(&w.as_str()));
                        Some(PhraseMatch { phrase, negated })
                    })
                })
            };
            prop_assert_eq!(Phrases::new(LIST).find(&text, &negations), expected);
        }

        /// A phrase has words exactly when it has a letter or digit: `new` leaves out the
        /// others without reading their words.
        #[test]
        fn a_phrase_has_words_when_it_has_a_letter_or_digit(
            phrase in "(a|Z|9|٣|é|日|\u{300}|_|'|’|-|\\.| |…|—|“|\u{a0}|\u{2003}){0,6}"
        ) {
            let phrase: &'static str = Box::leak(phrase.into_boxed_str());
            prop_assert_eq!(
                phrase.chars().any(char::is_alphanumeric),
                !lower_words(phrase).is_empty()
            );
        }

        /// A phrase's words are [`words`]' lower-case words, borrowed or not.
        #[test]
        fn phrase_words_are_the_lower_case_words(
            phrase in "(Story|points|t-shirt|SIZE|don't|Été|Σ|’| |-|\\.){0,8}"
        ) {
            let phrase: &'static str = Box::leak(phrase.into_boxed_str());
            let borrowed: Vec<String> =
                lower_words(phrase).into_iter().map(Cow::into_owned).collect();
            prop_assert_eq!(borrowed, words(phrase));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Texts read together rule out only what each text alone rules out: when `find`
        /// finds a phrase in one, `may_find_in_any` says so of all.
        #[test]
        fn texts_together_rule_out_no_text_that_holds_a_phrase(
            texts in proptest::collection::vec(
                "(Story|points|POINTS|how|long|HOW LONG|estimate|ΌΣ|Σ|ς|İ|’|\\.| ){0,4}",
                0..5,
            )
        ) {
            // A phrase that ends in a final sigma: a capital sigma lower-cases to it only where
            // no letter follows.
            let with_sigma: Vec<&'static str> = LIST.iter().copied().chain(["ός"]).collect();
            let phrases = Phrases::new(&with_sigma);
            let found = texts.iter().any(|t| phrases.find(t, &[]).is_some());
            let may = phrases.may_find_in_any(texts.iter().map(String::as_str));
            prop_assert!(may || !found, "{:?}", texts);
            // Stopping at the first candidate answers as listing them all.
            let together = LoweredText::of_lines(texts.iter().map(String::as_str));
            prop_assert_eq!(may, !phrases.candidates_in(&together).is_empty(), "{:?}", texts);
        }
    }
}
