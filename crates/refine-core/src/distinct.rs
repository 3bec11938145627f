//! Distinctness across a run: how much of the questions' wording is shared between topics once
//! each topic's own words are masked. A planner that pastes the title into fixed sentences
//! writes the same masked wording for every topic; one that reads the item does not.
//!
//! A question's *wording* is its lower-cased words with every word of its topic's title (by
//! stem) replaced by one mask, runs of masks collapsed. A wording is *templated* when it occurs
//! for [`SPECIFICITY`]`.templated_topics` distinct topics or more. The run's figure is
//! `templated questions / all questions`: 0 when every topic's questions read differently, 1 for
//! a pure template. Lower is better.

use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::contract::SPECIFICITY;
use crate::text::{each_lower_word, same_text, stem_shared, words};

/// The mask that stands for the topic's own words.
const MASK: &str = "…";

/// A question's wording with its topic's own words masked.
pub fn masked_wording(title: &str, question: &str) -> String {
    masked_by(&TitleWords::of(title), question)
}

/// A title's words as the masking looks for them, read once for all its questions.
struct TitleWords {
    /// The lower-case words: a question's word that is one of them is the title's own without
    /// being stemmed (every question quotes or names the topic).
    words: Vec<String>,
    /// Their stems. A title has a handful: a question's word's stem is looked for among them
    /// one by one, each compared by length first.
    stems: Vec<Rc<str>>,
    /// The first two bytes of each stem, hashed into 1,024 bits (a collision only lets a word
    /// through to its stem). A stem keeps its word's first two characters (`text`'s test
    /// `stem_keeps_its_start`) but for the three words the stemmer spells anew ([`RESPELT`]):
    /// a word starting otherwise than every stem here is none of the title's, and is not
    /// stemmed. (The first byte alone told too little: `t`, `w` and `s` start most of a
    /// question's words and many titles' stems.)
    starts: [u64; 16],
    /// The stems of one byte, which a word need only start with.
    single_byte: [bool; 256],
}

/// The words whose stems do not start with their first two characters: "dying", "lying" and
/// "tying" stem to "die", "lie" and "tie" (the Snowball English stemmer's exceptions).
const RESPELT: [&str; 3] = ["dying", "lying", "tying"];

/// The bit of [`TitleWords::starts`] for a word starting with `first` and `second`.
fn start_bit(first: u8, second: u8) -> usize {
    let pair = (u32::from(first) << 8) | u32::from(second);
    (pair.wrapping_mul(0x9E37_79B1) >> 22) as usize
}

impl TitleWords {
    fn of(title: &str) -> TitleWords {
        let words = words(title);
        let stems: Vec<Rc<str>> = words.iter().map(|w| stem_shared(w)).collect();
        let mut starts = [0u64; 16];
        let mut single_byte = [false; 256];
        for stem in &stems {
            match *stem.as_bytes() {
                [] => {}
                [only] => single_byte[usize::from(only)] = true,
                [first, second, ..] => {
                    let bit = start_bit(first, second);
                    starts[bit >> 6] |= 1 << (bit & 63);
                }
            }
        }
        TitleWords {
            words,
            stems,
            starts,
            single_byte,
        }
    }

    /// Whether a word starting as `word` does may be one of the title's.
    fn may_hold(&self, word: &str) -> bool {
        match *word.as_bytes() {
            [] => false,
            [only] => self.single_byte[usize::from(only)],
            [first, second, ..] => {
                let bit = start_bit(first, second);
                self.single_byte[usize::from(first)]
                    || self.starts[bit >> 6] & (1 << (bit & 63)) != 0
                    || (word.len() == 5 && RESPELT.contains(&word))
            }
        }
    }

    /// Whether a question's lower-case `word` is one of the title's, by stem.
    fn holds(&self, word: &str) -> bool {
        self.may_hold(word)
            && (self.words.iter().any(|w| same_text(w, word)) || {
                let stem = stem_shared(word);
                self.stems.iter().any(|s| same_text(s, &stem))
            })
    }
}

