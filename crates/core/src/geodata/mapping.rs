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

/// The most an area table may hold, checked before it is read: a table of every buurt in the
/// country (about 14,000 rows of code, area and name) is well under a megabyte.
pub const AREA_TABLE_LIMIT: u64 = 4 * 1024 * 1024;

/// One row of an area table: a buurt and the area it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaRow {
    /// The line of the file the row is on (1 is the header).
    pub line: u64,
    pub buurt: String,
    pub area: String,
    pub name: String,
}

/// A municipality's own areas as it keeps them: a table of buurtcode, area id and area name
/// (`import --areas`), read from a CSV in UTF-8 or Windows-1252, `;`, `,` or tab separated.
#[derive(Debug, Clone)]
pub struct AreaTable {
    /// The file, as the user named it: every refusal and every buurt's source note names it.
    pub file: String,
    pub encoding: &'static str,
    pub rows: Vec<AreaRow>,
    /// Rows that could not be read (no buurtcode, area or name), by line: reported with the
    /// problems [`Mapping::set_own_areas`] finds, so that one run lists them all.
    pub problems: Vec<String>,
}

/// Header spellings of the area table's columns, in [`crate::query::name_form`] (lower case,
/// no spaces, `_`, `-` or `.`).
const BUURT_COLUMN: [&str; 5] = ["buurtcode", "buurt", "bucode", "statcode", "cbsbuurtcode"];
const AREA_COLUMN: [&str; 8] = [
    "gebied",
    "gebiedcode",
    "gebiedid",
    "gebiedscode",
    "area",
    "areaid",
    "areacode",
    "id",
];
const NAME_COLUMN: [&str; 6] = [
    "naam",
    "name",
    "gebiedsnaam",
    "gebiednaam",
    "areaname",
    "omschrijving",
];

impl AreaTable {
    /// Reads the table at `path`, refusing a file larger than [`AREA_TABLE_LIMIT`] before
    /// reading it; the problems each name the line.
    pub fn read(path: &std::path::Path) -> Result<AreaTable, Vec<String>> {
        use std::io::Read;
        let file = path.display().to_string();
        let too_big = || {
            vec![format!(
                "larger than {} MiB: an area table has one short row per buurt; is this the right file?",
                AREA_TABLE_LIMIT / 1024 / 1024
            )]
        };
        let f = std::fs::File::open(path).map_err(|e| vec![format!("cannot be read: {e}")])?;
        if f.metadata().is_ok_and(|m| m.len() > AREA_TABLE_LIMIT) {
            return Err(too_big());
        }
        // A file that grows while read (or a pipe) is bounded too.
        let mut bytes = Vec::new();
        f.take(AREA_TABLE_LIMIT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| vec![format!("cannot be read: {e}")])?;
        if bytes.len() as u64 > AREA_TABLE_LIMIT {
            return Err(too_big());
        }
        AreaTable::parse(&file, bytes)
    }

