//! How address text is read: postcodes, house numbers with huisletter and toevoeging, and the
//! folded keys under which street and place names are compared.
//!
//! The BAG rules apply: a postcode is four digits (not starting with 0) and two letters; a
//! huisnummer is 1 to 99999; a huisletter is one letter; a huisnummertoevoeging is at most four
//! letters or digits. People write these in many ways (`6211 ck`, `78a`, `78 A`, `78-2`,
//! `78 bis`); each is read into the same parts, and where the text allows two readings (`78-A`:
//! letter or toevoeging?) both are kept, in order of likelihood.

use std::fmt;

use crate::t;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A Dutch postcode, packed: `((digits * 26) + letter1) * 26 + letter2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Postcode(pub u32);

impl Postcode {
    /// Reads `6211CK`, `6211 ck`; `None` when the text is not exactly a postcode.
    pub fn parse(text: &str) -> Option<Postcode> {
        let mut b = [0u8; 6];
        let mut n = 0;
        // `6216 CG`, `6216-CG` (as some registration systems write it) and `6216CG` alike.
        for c in text
            .bytes()
            .filter(|c| !c.is_ascii_whitespace() && *c != b'-')
        {
            *b.get_mut(n)? = c;
            n += 1;
        }
        if n != 6 || b[0] == b'0' {
            return None;
        }
        if !b[..4].iter().all(u8::is_ascii_digit) || !b[4..].iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let digits = b[..4]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
        let l1 = u32::from(b[4].to_ascii_uppercase() - b'A');
        let l2 = u32::from(b[5].to_ascii_uppercase() - b'A');
        Some(Postcode((digits * 26 + l1) * 26 + l2))
    }

    /// The lowest packed value of all postcodes starting with `digits` (1000..=9999).
    pub fn first_of(digits: u32, letters: &[u8]) -> u32 {
        let mut v = digits * 676;
        if let Some(l) = letters.first() {
            v += u32::from(l.to_ascii_uppercase() - b'A') * 26;
        }
        if let Some(l) = letters.get(1) {
            v += u32::from(l.to_ascii_uppercase() - b'A');
        }
        v
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0 / 676;
        let l1 = (b'A' + (self.0 / 26 % 26) as u8) as char;
        let l2 = (b'A' + (self.0 % 26) as u8) as char;
        write!(f, "{digits:04}{l1}{l2}")
    }
}

/// The part of an address after the huisnummer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Suffix {
    /// Upper-case ASCII letter, or 0.
    pub letter: u8,
    /// Upper-case, zero-padded.
    pub toevoeging: [u8; 4],
}

impl Suffix {
    pub const NONE: Suffix = Suffix {
        letter: 0,
        toevoeging: [0; 4],
    };

    pub fn new(letter: Option<char>, toevoeging: Option<&str>) -> Result<Suffix, String> {
        let letter = match letter {
            None => 0,
            Some(c) if c.is_ascii_alphabetic() => c.to_ascii_uppercase() as u8,
            Some(c) => {
                return Err(t!(
                    "address-huisletter-not-a-letter",
                    huisletter = c.to_string()
                ));
            }
        };
        let mut toev = [0u8; 4];
        if let Some(t) = toevoeging.map(str::trim).filter(|t| !t.is_empty()) {
            if t.len() > 4 || !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(t!("address-bad-toevoeging", toevoeging = t));
            }
            for (d, s) in toev.iter_mut().zip(t.bytes()) {
                *d = s.to_ascii_uppercase();
            }
        }
        Ok(Suffix {
            letter,
            toevoeging: toev,
        })
    }

    pub fn letter(&self) -> Option<char> {
        (self.letter != 0).then_some(self.letter as char)
    }

    pub fn toevoeging(&self) -> Option<&str> {
        let n = self.toevoeging.iter().position(|&b| b == 0).unwrap_or(4);
        (n > 0)
            .then(|| std::str::from_utf8(&self.toevoeging[..n]).ok())
            .flatten()
    }
}

/// A house number as written: the number and every way the rest can be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseNumber {
    pub number: u32,
    /// Readings of the suffix, most likely first; never empty (`Suffix::NONE` when nothing
    /// follows the number).
    pub readings: Vec<Suffix>,
}

impl HouseNumber {
    /// Reads `78`, `78a`, `78 A`, `78-2`, `78 bis`, `78A-1`, `78-A`.
    pub fn parse(text: &str) -> Result<HouseNumber, String> {
        let t = text.trim();
        let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        if digits_end == 0 {
            return Err(t!("address-no-house-number", text = t));
        }
        let number: u32 = t[..digits_end]
            .parse()
            .ok()
            .filter(|n| (1..=99_999).contains(n))
            .ok_or_else(|| t!("address-house-number-range", number = &t[..digits_end]))?;
        let rest = &t[digits_end..];
        let attached = rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        let parts: Vec<&str> = rest
            .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '_' | '.'))
            .filter(|p| !p.is_empty())
            .collect();
        let readings = match parts.as_slice() {
            [] => vec![Suffix::NONE],
            [one] => {
                let one_letter = one.len() == 1 && one.as_bytes()[0].is_ascii_alphabetic();
                let letter_then_rest = one.len() > 1
                    && one.as_bytes()[0].is_ascii_alphabetic()
                    && one.as_bytes()[1].is_ascii_digit();
                let mut r = Vec::new();
                if one_letter {
                    r.push(Suffix::new(one.chars().next(), None)?);
                    if !attached {
                        r.push(Suffix::new(None, Some(one))?);
                    }
                } else if letter_then_rest && attached {
                    r.push(Suffix::new(one.chars().next(), Some(&one[1..]))?);
                    r.push(Suffix::new(None, Some(one))?);
                } else {
                    r.push(Suffix::new(None, Some(one))?);
                }
                r
            }
            [first, second] if first.len() == 1 && first.as_bytes()[0].is_ascii_alphabetic() => {
                vec![Suffix::new(first.chars().next(), Some(second))?]
            }
            _ => {
                return Err(t!("address-too-much-after-number", text = t));
            }
        };
        Ok(HouseNumber { number, readings })
    }
}

/// Formats an address number the way the BAG displays it: `78`, `78A`, `78-2`, `78A-2`.
pub fn format_number(number: u32, suffix: Suffix) -> String {
    let mut s = number.to_string();
    if let Some(l) = suffix.letter() {
        s.push(l);
    }
    if let Some(t) = suffix.toevoeging() {
        s.push('-');
        s.push_str(t);
    }
    s
}

/// Lower-case ASCII words of a name: diacritics dropped, punctuation as space.
pub fn fold_words(text: &str) -> Vec<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'ø' | 'Ø' => out.push('o'),
            'æ' | 'Æ' => out.push_str("ae"),
            'ĳ' | 'Ĳ' => out.push_str("ij"),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            // An apostrophe joins ('s-Gravenhage, Pieter's): "s gravenhage" would be two words.
            '\'' | '’' | '`' => {}
            _ => out.push(' '),
        }
    }
    out.split_whitespace().map(str::to_string).collect()
}

