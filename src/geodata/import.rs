//! `wijkwijzer import`: builds a geodata directory from public sources.
//!
//! Inputs: the CBS buurten (and optionally wijken) as GeoJSON — the generalised cartomap/PDOK
//! extract shipped in `../shared/data`, or a full-resolution CBS/PDOK GeoJSON export, national or
//! per gemeente, RD New or WGS84, with `statcode/statnaam` or `buurtcode/buurtnaam` properties —
//! plus `layers.toml` ([`super::mapping`]) and NSGI's `rdcorr2018` grid (zip or text).
//!
//! Outputs: the `buurt` layer as CBS draws it, `wijk` and every derived layer (LWA, stadsdelen)
//! dissolved from buurten so that all layers share one set of edges and nest exactly, the
//! manifest and the binary correction grid. Output is deterministic: the same inputs give
//! byte-identical files. Existing `roster.toml` and hand-written files are never touched.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use geo::{Area as _, BooleanOps, MultiPolygon, Polygon};
use serde_json::{Value, json};

use super::mapping::Mapping;
use super::{LayerInfo, Manifest};
use crate::crs::{CorrectionGrid, transformer};

/// What to import, and overrides for the source description in `layers.toml`.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub buurten: PathBuf,
    pub wijken: Option<PathBuf>,
    pub grid: PathBuf,
    pub mapping: PathBuf,
    pub out: PathBuf,
    pub source_name: Option<String>,
    pub year: Option<u16>,
    pub generalized: Option<bool>,
}

/// What an import did, for the person running it.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub layers: Vec<(String, usize)>,
    pub files: Vec<PathBuf>,
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    #[error("{path}: feature {feature}: {reason}")]
    Feature {
        path: String,
        feature: String,
        reason: String,
    },
    #[error("the mapping does not match the CBS file:\n  - {}", .0.join("\n  - "))]
    Mapping(Vec<String>),
}

fn file_err(path: &Path, reason: impl ToString) -> ImportError {
    ImportError::File {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// One CBS feature, reprojected to RD New.
#[derive(Debug, Clone)]
struct CbsFeature {
    code: String,
    name: String,
    geometry: MultiPolygon<f64>,
}

#[derive(Clone, Copy, PartialEq)]
enum CbsKind {
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
            CbsKind::Buurt => &["statcode", "buurtcode", "code"],
            CbsKind::Wijk => &["statcode", "wijkcode", "code"],
        }
    }
    fn name_keys(self) -> &'static [&'static str] {
        match self {
            CbsKind::Buurt => &["statnaam", "buurtnaam", "naam"],
            CbsKind::Wijk => &["statnaam", "wijknaam", "naam"],
        }
    }
}

