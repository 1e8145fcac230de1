//! Named places ("landmarks"): museums, shops, schools, hotels, stations, as dispatchers hear
//! them on the phone ("bij het Bonnefantenmuseum", "de Albert Heijn op de Brusselsepoort").
//!
//! The shipped list is `geodata/places.csv`, written by `wijkwijzer import` from the
//! OpenStreetMap POIs in `data/sources` (every node with a name; ODbL, © OpenStreetMap
//! contributors). A name is compared under [`place_key`]: folded like street names (case,
//! diacritics, `St.`/`Sint`), with a leading article (`de`, `het`, `'t`) dropped. The search
//! finds exact names, a name followed by its street (to pick among namesakes), and names within
//! one typo (two for long names), with the same Levenshtein automaton as streets.
//!
//! The hand-kept [`gazetteer`] joins them: landmarks with other names and an extent. Where a
//! name is both a gazetteer entry's and some OpenStreetMap nodes', the entry is the answer
//! (the nodes are parts of it or named after it).

pub mod gazetteer;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use fst::{Automaton, IntoStreamer, Streamer};
use serde::Serialize;

use super::normalize::{fold_words, name_key};
use crate::crs::{Rd, Wgs84, transformer};

/// What answers say about a named place.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlaceRef {
    pub name: String,
    /// The OpenStreetMap tag value: `museum`, `supermarket`, `school`, `hotel`, ...
    pub kind: String,
    /// Where the place comes from, e.g. `OpenStreetMap node/34050681`.
    pub source: String,
}

/// One named place.
#[derive(Debug, Clone)]
pub struct Landmark {
    pub place: PlaceRef,
    pub street: Option<String>,
    pub housenumber: Option<String>,
    pub postcode: Option<String>,
    pub rd: Rd,
    /// Other names it is found by (a gazetteer entry's `alt`).
    pub alt: Vec<String>,
    /// Half its longest dimension in metres, for a gazetteer entry: a park is not a point.
    pub extent_m: Option<f64>,
}

impl Landmark {
    /// "Bonnefantenmuseum (museum), Avenue Céramique 250".
    pub fn label(&self) -> String {
        let mut s = format!("{} ({})", self.place.name, self.place.kind);
        if let Some(street) = &self.street {
            s.push_str(", ");
            s.push_str(street);
            if let Some(n) = &self.housenumber {
                s.push(' ');
                s.push_str(n);
            }
        }
        s
    }
}

/// How a place was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceMatch {
    /// The name as given (folded).
    Exact,
    /// The name and its street: "Albert Heijn Brusselsepoort".
    NameAndStreet,
    /// The name within `edits` typing errors.
    Fuzzy { edits: usize },
}

/// Places found for a text, best first: all those sharing the best match.
#[derive(Debug, Clone)]
pub struct PlaceHits {
    pub how: PlaceMatch,
    pub places: Vec<u32>,
}

/// The named places and their name index.
#[derive(Debug)]
pub struct Landmarks {
    list: Vec<Landmark>,
    /// Made on the first search by name: folding every name under four keys is most of the
    /// cost of loading the places, and a lookup by coordinates never needs it.
    names: OnceLock<NameIndex>,
}

/// The places' names as search keys.
#[derive(Debug)]
struct NameIndex {
    /// Each place's street under [`name_key`].
    street_keys: Vec<Option<String>>,
    longest_key: usize,
    /// [`place_key`] -> index into `groups`.
    keys: fst::Map<Vec<u8>>,
    groups: Vec<Vec<u32>>,
}

impl NameIndex {
    fn of(list: &[Landmark]) -> NameIndex {
        let mut by_key: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (i, l) in list.iter().enumerate() {
            // With its article too (a typo in "The Loft" may fall in "The"), and as typed,
            // before abbreviations are made one (a typo in "O.L. Vrouwe" may fall in "O").
            let mut keys: Vec<String> = std::iter::once(&l.place.name)
                .chain(&l.alt)
                .flat_map(|n| {
                    [
                        place_key(n),
                        name_key(n),
                        raw_key(n),
                        fold_words(n).concat(),
                    ]
                })
                .collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                by_key.entry(key).or_default().push(i as u32);
            }
        }
        let longest_key = by_key.keys().map(String::len).max().unwrap_or(0);
        let mut groups = Vec::with_capacity(by_key.len());
        let keys = fst::Map::from_iter(by_key.into_iter().map(|(k, g)| {
            groups.push(g);
            (k, groups.len() as u64 - 1)
        }))
        .expect("a BTreeMap's keys are sorted and distinct");
        let street_keys = list
            .iter()
            .map(|l| l.street.as_deref().map(name_key))
            .collect();
        NameIndex {
            street_keys,
            longest_key,
            keys,
            groups,
        }
    }
}

