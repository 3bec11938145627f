//! UAX #29 word segmentation of the text most backlogs are written in, without the general
//! segmenter's tables: what [`super::unicode_words`] reads its simple pieces with.

/// UAX #29 word segmentation of text made of ASCII, the letters of Latin-1 (`À` to `ÿ` but `×`
/// and `÷`: French, German, Spanish, Portuguese, ...), the basic Cyrillic letters (`Ѐ` to
/// `џ`), the Hangul syllables, the CJK unified ideographs and Hiragana, the ideographic space,
/// comma, full stop and corner brackets, and the few typographic marks replies are full of
/// (curly quotes, dashes, the ellipsis). On such text the rules come down to: letters (ASCII,
/// Latin-1, Cyrillic and Hangul are all ALetter), digits and underscores join (WB5, WB8-WB10,
/// WB13a-b); one `.`, `'`, `’`, `‘` or `:` joins two letters (WB6-7); one `.`, `'`, `’`, `‘`,
/// `,` or `;` joins two digits (WB11-12); an ideograph or a Hiragana character is a word of its
/// own (class Other, a letter); everything else breaks (the double quotes, dashes, ellipsis and
/// ideographic marks are of the class Other). Checked against `unicode-segmentation` on random
/// text and on every character of these scripts in the tests below.
pub(super) struct SimpleWords<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> SimpleWords<'a> {
    /// The marks beyond ASCII this segmenter knows.
    const MARKS: [char; 7] = ['“', '”', '—', '–', '…', '‘', '’'];

    /// The ideographic marks it knows: space, comma, full stop, corner brackets.
    const IDEOGRAPHIC_MARKS: [char; 7] = [
        '\u{3000}', '\u{3001}', '\u{3002}', '\u{300C}', '\u{300D}', '\u{300E}', '\u{300F}',
    ];

    /// One `match` on the character's value: tested one after another, the ranges cost the
    /// characters of the later ones (Chinese, Korean) a dozen comparisons each.
    pub(super) fn knows(c: char) -> bool {
        match c {
            '\0'..='\x7F' | '\u{400}'..='\u{45F}' | '\u{AC00}'..='\u{D7A3}' => true,
            '\u{C0}'..='\u{FF}' => is_latin1_letter(c),
            '\u{2013}'..='\u{2026}' => Self::MARKS.contains(&c),
            '\u{3000}'..='\u{300F}' => Self::IDEOGRAPHIC_MARKS.contains(&c),
            _ => is_single(c),
        }
    }

    /// Whether this segmenter knows every character of `text`: runs of ASCII are skipped
    /// eight bytes at a time, only the characters past ASCII are decoded and tested.
    pub(super) fn reads_all(text: &str) -> bool {
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(offset) = refine_pattern::first_past_ascii(&bytes[at..]) {
            at += offset;
            match text[at..].chars().next() {
                Some(c) if Self::knows(c) => at += c.len_utf8(),
                _ => return false,
            }
        }
        true
    }

    pub(super) fn new(text: &'a str) -> Self {
        debug_assert!(text.chars().all(Self::knows));
        SimpleWords { text, at: 0 }
    }

    /// The length in bytes of the joining mark at `at`, when it joins the characters on either
    /// side of it.
    fn bridge(bytes: &[u8], at: usize) -> Option<usize> {
        let (len, letters, digits) = match bytes[at] {
            b'.' | b'\'' => (1, true, true),
            b':' => (1, true, false),
            b',' | b';' => (1, false, true),
            // ‘ and ’ (U+2018, U+2019) in UTF-8.
            0xE2 if bytes.get(at + 1) == Some(&0x80)
                && matches!(bytes.get(at + 2), Some(0x98 | 0x99)) =>
            {
                (3, true, true)
            }
            _ => return None,
        };
        let (before, after) = (bytes[at - 1], *bytes.get(at + len)?);
        // A letter past ASCII is two bytes (Latin-1, Cyrillic) or three (Hangul), and in text
        // this segmenter knows its first byte starts no other character: the letter before
        // the mark ends one or two bytes after such a byte, the letter after it starts with
        // one.
        let letter_before = before.is_ascii_alphabetic()
            || (at >= 2 && BYTE_ROLES[usize::from(bytes[at - 2])] == ByteRole::StartsLetter)
            || (at >= 3 && BYTE_ROLES[usize::from(bytes[at - 3])] == ByteRole::StartsHangul);
        let letter_after = after.is_ascii_alphabetic()
            || matches!(
                BYTE_ROLES[usize::from(after)],
                ByteRole::StartsLetter | ByteRole::StartsHangul
            );
        let joined = (letters && letter_before && letter_after)
            || (digits && before.is_ascii_digit() && after.is_ascii_digit());
        joined.then_some(len)
    }
}

