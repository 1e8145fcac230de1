//! `wijkwijzer import`: builds a geodata directory from public sources.
//!
//! Inputs: the CBS buurten (and optionally wijken) as GeoJSON — the generalised cartomap/PDOK
//! extract kept in `data/sources`, or a full-resolution CBS/PDOK GeoJSON export, national or
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

use geo::{Area as _, BooleanOps, MultiPolygon, Polygon, Validation as _};
use serde_json::{Value, json};

use super::cbs::{self, CbsFeature, CbsKind};
use super::mapping::{AreaTable, Mapping};
use super::{LayerInfo, Manifest};
use crate::crs::CorrectionGrid;

/// What to import, and overrides for the source description in `layers.toml`.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// CBS buurten: GeoJSON or GeoPackage.
    pub buurten: PathBuf,
    /// The GeoPackage table with the buurten (default: the one named like `buurten`).
    pub buurten_layer: Option<String>,
    /// CBS wijken for the wijk names (default: a GeoPackage's own wijken table, else the
    /// buurten's `wijknaam`, else "Wijk NN").
    pub wijken: Option<PathBuf>,
    /// NSGI's grid; `None` uses the copy built into the binary.
    pub grid: Option<PathBuf>,
    /// `layers.toml`; `None` uses the copy built into the binary.
    pub mapping: Option<PathBuf>,
    /// What the OpenStreetMap address file given to [`import_dir`] is (the shipped one's, from
    /// `layers.toml`); `None`: a plain description naming the file.
    pub osm_source: Option<crate::address::AddressSourceInfo>,
    /// A municipality without a mapping: its buurten and wijken, and itself as the coverage
    /// ([`Mapping::generic`]). `mapping` is then not read.
    pub generic: Option<Gemeente>,
    /// Where the mapping's earlier generations (relative paths) are read from.
    pub source_dir: PathBuf,
    /// Import the mapping's earlier generations and date the current data by its
    /// `valid_from`. They describe the shipped extract: beside other boundaries (full
    /// resolution, another year) they would move answers at every boundary on earlier days.
    pub generations: bool,
    /// OpenStreetMap POI files (GeoJSON) whose named nodes become `places.csv`; none keeps the
    /// directory's own or the shipped one.
    pub places: Vec<PathBuf>,
    pub out: PathBuf,
    pub source_name: Option<String>,
    /// The source's name when neither the file nor `source_name` gives one (instead of the
    /// mapping's, which describes the extract the project ships).
    pub fallback_name: Option<String>,
    pub attribution: Option<String>,
    pub year: Option<u16>,
    pub generalized: Option<bool>,
}

/// `import --areas FILE --areas-layer ID --areas-title TITLE`: an area table
/// ([`AreaTable`]) to import as a layer of the municipality's own areas, which becomes the
/// coverage layer (see [`Mapping::set_own_areas`]); given to [`import_dir_with_areas`].
#[derive(Debug, Clone)]
pub struct OwnAreas {
    pub table: PathBuf,
    pub layer: String,
    pub title: String,
}

/// A gemeente as CBS numbers it: the four digits of its code, and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gemeente {
    pub code: String,
    pub name: String,
}

/// The mapping shipped with the project, used when no `layers.toml` is given.
pub const EMBEDDED_MAPPING: &str = include_str!("../../../../geodata/layers.toml");

/// What an import did, for the person running it.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub layers: Vec<(String, usize)>,
    pub files: Vec<PathBuf>,
    pub notes: Vec<String>,
}

pub use super::error::ImportError;
use super::error::{file_err, write_err};

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
    Ok(run_mapped(opts, None)?.0)
}

