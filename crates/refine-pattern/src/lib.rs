//! `refine-pattern`: regexes that start cheap.
//!
//! Compiling a regex with the [`regex`] crate costs 0.2-1.5 ms (it builds a Unicode-aware
//! Thompson NFA, its reverse, and prepares several engines), and `refine prep` needs about ten
//! of them once: more than all of its own work. [`regex_lite`] compiles the same pattern in
//! 15-35 µs but searches 5-7 times slower. A [`Pattern`] holds both and picks per search:
//!
//! - while the time it has spent in `regex-lite` (compiling and searching) is less than what
//!   compiling the full engine would cost, and the haystack is *plain*, it uses `regex-lite`;
//! - otherwise the full engine, compiled on first need and kept from then on.
//!
//! This is the ski-rental rule: rent (search slowly) until the rent paid equals the price of
//! buying (compiling the full engine), then buy; it never costs more than twice the better of
//! the two choices made with hindsight. A short run (one `refine prep`) so rarely pays for the
//! full engine, and a long one (an eval of thousands of replies) pays once, early, and searches
//! at full speed after. The price is estimated as [`FULL_COMPILE_FACTOR`] times what compiling
//! the pattern with `regex-lite` took; the rent is measured.
//!
//! **Both engines give the same answer on a plain haystack.** They differ only where Unicode
//! matters: `regex-lite`'s `\w`, `\d`, `\s`, `\b` and `(?i)` are ASCII-only, `regex`'s are
//! Unicode-aware. A plain haystack is ASCII plus [`PLAIN_MARKS`], typographic marks that are no
//! letter, digit, mark, connector or space in Unicode and fold to no ASCII letter, so no class
//! of either engine tells them apart. Anything else (accented letters, non-breaking spaces,
//! other scripts' digits, `ſ` which folds to `s`) always goes to the full engine.
//! [`Pattern::engines_agree`] checks this on a haystack; each crate's proptests run it over
//! text made of its patterns' own words ([`Pattern::tokens`]).
//!
//! **A Unicode word boundary stands where an ASCII one does on a plain haystack**, as no plain
//! mark is a word character: the full engine reads such a haystack past ASCII with the pattern's
//! ASCII-bounded form, which its lazy DFA handles, instead of sending it to a backtracker
//! ([`Pattern::ascii_bounds_agree`] checks the two alike, in the same proptests).

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

mod classes;
pub use classes::{caseless_prefix, is_decimal_digit, is_space, is_word_character, past_spaces};
mod guard;
use guard::Guard;
mod set;
pub use set::{Candidates, PatternSet, SET_BUILT_AFTER};

/// How many times longer `regex` takes to compile a pattern than `regex-lite`: 13-79 times on
/// this project's patterns (`cargo bench -p refine-pattern`), most near 25.
pub const FULL_COMPILE_FACTOR: u64 = 25;

/// Haystacks longer than this go to the full engine at once: `regex-lite`'s search is linear
/// too, but 5-100 times slower a byte, so one long search outweighs the compile.
pub const LITE_MAX_HAYSTACK: usize = 16 * 1024;

/// Non-ASCII characters that both engines read alike: punctuation and symbols common in model
/// replies and backlog items. None is a letter, digit, combining mark, connector punctuation or
/// white space in Unicode, and none case-folds to an ASCII letter.
pub const PLAIN_MARKS: &[char] = &[
    '–', '—', '‘', '’', '“', '”', '…', '•', '·', '▪', '◦', '→', '←', '✓', '✔', '✗', '«', '»', '‹',
    '›', '€', '£', '°', '×', '【', '】', '：', '？', '！',
];

/// Whether `c` is one of [`PLAIN_MARKS`]: one test instead of a search of the list (a test
/// holds the two alike over every character).
pub fn is_plain_mark(c: char) -> bool {
    matches!(
        c,
        '–' | '—'
            | '‘'
            | '’'
            | '“'
            | '”'
            | '…'
            | '•'
            | '·'
            | '▪'
            | '◦'
            | '→'
            | '←'
            | '✓'
            | '✔'
            | '✗'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '€'
            | '£'
            | '°'
            | '×'
            | '【'
            | '】'
            | '：'
            | '？'
            | '！'
    )
}

