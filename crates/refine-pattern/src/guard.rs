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
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{HirKind, Look};

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
        // Every match starts with one of the prefixes and ends with one of the suffixes: either
        // set, when bounded, is a set of which a haystack with a match holds one.
        let prefixes = Extractor::new().extract(&hir);
        let seq = if prefixes.is_finite() {
            prefixes
        } else {
            Extractor::new().kind(ExtractKind::Suffix).extract(&hir)
        };
        let literals = seq.literals()?;
        if literals.is_empty() || literals.iter().any(|l| l.is_empty()) {
            return None;
        }
        if folded {
            for literal in literals {
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