/// The shipped places file: `name,kind,lat,lon,street,housenumber,postcode,source`.
pub const EMBEDDED: &str = include_str!("../../../../geodata/places.csv");
/// The header of a places file: what a directory without named places holds.
pub const HEADER: &str = "name,kind,lat,lon,street,housenumber,postcode,source\n";

/// The key a place name is compared under: [`name_key`] without a leading article.
///
/// ```
/// use wijkwijzer_core::address::landmarks::place_key;
/// assert_eq!(place_key("het Bonnefantenmuseum"), place_key("Bonnefantenmuseum"));
/// assert_eq!(place_key("Café 't Pothuiske"), place_key("cafe t pothuiske"));
/// ```
pub fn place_key(text: &str) -> String {
    let words = fold_words(text);
    name_key(&words[article_len(&words)..].join(" "))
}

/// 1 when the first of several words is an article.
fn article_len(words: &[String]) -> usize {
    usize::from(words.len() > 1 && matches!(words[0].as_str(), "de" | "het" | "t" | "the" | "d"))
}

/// A name's folded words without a leading article and without making abbreviations one:
/// the key that typing errors are measured on when [`place_key`] has shortened the name.
fn raw_key(text: &str) -> String {
    let words = fold_words(text);
    words[article_len(&words)..].concat()
}

impl Landmarks {
    /// The OpenStreetMap places shipped in the binary (`places.csv`): what the address index
    /// searches when no geodata gives it places.
    pub fn embedded() -> Arc<Landmarks> {
        static EMBEDDED_PLACES: OnceLock<Arc<Landmarks>> = OnceLock::new();
        EMBEDDED_PLACES
            .get_or_init(|| {
                Arc::new(
                    Landmarks::parse(EMBEDDED, "embedded places.csv")
                        .expect("geodata/places.csv is valid (checked by tests)"),
                )
            })
            .clone()
    }

    /// The shipped places with the shipped gazetteer: what the built-in geodata answers with.
    pub fn shipped() -> Arc<Landmarks> {
        static SHIPPED: OnceLock<Arc<Landmarks>> = OnceLock::new();
        SHIPPED
            .get_or_init(|| {
                Arc::new(
                    Landmarks::with_gazetteer(
                        &[(EMBEDDED, "embedded places.csv")],
                        gazetteer::embedded().places.clone(),
                    )
                    .expect("geodata/places.csv and gazetteer.toml are valid (checked by tests)"),
                )
            })
            .clone()
    }

    /// Places files (see [`Landmarks::from_sources`]) and a gazetteer's entries in one index.
    pub fn with_gazetteer(
        sources: &[(&str, &str)],
        entries: Vec<Landmark>,
    ) -> Result<Landmarks, String> {
        let mut list = Vec::new();
        for (text, origin) in sources {
            read_rows(text, origin, &mut list)?;
        }
        list.extend(entries);
        Ok(Landmarks::index(list))
    }

    /// The extent of a place answered (see [`Landmark::extent_m`]): `None` for a point.
    pub fn extent_of(&self, place: &PlaceRef) -> Option<f64> {
        self.list
            .iter()
            .filter(|l| l.extent_m.is_some())
            .find(|l| &l.place == place)
            .and_then(|l| l.extent_m)
    }

    /// Reads a places file; a bad row is refused with its line and reason.
    pub fn parse(text: &str, origin: &str) -> Result<Landmarks, String> {
        Landmarks::from_sources(&[(text, origin)])
    }

