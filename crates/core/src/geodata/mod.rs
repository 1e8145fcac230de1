//! Geodata: the area layers and the roster that every answer is computed from.
//!
//! A geodata directory holds `manifest.toml` (which layers exist, in which files, from which
//! source), one GeoJSON FeatureCollection per layer (RD New coordinates), `roster.toml`,
//! `situations.toml` (the meldkaart) and the `rdcorr2018.bin` correction grid. `wijkwijzer import` generates all but the roster from public
//! sources ([`import`]); a copy is embedded in the binary as the default ([`Geodata::embedded`]).
//!
//! Loading always validates ([`validate`]): a directory that fails is refused as a whole, with
//! every problem listed by file, feature and reason, so a service never swaps in half-good data.
//!
//! A layer may come in several **generations**, each a file with its validity period (the CBS
//! buurten of 2019 and of today, an LWA composition before and after a change). The latest
//! generation of every layer (the one without an end date) forms [`Geodata::layers`]; the others
//! are kept in [`Geodata::earlier`], and [`Geodata::periods`] with [`Geodata::view`] cut the
//! timeline into periods in which one generation of each layer holds.

pub mod cbs;
pub mod coverage;
#[cfg(feature = "download")]
pub mod download;
pub mod error;
pub mod import;
pub mod mapping;
pub mod overlay;
pub mod profile;
pub use crate::staging;
pub mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use geo::{BoundingRect, MultiPolygon, Polygon, Rect};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::roster::Roster;
use crate::situations::Situations;
pub use profile::Municipality;

/// Files of the embedded default, in the order they enter the data version hash.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "manifest.toml",
        include_str!("../../../../geodata/manifest.toml"),
    ),
    (
        "lwa.geojson",
        include_str!("../../../../geodata/lwa.geojson"),
    ),
    (
        "wijk.geojson",
        include_str!("../../../../geodata/wijk.geojson"),
    ),
    (
        "buurt.geojson",
        include_str!("../../../../geodata/buurt.geojson"),
    ),
    (
        "stadsdeel.geojson",
        include_str!("../../../../geodata/stadsdeel.geojson"),
    ),
    (
        "lwa-2019.geojson",
        include_str!("../../../../geodata/lwa-2019.geojson"),
    ),
    (
        "wijk-2019.geojson",
        include_str!("../../../../geodata/wijk-2019.geojson"),
    ),
    (
        "buurt-2019.geojson",
        include_str!("../../../../geodata/buurt-2019.geojson"),
    ),
    (
        "stadsdeel-2019.geojson",
        include_str!("../../../../geodata/stadsdeel-2019.geojson"),
    ),
    (
        "roster.toml",
        include_str!("../../../../geodata/roster.toml"),
    ),
    ("places.csv", crate::address::landmarks::EMBEDDED),
    (
        crate::address::landmarks::gazetteer::FILE,
        crate::address::landmarks::gazetteer::EMBEDDED,
    ),
    ("towns-elsewhere.txt", TOWNS_ELSEWHERE),
    (
        "situations.toml",
        include_str!("../../../../geodata/situations.toml"),
    ),
];

/// What a reader says of a file the directory does not have.
const NO_SUCH_FILE: &str = "no such file";

/// The built-in list of towns outside the coverage (see `geodata/towns-elsewhere.txt`).
pub const TOWNS_ELSEWHERE: &str = include_str!("../../../../geodata/towns-elsewhere.txt");

