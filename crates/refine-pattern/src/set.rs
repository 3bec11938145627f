//! Several patterns read together: one pass over a haystack says which of them can match there,
//! so that a classifier asking pattern after pattern ("does this sentence disagree? propose?
//! constrain?") runs only the engines that may answer yes.
//!
//! Each pattern's *literals* are what `regex-syntax` extracts from it (the prefixes every match
//! starts with or, when those are unbounded, the suffixes every match ends with), read for plain
//! haystacks ([`crate::is_plain`]) only, the only haystacks the set rules on:
//!
//! - a leading `(?i)` is taken off before parsing: comparing ignoring case does its work;
//! - every class is cut down to the characters a plain haystack can hold (ASCII and
//!   [`crate::PLAIN_MARKS`]), its upper-case ASCII letters taken as lower-case ones, and `ſ`
//!   and the Kelvin sign (the two letters `(?i)` folds to ASCII ones), in a class or a literal,
//!   taken as `s` and `k`; Unicode's `\d` is `[0-9]` there, small enough to give literals;
//! - a literal with a character no plain haystack holds is left out, and so is one that holds
//!   another literal of the same pattern (where it is, the other is too);
//! - the literals are then looked for ignoring ASCII case, all patterns' at once, by one
//!   Aho-Corasick DFA reporting overlapping matches (so that no pattern's literal hides behind
//!   another's).
//!
//! Parsing the patterns and building the automaton costs about 3 ms, what the searches it
//! spares cost over some two thousand sentences: the set is built once it has been asked about
//! [`SET_BUILT_AFTER`] haystacks, so a short run (one `refine prep`) never pays for it and a
//! long one (an eval) pays once, early. Until then every pattern is a candidate.
//!
//! Ignoring case where a pattern did not only lets more text through. On a plain haystack, the
//! only one the set rules on, every match of a pattern starts (or ends) with one of its literals
//! so read, so a pattern none of whose literals is there cannot match: the set never rules out a
//! match (each crate's proptests check it with [`PatternSet::holds`]). A pattern whose literals
//! are unbounded, or hold the empty string, is always a candidate; so is every pattern on a
//! haystack that is not plain.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_syntax::hir::{
    Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition,
};

use crate::{FindIter, Matches, PLAIN_MARKS, Pattern, is_plain};

/// How many haystacks a [`PatternSet`] is asked about before it builds its automaton.
pub const SET_BUILT_AFTER: usize = 2048;

/// Patterns read together; see the module's docs.
#[derive(Debug)]
pub struct PatternSet<'p> {
    patterns: Vec<&'p Pattern>,
    /// The haystacks to be asked about before building.
    built_after: usize,
    /// The haystacks asked about so far, until built.
    asked: AtomicUsize,
    built: OnceLock<Built>,
}

/// A set's automaton.
#[derive(Debug)]
struct Built {
    /// Every guarded pattern's literals, compared ignoring ASCII case; `None` when no pattern
    /// has literals.
    literals: Option<AhoCorasick>,
    /// For each literal of the automaton, the bit of the pattern it belongs to.
    owners: Vec<u64>,
    /// The bits of the patterns with literals.
    guarded: u64,
}

/// The patterns of a set that may match one haystack; see [`PatternSet::candidates`].
#[derive(Debug, Clone, Copy)]
pub struct Candidates<'s, 'p> {
    set: &'s PatternSet<'p>,
    bits: u64,
}

