//! Echoes of the title: the longest run of the title's words a text repeats, weighted (a word
//! weighs [`UNSPACED_PER_WORD`], a character of a script written without spaces 1).
//!
//! The title's words are numbered once; a text's words are looked up among them (compared
//! ignoring ASCII case), and the longest common run is found over the numbers, a text word the title
//! lacks being 0. Only when a run is found are the text's words read whole to quote it.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use crate::contract::SPECIFICITY;
use crate::recent::{Recent, remembered};
use crate::text::{is_unspaced, unicode_words, words};

/// How many characters of a script written without spaces weigh as much as one word.
const UNSPACED_PER_WORD: usize = 3;

/// Whether `text` repeats `title` at length, as `question-echo` and `closing-echo` judge it: so
/// a writer can check a sentence before putting it in a reply.
pub fn echoes_title(title: &str, text: &str) -> bool {
    TitleEcho::new(title).echoed_in(text)
}

/// A title prepared for [`echoes_title`]'s check of many texts: its words numbered once.
#[derive(Debug, Clone)]
pub struct TitleEcho {
    /// The title's words by number (from 1; 0 is a word the title lacks).
    ids: Vec<u32>,
    /// Each distinct lower-case word of the title, in number order (the first is number 1):
    /// a title has a handful, compared by length first, faster than hashing each text word.
    distinct: Vec<String>,
    /// The weight of each number's word (index 0 unused).
    weights: Vec<usize>,
    /// Whether the whole title weighs enough to be echoed: a shorter one never is.
    can_echo: bool,
    /// Sets of title words (by number), all ASCII, every echo repeating one word of each: a
    /// text that holds none of one set (ignoring ASCII case) echoes nothing. The sets most
    /// likely to rule a text out come first; none when the title can echo no text.
    sentinels: Vec<Vec<u32>>,
    /// Where each number's word is in the title, read when a run is first looked for.
    occurrences: OnceCell<Occurrences>,
}

/// The title positions of each number's word, ascending: number `k`'s are
/// `positions[starts[k - 1]..starts[k]]`.
#[derive(Debug, Clone)]
struct Occurrences {
    positions: Vec<u32>,
    starts: Vec<u32>,
}

impl Occurrences {
    /// Reads `ids` (numbers from 1 to `count`), grouping positions by number: counted, then
    /// placed.
    fn of(ids: &[u32], count: usize) -> Occurrences {
        let mut starts = vec![0u32; count + 1];
        for &id in ids {
            starts[id as usize] += 1;
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut positions = vec![0u32; ids.len()];
        let mut next = starts.clone();
        for (i, &id) in ids.iter().enumerate() {
            let slot = &mut next[id as usize - 1];
            positions[*slot as usize] = i as u32;
            *slot += 1;
        }
        Occurrences { positions, starts }
    }

    /// The title positions of number `id`'s word.
    fn of_number(&self, id: u32) -> &[u32] {
        &self.positions[self.starts[id as usize - 1] as usize..self.starts[id as usize] as usize]
    }
}

thread_local! {
    /// The titles this thread read lately, with their readings: the offline planner reads the
    /// title to keep its own sentences from echoing it, and the linter then reads the same
    /// title to judge them.
    static READ_LATELY: RefCell<Recent<Box<str>, Rc<TitleEcho>>> = const { RefCell::new(Recent::new()) };
}

impl TitleEcho {
    /// [`TitleEcho::new`], shared with the caller on this thread that read the same title
    /// lately ([`crate::recent`]). A reading depends on nothing but the title, so sharing
    /// changes no result.
    pub fn shared(title: &str) -> Rc<TitleEcho> {
        remembered(&READ_LATELY, title, || Rc::new(TitleEcho::new(title)))
    }

