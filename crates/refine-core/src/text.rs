//! Text helpers shared by the guide parser, the reply parser and the linter: words, stems,
//! content terms, phrase matching, sentence counting and Markdown markup stripping.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

#[cfg(test)]
use refine_pattern::Pattern;
use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;

/// English function words that never tie a sentence to a subject.
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "let", "lets", "let's",
    "may", "me", "might", "more", "most", "must", "my", "no", "nor", "not", "now", "of", "off",
    "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "shall",
    "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "us", "very",
    "was", "we", "we're", "were", "what", "when", "where", "which", "while", "who", "whom", "why",
    "will", "with", "would", "you", "your", "yours", "yet", "e.g", "i.e", "etc", "vs",
];

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Stop words and the vocabulary's generic words, with the stems of the generic words, built once.
static IGNORED: LazyLock<(FxHashSet<&'static str>, FxHashSet<Cow<'static, str>>)> =
    LazyLock::new(|| {
        let generic = crate::contract::VOCABULARY.generic;
        let words = STOPWORDS.iter().chain(generic).copied().collect();
        // The generic words are refine's own, so their stems are known (looked up without the
        // memo, which this would fill with words few texts use).
        let stems = generic
            .iter()
            .map(|g| match known_stem(g) {
                Some(known) => Cow::Borrowed(known),
                None => Cow::Owned(String::from(STEMMER.stem(g).as_ref())),
            })
            .collect();
        (words, stems)
    });

/// The stem of `word` from [`known_stems::KNOWN_STEMS`], when it is one of refine's own words.
fn known_stem(word: &str) -> Option<&'static str> {
    known_stems::KNOWN_STEMS
        .binary_search_by(|(w, _)| (*w).cmp(word))
        .ok()
        .map(|at| known_stems::KNOWN_STEMS[at].1)
}

/// Lower-cased words of `text`, in order (Unicode word boundaries).
pub fn words(text: &str) -> Vec<String> {
    unicode_words(text)
        .map(|w| {
            if w.is_ascii() {
                w.to_ascii_lowercase()
            } else {
                lowercase(w)
            }
        })
        .collect()
}

/// Tells `take` each of [`words`] in turn, lower-cased into one buffer instead of a string a
/// word.
pub(crate) fn each_lower_word(text: &str, mut take: impl FnMut(&str)) {
    // Room for most words at once: growing it word by word cost a reallocation each time.
    let mut lower = String::with_capacity(32);
    for word in unicode_words(text) {
        if word.is_ascii() {
            // Most words are lower case already: told as they stand.
            if word.bytes().any(|b| b.is_ascii_uppercase()) {
                lower.clear();
                lower.push_str(word);
                lower.make_ascii_lowercase();
                take(&lower);
            } else {
                take(word);
            }
        } else {
            take(&lowercase(word));
        }
    }
}

/// [`words`], each borrowed from `text` where lower-casing leaves it as it is: most words of
/// most texts are lower case already, and are not copied.
pub fn lower_words(text: &str) -> Vec<Cow<'_, str>> {
    let mut out = Vec::with_capacity(text.bytes().filter(|&b| b == b' ').count() + 1);
    out.extend(unicode_words(text).map(|word| {
        if word.is_ascii() {
            if word.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(word.to_ascii_lowercase())
            } else {
                Cow::Borrowed(word)
            }
        } else {
            let lower = lowercase(word);
            if lower == word {
                Cow::Borrowed(word)
            } else {
                Cow::Owned(lower)
            }
        }
    }));
    out
}

/// The words of `text` by Unicode's word boundaries (UAX #29), those holding a letter or digit:
/// what `unicode_words` yields, several times faster on the ASCII stretches most texts are made
/// of. The text is cut where ASCII whitespace meets an ASCII character that is not: UAX #29
/// always breaks there, and no rule looks across it (every rule that looks two characters back
/// or ahead needs a letter, digit or joining mark where the whitespace is). Pieces of ASCII,
/// Latin-1, Cyrillic, Hangul, CJK ideographs, Hiragana and a few marks go through
/// [`SimpleWords`], the rest (Katakana, Thai, combining marks, emoji, ...) through
/// `unicode-segmentation`.
pub fn unicode_words(text: &str) -> Words<'_> {
    // Most texts are simple throughout: one piece, no cutting.
    let current = if SimpleWords::reads_all(text) {
        Piece::Simple(SimpleWords::new(text))
    } else {
        Piece::Done
    };
    let next_piece = if matches!(current, Piece::Simple(_)) {
        text.len()
    } else {
        0
    };
    Words {
        text,
        next_piece,
        current,
    }
}

