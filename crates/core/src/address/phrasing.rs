//! How people phrase an address around its parts: a range of house numbers ("45 t/m 47"), a
//! word for "near" before it ("bij", "tegenover het"), the way it is written on a letter or a
//! web page ("Vrijthof 16, 6211 LD Maastricht, Nederland", "Maastricht, Vrijthof 16", "nr. 16",
//! "te Maastricht", "(stadhuis)"), and a corner of two streets ("hoek A / B"). Read here,
//! decided in [`super::search`].

/// A range of house numbers in an address text: "45-47", "45 - 47", "45 t/m 47", "45 tm 47",
/// "45 tot en met 47", "45/47". Returns the text before the first number, the two numbers and
/// the text after the second; only for a rising range of at most 50 numbers, so that "45-1"
/// (number 45, toevoeging 1) and a postcode ("6216CG") are never read as ranges.
pub(super) fn number_range(text: &str) -> Option<(&str, u32, u32, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts_number =
            bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if !starts_number {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let Ok(first) = text[start..i].parse::<u32>() else {
            continue;
        };
        let rest = text[i..].trim_start();
        for sep in ["tot en met", "t/m", "tm", "-", "\u{2013}", "/"] {
            let Some(after) = rest
                .get(..sep.len())
                .filter(|p| p.eq_ignore_ascii_case(sep))
                .map(|_| rest[sep.len()..].trim_start())
            else {
                continue;
            };
            // A word separator stands apart: "45 tm 47", not "45 tmx".
            if sep.starts_with(char::is_alphabetic) && !rest[sep.len()..].starts_with(' ') {
                continue;
            }
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || after[digits..].starts_with(char::is_alphanumeric) {
                continue;
            }
            let Ok(last) = after[..digits].parse::<u32>() else {
                continue;
            };
            if last > first && last - first <= 50 {
                return Some((&text[..start], first, last, &after[digits..]));
            }
        }
    }
    None
}

/// Words people put before a place to say "near it", with the rest of the text.
pub(super) fn strip_nearness(text: &str) -> Option<(&str, &str)> {
    const NEAR: &[&str] = &[
        "ter hoogte van",
        "in de buurt van",
        "tegenover",
        "naast",
        "nabij",
        "bij",
        "t.h.v.",
        "thv",
        "near",
    ];
    let t = text.trim_start();
    NEAR.iter().find_map(|w| {
        let word = t.get(..w.len()).filter(|p| p.eq_ignore_ascii_case(w))?;
        let rest = &t[w.len()..];
        // A whole word, followed by more text ("bijlestraat" is a street, not "bij lestraat").
        if !rest.starts_with(char::is_whitespace) || rest.trim().is_empty() {
            return None;
        }
        // "bij de Markt 1", "naast het stadhuis": the article goes with the near-word.
        let rest = rest.trim_start();
        let rest = ["de ", "het ", "den "]
            .iter()
            .find_map(|a| {
                rest.get(..a.len())
                    .filter(|p| p.eq_ignore_ascii_case(a))
                    .map(|_| &rest[a.len()..])
            })
            .unwrap_or(rest);
        Some((word, rest.trim()))
    })
}

/// An address as written on a letter or a web page, rewritten as the search reads addresses,
/// with the words that were left out; `None` when nothing needed rewriting. `is_place` tells
/// whether words name a woonplaats of the loaded addresses.
pub(super) fn letter_form(
    text: &str,
    is_place: impl Fn(&str) -> bool,
) -> Option<(String, Vec<String>)> {
    let mut ignored = Vec::new();
    let mut t = text.trim().to_string();
    // Words in brackets: "Markt 1 (stadhuis)".
    while let Some(open) = t.find(['(', '[']) {
        let close_char = if t[open..].starts_with('(') { ')' } else { ']' };
        let Some(len) = t[open..].find(close_char) else {
            break;
        };
        ignored.push(t[open..=open + len].to_string());
        t = format!(
            "{} {}",
            t[..open].trim_end(),
            t[open + len + 1..].trim_start()
        )
        .trim()
        .to_string();
    }
    // The country last: "…, Nederland".
    if let Some((kept, country)) = crate::query::split_country(&t) {
        ignored.push(country.to_string());
        t = kept.to_string();
    }
    let mut words: Vec<String> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    // "nummer 16", "nr. 16", "no 16": the word goes, the number stays.
    let mut i = 0;
    while i + 1 < words.len() {
        let w = words[i].to_ascii_lowercase();
        let number_word = matches!(
            w.trim_end_matches('.'),
            "nummer" | "huisnummer" | "nr" | "no" | "nummero"
        );
        if number_word && words[i + 1].starts_with(|c: char| c.is_ascii_digit()) && i > 0 {
            ignored.push(words.remove(i));
        } else {
            i += 1;
        }
    }
    // "te Maastricht", "in Maastricht": the town after its preposition.
    if let Some(k) = words.iter().rposition(|w| {
        let w = w.to_ascii_lowercase();
        w == "te" || w == "in"
    }) && k > 0
        && k + 1 < words.len()
        && is_place(&words[k + 1..].join(" "))
    {
        ignored.push(words.remove(k));
    }
    // The town first: "Maastricht, Vrijthof 16" is "Vrijthof 16 Maastricht".
    for n in 1..=3.min(words.len().saturating_sub(1)) {
        let head = words[..n].join(" ");
        let rest_has_number = words[n..]
            .iter()
            .any(|w| w.starts_with(|c: char| c.is_ascii_digit()));
        if rest_has_number && is_place(&head) && !words[n].starts_with(|c: char| c.is_ascii_digit())
        {
            let town: Vec<String> = words.drain(..n).collect();
            words.extend(town);
            break;
        }
    }
    let rewritten = words.join(" ");
    let plain = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (rewritten != plain && !rewritten.is_empty()).then_some((rewritten, ignored))
}

