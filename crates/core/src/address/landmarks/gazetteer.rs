//! The gazetteer: the city's major landmarks (stations, hospitals, venues, parks, squares,
//! bridges, quarters) kept by hand in `gazetteer.toml`, beside the OpenStreetMap nodes of
//! `places.csv` that `import` regenerates.
//!
//! An OpenStreetMap node is a point; a park, a bridge or a quarter is not. Every entry here
//! therefore has an extent (`radius_m`: half its longest dimension) that answers for it carry
//! as their radius, so that a park crossing an area boundary is never answered as `certain`;
//! and every entry names where its coordinate (`source`) and its extent (`extent_source`) come
//! from. Entries have the other names callers use (`alt`: "Stasie" for the station, "azM" for
//! the hospital). An entry of kind `city` is the municipality itself under another name
//! ("Mestreech"): it is no point, and answers as the whole municipality does.
//!
//! The file is read bounded and checked entry by entry: a problem names the entry and the
//! reason, and the whole file is refused, never half of it loaded.

use geo::Rect;
use serde::Deserialize;

use super::{Landmark, PlaceRef, place_key};
use crate::crs::{Wgs84, transformer};

/// The file's name in a geodata directory.
pub const FILE: &str = "gazetteer.toml";

/// The shipped gazetteer of Maastricht.
pub const EMBEDDED: &str = include_str!("../../../../../geodata/gazetteer.toml");

/// The kind of entry that is the municipality itself under another name.
pub const CITY: &str = "city";

/// At most this many bytes are read: a gazetteer is a hand-kept list, not a register.
const MAX_BYTES: usize = 1 << 20;
/// At most this many entries, and names per entry.
const MAX_ENTRIES: usize = 5_000;
const MAX_ALT: usize = 32;
/// No landmark is larger than this (half its longest dimension); a city entry is exempt.
const MAX_RADIUS_M: f64 = 20_000.0;
const MAX_NAME: usize = 200;

/// One entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    kind: String,
    #[serde(default)]
    alt: Vec<String>,
    lat: f64,
    lon: f64,
    radius_m: f64,
    extent_source: String,
    source: String,
    street: Option<String>,
    housenumber: Option<String>,
    postcode: Option<String>,
    /// The CBS buurt (code) whose interior point or extent the entry was taken from or lies
    /// in: a cross-check, read by the data tests.
    #[allow(dead_code)]
    buurt: Option<String>,
    /// An address of the address file ("Stationsplein 26") the coordinate was taken from or
    /// checked against: read by the data tests.
    #[allow(dead_code)]
    address: Option<String>,
}

/// A problem with one entry, or with the file (`entry` is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct EntryProblem {
    /// `place 3 'Stadspark'`.
    pub entry: Option<String>,
    pub reason: String,
}

/// A read gazetteer: the named places, and the other names of the municipality itself.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    pub places: Vec<Landmark>,
    /// Names and other names of entries of kind `city`.
    pub city_names: Vec<String>,
}