/// The iterator of [`unicode_words`].
pub struct Words<'a> {
    text: &'a str,
    /// Where the next piece starts.
    next_piece: usize,
    current: Piece<'a>,
}

/// The piece being read, and how.
enum Piece<'a> {
    Done,
    Simple(SimpleWords<'a>),
    General(unicode_segmentation::UnicodeWords<'a>),
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        self.current.next_word().or_else(|| self.next_piece_word())
    }
}

impl<'a> Piece<'a> {
    /// The piece's next word.
    #[inline]
    fn next_word(&mut self) -> Option<&'a str> {
        match self {
            Piece::Simple(words) => words.next(),
            Piece::General(words) => general_next(words),
            Piece::Done => None,
        }
    }
}

/// The next word of a piece that needs the general segmentation: apart, so that the simple
/// path a word takes stays small enough to inline where words are read.
#[inline(never)]
fn general_next<'a>(words: &mut unicode_segmentation::UnicodeWords<'a>) -> Option<&'a str> {
    words.next()
}

impl<'a> Words<'a> {
    /// The first word of the pieces after the current one.
    #[inline(never)]
    fn next_piece_word(&mut self) -> Option<&'a str> {
        loop {
            let bytes = self.text.as_bytes();
            let start = self.next_piece;
            if start >= bytes.len() {
                self.current = Piece::Done;
                return None;
            }
            let mut end = start + 1;
            while end < bytes.len()
                && !(bytes[end - 1].is_ascii_whitespace()
                    && bytes[end].is_ascii()
                    && !bytes[end].is_ascii_whitespace())
            {
                end += 1;
            }
            self.next_piece = end;
            let piece = &self.text[start..end];
            self.current = if SimpleWords::reads_all(piece) {
                Piece::Simple(SimpleWords::new(piece))
            } else {
                Piece::General(piece.unicode_words())
            };
            if let Some(word) = self.current.next_word() {
                return Some(word);
            }
        }
    }
}

/// How many distinct words each thread remembers the stem and term of before it starts afresh:
/// a backlog's vocabulary fits many times over, and memory stays flat over any number of cases.
const WORD_CACHE_LIMIT: usize = 50_000;

/// Per-word memo of this thread: stemming and the term tests cost far more than a lookup, and
/// the same words come back in every reply, key point and question.
#[derive(Default)]
struct WordCache {
    /// Lower-case word to its stem.
    stems: FxHashMap<Box<str>, Rc<str>>,
    /// Word as written to the term it adds to [`terms`], or `None` when it adds none.
    terms: FxHashMap<Box<str>, Option<Rc<str>>>,
}

thread_local! {
    static WORD_CACHE: RefCell<WordCache> = RefCell::default();
}

/// The English stem of one lower-case word ("timeboxing" -> "timebox").
pub fn stem(word: &str) -> String {
    String::from(stem_shared(word).as_ref())
}

/// [`stem`], shared with the memo instead of copied.
pub(crate) fn stem_shared(word: &str) -> Rc<str> {
    let known = WORD_CACHE.with(|cache| cache.borrow().stems.get(word).cloned());
    if let Some(stem) = known {
        return stem;
    }
    let stem: Rc<str> = match known_stem(word) {
        Some(known) => Rc::from(known),
        None => Rc::from(STEMMER.stem(word).as_ref()),
    };
    WORD_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.stems.len() >= WORD_CACHE_LIMIT {
            cache.stems.clear();
        }
        cache.stems.insert(Box::from(word), Rc::clone(&stem));
    });
    stem
}

/// Tells `take` the term each word of `text` adds to [`terms`], in order, until it returns
/// false. The memo is reached once for the whole text, not once a word.
fn each_word_term(text: &str, mut take: impl FnMut(&Rc<str>) -> bool) {
    WORD_CACHE.with(|cache| {
        for word in unicode_words(text) {
            let known = cache.borrow().terms.get(word).cloned();
            let term = match known {
                Some(term) => term,
                None => word_term_missed(word),
            };
            if let Some(term) = term
                && !take(&term)
            {
                return;
            }
        }
    });
}

