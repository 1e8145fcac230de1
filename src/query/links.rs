//! Map links and `geo:` URIs: where in a link the place is, and what a link without one says.

use super::QueryError;
use super::input::{Input, Notation};
use crate::crs::transformer;
use crate::t;

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

/// `inner` reads a place found inside a link (Google's `q=` may hold any notation): the
/// general parser, handed in so that this file need not import it back.
pub(super) fn parse_link(
    t: &str,
    inner: &dyn Fn(&str) -> Result<Input, QueryError>,
) -> Option<LinkResult> {
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
            && let Ok(Input::Point(u)) = inner(&decoded(place))
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