/// Whether both engines read `haystack` alike: ASCII and [`PLAIN_MARKS`] only. Runs of ASCII
/// are skipped eight bytes at a time ([`first_past_ascii`]); only the characters past ASCII
/// are decoded and tested.
pub fn is_plain(haystack: &str) -> bool {
    let bytes = haystack.as_bytes();
    let mut at = 0;
    while let Some(offset) = first_past_ascii(&bytes[at..]) {
        at += offset;
        // `at` is where a character starts: everything before it was ASCII or whole characters.
        match haystack[at..].chars().next() {
            Some(c) if is_plain_mark(c) => at += c.len_utf8(),
            _ => return false,
        }
    }
    true
}

/// Where the first byte past ASCII (0x80 and up) is in `bytes`: eight bytes read as one word
/// and tested at once, the last few one by one. Replies and backlog items are mostly ASCII with
/// a dash or a curly quote here and there; a byte-by-byte search cost 35 K instructions an
/// eval case.
pub fn first_past_ascii(bytes: &[u8]) -> Option<usize> {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let high = u64::from_le_bytes(word) & HIGH_BITS;
        if high != 0 {
            // Little-endian: the lowest set bit is in the first such byte.
            return Some(at + (high.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|b| !b.is_ascii())
        .map(|offset| at + offset)
}

/// A regex compiled by whichever engine its searches make cheapest; see the crate docs.
///
/// It is meant for `static` patterns behind a `LazyLock`: an invalid pattern panics at its
/// first search, and each crate's tests compile every one of theirs in both engines.
///
/// ```
/// use refine_pattern::Pattern;
///
/// let minutes = Pattern::new(r"(?i)\b(\d{1,3})\s*min(?:ute)?s?\b");
/// let found = minutes.captures("Context (15 Minutes)").expect("a timebox");
/// assert_eq!(&found[1], "15");
/// assert_eq!(minutes.replace_all("5 min, 10 min", "#"), "#, #");
/// ```
#[derive(Debug)]
pub struct Pattern {
    source: Box<str>,
    /// Whether the pattern holds a word boundary (`\b`, `\B`): only then does the full engine
    /// read a haystack past ASCII slowly, and only then are guards built.
    word_boundary: bool,
    lite: OnceLock<regex_lite::Regex>,
    full: OnceLock<regex::Regex>,
    /// Nanoseconds spent in `regex-lite`, compiling and searching.
    lite_spent: AtomicU64,
    /// What compiling the full engine is estimated to cost, in nanoseconds; known once
    /// `regex-lite` has compiled the pattern.
    full_price: AtomicU64,
    /// The literals a match starts with, for haystacks the full engine reads slowly; built at
    /// the first such haystack (see [`guard`]).
    guard: OnceLock<Option<Guard>>,
    /// The pattern without its word boundaries, which the full engine reads quickly on any
    /// haystack ([`guard::relaxed`]), for a pattern with no literal guard; bought, by the same
    /// rule as the full engine, once the slow searches it would spare have cost what
    /// compiling it does.
    relaxed: OnceLock<Option<regex::Regex>>,
    /// The pattern with ASCII word boundaries ([`guard::ascii_bounded`]), which finds the same
    /// matches on a plain haystack past ASCII and which the full engine reads quickly there;
    /// bought by the same rule as the relaxed pattern.
    ascii_bounded: OnceLock<Option<regex::Regex>>,
    /// Nanoseconds spent in the full engine's slow searches (a haystack past ASCII that no
    /// guard ruled out).
    slow_spent: AtomicU64,
    /// What compiling the full engine took, in nanoseconds: the price of the relaxed pattern,
    /// of the same size.
    full_compiled: AtomicU64,
}

/// The engine one search uses.
#[derive(Clone, Copy)]
enum Engine<'p> {
    Lite(&'p regex_lite::Regex),
    Full(&'p regex::Regex),
    /// The full engine on a haystack it reads slowly: the search is timed.
    FullSlow(&'p regex::Regex),
    /// The pattern's literal guard rules the haystack out: no match.
    NoMatch,
}

impl Pattern {
    /// A pattern in the syntax both engines share (no `\p{…}` classes, no `(?-u)`); nothing is
    /// compiled until the first search.
    pub fn new(source: impl Into<Box<str>>) -> Self {
        let source: Box<str> = source.into();
        Pattern {
            word_boundary: source.contains(r"\b") || source.contains(r"\B"),
            source,
            lite: OnceLock::new(),
            full: OnceLock::new(),
            lite_spent: AtomicU64::new(0),
            full_price: AtomicU64::new(u64::MAX),
            guard: OnceLock::new(),
            relaxed: OnceLock::new(),
            ascii_bounded: OnceLock::new(),
            slow_spent: AtomicU64::new(0),
            full_compiled: AtomicU64::new(u64::MAX),
        }
    }

    /// The pattern's source text.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    fn lite(&self) -> &regex_lite::Regex {
        self.lite.get_or_init(|| {
            let started = Instant::now();
            let lite = regex_lite::Regex::new(&self.source)
                .unwrap_or_else(|e| panic!("pattern {:?} (regex-lite): {e}", self.source));
            let took = nanos(started);
            self.lite_spent.fetch_add(took, Ordering::Relaxed);
            self.full_price
                .store(took.saturating_mul(FULL_COMPILE_FACTOR), Ordering::Relaxed);
            lite
        })
    }

    fn full(&self) -> &regex::Regex {
        self.full.get_or_init(|| {
            let started = Instant::now();
            let full = regex::Regex::new(&self.source)
                .unwrap_or_else(|e| panic!("pattern {:?} (regex): {e}", self.source));
            self.full_compiled.store(nanos(started), Ordering::Relaxed);
            full
        })
    }

    fn engine(&self, haystack: &str) -> Engine<'_> {
        if let Some(full) = self.full.get() {
            return self.unless_ruled_out(full, haystack);
        }
        if haystack.len() <= LITE_MAX_HAYSTACK
            && self.lite_spent.load(Ordering::Relaxed) < self.full_price.load(Ordering::Relaxed)
            && is_plain(haystack)
        {
            return Engine::Lite(self.lite());
        }
        self.unless_ruled_out(self.full(), haystack)
    }

    /// The full engine, or no search at all when `haystack` is not ASCII (where a Unicode word
    /// boundary sends `regex` to its slow engines) and a guard rules it out: the pattern's
    /// literals ([`guard`]), or its relaxed form once bought.
    fn unless_ruled_out<'p>(&'p self, full: &'p regex::Regex, haystack: &str) -> Engine<'p> {
        if haystack.is_ascii() || !self.word_boundary {
            return Engine::Full(full);
        }
        if self.ruled_out(haystack) {
            return Engine::NoMatch;
        }
        // Past ASCII only by plain marks (curly quotes, dashes: most notes and replies), the
        // pattern with ASCII word boundaries finds the same matches, quickly, once bought.
        if is_plain(haystack) {
            match self.bought(&self.ascii_bounded, guard::ascii_bounded) {
                None => return Engine::FullSlow(full),
                Some(Some(bounded)) => return Engine::Full(bounded),
                Some(None) => {}
            }
        }
        // Where the literals can tell, a haystack they let through holds the pattern's words,
        // and its relaxed form would match there too: it is kept for the patterns whose
        // literals cannot tell (each one compiled costs some 200 KB).
        if self.guard.get().is_some_and(Option::is_some) {
            return Engine::Full(full);
        }
        match self.bought(&self.relaxed, guard::relaxed) {
            None => Engine::FullSlow(full),
            Some(Some(relaxed)) if !relaxed.is_match(haystack) => Engine::NoMatch,
            Some(_) => Engine::Full(full),
        }
    }

    /// A form of the pattern that `make` compiles (`None` when the pattern has none), kept in
    /// `slot`: bought by the ski-rental rule once the slow searches it would spare have cost
    /// what compiling the full engine did. `None` while it is not worth buying yet.
    fn bought<'p>(
        &'p self,
        slot: &'p OnceLock<Option<regex::Regex>>,
        make: fn(&str) -> Option<regex::Regex>,
    ) -> Option<Option<&'p regex::Regex>> {
        if let Some(form) = slot.get() {
            return Some(form.as_ref());
        }
        (self.slow_spent.load(Ordering::Relaxed) >= self.full_compiled.load(Ordering::Relaxed))
            .then(|| slot.get_or_init(|| make(&self.source)).as_ref())
    }

    /// Whether the pattern's literal guard says it cannot match in `haystack`.
    fn ruled_out(&self, haystack: &str) -> bool {
        // Only a word boundary keeps the lazy DFA from reading text that is not ASCII.
        let guard = self.guard.get_or_init(|| {
            if self.word_boundary {
                Guard::of(&self.source)
            } else {
                None
            }
        });
        guard.as_ref().is_some_and(|g| g.rules_out(haystack))
    }

    /// Runs a `regex-lite` search and adds its time to the rent paid.
    fn timed<R>(&self, search: impl FnOnce() -> R) -> R {
        let started = Instant::now();
        let found = search();
        self.lite_spent.fetch_add(nanos(started), Ordering::Relaxed);
        found
    }

    /// Runs a slow full-engine search and adds its time to what the relaxed pattern would
    /// spare.
    fn timed_slow<R>(&self, search: impl FnOnce() -> R) -> R {
        let started = Instant::now();
        let found = search();
        self.slow_spent.fetch_add(nanos(started), Ordering::Relaxed);
        found
    }

    /// Whether the pattern matches anywhere in `haystack`.
    pub fn is_match(&self, haystack: &str) -> bool {
        match self.engine(haystack) {
            Engine::Lite(re) => self.timed(|| re.is_match(haystack)),
            Engine::Full(re) => re.is_match(haystack),
            Engine::FullSlow(re) => self.timed_slow(|| re.is_match(haystack)),
            Engine::NoMatch => false,
        }
    }

    /// The leftmost-first match in `haystack`.
    pub fn find<'h>(&self, haystack: &'h str) -> Option<Match<'h>> {
        let span = match self.engine(haystack) {
            Engine::Lite(re) => self.timed(|| re.find(haystack).map(|m| m.range())),
            Engine::Full(re) => re.find(haystack).map(|m| m.range()),
            Engine::FullSlow(re) => self.timed_slow(|| re.find(haystack).map(|m| m.range())),
            Engine::NoMatch => None,
        }?;
        Some(Match::new(haystack, span))
    }

    /// The capture groups of the leftmost-first match in `haystack`.
    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        match self.engine(haystack) {
            Engine::Lite(re) => self.timed(|| re.captures(haystack).map(Captures::Lite)),
            Engine::Full(re) => re.captures(haystack).map(Captures::Full),
            Engine::FullSlow(re) => self.timed_slow(|| re.captures(haystack).map(Captures::Full)),
            Engine::NoMatch => None,
        }
    }

    /// The capture groups of every successive non-overlapping match in `haystack`.
    pub fn captures_iter<'p, 'h>(&'p self, haystack: &'h str) -> CapturesIter<'p, 'h> {
        CapturesIter(match self.engine(haystack) {
            Engine::Lite(re) => Iter::Lite(self, re.captures_iter(haystack)),
            // Read lazily: the slow search is not timed.
            Engine::Full(re) | Engine::FullSlow(re) => Iter::Full(re.captures_iter(haystack)),
            Engine::NoMatch => Iter::Empty,
        })
    }

    /// Every successive non-overlapping match in `haystack`: the group 0 of
    /// [`Pattern::captures_iter`], found without reading the other groups (which sends `regex`
    /// to a slower engine once a match is found).
    pub fn find_iter<'p, 'h>(&'p self, haystack: &'h str) -> FindIter<'p, 'h> {
        let matches = match self.engine(haystack) {
            Engine::Lite(re) => Matches::Lite(self, re.find_iter(haystack)),
            // Read lazily: the slow search is not timed.
            Engine::Full(re) | Engine::FullSlow(re) => Matches::Full(re.find_iter(haystack)),
            Engine::NoMatch => Matches::Empty,
        };
        FindIter { haystack, matches }
    }

    /// `haystack` with its first match replaced by `replacement` (`$1`, `${name}` expand).
    pub fn replace<'h>(&self, haystack: &'h str, replacement: &str) -> Cow<'h, str> {
        match self.engine(haystack) {
            Engine::Lite(re) => self.timed(|| re.replace(haystack, replacement)),
            Engine::Full(re) => re.replace(haystack, replacement),
            Engine::FullSlow(re) => self.timed_slow(|| re.replace(haystack, replacement)),
            Engine::NoMatch => Cow::Borrowed(haystack),
        }
    }

    /// `haystack` with every match replaced by `replacement` (`$1`, `${name}` expand).
    pub fn replace_all<'h>(&self, haystack: &'h str, replacement: &str) -> Cow<'h, str> {
        match self.engine(haystack) {
            Engine::Lite(re) => self.timed(|| re.replace_all(haystack, replacement)),
            Engine::Full(re) => re.replace_all(haystack, replacement),
            Engine::FullSlow(re) => self.timed_slow(|| re.replace_all(haystack, replacement)),
            Engine::NoMatch => Cow::Borrowed(haystack),
        }
    }

    /// `haystack` with every match replaced by what `replace` makes of its captures.
    pub fn replace_all_with<'h>(
        &self,
        haystack: &'h str,
        mut replace: impl FnMut(&Captures<'h>) -> String,
    ) -> Cow<'h, str> {
        let mut out = String::new();
        let mut copied = 0;
        for captures in self.captures_iter(haystack) {
            let whole = captures.get(0).expect("group 0 is the match");
            out.push_str(&haystack[copied..whole.start()]);
            out.push_str(&replace(&captures));
            copied = whole.end();
        }
        if copied == 0 && out.is_empty() {
            return Cow::Borrowed(haystack);
        }
        out.push_str(&haystack[copied..]);
        Cow::Owned(out)
    }

    /// Whether both engines read `haystack` alike: the same matches with the same groups. `Err`
    /// says where they part. Both engines are compiled; the pattern's own choice of engine is
    /// untouched. For tests.
    pub fn engines_agree(&self, haystack: &str) -> Result<(), String> {
        let lite = spans(self.lite().captures_iter(haystack).map(Captures::Lite));
        let full = spans(self.full().captures_iter(haystack).map(Captures::Full));
        if lite != full {
            return Err(format!(
                "pattern {:?} on {haystack:?}: regex-lite finds {lite:?}, regex finds {full:?}",
                self.source
            ));
        }
        Ok(())
    }

    /// Whether the pattern with ASCII word boundaries (`guard::ascii_bounded`) finds the
    /// same matches with the same groups as the pattern itself in the plain `haystack`. `Err`
    /// says where they part; `Ok` too for a haystack that is not plain or a pattern without a
    /// word boundary. For tests.
    pub fn ascii_bounds_agree(&self, haystack: &str) -> Result<(), String> {
        if !is_plain(haystack) {
            return Ok(());
        }
        // Compiled once a pattern (the search itself then uses it on plain text too).
        let Some(bounded) = self
            .ascii_bounded
            .get_or_init(|| guard::ascii_bounded(&self.source))
        else {
            return Ok(());
        };
        let own = spans(self.full().captures_iter(haystack).map(Captures::Full));
        let ascii = spans(bounded.captures_iter(haystack).map(Captures::Full));
        if own != ascii {
            return Err(format!(
                "pattern {:?} on {haystack:?}: with Unicode word boundaries {own:?}, with ASCII ones {ascii:?}",
                self.source
            ));
        }
        Ok(())
    }

    /// Whether the pattern's guards hold on `haystack`: when its literal guard or its relaxed
    /// form rules the haystack out, the full engine finds no match there either. `Err` says
    /// where one fails. The relaxed form is compiled if it was not yet. For tests.
    pub fn guard_holds(&self, haystack: &str) -> Result<(), String> {
        let matches = self.full().is_match(haystack);
        if matches && self.word_boundary && self.ruled_out(haystack) {
            return Err(format!(
                "pattern {:?} on {haystack:?}: the guard rules out a haystack regex matches",
                self.source
            ));
        }
        let relaxed = self.relaxed.get_or_init(|| guard::relaxed(&self.source));
        if let Some(relaxed) = relaxed
            && matches
            && !relaxed.is_match(haystack)
        {
            return Err(format!(
                "pattern {:?} on {haystack:?}: its relaxed form {:?} finds nothing where regex matches",
                self.source,
                relaxed.as_str()
            ));
        }
        Ok(())
    }

    /// [`Pattern::tokens`] and what makes text other than plain: letters with accents in both
    /// cases, the letters `(?i)` folds to ASCII ones (`ſ`, the Kelvin sign), the pattern's
    /// words spelled with them, a non-breaking space, other scripts' letters and digits.
    pub fn unplain_tokens(&self) -> Vec<String> {
        let mut tokens = self.tokens();
        let respelled: Vec<String> = tokens
            .iter()
            .filter(|t| t.contains(['s', 'k', 'S', 'K']))
            .map(|t| {
                t.replace(['s', 'S'], "\u{17F}")
                    .replace(['k', 'K'], "\u{212A}")
            })
            .collect();
        tokens.extend(respelled);
        tokens.extend(
            [
                "é", "É", "ü", "ß", "\u{a0}", "时", "后", "후에", "٣", "\u{301}",
            ]
            .map(String::from),
        );
        tokens.sort();
        tokens.dedup();
        tokens
    }

    /// Words and marks to build test haystacks from: the pattern's own words (as written, in
    /// upper case and capitalised), digits, every ASCII punctuation mark, spaces and
    /// [`PLAIN_MARKS`]. Text made of these reaches the pattern's branches far more often than
    /// random characters do.
    pub fn tokens(&self) -> Vec<String> {
        let mut tokens: Vec<String> = Vec::new();
        for word in self
            .source
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
        {
            let mut capitalised = word.to_string();
            capitalised[..1].make_ascii_uppercase();
            tokens.extend([word.to_string(), word.to_ascii_uppercase(), capitalised]);
        }
        tokens.extend(["0", "7", "12", "45", "123", "2024", "1.5"].map(String::from));
        tokens.extend(
            (b'!'..=b'~')
                .filter(u8::is_ascii_punctuation)
                .map(|b| char::from(b).to_string()),
        );
        tokens.extend(
            [
                " ", " ", "  ", "\t", "\n", "\r", "\u{b}", "\u{c}", "a", "x", "Z", "_",
            ]
            .map(String::from),
        );
        tokens.extend(PLAIN_MARKS.iter().map(char::to_string));
        tokens.sort();
        tokens.dedup();
        tokens
    }
}

