//! The offline address index: Dutch addresses to points, exactly where the text allows and
//! tolerantly where people type sloppily, always saying how sure it is.
//!
//! Sources ([`records`], [`bag`]): the BAG 2.0 Extract as Kadaster delivers it, any CSV with the
//! usual columns, and the embedded default (OpenStreetMap addresses of Maastricht, ODbL), all
//! written to and read from one canonical CSV. [`AddressIndex`] holds them compactly so that a
//! national register (about 9.9 million addresses) fits: one 40-byte row per address, sorted by
//! postcode and number for exact lookups, a permutation by street for street searches, and an
//! `fst` map of folded street names for prefix (suggest) and edit-distance (typo) searches.
//! [`search`] reads queries and ranks candidates.

pub mod bag;
mod edits;
mod examples;
pub mod landmarks;
pub mod normalize;
mod phrasing;
mod ranking;
pub mod records;
pub mod search;
pub mod suggest;
pub mod synthetic;
mod zipstream;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::crs::Rd;
use normalize::{Postcode, Suffix, format_number, name_key};

pub use examples::Examples;
pub use search::{Candidate, Failure, Found, MatchQuality, Query};

/// One address as sources give it.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressRecord {
    /// BAG nummeraanduiding identificatie (16 digits), when the source has one.
    pub id: Option<u64>,
    pub postcode: Option<Postcode>,
    pub number: u32,
    pub suffix: Suffix,
    pub street: String,
    pub place: String,
    pub rd: Rd,
}

/// Where the loaded addresses come from; part of every address answer and of `/v1/lookup`'s
/// metadata.
// No `deny_unknown_fields`: the answers flatten this into `AddressMeta`, and the schema
// generated from it must allow the neighbouring fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AddressSourceInfo {
    pub name: String,
    pub licence: String,
    pub attribution: String,
    /// True when this is the complete BAG register for the covered area.
    pub complete: bool,
    /// What a user should know about the source's limits.
    pub note: String,
    /// The day the source describes (a BAG extract's stand, an export's date), when known.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<jiff::civil::Date>,
}

/// The metadata reported with answers.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AddressMeta {
    pub count: usize,
    #[serde(flatten)]
    pub source: AddressSourceInfo,
    pub how_to_load_bag: String,
}

/// How to load the register of gemeente `code` (`GM` and four digits).
pub fn how_to_load_bag(code: &str) -> String {
    format!(
        "download the national BAG extract (lvbag-extract-nl.zip, free from PDOK: https://service.pdok.nl/kadaster/bag/atom/downloads/lvbag-extract-nl.zip), run `wijkwijzer import bag lvbag-extract-nl.zip --gemeente {} --out addresses.csv`, then start with `--addresses addresses.csv`",
        code.trim_start_matches("GM")
    )
}

/// One stored address: 40 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    /// Packed postcode, or `u32::MAX` when the address has none.
    postcode: u32,
    number: u32,
    suffix: Suffix,
    /// Index into `groups`.
    group: u32,
    /// RD in millimetres.
    x: i32,
    y: i32,
    id: u64,
}

/// The addresses of one street in one woonplaats.
#[derive(Debug, Clone)]
struct Group {
    key: u32,
    place: u32,
    /// Display name of the street as the source writes it.
    name: u32,
    start: u32,
    len: u32,
}

/// An address as answers show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Address {
    /// BAG nummeraanduiding id, when the source has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Street, number, postcode and woonplaats: "Brusselsepoort 45, 6216CG" and the town.
    pub label: String,
    pub street: String,
    /// The house number; 0 when the answer stands for a street or a postcode (see
    /// `street_only`, `postcode_only`): no house was meant.
    pub number: u32,
    pub huisletter: Option<String>,
    pub toevoeging: Option<String>,
    pub postcode: Option<String>,
    pub place: String,
    pub rd: Rd,
}

