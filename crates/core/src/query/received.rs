//! What control rooms receive around a place, read before the place itself: the AML push of a
//! 112 caller's phone (ETSI TS 103 625), an uncertainty the input states (`u=` of a `geo:` URI,
//! `±25 m`, `radius=`, `accuracy=`, `nauwkeurigheid`), a label naming the notation (`RD:`,
//! `EPSG:28992`), Dutch hemisphere abbreviations (`NB`, `O.L.`), Google's zoom after a pair
//! (`50.85,5.69,17z`) and the country after a place (`…, Nederland`).
//!
//! None of it is dropped silently: a stated radius becomes part of the answer's certainty, the
//! AML push's time, method and confidence are reported in `understood`, and words that were left
//! out are named there.

use super::QueryError;
pub use super::input::AmlInfo;
use super::input::{Input, Notation, point_from_degrees};
use crate::t;

/// The text with what surrounds the place taken off, and what was taken.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Unwrapped {
    pub text: String,
    pub stated_m: Option<f64>,
    /// The zoom of Google's `lat,lon,17z`: the pair is the centre of a map view.
    pub zoom: Option<f64>,
    /// What was left out, for `understood`.
    pub ignored: Vec<String>,
}

/// Reads an AML push (`A"ML=1;lt=+50.84890;lg=+005.68790;rd=25;top=…;lc=68;pm=G;…`); `None`
/// when the text is not one.
pub(super) fn read_aml(t: &str) -> Option<Result<Input, QueryError>> {
    let body = strip_prefix_ci(t, "a\"ml=").or_else(|| strip_prefix_ci(t, "aml="))?;
    let unreadable = |detail: String| QueryError::Unreadable {
        text: t.to_string(),
        detail,
        examples: String::new(),
    };
    let mut fields = std::collections::HashMap::new();
    for part in body.split(';').skip(1) {
        if let Some((k, v)) = part.split_once('=') {
            fields.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let method = fields.get("pm").map(String::as_str).unwrap_or("");
    let number = |k: &str| fields.get(k).and_then(|v| v.parse::<f64>().ok());
    Some((|| {
        if method.eq_ignore_ascii_case("n") {
            return Err(unreadable(t!("query-aml-no-location")));
        }
        let (Some(lat), Some(lon)) = (number("lt"), number("lg")) else {
            return Err(unreadable(t!("query-aml-incomplete")));
        };
        let mut point = point_from_degrees(lat, lon, Notation::Aml, false)?;
        if let Input::Point(u) = &mut point {
            let info = AmlInfo {
                positioned_at: fields.get("top").and_then(|v| timestamp(v)),
                confidence_pct: fields
                    .get("lc")
                    .and_then(|v| v.parse::<u8>().ok())
                    .filter(|c| *c <= 100),
                method: match method.to_ascii_uppercase().as_str() {
                    "G" => "gnss",
                    "W" => "wifi",
                    "C" => "cell",
                    _ => "unknown",
                }
                .to_string(),
            };
            u.stated_m = number("rd").filter(|r| r.is_finite() && *r >= 0.0);
            u.understood_as = format!(
                "{}; {}",
                u.understood_as,
                t!(
                    "understood-aml",
                    radius = u
                        .stated_m
                        .map(|r| format!("{r:.0}"))
                        .unwrap_or_else(|| "?".into()),
                    confidence = info
                        .confidence_pct
                        .map(|c| c.to_string())
                        .unwrap_or_else(|| "?".into()),
                    method = info.method.as_str(),
                    at = info.positioned_at.as_deref().unwrap_or("?")
                )
            );
            u.aml = Some(info);
        }
        Ok(point)
    })())
}

/// `YYYYMMDDhhmmss` (UTC) as ISO 8601.
fn timestamp(v: &str) -> Option<String> {
    let b = v.as_bytes();
    if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let dt = format!(
        "{}-{}-{}T{}:{}:{}",
        &v[0..4],
        &v[4..6],
        &v[6..8],
        &v[8..10],
        &v[10..12],
        &v[12..14]
    );
    dt.parse::<jiff::civil::DateTime>()
        .ok()
        .map(|d| format!("{d}Z"))
}

fn strip_prefix_ci<'a>(t: &'a str, prefix: &str) -> Option<&'a str> {
    let head = t.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &t[prefix.len()..])
}

/// Words that introduce a radius.
const RADIUS_WORDS: [&str; 7] = [
    "radius",
    "accuracy",
    "acc",
    "nauwkeurigheid",
    "straal",
    "onzekerheid",
    "uncertainty",
];

/// Country names that may follow a place.
const COUNTRIES: [&str; 4] = ["the netherlands", "netherlands", "nederland", "holland"];

/// Takes off what surrounds the place (see the module's documentation).
pub(super) fn unwrap(t: &str) -> Unwrapped {
    let mut out = Unwrapped {
        text: t.trim().to_string(),
        ..Unwrapped::default()
    };
    strip_country(&mut out);
    strip_stated_radius(&mut out);
    strip_zoom(&mut out);
    strip_rd_label(&mut out);
    hemisphere_words(&mut out);
    out
}

