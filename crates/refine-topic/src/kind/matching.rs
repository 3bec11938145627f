//! Finding the kinds' signals in a text: each text is read once into the set of signals it holds,
//! by looking its words up among the signals (not each signal up among its words).

use refine_core::text::{lower_words, unicode_words, words};
use rustc_hash::FxHashMap;
use std::sync::LazyLock;

use super::SIGNALS;

/// The inflections a signal of five letters or more also matches in ("crashes", "migrated"),
/// so that it does not match every word it starts ("import" is not "important").
const INFLECTIONS: &[&str] = &[
    "", "s", "es", "ed", "d", "ing", "er", "ers", "ly", "ion", "ions",
];

/// The length in bytes from which a signal also matches in its inflections.
const INFLECTED_FROM: usize = 5;

/// The signals, numbered (a signal named by two kinds has one number), and indexed by how
/// [`matches_signal`] finds them.
struct SignalIndex {
    /// Each distinct signal's number.
    numbers: FxHashMap<&'static str, usize>,
    /// For each kind of [`SIGNALS`], in order, its signals' numbers.
    by_kind: Vec<Vec<usize>>,
    /// Words without spaces, hyphens or apostrophes of fewer than five letters: found as a word.
    whole_words: FxHashMap<&'static str, usize>,
    /// Such words of five letters or more: found as a word that is one of them and an
    /// inflection.
    inflected_words: FxHashMap<&'static str, usize>,
    /// Lower-case phrases by their first word, with all their words: found as words in a row.
    phrases: FxHashMap<&'static str, Vec<(usize, Vec<&'static str>)>>,
    /// Everything else: found by [`matches_signal`] itself, those of plain characters
    /// ([`refine_pattern::is_plain`]) first. The others (a letter past ASCII) are only looked
    /// for in text that is not plain.
    others: Vec<(usize, &'static str)>,
    /// How many of `others` are of plain characters.
    plain_others: usize,
    /// How many distinct signals there are.
    count: usize,
    /// The first three bytes of every key of `whole_words`, `inflected_words` and `phrases`.
    prefixes: Prefixes,
}

/// Three-byte prefixes, hashed into 65,536 bits: a word of three bytes or more that is one of
/// the index's words, or one of them and an inflection, starts with the three bytes that word
/// starts with. Most words of a text start otherwise, and are not looked up (a word was looked
/// up two to five times: 20 K instructions an eval case). A hash collision only lets a word
/// through to its lookups.
struct Prefixes(Box<[u64; 1024]>);

impl Prefixes {
    fn bit(word: &[u8]) -> usize {
        let prefix = u32::from(word[0]) | (u32::from(word[1]) << 8) | (u32::from(word[2]) << 16);
        (prefix.wrapping_mul(0x9E37_79B1) >> 16) as usize
    }

    /// Notes the prefix of `word`; a word of fewer than three bytes needs none.
    fn insert(&mut self, word: &str) {
        if word.len() >= 3 {
            let bit = Prefixes::bit(word.as_bytes());
            self.0[bit >> 6] |= 1 << (bit & 63);
        }
    }

    /// Whether `word` may be one of the index's words (or one and an inflection): shorter than
    /// three bytes, or starting with a noted prefix.
    fn may_start(&self, word: &str) -> bool {
        word.len() < 3 || {
            let bit = Prefixes::bit(word.as_bytes());
            self.0[bit >> 6] & (1 << (bit & 63)) != 0
        }
    }
}

