//! Reading places as people and programs give them, with errors that say what to fix.
//!
//! Two entry points: the structured HTTP parameters (`lat`/`lon`, `x`/`y`/`crs`), checked by
//! [`check_wgs84`] and [`check_projected`], and free text ([`parse`], the grammar in
//! [`notation`]) used by `q=`, the command line and the web page. Range checks catch the classic
//! mistakes before they become a silent "outside": latitude and longitude swapped, RD metres or
//! Web Mercator metres passed as degrees, degrees passed as RD.

mod angles;
mod input;
mod links;
mod locality;
pub mod notation;
mod place;
pub mod pluscode;
mod received;

pub use input::AmlInfo;
pub use locality::Locality;
pub use notation::{Input, Notation, Understood, is_postcode_area, parse};
pub use place::{AddressQuery, Place};
pub(crate) use received::split_country;

use std::fmt;

use crate::t;

use crate::crs::{Crs, Rd, WEB_MERCATOR_MAX_LAT, Wgs84, transformer};

/// RD New's domain (EPSG:28992 area of use, a little wider): x and y in metres.
pub(crate) const RD_X: (f64, f64) = (-7_000.0, 300_000.0);
pub(crate) const RD_Y: (f64, f64) = (289_000.0, 629_000.0);
/// Roughly the Netherlands and its border regions, for spotting swapped lat/lon.
pub(crate) const NL_LAT: (f64, f64) = (50.0, 54.0);
pub(crate) const NL_LON: (f64, f64) = (2.5, 7.5);
const WEB_MERCATOR_MAX: f64 = 20_037_508.342_789_244;

/// Why a coordinate input was refused. `Display` is the message for the person.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryError {
    Missing {
        param: &'static str,
        hint: String,
    },
    NotANumber {
        param: String,
        value: String,
    },
    NotFinite {
        param: String,
        value: String,
    },
    OutOfRange {
        param: &'static str,
        value: f64,
        min: f64,
        max: f64,
    },
    LooksSwapped {
        lat: f64,
        lon: f64,
        /// The municipality the text was read near, to say where it lies (see
        /// [`QueryError::near`]); without one, the message says where the Netherlands lies.
        near: Option<Box<Locality>>,
    },
    LooksLikeRd {
        a: f64,
        b: f64,
    },
    LooksLikeWebMercator {
        a: f64,
        b: f64,
    },
    LooksLikeDegrees {
        x: f64,
        y: f64,
    },
    UnknownCrs {
        value: String,
    },
    Conflicting,
    UnknownParameter {
        name: String,
        hint: Option<&'static str>,
        /// Every parameter the endpoint takes.
        known: Vec<&'static str>,
    },
    /// Free text that is not a place in any notation; `detail` says what was understood.
    Unreadable {
        text: String,
        detail: String,
        /// What to type instead, around the served municipality's own reference point (see
        /// [`notation::examples_near`]); filled in by [`parse`].
        examples: String,
    },
}

impl QueryError {
    /// The same error, read near `near`: a swap then says where the municipality lies.
    pub fn near(self, near: &Locality) -> QueryError {
        match self {
            QueryError::LooksSwapped { lat, lon, .. } => QueryError::LooksSwapped {
                lat,
                lon,
                near: Some(Box::new(near.clone())),
            },
            other => other,
        }
    }

    /// The kind of problem, of the one table of kinds (its slug is the problem `type`).
    pub fn kind(&self) -> crate::problem::Kind {
        use crate::problem::Kind;
        match self {
            QueryError::Missing { .. } => Kind::MissingParameter,
            QueryError::NotANumber { .. } => Kind::NotANumber,
            QueryError::NotFinite { .. } => Kind::NotFinite,
            QueryError::OutOfRange { .. } => Kind::OutOfRange,
            QueryError::LooksSwapped { .. } => Kind::SwappedCoordinates,
            QueryError::LooksLikeRd { .. } => Kind::RdGivenAsWgs84,
            QueryError::LooksLikeWebMercator { .. } => Kind::WebMercatorGivenAsWgs84,
            QueryError::LooksLikeDegrees { .. } => Kind::DegreesGivenAsProjected,
            QueryError::UnknownCrs { .. } => Kind::UnknownCrs,
            QueryError::Conflicting => Kind::ConflictingParameters,
            QueryError::UnknownParameter { .. } => Kind::UnknownParameter,
            QueryError::Unreadable { .. } => Kind::UnreadableCoordinate,
        }
    }

