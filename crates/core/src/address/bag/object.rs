//! One BAG object as read from the XML: its kind, the fields of one voorkomen, and where it
//! lies (a point, or a polygon's centroid, checked against RD New's range).

use std::io::BufRead;

use geo::{Centroid, Coord, LineString, Polygon};
use jiff::civil::Date;
use quick_xml::events::Event;

use crate::crs::Rd;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Nummeraanduiding,
    OpenbareRuimte,
    Woonplaats,
    Verblijfsobject,
    Ligplaats,
    Standplaats,
}

impl Kind {
    pub(super) fn from_local(name: &[u8]) -> Option<Kind> {
        Some(match name {
            b"Nummeraanduiding" => Kind::Nummeraanduiding,
            b"OpenbareRuimte" => Kind::OpenbareRuimte,
            b"Woonplaats" => Kind::Woonplaats,
            b"Verblijfsobject" => Kind::Verblijfsobject,
            b"Ligplaats" => Kind::Ligplaats,
            b"Standplaats" => Kind::Standplaats,
            _ => return None,
        })
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            Kind::Nummeraanduiding => "nummeraanduiding",
            Kind::OpenbareRuimte => "openbare ruimte",
            Kind::Woonplaats => "woonplaats",
            Kind::Verblijfsobject => "verblijfsobject",
            Kind::Ligplaats => "ligplaats",
            Kind::Standplaats => "standplaats",
        }
    }

    pub(super) fn valid_status(self, status: &str) -> bool {
        let s = status.to_ascii_lowercase();
        match self {
            Kind::Nummeraanduiding | Kind::OpenbareRuimte => s == "naamgeving uitgegeven",
            Kind::Woonplaats => s == "woonplaats aangewezen",
            Kind::Ligplaats | Kind::Standplaats => s == "plaats aangewezen",
            Kind::Verblijfsobject => {
                !(s.contains("ingetrokken")
                    || s.contains("niet gerealiseerd")
                    || s.contains("ten onrechte"))
            }
        }
    }
}

/// One voorkomen as read: its fields by path below the object element (local names joined by
/// `/`), in document order.
#[derive(Debug, Default)]
pub(super) struct Voorkomen {
    fields: Vec<(String, String)>,
}

impl Voorkomen {
    pub(super) fn get(&self, path: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(p, _)| {
                p.strip_suffix(path)
                    .is_some_and(|rest| rest.is_empty() || rest.ends_with('/'))
            })
            .map(|(_, v)| v.as_str())
    }

    /// A date field (`2020-09-15` or a timestamp starting with one).
    pub(super) fn date(&self, path: &str) -> Option<Date> {
        self.get(path)
            .and_then(|s| s.get(..10))
            .and_then(|s| s.parse::<Date>().ok())
    }

    pub(super) fn all<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(p, _)| p == path)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads everything below an object element (whose start tag was just read) into fields.
pub(super) fn read_object<R: BufRead>(xml: &mut quick_xml::Reader<R>) -> Result<Voorkomen, String> {
    // The path as one string with the length before each segment: no join per field.
    let mut path = String::new();
    let mut starts: Vec<usize> = Vec::new();
    let mut v = Voorkomen::default();
    let mut buf = Vec::new();
    let mut text = String::new();
    loop {
        match xml.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) => {
                starts.push(path.len());
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(&String::from_utf8_lossy(e.local_name().as_ref()));
                for a in e.attributes().flatten() {
                    if a.key.local_name().as_ref() == b"srsDimension" {
                        let value = String::from_utf8_lossy(&a.value).into_owned();
                        v.fields.push((format!("{path}@srsDimension"), value));
                    }
                }
                text.clear();
            }
            Event::Text(t) => {
                text.push_str(&t.decode().map_err(|e| e.to_string())?);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| e.to_string())?;
                match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => text.push(c),
                    None => text.push_str(
                        quick_xml::escape::resolve_predefined_entity(&name).unwrap_or_default(),
                    ),
                }
            }
            Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            Event::End(_) => {
                let Some(start) = starts.pop() else {
                    return Ok(v);
                };
                if !text.is_empty() {
                    v.fields.push((path.clone(), std::mem::take(&mut text)));
                }
                path.truncate(start);
            }
            Event::Eof => return Err("the file ends inside an object".into()),
            _ => {}
        }
        buf.clear();
    }
}

/// An object's point: the `gml:pos` of a point, else the centroid of its polygon.
pub(super) fn location(v: &Voorkomen) -> Result<Rd, String> {
    let numbers = |s: &str| -> Result<Vec<f64>, String> {
        s.split_whitespace()
            .map(|n| {
                n.parse::<f64>()
                    .map_err(|_| format!("coordinate '{n}' is not a number"))
            })
            .collect()
    };
    if let Some(pos) = v
        .fields
        .iter()
        .find(|(p, _)| p.starts_with("geometrie/") && p.ends_with("Point/pos"))
    {
        let n = numbers(&pos.1)?;
        if n.len() < 2 {
            return Err(format!("gml:pos '{}' has fewer than two numbers", pos.1));
        }
        return check_rd(n[0], n[1]);
    }
    let ring = v
        .fields
        .iter()
        .find(|(p, _)| p.starts_with("geometrie/") && p.ends_with("exterior/LinearRing/posList"))
        .ok_or("no geometrie (gml:Point or gml:Polygon)")?;
    let dims = v
        .fields
        .iter()
        .filter(|(p, _)| {
            p.ends_with("@srsDimension") && ring.0.starts_with(p.trim_end_matches("@srsDimension"))
        })
        .filter_map(|(_, d)| d.trim().parse::<usize>().ok())
        .next_back()
        .unwrap_or(2);
    if !(2..=3).contains(&dims) {
        return Err(format!("srsDimension {dims} is not 2 or 3"));
    }
    let n = numbers(&ring.1)?;
    if n.len() % dims != 0 || n.len() < dims * 4 {
        return Err(format!(
            "posList has {} numbers, not a ring of {dims}-dimensional positions",
            n.len()
        ));
    }
    let coords: Vec<Coord> = n.chunks(dims).map(|c| Coord { x: c[0], y: c[1] }).collect();
    let c = Polygon::new(LineString::new(coords), vec![])
        .centroid()
        .ok_or("the polygon has no area")?;
    check_rd(c.x(), c.y())
}

pub(super) fn check_rd(x: f64, y: f64) -> Result<Rd, String> {
    crate::query::check_projected(x, y, crate::crs::Crs::RdNew).map_err(|e| e.to_string())
}