fn strip_country(out: &mut Unwrapped) {
    if let Some((kept, country)) = split_country(&out.text) {
        let (kept, country) = (kept.to_string(), country.to_string());
        out.text = kept;
        out.ignored.push(country);
    }
}

/// A country named after a place, as its own word ("…, Nederland", "… Maastricht Nederland"):
/// the place without it, and the country as written. Addresses read it the same way.
pub(crate) fn split_country(text: &str) -> Option<(&str, &str)> {
    let lower = text.to_ascii_lowercase();
    COUNTRIES.iter().find_map(|c| {
        let before = lower.strip_suffix(c)?;
        let kept = before.trim_end();
        if kept.len() == before.len() && !kept.ends_with(',') {
            return None;
        }
        let cut = kept.trim_end_matches(',').trim_end().len();
        (cut > 0).then(|| (&text[..cut], &text[before.len()..]))
    })
}

/// The number at the start of `s` (digits, one `.` or `,`), and the bytes it takes.
fn leading_number(s: &str) -> Option<(f64, usize)> {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(s.len());
    let v = s[..end].trim_end_matches(['.', ',']).replace(',', ".");
    let v: f64 = v.parse().ok()?;
    Some((v, end))
}

/// After a number: an optional unit, `m`, `meter`, `metres`, `meters`, `metre`.
fn unit_len(s: &str) -> usize {
    let lower = s.to_ascii_lowercase();
    for u in ["metres", "meters", "meter", "metre", "m"] {
        if lower.starts_with(u)
            && !lower[u.len()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
        {
            return u.len();
        }
    }
    0
}

fn strip_stated_radius(out: &mut Unwrapped) {
    let text = out.text.clone();
    let lower = text.to_ascii_lowercase();
    // `geo:` URIs: `;u=2500`.
    if lower.starts_with("geo:")
        && let Some(at) = lower.find(";u=")
        && let Some((v, len)) = leading_number(&lower[at + 3..])
    {
        let end = at + 3 + len;
        out.text = format!("{}{}", &text[..at], &text[end..]);
        out.stated_m = Some(v);
        return;
    }
    // `±25 m`, `+/- 25m`, `+- 25 meter`.
    for mark in ["±", "+/-", "+-"] {
        if let Some(at) = lower.find(mark) {
            let rest = &lower[at + mark.len()..];
            let pad = rest.len() - rest.trim_start().len();
            if let Some((v, len)) = leading_number(rest.trim_start()) {
                let after = at + mark.len() + pad + len;
                let unit = lower[after..].trim_start();
                let end = lower.len() - unit.len() + unit_len(unit);
                out.text = format!("{} {}", text[..at].trim_end(), &text[end..])
                    .trim()
                    .trim_end_matches([',', ';'])
                    .to_string();
                out.stated_m = Some(v);
                return;
            }
        }
    }
    // `radius=2500`, `accuracy: 25 m`, `nauwkeurigheid 25 m`.
    for word in RADIUS_WORDS {
        let Some(at) = find_word(&lower, word) else {
            continue;
        };
        let rest = &lower[at + word.len()..];
        let value = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '=' || c == ':');
        if let Some((v, len)) = leading_number(value) {
            let after = lower.len() - value.len() + len;
            let unit = lower[after..].trim_start();
            let end = lower.len() - unit.len() + unit_len(unit);
            let head = text[..at].trim_end().trim_end_matches([',', ';', '&']);
            let tail = text[end..].trim_start_matches([',', ';', '&', ' ']);
            out.text = if tail.is_empty() {
                head.trim().to_string()
            } else {
                format!("{head};{tail}")
            };
            out.stated_m = Some(v);
            return;
        }
    }
}

