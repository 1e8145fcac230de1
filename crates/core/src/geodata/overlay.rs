//! Overlays: polygons the municipality draws where responsibility does not follow the areas
//! (an event terrain, a park, the station square), read from `overlays.geojson`.
//!
//! An overlay has an `id`, a `name`, optionally a validity period, and a geometry in WGS84
//! (RFC 7946, the default) or RD New (a `crs` member naming EPSG:28992, as the layer files
//! have). A roster assignment's `scope` names an overlay by its id as it names an area; a place
//! inside an overlay on a day it holds gets that overlay's contacts first. One id may be drawn
//! more than once for periods that do not overlap (the terrain of this year's and next year's
//! event), as a layer has generations.

use geo::{BoundingRect, Intersects, MultiPolygon, Rect};
use jiff::civil::Date;

use super::{Area, Problem, to_multipolygon};
use crate::crs::{Crs, Rd, Wgs84};

/// The file an overlay set is read from, in the geodata directory.
pub const FILE: &str = "overlays.geojson";

/// The id of the pseudo-layer overlays are named with (in `why` and area references).
pub const LAYER: &str = "overlay";

/// One drawn overlay, its geometry in RD New.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// `id`, `name`, geometry (RD New) and source note, as an area of the `overlay` layer.
    pub area: Area,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    pub bbox: Rect<f64>,
}

impl Overlay {
    /// Whether the overlay holds on `day` (both ends included).
    pub fn holds_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_until.is_none_or(|u| day <= u)
    }

    /// Whether the point lies in the overlay (its boundary included).
    pub fn contains(&self, p: Rd) -> bool {
        let pt = geo::Point::new(p.x, p.y);
        self.bbox.intersects(&pt) && self.area.geometry.intersects(&pt)
    }
}

/// Reads `overlays.geojson`; every problem names the feature and what to fix.
pub fn parse(text: &str) -> Result<Vec<Overlay>, Vec<Problem>> {
    let fc: geojson::FeatureCollection = text
        .parse::<geojson::GeoJson>()
        .map_err(|e| format!("not GeoJSON: {e}"))
        .and_then(|g| {
            geojson::FeatureCollection::try_from(g)
                .map_err(|e| format!("not a FeatureCollection: {e}"))
        })
        .map_err(|reason| vec![Problem::new(FILE, None, reason)])?;
    let crs = match named_crs(&fc) {
        Ok(c) => c,
        Err(reason) => return Err(vec![Problem::new(FILE, None, reason)]),
    };
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (n, feature) in fc.features.iter().enumerate() {
        let label = feature
            .property("id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{n}"));
        match parse_feature(feature, crs) {
            Ok(o) => out.push(o),
            Err(reason) => problems.push(Problem::new(FILE, Some(&label), reason)),
        }
    }
    // The same id twice must be two periods of one overlay, one after the other.
    out.sort_by(|a, b| (&a.area.id, a.valid_from).cmp(&(&b.area.id, b.valid_from)));
    for pair in out.windows(2) {
        let [a, b] = pair else { continue };
        if a.area.id == b.area.id
            && a.valid_until
                .is_none_or(|u| b.valid_from.is_none_or(|f| f <= u))
        {
            problems.push(Problem::new(
                FILE,
                Some(&a.area.id),
                "drawn twice for overlapping periods: give each drawing a valid_from and valid_until that do not overlap",
            ));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The CRS the file's coordinates are in: WGS84 unless a `crs` member names RD New.
fn named_crs(fc: &geojson::FeatureCollection) -> Result<Crs, String> {
    let Some(name) = fc
        .foreign_members
        .as_ref()
        .and_then(|m| m.get("crs"))
        .map(|c| c.pointer("/properties/name").and_then(|n| n.as_str()))
    else {
        return Ok(Crs::Wgs84);
    };
    let name = name.ok_or(
        "'crs' has no properties.name: name EPSG:28992 or leave 'crs' out for WGS84 (RFC 7946)",
    )?;
    match Crs::parse(name) {
        Ok(c @ (Crs::Wgs84 | Crs::RdNew)) => Ok(c),
        _ => Err(format!(
            "crs '{name}' is not read here: give coordinates in WGS84 (no 'crs' member, RFC 7946) or in RD New (urn:ogc:def:crs:EPSG::28992)"
        )),
    }
}

fn parse_feature(feature: &geojson::Feature, crs: Crs) -> Result<Overlay, String> {
    let prop = |key: &str| -> Result<Option<String>, String> {
        match feature.property(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(_) => Err(format!("property '{key}' must be a string")),
        }
    };
    let id = prop("id")?.ok_or("property 'id' (string) is missing")?;
    let name = prop("name")?.ok_or("property 'name' (string) is missing")?;
    if id.is_empty() || name.is_empty() {
        return Err("'id' and 'name' must not be empty".into());
    }
    if id.eq_ignore_ascii_case("city") {
        return Err(
            "'city' is the roster's word for the whole municipality: choose another id".into(),
        );
    }
    let day = |key: &str| -> Result<Option<Date>, String> {
        prop(key)?
            .map(|t| {
                t.parse::<Date>()
                    .map_err(|_| format!("{key} '{t}' is not a date: write YYYY-MM-DD"))
            })
            .transpose()
    };
    let (valid_from, valid_until) = (day("valid_from")?, day("valid_until")?);
    if let (Some(f), Some(u)) = (valid_from, valid_until)
        && u < f
    {
        return Err("valid_until is before valid_from".into());
    }
    let mut geometry =
        to_multipolygon(feature.geometry.as_ref().ok_or("feature has no geometry")?)?;
    to_rd(&mut geometry, crs)?;
    let bbox = geometry.bounding_rect().ok_or("geometry is empty")?;
    Ok(Overlay {
        area: Area {
            id,
            name,
            layer: LAYER.to_string(),
            code: None,
            parents: Default::default(),
            source_note: prop("source")?,
            geometry,
        },
        valid_from,
        valid_until,
        bbox,
    })
}

/// Brings the coordinates to RD New, refusing any that are not numbers of the declared CRS
/// (degrees given as RD, or RD given as degrees, are the usual mistakes).
fn to_rd(mp: &mut MultiPolygon<f64>, crs: Crs) -> Result<(), String> {
    use geo::{CoordsIter, MapCoordsInPlace};
    let fits = |c: &geo::Coord<f64>| match crs {
        Crs::RdNew => {
            (-7_000.0..=300_000.0).contains(&c.x) && (289_000.0..=629_000.0).contains(&c.y)
        }
        _ => (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y),
    };
    if let Some(c) = mp.coords_iter().find(|c| !fits(c)) {
        let (x, y) = (c.x, c.y);
        return Err(match crs {
            Crs::RdNew => format!(
                "coordinate ({x}, {y}) is outside RD New (EPSG:28992), as the 'crs' member says the file is"
            ),
            _ => format!(
                "coordinate ({x}, {y}) is not longitude, latitude in degrees (RFC 7946); a file in RD metres needs a 'crs' member naming urn:ogc:def:crs:EPSG::28992"
            ),
        });
    }
    if crs != Crs::RdNew {
        let t = crate::crs::transformer();
        mp.map_coords_in_place(|c| {
            let rd = t.wgs84_to_rd(Wgs84 { lat: c.y, lon: c.x });
            geo::coord! { x: rd.x, y: rd.y }
        });
    }
    Ok(())
}