    /// Reads `title`'s words.
    pub fn new(title: &str) -> TitleEcho {
        // Read as `numbered` reads a text: an ASCII word is looked up ignoring ASCII case and
        // copied lower-cased only when it is new; any other word is lower-cased first.
        let mut distinct: Vec<String> = Vec::with_capacity(8);
        let mut weights = Vec::with_capacity(9);
        weights.push(0);
        let mut ids = Vec::with_capacity(8);
        for word in unicode_words(title) {
            let (at, lower) = if word.is_ascii() {
                let at = distinct.iter().position(|known| {
                    known.len() == word.len() && known.eq_ignore_ascii_case(word)
                });
                (at, None)
            } else {
                let lower = crate::text::lowercase(word);
                (
                    distinct.iter().position(|known| *known == lower),
                    Some(lower),
                )
            };
            let id = match at {
                Some(at) => at as u32 + 1,
                None => {
                    let lower = lower.unwrap_or_else(|| word.to_ascii_lowercase());
                    weights.push(weight(&lower));
                    distinct.push(lower);
                    distinct.len() as u32
                }
            };
            ids.push(id);
        }
        let can_echo = ids.iter().map(|&id| weights[id as usize]).sum::<usize>() >= THRESHOLD;
        let sentinels = if can_echo {
            sentinels(&ids, &distinct)
        } else {
            Vec::new()
        };
        TitleEcho {
            ids,
            distinct,
            weights,
            can_echo,
            sentinels,
            occurrences: OnceCell::new(),
        }
    }

    /// Whether `text` repeats the title at length: [`echoes_title`].
    pub fn echoed_in(&self, text: &str) -> bool {
        self.echo_run(text).is_some()
    }

    /// The run of the title's words `text` repeats, as `text` writes them (lower-cased), when it
    /// is long enough to be an echo.
    pub(crate) fn run_in(&self, text: &str) -> Option<String> {
        let (_, end, length) = self.echo_run(text)?;
        let b = words(text);
        let run = &b[end - length..end];
        let sep = if run.iter().all(|x| x.chars().any(is_unspaced)) {
            ""
        } else {
            " "
        };
        Some(run.join(sep))
    }

    /// The text's words by the title's numbers.
    fn numbered<'t>(&'t self, text: &'t str) -> impl Iterator<Item = u32> + 't {
        unicode_words(text).map(move |word| {
            // An ASCII word is the title's lower-case word when it is one but for ASCII case
            // (a word past ASCII never is); any other word is lower-cased first.
            let at = if word.is_ascii() {
                self.distinct
                    .iter()
                    .position(|known| known.len() == word.len() && known.eq_ignore_ascii_case(word))
            } else {
                let lower = crate::text::lowercase(word);
                self.distinct.iter().position(|known| *known == lower)
            };
            at.map_or(0, |at| at as u32 + 1)
        })
    }

    /// The longest run of consecutive words the title and `text` share when it weighs enough to
    /// be an echo: its weight, where it ends among the text's words and its length in words.
    fn echo_run(&self, text: &str) -> Option<(usize, usize, usize)> {
        if !self.can_echo {
            return None;
        }
        if self
            .sentinels
            .iter()
            .any(|set| !self.holds_any(set, text.as_bytes()))
            && !text.contains(KELVIN_SIGN)
        {
            return None;
        }
        // A shared run lies in a stretch of the text's words that are all the title's: when no
        // stretch weighs enough, no run does. Most texts have none, and their numbers are read
        // as they come, without keeping them.
        let mut stretch = 0;
        let mut heaviest = 0;
        for id in self.numbered(text) {
            stretch = if id == 0 {
                0
            } else {
                stretch + self.weights[id as usize]
            };
            heaviest = heaviest.max(stretch);
        }
        if heaviest < THRESHOLD {
            return None;
        }
        let b: Vec<u32> = self.numbered(text).collect();
        self.longest_run(&b)
            .filter(|&(weight, _, _)| weight >= THRESHOLD)
    }

    /// Whether `text` holds one of the words numbered `set` (all ASCII) as a piece, ignoring
    /// ASCII case. A text that holds none can still have one among its words when it holds a
    /// Kelvin sign, the one character past ASCII that lower-cases to an ASCII letter (a test
    /// checks every character): the caller looks for one.
    fn holds_any(&self, set: &[u32], text: &[u8]) -> bool {
        set.iter().any(|&id| {
            let word = self.distinct[id as usize - 1].as_bytes();
            holds_ignoring_ascii_case(text, word)
        })
    }

