//! Sentence boundaries by Unicode's rules (UAX #29), fast on plain text.
//!
//! `unicode-segmentation`'s sentence iterator looks each character up in Unicode's tables and,
//! after a full stop, scans ahead again at every following character (rule SB8): ~15,000
//! instructions a sentence of a reply. On text [`reads_plain`] takes (ASCII, the typographic
//! marks of [`refine_pattern::PLAIN_MARKS`]: curly quotes, dashes, ellipses; the letters of
//! Latin-1 and basic Cyrillic, Hangul, CJK ideographs and kana; the ideographic space, comma,
//! full stop and corner brackets) the same state machine runs here on a small table, and SB8's
//! scan is remembered until the character that decided it. Other text goes to the library.
//! Tests hold both equal on every ASCII byte, plain mark and character of those blocks in the
//! contexts where its category decides, and a proptest on text of every category.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use unicode_segmentation::{USentenceBounds, UnicodeSegmentation};

use crate::recent::{Recent, remembered};

thread_local! {
    /// The plain texts this thread cut into sentences lately: the offline planner cuts its
    /// closing statement to count its sentences, and the linter then cuts the same closing,
    /// parsed back from the reply, to look for next steps in it.
    static CUT_LATELY: RefCell<Recent<Box<str>, Cuts>> = const { RefCell::new(Recent::new()) };
}

/// The byte ranges a text is cut into, shared.
type Cuts = Rc<[Range<usize>]>;

/// Where [`sentence_bounds`] cuts `text`, as byte ranges: for plain text ([`reads_plain`]),
/// shared with the caller on this thread that asked about the same text lately
/// ([`crate::recent`]).
pub(crate) fn bounds_of(text: &str) -> Cuts {
    let ranges = |text: &str| -> Cuts {
        sentence_bounds(text)
            .map(|sentence| {
                let start = sentence.as_ptr().addr() - text.as_ptr().addr();
                start..start + sentence.len()
            })
            .collect()
    };
    if reads_plain(text) {
        remembered(&CUT_LATELY, text, || ranges(text))
    } else {
        ranges(text)
    }
}

/// The sentences of `text` with everything between them, in order: what
/// `split_sentence_bounds` yields.
pub(crate) fn sentence_bounds(text: &str) -> SentenceBounds<'_> {
    if reads_plain(text) {
        plain_sentence_bounds(text)
    } else {
        SentenceBounds::General(text.split_sentence_bounds())
    }
}

/// [`sentence_bounds`] of text known to be one [`reads_plain`] takes: not read again to ask.
pub(crate) fn plain_sentence_bounds(text: &str) -> SentenceBounds<'_> {
    SentenceBounds::Plain(PlainSentences {
        text,
        breaks: PlainBreaks::new(text),
        start: None,
    })
}

/// Whether the state machine here reads `text`: ASCII, plain marks, the letters of Latin-1
/// (`À` to `ÿ` but `×` and `÷`) and basic Cyrillic (upper- or lower-case letters to UAX #29),
/// the Hangul syllables, CJK ideographs, Hiragana and Katakana (other letters), and the
/// ideographic space, comma, full stop and corner brackets, as `cat` has them.
pub(crate) fn reads_plain(text: &str) -> bool {
    refine_pattern::is_plain(text)
        || text.chars().all(|c| {
            // The letters first: in text of other scripts most characters are letters, and
            // the marks are a list.
            c.is_ascii()
                || is_plain_letter(c)
                || matches!(c, '\u{3000}'..='\u{3002}' | '\u{300C}'..='\u{300F}')
                || refine_pattern::is_plain_mark(c)
        })
}

/// Whether `c` is a letter past ASCII that [`reads_plain`] takes: the only characters past
/// ASCII of plain text that are letters or digits (no plain mark or ideographic mark is one).
pub(crate) fn is_plain_letter(c: char) -> bool {
    super::is_latin1_letter(c)
        || matches!(
            c,
            '\u{400}'..='\u{45F}'
                | '\u{3041}'..='\u{3096}'
                | '\u{30A1}'..='\u{30FA}'
                | '\u{4E00}'..='\u{9FFF}'
                | '\u{AC00}'..='\u{D7A3}'
        )
}