impl<'p> PatternSet<'p> {
    /// The set of `patterns` (at most 64), built after [`SET_BUILT_AFTER`] haystacks.
    ///
    /// # Panics
    /// With more than 64 patterns.
    pub fn new(patterns: &[&'p Pattern]) -> PatternSet<'p> {
        PatternSet::built_after(patterns, SET_BUILT_AFTER)
    }

    /// The set of `patterns` (at most 64), built once it has been asked about `haystacks`
    /// haystacks: with 0, at the first.
    ///
    /// # Panics
    /// With more than 64 patterns.
    pub fn built_after(patterns: &[&'p Pattern], haystacks: usize) -> PatternSet<'p> {
        assert!(
            patterns.len() <= 64,
            "a pattern set holds at most 64 patterns"
        );
        PatternSet {
            patterns: patterns.to_vec(),
            built_after: haystacks,
            asked: AtomicUsize::new(0),
            built: OnceLock::new(),
        }
    }

    /// The bits of all the set's patterns.
    fn all(&self) -> u64 {
        match self.patterns.len() {
            64 => u64::MAX,
            n => (1u64 << n) - 1,
        }
    }

    /// The automaton, built at the first call: each pattern parsed (not compiled), its literals
    /// read, all of them in one automaton.
    fn build(&self) -> &Built {
        self.built.get_or_init(|| Built::of(&self.patterns))
    }

    /// The automaton once built, building it when the set has been asked about enough
    /// haystacks.
    fn automaton(&self) -> Option<&Built> {
        if let Some(built) = self.built.get() {
            return Some(built);
        }
        if self.asked.fetch_add(1, Ordering::Relaxed) >= self.built_after {
            return Some(self.build());
        }
        None
    }

    /// The patterns that may match in `haystack`: on a plain haystack, once the set is built,
    /// those whose literals are there and those without literals; otherwise all.
    pub fn candidates(&self, haystack: &str) -> Candidates<'_, 'p> {
        let all = self.all();
        let bits = self
            .automaton()
            .map_or(all, |built| built.candidates(haystack, all));
        Candidates { set: self, bits }
    }

    /// Whether the set never rules out a match of its patterns in `haystack`, as the full engine
    /// finds them. `Err` names the pattern it would have missed. For tests.
    pub fn holds(&self, haystack: &str) -> Result<(), String> {
        let bits = self.build().candidates(haystack, self.all());
        for (index, pattern) in self.patterns.iter().enumerate() {
            if bits & (1 << index) == 0 && pattern.full().is_match(haystack) {
                return Err(format!(
                    "pattern {:?} on {haystack:?}: the set rules out a haystack regex matches",
                    pattern.as_str()
                ));
            }
        }
        Ok(())
    }
}

impl Built {
    fn of(patterns: &[&Pattern]) -> Built {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owners = Vec::new();
        let mut guarded = 0u64;
        let plain = plain_characters();
        for (index, pattern) in patterns.iter().enumerate() {
            if let Some(own) = plain_literals(pattern.as_str(), &plain) {
                let bit = 1u64 << index;
                guarded |= bit;
                owners.extend(std::iter::repeat_n(bit, own.len()));
                literals.extend(own);
            }
        }
        let literals = (!literals.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&literals)
                    .ok()
            })
            .flatten();
        if literals.is_none() {
            guarded = 0;
        }
        Built {
            literals,
            owners,
            guarded,
        }
    }

    /// The bits of the patterns of `all` that may match in `haystack`.
    fn candidates(&self, haystack: &str, all: u64) -> u64 {
        let Some(literals) = self.literals.as_ref().filter(|_| is_plain(haystack)) else {
            return all;
        };
        let mut bits = all & !self.guarded;
        for found in literals.find_overlapping_iter(haystack) {
            bits |= self.owners[found.pattern().as_usize()];
            if bits == all {
                break;
            }
        }
        bits
    }
}

impl<'p> Candidates<'_, 'p> {
    /// Whether `pattern` may match: false only for a pattern of the set that was ruled out.
    pub fn may_match(&self, pattern: &Pattern) -> bool {
        match self
            .set
            .patterns
            .iter()
            .position(|p| std::ptr::eq(*p, pattern))
        {
            Some(index) => self.bits & (1 << index) != 0,
            None => true,
        }
    }

    /// [`Pattern::is_match`], without a search when the set ruled `pattern` out.
    pub fn is_match(&self, pattern: &Pattern, haystack: &str) -> bool {
        self.may_match(pattern) && pattern.is_match(haystack)
    }

    /// [`Pattern::find_iter`], without a search when the set ruled `pattern` out.
    pub fn find_iter<'q, 'h>(&self, pattern: &'q Pattern, haystack: &'h str) -> FindIter<'q, 'h> {
        if self.may_match(pattern) {
            pattern.find_iter(haystack)
        } else {
            FindIter {
                haystack,
                matches: Matches::Empty,
            }
        }
    }
}

/// The literals every match of `source` in a plain haystack starts or ends with, read as the
/// module's docs say, or `None` when they cannot tell (unbounded, the empty string among them,
/// a pattern that does not parse).
fn plain_literals(source: &str, plain: &ClassUnicode) -> Option<Vec<Vec<u8>>> {
    // A leading `(?i)` is what comparing ignoring case does: parsed without it, the letters
    // are not spelled out as classes of both cases (most of the cost of parsing).
    let body = source.strip_prefix("(?i)").unwrap_or(source);
    let hir = regex_syntax::Parser::new().parse(body).ok()?;
    let literals = crate::guard::bounded_literals(&read_plain(hir, plain))?;
    // A literal with a character no plain haystack holds is never found; one holding another
    // literal adds nothing: where it is, the other is too.
    let mut literals: Vec<Vec<u8>> = literals
        .iter()
        .map(|l| l.as_bytes().to_ascii_lowercase())
        .filter(|l| std::str::from_utf8(l).map_or(true, is_plain))
        .collect();
    if literals.is_empty() {
        return None;
    }
    literals.sort_by_key(Vec::len);
    let mut kept: Vec<Vec<u8>> = Vec::with_capacity(literals.len());
    for literal in literals {
        if !kept
            .iter()
            .any(|k| literal.windows(k.len()).any(|w| w == k.as_slice()))
        {
            kept.push(literal);
        }
    }
    Some(kept)
}

/// The characters a plain haystack holds: ASCII and the plain marks.
fn plain_characters() -> ClassUnicode {
    let mut class = ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7f')]);
    class.union(&ClassUnicode::new(
        PLAIN_MARKS.iter().map(|&c| ClassUnicodeRange::new(c, c)),
    ));
    class
}

/// The two letters past ASCII that `(?i)` folds to ASCII ones, with their folds.
const FOLDS_TO_ASCII: [(char, char); 2] = [('\u{17F}', 's'), ('\u{212A}', 'k')];

/// `hir` as a plain haystack reads it, compared ignoring ASCII case: each Unicode class cut
/// down to plain characters, its upper-case ASCII letters taken as lower-case ones, and `ſ`
/// and the Kelvin sign, in a class or a literal, taken as the ASCII letters they fold to (for
/// a pattern parsed without its `(?i)`).
fn read_plain(hir: Hir, plain: &ClassUnicode) -> Hir {
    let read = |sub: Hir| read_plain(sub, plain);
    match hir.into_kind() {
        HirKind::Class(Class::Unicode(mut class)) => {
            let folds: Vec<ClassUnicodeRange> = FOLDS_TO_ASCII
                .iter()
                .filter(|(from, _)| class.iter().any(|r| (r.start()..=r.end()).contains(from)))
                .map(|&(_, to)| ClassUnicodeRange::new(to, to))
                .collect();
            class.intersect(plain);
            class.union(&ClassUnicode::new(folds));
            let upper = ClassUnicode::new([ClassUnicodeRange::new('A', 'Z')]);
            let mut lowered = class.clone();
            lowered.intersect(&upper);
            let lowered = ClassUnicode::new(lowered.iter().map(|r| {
                ClassUnicodeRange::new(r.start().to_ascii_lowercase(), r.end().to_ascii_lowercase())
            }));
            class.difference(&upper);
            class.union(&lowered);
            Hir::class(Class::Unicode(class))
        }
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            sub: Box::new(read(*rep.sub)),
            ..rep
        }),
        HirKind::Capture(cap) => Hir::capture(Capture {
            sub: Box::new(read(*cap.sub)),
            ..cap
        }),
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(read).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.into_iter().map(read).collect()),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
            Ok(text) if text.contains(FOLDS_TO_ASCII.map(|(from, _)| from)) => {
                let folded: String = text
                    .chars()
                    .map(|c| {
                        FOLDS_TO_ASCII
                            .iter()
                            .find(|(from, _)| *from == c)
                            .map_or(c, |&(_, to)| to)
                    })
                    .collect();
                Hir::literal(folded.into_bytes())
            }
            _ => Hir::literal(literal.0),
        },
        HirKind::Class(class) => Hir::class(class),
        HirKind::Look(look) => Hir::look(look),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_tells_which_patterns_may_match() {
        let disagree = Pattern::new(r"(?i)\b(?:disagree\w*|however|push(?:ed)?\s?back)\b");
        let measure = Pattern::new(r"(?i)\d+\s*(?:ms|users?)\b|[$€]\s?\d");
        let anything = Pattern::new(r"\w+");
        let set = PatternSet::built_after(&[&disagree, &measure, &anything], 0);
        let first = set.candidates("Sales PUSHED back on the plan.");
        assert!(first.may_match(&disagree));
        assert!(!first.may_match(&measure));
        assert!(
            first.may_match(&anything),
            "no literals: always a candidate"
        );
        let second = set.candidates("It costs €5 – however you count it");
        assert!(second.may_match(&disagree) && second.may_match(&measure));
        let neither = set.candidates("The export times out.");
        assert!(!neither.is_match(&disagree, "The export times out."));
        assert_eq!(
            neither.find_iter(&measure, "The export times out.").count(),
            0
        );
        // A pattern outside the set is never ruled out.
        let other = Pattern::new("times");
        assert!(neither.is_match(&other, "The export times out."));
        // Not plain: every pattern may match, as the full engine reads Unicode.
        let accented = set.candidates("Le paiement échoue.");
        assert!(accented.may_match(&disagree) && accented.may_match(&measure));
        for text in [
            "Sales PUSHED back on the plan.",
            "It costs €5 – however you count it",
            "The export times out.",
            "12 USERS",
        ] {
            set.holds(text).expect("no match ruled out");
        }
    }

    #[test]
    fn classes_are_read_as_plain_text_holds_them() {
        // Unicode's `\d` is ten digits in plain text: literals where it would have none.
        let plain = plain_characters();
        let digits = plain_literals(r"\d%", &plain).expect("ten digits");
        assert_eq!(digits.len(), 10, "{digits:?}");
        // `(?i)` letters are read in lower case; letters past ASCII drop out.
        let words = plain_literals(r"(?i)\b(?:ab|café)", &plain).expect("literals");
        assert!(words.contains(&b"ab".to_vec()), "{words:?}");
        assert!(!words.iter().any(|w| w.starts_with(b"caf")), "{words:?}");
        assert!(plain_literals(r"\w+", &plain).is_none());
        assert!(plain_literals(r"x*", &plain).is_none());
        // What folds to an ASCII letter is read as that letter.
        let long_s = plain_literals("(?i)\u{17F}ure|[\u{212A}x]ick", &plain).expect("literals");
        assert!(long_s.contains(&b"sure".to_vec()), "{long_s:?}");
        assert!(long_s.contains(&b"kick".to_vec()), "{long_s:?}");
        // A literal holding another one is left out.
        let nested = plain_literals(r"(?i)\b(?:users?|power users)\b", &plain).expect("literals");
        assert_eq!(nested, vec![b"user".to_vec()]);
    }

    #[test]
    fn the_set_is_built_after_its_haystacks() {
        let question = Pattern::new(r"(?i)\bwhy\b");
        let set = PatternSet::built_after(&[&question], 2);
        // The first two haystacks find every pattern a candidate; the third builds the set.
        for _ in 0..2 {
            assert!(set.candidates("Nothing here.").may_match(&question));
        }
        assert!(!set.candidates("Nothing here.").may_match(&question));
        assert!(set.candidates("But WHY?").may_match(&question));
    }
}