    /// [`AreaTable::read`] of bytes already in memory; `file` names them.
    pub fn parse(file: &str, bytes: Vec<u8>) -> Result<AreaTable, Vec<String>> {
        let utf8 =
            std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).is_ok();
        let text = crate::encoding::decode_text(bytes).map_err(|e| vec![e])?;
        let encoding = if utf8 { "UTF-8" } else { "Windows-1252" };
        let Some(header) = text.lines().find(|l| !l.trim().is_empty()) else {
            return Err(vec![
                "is empty: give a header (buurtcode;gebied;naam) and one row per buurt".into(),
            ]);
        };
        let count = |c: char| header.matches(c).count();
        let delimiter = [b';', b',', b'\t']
            .into_iter()
            .max_by_key(|d| (count(*d as char), *d == b';'))
            .unwrap_or(b';');
        let mut columns: Option<[usize; 3]> = None;
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        // Line by line, so that every problem names the line a person sees in an editor (a
        // quoted field may hold the separator, not a line break).
        for (i, text_line) in text.lines().enumerate() {
            let line = i as u64 + 1;
            if text_line.trim().is_empty() {
                continue;
            }
            let record = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(text_line.as_bytes())
                .records()
                .next();
            let record = match record {
                Some(Ok(r)) => r,
                Some(Err(e)) => {
                    problems.push(format!("line {line}: cannot be read as CSV: {e}"));
                    continue;
                }
                None => continue,
            };
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let Some([b, a, n]) = columns else {
                let names: Vec<String> = record.iter().map(crate::query::name_form).collect();
                let find =
                    |accepted: &[&str]| names.iter().position(|h| accepted.contains(&h.as_str()));
                let (b, a, n) = (find(&BUURT_COLUMN), find(&AREA_COLUMN), find(&NAME_COLUMN));
                let mut missing = Vec::new();
                if b.is_none() {
                    missing.push("the buurtcode (name it buurtcode, buurt or BU_CODE)");
                }
                if a.is_none() {
                    missing.push("the area id (name it gebied, area or id)");
                }
                if n.is_none() {
                    missing.push("the area name (name it naam or name)");
                }
                match (b, a, n) {
                    (Some(b), Some(a), Some(n)) => columns = Some([b, a, n]),
                    _ => {
                        return Err(vec![format!(
                            "line {line}: the header '{}' has no column for {}",
                            record
                                .iter()
                                .collect::<Vec<_>>()
                                .join(&(delimiter as char).to_string()),
                            missing.join(", nor for ")
                        )]);
                    }
                }
                continue;
            };
            let cell = |i: usize| record.get(i).unwrap_or("").trim().to_string();
            let raw = cell(b).to_ascii_uppercase();
            // People keep codes with or without the BU prefix.
            let buurt = if raw.len() == 8 && raw.bytes().all(|c| c.is_ascii_digit()) {
                format!("BU{raw}")
            } else {
                raw
            };
            let (area, name) = (cell(a), cell(n));
            if buurt.is_empty() {
                problems.push(format!("line {line}: no buurtcode"));
                continue;
            }
            if area.is_empty() {
                problems.push(format!("line {line}: buurt {buurt} has no area id"));
                continue;
            }
            if name.is_empty() {
                problems.push(format!(
                    "line {line}: area '{area}' has no name: every row names its area"
                ));
                continue;
            }
            rows.push(AreaRow {
                line,
                buurt,
                area,
                name,
            });
        }
        if columns.is_none() {
            return Err(vec![
                "has no header: give buurtcode;gebied;naam on the first line".into(),
            ]);
        }
        if rows.is_empty() && problems.is_empty() {
            return Err(vec!["has a header but no rows: one row per buurt".into()]);
        }
        Ok(AreaTable {
            file: file.to_string(),
            encoding,
            rows,
            problems,
        })
    }
}

