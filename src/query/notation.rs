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

use serde::Serialize;

use super::{
    NL_LAT, NL_LON, QueryError, RD_X, RD_Y, check_projected, check_wgs84, looks_like_rd,
    looks_like_web_mercator, within,
};
use crate::crs::{Crs, Rd, Wgs84, transformer};
use crate::t;

/// How a place was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Notation {
    DecimalDegrees,
    DegreesMinutesSeconds,
    DegreesDecimalMinutes,
    RdNew,
    WebMercator,
    GeoUri,
    GoogleMapsLink,
    OpenStreetMapLink,
    AppleMapsLink,
    /// A plus code (Open Location Code): a cell of about 14 × 9 m, or finer.
    PlusCode,
}

impl Notation {
    pub const ALL: [Notation; 10] = [
        Notation::DecimalDegrees,
        Notation::DegreesMinutesSeconds,
        Notation::DegreesDecimalMinutes,
        Notation::RdNew,
        Notation::WebMercator,
        Notation::GeoUri,
        Notation::GoogleMapsLink,
        Notation::OpenStreetMapLink,
        Notation::AppleMapsLink,
        Notation::PlusCode,
    ];

    /// The notation's name for people, in the current language.
    pub fn describe(self) -> String {
        match self {
            Notation::DecimalDegrees => t!("notation-decimal-degrees"),
            Notation::DegreesMinutesSeconds => t!("notation-dms"),
            Notation::DegreesDecimalMinutes => t!("notation-decimal-minutes"),
            Notation::RdNew => t!("notation-rd"),
            Notation::WebMercator => t!("notation-web-mercator"),
            Notation::GeoUri => t!("notation-geo-uri"),
            Notation::GoogleMapsLink => t!("notation-google-link"),
            Notation::OpenStreetMapLink => t!("notation-osm-link"),
            Notation::AppleMapsLink => t!("notation-apple-link"),
            Notation::PlusCode => t!("notation-plus-code"),
        }
    }
}

/// A place read from text.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Understood {
    pub rd: Rd,
    pub notation: Notation,
    /// True when the two numbers were given as longitude, latitude (or y, x) and turned round.
    pub swapped: bool,
    /// What was understood, in words, for the person who typed it.
    pub understood_as: String,
    /// How far the place may lie from the point, judged from how it was written: half the
    /// step of its last digit (whole minutes: about 930 m). Set for angle notations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision_m: Option<f64>,
}

/// What a text turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Point(Understood),
    /// An address, for the address index.
    Address(String),
}

/// Parses a place in any supported notation.
///
/// ```
/// use wijkwijzer::query::{parse, Input, Notation};
/// let Input::Point(p) = parse("50°51'05\"N 5°41'28\"E").unwrap() else { panic!() };
/// assert_eq!(p.notation, Notation::DegreesMinutesSeconds);
/// let Input::Point(q) = parse("5.6910 50.8514").unwrap() else { panic!() };
/// assert!(q.swapped);
/// assert!(matches!(parse("6211 CK 78").unwrap(), Input::Address(_)));
/// assert!(matches!(parse("6211").unwrap(), Input::Address(_)));
/// ```
pub fn parse(text: &str) -> Result<Input, QueryError> {
    let t = text.trim();
    // Errors from deep inside name the whole text the person gave, not a fragment of it.
    parse_inner(t).map_err(|e| match e {
        QueryError::Unreadable { detail, .. } => QueryError::Unreadable {
            text: t.to_string(),
            detail,
        },
        other => other,
    })
}

/// Four digits alone, 1000 to 9999: the digits of a postcode, which name an area (people say
/// "ergens in 6221"); one number is never a coordinate.
pub fn is_postcode_area(t: &str) -> bool {
    t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) && !t.starts_with('0')
}