/// See [`sentence_bounds`].
pub(crate) enum SentenceBounds<'a> {
    Plain(PlainSentences<'a>),
    General(USentenceBounds<'a>),
}

impl<'a> Iterator for SentenceBounds<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            SentenceBounds::Plain(plain) => plain.next(),
            SentenceBounds::General(general) => general.next(),
        }
    }
}

/// Plain text cut at its breaks, as `USentenceBounds` cuts it.
pub(crate) struct PlainSentences<'a> {
    text: &'a str,
    breaks: PlainBreaks<'a>,
    start: Option<usize>,
}

impl<'a> Iterator for PlainSentences<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let start = match self.start {
            Some(start) => start,
            None => self.breaks.next()?,
        };
        let end = self.breaks.next()?;
        self.start = Some(end);
        Some(&self.text[start..end])
    }
}

/// The sentence break property of a plain character (none is Sep, Extend or Format).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cat {
    Other,
    OLetter,
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
}

fn cat(c: char) -> Cat {
    if c.is_ascii() {
        return ASCII_CATS[c as usize];
    }
    match c {
        '？' | '！' => Cat::STerm,
        '‘' | '’' | '“' | '”' | '«' | '»' | '‹' | '›' | '【' | '】' => Cat::Close,
        '–' | '—' | '：' => Cat::SContinue,
        'À'..='Ö' | 'Ø'..='Þ' | '\u{400}'..='\u{42F}' => Cat::Upper,
        'ß'..='ö' | 'ø'..='ÿ' | '\u{430}'..='\u{45F}' => Cat::Lower,
        '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}' => Cat::OLetter,
        '\u{3000}' => Cat::Sp,
        '\u{3001}' => Cat::SContinue,
        '\u{3002}' => Cat::STerm,
        '\u{300C}'..='\u{300F}' => Cat::Close,
        _ => Cat::Other,
    }
}

/// [`cat`] of each ASCII character, looked up: most characters are ASCII.
static ASCII_CATS: [Cat; 128] = {
    let mut cats = [Cat::Other; 128];
    let mut byte = 0;
    while byte < 128 {
        cats[byte] = match byte as u8 {
            b'\t' | 0x0b | 0x0c | b' ' => Cat::Sp,
            b'\n' => Cat::Lf,
            b'\r' => Cat::Cr,
            b'!' | b'?' => Cat::STerm,
            b'.' => Cat::ATerm,
            b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Cat::Close,
            b',' | b'-' | b':' | b';' => Cat::SContinue,
            b'0'..=b'9' => Cat::Numeric,
            b'A'..=b'Z' => Cat::Upper,
            b'a'..=b'z' => Cat::Lower,
            _ => Cat::Other,
        };
        byte += 1;
    }
    cats
};

/// What the state machine remembers of a character (a run of Close or Sp counts once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Sot,
    Eot,
    Other,
    Cr,
    Lf,
    ATerm,
    UpperLower,
    ClosePlus,
    SpPlus,
    STerm,
}

impl Part {
    /// The part a character of category `cat` starts.
    fn of(cat: Cat) -> Part {
        match cat {
            Cat::Cr => Part::Cr,
            Cat::Lf => Part::Lf,
            Cat::ATerm => Part::ATerm,
            Cat::Upper | Cat::Lower => Part::UpperLower,
            Cat::Close => Part::ClosePlus,
            Cat::Sp => Part::SpPlus,
            Cat::STerm => Part::STerm,
            // An other letter decides only SB8's look-ahead, read from the text itself.
            Cat::Other | Cat::OLetter | Cat::Numeric | Cat::SContinue => Part::Other,
        }
    }
}