    /// Reads several places files with the same columns (the shipped list and a
    /// municipality's own) into one index; a bad row is refused with its file and line.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<Landmarks, String> {
        let mut list = Vec::new();
        for (text, origin) in sources {
            read_rows(text, origin, &mut list)?;
        }
        Ok(Landmarks::index(list))
    }

    fn index(list: Vec<Landmark>) -> Landmarks {
        Landmarks {
            list,
            names: OnceLock::new(),
        }
    }

    fn names(&self) -> &NameIndex {
        self.names.get_or_init(|| NameIndex::of(&self.list))
    }

    /// Builds the name index now rather than on the first search: for a fuzzer that loads
    /// places without searching them, and a server that would rather not make its first
    /// search wait.
    pub fn prepare(&self) {
        self.names();
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn get(&self, i: u32) -> &Landmark {
        &self.list[i as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = &Landmark> {
        self.list.iter()
    }

    fn group(&self, key: &str) -> Option<&[u32]> {
        let names = self.names();
        names
            .keys
            .get(key)
            .map(|g| names.groups[g as usize].as_slice())
    }

    /// The places a text names: by exact name, by name and street, or by a name within one
    /// typo (two from ten letters on). `None` when nothing is close. Names of two letters
    /// (`H&M`, `C&A`) are found as written, not with a typo: one letter off, they would be
    /// other names.
    pub fn find(&self, text: &str) -> Option<PlaceHits> {
        let key = place_key(text);
        if key.len() < 2 {
            return None;
        }
        let names = self.names();
        if let Some(g) = self.group(&key) {
            return Some(PlaceHits {
                how: PlaceMatch::Exact,
                places: self.entries_first(g.to_vec()),
            });
        }
        // "Albert Heijn Brusselsepoort": the words up to some point begin the place's name
        // (the one there is "Albert Heijn XL"), the rest are its street.
        let words = fold_words(text);
        for split in (1..words.len()).rev() {
            let name = place_key(&words[..split].join(" "));
            let street = name_key(&words[split..].join(" "));
            if name.len() < 2 {
                continue;
            }
            let mut named = Vec::new();
            let mut stream = names
                .keys
                .search(fst::automaton::Str::new(&name).starts_with())
                .into_stream();
            while let Some((_, g)) = stream.next() {
                named.extend_from_slice(&names.groups[g as usize]);
            }
            // Whole words only: "Museu Vrijthof" is a typo, not the start of "Museum aan het
            // Vrijthof".
            let given = &words[article_len(&words)..split];
            let on_street: Vec<u32> = named
                .iter()
                .copied()
                .filter(|&i| names.street_keys[i as usize].as_deref() == Some(street.as_str()))
                .filter(|&i| {
                    let own = fold_words(&self.list[i as usize].place.name);
                    own[article_len(&own)..].starts_with(given)
                })
                .collect();
            if !on_street.is_empty() {
                return Some(PlaceHits {
                    how: PlaceMatch::NameAndStreet,
                    places: on_street,
                });
            }
        }
        let mut best: Option<(usize, Vec<u32>)> = None;
        // Longer than every name by more than two letters: no name is two edits away.
        if key.len() < 3 || key.len() > names.longest_key + 2 {
            return None;
        }
        // Under every reading of the text: a typo may make a word look like an article.
        let mut typed = vec![key, raw_key(text), name_key(text), words.concat()];
        typed.sort();
        typed.dedup();
        for key in typed {
            let reach = if key.chars().count() >= 10 { 2 } else { 1 };
            let dfa = super::edits::within_edits(&key, reach);
            let mut stream = names.keys.search(super::edits::Edits(&dfa)).into_stream();
            while let Some((k, g)) = stream.next() {
                let Ok(k) = std::str::from_utf8(k) else {
                    continue;
                };
                let d = strsim::osa_distance(&key, k);
                let group = &names.groups[g as usize];
                match &mut best {
                    Some((bd, places)) if *bd == d => {
                        for i in group {
                            if !places.contains(i) {
                                places.push(*i);
                            }
                        }
                    }
                    Some((bd, _)) if *bd < d => {}
                    _ => best = Some((d, group.clone())),
                }
            }
        }
        best.map(|(edits, places)| PlaceHits {
            how: PlaceMatch::Fuzzy { edits },
            places: self.entries_first(places),
        })
    }

    /// Of places found under one name, the gazetteer's entries alone when there are any: the
    /// OpenStreetMap nodes sharing the name are parts of the landmark (an entrance, a café
    /// inside) or named after it, and answering them beside it would make one place look
    /// like several.
    fn entries_first(&self, places: Vec<u32>) -> Vec<u32> {
        let entries: Vec<u32> = places
            .iter()
            .copied()
            .filter(|&i| self.list[i as usize].extent_m.is_some())
            .collect();
        if entries.is_empty() { places } else { entries }
    }

    /// Places whose name starts with the typed text, for autocompletion.
    pub fn prefixed(&self, text: &str, limit: usize) -> Vec<u32> {
        let key = place_key(text);
        if key.len() < 3 {
            return Vec::new();
        }
        let names = self.names();
        let mut out = Vec::new();
        let mut stream = names
            .keys
            .search(fst::automaton::Str::new(&key).starts_with())
            .into_stream();
        while let Some((_, g)) = stream.next() {
            for &i in &names.groups[g as usize] {
                if out.len() == limit {
                    return out;
                }
                out.push(i);
            }
        }
        out
    }
}

/// Appends the rows of one places file to `list`.
fn read_rows(text: &str, origin: &str, list: &mut Vec<Landmark>) -> Result<(), String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let t = transformer();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| format!("{origin}: line {line}: {e}"))?;
        let field = |n: usize| row.get(n).map(str::trim).filter(|s| !s.is_empty());
        let number = |n: usize, what: &str| -> Result<f64, String> {
            field(n)
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("{origin}: line {line}: {what} is not a number"))
        };
        let name = field(0).ok_or_else(|| format!("{origin}: line {line}: no name"))?;
        // An ASCII letter or digit always survives folding; only names without one (rare) pay
        // for the Unicode folding here, the rest when the names are first searched.
        if !name.bytes().any(|b| b.is_ascii_alphanumeric()) && place_key(name).is_empty() {
            return Err(format!(
                "{origin}: line {line}: the name '{name}' has no letters or digits"
            ));
        }
        let (lat, lon) = (number(2, "lat")?, number(3, "lon")?);
        if !(50.0..54.0).contains(&lat) || !(3.0..8.0).contains(&lon) {
            return Err(format!(
                "{origin}: line {line}: {lat}, {lon} is not in the Netherlands (lat, lon in WGS84)"
            ));
        }
        list.push(Landmark {
            place: PlaceRef {
                name: name.to_string(),
                kind: field(1).unwrap_or("place").to_string(),
                source: field(7).unwrap_or(origin).to_string(),
            },
            street: field(4).map(str::to_string),
            housenumber: field(5).map(str::to_string),
            postcode: field(6).map(str::to_string),
            rd: t.wgs84_to_rd(Wgs84 { lat, lon }),
            alt: Vec::new(),
            extent_m: None,
        });
    }
    Ok(())
}

