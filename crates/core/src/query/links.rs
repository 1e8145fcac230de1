//! Map links and `geo:` URIs: where in a link the place is, and what a link without one says.

use super::QueryError;
use super::input::{Input, Notation, VIEW_WITHOUT_ZOOM_M, view_radius_m};
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

/// What a link says of its place: latitude, longitude and notation, and when the link's
/// coordinates are the centre of a map view rather than a marked place, the view's radius
/// (see [`view_radius_m`]) and a note saying so.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LinkPlace {
    pub lat: f64,
    pub lon: f64,
    pub notation: Notation,
    pub view: Option<View>,
}

/// A map view's centre: how far from it the place may lie, and the words for `understood`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct View {
    pub radius_m: f64,
    pub note: String,
}

impl LinkPlace {
    fn marked(lat: f64, lon: f64, notation: Notation) -> LinkPlace {
        LinkPlace {
            lat,
            lon,
            notation,
            view: None,
        }
    }

    fn view(lat: f64, lon: f64, notation: Notation, zoom: Option<f64>) -> LinkPlace {
        LinkPlace {
            lat,
            lon,
            notation,
            view: Some(View::at(lat, zoom)),
        }
    }
}

impl View {
    /// The view of a map centred at latitude `lat` at `zoom`; without a zoom, the large
    /// [`VIEW_WITHOUT_ZOOM_M`], and the note says the zoom was missing.
    pub(super) fn at(lat: f64, zoom: Option<f64>) -> View {
        match zoom.filter(|z| z.is_finite() && *z >= 0.0) {
            Some(z) => {
                let radius_m = view_radius_m(lat, z);
                View {
                    radius_m,
                    note: t!(
                        "understood-map-centre",
                        zoom = format!("{z}"),
                        metres = format!("{radius_m:.0}")
                    ),
                }
            }
            None => View {
                radius_m: VIEW_WITHOUT_ZOOM_M,
                note: t!(
                    "understood-map-centre-no-zoom",
                    metres = format!("{VIEW_WITHOUT_ZOOM_M:.0}")
                ),
            },
        }
    }
}

type LinkResult = Result<LinkPlace, QueryError>;

