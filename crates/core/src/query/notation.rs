//! The one input grammar for a place typed or pasted by a person.
//!
//! Understood, in this order:
//! 1. links: `geo:` URIs (RFC 5870), Google Maps (`!3d..!4d..` pins, `q=`/`ll=`/`query=`,
//!    `@lat,lon,zoom`), OpenStreetMap (`mlat`/`mlon` markers, `#map=zoom/lat/lon`), Apple Maps;
//! 2. labelled values: `lat 50.85 lon 5.69`, `x=176395 y=317996`;
//! 3. an address (a Dutch postcode, or words): handed to the address index (`crate::address`);
//! 4. degrees-minutes-seconds and degrees-decimal-minutes with or without hemisphere letters
//!    (N/S/E/W, Dutch O and Z), in the symbols people type (`°º˚ d`, `'′’`, `"″”''`);
//! 5. plus codes, full or short with the town (`RQ2Q+H5 Maastricht`), see [`super::pluscode`];
//! 6. two plain numbers: decimal degrees in either order, with decimal points or Dutch decimal
//!    commas, RD New metres or Web Mercator metres, told apart by range.
//!
//! When the order of two numbers is decided from their ranges and they were given as lon, lat,
//! the answer says so (`swapped`). Anything else is an error that names what was understood.
//!
//! Links are read in `links`, angles in `angles`; this file holds the order above, labelled
//! values, plain numbers and the writing of a point in each notation.

use super::{QueryError, check_projected, looks_like_web_mercator};
use crate::crs::{Crs, Wgs84, transformer};
use crate::t;

use super::angles::{Tok, parse_angles, tokenize};
pub use super::input::{Input, Notation, Understood};
use super::input::{from_two_numbers, point_from_degrees};
use super::links::parse_link;
use super::locality::Locality;

/// Parses a place in any supported notation.
///
/// ```
/// use wijkwijzer_core::query::{parse, Input, Locality, Notation};
/// // Where the shipped data reads text: its municipality's towns and reference point.
/// let near: Locality = (*wijkwijzer_core::geodata::Geodata::embedded().unwrap().locality).clone();
/// let Input::Point(p) = parse("50°51'05\"N 5°41'28\"E", &near).unwrap() else { panic!() };
/// assert_eq!(p.notation, Notation::DegreesMinutesSeconds);
/// let Input::Point(q) = parse("5.6910 50.8514", &near).unwrap() else { panic!() };
/// assert!(q.swapped);
/// assert!(matches!(parse("6211 CK 78", &near).unwrap(), Input::Address(_)));
/// assert!(matches!(parse("6211", &near).unwrap(), Input::Address(_)));
/// let short = format!("RQ2Q+H5 {}", near.name);
/// assert!(matches!(parse(&short, &near).unwrap(), Input::Point(_)));
/// ```
pub fn parse(text: &str, near: &Locality) -> Result<Input, QueryError> {
    let t = text.trim();
    // Errors from deep inside name the whole text the person gave, not a fragment of it.
    parse_inner(t, near).map_err(|e| match e {
        QueryError::Unreadable { detail, .. } => QueryError::Unreadable {
            text: t.to_string(),
            detail,
            examples: examples_near(near),
        },
        other => other.near(near),
    })
}

/// Ways to write a place, at the served municipality's reference point (never another
/// city's): decimal degrees, degrees-minutes-seconds, RD New, a map link, a geo: URI.
pub fn examples_near(near: &Locality) -> String {
    let (lat, lon) = (near.lat, near.lon);
    let dms = |v: f64, pos: char, neg: char| {
        let hemisphere = if v < 0.0 { neg } else { pos };
        let total = (v.abs() * 3600.0).round() as u64;
        format!(
            "{}°{:02}'{:02}\"{hemisphere}",
            total / 3600,
            total / 60 % 60,
            total % 60
        )
    };
    let rd = crate::crs::transformer().wgs84_to_rd(crate::crs::Wgs84 { lat, lon });
    format!(
        "{lat:.4}, {lon:.4} · {} {} · {:.0} {:.0} (RD New) · {} · geo:{lat:.4},{lon:.4}",
        dms(lat, 'N', 'S'),
        dms(lon, 'E', 'W'),
        rd.x,
        rd.y,
        t!("examples-any-map-link")
    )
}