/// The address index. Build with [`AddressIndex::build`]; cheap to share behind an `Arc`.
#[derive(Debug, Clone)]
pub struct AddressIndex {
    /// Sorted by (postcode, number, suffix).
    rows: Vec<Row>,
    /// Distinct postcodes and where their rows start (`pc_start[i]..pc_start[i + 1]`).
    pc: Vec<u32>,
    pc_start: Vec<u32>,
    /// Row indices sorted by (group, number, suffix).
    by_street: Vec<u32>,
    groups: Vec<Group>,
    /// Folded street key → key id; key ids index `key_groups`.
    street_keys: fst::Map<Vec<u8>>,
    key_groups: Vec<Vec<u32>>,
    key_text: Vec<Box<str>>,
    names: Vec<Box<str>>,
    /// Named places, searched by the same free text (see [`landmarks`]).
    landmarks: Arc<landmarks::Landmarks>,
    places: Vec<Box<str>>,
    /// Folded woonplaats key → place ids.
    place_keys: HashMap<String, Vec<u32>>,
    info: AddressSourceInfo,
    version: String,
}

/// Why a set of records could not become an index.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct BuildError(pub String);

impl AddressIndex {
    /// Builds the index. Duplicate addresses (same postcode, number and suffix, or without a
    /// postcode the same street, place, number and suffix) keep their first record; the count
    /// of dropped duplicates is returned.
    pub fn build(
        records: impl IntoIterator<Item = AddressRecord>,
        info: AddressSourceInfo,
    ) -> Result<(AddressIndex, usize), BuildError> {
        let mut names: Vec<Box<str>> = Vec::new();
        let mut name_ids: HashMap<Box<str>, u32> = HashMap::new();
        let mut places: Vec<Box<str>> = Vec::new();
        let mut place_ids: HashMap<Box<str>, u32> = HashMap::new();
        let mut keys: HashMap<String, u32> = HashMap::new();
        let mut key_text: Vec<Box<str>> = Vec::new();
        let mut group_ids: HashMap<(u32, u32), u32> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut rows: Vec<Row> = Vec::new();
        let mut hasher = sha2::Sha256::default();
        for r in records {
            use sha2::Digest;
            let intern = |s: &str, ids: &mut HashMap<Box<str>, u32>, list: &mut Vec<Box<str>>| {
                if let Some(&i) = ids.get(s) {
                    return i;
                }
                let i = list.len() as u32;
                list.push(s.into());
                ids.insert(s.into(), i);
                i
            };
            let name = intern(&r.street, &mut name_ids, &mut names);
            let place = intern(&r.place, &mut place_ids, &mut places);
            let k = name_key(&r.street);
            if k.is_empty() {
                return Err(BuildError(format!(
                    "street name '{}' has no letters or digits",
                    r.street
                )));
            }
            let key = match keys.get(&k) {
                Some(&i) => i,
                None => {
                    let i = key_text.len() as u32;
                    key_text.push(k.as_str().into());
                    keys.insert(k, i);
                    i
                }
            };
            let group = *group_ids.entry((key, place)).or_insert_with(|| {
                groups.push(Group {
                    key,
                    place,
                    name,
                    start: 0,
                    len: 0,
                });
                (groups.len() - 1) as u32
            });
            hasher.update(r.number.to_le_bytes());
            hasher.update(r.street.as_bytes());
            rows.push(Row {
                postcode: r.postcode.map_or(u32::MAX, |p| p.0),
                number: r.number,
                suffix: r.suffix,
                group,
                x: (r.rd.x * 1000.0).round() as i32,
                y: (r.rd.y * 1000.0).round() as i32,
                id: r.id.unwrap_or(0),
            });
        }
        if rows.len() >= u32::MAX as usize {
            return Err(BuildError("more than 4 billion addresses".into()));
        }
        rows.sort_by_key(|r| (r.postcode, r.number, r.suffix, r.group));
        let before = rows.len();
        rows.dedup_by(|b, a| {
            a.number == b.number
                && a.suffix == b.suffix
                && if a.postcode == u32::MAX {
                    a.group == b.group && b.postcode == u32::MAX
                } else {
                    a.postcode == b.postcode
                }
        });
        let duplicates = before - rows.len();

        let mut pc = Vec::new();
        let mut pc_start = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            if r.postcode != u32::MAX && pc.last() != Some(&r.postcode) {
                pc.push(r.postcode);
                pc_start.push(i as u32);
            }
        }
        pc_start.push(
            rows.iter()
                .position(|r| r.postcode == u32::MAX)
                .unwrap_or(rows.len()) as u32,
        );