fn parse_inner(t: &str) -> Result<Input, QueryError> {
    let unreadable = |detail: &str| QueryError::Unreadable {
        text: t.to_string(),
        detail: detail.to_string(),
    };
    if t.is_empty() {
        return Err(unreadable(&t!("query-empty")));
    }
    if t.len() > 2048 {
        return Err(unreadable(&t!("query-too-long", max = 2048)));
    }
    if let Some(link) = parse_link(t) {
        let (lat, lon, notation, note) = link?;
        let mut point = point_from_degrees(lat, lon, notation, false)?;
        if let (Input::Point(u), Some(note)) = (&mut point, note) {
            u.understood_as = format!("{}; {note}", u.understood_as);
        }
        return Ok(point);
    }
    if let Some(code) = super::pluscode::read(t) {
        let code = code.map_err(|d| unreadable(&d))?;
        let mut point = point_from_degrees(code.lat, code.lon, Notation::PlusCode, false)?;
        if let Input::Point(u) = &mut point {
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
    from_two_numbers(a, b)
}

/// Reads a degrees pair that has a known order (links, hemisphere letters, labels).
fn point_from_degrees(
    lat: f64,
    lon: f64,
    notation: Notation,
    swapped: bool,
) -> Result<Input, QueryError> {
    let w = check_wgs84(lat, lon)?;
    Ok(Input::Point(Understood {
        rd: transformer().wgs84_to_rd(w),
        notation,
        swapped,
        understood_as: format!("{}: lat {lat:.6}, lon {lon:.6}", notation.describe()),
        precision_m: None,
    }))
}

/// Two bare numbers: RD, Web Mercator or degrees in either order, by range.
fn from_two_numbers(a: f64, b: f64) -> Result<Input, QueryError> {
    if looks_like_rd(a, b) {
        let (x, y, swapped) = if a <= b { (a, b, false) } else { (b, a, true) };
        let rd = check_projected(x, y, Crs::RdNew)?;
        return Ok(Input::Point(Understood {
            rd,
            notation: Notation::RdNew,
            swapped,
            precision_m: None,
            understood_as: format!(
                "{}: x {x}, y {y}{}",
                Notation::RdNew.describe(),
                if swapped {
                    format!(" ({})", t!("understood-given-as-y-x"))
                } else {
                    String::new()
                }
            ),
        }));
    }
    if looks_like_web_mercator(a, b) {
        let (x, y, swapped) = if a <= b { (a, b, false) } else { (b, a, true) };
        let rd = check_projected(x, y, Crs::WebMercator)?;
        return Ok(Input::Point(Understood {
            rd,
            notation: Notation::WebMercator,
            swapped,
            precision_m: None,
            understood_as: format!("{}: x {x}, y {y}", Notation::WebMercator.describe()),
        }));
    }
    let degrees = |v: f64, max: f64| v.abs() <= max;
    let (lat, lon, swapped) = if within(a, NL_LAT) && within(b, NL_LON) {
        (a, b, false)
    } else if within(b, NL_LAT) && within(a, NL_LON) {
        (b, a, true)
    } else if degrees(a, 90.0) && degrees(b, 180.0) {
        (a, b, false)
    } else if degrees(b, 90.0) && degrees(a, 180.0) {
        (b, a, true)
    } else {
        return Err(QueryError::Unreadable {
            text: format!("{a} {b}"),
            detail: t!(
                "query-neither-degrees-nor-metres",
                a = a.to_string(),
                b = b.to_string(),
                range = format!("x {}..{}, y {}..{}", RD_X.0, RD_X.1, RD_Y.0, RD_Y.1)
            ),
        });
    };
    let w = check_wgs84(lat, lon)?;
    Ok(Input::Point(Understood {
        rd: transformer().wgs84_to_rd(w),
        notation: Notation::DecimalDegrees,
        swapped,
        precision_m: None,
        understood_as: format!(
            "{}: lat {lat}, lon {lon}{}",
            Notation::DecimalDegrees.describe(),
            if swapped {
                format!(" ({})", t!("understood-given-as-lon-lat"))
            } else {
                String::new()
            }
        ),
    }))
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
// Links.

fn decoded(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// The value of a query parameter or fragment parameter in a URL.
fn url_param(url: &str, key: &str) -> Option<String> {
    let after = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let fragment = url.split_once('#').map(|(_, f)| f).unwrap_or("");
    for part in after.split(['&', '#']).chain(fragment.split('&')) {
        if let Some((k, v)) = part.split_once('=')
            && k.eq_ignore_ascii_case(key)
        {
            return Some(decoded(v));
        }
    }
    None
}

/// "lat,lon" (with optional spaces, a `loc:` prefix, or more values after).
fn lat_lon_text(v: &str) -> Option<(f64, f64)> {
    let v = v.trim().trim_start_matches("loc:").trim();
    let mut parts = v.split(',').map(str::trim);
    let lat = parts.next()?.parse::<f64>().ok()?;
    let lon = parts
        .next()?
        .split_whitespace()
        .next()?
        .parse::<f64>()
        .ok()?;
    (lat.is_finite() && lon.is_finite()).then_some((lat, lon))
}

/// The number right after `marker` in `s` (as in Google's `!3d50.85`).
fn number_after(s: &str, marker: &str) -> Option<f64> {
    let start = s.find(marker)? + marker.len();
    let rest = &s[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Latitude, longitude, the notation, and a note when the link's coordinates are not a marked
/// place.
type LinkResult = Result<(f64, f64, Notation, Option<String>), QueryError>;

fn parse_link(t: &str) -> Option<LinkResult> {
    let lower = t.to_ascii_lowercase();
    let unreadable = |detail: &str| QueryError::Unreadable {
        text: t.to_string(),
        detail: detail.to_string(),
    };
    if let Some(rest) = lower.strip_prefix("geo:") {
        let coords = rest.split([';', '?']).next().unwrap_or("");
        return Some(
            lat_lon_text(coords)
                .map(|(lat, lon)| (lat, lon, Notation::GeoUri, None))
                .ok_or_else(|| unreadable(&t!("query-geo-uri"))),
        );
    }
    let is_url =
        lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.");
    if !is_url {
        return None;
    }
    let host = lower
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_string();
    if host.contains("goo.gl") {
        return Some(Err(unreadable(&t!("query-short-link"))));
    }
    if host.contains("google.") {
        if let (Some(lat), Some(lon)) = (number_after(t, "!3d"), number_after(t, "!4d")) {
            return Some(Ok((lat, lon, Notation::GoogleMapsLink, None)));
        }
        // A place link names the place in its path (`/place/50°50'54.6"N+5°41'54.6"E/`): that
        // is the pin; the `@lat,lon` after it is only where the map was looking.
        if let Some(place) = t.split("/place/").nth(1).and_then(|r| r.split('/').next())
            && let Ok(Input::Point(u)) = parse_inner(&decoded(place))
        {
            let w = transformer().rd_to_wgs84(u.rd);
            return Some(Ok((w.lat, w.lon, Notation::GoogleMapsLink, None)));
        }
        for key in ["q", "query", "ll", "center", "destination", "daddr", "sll"] {
            if let Some((lat, lon)) = url_param(t, key).as_deref().and_then(lat_lon_text) {
                return Some(Ok((lat, lon, Notation::GoogleMapsLink, None)));
            }
        }
        if let Some(at) = t.find("/@")
            && let Some((lat, lon)) = lat_lon_text(&t[at + 2..])
        {
            return Some(Ok((
                lat,
                lon,
                Notation::GoogleMapsLink,
                Some(t!("understood-map-centre")),
            )));
        }
        return Some(Err(unreadable(&t!("query-google-link-without-place"))));
    }
    if host.contains("openstreetmap.org") || host.contains("osm.org") {
        if let (Some(lat), Some(lon)) = (url_param(t, "mlat"), url_param(t, "mlon"))
            && let (Ok(lat), Ok(lon)) = (lat.trim().parse(), lon.trim().parse())
        {
            return Some(Ok((lat, lon, Notation::OpenStreetMapLink, None)));
        }
        if let Some(map) = url_param(t, "map") {
            let parts: Vec<&str> = map.split('/').collect();
            if let [_, lat, lon] = parts.as_slice()
                && let (Ok(lat), Ok(lon)) = (lat.parse(), lon.parse())
            {
                return Some(Ok((lat, lon, Notation::OpenStreetMapLink, None)));
            }
        }
        return Some(Err(unreadable(&t!("query-osm-link-without-place"))));
    }
    if host.contains("maps.apple") {
        for key in ["ll", "q", "coordinate", "sll"] {
            if let Some((lat, lon)) = url_param(t, key).as_deref().and_then(lat_lon_text) {
                return Some(Ok((lat, lon, Notation::AppleMapsLink, None)));
            }
        }
        return Some(Err(unreadable(&t!("query-apple-link-without-place"))));
    }
    Some(Err(unreadable(&t!("query-unknown-link"))))
}

// ---------------------------------------------------------------------------------------------
// Labelled values: "lat 50.85 lon 5.69", "x=176395, y=317996".

fn parse_labelled(t: &str) -> Option<Result<Input, QueryError>> {
    let lower = t.to_ascii_lowercase();
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
            "lat" | "latitude" | "breedte" | "noorderbreedte" => Some(&mut lat),
            "lon" | "lng" | "long" | "longitude" | "lengte" | "oosterlengte" => Some(&mut lon),
            "x" => Some(&mut x),
            "y" => Some(&mut y),
            _ => None,
        };
        if let (Some(slot), Some(value)) = (slot, words.get(i + 1)) {
            labelled = true;
            *slot = Some(super::parse_number(words[i], value));
            i += 2;
        } else {
            i += 1;
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
                understood_as: format!("{}: x {x}, y {y}", notation.describe()),
            }))
        }
    })())
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
// Degrees, minutes, seconds.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    /// A number and how many decimals it was written with.
    Num(f64, u8),
    Deg,
    Min,
    Sec,
    Hemi(char),
    Sep,
}