/// Four digits alone, 1000 to 9999: the digits of a postcode, which name an area (people say
/// "ergens in 6221"); one number is never a coordinate.
pub fn is_postcode_area(t: &str) -> bool {
    t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) && !t.starts_with('0')
}

pub(super) fn parse_inner(t: &str, near: &Locality) -> Result<Input, QueryError> {
    let unreadable = |detail: &str| QueryError::Unreadable {
        text: t.to_string(),
        detail: detail.to_string(),
        examples: String::new(),
    };
    if t.is_empty() {
        return Err(unreadable(&t!("query-empty")));
    }
    if t.len() > 2048 {
        return Err(unreadable(&t!("query-too-long", max = 2048)));
    }
    if let Some(aml) = super::received::read_aml(t) {
        return aml;
    }
    let unwrapped = super::received::unwrap(t);
    if unwrapped.text == t {
        return parse_unwrapped(t, near);
    }
    let mut input = parse_unwrapped(&unwrapped.text, near)?;
    match &mut input {
        Input::Point(u) => {
            u.stated_m = u.stated_m.or(unwrapped.stated_m);
            if let Some(m) = unwrapped.stated_m {
                u.understood_as = format!(
                    "{}; {}",
                    u.understood_as,
                    t!("understood-stated-radius", metres = format!("{m:.0}"))
                );
            }
            if let Some(zoom) = unwrapped.zoom {
                let lat = transformer().rd_to_wgs84(u.rd).lat;
                let view = super::links::View::at(lat, Some(zoom));
                u.view_m = Some(view.radius_m);
                u.understood_as = format!("{}; {}", u.understood_as, view.note);
            }
            if !unwrapped.ignored.is_empty() {
                u.understood_as = format!(
                    "{}; {}",
                    u.understood_as,
                    t!("understood-ignored", words = unwrapped.ignored.join(", "))
                );
            }
        }
        Input::Address(_) => {}
    }
    Ok(input)
}

/// The grammar proper, on a text whose surroundings are taken off.
fn parse_unwrapped(t: &str, near: &Locality) -> Result<Input, QueryError> {
    let unreadable = |detail: &str| QueryError::Unreadable {
        text: t.to_string(),
        detail: detail.to_string(),
        examples: String::new(),
    };
    if let Some(link) = parse_link(t, &|inner| parse_inner(inner, near)) {
        let link = link?;
        let mut point = point_from_degrees(link.lat, link.lon, link.notation, false)?;
        if let (Input::Point(u), Some(view)) = (&mut point, link.view) {
            u.view_m = Some(view.radius_m);
            u.understood_as = format!("{}; {}", u.understood_as, view.note);
        }
        return Ok(point);
    }
    if let Some(code) = super::pluscode::read(t, near) {
        let code = code.map_err(|d| unreadable(&d))?;
        let mut point = point_from_degrees(code.lat, code.lon, Notation::PlusCode, false)?;
        if let Input::Point(u) = &mut point {
            // The code names a cell: its half size is how far the place may lie from the centre.
            u.precision_m = Some(code.half_cell_m);
            let cell = t!(
                "understood-plus-code-cell",
                metres = format!("{:.0}", code.half_cell_m)
            );
            u.understood_as = format!(
                "{}; {cell}{}",
                u.understood_as,
                code.note.map(|n| format!("; {n}")).unwrap_or_default()
            );
        }
        return Ok(point);
    }
    if let Some(labelled) = parse_labelled(t) {
        return labelled;
    }
    if looks_like_address(t) || is_postcode_area(t) {
        return Ok(Input::Address(t.to_string()));
    }
    let tokens = tokenize(t).map_err(|d| unreadable(&d))?;
    let has_angle_marks = tokens
        .iter()
        .any(|k| matches!(k, Tok::Deg | Tok::Min | Tok::Sec | Tok::Hemi(_)));
    let numbers = tokens.iter().filter(|k| matches!(k, Tok::Num(..))).count();
    let bare_angles = (numbers == 4 || numbers == 6) && !tokens.contains(&Tok::Sep);
    if has_angle_marks || bare_angles {
        return parse_angles(&tokens).map_err(|e| match e {
            QueryError::Unreadable { detail, .. } => unreadable(&detail),
            other => other,
        });
    }
    let (a, b) = two_numbers(t).map_err(|d| unreadable(&d))?;
    from_two_numbers(a, b, Notation::DecimalDegrees)
}