/// The bytes that can bring a break near: the ASCII terminals and line breaks, and any byte
/// past ASCII (a character whose category the table does not hold).
static STOPS: [bool; 256] = {
    let mut stops = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        stops[byte] = byte >= 0x80 || matches!(byte as u8, b'.' | b'!' | b'?' | b'\r' | b'\n');
        byte += 1;
    }
    stops
};

/// The last four parts, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State([Part; 4]);

impl State {
    fn next(self, cat: Cat) -> State {
        let parts = self.0;
        match (parts[3], cat) {
            (Part::ClosePlus, Cat::Close) | (Part::SpPlus, Cat::Sp) => self,
            _ => State([parts[1], parts[2], parts[3], Part::of(cat)]),
        }
    }

    /// The state after `bytes` (ASCII), read from its end: `None` when it holds fewer than four
    /// parts, and the state before it still counts.
    fn after_ascii(bytes: &[u8]) -> Option<State> {
        let mut parts = [Part::Other; 4];
        let mut found = 0;
        for &byte in bytes.iter().rev() {
            let part = Part::of(ASCII_CATS[usize::from(byte)]);
            // A run of Close or of Sp is one part, as `next` reads it.
            if found > 0
                && matches!(part, Part::ClosePlus | Part::SpPlus)
                && parts[4 - found] == part
            {
                continue;
            }
            found += 1;
            parts[4 - found] = part;
            if found == 4 {
                return Some(State(parts));
            }
        }
        None
    }

    /// Whether a part that can lead to a break (the start, a terminal, a line break) is among
    /// the last three.
    fn near_break(self) -> bool {
        self.0[1..].iter().any(|part| {
            matches!(
                part,
                Part::Sot | Part::Eot | Part::ATerm | Part::STerm | Part::Cr | Part::Lf
            )
        })
    }

    fn last(self) -> Part {
        self.0[3]
    }

    /// The part before a trailing run of Sp, then of Close (SB8, SB8a).
    fn before_close_sp(self) -> Part {
        let parts = self.0;
        let mut at = if parts[3] == Part::SpPlus { 2 } else { 3 };
        if parts[at] == Part::ClosePlus {
            at -= 1;
        }
        parts[at]
    }

    /// SB8a: SATerm Close* Sp* before.
    fn after_terminal(self) -> bool {
        matches!(self.before_close_sp(), Part::STerm | Part::ATerm)
    }

    /// SB9: SATerm Close* before.
    fn after_terminal_close(self) -> bool {
        let parts = self.0;
        let at = if parts[3] == Part::ClosePlus { 2 } else { 3 };
        matches!(parts[at], Part::STerm | Part::ATerm)
    }

    /// SB11: SATerm Close* Sp* ParaSep? before.
    fn ends_sentence(self) -> bool {
        let parts = self.0;
        let mut at = match parts[3] {
            Part::Cr | Part::Lf => 2,
            _ => 3,
        };
        if parts[at] == Part::SpPlus {
            at -= 1;
        }
        if parts[at] == Part::ClosePlus {
            at -= 1;
        }
        matches!(parts[at], Part::STerm | Part::ATerm)
    }
}

/// The break positions of plain text, as `unicode-segmentation`'s `SentenceBreaks` yields them.
struct PlainBreaks<'a> {
    text: &'a str,
    at: usize,
    state: State,
    /// SB8's last look-ahead: the position of the character that decided it, and the answer.
    /// Every position up to that one gets the same answer, as the characters between decide
    /// nothing.
    lower_ahead: Option<(usize, bool)>,
}