/// The term one word (as written) adds to [`terms`], if any, for a word not in the memo, which
/// it then holds.
#[inline(never)]
fn word_term_missed(word: &str) -> Option<Rc<str>> {
    let term = word_term_uncached(word);
    WORD_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.terms.len() >= WORD_CACHE_LIMIT {
            cache.terms.clear();
        }
        cache.terms.insert(Box::from(word), term.clone());
    });
    term
}

fn word_term_uncached(word: &str) -> Option<Rc<str>> {
    let (ignored_words, ignored_stems) = &*IGNORED;
    if word.chars().any(is_unspaced) {
        return None;
    }
    let lower = word.to_lowercase();
    if lower.chars().all(|c| c.is_ascii_digit()) || lower.chars().count() < 2 {
        return None;
    }
    if ignored_words.contains(lower.as_str()) {
        return None;
    }
    let stemmed = stem_shared(&lower);
    if ignored_stems.contains(stemmed.as_ref()) {
        return None;
    }
    Some(stemmed)
}

/// Whether `c` belongs to a script written without spaces between words.
pub fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{0E00}'..='\u{0E7F}' // Thai
        | '\u{0E80}'..='\u{0EFF}' // Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
    )
}

/// Whether `text` has any content term: `!terms(text).is_empty()`, without building the set
/// (it stops at the first term).
pub fn has_terms(text: &str) -> bool {
    let mut found = false;
    each_word_term(text, |_| {
        found = true;
        false
    });
    found || text.chars().any(is_unspaced)
}

/// Whether two stems name the same thing: equal, or one a prefix of the other of at least four
/// letters ("admin" and "administr", "retro" and "retrospect").
pub fn same_stem(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // The prefix is compared first: most pairs differ in their first bytes, and only a
    // prefix's letters need counting (fewer than four bytes are fewer than four letters).
    // The first bytes are compared before the call to `memcmp`: most pairs differ there.
    short.as_bytes().first() == long.as_bytes().first()
        && long.starts_with(short)
        && (short.len() == long.len() || (short.len() >= 4 && short.chars().nth(3).is_some()))
}

mod case;
pub(crate) use case::is_letter_or_digit;
pub use case::lowercase;
mod terms;
pub use terms::{Terms, terms, terms_meet};
pub(crate) use terms::{same_text, term_order};
mod phrases;
pub use phrases::{LoweredText, PhraseMatch, Phrases, find_phrase};
mod shared;
pub use shared::{keep_terms_between_replies, shared_terms, sharing_terms};

thread_local! {
    /// The texts whose sentences this thread counted lately: the offline planner counts its
    /// closing statement's sentences to keep them within the contract's bounds, and the linter
    /// then counts the same closing parsed back from the reply.
    static COUNTED_LATELY: RefCell<crate::recent::Recent<Box<str>, usize>> =
        const { RefCell::new(crate::recent::Recent::new()) };
}

/// How many sentences `text` holds: Unicode sentence segments that contain a letter or digit.
/// Counted once for a text this thread counted lately ([`crate::recent`]).
pub fn sentence_count(text: &str) -> usize {
    crate::recent::remembered(&COUNTED_LATELY, text, || {
        // Plain text is cut through the memo of cuts, which the linter's phrase search reads
        // too; its sentences with a letter or digit are those `unicode_sentences` keeps.
        if text.is_empty() || !sentences::reads_plain(text) {
            return unicode_sentences(text).count();
        }
        sentences::bounds_of(text)
            .iter()
            .filter(|range| {
                let sentence = &text[(*range).clone()];
                sentence.bytes().any(|b| b.is_ascii_alphanumeric())
                    || sentence.contains(sentences::is_plain_letter)
            })
            .count()
    })
}

/// The sentences of `text` that hold a letter or digit: what `unicode-segmentation`'s
/// `unicode_sentences` yields, several times faster on plain text (see `sentences`).
pub fn unicode_sentences(text: &str) -> UnicodeSentences<'_> {
    // unicode-segmentation 1.13 overflows in its sentence iterator's size hint on empty input.
    UnicodeSentences(if text.is_empty() {
        SentencesOf::Nothing
    } else if sentences::reads_plain(text) {
        SentencesOf::Plain(sentences::plain_sentence_bounds(text))
    } else {
        SentencesOf::General(text.unicode_sentences())
    })
}