/// Reads a gazetteer; `within` is the coverage's bounding box in RD (no entry may lie
/// outside it), `None` for no such check. Every problem is reported, each with its entry.
pub fn parse(text: &str, within: Option<Rect<f64>>) -> Result<Gazetteer, Vec<EntryProblem>> {
    let file = |reason: String| {
        vec![EntryProblem {
            entry: None,
            reason,
        }]
    };
    if text.len() > MAX_BYTES {
        return Err(file(format!(
            "{} bytes is more than a gazetteer may hold ({MAX_BYTES}): keep landmarks here and \
             generated places in places.csv",
            text.len()
        )));
    }
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| file(format!("not TOML: {}", e.message())))?;
    let mut problems = Vec::new();
    for key in table.keys().filter(|k| *k != "place") {
        problems.push(EntryProblem {
            entry: None,
            reason: format!("unknown key '{key}': the file holds [[place]] entries only"),
        });
    }
    let entries = match table.get("place") {
        None => Vec::new(),
        Some(toml::Value::Array(a)) => a.clone(),
        Some(_) => return Err(file("'place' must be a list of [[place]] tables".into())),
    };
    if entries.len() > MAX_ENTRIES {
        return Err(file(format!(
            "{} entries is more than a gazetteer may hold ({MAX_ENTRIES})",
            entries.len()
        )));
    }
    let t = transformer();
    let mut out = Gazetteer::default();
    for (i, value) in entries.into_iter().enumerate() {
        let named = value
            .get("name")
            .and_then(|v| v.as_str())
            .map(|n| format!("place {} '{}'", i + 1, n.trim()))
            .unwrap_or_else(|| format!("place {}", i + 1));
        let e: Entry = match value.try_into() {
            Ok(e) => e,
            Err(err) => {
                problems.push(EntryProblem {
                    entry: Some(named),
                    reason: err.message().to_string(),
                });
                continue;
            }
        };
        let mut mine: Vec<String> = Vec::new();
        let mut problem = |reason: String| mine.push(reason);
        let names = std::iter::once(&e.name).chain(&e.alt);
        for n in names {
            if place_key(n).is_empty() || n.chars().count() > MAX_NAME {
                problem(format!(
                    "the name '{n}' has no letters or digits, or is longer than {MAX_NAME}"
                ));
            }
        }
        if e.alt.len() > MAX_ALT {
            problem(format!("{} other names; at most {MAX_ALT}", e.alt.len()));
        }
        if e.kind.trim().is_empty() {
            problem("kind is empty: say what the place is (station, park, bridge, ...)".into());
        }
        if e.source.trim().is_empty() {
            problem("source is empty: name where the coordinate comes from".into());
        }
        if e.extent_source.trim().is_empty() {
            problem("extent_source is empty: name where radius_m comes from".into());
        }
        let city = e.kind.trim() == CITY;
        if !(e.radius_m.is_finite() && e.radius_m > 0.0) {
            problem(format!(
                "radius_m = {}: give half the place's longest dimension in metres, more than 0",
                e.radius_m
            ));
        } else if !city && e.radius_m > MAX_RADIUS_M {
            problem(format!(
                "radius_m = {} is larger than any landmark ({MAX_RADIUS_M} m)",
                e.radius_m
            ));
        }
        // NaN and infinities are in no range.
        if !((50.0..54.0).contains(&e.lat) && (3.0..8.0).contains(&e.lon)) {
            problem(format!(
                "{}, {} is not in the Netherlands (lat, lon in WGS84 degrees)",
                e.lat, e.lon
            ));
        }
        if mine.is_empty()
            && let Some(b) = within
        {
            let rd = t.wgs84_to_rd(Wgs84 {
                lat: e.lat,
                lon: e.lon,
            });
            if !(b.min().x..=b.max().x).contains(&rd.x) || !(b.min().y..=b.max().y).contains(&rd.y)
            {
                mine.push(format!(
                    "{}, {} lies outside the coverage's box: is the coordinate right (lat, lon \
                     in WGS84 degrees), and is the place in this municipality?",
                    e.lat, e.lon
                ));
            }
        }
        if !mine.is_empty() {
            problems.extend(mine.into_iter().map(|reason| EntryProblem {
                entry: Some(named.clone()),
                reason,
            }));
            continue;
        }
        let rd = t.wgs84_to_rd(Wgs84 {
            lat: e.lat,
            lon: e.lon,
        });
        let trimmed = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        if city {
            out.city_names.push(e.name.trim().to_string());
            out.city_names
                .extend(e.alt.iter().map(|a| a.trim().to_string()));
            continue;
        }
        out.places.push(Landmark {
            place: PlaceRef {
                name: e.name.trim().to_string(),
                kind: e.kind.trim().to_string(),
                source: e.source.trim().to_string(),
            },
            street: trimmed(e.street),
            housenumber: trimmed(e.housenumber),
            postcode: trimmed(e.postcode),
            rd,
            alt: e.alt.iter().map(|a| a.trim().to_string()).collect(),
            extent_m: Some(e.radius_m),
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The shipped gazetteer, read without a coverage check (the data tests make it).
pub fn embedded() -> &'static Gazetteer {
    static READ: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
    READ.get_or_init(|| {
        parse(EMBEDDED, None).expect("geodata/gazetteer.toml is valid (checked by tests)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
[[place]]
name = "Stadspark"
kind = "park"
alt = ["het Stadspark"]
lat = 50.846
lon = 5.686
radius_m = 350
extent_source = "test"
source = "test"
"#;

    #[test]
    fn reads_an_entry_with_its_extent() {
        let g = parse(ONE, None).unwrap();
        assert_eq!(g.places.len(), 1);
        assert_eq!(g.places[0].extent_m, Some(350.0));
        assert_eq!(g.places[0].alt, ["het Stadspark"]);
    }

    #[test]
    fn refuses_with_entry_and_reason() {
        for (bad, why) in [
            (
                ONE.replace("radius_m = 350", "radius_m = 0"),
                "radius_m = 0",
            ),
            (
                ONE.replace("\nsource = \"test\"", ""),
                "missing field `source`",
            ),
            (
                ONE.replace("alt =", "colour = \"green\"\nalt ="),
                "unknown field `colour`",
            ),
        ] {
            let p = parse(&bad, None).unwrap_err();
            assert_eq!(p[0].entry.as_deref(), Some("place 1 'Stadspark'"), "{bad}");
            assert!(p[0].reason.contains(why), "{:?}", p);
        }
    }

    #[test]
    fn refuses_a_place_outside_the_box() {
        let b = Rect::new(
            geo::coord! { x: 0.0, y: 0.0 },
            geo::coord! { x: 1.0, y: 1.0 },
        );
        let p = parse(ONE, Some(b)).unwrap_err();
        assert!(p[0].reason.contains("outside the coverage"), "{p:?}");
    }

    #[test]
    fn the_shipped_gazetteer_reads() {
        let g = embedded();
        assert!(g.places.len() >= 25, "{}", g.places.len());
        assert!(g.city_names.iter().any(|n| n == "Mestreech"));
    }
}