/// The key a street or place name is compared under: folded words, common abbreviations in
/// one form, spaces removed. `Sint Pieterstraat`, `St. Pieterstraat` and `st pieterstraat` share
/// one key; so do `Belvédère` and `Belvedere`.
///
/// ```
/// use wijkwijzer_core::address::normalize::name_key;
/// assert_eq!(name_key("Sint Pieterstraat"), name_key("St. Pieterstraat"));
/// assert_eq!(name_key("Burg. Cortenstraat"), name_key("Burgemeester Cortenstraat"));
/// assert_eq!(name_key("Belvédère"), "belvedere");
/// assert_eq!(name_key("OLV-plein"), name_key("Onze Lieve Vrouweplein"));
/// assert_eq!(name_key("O.L.V.-plein"), name_key("Onze Lieve Vrouweplein"));
/// ```
pub fn name_key(text: &str) -> String {
    let words = fold_words(text);
    let mut key = String::with_capacity(text.len());
    for w in &words {
        let c = canonical_word(w);
        key.push_str(c);
        // `Wilhelminastr.`: the one abbreviation inside a word that people use all the time.
        if c.len() > 4 && c.ends_with("str") {
            key.push_str("aat");
        }
    }
    // Onze Lieve Vrouwe, as Maastricht writes it: `Onze Lieve Vrouweplein`, `O.L.V.-plein`,
    // `OLV-plein` and `O.L. Vrouweplein` share one key.
    if key.contains("olvrouwe") || key.contains("olvr") {
        key = key.replace("olvrouwe", "olv").replace("olvr", "olv");
    }
    key
}