/// The iterator of [`unicode_sentences`].
pub struct UnicodeSentences<'a>(SentencesOf<'a>);

/// What [`UnicodeSentences`] reads, and how.
enum SentencesOf<'a> {
    Nothing,
    Plain(sentences::SentenceBounds<'a>),
    General(unicode_segmentation::UnicodeSentences<'a>),
}

impl<'a> Iterator for UnicodeSentences<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match &mut self.0 {
            SentencesOf::Nothing => None,
            // The letters and digits of such text are ASCII or the plain letters past it.
            SentencesOf::Plain(bounds) => bounds.find(|s| {
                s.bytes().any(|b| b.is_ascii_alphanumeric())
                    || s.contains(sentences::is_plain_letter)
            }),
            SentencesOf::General(general) => general.next(),
        }
    }
}

mod known_stems;
mod markup;
mod sentences;
mod simple_words;
use simple_words::SimpleWords;
pub(crate) use simple_words::is_latin1_letter;

/// What [`markup::list_marker_end`] reads (the proptests' oracle).
#[cfg(test)]
static LIST_MARKER: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(r"^(?:[-*+•]\s+|\(?\d{1,3}[.)]\s+|\(?[a-zA-Z][.)]\s+|#{1,6}\s+|>\s*)+")
});

/// What [`markup::strip_emphasis`] reads (the proptests' oracle).
#[cfg(test)]
static EMPHASIS: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(r"\*\*|__|(^|\W)[*_]|[*_](\W|$)|`"));

/// `line` without Markdown structure: leading list markers, numbering, heading hashes, block
/// quotes, and emphasis or code markers anywhere; trimmed.
pub fn strip_markup(line: &str) -> String {
    // Most lines carry no markup at all: no marker can start them and no emphasis or code mark
    // is in them, so each pass below is skipped where it would leave the text as it is. The
    // passes are `markup`'s, read by hand (equal to the regexes in the proptests).
    let line = line.trim();
    let marked = may_start_with_marker(line);
    let emphasised = memchr::memchr3(b'*', b'_', b'`', line.as_bytes()).is_some();
    if !marked && !emphasised {
        // Nothing to strip: the line as it stands, trimmed once.
        return line.to_string();
    }
    let without_marker = if marked {
        &line[markup::list_marker_end(line)..]
    } else {
        line
    };
    // A bullet `*` is no emphasis: the marks are looked for again past a marker.
    let emphasised = emphasised
        && (!marked || memchr::memchr3(b'*', b'_', b'`', without_marker.as_bytes()).is_some());
    let unemphasised = if !emphasised {
        Cow::Borrowed(without_marker)
    } else {
        Cow::Owned(markup::strip_emphasis(without_marker))
    };
    // A second pass: "**1. Context**" only shows its numbering once the emphasis is gone.
    let kept = strip_list_marker(unemphasised.trim()).trim();
    let start = kept.as_ptr().addr() - unemphasised.as_ptr().addr();
    let end = start + kept.len();
    match unemphasised {
        Cow::Borrowed(text) => text[start..end].to_string(),
        // The text the emphasis pass wrote is kept, cut to what is left.
        Cow::Owned(mut text) => {
            text.truncate(end);
            text.drain(..start);
            text
        }
    }
}

/// `text` without the list markers it starts with.
fn strip_list_marker(text: &str) -> &str {
    if may_start_with_marker(text) {
        &text[markup::list_marker_end(text)..]
    } else {
        text
    }
}

/// Whether `text` can start with what [`LIST_MARKER`] strips: a bullet, `(`, a digit (any
/// script's, as `\d` reads it), a letter followed by `.` or `)`, a heading hash or a quote mark.
pub(crate) fn may_start_with_marker(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('-' | '*' | '+' | '•' | '(' | '#' | '>') => true,
        Some(c) if c.is_numeric() => true,
        Some(c) if c.is_ascii_alphabetic() => matches!(chars.next(), Some('.' | ')')),
        _ => false,
    }
}

/// A URL- and file-name-friendly slug: lower-case ASCII letters and digits joined by hyphens
/// (other letters are kept as they are).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in unicode_words(text) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