/// The tokens of every pattern of `patterns`, each once and sorted, for a crate's proptests:
/// [`Pattern::tokens`] (plain text only) or, with `unplain`, [`Pattern::unplain_tokens`].
pub fn tokens_of(patterns: &[&Pattern], unplain: bool) -> Vec<String> {
    let mut tokens: Vec<String> = patterns
        .iter()
        .flat_map(|p| {
            if unplain {
                p.unplain_tokens()
            } else {
                p.tokens()
            }
        })
        .collect();
    tokens.sort();
    tokens.dedup();
    tokens
}

/// A match: its place in the haystack and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'h> {
    text: &'h str,
    start: usize,
}

impl<'h> Match<'h> {
    fn new(haystack: &'h str, span: std::ops::Range<usize>) -> Self {
        Match {
            text: &haystack[span.clone()],
            start: span.start,
        }
    }

    /// Byte offset of the match's start.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Byte offset just past the match.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// The match's byte range.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end()
    }

    /// The matched text.
    pub fn as_str(&self) -> &'h str {
        self.text
    }
}

/// The capture groups of one match; group 0 is the whole match.
#[derive(Debug)]
pub enum Captures<'h> {
    /// Found by `regex-lite`.
    Lite(regex_lite::Captures<'h>),
    /// Found by `regex`.
    Full(regex::Captures<'h>),
}

impl<'h> Captures<'h> {
    /// Group `i`, if it took part in the match.
    pub fn get(&self, i: usize) -> Option<Match<'h>> {
        match self {
            Captures::Lite(c) => c.get(i).map(|m| Match {
                text: m.as_str(),
                start: m.start(),
            }),
            Captures::Full(c) => c.get(i).map(|m| Match {
                text: m.as_str(),
                start: m.start(),
            }),
        }
    }

    /// How many groups the pattern has, group 0 included.
    pub fn len(&self) -> usize {
        match self {
            Captures::Lite(c) => c.len(),
            Captures::Full(c) => c.len(),
        }
    }

    /// Never true: group 0 is always there. (For symmetry with [`Captures::len`].)
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::ops::Index<usize> for Captures<'_> {
    type Output = str;

    /// Group `i`'s text; panics when the group did not take part, like `regex`'s.
    fn index(&self, i: usize) -> &str {
        match self {
            Captures::Lite(c) => &c[i],
            Captures::Full(c) => &c[i],
        }
    }
}

