//! A pattern's literal guard: the literals every match of the pattern starts with, searched for
//! before the full engine reads a haystack that is not ASCII.
//!
//! On such a haystack `regex`'s lazy DFA cannot read a Unicode word boundary (`\b`) and gives
//! the search to a backtracker, 30-60 times slower (7-12 µs for a 100-byte sentence against
//! 0.2 µs). Most sentences hold none of a pattern's words, and one Aho-Corasick pass over the
//! literals says so in a fraction of that.
//!
//! The literals are the prefix set `regex-syntax` extracts (the same analysis `regex` builds
//! its own prefilters on): every match starts with one of them; when the prefixes are
//! unbounded (`[A-Za-z]\w*\s(?:users?|admins?)`), the suffix set, which every match ends with. For a pattern that opens with
//! `(?i)`, the flag is taken off before extraction and the literals are compared ignoring
//! case: ASCII letters in either case, and the two non-ASCII letters that fold to ASCII ones
//! (`ſ` to `s`, the Kelvin sign `K` to `k`), folded in the haystack first. Such a guard is only
//! built when every non-ASCII character of its literals has no other case, so that comparing
//! them byte for byte is what `(?i)` does. Anything else (a literal set that is unbounded or
//! holds the empty string, a pattern anchored at the start of the haystack, a pattern that does
//! not parse) gives no guard, and every haystack goes to the engine.

use aho_corasick::AhoCorasick;
use regex_syntax::hir::literal::{ExtractKind, Extractor, Literal};
use regex_syntax::hir::{Capture, Hir, HirKind, Look, Repetition};

/// The non-ASCII characters `(?i)` folds to ASCII letters, with their folds.
const FOLDS_TO_ASCII: [(char, &str); 2] = [('\u{17F}', "s"), ('\u{212A}', "k")];

/// See the module's docs.
#[derive(Debug)]
pub(crate) struct Guard {
    literals: AhoCorasick,
    /// Whether the literals are compared ignoring case.
    folded: bool,
}

impl Guard {
    /// The guard of the pattern `source`, when its literals can tell.
    pub(crate) fn of(source: &str) -> Option<Guard> {
        let (body, folded) = match source.strip_prefix("(?i)") {
            Some(rest) => (rest, true),
            None => (source, false),
        };
        let hir = regex_syntax::Parser::new().parse(body).ok()?;
        // A pattern anchored at the start is tried at one place, quickly, by any engine; its
        // literals would be looked for through the whole haystack.
        if hir.properties().look_set_prefix().contains(Look::Start) {
            return None;
        }
        let literals = bounded_literals(&hir)?;
        if folded {
            for literal in &literals {
                let text = std::str::from_utf8(literal.as_bytes()).ok()?;
                if !text.chars().filter(|c| !c.is_ascii()).all(caseless) {
                    return None;
                }
            }
        }
        let literals = AhoCorasick::builder()
            .ascii_case_insensitive(folded)
            .build(literals.iter().map(|l| l.as_bytes()))
            .ok()?;
        Some(Guard { literals, folded })
    }

    /// Whether `haystack` holds none of the literals, so that the pattern cannot match in it.
    pub(crate) fn rules_out(&self, haystack: &str) -> bool {
        if self.folded && haystack.contains(FOLDS_TO_ASCII.map(|(c, _)| c)) {
            let mut folded = String::from(haystack);
            for (from, to) in FOLDS_TO_ASCII {
                folded = folded.replace(from, to);
            }
            return !self.literals.is_match(&folded);
        }
        !self.literals.is_match(haystack)
    }
}

/// Literals of which a haystack holds one wherever `hir` matches there: every match starts with
/// one of the prefixes and ends with one of the suffixes, so either set, when bounded, is one.
/// The prefixes when bounded, else the suffixes; `None` when both are unbounded or the set is
/// empty or holds the empty string (it would rule nothing out).
pub(crate) fn bounded_literals(hir: &Hir) -> Option<Vec<Literal>> {
    let prefixes = Extractor::new().extract(hir);
    let seq = if prefixes.is_finite() {
        prefixes
    } else {
        Extractor::new().kind(ExtractKind::Suffix).extract(hir)
    };
    let literals = seq.literals()?;
    if literals.is_empty() || literals.iter().any(|l| l.is_empty()) {
        return None;
    }
    Some(literals.to_vec())
}

/// The pattern `source` relaxed: every Unicode word boundary (`\b`, `\B` and their start and
/// end forms) taken out, or `None` when it has none or does not parse.
///
/// Taking an assertion out only lets more text match, so the relaxed pattern matches in every
/// haystack the pattern matches in: where it finds nothing, the pattern cannot match. Without
/// a Unicode word boundary, `regex`'s lazy DFA reads the relaxed pattern on any haystack,
/// where the pattern itself sends it to a backtracker at the first byte past ASCII: a guard
/// for the patterns whose literals cannot tell (a pattern built on `\d`, a `(?i)` literal with
/// an accented letter).
pub(crate) fn relaxed(source: &str) -> Option<regex::Regex> {
    with_word_boundaries(source, |_| Hir::empty())
}

/// The pattern `source` with every Unicode word boundary read as an ASCII one (`\b` as
/// `(?-u:\b)`, and so on), or `None` when it has none or does not parse.
///
/// On a haystack whose only characters past ASCII are [`crate::PLAIN_MARKS`], none of them a
/// word character (a test holds each to that), the two boundaries stand at the same places: a
/// mark is no word character either way, and an ASCII character is one or not alike. There the
/// two patterns find the same matches, and `regex`'s lazy DFA reads the ASCII form, where it
/// gives the Unicode form to a backtracker at the first byte past ASCII.
pub(crate) fn ascii_bounded(source: &str) -> Option<regex::Regex> {
    with_word_boundaries(source, |look| {
        Hir::look(match look {
            Look::WordUnicode => Look::WordAscii,
            Look::WordUnicodeNegate => Look::WordAsciiNegate,
            Look::WordStartUnicode => Look::WordStartAscii,
            Look::WordEndUnicode => Look::WordEndAscii,
            Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
            Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
            other => other,
        })
    })
}

