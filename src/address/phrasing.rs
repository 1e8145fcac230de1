//! How people phrase an address around its parts: a range of house numbers ("45 t/m 47") and
//! a word for "near" before it ("bij", "tegenover het"). Read here, decided in [`super::search`].

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

#[cfg(test)]
mod tests {
    use super::*;

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
