//! Reading CBS wijken and buurten in the formats CBS and PDOK publish them: GeoJSON (the
//! generalised extract, a full-resolution export, or what `wijkwijzer download buurten` wrote)
//! and the *Wijk- en buurtkaart* GeoPackage.
//!
//! Only the code, the name, the wijk name (where the source has it), `water` and the geometry
//! are read; every other column is tolerated, because CBS renames and adds columns every year
//! (`jrstatcode` vs `jaarstatcode`, ~240 statistics). Water buurten (`water = JA`) and CBS's
//! pseudo-buurten outside the country (`water = B`, "Buitenland") are left out. Geometry ends up
//! in RD New, millimetre-rounded so that vertices that neighbours share stay bit-identical.
//!
//! A GeoPackage is read with SQLite itself: the feature table is found in `gpkg_contents`, its
//! geometry column and CRS in `gpkg_geometry_columns` / `gpkg_spatial_ref_sys`, and each value
//! is the GeoPackage binary header followed by WKB (decoded by the `wkb` crate).

use std::path::Path;

use geo::MultiPolygon;
use serde_json::Value;

use super::SourceInfo;
use super::error::{ImportError, file_err};
use crate::crs::transformer;

/// One CBS feature, in RD New.
#[derive(Debug, Clone)]
pub struct CbsFeature {
    pub code: String,
    pub name: String,
    /// The wijk's name where the buurt record carries it (a download joins it in).
    pub wijk_name: Option<String>,
    pub geometry: MultiPolygon<f64>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CbsKind {
    Buurt,
    Wijk,
}

impl CbsKind {
    fn prefix(self) -> &'static str {
        match self {
            CbsKind::Buurt => "BU",
            CbsKind::Wijk => "WK",
        }
    }
    fn code_keys(self) -> &'static [&'static str] {
        match self {
            CbsKind::Buurt => &["buurtcode", "statcode", "code"],
            CbsKind::Wijk => &["wijkcode", "statcode", "code"],
        }
    }
    fn name_keys(self) -> &'static [&'static str] {
        match self {
            CbsKind::Buurt => &["buurtnaam", "statnaam", "naam"],
            CbsKind::Wijk => &["wijknaam", "statnaam", "naam"],
        }
    }
    /// Table names a GeoPackage uses for this kind, best first.
    #[cfg(feature = "geopackage")]
    fn table_hint(self) -> &'static str {
        match self {
            CbsKind::Buurt => "buurt",
            CbsKind::Wijk => "wijk",
        }
    }
}

/// What a CBS file held for one gemeente.
#[derive(Debug, Clone, Default)]
pub struct CbsRead {
    pub features: Vec<CbsFeature>,
    /// The file says it is generalised (the cartomap/PDOK FID says `gegeneraliseerd`).
    pub generalized_hint: bool,
    /// The CBS year, from `jrstatcode`/`jaarstatcode`/`jaar` where the file has them.
    pub year: Option<u16>,
    /// A source description the file carries (a GeoPackage's name, a download's provenance).
    pub source: Option<SourceInfo>,
    /// Features left out on purpose (water, outside the country), for the report.
    pub left_out: Vec<String>,
}

/// True when the file is a GeoPackage (an SQLite database), judged by its first bytes.
pub fn is_geopackage(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}

/// Reads the features of `kind` of gemeente `gemeente` (4 digits) from a GeoJSON file or a
/// GeoPackage (`layer` picks the table; by default the one named like the kind).
pub fn read(
    path: &Path,
    kind: CbsKind,
    gemeente: &str,
    layer: Option<&str>,
) -> Result<CbsRead, ImportError> {
    let raw = read_raw(path, kind, layer)?;
    select(path, kind, gemeente, raw)
}

/// The gemeenten whose buurten a CBS file holds: the four digits of each code, with the
/// gemeente's name where the file carries one (`gemeentenaam`, as CBS and PDOK write it).
pub fn gemeenten(
    path: &Path,
    layer: Option<&str>,
) -> Result<std::collections::BTreeMap<String, Option<String>>, ImportError> {
    let raw = read_raw(path, CbsKind::Buurt, layer)?;
    let mut out = std::collections::BTreeMap::new();
    for f in &raw.features {
        let text = |keys: &[&str]| {
            keys.iter().find_map(|k| match f.props.get(*k) {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
                _ => None,
            })
        };
        let Some(code) = text(CbsKind::Buurt.code_keys()) else {
            continue;
        };
        let Some(digits) = code.strip_prefix("BU").and_then(|c| c.get(..4)) else {
            continue;
        };
        let name = text(&["gemeentenaam", "gm_naam", "gemeente_naam"]);
        let entry = out.entry(digits.to_string()).or_insert(None);
        if entry.is_none() {
            *entry = name;
        }
    }
    Ok(out)
}