/// `word` as a whole word in `lower` (not inside another).
fn find_word(lower: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = lower[from..].find(word) {
        let at = from + i;
        let before = lower[..at].chars().next_back();
        let after = lower[at + word.len()..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphabetic) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// Google's `lat,lon,17z`: the zoom is not part of the place, but says the pair is the centre
/// of a map view (kept in `zoom`, for the view's radius).
fn strip_zoom(out: &mut Unwrapped) {
    let t = out.text.trim_end();
    let Some(rest) = t.strip_suffix(['z', 'Z']) else {
        return;
    };
    let digits = rest.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if digits.len() < rest.len() && digits.ends_with(',') {
        let pair = digits.trim_end_matches(',');
        if pair.bytes().filter(|b| *b == b',').count() == 1
            && pair
                .bytes()
                .all(|b| b.is_ascii_digit() || b".,- +".contains(&b))
        {
            out.zoom = rest[digits.len()..].parse().ok();
            out.text = pair.to_string();
        }
    }
}

/// `RD: x, y`, `RD x y`, `RD-coördinaten x y`, `EPSG:28992 x y`: the label goes, the numbers
/// are read as RD by their range.
fn strip_rd_label(out: &mut Unwrapped) {
    let lower = out.text.to_ascii_lowercase();
    for label in [
        "rd-coördinaten",
        "rd-coordinaten",
        "rd coördinaten",
        "rd coordinaten",
        "rijksdriehoekscoördinaten",
        "rijksdriehoekscoordinaten",
        "epsg:28992",
        "epsg 28992",
        "rd",
    ] {
        if let Some(rest) = lower.strip_prefix(label)
            && !rest.chars().next().is_some_and(char::is_alphanumeric)
        {
            let rest = out.text[label.len()..].trim_start_matches([':', ' ', '=']);
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                out.text = rest.to_string();
            }
            return;
        }
    }
}

/// `50.8489 NB 5.6879 OL`, `N.B.` / `O.L.` / `Z.B.` / `W.L.`: Dutch for north latitude and
/// east longitude, written as the hemisphere letters the angle reader knows.
fn hemisphere_words(out: &mut Unwrapped) {
    // Only beside two numbers written as coordinates (decimals or degrees), so that an address
    // keeps its words.
    let coordinates = out
        .text
        .split_whitespace()
        .filter(|w| w.contains(|c: char| c.is_ascii_digit()) && w.contains(['.', ',', '°']))
        .count();
    if coordinates < 2 {
        return;
    }
    let mut changed = false;
    let words: Vec<String> = out
        .text
        .split(' ')
        .map(|w| {
            let bare: String = w
                .chars()
                .filter(|c| c.is_alphabetic())
                .collect::<String>()
                .to_ascii_uppercase();
            let dotted = w.chars().all(|c| c.is_alphabetic() || c == '.' || c == ',');
            let letter = match bare.as_str() {
                "NB" | "NBR" => Some("N"),
                "OL" => Some("E"),
                "ZB" => Some("S"),
                "WL" => Some("W"),
                _ => None,
            };
            match letter {
                Some(l) if dotted => {
                    changed = true;
                    if w.ends_with(',') {
                        format!("{l},")
                    } else {
                        l.to_string()
                    }
                }
                _ => w.to_string(),
            }
        })
        .collect();
    if changed {
        out.text = words.join(" ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surroundings_are_taken_off() {
        let u = unwrap("geo:50.8489,5.6879;u=2500");
        assert_eq!(
            (u.text.as_str(), u.stated_m),
            ("geo:50.8489,5.6879", Some(2500.0))
        );
        let u = unwrap("50.8489, 5.6879 ±25 m");
        assert_eq!(
            (u.text.as_str(), u.stated_m),
            ("50.8489, 5.6879", Some(25.0))
        );
        let u = unwrap("lat=50.8489;lon=5.6879;radius=2500");
        assert_eq!(
            (u.text.as_str(), u.stated_m),
            ("lat=50.8489;lon=5.6879", Some(2500.0))
        );
        let u = unwrap("lat 50.8489 lon 5.6879 accuracy: 30 m");
        assert_eq!(
            (u.text.as_str(), u.stated_m),
            ("lat 50.8489 lon 5.6879", Some(30.0))
        );
        let u = unwrap("RQ2Q+H5, Maastricht, Nederland");
        assert_eq!(u.text, "RQ2Q+H5, Maastricht");
        assert_eq!(u.ignored, ["Nederland"]);
        assert_eq!(unwrap("50.8489,5.6879,17z").text, "50.8489,5.6879");
        assert_eq!(unwrap("RD: 176178, 317717").text, "176178, 317717");
        assert_eq!(unwrap("EPSG:28992 176178 317717").text, "176178 317717");
        assert_eq!(unwrap("50.8489 NB 5.6879 OL").text, "50.8489 N 5.6879 E");
        assert_eq!(
            unwrap("50.8489 N.B., 5.6879 O.L.").text,
            "50.8489 N, 5.6879 E"
        );
        // Addresses keep their words.
        assert_eq!(unwrap("Rechtstraat 12").text, "Rechtstraat 12");
        assert_eq!(unwrap("Accuhal 3").stated_m, None);
        assert_eq!(unwrap("Nederlandplein 1").text, "Nederlandplein 1");
    }

    #[test]
    fn an_aml_push_is_read_with_its_radius_time_and_confidence() {
        let Some(Ok(Input::Point(u))) = read_aml(
            "A\"ML=1;lt=+50.84890;lg=+005.68790;rd=25;top=20261203142501;lc=68;pm=G;si=204081234567890;ei=356938035643809;mcc=204;mnc=08;ml=124",
        ) else {
            panic!()
        };
        assert_eq!(u.notation, Notation::Aml);
        assert_eq!(u.stated_m, Some(25.0));
        let aml = u.aml.unwrap();
        assert_eq!(aml.positioned_at.as_deref(), Some("2026-12-03T14:25:01Z"));
        assert_eq!(aml.confidence_pct, Some(68));
        assert_eq!(aml.method, "gnss");
        assert!(
            matches!(read_aml("A\"ML=1;lt=;lg=;rd=;pm=N"), Some(Err(_))),
            "no location"
        );
        assert!(read_aml("Markt 1").is_none());
    }
}