/// Splits a plain pair of numbers, with decimal points or Dutch decimal commas.
fn two_numbers(t: &str) -> Result<(f64, f64), String> {
    let num = |s: &str| -> Result<f64, String> {
        let s = s.trim();
        let s = if s.contains(',') && !s.contains('.') {
            s.replace(',', ".")
        } else {
            s.to_string()
        };
        super::parse_number("number", &s)
            .map_err(|_| t!("query-not-a-number-word", word = s.as_str()))
    };
    let pair =
        |parts: &[&str]| -> Result<(f64, f64), String> { Ok((num(parts[0])?, num(parts[1])?)) };
    // `x/y`, as some registration systems write RD.
    if let Some((a, b)) = t.split_once('/')
        && !b.contains('/')
    {
        return pair(&[a, b]);
    }
    if t.contains(';') {
        let parts: Vec<&str> = t
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        return match parts.len() {
            2 => pair(&parts),
            n => Err(t!("query-semicolon-parts", count = n)),
        };
    }
    let words: Vec<&str> = t
        .split_whitespace()
        .map(|w| w.trim_matches(','))
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() == 2 {
        return pair(&words);
    }
    let count = |n: usize| t!("query-number-count", count = n);
    if !t.contains(',') {
        return Err(count(words.len()));
    }
    let parts: Vec<&str> = t.split(',').map(str::trim).collect();
    match parts.len() {
        2 => pair(&parts),
        // "50,8514,5,6910": the only reading with two numbers is two decimal commas.
        4 if parts.iter().all(|p| {
            !p.is_empty()
                && p.trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit())
        }) =>
        {
            Ok((
                num(&format!("{}.{}", parts[0], parts[1]))?,
                num(&format!("{}.{}", parts[2], parts[3]))?,
            ))
        }
        n => Err(count(n)),
    }
}

// ---------------------------------------------------------------------------------------------
// Labelled values: "lat 50.85 lon 5.69", "x=176395, y=317996".