/// The names of a towns file, one a line, `#` comments left out.
fn towns_elsewhere(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// One problem found in a data file. `feature` is the feature id (or roster entry) when the
/// problem belongs to one; `line` the line of the file when the parser said where.
///
/// The reason may quote the file (a TOML parser shows the offending line, which in a roster or
/// key file can hold internal numbers or a key's hash) and `file` may be an absolute path: the
/// whole problem is for the log and for admin keys only. Anyone else gets [`Problem::public`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    pub feature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.feature {
            Some(id) => write!(f, "{}: feature {}: {}", self.file, id, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl Problem {
    pub fn new(file: &str, feature: Option<&str>, reason: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            feature: feature.map(str::to_string),
            line: None,
            reason: reason.into(),
        }
    }

    /// A problem from a file that could not be parsed, at the line the parser named.
    pub fn parse(file: &str, e: FileError) -> Self {
        Self {
            line: e.line,
            ..Self::new(file, None, e.reason)
        }
    }

    /// What may be said to any caller: the file's name (never its directory) and the line,
    /// never the reason, which can quote the file.
    pub fn public(&self) -> String {
        let name = std::path::Path::new(&self.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "a data file".into());
        match self.line {
            Some(line) => format!("{name} refused at line {line}"),
            None => format!("{name} refused"),
        }
    }
}

pub use crate::datafile::{FileError, parse_toml};

/// Geodata that was refused, with every problem found.
#[derive(Debug, Clone, thiserror::Error)]
pub struct GeodataError {
    pub origin: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for GeodataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "data in {} refused ({} problem{}):",
            self.origin,
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

/// `manifest.toml`: what a geodata directory contains.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format version of this directory layout.
    pub format: u32,
    /// Human name of the covered territory, e.g. "Gemeente Maastricht (GM0935)".
    pub coverage_name: String,
    /// The layer whose areas define coverage and carry the area roster (the LWA areas).
    pub coverage_layer: String,
    /// The finest layer; nested layers follow its answer by parent link (see `index`).
    pub base_layer: String,
    /// The municipality (see [`profile`]); derived from `coverage_name` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<Municipality>,
    pub source: SourceInfo,
    pub layers: Vec<LayerInfo>,
}

/// Where the geometry comes from, repeated in every answer's metadata.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceInfo {
    pub name: String,
    pub year: u16,
    /// True when the boundaries are generalised (simplified) rather than full resolution.
    pub generalized: bool,
    /// How far the boundaries may lie from where they are on the ground, in metres (default:
    /// 25 when generalised, 1 otherwise): part of every answer's certainty radius.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
    pub attribution: String,
    pub licence: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LayerInfo {
    pub id: String,
    pub title: String,
    pub file: String,
    /// How area ids of this layer are formed, for people reading the data.
    pub description: String,
    /// First day this generation of the layer holds (none: since always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<jiff::civil::Date>,
    /// Last day it holds, inclusive like the roster's (none: until replaced by a later file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<jiff::civil::Date>,
    /// The boundary source of this generation when it is not the manifest's `[source]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The source's reference year when it is not the manifest's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// This generation's positional accuracy in metres when it is not the source's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
}

impl LayerInfo {
    pub fn period(&self) -> Period {
        Period {
            from: self.valid_from,
            until: self.valid_until,
        }
    }
}

/// Days from `from` through `until`, both inclusive; an open end reaches as far as dates go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
pub struct Period {
    #[serde(rename = "valid_from")]
    pub from: Option<jiff::civil::Date>,
    #[serde(rename = "valid_until")]
    pub until: Option<jiff::civil::Date>,
}

impl Period {
    pub fn contains(&self, day: jiff::civil::Date) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day <= u)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.until) {
            (None, None) => write!(f, "always"),
            (Some(a), None) => write!(f, "from {a}"),
            (None, Some(b)) => write!(f, "until {b}"),
            (Some(a), Some(b)) => write!(f, "{a} to {b}"),
        }
    }
}

/// A named area of one layer. Geometry is in RD New.
#[derive(Debug, Clone)]
pub struct Area {
    pub id: String,
    pub name: String,
    pub layer: String,
    /// The official statistical code (CBS `BU`/`WK` code) where the area has one.
    pub code: Option<String>,
    /// Parent area per layer (`lwa`, `wijk`, ...) where this area nests inside one.
    pub parents: BTreeMap<String, String>,
    /// Where the area's composition comes from; shown so that it can be corrected.
    pub source_note: Option<String>,
    pub geometry: MultiPolygon<f64>,
}

impl Area {
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.geometry.bounding_rect()
    }
}