/// The captures of successive matches; see [`Pattern::captures_iter`].
pub struct CapturesIter<'p, 'h>(Iter<'p, 'h>);

enum Iter<'p, 'h> {
    Lite(&'p Pattern, regex_lite::CaptureMatches<'p, 'h>),
    Full(regex::CaptureMatches<'p, 'h>),
    Empty,
}

impl<'h> Iterator for CapturesIter<'_, 'h> {
    type Item = Captures<'h>;

    fn next(&mut self) -> Option<Captures<'h>> {
        match &mut self.0 {
            Iter::Lite(pattern, it) => pattern.timed(|| it.next().map(Captures::Lite)),
            Iter::Full(it) => it.next().map(Captures::Full),
            Iter::Empty => None,
        }
    }
}

/// The successive matches; see [`Pattern::find_iter`].
pub struct FindIter<'p, 'h> {
    haystack: &'h str,
    matches: Matches<'p, 'h>,
}

enum Matches<'p, 'h> {
    Lite(&'p Pattern, regex_lite::Matches<'p, 'h>),
    Full(regex::Matches<'p, 'h>),
    Empty,
}

impl<'h> Iterator for FindIter<'_, 'h> {
    type Item = Match<'h>;

    fn next(&mut self) -> Option<Match<'h>> {
        let span = match &mut self.matches {
            Matches::Lite(pattern, it) => pattern.timed(|| it.next().map(|m| m.range())),
            Matches::Full(it) => it.next().map(|m| m.range()),
            Matches::Empty => None,
        }?;
        Some(Match::new(self.haystack, span))
    }
}

/// Each match's groups as byte ranges (`None` for a group that took no part).
fn spans<'h>(found: impl Iterator<Item = Captures<'h>>) -> Vec<Vec<Option<(usize, usize)>>> {
    found
        .map(|c| {
            (0..c.len())
                .map(|i| c.get(i).map(|m| (m.start(), m.end())))
                .collect()
        })
        .collect()
}

/// Nanoseconds since `started`.
fn nanos(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