    /// The longest run of consecutive words the title and the numbered words `b` share, by
    /// weight: its weight, where it ends among the words and its length in words. Of runs as
    /// heavy, the one that starts earliest in the title, then ends earliest in `b`.
    ///
    /// Only the cells where a title word meets the same word of `b` are visited (a text word
    /// is one of the title's at one or two places), each extending the cell one word back in
    /// both: the table of every title word against every text word is never written.
    fn longest_run(&self, b: &[u32]) -> Option<(usize, usize, usize)> {
        // The cells of the previous word of `b` and of this one: (title position, weight,
        // length), by title position.
        let mut previous: Vec<(u32, usize, usize)> = Vec::new();
        let mut current: Vec<(u32, usize, usize)> = Vec::new();
        // Weight, title position, end in `b`, length in words.
        let mut best: Option<(usize, u32, usize, usize)> = None;
        let occurrences = self
            .occurrences
            .get_or_init(|| Occurrences::of(&self.ids, self.distinct.len()));
        for (j, &y) in b.iter().enumerate() {
            current.clear();
            if y != 0 {
                for &i in occurrences.of_number(y) {
                    let (w, n) = match i.checked_sub(1) {
                        Some(back) => previous
                            .binary_search_by_key(&back, |cell| cell.0)
                            .map_or((0, 0), |k| (previous[k].1, previous[k].2)),
                        None => (0, 0),
                    };
                    let cell = (i, w + self.weights[y as usize], n + 1);
                    current.push(cell);
                    if best.is_none_or(|(bw, bi, _, _)| cell.1 > bw || (cell.1 == bw && i < bi)) {
                        best = Some((cell.1, i, j + 1, cell.2));
                    }
                }
            }
            std::mem::swap(&mut previous, &mut current);
        }
        best.map(|(weight, _, end, length)| (weight, end, length))
    }
}

/// The weight a run must reach to be an echo.
const THRESHOLD: usize = SPECIFICITY.echo_run_words * UNSPACED_PER_WORD;

/// The fewest words a run of [`THRESHOLD`] weight has: no word weighs more than
/// [`UNSPACED_PER_WORD`].
const LEAST_RUN_WORDS: usize = THRESHOLD.div_ceil(UNSPACED_PER_WORD);

/// `K` (U+212A), which lower-cases to `k`.
const KELVIN_SIGN: char = '\u{212A}';

/// The sets of words (by number) every run of [`LEAST_RUN_WORDS`] title positions or more holds
/// one of each of: the title positions of each class modulo [`LEAST_RUN_WORDS`] (such a run
/// holds one position of every class). The classes whose words are all ASCII, the one whose
/// shortest word is longest first (long words are rare in other text), the fewest words first
/// on a tie.
fn sentinels(ids: &[u32], distinct: &[String]) -> Vec<Vec<u32>> {
    let mut classes: Vec<Vec<u32>> = (0..LEAST_RUN_WORDS.min(ids.len()))
        .map(|class| {
            let mut numbers: Vec<u32> = ids
                .iter()
                .skip(class)
                .step_by(LEAST_RUN_WORDS)
                .copied()
                .collect();
            numbers.sort_unstable();
            numbers.dedup();
            numbers
        })
        .filter(|numbers| {
            numbers
                .iter()
                .all(|&id| distinct[id as usize - 1].is_ascii())
        })
        .collect();
    classes.sort_by_key(|numbers| {
        let shortest = numbers
            .iter()
            .map(|&id| distinct[id as usize - 1].len())
            .min();
        (std::cmp::Reverse(shortest), numbers.len())
    });
    classes
}

/// Whether `haystack` holds `needle` (not empty) as a piece, ignoring ASCII case: its first
/// byte's two cases are found by `memchr2`, the rest compared there.
fn holds_ignoring_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        haystack,
    )
    .any(|at| {
        haystack
            .get(at + 1..at + 1 + rest.len())
            .is_some_and(|piece| piece.eq_ignore_ascii_case(rest))
    })
}