fn tokenize(t: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = t.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            d if d.is_ascii_digit()
                || ((d == '-' || d == '+' || d == '.')
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())) =>
            {
                let start = i;
                i += 1;
                while i < chars.len() {
                    let ch = chars[i];
                    // A comma between digits is a decimal comma when the next character is a
                    // digit and the number has no decimal point yet.
                    let decimal_comma = ch == ','
                        && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())
                        && !chars[start..i].contains(&'.')
                        && !chars[start..i].contains(&',')
                        && has_angle_marks(&chars);
                    if ch.is_ascii_digit() || ch == '.' || decimal_comma {
                        i += 1;
                    } else {
                        break;
                    }
                }
                let s: String = chars[start..i].iter().collect::<String>().replace(',', ".");
                let v: f64 = s
                    .parse()
                    .map_err(|_| t!("query-not-a-number-word", word = s.as_str()))?;
                let decimals = s.split_once('.').map_or(0, |(_, d)| d.len().min(12) as u8);
                out.push(Tok::Num(v, decimals));
                continue;
            }
            '°' | 'º' | '˚' => out.push(Tok::Deg),
            '\'' | '′' | '’' | '‘' | '`' | '´' => {
                if chars
                    .get(i + 1)
                    .is_some_and(|n| matches!(n, '\'' | '′' | '’'))
                {
                    out.push(Tok::Sec);
                    i += 1;
                } else {
                    out.push(Tok::Min);
                }
            }
            '"' | '″' | '”' | '“' => out.push(Tok::Sec),
            ',' | ';' | '/' => out.push(Tok::Sep),
            c if c.is_whitespace() => {}
            c if c.is_ascii_alphabetic() => {
                let up = c.to_ascii_uppercase();
                match up {
                    'N' | 'S' | 'E' | 'W' | 'O' | 'Z' => out.push(Tok::Hemi(up)),
                    'D' => out.push(Tok::Deg),
                    'M' => out.push(Tok::Min),
                    _ => {
                        return Err(t!("query-stray-letter", letter = c.to_string()));
                    }
                }
            }
            other => {
                return Err(t!("query-stray-character", character = other.to_string()));
            }
        }
        i += 1;
    }
    Ok(out)
}