impl Mapping {
    /// Makes the areas of `table` the layer `layer` (titled `title`) and the answering layer:
    /// the coverage (whose areas an answer names, the roster is about and certainty is measured
    /// on) and the answers' area member. `cbs` is the gemeente's buurten (code, name) as the
    /// CBS file has them; a layer of that id already in the mapping is replaced. Every buurt of
    /// the mapping gets its area with the file and line as source. Refused, with each line at
    /// fault: a buurt the CBS file does not have, one listed twice with different areas, an
    /// area with two names, and buurten of the gemeente the table leaves out.
    pub fn set_own_areas(
        &mut self,
        layer: &str,
        title: &str,
        table: &AreaTable,
        cbs: &[(String, String)],
    ) -> Result<(), Vec<String>> {
        let mut problems = table.problems.clone();
        if ["buurt", "wijk"].contains(&layer) || layer.trim().is_empty() {
            problems.push(format!(
                "--areas-layer '{layer}' is a CBS layer's id: give the areas' own, e.g. wijkteam"
            ));
        }
        let mut areas: Vec<DerivedArea> = Vec::new();
        let mut first_line: BTreeMap<&str, u64> = BTreeMap::new();
        let mut of_buurt: BTreeMap<&str, &AreaRow> = BTreeMap::new();
        for row in &table.rows {
            if !cbs.iter().any(|(c, _)| c == &row.buurt) {
                problems.push(format!(
                    "line {}: buurtcode {} is not a buurt of GM{} in the CBS file",
                    row.line, row.buurt, self.gemeente_code
                ));
                continue;
            }
            match areas.iter().find(|a| a.id == row.area) {
                Some(a) if a.name != row.name => problems.push(format!(
                    "line {}: area '{}' is named '{}', but '{}' on line {}: give each area one name",
                    row.line, row.area, row.name, a.name, first_line[row.area.as_str()]
                )),
                Some(_) => {}
                None => {
                    first_line.insert(&row.area, row.line);
                    areas.push(DerivedArea {
                        id: row.area.clone(),
                        name: row.name.clone(),
                    });
                }
            }
            match of_buurt.get(row.buurt.as_str()) {
                Some(before) if before.area != row.area => problems.push(format!(
                    "line {}: buurt {} is listed again, in area '{}'; line {} puts it in '{}': a buurt lies in one area",
                    row.line, row.buurt, row.area, before.line, before.area
                )),
                Some(_) => {}
                None => {
                    of_buurt.insert(&row.buurt, row);
                }
            }
        }
        let missing: Vec<String> = cbs
            .iter()
            .filter(|(c, _)| !of_buurt.contains_key(c.as_str()))
            .map(|(c, n)| format!("{c} ({n})"))
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "{} buurt(en) of GM{} are in no area: {}; add a row for each",
                missing.len(),
                self.gemeente_code,
                missing.join(", ")
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        for (code, entry) in &mut self.buurten {
            if let Some(row) = of_buurt.get(code.as_str()) {
                entry.memberships.insert(
                    layer.to_string(),
                    Membership {
                        area: row.area.clone(),
                        source: format!("{}, line {}", table.file, row.line),
                        inferred: false,
                    },
                );
            }
        }
        let derived = DerivedLayer {
            id: layer.to_string(),
            title: title.to_string(),
            description: format!(
                "The municipality's own areas, from the area table {}; geometry dissolved from their CBS buurten",
                table.file
            ),
            areas,
        };
        match self.layers.iter_mut().find(|l| l.id == layer) {
            Some(l) => *l = derived,
            None => self.layers.push(derived),
        }
        self.coverage_layer = layer.to_string();
        self.municipality.members.lwa = Some(layer.to_string());
        // The word before an area's name belonged to the areas replaced.
        self.municipality.area_word = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_tables_are_read_as_people_keep_them() {
        // English headers, commas, a BOM, a code without BU, quotes and an empty line.
        let text = "\u{feff}Area,Name,BU_CODE\r\nwt-1,\"Noord, oost\",09990001\r\n\r\nwt-2,Zuid,BU09990002\r\n";
        let t = AreaTable::parse("a.csv", text.as_bytes().to_vec()).unwrap();
        assert_eq!(t.encoding, "UTF-8");
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        let rows: Vec<(u64, &str, &str, &str)> = t
            .rows
            .iter()
            .map(|r| (r.line, r.buurt.as_str(), r.area.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (2, "BU09990001", "wt-1", "Noord, oost"),
                (4, "BU09990002", "wt-2", "Zuid")
            ]
        );
        // Dutch headers, tabs, Windows-1252.
        let t = AreaTable::parse(
            "b.txt",
            b"buurt\tgebied\tnaam\nBU1\tx\tLe\xebnhof\n".to_vec(),
        )
        .unwrap();
        assert_eq!(
            (t.encoding, t.rows[0].name.as_str()),
            ("Windows-1252", "Leënhof")
        );
        // A row without a name is kept as a problem with its line, for one report of all.
        let t = AreaTable::parse("c.csv", b"buurtcode;id;naam\nBU1;x;\n".to_vec()).unwrap();
        assert_eq!(
            t.problems,
            ["line 2: area 'x' has no name: every row names its area"]
        );
        assert!(AreaTable::parse("d.csv", Vec::new()).is_err());
        assert!(AreaTable::parse("e.csv", b"PK\x03\x04xlsx".to_vec()).is_err());
    }
}