/// One spelling for words that are abbreviated in street names. Whole words only, so that
/// "Sintstraat" stays itself; the short form is the canonical one because it cannot be split
/// wrongly.
fn canonical_word(w: &str) -> &str {
    match w {
        "sint" | "st" => "st",
        "burgemeester" | "burg" | "burgem" => "burg",
        "monseigneur" | "mgr" | "mons" => "mgr",
        "professor" | "prof" => "prof",
        "dokter" | "doctor" | "dr" => "dr",
        "meester" | "mr" => "mr",
        "president" | "pres" => "pres",
        "kapelaan" | "kap" => "kap",
        "pastoor" | "past" => "past",
        "koningin" | "kon" => "kon",
        "generaal" | "gen" => "gen",
        "onze" | "o" => "o",
        "lieve" | "l" => "l",
        "vrouwe" | "vr" => "vr",
        w => w,
    }
}

/// Finds a postcode in free text and returns it with the text around it removed.
///
/// Accepts `6211CK`, `6211 CK`, `6211ck78` (number glued on).
pub fn take_postcode(text: &str) -> Option<(Postcode, String)> {
    let b = text.as_bytes();
    for i in 0..b.len().saturating_sub(5) {
        if b[i] == b'0' || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            continue;
        }
        if !b[i..i + 4].iter().all(u8::is_ascii_digit) {
            continue;
        }
        let mut j = i + 4;
        if b.get(j) == Some(&b' ') {
            j += 1;
        }
        let Some(letters) = b.get(j..j + 2) else {
            continue;
        };
        if !letters.iter().all(u8::is_ascii_alphabetic) {
            continue;
        }
        if b.get(j + 2).is_some_and(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let pc = Postcode::parse(&text[i..j + 2])?;
        let rest = format!("{} {}", &text[..i], &text[j + 2..]);
        return Some((pc, rest));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readings(t: &str) -> Vec<(Option<char>, Option<String>)> {
        HouseNumber::parse(t)
            .unwrap()
            .readings
            .iter()
            .map(|s| (s.letter(), s.toevoeging().map(str::to_string)))
            .collect()
    }

    #[test]
    fn postcodes() {
        let p = Postcode::parse("6211 ck").unwrap();
        assert_eq!(p.to_string(), "6211CK");
        assert_eq!(Postcode::parse("6211CK"), Some(p));
        assert_eq!(Postcode::parse("0211CK"), None);
        assert_eq!(Postcode::parse("6211C"), None);
        assert!(Postcode::parse("9999ZZ").unwrap() > Postcode::parse("1000AA").unwrap());
        assert_eq!(Postcode::first_of(6211, b"CK"), p.0);
        let (pc, rest) = take_postcode("6211CK78").unwrap();
        assert_eq!((pc, rest.trim()), (p, "78"));
        let (_, rest) = take_postcode("Brusselsepoort 45, 6216 CG Maastricht").unwrap();
        assert_eq!(
            rest.split_whitespace().collect::<Vec<_>>().join(" "),
            "Brusselsepoort 45, Maastricht"
        );
        assert!(take_postcode("Brusselsepoort 45").is_none());
        assert!(
            take_postcode("12345 AB").is_none(),
            "five digits are not a postcode"
        );
    }

    #[test]
    fn house_numbers() {
        assert_eq!(readings("78"), vec![(None, None)]);
        assert_eq!(readings("78a"), vec![(Some('A'), None)]);
        assert_eq!(
            readings("78 A"),
            vec![(Some('A'), None), (None, Some("A".into()))]
        );
        assert_eq!(readings("78-2"), vec![(None, Some("2".into()))]);
        assert_eq!(readings("78 bis"), vec![(None, Some("BIS".into()))]);
        assert_eq!(readings("78A-1"), vec![(Some('A'), Some("1".into()))]);
        assert_eq!(
            readings("78A1"),
            vec![(Some('A'), Some("1".into())), (None, Some("A1".into()))]
        );
        assert!(HouseNumber::parse("78 abcde").is_err(), "toevoeging > 4");
        assert!(HouseNumber::parse("0").is_err());
        assert!(HouseNumber::parse("100000").is_err());
        assert!(HouseNumber::parse("a").is_err());
        assert_eq!(
            format_number(78, Suffix::new(Some('a'), Some("2")).unwrap()),
            "78A-2"
        );
    }

    #[test]
    fn keys() {
        assert_eq!(name_key("Sint Pieterstraat"), "stpieterstraat");
        assert_eq!(name_key("St.Pieterstraat"), "stpieterstraat");
        assert_eq!(
            name_key("Onze Lieve Vrouweplein"),
            name_key("O.L. Vrouweplein")
        );
        assert_eq!(name_key("'s-Hertogenbosch"), "shertogenbosch");
        assert_eq!(name_key("Wilhelminastr."), "wilhelminastraat");
    }
}
