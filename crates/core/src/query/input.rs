//! What a place written by a person was read as ([`Input`], [`Understood`]) and in which
//! notation, and the two readings of a pair of degrees every notation ends in: one floor below
//! the readers of links, angles and received messages, which all produce these.

use serde::Serialize;

use super::{
    NL_LAT, NL_LON, QueryError, RD_X, RD_Y, check_projected, check_wgs84, looks_like_rd,
    looks_like_web_mercator, within,
};
use crate::crs::{Crs, Rd, transformer};
use crate::t;

/// What an AML push says beside the position.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AmlInfo {
    /// When the phone fixed its position (`top`), UTC, ISO 8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positioned_at: Option<String>,
    /// The confidence (`lc`, percent) that the caller is within the radius.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence_pct: Option<u8>,
    /// How the phone found its position (`pm`): `gnss`, `wifi`, `cell`.
    pub method: String,
}

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
    /// The AML push of a 112 caller's phone (ETSI TS 103 625).
    Aml,
}

impl Notation {
    pub const ALL: [Notation; 11] = [
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
        Notation::Aml,
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
            Notation::Aml => t!("notation-aml"),
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
    /// The uncertainty the input itself states, in metres: `u=` of a `geo:` URI, `±25 m`,
    /// `radius=`, `accuracy=`, an AML push's `rd`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated_m: Option<f64>,
    /// For an AML push: when and how the phone fixed its position, and with what confidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aml: Option<AmlInfo>,
    /// When the text is the centre of a map view rather than a marked place (a Google `@lat,lon,
    /// 14z`, an OpenStreetMap `#map=14/lat/lon`, a pasted `lat,lon,17z`): how far from the
    /// centre the place may lie on the screen, in metres (see [`view_radius_m`]). An answer for
    /// a map view is never `certain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view_m: Option<f64>,
}

/// The screen a map view is assumed to be seen on, in CSS pixels: a phone held upright
/// (an assumption: phones are about 360-430 px wide and 740-930 px tall). The place meant may
/// be anywhere on it, so the radius is the half-diagonal, about 447 px.
const SCREEN_PX: (f64, f64) = (400.0, 800.0);

/// The radius of a map view without a zoom: about a town seen whole (zoom 12 at 51° N, on the
/// screen above, is about 10.7 km).
pub const VIEW_WITHOUT_ZOOM_M: f64 = 10_000.0;

/// How far from the centre of a map view at `zoom` (web map zoom levels, 256-px tiles) near
/// latitude `lat` the place meant may lie: the half-diagonal of [`SCREEN_PX`] in metres on the
/// ground. Web Mercator ground resolution is 156 543.03 m × cos(lat) / 2^zoom per pixel
/// (the equator's 40 075 016.686 m over 256 pixels at zoom 0); at Maastricht's latitude, zoom 14
/// is about 6.0 m per pixel, so about 2.7 km, and zoom 19 about 84 m.
pub fn view_radius_m(lat: f64, zoom: f64) -> f64 {
    let zoom = zoom.clamp(0.0, 23.0);
    let m_per_px = 156_543.03 * lat.to_radians().cos() / 2f64.powf(zoom);
    m_per_px * (SCREEN_PX.0 / 2.0).hypot(SCREEN_PX.1 / 2.0)
}

/// What a text turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Point(Understood),
    /// An address, for the address index.
    Address(String),
}

/// Reads a degrees pair that has a known order (links, hemisphere letters, labels).
pub(super) fn point_from_degrees(
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
        stated_m: None,
        aml: None,
        view_m: None,
    }))
}

/// Two bare numbers: RD, Web Mercator or degrees in either order, by range. Degrees are
/// reported as `degrees` (plain decimal degrees, or the angle notation they were read from).
pub(super) fn from_two_numbers(a: f64, b: f64, degrees: Notation) -> Result<Input, QueryError> {
    if looks_like_rd(a, b) {
        let (x, y, swapped) = if a <= b { (a, b, false) } else { (b, a, true) };
        let rd = check_projected(x, y, Crs::RdNew)?;
        return Ok(Input::Point(Understood {
            rd,
            notation: Notation::RdNew,
            swapped,
            precision_m: None,
            stated_m: None,
            aml: None,
            view_m: None,
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
            stated_m: None,
            aml: None,
            view_m: None,
            understood_as: format!("{}: x {x}, y {y}", Notation::WebMercator.describe()),
        }));
    }
    let is_degrees = |v: f64, max: f64| v.abs() <= max;
    let (lat, lon, swapped) = if within(a, NL_LAT) && within(b, NL_LON) {
        (a, b, false)
    } else if within(b, NL_LAT) && within(a, NL_LON) {
        (b, a, true)
    } else if is_degrees(a, 90.0) && is_degrees(b, 180.0) {
        (a, b, false)
    } else if is_degrees(b, 90.0) && is_degrees(a, 180.0) {
        (b, a, true)
    } else {
        return Err(QueryError::Unreadable {
            examples: String::new(),
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
        notation: degrees,
        swapped,
        precision_m: None,
        stated_m: None,
        aml: None,
        view_m: None,
        understood_as: format!(
            "{}: lat {lat}, lon {lon}{}",
            degrees.describe(),
            if swapped {
                format!(" ({})", t!("understood-given-as-lon-lat"))
            } else {
                String::new()
            }
        ),
    }))
}