fn read_raw(path: &Path, kind: CbsKind, layer: Option<&str>) -> Result<RawFile, ImportError> {
    #[cfg(not(feature = "geopackage"))]
    let _ = kind;
    Ok(if is_geopackage(path) {
        #[cfg(feature = "geopackage")]
        {
            gpkg::read(path, kind, layer)?
        }
        #[cfg(not(feature = "geopackage"))]
        {
            return Err(file_err(
                path,
                "this build reads no GeoPackage (built without the `geopackage` feature); convert it to GeoJSON or use a default build",
            ));
        }
    } else {
        if let Some(l) = layer {
            return Err(file_err(
                path,
                format!("--layer {l} applies to a GeoPackage; this file is not one"),
            ));
        }
        read_geojson(path)?
    })
}

/// A record as read from any format, before the gemeente is picked.
struct RawFeature {
    props: serde_json::Map<String, Value>,
    /// The feature's place in the file, for messages.
    label: String,
    geometry: Option<Result<MultiPolygon<f64>, String>>,
}

struct RawFile {
    features: Vec<RawFeature>,
    /// The declared CRS (a name with an EPSG code or CRS84), if any.
    crs: Option<String>,
    source: Option<SourceInfo>,
}

fn read_geojson(path: &Path) -> Result<RawFile, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_err(path, e))?;
    let fc = geojson::FeatureCollection::try_from(
        text.parse::<geojson::GeoJson>()
            .map_err(|e| file_err(path, format!("not GeoJSON: {e}")))?,
    )
    .map_err(|e| file_err(path, format!("not a FeatureCollection: {e}")))?;
    let members = fc.foreign_members.as_ref();
    let crs = members
        .and_then(|m| m.get("crs"))
        .and_then(|c| c.pointer("/properties/name"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let source = match members.and_then(|m| m.get("wijkwijzer_source")) {
        Some(v) => Some(
            serde_json::from_value::<SourceInfo>(v.clone())
                .map_err(|e| file_err(path, format!("wijkwijzer_source: {e}")))?,
        ),
        None => None,
    };
    let features = fc
        .features
        .into_iter()
        .enumerate()
        .map(|(n, f)| RawFeature {
            label: format!("#{n}"),
            geometry: f.geometry.as_ref().map(super::to_multipolygon),
            props: f.properties.unwrap_or_default(),
        })
        .collect();
    Ok(RawFile {
        features,
        crs,
        source,
    })
}

/// Keeps the gemeente's features of the wanted kind, in RD New, sorted by code.
fn select(
    path: &Path,
    kind: CbsKind,
    gemeente: &str,
    raw: RawFile,
) -> Result<CbsRead, ImportError> {
    let wanted_prefix = format!("{}{gemeente}", kind.prefix());
    let mut out = CbsRead {
        source: raw.source,
        ..CbsRead::default()
    };
    for f in raw.features {
        let prop = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| match f.props.get(*k) {
                    Some(Value::String(s)) => Some(s.trim().to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty())
        };
        let Some(code) = prop(kind.code_keys()) else {
            return Err(ImportError::Feature {
                path: path.display().to_string(),
                feature: f.label,
                reason: format!(
                    "no code property (looked for {})",
                    kind.code_keys().join(", ")
                ),
            });
        };
        if !code.starts_with(&wanted_prefix) {
            continue;
        }
        let feature_err = |reason: String| ImportError::Feature {
            path: path.display().to_string(),
            feature: code.clone(),
            reason,
        };
        let name = prop(kind.name_keys()).ok_or_else(|| {
            feature_err(format!(
                "no name property ({})",
                kind.name_keys().join(", ")
            ))
        })?;
        let water = prop(&["water"]).unwrap_or_default().to_ascii_uppercase();
        if water == "JA" || water == "B" || name.eq_ignore_ascii_case("buitenland") {
            out.left_out.push(format!(
                "{code} {name}: left out ({})",
                if water == "JA" {
                    "water"
                } else {
                    "outside the country"
                }
            ));
            continue;
        }
        if prop(&["FID"]).is_some_and(|fid| fid.contains("gegeneraliseerd")) {
            out.generalized_hint = true;
        }
        if out.year.is_none() {
            out.year = prop(&["jrstatcode", "jaarstatcode"])
                .and_then(|s| s.get(..4).and_then(|y| y.parse().ok()))
                .or_else(|| match f.props.get("jaar") {
                    Some(Value::Number(n)) => n.as_u64().and_then(|y| u16::try_from(y).ok()),
                    Some(Value::String(s)) => s.trim().parse().ok(),
                    _ => None,
                });
        }
        let geometry = f
            .geometry
            .ok_or_else(|| feature_err("no geometry".into()))?
            .map_err(feature_err)?;
        let geometry = round_mm(&to_rd(geometry, raw.crs.as_deref()).map_err(feature_err)?);
        out.features.push(CbsFeature {
            wijk_name: match kind {
                CbsKind::Buurt => prop(&["wijknaam"]),
                CbsKind::Wijk => None,
            },
            code,
            name,
            geometry,
        });
    }
    if out.features.is_empty() {
        return Err(file_err(
            path,
            format!("no features with a code starting with {wanted_prefix}"),
        ));
    }
    out.features.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

/// Brings a geometry into RD New: trusts a declared CRS, otherwise RFC 7946 (WGS84) when every
/// coordinate is in degree range and RD when none is.
fn to_rd(mp: MultiPolygon<f64>, declared: Option<&str>) -> Result<MultiPolygon<f64>, String> {
    use geo::{CoordsIter, MapCoords};
    let is_wgs84 = match declared {
        Some(name) if name.contains("28992") => false,
        Some(name) if name.contains("4326") || name.contains("CRS84") || name.contains("4258") => {
            true
        }
        Some(name) => return Err(format!("unsupported CRS '{name}': use EPSG:28992 or WGS84")),
        None => mp
            .coords_iter()
            .all(|c| c.x.abs() <= 180.0 && c.y.abs() <= 90.0),
    };
    if !is_wgs84 {
        return Ok(mp);
    }
    let t = transformer();
    Ok(mp.map_coords(|c| {
        let rd = t.wgs84_to_rd(crate::crs::Wgs84 { lat: c.y, lon: c.x });
        geo::coord! { x: rd.x, y: rd.y }
    }))
}

pub(crate) fn round_mm(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::MapCoords;
    mp.map_coords(
        |c| geo::coord! { x: (c.x * 1000.0).round() / 1000.0, y: (c.y * 1000.0).round() / 1000.0 },
    )
}

/// The GeoPackage side: SQLite tables and the GeoPackage geometry encoding.
#[cfg(feature = "geopackage")]
mod gpkg {
    use super::*;
    use rusqlite::{Connection, OpenFlags, types::ValueRef};

    pub(super) fn read(
        path: &Path,
        kind: CbsKind,
        layer: Option<&str>,
    ) -> Result<RawFile, ImportError> {
        let err = |e: rusqlite::Error| file_err(path, format!("GeoPackage: {e}"));
        let db = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(err)?;
        let tables = feature_tables(&db).map_err(err)?;
        if tables.is_empty() {
            return Err(file_err(
                path,
                "GeoPackage has no feature tables (gpkg_contents lists none with data_type 'features')",
            ));
        }
        let table = pick_table(&tables, kind, layer).ok_or_else(|| {
            file_err(
                path,
                match layer {
                    Some(l) => format!(
                        "GeoPackage has no feature table '{l}'; it has: {}",
                        tables.join(", ")
                    ),
                    None => format!(
                        "GeoPackage has no feature table for {}en; it has: {} (choose one with --layer)",
                        kind.table_hint(),
                        tables.join(", ")
                    ),
                },
            )
        })?;
        let (column, srs) = db
            .query_row(
                "SELECT c.column_name, s.organization, s.organization_coordsys_id
                 FROM gpkg_geometry_columns c
                 LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = c.srs_id
                 WHERE lower(c.table_name) = lower(?1)",
                [&table],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        (
                            r.get::<_, Option<String>>(1)?,
                            r.get::<_, Option<i64>>(2)?,
                        ),
                    ))
                },
            )
            .map_err(|e| {
                file_err(
                    path,
                    format!("GeoPackage: no geometry column for table '{table}' in gpkg_geometry_columns ({e})"),
                )
            })?;
        let crs = match srs {
            (Some(org), Some(id)) if org.eq_ignore_ascii_case("epsg") => Some(format!("EPSG:{id}")),
            _ => None,
        };
        let columns = table_columns(&db, &table).map_err(err)?;
        let wanted: Vec<&String> = columns
            .iter()
            .filter(|c| {
                let c = c.to_ascii_lowercase();
                [
                    "buurtcode",
                    "buurtnaam",
                    "wijkcode",
                    "wijknaam",
                    "statcode",
                    "statnaam",
                    "code",
                    "naam",
                    "water",
                    "jrstatcode",
                    "jaarstatcode",
                    "jaar",
                    "fid",
                    "gemeentenaam",
                ]
                .contains(&c.as_str())
            })
            .collect();
        let select = wanted
            .iter()
            .map(|c| quote(c))
            .chain(std::iter::once(quote(&column)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT {select} FROM {}", quote(&table));
        let mut stmt = db.prepare(&sql).map_err(err)?;
        let mut rows = stmt.query([]).map_err(err)?;
        let mut features = Vec::new();
        let mut n = 0usize;
        while let Some(row) = rows.next().map_err(err)? {
            let mut props = serde_json::Map::new();
            for (i, c) in wanted.iter().enumerate() {
                let v = match row.get_ref(i).map_err(err)? {
                    ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Integer(i) => Value::from(i),
                    ValueRef::Real(f) => Value::from(f),
                    _ => Value::Null,
                };
                props.insert(c.to_ascii_lowercase(), v);
            }
            let geometry = match row.get_ref(wanted.len()).map_err(err)? {
                ValueRef::Blob(b) => Some(decode(b)),
                ValueRef::Null => None,
                _ => Some(Err(
                    "the geometry column holds no GeoPackage geometry blob".into()
                )),
            };
            features.push(RawFeature {
                props,
                label: format!("{table} row {}", n + 1),
                geometry,
            });
            n += 1;
        }
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(RawFile {
            features,
            crs,
            source: Some(SourceInfo {
                name: format!("CBS Wijk- en buurtkaart ({file}, layer {table})"),
                year: 0,
                generalized: false,
                accuracy_m: None,
                attribution: "Bron: CBS/Kadaster".into(),
                licence: "CC BY 4.0".into(),
            }),
        })
    }

    fn quote(name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    fn feature_tables(db: &Connection) -> rusqlite::Result<Vec<String>> {
        let mut stmt = db.prepare(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
        )?;
        stmt.query_map([], |r| r.get::<_, String>(0))?.collect()
    }

    fn table_columns(db: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
        let mut stmt = db.prepare(&format!("PRAGMA table_info({})", quote(table)))?;
        stmt.query_map([], |r| r.get::<_, String>(1))?.collect()
    }

    /// The table to read: the one named, else the one named like the kind (`buurten` before
    /// `buurten_extra`), else the only one.
    pub(super) fn pick_table(
        tables: &[String],
        kind: CbsKind,
        layer: Option<&str>,
    ) -> Option<String> {
        if let Some(l) = layer {
            return tables.iter().find(|t| t.eq_ignore_ascii_case(l)).cloned();
        }
        let hint = kind.table_hint();
        let mut named: Vec<&String> = tables
            .iter()
            .filter(|t| t.to_ascii_lowercase().contains(hint))
            .collect();
        named.sort_by_key(|t| t.len());
        named
            .first()
            .map(|t| t.to_string())
            .or_else(|| (tables.len() == 1 && kind == CbsKind::Buurt).then(|| tables[0].clone()))
    }

    /// Decodes a GeoPackage geometry blob (header, optional envelope, WKB) to a MultiPolygon.
    pub(super) fn decode(blob: &[u8]) -> Result<MultiPolygon<f64>, String> {
        use geo_traits::to_geo::ToGeoGeometry;
        if blob.len() < 8 || &blob[..2] != b"GP" {
            return Err("geometry is not a GeoPackage binary (no 'GP' header)".into());
        }
        let flags = blob[3];
        if flags & 0b0010_0000 != 0 {
            return Err("extended GeoPackage geometry types are not supported".into());
        }
        if flags & 0b0001_0000 != 0 {
            return Err("the geometry is empty".into());
        }
        let envelope = match (flags >> 1) & 0b111 {
            0 => 0,
            1 => 32,
            2 | 3 => 48,
            4 => 64,
            e => {
                return Err(format!(
                    "invalid envelope indicator {e} in the GeoPackage header"
                ));
            }
        };
        let start = 8 + envelope;
        let wkb = blob
            .get(start..)
            .ok_or("the GeoPackage header is longer than the blob")?;
        let parsed = wkb::reader::read_wkb(wkb).map_err(|e| format!("invalid WKB: {e}"))?;
        match parsed.try_to_geometry() {
            Some(geo::Geometry::Polygon(p)) => Ok(MultiPolygon(vec![p])),
            Some(geo::Geometry::MultiPolygon(mp)) => Ok(mp),
            Some(other) => Err(format!(
                "geometry must be a Polygon or MultiPolygon, found {}",
                geometry_name(&other)
            )),
            None => Err("the geometry is empty".into()),
        }
    }

    fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
        match g {
            geo::Geometry::Point(_) => "Point",
            geo::Geometry::Line(_) | geo::Geometry::LineString(_) => "LineString",
            geo::Geometry::MultiPoint(_) => "MultiPoint",
            geo::Geometry::MultiLineString(_) => "MultiLineString",
            geo::Geometry::GeometryCollection(_) => "GeometryCollection",
            _ => "another type",
        }
    }
}