    /// A short title for the kind of problem, in the current language.
    pub fn title(&self) -> String {
        self.kind().title()
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            QueryError::Missing { param, hint } => {
                t!("query-missing", param = *param, hint = hint)
            }
            QueryError::NotANumber { param, value } => {
                t!("query-not-a-number", param = param, value = value)
            }
            QueryError::NotFinite { param, value } => {
                t!("query-not-finite", param = param, value = value)
            }
            QueryError::OutOfRange {
                param,
                value,
                min,
                max,
            } => t!(
                "query-out-of-range",
                param = *param,
                value = value.to_string(),
                min = min.to_string(),
                max = max.to_string()
            ),
            QueryError::LooksSwapped {
                lat,
                lon,
                near: Some(near),
            } => t!(
                "query-swapped-near",
                lat = lat.to_string(),
                lon = lon.to_string(),
                municipality = near.name.as_str(),
                at_lat = format!("{:.2}", near.lat),
                at_lon = format!("{:.2}", near.lon)
            ),
            QueryError::LooksSwapped { lat, lon, .. } => t!(
                "query-swapped",
                lat = lat.to_string(),
                lon = lon.to_string()
            ),
            QueryError::LooksLikeRd { a, b } => {
                let (x, y) = if a < b { (a, b) } else { (b, a) };
                t!(
                    "query-looks-like-rd",
                    a = a.to_string(),
                    b = b.to_string(),
                    x = x.to_string(),
                    y = y.to_string()
                )
            }
            QueryError::LooksLikeWebMercator { a, b } => {
                let (x, y) = if a < b { (a, b) } else { (b, a) };
                t!(
                    "query-looks-like-web-mercator",
                    a = a.to_string(),
                    b = b.to_string(),
                    x = x.to_string(),
                    y = y.to_string()
                )
            }
            QueryError::LooksLikeDegrees { x, y } => {
                let (lat, lon) = if x > y { (x, y) } else { (y, x) };
                t!(
                    "query-looks-like-degrees",
                    x = x.to_string(),
                    y = y.to_string(),
                    lat = lat.to_string(),
                    lon = lon.to_string()
                )
            }
            QueryError::UnknownCrs { value } => t!("query-unknown-crs", value = value),
            QueryError::Conflicting => t!("query-conflicting"),
            QueryError::UnknownParameter { name, hint, known } => {
                let count = known.len();
                let known = known.join(", ");
                match hint {
                    Some(h) => t!(
                        "query-unknown-parameter-hint",
                        name = name,
                        hint = *h,
                        known = known,
                        count = count
                    ),
                    None => t!(
                        "query-unknown-parameter",
                        name = name,
                        known = known,
                        count = count
                    ),
                }
            }
            QueryError::Unreadable {
                text,
                detail,
                examples,
            } => t!(
                "query-unreadable",
                text = text,
                detail = detail,
                examples = examples
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for QueryError {}

/// A name as options and column headers are compared: lower case, without spaces, `_`, `-`
/// and `.` (`Huis_nummer` is `huisnummer`).
pub fn name_form(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // `X-coördinaat` is `xcoordinaat`: accents are dropped with the separators.
    name.trim()
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The "did you mean" of every door: the name among `names` closest to `word` (compared in
/// [`name_form`]), if it is at most two edits away.
pub fn closest_name<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = name_form(word);
    names
        .into_iter()
        .map(|n| (strsim::osa_distance(&name_form(n), &word), n))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Parses one number; accepts a decimal comma when it is the only separator (`50,8514`).
pub fn parse_number(param: &str, text: &str) -> Result<f64, QueryError> {
    let t = text.trim();
    let normalised = if t.contains(',') && !t.contains('.') && t.matches(',').count() == 1 {
        t.replace(',', ".")
    } else {
        t.to_string()
    };
    let is_numeric = !normalised.is_empty()
        && normalised
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    let value: f64 = if is_numeric {
        normalised.parse().map_err(|_| QueryError::NotANumber {
            param: param.to_string(),
            value: text.to_string(),
        })?
    } else {
        let lower = normalised.to_ascii_lowercase();
        let lower = lower.trim_start_matches(['+', '-']);
        if ["nan", "inf", "infinity"].contains(&lower) {
            return Err(QueryError::NotFinite {
                param: param.to_string(),
                value: text.to_string(),
            });
        }
        return Err(QueryError::NotANumber {
            param: param.to_string(),
            value: text.to_string(),
        });
    };
    if !value.is_finite() {
        return Err(QueryError::NotFinite {
            param: param.to_string(),
            value: text.to_string(),
        });
    }
    Ok(value)
}

pub(crate) fn within(v: f64, (lo, hi): (f64, f64)) -> bool {
    (lo..=hi).contains(&v)
}

pub(crate) fn looks_like_rd(a: f64, b: f64) -> bool {
    (within(a, RD_X) && within(b, RD_Y) || within(b, RD_X) && within(a, RD_Y))
        && (a.abs() > 180.0 || b.abs() > 180.0)
}

pub(crate) fn looks_like_web_mercator(a: f64, b: f64) -> bool {
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    // The Netherlands in EPSG:3857: x 300 000..850 000, y 6 500 000..7 200 000.
    within(x, (200_000.0, 900_000.0)) && within(y, (6_400_000.0, 7_300_000.0))
}

/// Checks a WGS84 latitude/longitude pair.
///
/// ```
/// use wijkwijzer_core::query::{check_wgs84, QueryError};
/// assert!(check_wgs84(50.8514, 5.6910).is_ok());
/// assert!(matches!(check_wgs84(5.6910, 50.8514), Err(QueryError::LooksSwapped { .. })));
/// assert!(matches!(check_wgs84(317996.0, 176395.0), Err(QueryError::LooksLikeRd { .. })));
/// ```
pub fn check_wgs84(lat: f64, lon: f64) -> Result<Wgs84, QueryError> {
    if looks_like_rd(lat, lon) {
        return Err(QueryError::LooksLikeRd { a: lat, b: lon });
    }
    if looks_like_web_mercator(lat, lon) {
        return Err(QueryError::LooksLikeWebMercator { a: lat, b: lon });
    }
    if !within(lat, (-90.0, 90.0)) {
        return Err(QueryError::OutOfRange {
            param: "lat",
            value: lat,
            min: -90.0,
            max: 90.0,
        });
    }
    if !within(lon, (-180.0, 180.0)) {
        return Err(QueryError::OutOfRange {
            param: "lon",
            value: lon,
            min: -180.0,
            max: 180.0,
        });
    }
    if within(lon, NL_LAT) && within(lat, NL_LON) {
        return Err(QueryError::LooksSwapped {
            lat,
            lon,
            near: None,
        });
    }
    Ok(Wgs84 { lat, lon })
}

/// Checks an x/y pair in a projected CRS (or lon/lat when `crs` is WGS84) and returns RD.
pub fn check_projected(x: f64, y: f64, crs: Crs) -> Result<Rd, QueryError> {
    match crs {
        Crs::Wgs84 => Ok(transformer().wgs84_to_rd(check_wgs84(y, x)?)),
        Crs::RdNew => {
            if x.abs() <= 180.0 && y.abs() <= 90.0 {
                return Err(QueryError::LooksLikeDegrees { x, y });
            }
            if !within(x, RD_X) {
                return Err(QueryError::OutOfRange {
                    param: "x",
                    value: x,
                    min: RD_X.0,
                    max: RD_X.1,
                });
            }
            if !within(y, RD_Y) {
                return Err(QueryError::OutOfRange {
                    param: "y",
                    value: y,
                    min: RD_Y.0,
                    max: RD_Y.1,
                });
            }
            Ok(Rd { x, y })
        }
        Crs::WebMercator => {
            if x.abs() <= 180.0 && y.abs() <= 90.0 {
                return Err(QueryError::LooksLikeDegrees { x, y });
            }
            if !within(x, (-WEB_MERCATOR_MAX, WEB_MERCATOR_MAX)) {
                return Err(QueryError::OutOfRange {
                    param: "x",
                    value: x,
                    min: -WEB_MERCATOR_MAX,
                    max: WEB_MERCATOR_MAX,
                });
            }
            if !within(y, (-WEB_MERCATOR_MAX, WEB_MERCATOR_MAX)) {
                return Err(QueryError::OutOfRange {
                    param: "y",
                    value: y,
                    min: -WEB_MERCATOR_MAX,
                    max: WEB_MERCATOR_MAX,
                });
            }
            let t = transformer();
            let w = t.web_mercator_to_wgs84(crate::crs::WebMercator { x, y });
            debug_assert!(w.lat.abs() <= WEB_MERCATOR_MAX_LAT + 1e-9);
            Ok(t.wgs84_to_rd(w))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("lat", " 50.85 ").unwrap(), 50.85);
        assert_eq!(parse_number("lat", "50,85").unwrap(), 50.85);
        assert_eq!(parse_number("lat", "-1e2").unwrap(), -100.0);
        assert!(matches!(
            parse_number("lat", "NaN"),
            Err(QueryError::NotFinite { .. })
        ));
        assert!(matches!(
            parse_number("lat", "-inf"),
            Err(QueryError::NotFinite { .. })
        ));
        assert!(matches!(
            parse_number("lat", "1e400"),
            Err(QueryError::NotFinite { .. })
        ));
        assert!(matches!(
            parse_number("lat", "abc"),
            Err(QueryError::NotANumber { .. })
        ));
        assert!(matches!(
            parse_number("lat", ""),
            Err(QueryError::NotANumber { .. })
        ));
        assert!(matches!(
            parse_number("lat", "1,2,3"),
            Err(QueryError::NotANumber { .. })
        ));
    }

    #[test]
    fn wgs84_mistakes_are_named() {
        assert!(check_wgs84(50.8514, 5.6910).is_ok());
        assert!(
            check_wgs84(50.8466, 4.3528).is_ok(),
            "Brussels is a valid, if uncovered, point"
        );
        assert!(matches!(
            check_wgs84(91.0, 5.0),
            Err(QueryError::OutOfRange { param: "lat", .. })
        ));
        assert!(matches!(
            check_wgs84(50.0, 181.0),
            Err(QueryError::OutOfRange { param: "lon", .. })
        ));
        let swapped = check_wgs84(5.6910, 50.8514).unwrap_err();
        assert!(
            swapped.to_string().contains("lat=50.8514&lon=5.691"),
            "{swapped}"
        );
        let rd = check_wgs84(176395.0, 317996.0).unwrap_err();
        assert!(
            rd.to_string().contains("x=176395&y=317996&crs=EPSG:28992"),
            "{rd}"
        );
        let merc = check_wgs84(6_593_000.0, 633_500.0).unwrap_err();
        assert!(merc.to_string().contains("crs=EPSG:3857"), "{merc}");
    }

    #[test]
    fn projected_checks() {
        let rd = check_projected(176395.0, 317996.0, Crs::RdNew).unwrap();
        assert_eq!(
            rd,
            Rd {
                x: 176395.0,
                y: 317996.0
            }
        );
        assert!(matches!(
            check_projected(5.69, 50.85, Crs::RdNew),
            Err(QueryError::LooksLikeDegrees { .. })
        ));
        assert!(matches!(
            check_projected(176395.0, 9e6, Crs::RdNew),
            Err(QueryError::OutOfRange { param: "y", .. })
        ));
        let m = check_projected(633_523.0, 6_596_000.0, Crs::WebMercator).unwrap();
        assert!(
            (m.x - 176_000.0).abs() < 3_000.0 && (m.y - 318_000.0).abs() < 3_000.0,
            "{m:?}"
        );
        let w = check_projected(5.6910, 50.8514, Crs::Wgs84).unwrap();
        assert!((w.x - 176_400.0).abs() < 200.0, "{w:?}");
    }
}