/// [`masked_wording`], given the title's words: the question's lower-case words ([`words`])
/// joined by spaces, each run of the title's own words one mask. Written as it is read, one
/// word at a time in a reused buffer.
fn masked_by(own: &TitleWords, question: &str) -> String {
    let mut out = String::with_capacity(question.len());
    let mut masked = false;
    each_lower_word(question, |lower| {
        let own_word = own.holds(lower);
        if own_word && masked {
            return;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(if own_word { MASK } else { lower });
        masked = own_word;
    });
    out
}

/// One topic's questions with the topic's own words masked: what [`WordingTally::add`]
/// counts. The masking is the costly part of a tally; built apart, it can be done where the
/// tally is not held (an eval's workers, each for the case it ran).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MaskedQuestions(Vec<String>);

impl MaskedQuestions {
    /// The questions written for the topic titled `title`, each as its masked wording.
    pub fn of(title: &str, questions: &[String]) -> MaskedQuestions {
        let own = TitleWords::of(title);
        MaskedQuestions(questions.iter().map(|q| masked_by(&own, q)).collect())
    }
}

/// The tally behind a run's distinctness figure: every masked wording, with the topics it was
/// written for (up to the threshold) and how many questions used it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordingTally {
    /// Hashed with `FxHash`, not SipHash: the keys are our own wordings, and every figure
    /// read from the map is independent of its order.
    wordings: FxHashMap<String, Uses>,
    questions: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Uses {
    /// Distinct topic ids, kept only up to the threshold.
    topics: Vec<String>,
    questions: usize,
}

impl WordingTally {
    /// Adds the questions written for one topic (a repeat of a topic adds to the same topic).
    pub fn add(&mut self, topic_id: &str, title: &str, questions: &[String]) {
        self.add_masked(topic_id, MaskedQuestions::of(title, questions));
    }

    /// [`WordingTally::add`], the questions already masked.
    pub fn add_masked(&mut self, topic_id: &str, questions: MaskedQuestions) {
        for wording in questions.0 {
            let uses = self.wordings.entry(wording).or_default();
            uses.questions += 1;
            if uses.topics.len() < SPECIFICITY.templated_topics
                && !uses.topics.iter().any(|t| t == topic_id)
            {
                uses.topics.push(topic_id.to_string());
            }
            self.questions += 1;
        }
    }

    /// Questions tallied.
    pub fn questions(&self) -> usize {
        self.questions
    }

    /// Questions whose wording recurs across the threshold's number of topics or more.
    pub fn templated(&self) -> usize {
        self.wordings
            .values()
            .filter(|u| u.topics.len() >= SPECIFICITY.templated_topics)
            .map(|u| u.questions)
            .sum()
    }

    /// The distinctness figure: the share of templated questions, or `None` with no questions.
    pub fn share(&self) -> Option<f64> {
        (self.questions > 0).then(|| self.templated() as f64 / self.questions as f64)
    }

    /// The most used templated wordings with their question counts, most used first.
    pub fn most_templated(&self, n: usize) -> Vec<(&str, usize)> {
        let mut all: Vec<(&str, usize)> = self
            .wordings
            .iter()
            .filter(|(_, u)| u.topics.len() >= SPECIFICITY.templated_topics)
            .map(|(w, u)| (w.as_str(), u.questions))
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        all.truncate(n);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wording as it was first written: all the words, then the masks, then the join.
    fn masked_by_words(own: &[Rc<str>], question: &str) -> String {
        let mut out: Vec<&str> = Vec::new();
        let question_words = words(question);
        for word in &question_words {
            if own.contains(&stem_shared(word)) {
                if out.last() != Some(&MASK) {
                    out.push(MASK);
                }
            } else {
                out.push(word);
            }
        }
        out.join(" ")
    }

    proptest::proptest! {
        /// Word by word in one buffer, the wording is the one all the words joined give.
        #[test]
        fn wording_is_read_as_the_words_give_it(
            title in "(Dark|mode|Modes|Export|CSV|Été|ß|Die|ties|a| |-){0,6}",
            question in "(Who|dark|DARK|modes|mode|export|csv|été|ÉTÉ|ß|SS|dying|Tying|die|a's|as|’|“| |, |-|\\?){0,14}"
        ) {
            let own = TitleWords::of(&title);
            proptest::prop_assert_eq!(masked_by(&own, &question), masked_by_words(&own.stems, &question));
        }
    }

    fn q(text: &str) -> Vec<String> {
        vec![text.to_string()]
    }

    #[test]
    fn the_titles_own_words_are_masked() {
        assert_eq!(
            masked_wording(
                "Dark mode",
                "Who is affected by “dark mode”, and how do modes differ?"
            ),
            "who is affected by … and how do … differ"
        );
    }

    #[test]
    fn only_the_titles_own_words_are_masked() {
        // The title's words run together, or one of them cut short, are other words.
        assert_eq!(
            masked_wording("Dark modes", "Are darkmodes or darkm modes dark?"),
            "are darkmodes or darkm …"
        );
        assert_eq!(
            masked_wording("Sign in with SSO", "Does signin with sso sign in?"),
            "does signin …"
        );
    }

    #[test]
    fn words_the_stemmer_respells_and_stems_of_one_letter_are_masked() {
        // "dying" stems to "die", which does not start as "dying" does.
        assert_eq!(
            masked_wording("Die casting", "Why are dying parts cast?"),
            "why are … parts …"
        );
        // A stem of one letter ("a", from "A") masks a word that stems to it ("a's").
        assert_eq!(masked_wording("Plan A", "Is a's plan set?"), "is … set");
        assert_eq!(
            masked_wording("Plan A", "Is a new plan set?"),
            "is … new … set"
        );
    }

    #[test]
    fn a_template_scores_one_and_distinct_questions_zero() {
        let titles = ["Dark mode", "Export to CSV", "Faster search", "SSO login"];
        let mut template = WordingTally::default();
        let mut distinct = WordingTally::default();
        for (i, title) in titles.iter().enumerate() {
            template.add(title, title, &q(&format!("Who is affected by “{title}”?")));
            let own = [
                "night readers",
                "finance exports",
                "slow queries",
                "okta admins",
            ][i];
            distinct.add(title, title, &q(&format!("What do {own} do today?")));
        }
        assert_eq!(template.share(), Some(1.0));
        assert_eq!(distinct.share(), Some(0.0));
        assert_eq!(
            template.most_templated(1),
            vec![("who is affected by …", 4)]
        );
    }

    #[test]
    fn wording_shared_by_two_topics_is_not_yet_a_template() {
        let mut tally = WordingTally::default();
        tally.add("a", "Dark mode", &q("Why “dark mode”?"));
        tally.add("b", "Light mode", &q("Why “light mode”?"));
        tally.add("b", "Light mode", &q("Why “light mode”?"));
        assert_eq!(tally.share(), Some(0.0), "a repeat is the same topic");
        tally.add("c", "Search", &q("Why “search”?"));
        assert_eq!(tally.share(), Some(1.0));
    }
}