/// This module's patterns, for the test that both engines read them alike.
#[cfg(test)]
pub(crate) fn patterns() -> Vec<&'static Pattern> {
    vec![&*LIST_MARKER, &*EMPHASIS]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn only_three_words_stem_to_another_start() {
        // The Snowball English stemmer's special words: only these three change their first
        // two characters (the masking of `distinct` looks them up by name).
        for (word, expected) in [("dying", "die"), ("lying", "lie"), ("tying", "tie")] {
            assert_eq!(stem(word), expected);
        }
        for word in [
            "skis", "skies", "idly", "gently", "ugly", "early", "only", "singly", "sky", "news",
            "howe", "atlas", "cosmos", "bias", "andes", "inning", "outing", "canning", "herring",
            "earring", "proceed", "exceed", "succeed", "a's", "yes", "yelling", "ties", "cries",
        ] {
            let stem = stem(word);
            let start: String = stem.chars().take(2).collect();
            assert!(word.starts_with(&start), "{word} -> {stem}");
        }
    }

    #[test]
    fn strip_markup_removes_lists_numbers_and_emphasis() {
        assert_eq!(
            strip_markup("  1. **Context Setting** (15 min)"),
            "Context Setting (15 min)"
        );
        assert_eq!(
            strip_markup("- *Define* the `core` problem"),
            "Define the core problem"
        );
        assert_eq!(strip_markup("### 2. Problem Space"), "Problem Space");
        assert_eq!(
            strip_markup("**1. Core problem:** what?"),
            "Core problem: what?"
        );
        assert_eq!(
            strip_markup("snake_case_name stays"),
            "snake_case_name stays"
        );
    }

    #[test]
    fn terms_skip_stop_and_generic_words_and_stem_the_rest() {
        let t = terms("Reduce the checkout abandonment on mobile");
        assert_eq!(
            t.iter().map(|t| &**t).collect::<Vec<_>>(),
            vec!["abandon", "checkout", "mobil"]
        );
    }

    #[test]
    fn terms_make_bigrams_of_unspaced_scripts() {
        let t = terms("改善結帳流程");
        assert!(t.contains("結帳"), "{t:?}");
        assert!(terms("結帳").is_subset(&t));
    }

    #[test]
    fn stems_meet_by_prefix() {
        assert!(same_stem("admin", "administr"));
        assert!(same_stem("retro", "retrospect"));
        assert!(
            !same_stem("app", "appl"),
            "three letters are too few to call a prefix"
        );
        assert!(terms_meet(
            &terms("new admins"),
            &terms("administrators get stuck")
        ));
    }

    #[test]
    fn find_phrase_matches_words_and_sees_negation() {
        let m = find_phrase("Agree on story points later", &["story points"], &["no"]);
        assert_eq!(m.map(|m| m.negated), Some(false));
        let m = find_phrase("No story points today.", &["story points"], &["no"]);
        assert_eq!(m.map(|m| m.negated), Some(true));
        assert!(find_phrase("A pointless story", &["story points"], &[]).is_none());
    }

    #[test]
    fn the_ignored_stems_are_the_generic_words_stems() {
        let generic = crate::contract::VOCABULARY.generic;
        let expected: FxHashSet<String> = generic.iter().map(|g| STEMMER.stem(g).into()).collect();
        let ignored: FxHashSet<String> = IGNORED.1.iter().map(|s| s.to_string()).collect();
        assert_eq!(ignored, expected);
    }

    #[test]
    fn known_stems_are_the_stemmers_in_order() {
        let known = known_stems::KNOWN_STEMS;
        for pair in known.windows(2) {
            assert!(pair[0].0 < pair[1].0, "not sorted: {pair:?}");
        }
        for (word, stem) in known {
            assert_eq!(STEMMER.stem(word).as_ref(), *stem, "{word}");
        }
    }

    #[test]
    fn the_built_in_guide_is_stemmed_by_lookup() {
        // Regenerate with `cargo run -q -p refine-core --example known_stems` when this fails.
        for word in words(crate::guide::DEFAULT_GUIDE_MARKDOWN) {
            let plain =
                word.len() >= 2 && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'\'');
            if plain {
                assert!(
                    known_stems::KNOWN_STEMS
                        .binary_search_by(|(w, _)| (*w).cmp(word.as_str()))
                        .is_ok(),
                    "`{word}` of the built-in guide is not in text/known_stems.rs"
                );
            }
        }
    }

    proptest::proptest! {
        /// A count remembered is the text's own, whichever texts were counted before it.
        #[test]
        fn remembered_counts_are_the_texts_own(
            texts in proptest::collection::vec("(One|two|\\.|!| |e\\.g\\.){0,6}", 1..12)
        ) {
            for text in texts.iter().chain(&texts) {
                proptest::prop_assert_eq!(sentence_count(text), unicode_sentences(text).count());
            }
        }
    }

    #[test]
    fn sentence_count_counts_real_sentences() {
        assert_eq!(sentence_count("One. Two! Three?"), 3);
        assert_eq!(
            sentence_count("Thanks, e.g. for this. Next steps follow."),
            2
        );
        assert_eq!(sentence_count("  "), 0);
        assert_eq!(
            sentence_count(""),
            0,
            "empty input must not panic in unicode-segmentation"
        );
    }

    #[test]
    fn every_known_stem_keeps_its_words_first_character() {
        for (word, known) in known_stems::KNOWN_STEMS {
            assert_eq!(
                known.chars().next(),
                word.chars().next(),
                "{word} -> {known}"
            );
            assert_eq!(stem(word).chars().next(), word.chars().next(), "{word}");
        }
    }

    proptest::proptest! {
        /// Plain text holds no script written without spaces: `terms` returns before looking
        /// for runs of one.
        #[test]
        fn plain_text_holds_no_unspaced_script(c in proptest::char::any()) {
            if refine_pattern::is_plain(&c.to_string()) {
                proptest::prop_assert!(!is_unspaced(c));
            }
            for mark in refine_pattern::PLAIN_MARKS {
                proptest::prop_assert!(!is_unspaced(*mark), "{:?}", mark);
            }
        }

        /// `has_terms` says what `terms` would: stop words, generic words, numbers and single
        /// letters give no term; a character of an unspaced script always does.
        #[test]
        fn has_terms_is_terms_not_empty(
            text in "((the|a|it|works|we|is|it's|1|22|x|team|thing|結|ก|é|Checkout|Admins)[ .,'’]{1,2}){0,6}"
        ) {
            proptest::prop_assert_eq!(has_terms(&text), !terms(&text).is_empty());
        }

        /// Two texts read together, a line break between them, have the terms of both and no
        /// other: the linter reads a title's and its notes' terms apart on the strength of it.
        #[test]
        fn terms_of_two_texts_across_a_line_break_are_the_union(
            a in "[a-zA-Z0-9 .,'’é結帳流程ー-]{0,24}",
            b in "[a-zA-Z0-9 .,'’é結帳流程ー-]{0,24}"
        ) {
            let together = terms(&format!("{a}\n{b}"));
            let apart: Terms = terms(&a).union(&terms(&b));
            proptest::prop_assert_eq!(together, apart);
        }

        /// The sentences holding a letter or digit are those `unicode-segmentation` yields,
        /// on plain text and on any other, sentences of marks alone left out alike.
        #[test]
        fn sentences_are_the_librarys_unicode_sentences(
            tokens in proptest::collection::vec(proptest::sample::select(&[
                "One", "two", "3", ".", "!", "?", " ", "\n", "\r\n", "...", "—", "“", "”",
                "e.g.", "é", "Été", "ß", "×", "٣", "。", "日本", "\u{a0}", "(", ")", "-",
            ][..]), 0..16),
        ) {
            let text: String = tokens.concat();
            let expected: Vec<&str> = if text.is_empty() {
                Vec::new()
            } else {
                text.unicode_sentences().collect()
            };
            proptest::prop_assert_eq!(unicode_sentences(&text).collect::<Vec<_>>(), expected);
        }

        /// A stem starts with its word's first character: the English stemmer changes endings
        /// only (the masking of an eval's questions stems only words that start as a title
        /// stem does).
        #[test]
        fn stem_keeps_its_start(
            word in "(y|[a-zéy]{1,5})(ing|ingly|ed|edly|eed|ies|ied|sses|s|y|ly|ness|ation|ational|al|e|at|bl|iz|izer|ful|ous|ive|ement|'s)?"
        ) {
            // The stem's first two characters (or its one) start the word: what the masking
            // of `distinct` tells a word by, but for the three words the stemmer spells anew.
            let stem = stem(&word);
            let start: String = stem.chars().take(2).collect();
            let respelt = ["dying", "lying", "tying"].contains(&word.as_str());
            proptest::prop_assert!(respelt || word.starts_with(&start), "{} -> {}", word, stem);
        }

        /// Words lower-cased into one buffer are [`words`]' words, and so are the borrowed.
        #[test]
        fn lower_words_in_a_buffer_or_borrowed_are_the_words(
            text in "(Story|points|t-shirt|SIZE|don't|Été|ΣΑΣ|日本|’| |-|\\.){0,8}"
        ) {
            let mut buffered = Vec::new();
            each_lower_word(&text, |word| buffered.push(word.to_string()));
            proptest::prop_assert_eq!(&buffered, &words(&text));
            let borrowed: Vec<String> = lower_words(&text).into_iter().map(Cow::into_owned).collect();
            proptest::prop_assert_eq!(&borrowed, &words(&text));
        }

        /// `same_stem` is its definition: equal, or one a prefix of the other of at least four
        /// letters (not bytes: "éé" is two).
        #[test]
        fn same_stem_is_equal_or_a_long_enough_prefix(a in "[abé]{0,6}", b in "[abé]{0,6}") {
            let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
            let defined = short == long || (short.chars().count() >= 4 && long.starts_with(short.as_str()));
            proptest::prop_assert_eq!(same_stem(&a, &b), defined);
        }

        /// `terms_meet` finds what comparing every pair of terms finds.
        #[test]
        fn terms_meet_as_every_pair_compared(
            a in proptest::collection::btree_set("[abé]{3,6}", 0..8),
            b in proptest::collection::btree_set("[abé]{0,6}", 0..8),
        ) {
            let pairwise = a.iter().any(|x| b.iter().any(|y| same_stem(x, y)));
            let shared = |set: &BTreeSet<String>| -> Terms { set.iter().map(|t| Rc::from(t.as_str())).collect() };
            proptest::prop_assert_eq!(terms_meet(&shared(&a), &shared(&b)), pairwise);
        }

        #[test]
        fn words_are_unicode_words_in_latin1(
            text in "[aZ09_.':,; \néÀÉßÿ’‘“”–…—-]{0,40}",
            other in "[×÷ªµº·\u{301}]?",
            at in 0usize..41,
        ) {
            // Latin-1 letters among ASCII and the marks, read by the simple segmenter; and once
            // in a while a character of Latin-1 it leaves to the library (`×`, `÷`, `ª`, `µ`,
            // `º`, `·`, a combining accent), anywhere.
            let mut text = text;
            let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            text.insert_str(at, &other);
            let fast: Vec<&str> = unicode_words(&text).collect();
            let general: Vec<&str> = text.unicode_words().collect();
            proptest::prop_assert_eq!(fast, general);
        }

        #[test]
        fn words_are_unicode_words_in_any_script(
            text in "[aZ09_.':,; \t\r\n!\"é’‘“”–…—結カ\u{301}\u{200d}\u{a0}\u{2028}🇩🇪-]{0,40}"
        ) {
            let fast: Vec<&str> = unicode_words(&text).collect();
            let general: Vec<&str> = text.unicode_words().collect();
            proptest::prop_assert_eq!(fast, general);
        }
    }

    proptest::proptest! {
        /// The shortcut for lines without markup changes nothing: the regex passes alone give
        /// the same text.
        #[test]
        fn strip_markup_shortcut_is_exact(line in "[ \t]{0,2}[-*+•(#>1٣aZ_`.) ]{0,3}[a-z*_`. )(]{0,12}") {
            let trimmed = line.trim();
            let without_marker = LIST_MARKER.replace(trimmed, "");
            let plain = EMPHASIS.replace_all(&without_marker, "$1$2");
            let again = LIST_MARKER.replace(plain.trim(), "");
            proptest::prop_assert_eq!(strip_markup(&line), again.trim().to_string());
        }
    }

    #[test]
    fn slug_joins_lowercase_words() {
        assert_eq!(
            slug("Problem Space Exploration"),
            "problem-space-exploration"
        );
        assert_eq!(slug("Close & Retro"), "close-retro");
    }
}