        let mut by_street: Vec<u32> = (0..rows.len() as u32).collect();
        by_street.sort_by_key(|&i| {
            let r = &rows[i as usize];
            (r.group, r.number, r.suffix)
        });
        for g in groups.iter_mut() {
            g.len = 0;
        }
        for (pos, &i) in by_street.iter().enumerate() {
            let g = &mut groups[rows[i as usize].group as usize];
            if g.len == 0 {
                g.start = pos as u32;
            }
            g.len += 1;
        }

        let mut key_groups: Vec<Vec<u32>> = vec![Vec::new(); key_text.len()];
        for (gi, g) in groups.iter().enumerate() {
            if g.len > 0 {
                key_groups[g.key as usize].push(gi as u32);
            }
        }
        let mut sorted: Vec<(&str, u64)> = key_text
            .iter()
            .enumerate()
            .map(|(i, k)| (&**k, i as u64))
            .collect();
        sorted.sort_unstable();
        let street_keys = fst::Map::from_iter(sorted)
            .map_err(|e| BuildError(format!("street name index: {e}")))?;

        let mut place_keys: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, p) in places.iter().enumerate() {
            place_keys.entry(name_key(p)).or_default().push(i as u32);
        }
        rows.shrink_to_fit();
        pc.shrink_to_fit();
        pc_start.shrink_to_fit();
        groups.shrink_to_fit();
        let version = {
            use sha2::Digest;
            hex::encode(&hasher.finalize()[..6])
        };
        Ok((
            AddressIndex {
                rows,
                pc,
                pc_start,
                by_street,
                groups,
                street_keys,
                key_groups,
                key_text,
                names,
                places,
                place_keys,
                landmarks: landmarks::Landmarks::embedded(),
                info,
                version,
            },
            duplicates,
        ))
    }

    /// The embedded default: OpenStreetMap addresses of Maastricht (see `geodata/addresses.toml`).
    pub fn embedded() -> Arc<AddressIndex> {
        static EMBEDDED: OnceLock<Arc<AddressIndex>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                let info: AddressSourceInfo =
                    toml::from_str(include_str!("../../../../geodata/addresses.toml"))
                        .expect("geodata/addresses.toml is valid (checked by tests)");
                let rows = records::read_canonical(
                    include_bytes!("../../../../geodata/addresses.csv").as_slice(),
                    "embedded addresses.csv",
                )
                .expect("geodata/addresses.csv is valid (checked by tests)");
                let (index, _) = AddressIndex::build(rows, info)
                    .expect("geodata/addresses.csv builds (checked by tests)");
                Arc::new(index)
            })
            .clone()
    }

    /// Loads a canonical address CSV (as written by `wijkwijzer import`), with the source
    /// described by the `.toml` beside it when there is one.
    pub fn load(path: &std::path::Path) -> Result<AddressIndex, records::RecordError> {
        let file = std::fs::File::open(path)
            .map_err(|e| records::RecordError::file(path, e.to_string()))?;
        let name = path.display().to_string();
        let rows = records::read_canonical(std::io::BufReader::new(file), &name)?;
        let meta_path = path.with_extension("toml");
        let info = match std::fs::read_to_string(&meta_path) {
            Ok(text) => toml::from_str(&text)
                .map_err(|e| records::RecordError::file(&meta_path, e.to_string()))?,
            Err(_) => AddressSourceInfo {
                name: format!("address file {name}"),
                licence: "unknown".into(),
                attribution: String::new(),
                complete: false,
                note: format!("no {} describes this file", meta_path.display()),
                date: None,
            },
        };
        AddressIndex::build(rows, info)
            .map(|(i, _)| i)
            .map_err(|e| records::RecordError::file(path, e.0))
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// A hash of every record, made when the index is built: part of the service's data
    /// version, so that replacing the address file changes it even when the areas stay.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The named places searched with the addresses.
    pub fn landmarks(&self) -> &landmarks::Landmarks {
        &self.landmarks
    }

    /// The same index searching other named places (a geodata directory's own).
    pub fn with_landmarks(
        index: Arc<AddressIndex>,
        landmarks: Arc<landmarks::Landmarks>,
    ) -> Arc<AddressIndex> {
        if Arc::ptr_eq(&index.landmarks, &landmarks) {
            return index;
        }
        // Cloned only when shared (the embedded index); a loaded register is moved.
        let mut own = Arc::unwrap_or_clone(index);
        own.landmarks = landmarks;
        Arc::new(own)
    }

    /// Where the addresses come from.
    pub fn info(&self) -> &AddressSourceInfo {
        &self.info
    }

    /// What answers say of the index, for the municipality `gemeente` (its CBS code) whose
    /// register would replace it.
    pub fn meta(&self, gemeente: &str) -> AddressMeta {
        AddressMeta {
            count: self.rows.len(),
            source: self.info.clone(),
            how_to_load_bag: how_to_load_bag(gemeente),
        }
    }

    /// Bytes of memory held by the index (its own arrays, not the allocator's slack).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.rows.capacity() * size_of::<Row>()
            + (self.pc.capacity() + self.pc_start.capacity() + self.by_street.capacity()) * 4
            + self.groups.capacity() * size_of::<Group>()
            + self.street_keys.as_fst().as_bytes().len()
            + self
                .key_groups
                .iter()
                .map(|g| g.capacity() * 4 + size_of::<Vec<u32>>())
                .sum::<usize>()
            + self
                .key_text
                .iter()
                .chain(&self.names)
                .chain(&self.places)
                .map(|s| s.len() + size_of::<Box<str>>())
                .sum::<usize>()
    }

    pub(crate) fn address(&self, row: u32) -> Address {
        let r = &self.rows[row as usize];
        let g = &self.groups[r.group as usize];
        let street = self.names[g.name as usize].to_string();
        let place = self.places[g.place as usize].to_string();
        let postcode = (r.postcode != u32::MAX).then(|| Postcode(r.postcode).to_string());
        let number = format_number(r.number, r.suffix);
        let label = match &postcode {
            Some(pc) => format!("{street} {number}, {pc} {place}"),
            None => format!("{street} {number}, {place}"),
        };
        Address {
            id: (r.id != 0).then(|| format!("{:016}", r.id)),
            label,
            street,
            number: r.number,
            huisletter: r.suffix.letter().map(String::from),
            toevoeging: r.suffix.toevoeging().map(str::to_string),
            postcode,
            place,
            rd: self.rd(row),
        }
    }

    /// The point of a row (as in [`Found::members`]).
    pub fn row_rd(&self, row: u32) -> Rd {
        self.rd(row)
    }

    /// The row of exactly this address, if it exists: the lookup without building an answer.
    pub fn exact_row(&self, postcode: Postcode, number: u32, suffix: Suffix) -> Option<u32> {
        let range = self.postcode_rows(postcode.0);
        let rows = &self.rows[range.clone()];
        let i = rows.partition_point(|r| (r.number, r.suffix) < (number, suffix));
        rows.get(i)
            .filter(|r| r.number == number && r.suffix == suffix)
            .map(|_| (range.start + i) as u32)
    }

    /// The structured query (postcode, number, suffix) that names a row exactly.
    pub fn query_for_row(&self, row: u32) -> Query {
        let r = &self.rows[row as usize];
        Query::Parts {
            postcode: if r.postcode == u32::MAX {
                String::new()
            } else {
                Postcode(r.postcode).to_string()
            },
            huisnummer: r.number.to_string(),
            huisletter: r.suffix.letter().map(String::from),
            toevoeging: r.suffix.toevoeging().map(str::to_string),
        }
    }

    /// A row (as in [`Found::members`]) as a candidate of the given quality.
    pub fn row_candidate(&self, row: u32, quality: search::MatchQuality) -> Candidate {
        self.candidate(row, quality, 0)
    }

    fn rd(&self, row: u32) -> Rd {
        let r = &self.rows[row as usize];
        Rd {
            x: f64::from(r.x) / 1000.0,
            y: f64::from(r.y) / 1000.0,
        }
    }

    /// The rows of a postcode, in number order.
    fn postcode_rows(&self, pc: u32) -> std::ops::Range<usize> {
        match self.pc.binary_search(&pc) {
            Ok(i) => self.pc_start[i] as usize..self.pc_start[i + 1] as usize,
            Err(_) => 0..0,
        }
    }

    /// Row indices of a street group, in number order.
    fn group_rows(&self, group: u32) -> &[u32] {
        let g = &self.groups[group as usize];
        &self.by_street[g.start as usize..(g.start + g.len) as usize]
    }
}
