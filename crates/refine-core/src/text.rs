//! Text helpers shared by the guide parser, the reply parser and the linter: words, stems,
//! content terms, phrase matching, sentence counting and Markdown markup stripping.

use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

use regex::Regex;
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
static IGNORED: LazyLock<(HashSet<&'static str>, HashSet<String>)> = LazyLock::new(|| {
    let generic = crate::contract::VOCABULARY.generic;
    let words = STOPWORDS.iter().chain(generic).copied().collect();
    let stems = generic.iter().map(|g| stem(g)).collect();
    (words, stems)
});

/// Lower-cased words of `text`, in order (Unicode word boundaries).
pub fn words(text: &str) -> Vec<String> {
    text.unicode_words().map(str::to_lowercase).collect()
}

/// The English stem of one lower-case word ("timeboxing" -> "timebox").
pub fn stem(word: &str) -> String {
    STEMMER.stem(word).into_owned()
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

/// The content terms of `text`: stems of words that are neither stop words nor the vocabulary's
/// generic words, plus character bigrams of runs in scripts written without spaces (Chinese,
/// Japanese, Thai, ...), so that "結帳流程" and "結帳" share the term "結帳".
pub fn terms(text: &str) -> BTreeSet<String> {
    let (ignored_words, ignored_stems) = &*IGNORED;
    let mut out = BTreeSet::new();
    for word in text.unicode_words() {
        if word.chars().any(is_unspaced) {
            continue;
        }
        let lower = word.to_lowercase();
        if lower.chars().all(|c| c.is_ascii_digit()) || lower.chars().count() < 2 {
            continue;
        }
        if ignored_words.contains(lower.as_str()) {
            continue;
        }
        let stemmed = stem(&lower);
        if ignored_stems.contains(&stemmed) {
            continue;
        }
        out.insert(stemmed);
    }
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut BTreeSet<String>| {
        match run.len() {
            0 => {}
            1 => {
                out.insert(run.iter().collect());
            }
            _ => {
                for pair in run.windows(2) {
                    out.insert(pair.iter().collect());
                }
            }
        }
        run.clear();
    };
    for c in text.chars() {
        if is_unspaced(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Whether two stems name the same thing: equal, or one a prefix of the other of at least four
/// letters ("admin" and "administr", "retro" and "retrospect").
pub fn same_stem(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short == long || (short.chars().count() >= 4 && long.starts_with(short))
}

/// Whether any term of `a` is the [`same_stem`] as a term of `b`.
pub fn terms_meet(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    a.iter().any(|x| b.iter().any(|y| same_stem(x, y)))
}

/// A phrase found in a text, by word position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    /// The phrase that matched, as given.
    pub phrase: &'static str,
    /// Whether a negation word precedes it in the same sentence.
    pub negated: bool,
}

/// The first phrase of `phrases` that occurs in `text` on word boundaries (case-insensitive),
/// noting whether a word of `negations` comes before it in the same sentence.
pub fn find_phrase(
    text: &str,
    phrases: &[&'static str],
    negations: &[&str],
) -> Option<PhraseMatch> {
    // See `sentence_count`: the sentence iterator must not see empty input.
    if text.is_empty() {
        return None;
    }
    // Most texts hold none of the phrases: a substring test on every word of each phrase rules
    // them out before any sentence or word segmentation.
    let lower = text.to_lowercase();
    let phrase_words: Vec<(&'static str, Vec<String>)> = phrases
        .iter()
        .filter(|p| {
            p.split(|c: char| !c.is_alphanumeric() && c != '\'')
                .all(|w| lower.contains(w))
        })
        .map(|p| (*p, words(p)))
        .filter(|(_, ws)| !ws.is_empty())
        .collect();
    if phrase_words.is_empty() {
        return None;
    }
    for sentence in text.split_sentence_bounds() {
        let sentence_words = words(sentence);
        for (phrase, phrase_words) in &phrase_words {
            if phrase_words.is_empty() || phrase_words.len() > sentence_words.len() {
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

/// How many sentences `text` holds: Unicode sentence segments that contain a letter or digit.
pub fn sentence_count(text: &str) -> usize {
    // unicode-segmentation 1.13 overflows in its sentence iterator's size hint on empty input.
    if text.is_empty() {
        return 0;
    }
    text.unicode_sentences()
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .count()
}

static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-*+•]\s+|\(?\d{1,3}[.)]\s+|\(?[a-zA-Z][.)]\s+|#{1,6}\s+|>\s*)+")
        .expect("static regex")
});

static EMPHASIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\*\*|__|(^|\W)[*_]|[*_](\W|$)|`").expect("static regex"));

/// `line` without Markdown structure: leading list markers, numbering, heading hashes, block
/// quotes, and emphasis or code markers anywhere; trimmed.
pub fn strip_markup(line: &str) -> String {
    let trimmed = line.trim();
    let without_marker = LIST_MARKER.replace(trimmed, "");
    let plain = EMPHASIS.replace_all(&without_marker, "$1$2");
    // A second pass: "**1. Context**" only shows its numbering once the emphasis is gone.
    let again = LIST_MARKER.replace(plain.trim(), "");
    again.trim().to_string()
}

/// A URL- and file-name-friendly slug: lower-case ASCII letters and digits joined by hyphens
/// (other letters are kept as they are).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text.unicode_words() {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
            t.into_iter().collect::<Vec<_>>(),
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
    fn slug_joins_lowercase_words() {
        assert_eq!(
            slug("Problem Space Exploration"),
            "problem-space-exploration"
        );
        assert_eq!(slug("Close & Retro"), "close-retro");
    }
}