fn parse_labelled(t: &str) -> Option<Result<Input, QueryError>> {
    let lower = decimal_commas(&t.to_ascii_lowercase());
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '=' | ':' | ',' | ';' | '&'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut lat = None;
    let mut lon = None;
    let mut x = None;
    let mut y = None;
    let mut labelled = false;
    let mut i = 0;
    while i < words.len() {
        let slot = match words[i] {
            "lat" | "latitude" | "breedte" | "breedtegraad" | "noorderbreedte" => Some(&mut lat),
            "lon" | "lng" | "long" | "longitude" | "lengte" | "lengtegraad" | "oosterlengte" => {
                Some(&mut lon)
            }
            "x" => Some(&mut x),
            "y" => Some(&mut y),
            _ => None,
        };
        // A label stands before a number: "Rechtstraat x Wycker Brugstraat" is a corner. A
        // label before another word counts once some label stands before a number ("lat 50.85
        // lon abc" is a coordinate with a mistake in it).
        let numeric =
            |v: &&&str| v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'));
        match (slot, words.get(i + 1)) {
            (Some(slot), Some(value)) => {
                labelled |= numeric(&value);
                if slot.is_none() || numeric(&value) {
                    *slot = Some(super::parse_number(words[i], value));
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    if !labelled {
        return None;
    }
    let get = |v: Option<Result<f64, QueryError>>, name: &'static str| -> Result<f64, QueryError> {
        v.ok_or(QueryError::Missing {
            param: name,
            hint: t!("query-labelled-needs-both"),
        })?
    };
    Some((|| {
        if lat.is_some() || lon.is_some() {
            let (lat, lon) = (get(lat, "lat")?, get(lon, "lon")?);
            point_from_degrees(lat, lon, Notation::DecimalDegrees, false)
        } else {
            let (x, y) = (get(x, "x")?, get(y, "y")?);
            let crs = if looks_like_web_mercator(x, y) {
                Crs::WebMercator
            } else {
                Crs::RdNew
            };
            let rd = check_projected(x, y, crs)?;
            let notation = if crs == Crs::RdNew {
                Notation::RdNew
            } else {
                Notation::WebMercator
            };
            Ok(Input::Point(Understood {
                rd,
                notation,
                swapped: false,
                precision_m: None,
                stated_m: None,
                aml: None,
                view_m: None,
                understood_as: format!("{}: x {x}, y {y}", notation.describe()),
            }))
        }
    })())
}

/// In a text without decimal points, a comma between two digits is a decimal comma
/// (`lat 50,8489 lon 5,6879`): written as a point, so that the comma can separate labels.
fn decimal_commas(t: &str) -> String {
    if t.contains('.') {
        return t.to_string();
    }
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    for (i, c) in t.char_indices() {
        let between_digits = c == ','
            && i > 0
            && b[i - 1].is_ascii_digit()
            && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        out.push(if between_digits { '.' } else { c });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Addresses.

/// A Dutch postcode (`6211CK`, `6211 ck`) or words that are not coordinate marks.
fn looks_like_address(t: &str) -> bool {
    let b = t.as_bytes();
    for i in 0..b.len().saturating_sub(5) {
        let digits = b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b[i] != b'0';
        if !digits {
            continue;
        }
        let mut j = i + 4;
        if b.get(j) == Some(&b' ') {
            j += 1;
        }
        let letters = b
            .get(j..j + 2)
            .is_some_and(|l| l.iter().all(u8::is_ascii_alphabetic));
        let end = b.get(j + 2).is_none_or(|c| !c.is_ascii_alphabetic());
        if letters && end {
            return true;
        }
    }
    // Two or more letters in a row that are not units or hemisphere marks.
    t.split(|c: char| !c.is_alphabetic()).any(|w| {
        w.chars().count() >= 2 && !matches!(w.to_ascii_lowercase().as_str(), "deg" | "min" | "sec")
    })
}

// ---------------------------------------------------------------------------------------------
// Writing a point in each notation (for tests, examples and the page).

/// Writes a point the way the notation's users do; [`parse`] reads it back within 1 m.
pub fn format(p: Wgs84, notation: Notation) -> String {
    let dms = |v: f64, pos: char, neg: char| {
        let h = if v < 0.0 { neg } else { pos };
        let total = (v.abs() * 360_000.0).round() as i64; // hundredths of a second
        let (d, rest) = (total / 360_000, total % 360_000);
        let (m, cs) = (rest / 6_000, rest % 6_000);
        format!("{d}°{m:02}'{:05.2}\"{h}", cs as f64 / 100.0)
    };
    let ddm = |v: f64, pos: char, neg: char| {
        let h = if v < 0.0 { neg } else { pos };
        let total = (v.abs() * 600_000.0).round() as i64; // ten-thousandths of a minute
        let (d, m) = (total / 600_000, total % 600_000);
        format!("{h} {d}° {:07.4}", m as f64 / 10_000.0)
    };
    match notation {
        Notation::DecimalDegrees => format!("{:.6}, {:.6}", p.lat, p.lon),
        Notation::DegreesMinutesSeconds => {
            format!("{} {}", dms(p.lat, 'N', 'S'), dms(p.lon, 'E', 'W'))
        }
        Notation::DegreesDecimalMinutes => {
            format!("{} {}", ddm(p.lat, 'N', 'S'), ddm(p.lon, 'E', 'W'))
        }
        Notation::RdNew => {
            let rd = transformer().wgs84_to_rd(p);
            format!("{:.2} {:.2}", rd.x, rd.y)
        }
        Notation::WebMercator => {
            let m = transformer().wgs84_to_web_mercator(p);
            format!("{:.2} {:.2}", m.x, m.y)
        }
        Notation::GeoUri => format!("geo:{:.6},{:.6}", p.lat, p.lon),
        Notation::GoogleMapsLink => format!(
            "https://www.google.com/maps/place/Plek/@{:.7},{:.7},17z/data=!3m1!4b1!4m6!3m5!8m2!3d{:.7}!4d{:.7}",
            p.lat, p.lon, p.lat, p.lon
        ),
        // With a marker: `#map=` alone is a map view, which names no place.
        Notation::OpenStreetMapLink => format!(
            "https://www.openstreetmap.org/?mlat={:.5}&mlon={:.5}#map=18/{:.5}/{:.5}",
            p.lat, p.lon, p.lat, p.lon
        ),
        Notation::AppleMapsLink => format!(
            "https://maps.apple.com/?ll={:.6},{:.6}&q=Plek",
            p.lat, p.lon
        ),
        Notation::PlusCode => super::pluscode::encode(p.lat, p.lon),
        Notation::Aml => format!(
            "A\"ML=1;lt={:+.6};lg={:+.6};rd=10;top=20261203142501;lc=68;pm=G;mcc=204;mnc=08;ml=80",
            p.lat, p.lon
        ),
    }
}