fn has_angle_marks(chars: &[char]) -> bool {
    chars.iter().any(|c| {
        matches!(c, '°' | 'º' | '˚' | '\'' | '′' | '’' | '"' | '″' | '”')
            || matches!(c.to_ascii_uppercase(), 'N' | 'S' | 'E' | 'W' | 'O' | 'Z')
    })
}

/// One angle: up to three numbers with optional unit marks and a hemisphere letter.
#[derive(Debug, Default)]
struct Angle {
    /// Each number with its unit mark (if any) and its decimals.
    parts: Vec<(f64, Option<Tok>, u8)>,
    hemi: Option<char>,
}

impl Angle {
    /// The angle in degrees, how many numbers it has, and the step of its last digit in
    /// degrees (whole minutes: 1/60°): how precise it was written.
    fn value(&self) -> Result<(f64, usize, f64), String> {
        let (mut deg, mut min, mut sec) = (None, None, None);
        let mut step = 1.0;
        for (k, (v, unit, decimals)) in self.parts.iter().enumerate() {
            let (slot, unit_deg) = match (unit, k) {
                (Some(Tok::Deg), _) | (None, 0) => (&mut deg, 1.0),
                (Some(Tok::Min), _) | (None, 1) => (&mut min, 1.0 / 60.0),
                (Some(Tok::Sec), _) | (None, 2) => (&mut sec, 1.0 / 3600.0),
                _ => return Err(t!("query-angle-too-many-parts")),
            };
            step = f64::min(step, unit_deg / 10f64.powi(i32::from(*decimals)));
            if slot.replace(*v).is_some() {
                return Err(t!("query-angle-unit-twice"));
            }
        }
        let deg: f64 = deg.ok_or_else(|| t!("query-angle-without-degrees"))?;
        let min = min.unwrap_or(0.0);
        let sec = sec.unwrap_or(0.0);
        if !(0.0..60.0).contains(&min) || !(0.0..60.0).contains(&sec) {
            return Err(t!(
                "query-angle-sixty",
                minutes = min.to_string(),
                seconds = sec.to_string()
            ));
        }
        if sec > 0.0 && min.fract() != 0.0 {
            return Err(t!("query-angle-decimal-minutes-and-seconds"));
        }
        let magnitude = deg.abs() + min / 60.0 + sec / 3600.0;
        let negative = deg.is_sign_negative() || matches!(self.hemi, Some('S' | 'W' | 'Z'));
        Ok((
            if negative { -magnitude } else { magnitude },
            self.parts.len(),
            step,
        ))
    }
}