/// Whether `c` is a letter of Latin-1's upper half, `À` to `ÿ` but `×` and `÷`: a letter
/// (ALetter) to UAX #29, written in UTF-8 as 0xC3 and one more byte. In text [`SimpleWords`]
/// knows, 0xC3 starts no other character.
pub(crate) fn is_latin1_letter(c: char) -> bool {
    matches!(c, '\u{C0}'..='\u{FF}') && c != '×' && c != '÷'
}

/// Whether `c` is a word by itself to [`SimpleWords`]: a CJK unified ideograph (UTF-8 starting
/// with 0xE4 to 0xE9, which start no other character it knows) or a Hiragana letter (starting
/// 0xE3 0x81 or 0xE3 0x82; the ideographic marks start 0xE3 0x80).
fn is_single(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3041}'..='\u{3096}')
}

/// What a byte is to [`SimpleWords`]: it joins a word (an ASCII letter, digit or underscore),
/// starts a two-byte letter (Latin-1: 0xC3; Cyrillic: 0xD0, 0xD1) or a three-byte Hangul
/// syllable (0xEA to 0xED) that joins it, starts an ideograph (0xE4 to 0xE9) or maybe a
/// Hiragana letter (0xE3) that is a word alone, may bridge two joining characters (see
/// [`SimpleWords::bridge`]), or breaks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteRole {
    Joins,
    StartsLetter,
    StartsHangul,
    StartsSingle,
    MayStartSingle,
    MayBridge,
    Breaks,
}

/// [`ByteRole`] of every byte, looked up instead of tested byte by byte.
static BYTE_ROLES: [ByteRole; 256] = {
    let mut roles = [ByteRole::Breaks; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        roles[byte] = if b.is_ascii_alphanumeric() || b == b'_' {
            ByteRole::Joins
        } else if matches!(b, 0xC3 | 0xD0 | 0xD1) {
            ByteRole::StartsLetter
        } else if matches!(b, 0xEA..=0xED) {
            ByteRole::StartsHangul
        } else if matches!(b, 0xE4..=0xE9) {
            ByteRole::StartsSingle
        } else if b == 0xE3 {
            ByteRole::MayStartSingle
        } else if matches!(b, b'.' | b'\'' | b':' | b',' | b';' | 0xE2) {
            ByteRole::MayBridge
        } else {
            ByteRole::Breaks
        };
        byte += 1;
    }
    roles
};

/// Whether a byte joins a word ([`ByteRole::Joins`]): the test made for every byte of a word,
/// a load and a branch that goes the same way through the word.
static JOINS: [bool; 256] = {
    let mut joins = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        joins[byte] = matches!(BYTE_ROLES[byte], ByteRole::Joins);
        byte += 1;
    }
    joins
};

/// Whether a byte may start a word: the test made for every byte between words.
static MAY_START: [bool; 256] = {
    let mut starts = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        starts[byte] = matches!(
            BYTE_ROLES[byte],
            ByteRole::Joins
                | ByteRole::StartsLetter
                | ByteRole::StartsHangul
                | ByteRole::StartsSingle
                | ByteRole::MayStartSingle
        );
        byte += 1;
    }
    starts
};

