//! Areas as RFC 7946 GeoJSON features, with the contacts of one day.

use serde_json::{Value, json};

use crate::crs::transformer;
use crate::geodata::Area;
use crate::resolve::On;
use crate::roster::Audience;

/// An area's geometry as RFC 7946 wants it: WGS84, counter-clockwise shells, 7 decimals (~1 cm).
pub(super) fn wgs84_geometry(area: &Area) -> Value {
    use geo::orient::{Direction, Orient};
    let t = transformer();
    let oriented = area.geometry.orient(Direction::Default);
    let ring = |ls: &geo::LineString<f64>| -> Value {
        ls.0.iter()
            .map(|c| {
                let w = t.rd_to_wgs84(crate::crs::Rd { x: c.x, y: c.y });
                let r = |v: f64| (v * 1e7).round() / 1e7;
                json!([r(w.lon), r(w.lat)])
            })
            .collect()
    };
    let polys: Vec<Value> = oriented
        .0
        .iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(ring)
                .collect()
        })
        .collect();
    json!({"type": "MultiPolygon", "coordinates": polys})
}

/// An area as an RFC 7946 Feature with the contacts the audience may see.
pub(super) fn area_feature(on: On<'_>, area: &Area, geometry: &Value, audience: Audience) -> Value {
    json!({
        "type": "Feature",
        "id": area.id,
        "geometry": geometry,
        "properties": {
            "id": area.id,
            "name": area.name,
            "layer": area.layer,
            "code": area.code,
            "parents": area.parents,
            "source": area.source_note,
            "contacts": on.contacts_for_area(area, audience),
        }
    })
}