/// [`run`], and the mapping it followed (for a generic import, the one it made).
fn run_mapped(
    opts: &ImportOptions,
    areas: Option<&OwnAreas>,
) -> Result<(ImportReport, Mapping), ImportError> {
    let mut mapping = match (&opts.generic, &opts.mapping) {
        (Some(g), _) => {
            let read = cbs::read(
                &opts.buurten,
                CbsKind::Buurt,
                &g.code,
                opts.buurten_layer.as_deref(),
            )?;
            if read.features.is_empty() {
                return Err(file_err(
                    &opts.buurten,
                    format!("no buurten of gemeente GM{} in this file", g.code),
                ));
            }
            let buurten: Vec<(String, String)> = read
                .features
                .iter()
                .map(|b| (b.code.clone(), b.name.clone()))
                .collect();
            Mapping::generic(&g.code, &g.name, &buurten)
        }
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|e| file_err(path, e))?;
            Mapping::parse(&text).map_err(|e| file_err(path, e))?
        }
        (None, None) => Mapping::parse(EMBEDDED_MAPPING)
            .map_err(|e| file_err(Path::new("layers.toml (built in)"), e))?,
    };
    let read = cbs::read(
        &opts.buurten,
        CbsKind::Buurt,
        &mapping.gemeente_code,
        opts.buurten_layer.as_deref(),
    )?;
    let mut own_note = None;
    if let Some(own) = areas {
        let refused = |problems: Vec<String>| {
            file_err(
                &own.table,
                format!(
                    "the area table was refused, nothing was written:\n  - {}",
                    problems.join("\n  - ")
                ),
            )
        };
        let table = AreaTable::read(&own.table).map_err(refused)?;
        let cbs: Vec<(String, String)> = read
            .features
            .iter()
            .map(|b| (b.code.clone(), b.name.clone()))
            .collect();
        mapping
            .set_own_areas(&own.layer, &own.title, &table, &cbs)
            .map_err(refused)?;
        own_note = Some(format!(
            "{}: {} buurten in {} areas of layer '{}' (read as {}), now the answering layer",
            table.file,
            table.rows.len(),
            mapping
                .layers
                .iter()
                .find(|l| l.id == own.layer)
                .map_or(0, |l| l.areas.len()),
            own.layer,
            table.encoding
        ));
    }
    let mut problems = mapping.check();
    let generalized_hint = read.generalized_hint;
    let buurten = read.features;
    let cbs_wijken = match &opts.wijken {
        Some(p) => cbs::read(p, CbsKind::Wijk, &mapping.gemeente_code, None)?.features,
        // A CBS GeoPackage carries its wijken beside the buurten.
        None if cbs::is_geopackage(&opts.buurten) => {
            match cbs::read(&opts.buurten, CbsKind::Wijk, &mapping.gemeente_code, None) {
                Ok(w) => w.features,
                Err(_) => Vec::new(),
            }
        }
        None => Vec::new(),
    };
    let grid = match &opts.grid {
        Some(path) => read_grid(path)?.to_bytes(),
        None => crate::crs::EMBEDDED_GRID.to_vec(),
    };

    problems.extend(match_mapping(&mapping, &buurten, true));
    if !problems.is_empty() {
        return Err(ImportError::Mapping(problems));
    }

    let mut out = Outputs::default();
    out.report.notes.extend(read.left_out.iter().cloned());
    out.report.notes.extend(own_note);
    // The file's own provenance (a GeoPackage, a download) beats the mapping's default, which
    // describes the generalised extract the project ships.
    let file_source = read.source.is_some();
    let mut source = read.source.unwrap_or_else(|| mapping.source.clone());
    if let Some(y) = read.year.filter(|y| *y > 0) {
        source.year = y;
    }
    if source.year == 0 {
        source.year = mapping.source.year;
    }
    if let Some(n) = opts
        .source_name
        .as_ref()
        .or(opts.fallback_name.as_ref().filter(|_| !file_source))
    {
        source.name = n.clone();
        // A renamed source no longer comes through the shipped extract's channel.
        if !file_source {
            source.attribution = "Bron: CBS/Kadaster".into();
        }
    }
    if let Some(a) = &opts.attribution {
        source.attribution = a.clone();
    }
    if let Some(y) = opts.year {
        source.year = y;
    }
    // The mapping's default describes the shipped generalised extract; a file given under
    // another name is taken as full resolution unless it says otherwise.
    source.generalized = opts.generalized.unwrap_or(if file_source {
        source.generalized || generalized_hint
    } else if opts.source_name.is_some() || opts.fallback_name.is_some() {
        generalized_hint
    } else {
        mapping.source.generalized || generalized_hint
    });
    if generalized_hint && opts.generalized == Some(false) {
        out.report.notes.push(
            "the CBS file's FID says 'gegeneraliseerd' but --generalized false was given".into(),
        );
    }

    if !opts.generations && (!mapping.generations.is_empty() || mapping.valid_from.is_some()) {
        out.report.notes.push(format!(
            "layers.toml dates the shipped CBS extract (from {}) and lists {} earlier generation(s) of it; they were left out beside {}, whose boundaries then hold on every day",
            mapping.valid_from.map(|d| d.to_string()).unwrap_or_else(|| "always".into()),
            mapping.generations.len(),
            opts.buurten.display()
        ));
    }
    let generations: &[super::mapping::GenerationEntry] = if opts.generations {
        &mapping.generations
    } else {
        &[]
    };
    let current = Generation {
        suffix: String::new(),
        period: super::Period {
            from: mapping.valid_from.filter(|_| opts.generations),
            until: None,
        },
        source: None,
        year: source.year,
    };
    check_coverage(&opts.buurten, &buurten, &mut out.report)?;
    add_generation(
        &mut out,
        &mapping,
        &buurten,
        &cbs_wijken,
        &current,
        &opts.buurten,
    )?;
    let gemeente = mapping.gemeente_code.clone();
    for (i, g) in generations.iter().enumerate() {
        let next = generations
            .get(i + 1)
            .map(|n| n.valid_from)
            .or(mapping.valid_from);
        let path = opts.source_dir.join(&g.buurten);
        let read = cbs::read(&path, CbsKind::Buurt, &gemeente, None)?;
        let problems = match_mapping(&mapping, &read.features, false);
        if !problems.is_empty() {
            return Err(ImportError::Mapping(
                problems
                    .into_iter()
                    .map(|p| format!("generation {}: {p}", g.year))
                    .collect(),
            ));
        }
        let generation = Generation {
            suffix: format!("-{}", g.year),
            period: super::Period {
                from: Some(g.valid_from),
                until: next.and_then(|n| n.yesterday().ok()),
            },
            source: Some(g.source.clone()),
            year: g.year,
        };
        check_coverage(&path, &read.features, &mut out.report)?;
        // The wijk names of today stand in for that year's (CBS renames wijken rarely).
        add_generation(
            &mut out,
            &mapping,
            &read.features,
            &cbs_wijken,
            &generation,
            &path,
        )?;
    }

    // Coverage first, then the CBS hierarchy, then the other schemes.
    let rank = |id: &str| match id {
        _ if id == mapping.coverage_layer => 0,
        "wijk" => 1,
        "buurt" => 2,
        _ => 3,
    };
    out.infos
        .sort_by_key(|i| (rank(&i.id), std::cmp::Reverse(i.valid_from)));
    let manifest = Manifest {
        format: 1,
        coverage_name: mapping.coverage_name.clone(),
        coverage_layer: mapping.coverage_layer.clone(),
        base_layer: "buurt".into(),
        municipality: Some(mapping.municipality.clone()),
        source,
        layers: out.infos,
    };
    let manifest_text = format!(
        "# Generated by `wijkwijzer import` from layers.toml and the CBS files; do not edit by hand.\n{}",
        toml::to_string(&manifest).map_err(|e| file_err(&opts.out, e))?
    );
    out.files.insert("manifest.toml".into(), manifest_text);

    std::fs::create_dir_all(&opts.out).map_err(|e| write_err(&opts.out, e))?;
    let mut report = out.report;
    for (name, content) in &out.files {
        let path = opts.out.join(name);
        std::fs::write(&path, content).map_err(|e| write_err(&path, e))?;
        report.files.push(path);
    }
    let grid_path = opts.out.join("rdcorr2018.bin");
    std::fs::write(&grid_path, grid).map_err(|e| write_err(&grid_path, e))?;
    report.files.push(grid_path);
    Ok((report, mapping))
}