static INDEX: LazyLock<SignalIndex> = LazyLock::new(|| {
    // Sized for every signal at once: the index is built in every `refine prep`.
    let all: usize = SIGNALS.iter().map(|(_, signals)| signals.len()).sum();
    let sized = || FxHashMap::with_capacity_and_hasher(all, Default::default());
    let mut index = SignalIndex {
        numbers: sized(),
        by_kind: Vec::with_capacity(SIGNALS.len()),
        whole_words: sized(),
        inflected_words: sized(),
        phrases: FxHashMap::default(),
        others: Vec::new(),
        plain_others: 0,
        count: 0,
        prefixes: Prefixes(Box::new([0; 1024])),
    };
    for (_, signals) in SIGNALS {
        let mut numbers = Vec::new();
        for &signal in signals.iter() {
            let next = index.numbers.len();
            let number = *index.numbers.entry(signal).or_insert(next);
            numbers.push(number);
            if number < next {
                continue;
            }
            // Each distinct signal is indexed once, under its own number.
            let lower_ascii = signal.is_ascii() && !signal.bytes().any(|b| b.is_ascii_uppercase());
            if !lower_ascii {
                index.others.push((number, signal));
            } else if signal.contains([' ', '-', '\'']) {
                let phrase_words: Vec<&str> = unicode_words(signal).collect();
                match phrase_words.first() {
                    Some(&first) => index
                        .phrases
                        .entry(first)
                        .or_default()
                        .push((number, phrase_words)),
                    None => index.others.push((number, signal)),
                }
            } else if signal.len() >= INFLECTED_FROM {
                index.inflected_words.insert(signal, number);
            } else {
                index.whole_words.insert(signal, number);
            }
        }
        index.by_kind.push(numbers);
    }
    index.count = index.numbers.len();
    let SignalIndex {
        whole_words,
        inflected_words,
        phrases,
        prefixes,
        ..
    } = &mut index;
    for word in whole_words
        .keys()
        .chain(inflected_words.keys())
        .chain(phrases.keys())
    {
        prefixes.insert(word);
    }
    index
        .others
        .sort_by_key(|&(_, signal)| !refine_pattern::is_plain(signal));
    index.plain_others = index
        .others
        .iter()
        .take_while(|(_, signal)| refine_pattern::is_plain(signal))
        .count();
    index
});

/// The others past plain characters, looked for together in one pass: each was a search of its
/// own through every text that is not plain (a tenth of reading a Chinese or Japanese item's
/// kind). What `matches_signal` finds of them: each as a piece of the lower-cased text,
/// anywhere (every one has a letter past ASCII); overlapping, so that none hides another.
/// Built when a text first needs it, as a contiguous NFA (quick to build): built with the
/// index, as the DFA `AhoCorasick::new` chooses, it cost every `refine prep` 0.3 ms, most of
/// which never read a text past plain characters.
static PAST_PLAIN: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(
            INDEX.others[INDEX.plain_others..]
                .iter()
                .map(|&(_, signal)| signal),
        )
        .expect("the signals make an automaton")
});

/// A text read once for every signal: which signals it holds. [`Prepared::has`] answers as
/// [`matches_signal`] does (a proptest holds the two equal).
pub(super) struct Prepared {
    /// Whether the text holds no signal at all (an empty text holds none): most texts hold
    /// none, and are not asked about each signal of each kind.
    pub(super) holds_none: bool,
    /// Each signal's number to whether the text holds it.
    holds: Vec<bool>,
}

impl Prepared {
    pub(super) fn new(text: &str) -> Prepared {
        let index = &*INDEX;
        let mut holds = vec![false; index.count];
        let mut any = false;
        let lower = refine_core::text::lowercase(text);
        // The text is lower case already: its words are borrowed, not copied.
        let text_words = lower_words(&lower);
        for (at, word) in text_words.iter().enumerate() {
            let word: &str = word;
            if !index.prefixes.may_start(word) {
                continue;
            }
            // A whole word is shorter than five bytes, and a word of five or more is a stem
            // of five or more and an inflection: each word is looked up only where it can be.
            if word.len() < INFLECTED_FROM {
                if let Some(&number) = index.whole_words.get(word) {
                    holds[number] = true;
                    any = true;
                }
            } else {
                // Only an inflection ending as the word does (or none) can be stripped: one
                // byte compared spares most of eleven string comparisons.
                let last = word.as_bytes()[word.len() - 1];
                for inflection in INFLECTIONS {
                    if inflection.as_bytes().last().is_some_and(|&end| end != last) {
                        continue;
                    }
                    if let Some(stem) = word.strip_suffix(inflection)
                        && stem.len() >= INFLECTED_FROM
                        && let Some(&number) = index.inflected_words.get(stem)
                    {
                        holds[number] = true;
                        any = true;
                    }
                }
            }
            for (number, phrase) in index.phrases.get(word).into_iter().flatten() {
                let rest = &text_words[at..];
                if rest.len() >= phrase.len() && rest.iter().zip(phrase).all(|(w, p)| w == p) {
                    holds[*number] = true;
                    any = true;
                }
            }
        }
        // A signal with a letter past ASCII is in no plain text (ASCII and the typographic
        // marks, which a note with a curly quote or a dash is): only the signals of plain
        // characters are looked for there.
        for &(number, signal) in &index.others[..index.plain_others] {
            if matches_signal(signal, &lower, &text_words) {
                holds[number] = true;
                any = true;
            }
        }
        if !refine_pattern::is_plain(&lower) {
            let past_plain = &index.others[index.plain_others..];
            for found in PAST_PLAIN.find_overlapping_iter(&lower) {
                holds[past_plain[found.pattern().as_usize()].0] = true;
                any = true;
            }
        }
        Prepared {
            holds_none: !any,
            holds,
        }
    }