/// OpenStreetMap kinds left out of the places: named street furniture, machines and vacant
/// shops, which would crowd out the places themselves.
const NOT_PLACES: &[&str] = &[
    "vacant",
    "atm",
    "vending_machine",
    "waste_basket",
    "bench",
    "recycling",
    "bicycle_parking",
    "charging_station",
    "post_box",
    "telephone",
];

/// `geodata/places.csv` from the OpenStreetMap POI files: every node with a name, its tag
/// (`amenity`, `shop`, `tourism`) as kind, sorted by name and id so that the output is stable.
pub fn from_osm(files: &[std::path::PathBuf]) -> Result<String, String> {
    let mut rows: BTreeMap<(String, String), [String; 8]> = BTreeMap::new();
    for path in files {
        let text = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(super::records::decode_text)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let fc: geojson::FeatureCollection = text
            .parse()
            .map_err(|e| format!("{}: not GeoJSON: {e}", path.display()))?;
        let tag = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        for f in &fc.features {
            let prop = |k: &str| {
                f.property(k)
                    .and_then(|v| v.as_str())
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            let (Some(name), Some(id)) = (prop("name"), prop("@id")) else {
                continue;
            };
            let Some(geojson::GeometryValue::Point { coordinates }) =
                f.geometry.as_ref().map(|g| &g.value)
            else {
                continue;
            };
            let [lon, lat, ..] = coordinates.as_slice() else {
                continue;
            };
            let kind = prop(&tag).unwrap_or_else(|| tag.clone());
            // Street furniture and empty shops are not places people name on the phone.
            if NOT_PLACES.contains(&kind.as_str()) {
                continue;
            }
            rows.entry((name.clone(), id.clone())).or_insert([
                name,
                kind,
                format!("{lat:.7}"),
                format!("{lon:.7}"),
                prop("addr:street").unwrap_or_default(),
                prop("addr:housenumber").unwrap_or_default(),
                prop("addr:postcode").unwrap_or_default(),
                format!("OpenStreetMap {id}"),
            ]);
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "name",
        "kind",
        "lat",
        "lon",
        "street",
        "housenumber",
        "postcode",
        "source",
    ];
    w.write_record(header).map_err(|e| e.to_string())?;
    for row in rows.values() {
        w.write_record(row).map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}