impl<'a> PlainBreaks<'a> {
    fn new(text: &'a str) -> PlainBreaks<'a> {
        PlainBreaks {
            text,
            at: 0,
            state: State([Part::Sot; 4]),
            lower_ahead: None,
        }
    }

    /// SB8: after ATerm Close* Sp*, whether a lower-case letter comes before anything that
    /// would start or end a sentence (an upper-case letter, a line break, a terminal).
    fn lower_comes_first(&mut self, state: State, from: usize) -> bool {
        if state.before_close_sp() != Part::ATerm {
            return false;
        }
        if let Some((decided_at, answer)) = self.lower_ahead
            && from <= decided_at
        {
            return answer;
        }
        let mut answer = (self.text.len(), false);
        for (offset, c) in self.text[from..].char_indices() {
            match cat(c) {
                Cat::Lower => {
                    answer = (from + offset, true);
                    break;
                }
                Cat::Upper | Cat::OLetter | Cat::Cr | Cat::Lf | Cat::STerm | Cat::ATerm => {
                    answer = (from + offset, false);
                    break;
                }
                _ => {}
            }
        }
        self.lower_ahead = Some(answer);
        answer.1
    }
}

impl Iterator for PlainBreaks<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while let Some(c) = self.text[self.at..].chars().next() {
            // Far from a terminal or line break, nothing breaks before one comes (or a
            // character past ASCII): the ASCII up to it is read from its end for the state
            // alone, when it holds four parts.
            if !self.state.near_break() {
                let bytes = self.text.as_bytes();
                let stop = bytes[self.at..]
                    .iter()
                    .position(|&b| STOPS[usize::from(b)])
                    .map_or(bytes.len(), |offset| self.at + offset);
                if let Some(state) = State::after_ascii(&bytes[self.at..stop]) {
                    self.state = state;
                    self.at = stop;
                    continue;
                }
            }
            // Within a word (after a letter, digit or other character), an ASCII letter or
            // digit decides nothing: no rule breaks before it, and none looks back past it
            // through a run of letters and digits. Such a run is skipped, and only its last four
            // characters are remembered (a letter or digit never joins the part before it).
            if matches!(self.state.last(), Part::UpperLower | Part::Other) {
                let rest = &self.text.as_bytes()[self.at..];
                let run = rest
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                if run > 0 {
                    let tail = &rest[run.saturating_sub(4)..run];
                    if let &[a, b, c, d] = tail {
                        // Four of them make the whole state: a letter is `UpperLower`, a digit
                        // `Other` (as `State::next` has them), and none joins the part before.
                        let part = |byte: u8| {
                            if byte.is_ascii_digit() {
                                Part::Other
                            } else {
                                Part::UpperLower
                            }
                        };
                        self.state = State([part(a), part(b), part(c), part(d)]);
                    } else {
                        for &byte in tail {
                            self.state = self.state.next(cat(char::from(byte)));
                        }
                    }
                    self.at += run;
                    continue;
                }
            }
            let before = self.at;
            let state = self.state;
            let cat = cat(c);
            self.at += c.len_utf8();
            self.state = state.next(cat);
            // Far from a terminal or line break, no rule breaks: each reads one of those in
            // the last three parts (a part before them only past a line break).
            if !state.near_break() {
                continue;
            }
            let last = state.last();
            // The rules in their order of precedence (SB1-SB11; SB5 has nothing to skip here).
            if last == Part::Sot {
                return Some(before);
            }
            if cat == Cat::Lf && last == Part::Cr {
                continue;
            }
            if matches!(last, Part::Cr | Part::Lf) {
                return Some(before);
            }
            if cat == Cat::Numeric && last == Part::ATerm {
                continue;
            }
            if cat == Cat::Upper && state.0[2] == Part::UpperLower && last == Part::ATerm {
                continue;
            }
            if self.lower_comes_first(state, before) {
                continue;
            }
            if matches!(cat, Cat::SContinue | Cat::STerm | Cat::ATerm) && state.after_terminal() {
                continue;
            }
            if matches!(cat, Cat::Close | Cat::Sp | Cat::Cr | Cat::Lf)
                && state.after_terminal_close()
            {
                continue;
            }
            if matches!(cat, Cat::Sp | Cat::Cr | Cat::Lf) && state.after_terminal() {
                continue;
            }
            if state.ends_sentence() {
                return Some(before);
            }
        }
        if matches!(self.state.last(), Part::Sot | Part::Eot) {
            return None;
        }
        let parts = self.state.0;
        self.state = State([parts[1], parts[2], parts[3], Part::Eot]);
        Some(self.at)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn by_library(text: &str) -> Vec<&str> {
        if text.is_empty() {
            // unicode-segmentation 1.13 overflows in its size hint on empty input.
            return Vec::new();
        }
        text.split_sentence_bounds().collect()
    }