fn parse_angles(tokens: &[Tok]) -> Result<Input, QueryError> {
    let err = |d: String| QueryError::Unreadable {
        text: String::new(),
        detail: d,
    };
    let groups = group_angles(tokens).map_err(err)?;
    let [a, b] = groups.as_slice() else {
        return Err(err(t!("query-angle-count", count = groups.len())));
    };
    let (va, na, step_a) = a.value().map_err(err)?;
    let (vb, nb, step_b) = b.value().map_err(err)?;
    // Half the last digit's step either way, in metres (a degree of longitude is shorter).
    let precision_m = (step_a.max(step_b) / 2.0) * METRES_PER_DEGREE_LAT;
    let with_precision = |input: Result<Input, QueryError>| {
        input.map(|i| match i {
            Input::Point(mut u) => {
                u.precision_m = Some(round_precision(precision_m));
                if precision_m >= 50.0 {
                    let precision = t!(
                        "understood-written-to",
                        metres = format!("{:.0}", round_precision(precision_m))
                    );
                    u.understood_as = format!("{}; {precision}", u.understood_as);
                }
                Input::Point(u)
            }
            other => other,
        })
    };
    let notation = match na.max(nb) {
        3 => Notation::DegreesMinutesSeconds,
        2 => Notation::DegreesDecimalMinutes,
        _ => Notation::DecimalDegrees,
    };
    let axis = |h: Option<char>| match h {
        Some('N' | 'S' | 'Z') => Some(true),
        Some(_) => Some(false),
        None => None,
    };
    match (axis(a.hemi), axis(b.hemi)) {
        (Some(x), Some(y)) if x == y => Err(err(if x {
            t!("query-two-latitudes")
        } else {
            t!("query-two-longitudes")
        })),
        (Some(true), _) | (_, Some(false)) => {
            with_precision(point_from_degrees(va, vb, notation, false))
        }
        (Some(false), _) | (_, Some(true)) => {
            with_precision(point_from_degrees(vb, va, notation, false))
        }
        (None, None) => with_precision(match from_two_numbers(va, vb)? {
            Input::Point(mut p) => {
                p.notation = notation;
                p.understood_as = p
                    .understood_as
                    .replace(&Notation::DecimalDegrees.describe(), &notation.describe());
                Ok(Input::Point(p))
            }
            other => Ok(other),
        }),
    }
}

/// Metres in a degree of latitude (and of longitude at the equator): enough for a precision.
const METRES_PER_DEGREE_LAT: f64 = 111_320.0;