/// The pattern `source` with each Unicode word boundary replaced by what `replace` makes of it,
/// compiled; `None` when it has none or does not parse.
fn with_word_boundaries(source: &str, replace: fn(Look) -> Hir) -> Option<regex::Regex> {
    let hir = regex_syntax::Parser::new().parse(source).ok()?;
    let (replaced, changed) = replacing_word_boundaries(hir, replace);
    if !changed {
        return None;
    }
    regex::Regex::new(&replaced.to_string()).ok()
}

/// `hir` with its Unicode word boundaries replaced by what `replace` makes of them, and whether
/// it had any.
fn replacing_word_boundaries(hir: Hir, replace: fn(Look) -> Hir) -> (Hir, bool) {
    let each = |subs: Vec<Hir>| -> (Vec<Hir>, bool) {
        let mut changed = false;
        let subs = subs
            .into_iter()
            .map(|sub| {
                let (sub, c) = replacing_word_boundaries(sub, replace);
                changed |= c;
                sub
            })
            .collect();
        (subs, changed)
    };
    match hir.into_kind() {
        HirKind::Look(
            look @ (Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode),
        ) => (replace(look), true),
        HirKind::Repetition(rep) => {
            let (sub, changed) = replacing_word_boundaries(*rep.sub, replace);
            let rep = Repetition {
                sub: Box::new(sub),
                ..rep
            };
            (Hir::repetition(rep), changed)
        }
        HirKind::Capture(cap) => {
            let (sub, changed) = replacing_word_boundaries(*cap.sub, replace);
            let cap = Capture {
                sub: Box::new(sub),
                ..cap
            };
            (Hir::capture(cap), changed)
        }
        HirKind::Concat(subs) => {
            let (subs, changed) = each(subs);
            (Hir::concat(subs), changed)
        }
        HirKind::Alternation(subs) => {
            let (subs, changed) = each(subs);
            (Hir::alternation(subs), changed)
        }
        HirKind::Empty => (Hir::empty(), false),
        HirKind::Literal(literal) => (Hir::literal(literal.0), false),
        HirKind::Class(class) => (Hir::class(class), false),
        HirKind::Look(look) => (Hir::look(look), false),
    }
}

/// Whether `(?i)` leaves `c` matching only itself, as `regex-syntax` reads it.
fn caseless(c: char) -> bool {
    let escaped = regex_syntax::escape(c.encode_utf8(&mut [0; 4]));
    regex_syntax::Parser::new()
        .parse(&format!("(?i){escaped}"))
        .is_ok_and(|hir| matches!(hir.kind(), HirKind::Literal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_rule_out_text_without_them_and_fold_as_the_flag_does() {
        let guard = Guard::of(r"(?i)\b(?:disagree\w*|however|push(?:ed)?\s?back)\b")
            .expect("a bounded literal set");
        assert!(guard.rules_out("Le paiement échoue sur mobile."));
        assert!(!guard.rules_out("Sales PUSHED back, même si…"));
        assert!(!guard.rules_out("HoWever, é"));
        let kelvin = Guard::of(r"(?i)\bkick\b").expect("a literal");
        assert!(!kelvin.rules_out("\u{212A}ick é"));
        let long_s = Guard::of(r"(?i)\bsure\b").expect("a literal");
        assert!(!long_s.rules_out("ſure é"));
        // Unbounded prefixes, bounded suffixes.
        let roles =
            Guard::of(r"(?i)\b((?:[A-Za-z][\w-]*\s){0,2}(?:users?|admins?))\b").expect("suffixes");
        assert!(roles.rules_out("Le paiement échoue."));
        assert!(!roles.rules_out("Les ADMINS échouent."));
    }

    #[test]
    fn the_relaxed_pattern_drops_word_boundaries_and_nothing_else() {
        let relaxed = relaxed(r"(?i)\b(?:depends? on|hängt von)\b|\d+\s*ms\b").expect("relaxed");
        assert!(!relaxed.as_str().contains(r"\b"), "{}", relaxed.as_str());
        // Where the pattern matches, and where only the boundaries kept it from matching.
        for text in [
            "Das HÄNGT VON Team ab",
            "5 ms",
            "xhängt vonx",
            "25msé",
            "Depends on",
        ] {
            assert!(relaxed.is_match(text), "{text}");
        }
        // The words themselves are still needed.
        for text in ["Das hängt ab", "5 s", "dépend de"] {
            assert!(!relaxed.is_match(text), "{text}");
        }
        // Nothing to relax.
        assert!(super::relaxed(r"(?i)\d+\s*ms").is_none());
        assert!(super::relaxed(r"(?-u:\b)ms").is_none());
    }

    #[test]
    fn no_guard_where_literals_cannot_tell() {
        // Unbounded, empty, or a cased non-ASCII letter under `(?i)`.
        assert!(Guard::of(r"\w+").is_none());
        assert!(Guard::of(r"x*").is_none());
        assert!(Guard::of(r"(?i)\bcafé\b").is_none());
        assert!(Guard::of(r"(?i)^\s*(?:bug|feature)\b").is_none());
        // A caseless non-ASCII literal is compared as it stands.
        assert!(Guard::of(r"(?i)\b(?:when|后)").is_some());
    }
}