/// The areas of one layer, sorted by id. Their index in `areas` is their identity inside the
/// spatial index, so the order is part of the tie-break rule (lowest id wins).
#[derive(Debug, Clone)]
pub struct Layer {
    pub info: LayerInfo,
    pub areas: Vec<Area>,
}

impl Layer {
    pub fn find(&self, id: &str) -> Option<&Area> {
        self.areas
            .binary_search_by(|a| a.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.areas[i])
    }
}

/// The bounding box of the coverage layer's areas (RD New).
fn coverage_box(layers: &[Layer], coverage: &str) -> Option<Rect<f64>> {
    let union = |a: Rect<f64>, b: Rect<f64>| {
        Rect::new(
            geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
            geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
        )
    };
    layers
        .iter()
        .find(|l| l.info.id == coverage)
        .and_then(|l| l.areas.iter().filter_map(Area::bbox).reduce(union))
}

/// A complete, validated geodata set.
#[derive(Debug, Clone)]
pub struct Geodata {
    pub manifest: Manifest,
    /// The latest generation of every layer, in manifest order.
    pub layers: Vec<Layer>,
    /// Every earlier generation, each with an end date (see [`Geodata::view`]).
    pub earlier: Vec<Layer>,
    pub roster: Roster,
    pub situations: Situations,
    /// The municipality's overlays (`overlays.geojson`; none when the directory has no such
    /// file), every period of each: they are chosen per day, not per generation.
    pub overlays: std::sync::Arc<Vec<overlay::Overlay>>,
    /// The directory's named places (`places.csv`, plus the municipality's `places-own.csv`
    /// when there is one, and its `gazetteer.toml`; the built-in places and gazetteer, read
    /// once, where the directory has no places of its own).
    pub places: Option<std::sync::Arc<crate::address::landmarks::Landmarks>>,
    /// Towns outside the coverage that callers name (`towns-elsewhere.txt`, or the built-in
    /// list): their name alone is never answered as a place inside.
    pub elsewhere: std::sync::Arc<Vec<String>>,
    /// Hash of every file that was loaded: changes whenever the data changes.
    pub version: String,
    /// Where it was loaded from (`embedded` or a directory).
    pub origin: String,
    /// The municipality: the manifest's, or the one derived for an older manifest.
    pub municipality: std::sync::Arc<Municipality>,
    /// Where text is read (short plus codes): from the municipality and the covered area.
    pub locality: std::sync::Arc<crate::query::Locality>,
    /// WGS84 to RD by lattice over the covered area and 10 km around, made on first use.
    lattice: std::sync::Arc<std::sync::OnceLock<crate::crs::LocalWgs84ToRd>>,
}