fn weight(word: &str) -> usize {
    // No ASCII character belongs to a script written without spaces.
    if !word.is_ascii() && word.chars().any(is_unspaced) {
        1
    } else {
        UNSPACED_PER_WORD
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// A shared reading is the title's own, whichever titles were read before it, and the
        /// same title read twice in a row is read once. (The memo itself is tested in
        /// `recent`.)
        #[test]
        fn a_shared_reading_is_the_titles_own(
            titles in proptest::collection::vec("(Export|export|EXPORT|CSV|csv|ß|SS| ){1,4}", 1..8)
        ) {
            for (i, title) in titles.iter().enumerate() {
                let shared = TitleEcho::shared(title);
                prop_assert_eq!(format!("{shared:?}"), format!("{:?}", TitleEcho::new(title)));
                prop_assert!(Rc::ptr_eq(&shared, &TitleEcho::shared(title)));
                if i > 0 && titles[i - 1] != *title {
                    prop_assert!(!Rc::ptr_eq(&shared, &TitleEcho::shared(&titles[i - 1])));
                }
            }
        }
    }

    /// The reading before the words were numbered: strings compared in the table.
    fn by_strings(a: &[String], text: &str) -> Option<(usize, String)> {
        let b = words(text);
        let mut previous = vec![(0usize, 0usize); b.len() + 1];
        let mut row = vec![(0usize, 0usize); b.len() + 1];
        let mut best = (0usize, 0usize, 0usize);
        for x in a {
            row.fill((0, 0));
            for (j, y) in b.iter().enumerate() {
                if x == y {
                    let (w, n) = previous[j];
                    row[j + 1] = (w + weight(y), n + 1);
                    if row[j + 1].0 > best.0 {
                        best = (row[j + 1].0, j + 1, n + 1);
                    }
                }
            }
            std::mem::swap(&mut previous, &mut row);
        }
        let (w, end, n) = best;
        (n > 0).then(|| {
            let sep = if b[end - n..end].iter().all(|x| x.chars().any(is_unspaced)) {
                ""
            } else {
                " "
            };
            (w, b[end - n..end].join(sep))
        })
    }

    impl TitleEcho {
        /// The longest run as first written: the whole table of title words against text
        /// words, one row at a time, the first heaviest cell kept.
        fn longest_run_by_table(&self, b: &[u32]) -> Option<(usize, usize, usize)> {
            let ids = &self.ids;
            let mut previous = vec![(0usize, 0usize); b.len() + 1];
            let mut row = vec![(0usize, 0usize); b.len() + 1];
            let mut best = (0usize, 0usize, 0usize);
            for &x in ids {
                row.fill((0, 0));
                for (j, &y) in b.iter().enumerate() {
                    if x == y {
                        let (w, n) = previous[j];
                        row[j + 1] = (w + self.weights[y as usize], n + 1);
                        if row[j + 1].0 > best.0 {
                            best = (row[j + 1].0, j + 1, n + 1);
                        }
                    }
                }
                std::mem::swap(&mut previous, &mut row);
            }
            (best.2 > 0).then_some(best)
        }
    }

    fn text_of(tokens: &[&str]) -> String {
        tokens.join(" ")
    }

    const WORDS: &[&str] = &[
        "Reduce",
        "reduce",
        "checkout",
        "CHECKOUT",
        "abandonment",
        "on",
        "mobile",
        "Mobile",
        "the",
        "結帳",
        "流程",
        "結",
        "Ärger",
        "ärger",
        "x",
        "-",
        "?",
        "kit",
        "\u{212A}IT",
    ];

    #[test]
    fn the_kelvin_sign_is_the_one_character_past_ascii_that_lower_cases_into_ascii() {
        let into_ascii: Vec<char> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii())
            .filter(|c| crate::text::lowercase(&c.to_string()).is_ascii())
            .collect();
        assert_eq!(into_ascii, vec!['\u{212A}']);
    }

    proptest! {
        /// Every run of title positions long enough to be an echo holds a word of every
        /// sentinel set.
        #[test]
        fn every_run_long_enough_holds_a_word_of_every_sentinel_set(
            title in proptest::collection::vec("[a-z]{1,9}", LEAST_RUN_WORDS..3 * LEAST_RUN_WORDS),
        ) {
            let echo = TitleEcho::new(&title.join(" "));
            prop_assert_eq!(echo.sentinels.len(), LEAST_RUN_WORDS);
            for set in &echo.sentinels {
                for run in echo.ids.windows(LEAST_RUN_WORDS) {
                    prop_assert!(run.iter().any(|id| set.contains(id)), "{:?} in {:?}", set, echo.ids);
                }
            }
        }

        /// The search ignoring ASCII case finds a piece where lower-casing both and searching
        /// does.
        #[test]
        fn pieces_are_found_ignoring_ascii_case(
            haystack in "[aAbB é]{0,12}",
            needle in "[aAbB]{1,3}",
        ) {
            let expected = haystack
                .to_ascii_lowercase()
                .contains(&needle.to_ascii_lowercase());
            prop_assert_eq!(
                holds_ignoring_ascii_case(haystack.as_bytes(), needle.as_bytes()),
                expected
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Numbered words find the run the strings find, of the same weight, quoted alike.
        #[test]
        fn numbered_runs_are_the_string_runs(
            title in proptest::collection::vec(proptest::sample::select(WORDS), 0..7),
            text in proptest::collection::vec(proptest::sample::select(WORDS), 0..9),
        ) {
            let (title, text) = (text_of(&title), text_of(&text));
            let echo = TitleEcho::new(&title);
            let expected = by_strings(&words(&title), &text);
            let numbers: Vec<u32> = echo.numbered(&text).collect();
            let found = echo.longest_run(&numbers).map(|(w, _, _)| w);
            prop_assert_eq!(found, expected.as_ref().map(|(w, _)| *w));
            let run = expected.filter(|(w, _)| *w >= THRESHOLD).map(|(_, run)| run);
            prop_assert_eq!(echo.run_in(&text), run.clone());
            prop_assert_eq!(echo.echoed_in(&text), run.is_some());
        }

        /// The title is read word by word as `words` reads it: the same numbers, distinct
        /// lower-case words and weights as numbering `words(title)` in order.
        #[test]
        fn titles_number_their_words_as_words_reads_them(
            title in proptest::collection::vec(proptest::sample::select(WORDS), 0..9),
        ) {
            let title = text_of(&title);
            let echo = TitleEcho::new(&title);
            let mut distinct: Vec<String> = Vec::new();
            let mut weights = vec![0];
            let mut ids = Vec::new();
            for word in words(&title) {
                match distinct.iter().position(|known| *known == word) {
                    Some(at) => ids.push(at as u32 + 1),
                    None => {
                        weights.push(if word.chars().any(is_unspaced) { 1 } else { UNSPACED_PER_WORD });
                        distinct.push(word);
                        ids.push(distinct.len() as u32);
                    }
                }
            }
            prop_assert_eq!(&echo.ids, &ids);
            prop_assert_eq!(&echo.distinct, &distinct);
            prop_assert_eq!(&echo.weights, &weights);
        }

        /// Only the cells where words meet are visited, and the run chosen is the table's: of
        /// runs as heavy, the first in the title, then in the text (few words, many ties).
        #[test]
        fn runs_are_the_tables_runs(
            title in proptest::collection::vec(proptest::sample::select(&["a", "b", "c", "結"][..]), 0..10),
            text in proptest::collection::vec(proptest::sample::select(&["a", "b", "c", "結", "z"][..]), 0..14),
        ) {
            let (title, text) = (text_of(&title), text_of(&text));
            let echo = TitleEcho::new(&title);
            let numbers: Vec<u32> = echo.numbered(&text).collect();
            prop_assert_eq!(echo.longest_run(&numbers), echo.longest_run_by_table(&numbers));
        }

        /// Texts that quote the title in part, among words of their own: echoes or runs just
        /// short of one are found as the strings find them (the shortcuts of long-enough titles
        /// and stretches rule nothing out that is one).
        #[test]
        fn quoted_runs_are_the_string_runs(
            title in proptest::collection::vec(proptest::sample::select(WORDS), 0..12),
            before in proptest::collection::vec(proptest::sample::select(WORDS), 0..3),
            from in 0usize..12,
            length in 0usize..12,
            after in proptest::collection::vec(proptest::sample::select(WORDS), 0..3),
        ) {
            let from = from.min(title.len());
            let to = (from + length).min(title.len());
            let quoted: Vec<&str> =
                before.iter().chain(&title[from..to]).chain(&after).copied().collect();
            let (title, text) = (text_of(&title), text_of(&quoted));
            let echo = TitleEcho::new(&title);
            let run = by_strings(&words(&title), &text)
                .filter(|(w, _)| *w >= THRESHOLD)
                .map(|(_, run)| run);
            prop_assert_eq!(echo.run_in(&text), run.clone());
            prop_assert_eq!(echo.echoed_in(&text), run.is_some());
        }
    }
}
