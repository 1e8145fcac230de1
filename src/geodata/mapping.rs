//! `layers.toml`: the human-edited file that says which CBS buurten form each area of the
//! derived layers (the LWA areas, the 2022 stadsdelen, ...), with a source note per entry.
//!
//! A second area scheme is just another `[[layers]]` table plus one key per buurt; no code
//! changes. The municipality corrects an assignment by editing one line and re-running
//! `wijkwijzer import`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::SourceInfo;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub coverage_name: String,
    /// CBS gemeente code without prefix, e.g. "0935"; buurten of other gemeenten are skipped.
    pub gemeente_code: String,
    /// The derived layer that defines coverage and carries the area roster.
    pub coverage_layer: String,
    /// The municipality, copied into the manifest.
    pub municipality: super::Municipality,
    /// Defaults for the source description; `wijkwijzer import` flags override them.
    pub source: SourceInfo,
    /// First day the buurten given to `import` hold (the CBS reference date of the year they
    /// stand for); earlier days are answered by `generations`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<jiff::civil::Date>,
    pub layers: Vec<DerivedLayer>,
    /// Earlier boundaries imported beside the current ones, each holding from its own
    /// `valid_from` until the day before the next generation (or the current data) begins.
    #[serde(default, rename = "generation", skip_serializing_if = "Vec::is_empty")]
    pub generations: Vec<GenerationEntry>,
    /// The public files, under `import --source-dir`, that an import without `--buurten`
    /// builds the shipped directory from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipped: Option<ShippedSources>,
    /// Per CBS buurt code: its name (checked against the CBS file) and its area per layer.
    pub buurten: BTreeMap<String, BuurtEntry>,
}

/// `[shipped]`: paths relative to the source directory.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShippedSources {
    pub buurten: std::path::PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wijken: Option<std::path::PathBuf>,
    /// The OpenStreetMap address CSV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<std::path::PathBuf>,
    /// What that file is, for every answer's `data.addresses`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses_source: Option<crate::address::AddressSourceInfo>,
    /// OpenStreetMap POI files whose named nodes become `places.csv`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<std::path::PathBuf>,
}

/// One earlier generation of the buurten, as `layers.toml` lists it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationEntry {
    /// The CBS buurten of that year; a relative path is read from `import --source-dir`.
    pub buurten: std::path::PathBuf,
    /// The CBS year; output files are named after it (`buurt-2019.geojson`).
    pub year: u16,
    pub valid_from: jiff::civil::Date,
    /// The source's name, for answers on dates in this generation.
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedLayer {
    pub id: String,
    pub title: String,
    pub description: String,
    pub areas: Vec<DerivedArea>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedArea {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct BuurtEntry {
    pub name: String,
    /// Layer id -> membership.
    #[serde(flatten)]
    pub memberships: BTreeMap<String, Membership>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub area: String,
    /// Where this assignment comes from (a page, a document, or the reasoning if inferred).
    pub source: String,
    /// True when no source states it and it was inferred.
    pub inferred: bool,
}

impl Mapping {
    pub fn parse(text: &str) -> Result<Mapping, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The mapping of a municipality that has none of its own: one derived layer, the whole
    /// gemeente (the coverage), made of every buurt the CBS file gives it. `code` is the four
    /// digits. The municipality edits the `layers.toml` an import writes from it to add its
    /// own areas.
    pub fn generic(code: &str, name: &str, buurten: &[(String, String)]) -> Mapping {
        let gm = format!("GM{code}");
        let layer = "gemeente".to_string();
        Mapping {
            coverage_name: format!("Gemeente {name} ({gm})"),
            gemeente_code: code.to_string(),
            coverage_layer: layer.clone(),
            municipality: super::Municipality {
                towns: vec![name.to_string()],
                ..super::Municipality::generic(&gm, name)
            },
            source: SourceInfo {
                name: "CBS Wijk- en buurtkaart".into(),
                year: 0,
                generalized: false,
                accuracy_m: None,
                attribution: "Bron: CBS/Kadaster".into(),
                licence: "CC BY 4.0".into(),
            },
            valid_from: None,
            layers: vec![DerivedLayer {
                id: layer.clone(),
                title: format!("Gemeente {name}"),
                description: "The whole municipality, dissolved from its CBS buurten: the covered area and the scope of a city-wide roster".into(),
                areas: vec![DerivedArea {
                    id: gm.clone(),
                    name: name.to_string(),
                }],
            }],
            generations: Vec::new(),
            shipped: None,
            buurten: buurten
                .iter()
                .map(|(code, buurt)| {
                    let membership = Membership {
                        area: gm.clone(),
                        source: format!("CBS: buurtcode {code} lies in gemeente {gm}"),
                        inferred: false,
                    };
                    (
                        code.clone(),
                        BuurtEntry {
                            name: buurt.clone(),
                            memberships: BTreeMap::from([(layer.clone(), membership)]),
                        },
                    )
                })
                .collect(),
        }
    }

    /// Structural checks that need no geometry: known layers and areas, no empty areas.
    pub fn check(&self) -> Vec<String> {
        let mut ids: Vec<&str> = self.layers.iter().map(|l| l.id.as_str()).collect();
        ids.extend(["wijk", "buurt"]);
        let mut problems = self.municipality.check(&ids);
        if self.municipality.code != format!("GM{}", self.gemeente_code) {
            problems.push(format!(
                "municipality.code '{}' is not GM{}, the gemeente_code",
                self.municipality.code, self.gemeente_code
            ));
        }
        if !self.layers.iter().any(|l| l.id == self.coverage_layer) {
            problems.push(format!(
                "coverage_layer '{}' is not one of [[layers]]",
                self.coverage_layer
            ));
        }
        for (code, entry) in &self.buurten {
            for layer in &self.layers {
                match entry.memberships.get(&layer.id) {
                    None => problems.push(format!("buurt {code}: no '{}' assignment", layer.id)),
                    Some(m) if !layer.areas.iter().any(|a| a.id == m.area) => {
                        problems.push(format!(
                            "buurt {code}: '{}' is not an area of layer '{}'",
                            m.area, layer.id
                        ))
                    }
                    Some(_) => {}
                }
            }
            for key in entry.memberships.keys() {
                if !self.layers.iter().any(|l| &l.id == key) {
                    problems.push(format!(
                        "buurt {code}: unknown key '{key}' (not a layer id)"
                    ));
                }
            }
        }
        let mut previous: Option<&GenerationEntry> = None;
        for g in &self.generations {
            if previous.is_some_and(|p| p.valid_from >= g.valid_from) {
                problems.push(format!(
                    "[[generation]] {}: list generations oldest first, each beginning after the one before",
                    g.year
                ));
            }
            if self.valid_from.is_none_or(|v| v <= g.valid_from) {
                problems.push(format!(
                    "[[generation]] {} begins {}; the current data must begin later: set valid_from at the top of layers.toml",
                    g.year, g.valid_from
                ));
            }
            previous = Some(g);
        }
        for layer in &self.layers {
            for area in &layer.areas {
                let used = self.buurten.values().any(|e| {
                    e.memberships
                        .get(&layer.id)
                        .is_some_and(|m| m.area == area.id)
                });
                if !used {
                    problems.push(format!(
                        "area '{}' of layer '{}' has no buurten",
                        area.id, layer.id
                    ));
                }
            }
        }
        problems
    }
}