impl<'a> Iterator for SimpleWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let role = |at: usize| BYTE_ROLES[usize::from(bytes[at])];
        // Read with a local cursor, stored once a word is found: each byte costs a table
        // lookup and a branch that goes the same way through a word (a `match` on every byte
        // compiled to a jump through a table, mispredicted at every change of role).
        let mut at = self.at;
        loop {
            while at < bytes.len() && !MAY_START[usize::from(bytes[at])] {
                at += 1;
            }
            if at >= bytes.len() {
                self.at = at;
                return None;
            }
            let start = at;
            match role(at) {
                ByteRole::StartsSingle => {
                    self.at = at + 3;
                    return Some(&self.text[start..at + 3]);
                }
                ByteRole::MayStartSingle => {
                    at += 3;
                    // Hiragana, not an ideographic mark (0xE3 0x80).
                    if bytes[start + 1] != 0x80 {
                        self.at = at;
                        return Some(&self.text[start..at]);
                    }
                    continue;
                }
                _ => {}
            }
            loop {
                while at < bytes.len() && JOINS[usize::from(bytes[at])] {
                    at += 1;
                }
                if at >= bytes.len() {
                    break;
                }
                match role(at) {
                    ByteRole::StartsLetter => at += 2,
                    ByteRole::StartsHangul => at += 3,
                    ByteRole::MayBridge => match Self::bridge(bytes, at) {
                        Some(len) => at += len,
                        None => break,
                    },
                    _ => break,
                }
            }
            let word = &self.text[start..at];
            // A word of underscores alone is none (past ASCII, a joined byte is a letter's).
            if bytes[start] != b'_' || word.bytes().any(|b| b.is_ascii_alphanumeric() || b >= 0x80)
            {
                self.at = at;
                return Some(word);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_segmentation::UnicodeSegmentation;

    fn both(text: &str) -> (Vec<&str>, Vec<&str>) {
        (
            SimpleWords::new(text).collect(),
            text.unicode_words().collect(),
        )
    }

    proptest::proptest! {
        #[test]
        fn simple_words_are_unicode_words(
            text in "[aZq09_.':,; \t\r\n!?\"“”—–…‘’\\-éÜÀÿЖжЁёЀџ가힣각中龥一あゖん\u{3000}、。「」『』]{0,40}"
        ) {
            let (fast, general) = both(&text);
            proptest::prop_assert_eq!(fast, general);
        }
    }

    /// Every character past ASCII the segmenter knows, in every context its rules tell apart:
    /// alone, doubled, beside letters, digits and underscores, across each joining mark.
    /// Adding a character of another class to a range (the Katakana `ア`, the Cyrillic `҂`, the
    /// Hiragana sound mark `゛`) fails here.
    #[test]
    fn every_known_character_is_read_as_unicode_segmentation_reads_it() {
        let known = ('\u{80}'..='\u{FFFF}').filter(|&c| SimpleWords::knows(c));
        let mut checked = 0;
        for c in known {
            for text in [
                format!("{c}"),
                format!("{c}{c}"),
                format!("a{c}1 {c}a 1{c}"),
                format!("_{c}_ é{c}é"),
                format!("{c}.{c} {c}'{c} {c}:{c}"),
                format!("{c}’{c} {c}‘{c} {c},{c}"),
                format!("a.{c} {c}.a é:{c} {c}’é"),
                format!("1.{c} {c},1 “{c}”"),
            ] {
                let (fast, general) = both(&text);
                assert_eq!(fast, general, "{text:?} (U+{:04X})", c as u32);
            }
            checked += 1;
        }
        assert!(checked > 32_000, "{checked} characters");
    }

    #[test]
    fn ascii_words_follow_the_joining_rules() {
        let fast: Vec<&str> =
            SimpleWords::new("e.g. don't 3,5 a:b a.5 _x_ __ 1'000; x..y").collect();
        assert_eq!(
            fast,
            vec![
                "e.g", "don't", "3,5", "a:b", "a", "5", "_x_", "1'000", "x", "y"
            ]
        );
    }

    #[test]
    fn scripts_past_latin_are_words_as_unicode_reads_them() {
        let text = "검색 결과가 API키 нет Ж.ж 文件。上传「失败」 あい";
        let (fast, general) = both(text);
        assert_eq!(
            fast,
            vec![
                "검색",
                "결과가",
                "API키",
                "нет",
                "Ж.ж",
                "文",
                "件",
                "上",
                "传",
                "失",
                "败",
                "あ",
                "い"
            ]
        );
        assert_eq!(fast, general);
    }
}