/// Where one generation's files go and when it holds.
struct Generation {
    /// Appended to every file name (`-2019`); empty for the current data.
    suffix: String,
    period: super::Period,
    source: Option<String>,
    year: u16,
}

/// Problems matching a CBS file's buurten against the mapping; `complete` also asks that every
/// buurt of the mapping is in the file.
fn match_mapping(mapping: &Mapping, buurten: &[CbsFeature], complete: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for b in buurten {
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
    if complete {
        for code in mapping.buurten.keys() {
            if !buurten.iter().any(|b| &b.code == code) {
                problems.push(format!(
                    "mapping names buurt {code}, which the CBS file does not have"
                ));
            }
        }
    }
    problems
}

/// Refuses buurten that are not a valid coverage ([`super::coverage::check`]), naming the file
/// they came from and the buurten at fault: every layer is dissolved from them, and a dissolve
/// of overlapping or gapped buurten would fail only later, on a file the user never wrote.
fn check_coverage(
    path: &Path,
    buurten: &[CbsFeature],
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let members: Vec<(&str, &MultiPolygon<f64>)> = buurten
        .iter()
        .map(|b| (b.code.as_str(), &b.geometry))
        .collect();
    let found = super::coverage::check(&members);
    if !found.problems.is_empty() {
        return Err(file_err(
            path,
            format!(
                "the buurten do not tile the gemeente (neighbours must share their boundaries exactly, without overlap or gap):\n  - {}",
                found.problems.join("\n  - ")
            ),
        ));
    }
    report.notes.extend(found.notes);
    Ok(())
}

/// Dissolves `members` into one area of `layer`; a result that is not valid geometry is
/// refused here, naming the input file and the buurten, rather than by the check of the
/// written layer.
fn dissolve(
    path: &Path,
    layer: &str,
    area: &str,
    members: &[&CbsFeature],
) -> Result<MultiPolygon<f64>, ImportError> {
    let parts: Vec<&MultiPolygon<f64>> = members.iter().map(|b| &b.geometry).collect();
    let geometry = super::coverage::dissolve(&parts);
    if let Some(e) = geometry.validation_errors().first() {
        let codes: Vec<&str> = members.iter().map(|b| b.code.as_str()).collect();
        return Err(file_err(
            path,
            format!(
                "{layer} {area} dissolved from buurten {} is not valid geometry: {e}",
                codes.join(", ")
            ),
        ));
    }
    Ok(geometry)
}

/// The layers of one generation of buurten (read from `path`): every derived layer dissolved
/// from them, the wijken, and the buurten themselves.
fn add_generation(
    out: &mut Outputs,
    mapping: &Mapping,
    buurten: &[CbsFeature],
    cbs_wijken: &[CbsFeature],
    generation: &Generation,
    path: &Path,
) -> Result<(), ImportError> {
    let wijk_of = |code: &str| format!("WK{}", &code[2..8]);

    // Derived layers first (coverage layer leads the manifest), then wijk, then buurt.
    for layer in &mapping.layers {
        let mut features = Vec::new();
        for area in &layer.areas {
            let members: Vec<&CbsFeature> = buurten
                .iter()
                .filter(|b| mapping.buurten[&b.code].memberships[&layer.id].area == area.id)
                .collect();
            let geometry = dissolve(path, &layer.id, &area.id, &members)?;
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
        out.add_layer(
            &layer.id,
            &layer.title,
            &layer.description,
            features,
            generation,
        );
    }

    let mut wijk_codes: Vec<String> = buurten.iter().map(|b| wijk_of(&b.code)).collect();
    wijk_codes.dedup();
    let mut features = Vec::new();
    for wk in &wijk_codes {
        let members: Vec<&CbsFeature> =
            buurten.iter().filter(|b| &wijk_of(&b.code) == wk).collect();
        let geometry = dissolve(path, "wijk", wk, &members)?;
        let cbs = cbs_wijken.iter().find(|w| &w.code == wk);
        let name = cbs
            .map(|w| w.name.clone())
            .or_else(|| members.iter().find_map(|b| b.wijk_name.clone()))
            .unwrap_or_else(|| format!("Wijk {}", &wk[6..8]));
        if let Some(cbs) = cbs.filter(|_| generation.suffix.is_empty()) {
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
        &format!("CBS-wijken {}", generation.year),
        "CBS wijkcode (WK + gemeente + wijk); geometry dissolved from its buurten; parent LWA only where the whole wijk lies in one",
        features,
        generation,
    );

    let mut features = Vec::new();
    for b in buurten {
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
        &format!("CBS-buurten {}", generation.year),
        "CBS buurtcode (BU + gemeente + wijk + buurt), geometry as CBS draws it",
        features,
        generation,
    );
    Ok(())
}

/// What the import is writing: file contents by name, the manifest's layer list, the report.
#[derive(Default)]
struct Outputs {
    files: BTreeMap<String, String>,
    infos: Vec<LayerInfo>,
    report: ImportReport,
}

impl Outputs {
    fn add_layer(
        &mut self,
        id: &str,
        title: &str,
        description: &str,
        mut features: Vec<Value>,
        generation: &Generation,
    ) {
        features.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        let file = format!("{id}{}.geojson", generation.suffix);
        let mut text = format!(
            "{{\"type\":\"FeatureCollection\",\"name\":{},\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::28992\"}}}},\"features\":[\n",
            Value::from(id)
        );
        for (i, f) in features.iter().enumerate() {
            text.push_str(&f.to_string());
            text.push_str(if i + 1 < features.len() { ",\n" } else { "\n" });
        }
        text.push_str("]}\n");
        let label = match generation.period {
            super::Period { until: None, .. } => id.to_string(),
            period => format!("{id} ({period})"),
        };
        self.report.layers.push((label, features.len()));
        self.files.insert(file.clone(), text);
        // A derived layer's title names no year; an earlier generation's says which it is.
        let title = if generation.suffix.is_empty() || title.contains(&generation.year.to_string())
        {
            title.to_string()
        } else {
            format!("{title}, op de CBS-buurten van {}", generation.year)
        };
        self.infos.push(LayerInfo {
            id: id.to_string(),
            title,
            file,
            description: description.to_string(),
            valid_from: generation.period.from,
            valid_until: generation.period.until,
            source: generation.source.clone(),
            year: generation.source.as_ref().map(|_| generation.year),
            accuracy_m: None,
        });
    }
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

/// Why a whole-directory import was refused; the target directory is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum DirImportError {
    #[error(transparent)]
    Layers(#[from] ImportError),
    #[error(transparent)]
    Addresses(#[from] crate::address::records::RecordError),
    #[error("the imported data does not pass `check`, so {target} was left as it was:\n{error}")]
    Check {
        target: String,
        error: super::GeodataError,
    },
    /// Reading or writing a file of the result failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A file of the result could not be made.
    #[error("{path}: {reason}")]
    Files { path: String, reason: String },
}

impl DirImportError {
    /// Whether the run failed at making its result (writing, a full disk), not at what it
    /// read: nothing about the input is to blame.
    pub fn writing(&self) -> bool {
        match self {
            DirImportError::Io { .. }
            | DirImportError::Files { .. }
            | DirImportError::Layers(ImportError::Write { .. }) => true,
            // The addresses' errors name reading and writing alike: only a full disk is
            // known to be the writing's.
            DirImportError::Addresses(r) => r.io.is_some_and(crate::staging::is_full),
            _ => false,
        }
    }

    /// Whether it failed for want of room (a full disk or quota), told by the I/O error's
    /// kind.
    pub fn full_disk(&self) -> bool {
        use crate::staging::is_full;
        match self {
            DirImportError::Io { source, .. }
            | DirImportError::Layers(ImportError::Write { source, .. }) => is_full(source.kind()),
            DirImportError::Addresses(r) => r.io.is_some_and(is_full),
            _ => false,
        }
    }
}

/// What [`import_dir`] did beyond the layers.
#[derive(Debug, Clone, Default)]
pub struct DirReport {
    pub layers: ImportReport,
    /// OpenStreetMap addresses imported: (kept, rows skipped with their reasons).
    pub osm: Option<(crate::address::records::Written, Vec<String>)>,
    /// Files the directory lacked and that were filled from the copies built into the binary.
    pub defaults: Vec<String>,
    /// The data version of the result, as `serve` will report it.
    pub version: String,
}

/// Files a geodata directory needs beside the generated layers, as shipped in the binary:
/// the shipped data's for the built-in mapping; for a generic import ([`ImportOptions::generic`]), a
/// roster and meldkaart with national channels only, its own mapping, and no addresses or
/// named places (a BAG import adds the addresses).
fn built_in_files(generic: Option<&Mapping>) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    if let Some(mapping) = generic {
        let name = &mapping.municipality.name;
        let fill = |t: &str| t.replace("{{name}}", name).into_bytes();
        let layers = format!(
            "# Made by `wijkwijzer import` for a municipality without a mapping: every buurt in one\n# area, the whole gemeente. The municipality's own areas: import again with `--areas\n# TABLE.csv` (buurtcode;gebied;naam), which makes them the answering layer. A [[layers]]\n# table added here by hand answers only when coverage_layer (and municipality.members.lwa)\n# name it; `wijkwijzer check` refuses it beside a whole-gemeente coverage.\n{}",
            toml::to_string(mapping).map_err(|e| e.to_string())?
        );
        let addresses_toml = format!(
            "name = \"no addresses yet\"\nlicence = \"-\"\nattribution = \"\"\ncomplete = false\nnote = \"addresses of gemeente {} are not loaded: run `wijkwijzer import bag` with the national BAG extract and --gemeente {}\"\n",
            mapping.municipality.code, mapping.gemeente_code
        );
        return Ok(vec![
            ("roster.toml", fill(GENERIC_ROSTER)),
            ("situations.toml", fill(GENERIC_SITUATIONS)),
            ("layers.toml", layers.into_bytes()),
            ("addresses.csv", ADDRESS_HEADER.as_bytes().to_vec()),
            ("addresses.toml", addresses_toml.into_bytes()),
            (
                "places.csv",
                crate::address::landmarks::HEADER.as_bytes().to_vec(),
            ),
            ("towns-elsewhere.txt", Vec::new()),
        ]);
    }
    let embedded = |name: &str| {
        super::Geodata::embedded_files()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| c.as_bytes().to_vec())
            .unwrap_or_default()
    };
    Ok(vec![
        ("roster.toml", embedded("roster.toml")),
        ("situations.toml", embedded("situations.toml")),
        ("layers.toml", EMBEDDED_MAPPING.as_bytes().to_vec()),
        (
            "addresses.csv",
            include_bytes!("../../../../geodata/addresses.csv").to_vec(),
        ),
        (
            "addresses.toml",
            include_bytes!("../../../../geodata/addresses.toml").to_vec(),
        ),
        (
            "places.csv",
            include_bytes!("../../../../geodata/places.csv").to_vec(),
        ),
    ])
}

/// The roster and meldkaart of a municipality that has none of its own (`{{name}}` is its name).
const GENERIC_ROSTER: &str = include_str!("generic/roster.toml");
const GENERIC_SITUATIONS: &str = include_str!("generic/situations.toml");
/// An address file with no addresses: the canonical header alone.
const ADDRESS_HEADER: &str = "id,postcode,huisnummer,huisletter,toevoeging,straat,woonplaats,x,y\n";

/// Builds a complete geodata directory at `opts.out`: the layers ([`run`]), the addresses
/// (from the OpenStreetMap CSV `osm` when given), and whatever else the directory lacks from
/// the copies built into the binary (the roster and situations with role placeholders, the
/// mapping, the OpenStreetMap address file). Everything is written into a staging directory,
/// validated as `check` would, and only then swapped in; files already in `opts.out` that the
/// import does not generate (a municipality's roster, its address file) are kept.
pub fn import_dir(opts: &ImportOptions, osm: Option<&Path>) -> Result<DirReport, DirImportError> {
    import_dir_with_areas(opts, osm, None)
}

/// [`import_dir`] with the municipality's own areas from an area table ([`OwnAreas`]) as the
/// answering layer. The mapping it followed, with those areas, is written as the directory's
/// `layers.toml`, so that the next import (without `--areas`) keeps them.
pub fn import_dir_with_areas(
    opts: &ImportOptions,
    osm: Option<&Path>,
    areas: Option<&OwnAreas>,
) -> Result<DirReport, DirImportError> {
    let io = |p: &Path, source: std::io::Error| DirImportError::Io {
        path: p.display().to_string(),
        source,
    };
    let staging = crate::staging::Staging::new(&opts.out).map_err(|e| io(&opts.out, e))?;
    let staged = ImportOptions {
        out: staging.path().to_path_buf(),
        ..opts.clone()
    };
    let (layers, mapping) = run_mapped(&staged, areas)?;
    let mut report = DirReport {
        layers,
        ..DirReport::default()
    };
    if let Some(osm) = osm {
        let (mut records, skipped) =
            crate::address::records::import_osm(osm, &mapping.municipality.name)?;
        let info = opts
            .osm_source
            .clone()
            .unwrap_or_else(|| crate::address::records::osm_source_info(osm));
        let written = crate::address::records::write_file(
            &staging.path().join("addresses.csv"),
            &mut records,
            &info,
        )?;
        report.osm = Some((written, skipped.iter().map(ToString::to_string).collect()));
    }
    if !opts.places.is_empty() {
        let text = crate::address::landmarks::from_osm(&opts.places).map_err(|reason| {
            DirImportError::Files {
                path: "places".into(),
                reason,
            }
        })?;
        let path = staging.path().join("places.csv");
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    }
    if let Some(own) = areas {
        let text = format!(
            "# Written by `wijkwijzer import --areas {}`: the municipality's own areas (layer '{}') are\n# the answering layer (coverage_layer). Import again with a corrected table, or edit the\n# per-buurt '{}' keys here and run `wijkwijzer import --mapping` with this file.\n{}",
            own.table.display(),
            own.layer,
            own.layer,
            toml::to_string(&mapping).map_err(|e| DirImportError::Files {
                path: "layers.toml".into(),
                reason: e.to_string(),
            })?
        );
        let path = staging.path().join("layers.toml");
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
        report.layers.files.push(path);
    }
    let built_in = built_in_files(opts.generic.as_ref().map(|_| &mapping)).map_err(|reason| {
        DirImportError::Files {
            path: "layers.toml".into(),
            reason,
        }
    })?;
    for (name, content) in built_in {
        let path = staging.path().join(name);
        if !path.exists() {
            std::fs::write(&path, content).map_err(|e| io(&path, e))?;
            report.defaults.push(name.to_string());
        }
    }
    let data = super::Geodata::load_dir(staging.path()).map_err(|error| DirImportError::Check {
        target: opts.out.display().to_string(),
        error,
    })?;
    crate::address::AddressIndex::load(&staging.path().join("addresses.csv"))?;
    let places = staging.path().join("places.csv");
    let text = std::fs::read_to_string(&places).map_err(|e| io(&places, e))?;
    crate::address::landmarks::Landmarks::parse(&text, &places.display().to_string()).map_err(
        |reason| DirImportError::Files {
            path: places.display().to_string(),
            reason,
        },
    )?;
    report.version = data.version;
    // The report names the files where they will be, not where they were staged.
    for f in &mut report.layers.files {
        if let Some(name) = f.file_name() {
            *f = opts.out.join(name);
        }
    }
    staging.commit().map_err(|e| io(&opts.out, e))?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    /// A full disk is told by the I/O error's kind wherever in the import it happened (the
    /// directory, a layer, the addresses), whatever the message says; other write failures
    /// are failures to write, not a full disk.
    #[test]
    fn a_full_disk_is_known_by_its_kind() {
        let io = |kind| DirImportError::Io {
            path: "out".into(),
            source: Error::from(kind),
        };
        assert!(io(ErrorKind::StorageFull).full_disk());
        assert!(io(ErrorKind::QuotaExceeded).full_disk());
        let denied = io(ErrorKind::PermissionDenied);
        assert!(denied.writing() && !denied.full_disk());
        let layer = DirImportError::Layers(ImportError::Write {
            path: "out/buurt.geojson".into(),
            source: Error::other("no space left on device (os error 28)"),
        });
        assert!(
            layer.writing() && !layer.full_disk(),
            "the text is not read"
        );
        let addresses = DirImportError::Addresses(crate::address::records::RecordError::io(
            Path::new("out/addresses.csv"),
            &Error::from(ErrorKind::StorageFull),
        ));
        assert!(addresses.writing() && addresses.full_disk());
        let refused = DirImportError::Layers(ImportError::Mapping(vec!["x".into()]));
        assert!(!refused.writing() && !refused.full_disk());
    }
}