/// The zoom of Google's `@lat,lon,14z` (or `,14.5z`); `,850m` (the height of a satellite view
/// in metres) is turned into the zoom that shows that height on [`super::input`]'s screen.
fn google_zoom(after_at: &str, lat: f64) -> Option<f64> {
    let third = after_at
        .split(['/', '?', '#'])
        .next()?
        .split(',')
        .nth(2)?
        .trim();
    if let Some(z) = third.strip_suffix(['z', 'Z']) {
        return z.parse().ok();
    }
    let metres: f64 = third.strip_suffix('m')?.parse().ok()?;
    // The view's height is 800 px at 156 543.03 cos(lat) / 2^z metres each.
    (metres > 0.0).then(|| (156_543.03 * lat.to_radians().cos() * 800.0 / metres).log2())
}

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
        examples: String::new(),
    };
    if let Some(rest) = lower.strip_prefix("geo:") {
        let coords = rest.split([';', '?']).next().unwrap_or("");
        return Some(
            lat_lon_text(coords)
                .map(|(lat, lon)| LinkPlace::marked(lat, lon, Notation::GeoUri))
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
            return Some(Ok(LinkPlace::marked(lat, lon, Notation::GoogleMapsLink)));
        }
        // A place link names the place in its path (`/place/50°50'54.6"N+5°41'54.6"E/`): that
        // is the pin; the `@lat,lon` after it is only where the map was looking.
        if let Some(place) = t.split("/place/").nth(1).and_then(|r| r.split('/').next())
            && let Ok(Input::Point(u)) = inner(&decoded(place))
        {
            let w = transformer().rd_to_wgs84(u.rd);
            return Some(Ok(LinkPlace::marked(
                w.lat,
                w.lon,
                Notation::GoogleMapsLink,
            )));
        }
        // A search, a query or a destination is a marked place.
        for key in ["q", "query", "destination", "daddr"] {
            if let Some((lat, lon)) = url_param(t, key).as_deref().and_then(lat_lon_text) {
                return Some(Ok(LinkPlace::marked(lat, lon, Notation::GoogleMapsLink)));
            }
        }
        // `ll`, `center` and `sll` are where the map looks (with its zoom in `z`, `zoom`).
        let zoom = url_param(t, "z")
            .or_else(|| url_param(t, "zoom"))
            .and_then(|z| z.trim().parse::<f64>().ok());
        for key in ["ll", "center", "sll"] {
            if let Some((lat, lon)) = url_param(t, key).as_deref().and_then(lat_lon_text) {
                return Some(Ok(LinkPlace::view(
                    lat,
                    lon,
                    Notation::GoogleMapsLink,
                    zoom,
                )));
            }
        }
        if let Some(at) = t.find("/@")
            && let Some((lat, lon)) = lat_lon_text(&t[at + 2..])
        {
            let zoom = google_zoom(&t[at + 2..], lat);
            return Some(Ok(LinkPlace::view(
                lat,
                lon,
                Notation::GoogleMapsLink,
                zoom,
            )));
        }
        return Some(Err(unreadable(&t!("query-google-link-without-place"))));
    }
    if host.contains("openstreetmap.org") || host.contains("osm.org") {
        if let (Some(lat), Some(lon)) = (url_param(t, "mlat"), url_param(t, "mlon"))
            && let (Ok(lat), Ok(lon)) = (lat.trim().parse(), lon.trim().parse())
        {
            return Some(Ok(LinkPlace::marked(lat, lon, Notation::OpenStreetMapLink)));
        }
        // `#map=zoom/lat/lon` is where the map looks, not a marker.
        if let Some(map) = url_param(t, "map") {
            let parts: Vec<&str> = map.split('/').collect();
            if let [zoom, lat, lon] = parts.as_slice()
                && let (Ok(lat), Ok(lon)) = (lat.parse(), lon.parse())
            {
                let zoom = zoom.trim().parse::<f64>().ok();
                return Some(Ok(LinkPlace::view(
                    lat,
                    lon,
                    Notation::OpenStreetMapLink,
                    zoom,
                )));
            }
        }
        return Some(Err(unreadable(&t!("query-osm-link-without-place"))));
    }
    if host.contains("maps.apple") {
        // A pin: `q=lat,lon`, `coordinate=`, or `ll=` with a name in `q` (a shared "Dropped
        // Pin"); `ll` or `sll` alone is where the map looks, zoomed by `z`.
        for key in ["q", "coordinate"] {
            if let Some((lat, lon)) = url_param(t, key).as_deref().and_then(lat_lon_text) {
                return Some(Ok(LinkPlace::marked(lat, lon, Notation::AppleMapsLink)));
            }
        }
        let named = url_param(t, "q").is_some_and(|q| !q.trim().is_empty());
        let zoom = url_param(t, "z").and_then(|z| z.trim().parse::<f64>().ok());
        for key in ["ll", "sll"] {
            if let Some((lat, lon)) = url_param(t, key).as_deref().and_then(lat_lon_text) {
                return Some(Ok(if named && key == "ll" {
                    LinkPlace::marked(lat, lon, Notation::AppleMapsLink)
                } else {
                    LinkPlace::view(lat, lon, Notation::AppleMapsLink, zoom)
                }));
            }
        }
        return Some(Err(unreadable(&t!("query-apple-link-without-place"))));
    }
    Some(Err(unreadable(&t!("query-unknown-link"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_views_radius_follows_its_zoom_and_a_marker_has_none() {
        let none = |_: &str| Err(QueryError::Conflicting);
        let view = |t: &str| parse_link(t, &none).unwrap().unwrap().view;
        // 156543.03 × cos(50.85°) / 2^14 ≈ 6.03 m per pixel, × 447.2 px ≈ 2.70 km.
        let z14 = view("https://www.google.com/maps/@50.8514,5.6910,14z").unwrap();
        assert!((z14.radius_m - 2_697.0).abs() < 10.0, "{z14:?}");
        let z19 = view("https://www.google.com/maps/@50.8514,5.6910,19z").unwrap();
        assert!((z19.radius_m - z14.radius_m / 32.0).abs() < 0.5, "{z19:?}");
        let osm = view("https://www.openstreetmap.org/#map=14/50.8514/5.6910").unwrap();
        assert!((osm.radius_m - z14.radius_m).abs() < 0.01);
        // Google's satellite view gives its height in metres: 800 px of 2 m is zoom ≈ 15.6.
        let sat = view("https://www.google.com/maps/@50.8514,5.6910,1600m/data=!3m1!1e3").unwrap();
        assert!((sat.radius_m - 447.2 * 2.0).abs() < 1.0, "{sat:?}");
        let no_zoom = view("https://maps.google.com/maps?ll=50.8514,5.6910").unwrap();
        assert_eq!(no_zoom.radius_m, VIEW_WITHOUT_ZOOM_M);
        let apple = view("https://maps.apple.com/?ll=50.8514,5.6910&z=14").unwrap();
        assert!((apple.radius_m - z14.radius_m).abs() < 0.01);
        for marker in [
            "https://www.openstreetmap.org/?mlat=50.8514&mlon=5.6910#map=14/50.85/5.69",
            "https://www.google.com/maps?q=50.8514,5.6910&z=14",
            "https://maps.apple.com/?ll=50.8514,5.6910&q=Markt",
            "https://www.google.com/maps/place/X/@50.85,5.69,14z/data=!3d50.8514!4d5.6910",
        ] {
            assert_eq!(view(marker), None, "{marker}");
        }
    }
}