/// The two streets of a corner as people name it: "hoek A / B", "A / B", "A hoek B",
/// "kruising A en B", "A x B". `None` when the text is not a corner.
pub(super) fn corner(text: &str) -> Option<(String, String)> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let from = [
        "hoek van ",
        "kruising van ",
        "kruispunt ",
        "kruising ",
        "hoek ",
    ]
    .iter()
    .find(|p| lower.starts_with(*p))
    .map_or(0, |p| p.len());
    let original = &t[from..];
    let lower_body = &lower[from..];
    for sep in [" / ", "/", " hoek ", " x ", " en ", " & "] {
        // "en" and "&" join two streets only after "hoek"/"kruising".
        if (sep == " en " || sep == " & ") && from == 0 {
            continue;
        }
        if let Some(at) = lower_body.find(sep) {
            let (a, b) = (original[..at].trim(), original[at + sep.len()..].trim());
            let streetlike = |s: &str| {
                s.chars().filter(|c| c.is_alphabetic()).count() >= 3
                    && !s.contains(|c: char| c.is_ascii_digit())
            };
            if streetlike(a) && streetlike(b) {
                return Some((a.to_string(), b.to_string()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_corners() {
        let town = |w: &str| w.eq_ignore_ascii_case("maastricht");
        let l = |t: &str| letter_form(t, town).map(|(r, i)| (r, i.join("|")));
        assert_eq!(
            l("Vrijthof 16, 6211 LD Maastricht, Nederland"),
            Some(("Vrijthof 16 6211 LD Maastricht".into(), "Nederland".into()))
        );
        assert_eq!(
            l("Maastricht, Vrijthof 16"),
            Some(("Vrijthof 16 Maastricht".into(), String::new()))
        );
        assert_eq!(
            l("Vrijthof 16 te Maastricht"),
            Some(("Vrijthof 16 Maastricht".into(), "te".into()))
        );
        assert_eq!(
            l("Markt 1 (stadhuis)"),
            Some(("Markt 1".into(), "(stadhuis)".into()))
        );
        assert_eq!(
            l("Vrijthof nr. 16"),
            Some(("Vrijthof 16".into(), "nr.".into()))
        );
        assert_eq!(l("Vrijthof 16"), None);
        assert_eq!(l("Vrijthof 16, Maastricht"), None);
        let c = |t: &str| corner(t);
        let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(
            c("hoek Wycker Brugstraat / Rechtstraat"),
            pair("Wycker Brugstraat", "Rechtstraat")
        );
        assert_eq!(
            c("Wycker Brugstraat / Rechtstraat"),
            pair("Wycker Brugstraat", "Rechtstraat")
        );
        assert_eq!(
            c("Rechtstraat hoek Wycker Brugstraat"),
            pair("Rechtstraat", "Wycker Brugstraat")
        );
        assert_eq!(
            c("kruising Rechtstraat en Wycker Brugstraat"),
            pair("Rechtstraat", "Wycker Brugstraat")
        );
        assert_eq!(
            c("Rechtstraat x Wycker Brugstraat"),
            pair("Rechtstraat", "Wycker Brugstraat")
        );
        assert_eq!(c("Brusselsepoort 45/47"), None);
        assert_eq!(c("Rechtstraat en Wycker Brugstraat"), None);
    }

    #[test]
    fn ranges_of_numbers_and_what_is_not_one() {
        let r = |t| number_range(t).map(|(b, f, l, a)| (b.to_string(), f, l, a.to_string()));
        for (text, before, after) in [
            ("Brusselsepoort 45-47", "Brusselsepoort ", ""),
            (
                "Brusselsepoort 45 - 47 Maastricht",
                "Brusselsepoort ",
                " Maastricht",
            ),
            ("Brusselsepoort 45 t/m 47", "Brusselsepoort ", ""),
            ("Brusselsepoort 45 T/M 47", "Brusselsepoort ", ""),
            ("Brusselsepoort 45 tm 47", "Brusselsepoort ", ""),
            ("Brusselsepoort 45 tot en met 47", "Brusselsepoort ", ""),
            ("Brusselsepoort 45/47", "Brusselsepoort ", ""),
            ("Brusselsepoort 45\u{2013}47", "Brusselsepoort ", ""),
            ("6216CG 45-47", "6216CG ", ""),
        ] {
            let want = Some((before.to_string(), 45, 47, after.to_string()));
            assert_eq!(r(text), want, "{text}");
        }
        for not_a_range in [
            "Brusselsepoort 45-1",
            "Brusselsepoort 45-47a",
            "Brusselsepoort 45 tmx 47",
            "Plein 1992 12",
            "6216CG 45",
            "Brusselsepoort 45-200",
            "Brusselsepoort 45",
        ] {
            assert_eq!(r(not_a_range), None, "{not_a_range}");
        }
    }
}