fn read_cbs(
    path: &Path,
    kind: CbsKind,
    gemeente: &str,
) -> Result<(Vec<CbsFeature>, bool), ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_err(path, e))?;
    let fc = geojson::FeatureCollection::try_from(
        text.parse::<geojson::GeoJson>()
            .map_err(|e| file_err(path, format!("not GeoJSON: {e}")))?,
    )
    .map_err(|e| file_err(path, format!("not a FeatureCollection: {e}")))?;
    let declared = fc
        .foreign_members
        .as_ref()
        .and_then(|m| m.get("crs"))
        .and_then(|c| c.pointer("/properties/name"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let wanted_prefix = format!("{}{gemeente}", kind.prefix());
    let mut out = Vec::new();
    let mut generalized_hint = false;
    for (n, f) in fc.features.iter().enumerate() {
        let prop = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| f.property(k).and_then(Value::as_str))
                .map(|s| s.trim().to_string())
        };
        let Some(code) = prop(kind.code_keys()) else {
            return Err(ImportError::Feature {
                path: path.display().to_string(),
                feature: format!("#{n}"),
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
        if f.property("FID")
            .and_then(Value::as_str)
            .is_some_and(|fid| fid.contains("gegeneraliseerd"))
        {
            generalized_hint = true;
        }
        let geometry = f
            .geometry
            .as_ref()
            .ok_or_else(|| feature_err("no geometry".into()))?;
        let mp = super::to_multipolygon(geometry).map_err(feature_err)?;
        // Snapping to the millimetre makes vertices that neighbours share bit-identical again
        // after a reprojection, so dissolving them leaves no slivers.
        let mp = round_mm(&to_rd(mp, declared.as_deref()).map_err(feature_err)?);
        out.push(CbsFeature {
            code,
            name,
            geometry: mp,
        });
    }
    if out.is_empty() {
        return Err(file_err(
            path,
            format!("no features with a code starting with {wanted_prefix}"),
        ));
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok((out, generalized_hint))
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

fn read_grid(path: &Path) -> Result<CorrectionGrid, ImportError> {
    let text = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        let file = std::fs::File::open(path).map_err(|e| file_err(path, e))?;
        let mut archive = zip::ZipArchive::new(file).map_err(|e| file_err(path, e))?;
        let name = archive
            .file_names()
            .filter_map(Result::ok)
            .find(|n| n.ends_with("rdcorr2018.txt") && !n.starts_with("__MACOSX"))
            .map(|n| n.to_string())
            .ok_or_else(|| file_err(path, "archive has no rdcorr2018.txt"))?;
        let mut text = String::new();
        archive
            .by_name(&name)
            .map_err(|e| file_err(path, e))?
            .read_to_string(&mut text)
            .map_err(|e| file_err(path, e))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| file_err(path, e))?
    };
    CorrectionGrid::from_nsgi_text(&text).map_err(|e| file_err(path, e))
}

/// Runs the import; see the module documentation.
pub fn run(opts: &ImportOptions) -> Result<ImportReport, ImportError> {
    let mapping_text =
        std::fs::read_to_string(&opts.mapping).map_err(|e| file_err(&opts.mapping, e))?;
    let mapping = Mapping::parse(&mapping_text).map_err(|e| file_err(&opts.mapping, e))?;
    let mut problems = mapping.check();
    let (buurten, generalized_hint) =
        read_cbs(&opts.buurten, CbsKind::Buurt, &mapping.gemeente_code)?;
    let cbs_wijken = match &opts.wijken {
        Some(p) => read_cbs(p, CbsKind::Wijk, &mapping.gemeente_code)?.0,
        None => Vec::new(),
    };
    let grid = read_grid(&opts.grid)?;

    for b in &buurten {
        match mapping.buurten.get(&b.code) {
            None => problems.push(format!(
                "CBS buurt {} ({}) is not in the mapping",
                b.code, b.name
            )),
            Some(e) if e.name != b.name => problems.push(format!(
                "buurt {}: mapping says '{}', CBS says '{}' (different CBS year?)",
                b.code, e.name, b.name
            )),
            Some(_) => {}
        }
    }
    for code in mapping.buurten.keys() {
        if !buurten.iter().any(|b| &b.code == code) {
            problems.push(format!(
                "mapping names buurt {code}, which the CBS file does not have"
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Mapping(problems));
    }

    let mut out = Outputs::default();
    let mut source = mapping.source.clone();
    if let Some(n) = &opts.source_name {
        source.name = n.clone();
    }
    if let Some(y) = opts.year {
        source.year = y;
    }
    source.generalized = opts
        .generalized
        .unwrap_or(source.generalized || generalized_hint);
    if generalized_hint && opts.generalized == Some(false) {
        out.report.notes.push(
            "the CBS file's FID says 'gegeneraliseerd' but --generalized false was given".into(),
        );
    }

    let wijk_of = |code: &str| format!("WK{}", &code[2..8]);

    // Derived layers first (coverage layer leads the manifest), then wijk, then buurt.
    for layer in &mapping.layers {
        let mut features = Vec::new();
        for area in &layer.areas {
            let members: Vec<&CbsFeature> = buurten
                .iter()
                .filter(|b| mapping.buurten[&b.code].memberships[&layer.id].area == area.id)
                .collect();
            let geometry = dissolve(members.iter().map(|b| &b.geometry));
            let holes: usize = geometry.0.iter().map(|p| p.interiors().len()).sum();
            if geometry.0.len() > 1 || holes > 0 {
                out.report.notes.push(format!(
                    "{} '{}': {} part(s), {} hole(s) after dissolving its buurten",
                    layer.id,
                    area.name,
                    geometry.0.len(),
                    holes
                ));
            }
            features.push(feature_json(FeatureOut {
                id: &area.id,
                name: &area.name,
                layer: &layer.id,
                code: None,
                parents: BTreeMap::new(),
                source: None,
                members: Some(members.iter().map(|b| b.code.as_str()).collect()),
                geometry: &geometry,
            }));
        }
        out.add_layer(&layer.id, &layer.title, &layer.description, features);
    }

    let mut wijk_codes: Vec<String> = buurten.iter().map(|b| wijk_of(&b.code)).collect();
    wijk_codes.dedup();
    let mut features = Vec::new();
    for wk in &wijk_codes {
        let members: Vec<&CbsFeature> =
            buurten.iter().filter(|b| &wijk_of(&b.code) == wk).collect();
        let geometry = dissolve(members.iter().map(|b| &b.geometry));
        let cbs = cbs_wijken.iter().find(|w| &w.code == wk);
        let name = cbs
            .map(|w| w.name.clone())
            .unwrap_or_else(|| format!("Wijk {}", &wk[6..8]));
        if let Some(cbs) = cbs {
            let diff = cbs.geometry.xor(&geometry).unsigned_area();
            out.report.notes.push(format!(
                "wijk {wk}: dissolved from its buurten; differs from the CBS wijk polygon by {:.2} km²",
                diff / 1e6
            ));
        }
        let mut parents = BTreeMap::new();
        for layer in &mapping.layers {
            let areas: Vec<&str> = members
                .iter()
                .map(|b| {
                    mapping.buurten[&b.code].memberships[&layer.id]
                        .area
                        .as_str()
                })
                .collect();
            if areas.iter().all(|a| *a == areas[0]) {
                parents.insert(layer.id.clone(), areas[0].to_string());
            }
        }
        features.push(feature_json(FeatureOut {
            id: wk,
            name: &name,
            layer: "wijk",
            code: Some(wk),
            parents,
            source: None,
            members: Some(members.iter().map(|b| b.code.as_str()).collect()),
            geometry: &geometry,
        }));
    }
    out.add_layer("wijk",
        &format!("CBS-wijken {}", source.year),
        "CBS wijkcode (WK + gemeente + wijk); geometry dissolved from its buurten; parent LWA only where the whole wijk lies in one",
        features,
    );

    let mut features = Vec::new();
    for b in &buurten {
        let entry = &mapping.buurten[&b.code];
        let mut parents: BTreeMap<String, String> = entry
            .memberships
            .iter()
            .map(|(l, m)| (l.clone(), m.area.clone()))
            .collect();
        parents.insert("wijk".into(), wijk_of(&b.code));
        let note = entry
            .memberships
            .iter()
            .map(|(l, m)| {
                format!(
                    "{l}: {}{}",
                    m.source,
                    if m.inferred { " (afgeleid)" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        features.push(feature_json(FeatureOut {
            id: &b.code,
            name: &b.name,
            layer: "buurt",
            code: Some(&b.code),
            parents,
            source: Some(note),
            members: None,
            geometry: &b.geometry,
        }));
    }
    out.add_layer(
        "buurt",
        &format!("CBS-buurten {}", source.year),
        "CBS buurtcode (BU + gemeente + wijk + buurt), geometry as CBS draws it",
        features,
    );

    // Coverage first, then the CBS hierarchy, then the other schemes.
    let rank = |id: &str| match id {
        _ if id == mapping.coverage_layer => 0,
        "wijk" => 1,
        "buurt" => 2,
        _ => 3,
    };
    out.infos.sort_by_key(|i| rank(&i.id));
    let manifest = Manifest {
        format: 1,
        coverage_name: mapping.coverage_name.clone(),
        coverage_layer: mapping.coverage_layer.clone(),
        base_layer: "buurt".into(),
        source,
        layers: out.infos,
    };
    let manifest_text = format!(
        "# Generated by `wijkwijzer import` from layers.toml and the CBS files; do not edit by hand.\n{}",
        toml::to_string(&manifest).map_err(|e| file_err(&opts.out, e))?
    );
    out.files.insert("manifest.toml".into(), manifest_text);

    std::fs::create_dir_all(&opts.out).map_err(|e| file_err(&opts.out, e))?;
    let mut report = out.report;
    for (name, content) in &out.files {
        let path = opts.out.join(name);
        std::fs::write(&path, content).map_err(|e| file_err(&path, e))?;
        report.files.push(path);
    }
    let grid_path = opts.out.join("rdcorr2018.bin");
    std::fs::write(&grid_path, grid.to_bytes()).map_err(|e| file_err(&grid_path, e))?;
    report.files.push(grid_path);
    Ok(report)
}

/// What the import is writing: file contents by name, the manifest's layer list, the report.
#[derive(Default)]
struct Outputs {
    files: BTreeMap<String, String>,
    infos: Vec<LayerInfo>,
    report: ImportReport,
}

impl Outputs {
    fn add_layer(&mut self, id: &str, title: &str, description: &str, mut features: Vec<Value>) {
        features.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        let file = format!("{id}.geojson");
        let mut text = format!(
            "{{\"type\":\"FeatureCollection\",\"name\":{},\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::28992\"}}}},\"features\":[\n",
            Value::from(id)
        );
        for (i, f) in features.iter().enumerate() {
            text.push_str(&f.to_string());
            text.push_str(if i + 1 < features.len() { ",\n" } else { "\n" });
        }
        text.push_str("]}\n");
        self.report.layers.push((id.to_string(), features.len()));
        self.files.insert(file.clone(), text);
        self.infos.push(LayerInfo {
            id: id.to_string(),
            title: title.to_string(),
            file,
            description: description.to_string(),
        });
    }
}

/// Gaps between neighbouring buurten smaller than this are slivers of the source's
/// digitising, not real holes, and are closed when dissolving.
const SLIVER_M2: f64 = 10.0;

/// Unions polygons, closes sliver holes and rounds to millimetres so that output is stable.
fn dissolve<'a>(parts: impl Iterator<Item = &'a MultiPolygon<f64>>) -> MultiPolygon<f64> {
    let polys: Vec<Polygon<f64>> = parts.flat_map(|mp| mp.0.iter().cloned()).collect();
    let mut union = MultiPolygon::<f64>(Vec::new());
    for p in &polys {
        union = union.union(p);
    }
    let cleaned = union
        .0
        .into_iter()
        .filter(|p| p.unsigned_area() > SLIVER_M2)
        .map(|p| {
            let (shell, holes) = p.into_inner();
            let holes = holes
                .into_iter()
                .filter(|h| Polygon::new(h.clone(), vec![]).unsigned_area() > SLIVER_M2)
                .collect();
            Polygon::new(shell, holes)
        })
        .collect();
    round_mm(&MultiPolygon(cleaned))
}

fn round_mm(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::MapCoords;
    mp.map_coords(
        |c| geo::coord! { x: (c.x * 1000.0).round() / 1000.0, y: (c.y * 1000.0).round() / 1000.0 },
    )
}

fn num(v: f64) -> Value {
    let r = (v * 1000.0).round() / 1000.0;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        Value::from(r as i64)
    } else {
        Value::from(r)
    }
}

fn ring_json(ring: &geo::LineString<f64>) -> Value {
    Value::Array(ring.0.iter().map(|c| json!([num(c.x), num(c.y)])).collect())
}

fn polygon_json(p: &Polygon<f64>) -> Value {
    Value::Array(
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(ring_json)
            .collect(),
    )
}

/// One output feature of a layer file.
struct FeatureOut<'a> {
    id: &'a str,
    name: &'a str,
    layer: &'a str,
    code: Option<&'a str>,
    parents: BTreeMap<String, String>,
    source: Option<String>,
    /// The buurten a dissolved area is made of.
    members: Option<Vec<&'a str>>,
    geometry: &'a MultiPolygon<f64>,
}

fn feature_json(f: FeatureOut<'_>) -> Value {
    let FeatureOut {
        id,
        name,
        layer,
        code,
        parents,
        source,
        members,
        geometry,
    } = f;
    let geometry = if geometry.0.len() == 1 {
        json!({"type": "Polygon", "coordinates": polygon_json(&geometry.0[0])})
    } else {
        json!({"type": "MultiPolygon", "coordinates": geometry.0.iter().map(polygon_json).collect::<Vec<_>>()})
    };
    let mut props = serde_json::Map::new();
    props.insert("id".into(), id.into());
    props.insert("name".into(), name.into());
    props.insert("layer".into(), layer.into());
    if let Some(c) = code {
        props.insert("code".into(), c.into());
    }
    if !parents.is_empty() {
        props.insert("parents".into(), json!(parents));
    }
    if let Some(s) = source {
        props.insert("source".into(), s.into());
    }
    if let Some(m) = members {
        props.insert("members".into(), json!(m));
    }
    json!({"type": "Feature", "id": id, "properties": props, "geometry": geometry})
}