    /// Whether the signal numbered `number` occurs in the text.
    pub(super) fn holds(&self, number: usize) -> bool {
        self.holds[number]
    }

    /// Whether `signal`, one of [`SIGNALS`], occurs in the text.
    #[cfg(test)]
    pub(super) fn has(&self, signal: &str) -> bool {
        self.holds(INDEX.numbers[signal])
    }
}

/// The numbers of each kind's signals, in [`SIGNALS`]' order.
pub(super) fn kind_signal_numbers() -> &'static [Vec<usize>] {
    &INDEX.by_kind
}

/// Whether `signal` occurs in the lower-cased text `lower`, whose words are `text_words`: an
/// ASCII word without spaces matches a word (or, of five letters or more, a word that is it and
/// an inflection), a phrase matches whole words in a row, anything else a piece of the text.
fn matches_signal<W: AsRef<str>>(signal: &str, lower: &str, text_words: &[W]) -> bool {
    if !signal.is_ascii() {
        return lower.contains(signal);
    }
    if signal.contains([' ', '-', '\'']) {
        let phrase = words(signal);
        return text_words.windows(phrase.len()).any(|w| {
            w.iter()
                .zip(&phrase)
                .all(|(word, phrase_word)| word.as_ref() == phrase_word)
        });
    }
    // A longer signal also matches its inflections ("crashes", "migrated"), not every word it
    // starts ("import" is not "important").
    text_words.iter().map(AsRef::as_ref).any(|w: &str| {
        if signal.len() >= 5 {
            w.strip_prefix(signal)
                .is_some_and(|rest| INFLECTIONS.contains(&rest))
        } else {
            w == signal
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_holds_none_exactly_when_it_holds_no_signal() {
        // `detect` skips the sources that hold none on the strength of this.
        for text in [
            "",
            "Team calendars",
            "Fix crash when uploading photos",
            "The export crashes; finance migrated last week",
            "L'export PDF ne fonctionne pas",
        ] {
            let prepared = Prepared::new(text);
            let any = SIGNALS
                .iter()
                .any(|(_, signals)| signals.iter().any(|signal| prepared.has(signal)));
            assert_eq!(prepared.holds_none, !any, "{text:?}");
        }
        let empty = Prepared::new("");
        assert!(empty.holds_none);
        for (kind, signals) in SIGNALS {
            for signal in signals.iter() {
                assert!(!empty.has(signal), "{kind:?}: {signal:?}");
            }
        }
    }

    #[test]
    fn every_signal_is_numbered_in_its_kind() {
        let numbers = kind_signal_numbers();
        assert_eq!(numbers.len(), SIGNALS.len());
        for ((_, signals), numbers) in SIGNALS.iter().zip(numbers) {
            let expected: Vec<usize> = signals.iter().map(|s| INDEX.numbers[s]).collect();
            assert_eq!(numbers, &expected);
        }
    }

    /// Words drawn from every signal, their inflections and near misses, in other scripts too.
    fn signal_words() -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, signals) in SIGNALS {
            for signal in signals.iter() {
                out.push(signal.to_string());
                out.push(signal.to_uppercase());
                for word in signal.split([' ', '-']) {
                    out.push(word.to_string());
                    out.push(format!("{word}ing"));
                    out.push(format!("{word}s"));
                    out.push(format!("{word}al"));
                }
            }
        }
        out.extend(["a", "not", ",", "-", "'", "é", "."].map(String::from));
        out.sort();
        out.dedup();
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// The prepared text finds every signal exactly where the word-by-word reading does.
        #[test]
        fn prepared_text_finds_what_the_words_find(
            picked in proptest::collection::vec(proptest::sample::select(signal_words()), 0..10),
            joins in proptest::collection::vec(proptest::sample::select(vec![" ", "-", ", ", "'", "", " — ", "’"]), 10),
        ) {
            let text: String = picked
                .iter()
                .zip(&joins)
                .flat_map(|(w, j)| [w.as_str(), j])
                .collect();
            let prepared = Prepared::new(&text);
            let lower = text.to_lowercase();
            let text_words = words(&lower);
            for (_, signals) in SIGNALS {
                for signal in signals.iter() {
                    proptest::prop_assert_eq!(
                        prepared.has(signal),
                        matches_signal(signal, &lower, &text_words),
                        "{} in {:?}", signal, text
                    );
                }
            }
        }
    }
}