    proptest! {
        /// The cuts of a text, shared or not, are where the library cuts it, whichever texts
        /// were cut before.
        #[test]
        fn shared_cuts_are_the_librarys(
            texts in proptest::collection::vec("(One|two|é|結|\\.|!|\\?| |\n|e\\.g\\.|“|”){1,8}", 1..8)
        ) {
            for text in texts.iter().chain(&texts) {
                let cut: Vec<&str> = bounds_of(text).iter().map(|r| &text[r.clone()]).collect();
                prop_assert_eq!(cut, by_library(text));
            }
        }
    }

    #[test]
    fn every_plain_character_is_read_as_the_library_reads_it() {
        // Each character in the contexts where its category decides something.
        // Past Latin-1, every character of the blocks `reads_plain` takes from (letters of
        // other scripts, the ideographic marks): the ones it does not take go to the library
        // either way, and are read alike here too.
        let plain = (0u8..0x80)
            .map(char::from)
            .chain(refine_pattern::PLAIN_MARKS.iter().copied())
            .chain('\u{A0}'..='\u{FF}')
            .chain('\u{400}'..='\u{4FF}')
            .chain('\u{3000}'..='\u{30FF}')
            .chain('\u{4E00}'..='\u{9FFF}')
            .chain('\u{AC00}'..='\u{D7AF}');
        let mut read_here = 0;
        for c in plain {
            read_here += usize::from(reads_plain(&c.to_string()));
            for text in [
                format!("Ab. {c}x"),
                format!("Ab.{c}x. Y"),
                format!("ab! {c} Next"),
                format!("A.{c}B"),
                format!("x.){c} y"),
                format!("No{c} more. Done"),
                format!("{c}"),
                format!("a.\r{c}b"),
                format!("中。{c}文. {c}"),
            ] {
                let fast: Vec<&str> = sentence_bounds(&text).collect();
                assert_eq!(fast, by_library(&text), "{text:?}");
                let letters = crate::text::unicode_sentences(&text).collect::<Vec<_>>();
                let library = if text.is_empty() {
                    Vec::new()
                } else {
                    text.unicode_sentences().collect()
                };
                assert_eq!(letters, library, "{text:?}");
            }
        }
        assert!(read_here > 32_000, "{read_here} characters read here");
    }

    #[test]
    fn runs_of_letters_and_digits_end_as_the_library_reads_them() {
        // A skipped run's last four characters are the state: a letter before a full stop
        // keeps an upper-case letter after it in the sentence (SB7), a digit does not.
        for text in [
            "abcd1.B",
            "abc12.B",
            "1234.B",
            "x9999.Yes",
            "word.Next",
            "v2024. Next",
            "AB1.C",
            "Up1234.Bc",
            "ab.C",
            "abcd.Cd",
            "12ab.C",
            "9a.B",
        ] {
            let fast: Vec<&str> = sentence_bounds(text).collect();
            assert_eq!(fast, by_library(text), "{text:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn plain_sentences_are_the_librarys(
            text in "([a-c]|[A-C]|[0-2]|[.!?]|[\"')(\\]{]|[,;:-]|[ \t]|\r|\n|\r\n|#|e\\.g\\.|[“”’—–…？：]|[éÉßÀÿ×÷]|[ЖжЁё]|[中文あアー한국]|[\u{3000}、。「」『』]){0,24}"
        ) {
            let fast: Vec<&str> = sentence_bounds(&text).collect();
            prop_assert_eq!(fast, by_library(&text));
        }
    }
}