/// A precision to two significant digits: it is an estimate.
fn round_precision(m: f64) -> f64 {
    if m <= 0.0 {
        return 0.0;
    }
    let magnitude = 10f64.powi(m.log10().floor() as i32 - 1);
    (m / magnitude).round() * magnitude
}

fn group_angles(tokens: &[Tok]) -> Result<Vec<Angle>, String> {
    let hemis = tokens.iter().filter(|t| matches!(t, Tok::Hemi(_))).count();
    let mut groups: Vec<Angle> = Vec::new();
    let mut current = Angle::default();
    let flush = |current: &mut Angle, groups: &mut Vec<Angle>| {
        if !current.parts.is_empty() || current.hemi.is_some() {
            groups.push(std::mem::take(current));
        }
    };
    if hemis > 0 {
        let prefix = matches!(
            tokens.iter().find(|t| !matches!(t, Tok::Sep)),
            Some(Tok::Hemi(_))
        );
        for t in tokens {
            match *t {
                Tok::Hemi(h) if prefix => {
                    flush(&mut current, &mut groups);
                    current.hemi = Some(h);
                }
                Tok::Hemi(h) => {
                    current.hemi = Some(h);
                    flush(&mut current, &mut groups);
                }
                Tok::Num(v, d) => current.parts.push((v, None, d)),
                unit @ (Tok::Deg | Tok::Min | Tok::Sec) => attach_unit(&mut current, unit)?,
                Tok::Sep => {}
            }
        }
        flush(&mut current, &mut groups);
        return Ok(groups);
    }
    let has_deg = tokens.contains(&Tok::Deg);
    let has_sep = tokens.contains(&Tok::Sep);
    let numbers: Vec<(f64, u8)> = tokens
        .iter()
        .filter_map(|t| {
            if let Tok::Num(v, d) = t {
                Some((*v, *d))
            } else {
                None
            }
        })
        .collect();
    if !has_deg && !has_sep && !tokens.iter().any(|t| matches!(t, Tok::Min | Tok::Sec)) {
        let half = match numbers.len() {
            4 => 2,
            6 => 3,
            n => {
                return Err(t!("query-unmarked-numbers", count = n));
            }
        };
        return Ok(numbers
            .chunks(half)
            .map(|c| Angle {
                parts: c.iter().map(|(v, d)| (*v, None, *d)).collect(),
                hemi: None,
            })
            .collect());
    }
    for (k, t) in tokens.iter().enumerate() {
        match *t {
            Tok::Num(v, d) => {
                // With degree marks, a number marked as degrees starts a new angle.
                if has_deg && tokens.get(k + 1) == Some(&Tok::Deg) && !current.parts.is_empty() {
                    flush(&mut current, &mut groups);
                }
                current.parts.push((v, None, d));
            }
            unit @ (Tok::Deg | Tok::Min | Tok::Sec) => attach_unit(&mut current, unit)?,
            Tok::Sep if !has_deg => flush(&mut current, &mut groups),
            Tok::Sep | Tok::Hemi(_) => {}
        }
    }
    flush(&mut current, &mut groups);
    Ok(groups)
}

fn attach_unit(current: &mut Angle, unit: Tok) -> Result<(), String> {
    match current.parts.last_mut() {
        Some((_, slot @ None, _)) => {
            *slot = Some(unit);
            Ok(())
        }
        _ => Err("a unit mark (° ' \") must follow a number".into()),
    }
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
        Notation::OpenStreetMapLink => format!(
            "https://www.openstreetmap.org/#map=18/{:.5}/{:.5}",
            p.lat, p.lon
        ),
        Notation::AppleMapsLink => format!(
            "https://maps.apple.com/?ll={:.6},{:.6}&q=Plek",
            p.lat, p.lon
        ),
        Notation::PlusCode => super::pluscode::encode(p.lat, p.lon),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_reads_marks_and_decimal_commas() {
        let t = tokenize("50°51,083'N").unwrap();
        assert_eq!(
            t,
            vec![
                Tok::Num(50.0, 0),
                Tok::Deg,
                Tok::Num(51.083, 3),
                Tok::Min,
                Tok::Hemi('N')
            ]
        );
        assert!(tokenize("50 # 5").is_err());
    }
}