impl Geodata {
    /// The geodata embedded in the binary.
    pub fn embedded() -> Result<Geodata, GeodataError> {
        Self::from_files("embedded", |name| {
            EMBEDDED
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, content)| content.to_string())
                .ok_or_else(|| NO_SUCH_FILE.to_string())
        })
    }

    /// Loads and validates a geodata directory.
    pub fn load_dir(dir: &Path) -> Result<Geodata, GeodataError> {
        let dir: PathBuf = dir.to_path_buf();
        Self::from_files(&dir.display().to_string(), |name| {
            let bytes = std::fs::read(dir.join(name)).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => NO_SUCH_FILE.to_string(),
                _ => e.to_string(),
            })?;
            // Hand-edited files come from Excel and Notepad as often as from an editor.
            crate::address::records::decode_text(bytes)
        })
    }

    /// Loads and validates geodata given as (file name, content) pairs, as a directory would
    /// hold them; files not given count as missing. For tools and fuzzing.
    pub fn from_memory(origin: &str, files: &[(&str, &str)]) -> Result<Geodata, GeodataError> {
        Self::from_files(origin, |name| {
            files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, content)| content.to_string())
                .ok_or_else(|| NO_SUCH_FILE.to_string())
        })
    }

    /// Required roles left empty on `day` in the coverage areas (see [`crate::roster::Gap`]).
    pub fn roster_gaps(&self, day: jiff::civil::Date) -> Vec<crate::roster::Gap> {
        self.layer(&self.manifest.coverage_layer)
            .map(|l| {
                l.areas
                    .iter()
                    .flat_map(|a| self.roster.gaps(&a.id, day))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Warnings for an operator about the roster on `day`: every required role that dates leave
    /// empty in a coverage area, and a roster whose every assignment has ended (a file that
    /// was not kept up to date). The service starts and serves; these go to the log as WARN.
    pub fn roster_warnings(&self, day: jiff::civil::Date) -> Vec<String> {
        let mut out: Vec<String> = self
            .roster_gaps(day)
            .iter()
            .map(|g| {
                format!(
                    "{} has no {} today ({}): answers name {}'s general channels",
                    g.area, g.role_label, g.entry, g.organisation
                )
            })
            .collect();
        let assignments = &self.roster.assignments;
        if !assignments.is_empty()
            && assignments
                .iter()
                .all(|a| a.valid_until.is_some_and(|u| u < day))
        {
            out.insert(
                0,
                format!(
                    "every one of the roster's {} assignments has ended: is roster.toml up to date?",
                    assignments.len()
                ),
            );
        }
        out
    }

    /// Required roles left empty at some time in a period of the data (one of
    /// [`Geodata::periods`]), in that period's coverage areas: each with the first day it is
    /// empty. Gaps only begin on a day an assignment or the period begins or the day after one
    /// ends, so those days are the ones checked.
    pub fn roster_gaps_in(&self, period: &Period) -> Vec<(jiff::civil::Date, crate::roster::Gap)> {
        let Some(view) = self.view(period) else {
            return Vec::new();
        };
        let mut days: Vec<jiff::civil::Date> = self
            .roster
            .assignments
            .iter()
            .flat_map(|a| [a.valid_from, a.valid_until.and_then(|u| u.tomorrow().ok())])
            .flatten()
            .chain(period.from)
            .filter(|d| period.contains(*d))
            .collect();
        if period.from.is_none() {
            days.push(jiff::civil::Date::MIN);
        }
        days.sort();
        days.dedup();
        let mut seen: Vec<(jiff::civil::Date, crate::roster::Gap)> = Vec::new();
        for day in days {
            for gap in view.roster_gaps(day) {
                if !seen
                    .iter()
                    .any(|(_, g)| g.area == gap.area && g.role == gap.role)
                {
                    seen.push((day, gap));
                }
            }
        }
        seen
    }

    /// The embedded default files, (name, content), in load order.
    pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
        EMBEDDED
    }

    fn from_files(
        origin: &str,
        read: impl Fn(&str) -> Result<String, String>,
    ) -> Result<Geodata, GeodataError> {
        let refuse = |problems: Vec<Problem>| GeodataError {
            origin: origin.to_string(),
            problems,
        };
        let mut hasher = Sha256::new();
        let mut read_hashed = |name: &str| -> Result<String, Problem> {
            let text =
                read(name).map_err(|e| Problem::new(name, None, format!("cannot read: {e}")))?;
            hasher.update((name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
            Ok(text)
        };

        let manifest_text = read_hashed("manifest.toml").map_err(|p| refuse(vec![p]))?;
        let manifest: Manifest = parse_toml(&manifest_text)
            .map_err(|e| refuse(vec![Problem::parse("manifest.toml", e)]))?;

        let mut problems = Vec::new();
        let mut layers = Vec::new();
        let mut earlier = Vec::new();
        for info in &manifest.layers {
            let latest = info.valid_until.is_none();
            match read_hashed(&info.file) {
                Ok(text) => match parse_layer(info, &text) {
                    Ok(layer) if latest => layers.push(layer),
                    Ok(layer) => earlier.push(layer),
                    Err(mut p) => problems.append(&mut p),
                },
                Err(p) => problems.push(p),
            }
        }
        let roster = match read_hashed("roster.toml") {
            Ok(text) => match Roster::parse(&text) {
                Ok(r) => Some(r),
                Err(e) => {
                    problems.push(Problem::parse("roster.toml", e));
                    None
                }
            },
            Err(p) => {
                problems.push(p);
                None
            }
        };
        let situations = match read_hashed("situations.toml") {
            Ok(text) => match Situations::parse(&text) {
                Ok(s) => Some(s),
                Err(e) => {
                    problems.push(Problem::parse("situations.toml", e));
                    None
                }
            },
            Err(p) => {
                problems.push(p);
                None
            }
        };
        // Optional: the overlays. A file that is there but cannot be read is refused rather
        // than taken for none: its contacts would silently be missing from answers.
        let overlays = match read_hashed(overlay::FILE) {
            Err(p) if p.reason.ends_with(NO_SUCH_FILE) => Vec::new(),
            Err(p) => {
                problems.push(p);
                Vec::new()
            }
            Ok(text) => overlay::parse(&text).unwrap_or_else(|mut p| {
                problems.append(&mut p);
                Vec::new()
            }),
        };
        // Optional files: missing is fine, but one that is there and cannot be read is refused
        // rather than taken for none (its places would silently be missing from answers).
        let mut optional = |name: &str| match read_hashed(name) {
            Ok(text) => Some(text),
            Err(p) if p.reason.ends_with(NO_SUCH_FILE) => None,
            Err(p) => {
                problems.push(p);
                None
            }
        };
        // The named places. A directory without them searches the built-in ones; its own
        // places without a places.csv come beside the built-in ones.
        let shipped = optional("places.csv");
        let own = optional("places-own.csv");
        // Towns outside the coverage; the built-in list where the directory has none.
        let elsewhere_text = optional("towns-elsewhere.txt");
        // The gazetteer (issue 34, part 6): the directory's own; where it has none, the
        // built-in one goes with the built-in places (they are the same city's), and a
        // directory with places of its own has none.
        use crate::address::landmarks::{self as lm, gazetteer};
        let gazetteer_text = optional(gazetteer::FILE);
        let builtin_places = shipped.as_deref().is_none_or(|t| t == lm::EMBEDDED);
        let within = coverage_box(&layers, &manifest.coverage_layer);
        let gazetteer = match gazetteer_text.as_deref() {
            Some(text) => match gazetteer::parse(text, within) {
                Ok(g) => Some(g),
                Err(found) => {
                    problems.extend(
                        found
                            .into_iter()
                            .map(|p| Problem::new(gazetteer::FILE, p.entry.as_deref(), p.reason)),
                    );
                    None
                }
            },
            None if builtin_places => Some(gazetteer::embedded().clone()),
            None => None,
        };
        let city_names = gazetteer
            .as_ref()
            .map(|g| g.city_names.clone())
            .unwrap_or_default();
        let places = match (&shipped, &own) {
            // The built-in places and gazetteer are read once for every load.
            (None, None) | (Some(_), None)
                if builtin_places
                    && gazetteer_text
                        .as_deref()
                        .is_none_or(|g| g == gazetteer::EMBEDDED) =>
            {
                Some(lm::Landmarks::shipped())
            }
            _ => {
                let sources: Vec<(&str, &str)> = [
                    Some((
                        shipped
                            .as_deref()
                            .unwrap_or(crate::address::landmarks::EMBEDDED),
                        "places.csv",
                    )),
                    own.as_deref().map(|t| (t, "places-own.csv")),
                ]
                .into_iter()
                .flatten()
                .collect();
                let entries = gazetteer.map(|g| g.places).unwrap_or_default();
                match lm::Landmarks::with_gazetteer(&sources, entries) {
                    Ok(l) => Some(std::sync::Arc::new(l)),
                    Err(reason) => {
                        let file = reason.split(':').next().unwrap_or("places.csv").to_string();
                        problems.push(Problem::new(&file, None, reason));
                        None
                    }
                }
            }
        };
        let elsewhere = std::sync::Arc::new(towns_elsewhere(
            elsewhere_text.as_deref().unwrap_or(TOWNS_ELSEWHERE),
        ));
        let version = hex::encode(&hasher.finalize()[..8]);
        let (Some(roster), Some(situations), true) = (roster, situations, problems.is_empty())
        else {
            return Err(refuse(problems));
        };
        let ids: Vec<&str> = manifest.layers.iter().map(|l| l.id.as_str()).collect();
        let municipality = manifest
            .municipality
            .clone()
            .unwrap_or_else(|| Municipality::derived(&manifest.coverage_name, &ids));
        let problems: Vec<Problem> = municipality
            .check(&ids)
            .into_iter()
            .chain(municipality.check_roles(&roster))
            .map(|p| Problem::new("manifest.toml", Some("municipality"), p))
            .collect();
        if !problems.is_empty() {
            return Err(refuse(problems));
        }
        let centre = coverage_box(&layers, &manifest.coverage_layer)
            .map(|b| {
                let c = b.center();
                let w = crate::crs::transformer().rd_to_wgs84(crate::crs::Rd { x: c.x, y: c.y });
                profile::Reference {
                    lat: w.lat,
                    lon: w.lon,
                }
            })
            .unwrap_or(profile::Reference {
                lat: 52.1,
                lon: 5.3,
            });
        let mut locality = municipality.locality(centre);
        // The gazetteer's names of the municipality itself ("Mestreech") answer as its name.
        locality
            .towns
            .extend(city_names.iter().map(|n| crate::query::name_form(n)));
        locality.towns.sort();
        locality.towns.dedup();
        let locality = std::sync::Arc::new(locality);
        // A town of the municipality's own is never "elsewhere", whatever the shared list says.
        let elsewhere = std::sync::Arc::new(
            elsewhere
                .iter()
                .filter(|t| !locality.is_own(t))
                .cloned()
                .collect(),
        );
        let data = Geodata {
            manifest,
            layers,
            earlier,
            roster,
            situations,
            overlays: std::sync::Arc::new(overlays),
            places,
            elsewhere,
            version,
            origin: origin.to_string(),
            municipality: std::sync::Arc::new(municipality),
            locality,
            lattice: Default::default(),
        };
        let problems = validate::validate(&data);
        if problems.is_empty() {
            Ok(data)
        } else {
            Err(refuse(problems))
        }
    }

    pub fn layer(&self, id: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.info.id == id)
    }

    /// Every generation of every layer, latest first per layer.
    pub fn generations(&self) -> impl Iterator<Item = &Layer> {
        self.layers.iter().chain(&self.earlier)
    }

    /// The periods in which one generation of every layer holds, oldest first: the timeline
    /// cut at every generation's first day and the day after its last. Before the first
    /// period, some layer has no generation and nothing can be answered.
    pub fn periods(&self) -> Vec<Period> {
        let mut cuts: Vec<jiff::civil::Date> = self
            .generations()
            .flat_map(|l| {
                [
                    l.info.valid_from,
                    l.info.valid_until.and_then(|u| u.tomorrow().ok()),
                ]
            })
            .flatten()
            .collect();
        cuts.sort();
        cuts.dedup();
        // The first period begins where every layer has begun.
        let start = self
            .layers
            .iter()
            .map(|l| {
                self.generations()
                    .filter(|g| g.info.id == l.info.id)
                    .map(|g| g.info.valid_from)
                    .min()
                    .flatten()
            })
            .max()
            .flatten();
        let mut periods = Vec::new();
        let mut from = start;
        for cut in cuts.into_iter().filter(|c| start.is_none_or(|s| *c > s)) {
            periods.push(Period {
                from,
                until: cut.yesterday().ok(),
            });
            from = Some(cut);
        }
        periods.push(Period { from, until: None });
        periods
    }

    /// The generation of layer `id` that holds on the first day of `period`.
    fn generation_for(&self, id: &str, period: &Period) -> Option<&Layer> {
        let day = period.from.unwrap_or(jiff::civil::Date::MIN);
        self.generations()
            .find(|g| g.info.id == id && g.info.period().contains(day))
    }

    /// Whether every layer has a generation for `period`: whether [`Geodata::view`] gives one.
    pub fn has_view(&self, period: &Period) -> bool {
        (self.layers.iter()).all(|latest| self.generation_for(&latest.info.id, period).is_some())
    }

    /// The data as it holds throughout `period` (one of [`Geodata::periods`]): per layer, the
    /// generation valid on its first day, in manifest order, and no earlier generations.
    /// `None` when some layer has no generation then.
    pub fn view(&self, period: &Period) -> Option<Geodata> {
        let mut layers = Vec::with_capacity(self.layers.len());
        for latest in &self.layers {
            layers.push(self.generation_for(&latest.info.id, period)?.clone());
        }
        Some(Geodata {
            manifest: self.manifest.clone(),
            layers,
            earlier: Vec::new(),
            roster: self.roster.clone(),
            situations: self.situations.clone(),
            overlays: self.overlays.clone(),
            places: self.places.clone(),
            elsewhere: self.elsewhere.clone(),
            version: self.version.clone(),
            origin: self.origin.clone(),
            municipality: self.municipality.clone(),
            locality: self.locality.clone(),
            lattice: self.lattice.clone(),
        })
    }

    /// WGS84 to RD for points in and near the covered area by a lattice (exact elsewhere):
    /// what classifying many rows of degrees uses.
    pub fn lattice(&self) -> &crate::crs::LocalWgs84ToRd {
        self.lattice.get_or_init(|| {
            let t = crate::crs::transformer();
            let corners = coverage_box(&self.layers, &self.manifest.coverage_layer)
                .map(|b| {
                    let sw = t.rd_to_wgs84(crate::crs::Rd {
                        x: b.min().x - 10_000.0,
                        y: b.min().y - 10_000.0,
                    });
                    let ne = t.rd_to_wgs84(crate::crs::Rd {
                        x: b.max().x + 10_000.0,
                        y: b.max().y + 10_000.0,
                    });
                    ((sw.lat, ne.lat), (sw.lon, ne.lon))
                })
                .unwrap_or(((0.0, 0.0), (0.0, 0.0)));
            crate::crs::LocalWgs84ToRd::new(corners.0, corners.1, 0.001)
        })
    }

    pub fn layer_index(&self, id: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.info.id == id)
    }

    /// Finds an area by id in any layer (the latest generation first, then earlier ones).
    pub fn area(&self, id: &str) -> Option<&Area> {
        self.generations().find_map(|l| l.find(id))
    }

    /// Finds an overlay by id (its latest drawing).
    pub fn overlay(&self, id: &str) -> Option<&overlay::Overlay> {
        self.overlays.iter().rev().find(|o| o.area.id == id)
    }

    /// A copy whose boundaries carry a vertex at least every `max_segment_m` metres, for
    /// benchmarks and tests that need full-resolution-like vertex counts.
    pub fn densified(&self, max_segment_m: f64) -> Geodata {
        use geo::Densify;
        use geo::line_measures::Euclidean;
        let mut out = self.clone();
        for layer in out.layers.iter_mut().chain(&mut out.earlier) {
            for area in &mut layer.areas {
                area.geometry = Euclidean.densify(&area.geometry, max_segment_m);
            }
        }
        out
    }
}

/// Reads one layer file. Every feature needs `id`, `name` and a (Multi)Polygon geometry.
fn parse_layer(info: &LayerInfo, text: &str) -> Result<Layer, Vec<Problem>> {
    let file = info.file.as_str();
    let fc: geojson::FeatureCollection = text
        .parse::<geojson::GeoJson>()
        .map_err(|e| vec![Problem::new(file, None, format!("not GeoJSON: {e}"))])
        .and_then(|g| {
            geojson::FeatureCollection::try_from(g).map_err(|e| {
                vec![Problem::new(
                    file,
                    None,
                    format!("not a FeatureCollection: {e}"),
                )]
            })
        })?;
    let mut problems = Vec::new();
    let mut areas = Vec::new();
    for (n, feature) in fc.features.iter().enumerate() {
        let label = feature
            .id
            .as_ref()
            .map(|id| match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => n.to_string(),
            })
            .unwrap_or_else(|| format!("#{n}"));
        match parse_area(info, feature) {
            Ok(area) => areas.push(area),
            Err(reason) => problems.push(Problem::new(file, Some(&label), reason)),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    areas.sort_by(|a, b| a.id.cmp(&b.id));
    for pair in areas.windows(2) {
        if pair[0].id == pair[1].id {
            problems.push(Problem::new(file, Some(&pair[0].id), "duplicate area id"));
        }
    }
    if areas.is_empty() {
        problems.push(Problem::new(file, None, "layer has no areas"));
    }
    if problems.is_empty() {
        Ok(Layer {
            info: info.clone(),
            areas,
        })
    } else {
        Err(problems)
    }
}

fn parse_area(info: &LayerInfo, feature: &geojson::Feature) -> Result<Area, String> {
    let prop = |key: &str| -> Option<String> {
        feature
            .property(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let id = prop("id").ok_or("property 'id' (string) is missing")?;
    let name = prop("name").ok_or("property 'name' (string) is missing")?;
    if id.trim().is_empty() || name.trim().is_empty() {
        return Err("'id' and 'name' must not be empty".into());
    }
    let parents = match feature.property("parents") {
        None | Some(serde_json::Value::Null) => BTreeMap::new(),
        Some(v) => serde_json::from_value::<BTreeMap<String, String>>(v.clone())
            .map_err(|_| "property 'parents' must be an object of layer -> area id strings")?,
    };
    let geometry = to_multipolygon(feature.geometry.as_ref().ok_or("feature has no geometry")?)?;
    check_coordinates(&geometry)?;
    Ok(Area {
        id,
        name,
        layer: info.id.clone(),
        code: prop("code"),
        parents,
        source_note: prop("source"),
        geometry,
    })
}

/// Converts a GeoJSON geometry to a MultiPolygon, refusing other geometry types and positions
/// with fewer than two numbers (which the geojson crate's own conversion would panic on).
pub(crate) fn to_multipolygon(g: &geojson::Geometry) -> Result<MultiPolygon<f64>, String> {
    use geojson::GeometryValue as V;
    let polygons: Vec<&geojson::PolygonType> = match &g.value {
        V::Polygon { coordinates } => vec![coordinates],
        V::MultiPolygon { coordinates } => coordinates.iter().collect(),
        other => {
            return Err(format!(
                "geometry must be a Polygon or MultiPolygon, found {}",
                other.type_name()
            ));
        }
    };
    let mut out = Vec::with_capacity(polygons.len());
    for rings in polygons {
        let mut lines = Vec::with_capacity(rings.len());
        for ring in rings {
            let mut coords = Vec::with_capacity(ring.len());
            for p in ring {
                let [x, y, ..] = p.as_slice() else {
                    return Err("a position has fewer than two numbers".into());
                };
                coords.push(geo::coord! { x: *x, y: *y });
            }
            lines.push(geo::LineString(coords));
        }
        let mut rings = lines.into_iter();
        let Some(shell) = rings.next() else {
            return Err("a polygon has no rings".into());
        };
        out.push(Polygon::new(shell, rings.collect()));
    }
    Ok(MultiPolygon(out))
}

/// Rejects coordinates that cannot be RD New: non-finite, or outside RD's domain (which would
/// mean the file is in another CRS, most often WGS84 degrees).
fn check_coordinates(mp: &MultiPolygon<f64>) -> Result<(), String> {
    use geo::CoordsIter;
    for c in mp.coords_iter() {
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err("coordinate is not a finite number".into());
        }
        if !(-7_000.0..=300_000.0).contains(&c.x) || !(289_000.0..=629_000.0).contains(&c.y) {
            return Err(format!(
                "coordinate ({}, {}) is outside RD New (EPSG:28992); layer files must be in RD metres",
                c.x, c.y
            ));
        }
    }
    Ok(())
}

/// All polygons of a multipolygon, for code that walks rings.
pub fn polygons(mp: &MultiPolygon<f64>) -> impl Iterator<Item = &Polygon<f64>> {
    mp.0.iter()
}
