//! Walking the inputs (zips, zips inside zips, folders, XML files) in passes, and keeping the
//! current voorkomens of the object types each pass asks for.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use jiff::civil::Date;
use quick_xml::events::Event;

use crate::address::AddressRecord;
use crate::address::normalize::{Postcode, Suffix};
use crate::address::records::RecordError;
use crate::crs::Rd;

use super::object::{Kind, Voorkomen, location, read_object};
use super::options::{BagStats, Progress};

/// Counts the bytes read from an input file.
pub(super) struct Counting<R> {
    inner: R,
    progress: Option<std::sync::Arc<Progress>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            p.bytes
                .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

#[derive(Debug)]
pub(super) struct Num {
    pub(super) postcode: Option<Postcode>,
    pub(super) number: u32,
    pub(super) suffix: Suffix,
    pub(super) street: u64,
    pub(super) place: Option<u64>,
}

#[derive(Debug)]
pub(super) struct Object {
    pub(super) hoofdadres: u64,
    pub(super) nevenadressen: Vec<u64>,
    pub(super) rd: Rd,
}

/// Current versions, by identificatie, with the voorkomen number they came from.
#[derive(Debug, Default)]
pub(super) struct Collected {
    pub(super) nums: HashMap<u64, (u32, Num)>,
    pub(super) streets: HashMap<u64, (u32, (String, u64))>,
    pub(super) places: HashMap<u64, (u32, String)>,
    pub(super) objects: HashMap<u64, (u32, Object)>,
}

pub(super) fn keep<T>(map: &mut HashMap<u64, (u32, T)>, id: u64, voorkomen: u32, value: T) {
    match map.get(&id) {
        Some((v, _)) if *v > voorkomen => {}
        _ => {
            map.insert(id, (voorkomen, value));
        }
    }
}

/// The object types of one pass over the input. Without a gemeente filter one pass reads all;
/// with one, woonplaatsen and streets come first, then nummeraanduidingen, then the objects,
/// so that each pass keeps only what lies in the gemeente and memory stays the gemeente's size.
pub(super) const ALL: &[Kind] = &[
    Kind::Woonplaats,
    Kind::OpenbareRuimte,
    Kind::Nummeraanduiding,
    Kind::Verblijfsobject,
    Kind::Ligplaats,
    Kind::Standplaats,
];
pub(super) const STAGES: &[&[Kind]] = &[
    &[Kind::Woonplaats, Kind::OpenbareRuimte],
    &[Kind::Nummeraanduiding],
    &[Kind::Verblijfsobject, Kind::Ligplaats, Kind::Standplaats],
];

/// An XML error in file `name`, at the reader's position.
pub(super) fn xml_error<R>(
    xml: &quick_xml::Reader<R>,
    name: &str,
    e: impl std::fmt::Display,
) -> RecordError {
    RecordError {
        file: name.to_string(),
        line: None,
        io: None,
        reason: format!("XML error at byte {}: {e}", xml.buffer_position()),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass {
    /// Reading the GEM-WPL-RELATIE file and the Leveringsdocument only.
    Meta,
    Objects,
}

pub(super) struct Reader {
    pub(super) today: Date,
    pub(super) stats: BagStats,
    pub(super) collected: Collected,
    /// The object types kept in this pass.
    pub(super) stage: &'static [Kind],
    /// The gemeente's woonplaatsen, when filtering.
    pub(super) places: Option<std::collections::HashSet<u64>>,
    pub(super) pass: Pass,
    /// The gemeente's woonplaatsen valid on the date, from GEM-WPL-RELATIE.
    pub(super) gwr_places: std::collections::HashSet<u64>,
    pub(super) relation_seen: bool,
    pub(super) gemeente: Option<String>,
    pub(super) progress: Option<std::sync::Arc<Progress>>,
}

/// A problem inside a streamed zip: the zip itself, or a file in it.
pub(super) enum ZipStreamError {
    Io(std::io::Error),
    Record(RecordError),
}

impl From<std::io::Error> for ZipStreamError {
    fn from(e: std::io::Error) -> Self {
        ZipStreamError::Io(e)
    }
}

impl From<RecordError> for ZipStreamError {
    fn from(e: RecordError) -> Self {
        ZipStreamError::Record(e)
    }
}

/// What a file's name says it holds, so that passes can skip what they do not need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Named {
    Relation,
    Delivery,
    Objects(Kind),
    /// Panden, inactive objects, NietBag, "in onderzoek": nothing with an address.
    Skip,
    Unknown,
}

pub(super) fn named(path: &str) -> Named {
    let last = path.rsplit('/').next().unwrap_or(path).to_ascii_uppercase();
    if last.starts_with("GEM-WPL-RELATIE") {
        return Named::Relation;
    }
    if last.starts_with("LEVERINGSDOCUMENT") {
        return Named::Delivery;
    }
    // Kadaster names files <4 digits><TYPE><date>; GDAL's samples are lower-case type names.
    let tag = last
        .get(4..7)
        .filter(|_| last.as_bytes()[..4].iter().all(u8::is_ascii_digit));
    let stem = last.split('.').next().unwrap_or_default();
    let kind = |t: &str| match t {
        "WPL" => Some(Named::Objects(Kind::Woonplaats)),
        "OPR" => Some(Named::Objects(Kind::OpenbareRuimte)),
        "NUM" => Some(Named::Objects(Kind::Nummeraanduiding)),
        "VBO" => Some(Named::Objects(Kind::Verblijfsobject)),
        "LIG" => Some(Named::Objects(Kind::Ligplaats)),
        "STA" => Some(Named::Objects(Kind::Standplaats)),
        "PND" | "INA" | "INO" | "NIE" | "IA0" => Some(Named::Skip),
        _ => None,
    };
    tag.and_then(kind)
        .or_else(|| kind(stem))
        .unwrap_or(Named::Unknown)
}

impl Reader {
    pub(super) fn next_pass(&self) {
        if let Some(p) = &self.progress {
            use std::sync::atomic::Ordering::Relaxed;
            p.bytes.store(0, Relaxed);
            p.pass.fetch_add(1, Relaxed);
        }
    }

    pub(super) fn path(&mut self, path: &Path) -> Result<(), RecordError> {
        let err = |e: std::io::Error| RecordError::file(path, e.to_string());
        if path.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(path)
                .map_err(err)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect();
            entries.sort();
            for e in entries {
                self.path(&e)?;
            }
            return Ok(());
        }
        let name = path.display().to_string();
        if !self.wanted(&name) {
            return Ok(());
        }
        let lower = name.to_ascii_lowercase();
        let file = Counting {
            inner: std::fs::File::open(path).map_err(err)?,
            progress: self.progress.clone(),
        };
        if lower.ends_with(".zip") {
            self.zip(BufReader::new(file), &name)
        } else if lower.ends_with(".xml") {
            self.xml(BufReader::new(file), &name)
        } else {
            Ok(())
        }
    }

    /// Whether this pass needs to open a file of this name.
    fn wanted(&self, name: &str) -> bool {
        match (self.pass, named(name)) {
            (_, Named::Skip) => false,
            (Pass::Meta, Named::Relation | Named::Delivery | Named::Unknown) => true,
            (Pass::Meta, Named::Objects(_)) => false,
            (Pass::Objects, Named::Relation | Named::Delivery) => false,
            (Pass::Objects, Named::Objects(kind)) => self.stage.contains(&kind),
            (Pass::Objects, Named::Unknown) => true,
        }
    }

    fn zip<R: Read + Seek>(&mut self, reader: R, name: &str) -> Result<(), RecordError> {
        let zerr = |e: zip::result::ZipError| RecordError {
            file: name.to_string(),
            line: None,
            io: None,
            reason: format!("not a readable zip: {e}"),
        };
        let mut archive = zip::ZipArchive::new(reader).map_err(zerr)?;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(zerr)?;
            let entry_name = entry.name().map_err(zerr)?.into_owned();
            let inner = format!("{name}/{entry_name}");
            self.entry(&mut entry, &inner)?;
        }
        Ok(())
    }

    /// One member of a zip: a zip inside is streamed member by member, an XML file is parsed.
    fn entry(&mut self, entry: &mut dyn Read, name: &str) -> Result<(), RecordError> {
        if !self.wanted(name) {
            return Ok(());
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".zip") {
            self.zip_stream(entry, name)
        } else if lower.ends_with(".xml") {
            self.xml(BufReader::with_capacity(256 << 10, entry), name)
        } else {
            Ok(())
        }
    }

    /// A zip read front to back from a stream, by its local headers: no seeking, so a zip in a
    /// zip needs neither memory nor disk for itself.
    fn zip_stream(&mut self, reader: &mut dyn Read, name: &str) -> Result<(), RecordError> {
        let mut reader = BufReader::with_capacity(256 << 10, reader);
        crate::address::zipstream::for_each_member(&mut reader, |member, body| {
            self.entry(body, &format!("{name}/{member}"))
                .map_err(ZipStreamError::Record)
        })
        .map_err(|e: ZipStreamError| match e {
            ZipStreamError::Record(r) => r,
            ZipStreamError::Io(e) => RecordError {
                file: name.to_string(),
                line: None,
                io: None,
                reason: format!("not a readable zip: {e}"),
            },
        })
    }

    /// The Leveringsdocument's date and the gemeente–woonplaats relations valid on the date.
    fn meta<R: BufRead>(&mut self, reader: R, name: &str) -> Result<(), RecordError> {
        let mut xml = quick_xml::Reader::from_reader(reader);
        xml.config_mut().trim_text(true);
        let mut buf = Vec::new();
        let mut in_stand = false;
        let xml_err = |xml: &quick_xml::Reader<R>, e: String| xml_error(xml, name, e);
        loop {
            let event = xml
                .read_event_into(&mut buf)
                .map_err(|e| xml_err(&xml, e.to_string()))?;
            match event {
                Event::Start(e) => {
                    in_stand = e.local_name().as_ref() == b"StandTechnischeDatum";
                    if e.local_name().as_ref() == b"GemeenteWoonplaatsRelatie" {
                        self.relation_seen = true;
                        let v = read_object(&mut xml).map_err(|e| xml_err(&xml, e))?;
                        self.relation(&v);
                    }
                }
                // The relation file has a StandTechnischeDatum too; the delivery's own wins.
                Event::Text(t) if in_stand => {
                    let text = t.decode().map_err(|e| xml_err(&xml, e.to_string()))?;
                    if let Ok(d) = text.trim().parse::<Date>()
                        && (self.stats.stand.is_none() || named(name) == Named::Delivery)
                    {
                        self.stats.stand = Some(d);
                    }
                }
                Event::End(_) => in_stand = false,
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(())
    }

    fn relation(&mut self, v: &Voorkomen) {
        let Some(gemeente) = &self.gemeente else {
            return;
        };
        let date = |p: &str| v.date(p);
        let valid = date("begindatumTijdvakGeldigheid").is_some_and(|d| d <= self.today)
            && date("einddatumTijdvakGeldigheid").is_none_or(|d| d > self.today)
            && v.get("status")
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("definitief"));
        let of_gemeente = v
            .get("gerelateerdeGemeente/identificatie")
            .is_some_and(|g| g.trim() == gemeente);
        if valid
            && of_gemeente
            && let Some(w) = v
                .get("gerelateerdeWoonplaats/identificatie")
                .and_then(|w| w.trim().parse().ok())
        {
            self.gwr_places.insert(w);
        }
    }

    /// Streams one XML file, handing every object element to [`Reader::object`].
    fn xml<R: BufRead>(&mut self, reader: R, name: &str) -> Result<(), RecordError> {
        if self.pass == Pass::Meta {
            return match named(name) {
                Named::Relation | Named::Delivery => self.meta(reader, name),
                _ => Ok(()),
            };
        }
        self.stats.files += 1;
        let mut xml = quick_xml::Reader::from_reader(reader);
        xml.config_mut().trim_text(true);
        let mut buf = Vec::new();
        let xml_err = |xml: &quick_xml::Reader<R>, e: String| xml_error(xml, name, e);
        loop {
            let event = xml
                .read_event_into(&mut buf)
                .map_err(|e| xml_err(&xml, e.to_string()))?;
            match event {
                Event::Start(e) => {
                    if let Some(kind) = Kind::from_local(e.local_name().as_ref()) {
                        let v = read_object(&mut xml).map_err(|e| xml_err(&xml, e))?;
                        self.object(kind, v).map_err(|reason| RecordError {
                            file: name.to_string(),
                            line: None,
                            io: None,
                            reason,
                        })?;
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(())
    }

    fn current(&self, v: &Voorkomen) -> bool {
        let date = |p: &str| v.date(p);
        let begun = date("beginGeldigheid").is_none_or(|d| d <= self.today);
        let not_ended = date("eindGeldigheid").is_none_or(|d| d > self.today);
        let not_withdrawn = v.get("eindRegistratie").is_none();
        begun && not_ended && not_withdrawn
    }

    fn object(&mut self, kind: Kind, v: Voorkomen) -> Result<(), String> {
        if !self.stage.contains(&kind) {
            return Ok(());
        }
        *self.stats.read.entry(kind.label()).or_default() += 1;
        let id_text = v
            .get("identificatie")
            .ok_or_else(|| format!("a {} without identificatie", kind.label()))?;
        let id: u64 = id_text
            .trim()
            .parse()
            .map_err(|_| format!("{} identificatie '{id_text}' is not a number", kind.label()))?;
        let feature = |reason: String| format!("{} {id_text}: {reason}", kind.label());
        if !self.current(&v) {
            self.stats.not_current += 1;
            return Ok(());
        }
        if !kind.valid_status(v.get("status").unwrap_or_default()) {
            self.stats.invalid_status += 1;
            return Ok(());
        }
        let voorkomen: u32 = v
            .get("voorkomenidentificatie")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        if !self.in_gemeente(kind, id, &v) {
            self.stats.other_gemeente += 1;
            return Ok(());
        }
        let c = &mut self.collected;
        match kind {
            Kind::Nummeraanduiding => {
                let number: u32 = v
                    .get("huisnummer")
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| feature("no valid huisnummer".into()))?;
                let suffix = Suffix::new(
                    v.get("huisletter").and_then(|s| s.trim().chars().next()),
                    v.get("huisnummertoevoeging"),
                )
                .map_err(feature)?;
                let postcode = match v.get("postcode") {
                    None => None,
                    Some(p) => Some(
                        Postcode::parse(p)
                            .ok_or_else(|| feature(format!("postcode '{p}' is not valid")))?,
                    ),
                };
                let street = v
                    .get("ligtAan/OpenbareRuimteRef")
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| feature("no ligtAan/OpenbareRuimteRef".into()))?;
                let place = v
                    .get("ligtIn/WoonplaatsRef")
                    .and_then(|s| s.trim().parse().ok());
                keep(
                    &mut c.nums,
                    id,
                    voorkomen,
                    Num {
                        postcode,
                        number,
                        suffix,
                        street,
                        place,
                    },
                );
            }
            Kind::OpenbareRuimte => {
                let name = v
                    .get("naam")
                    .ok_or_else(|| feature("no naam".into()))?
                    .to_string();
                let place = v
                    .get("ligtIn/WoonplaatsRef")
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| feature("no ligtIn/WoonplaatsRef".into()))?;
                keep(&mut c.streets, id, voorkomen, (name, place));
            }
            Kind::Woonplaats => {
                let name = v.get("naam").ok_or_else(|| feature("no naam".into()))?;
                keep(&mut c.places, id, voorkomen, name.to_string());
            }
            Kind::Verblijfsobject | Kind::Ligplaats | Kind::Standplaats => {
                let hoofdadres = v
                    .get("heeftAlsHoofdadres/NummeraanduidingRef")
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| feature("no heeftAlsHoofdadres".into()))?;
                let nevenadressen = v
                    .all("heeftAlsNevenadres/NummeraanduidingRef")
                    .filter_map(|s| s.trim().parse().ok())
                    .collect();
                let rd = location(&v).map_err(feature)?;
                keep(
                    &mut c.objects,
                    id,
                    voorkomen,
                    Object {
                        hoofdadres,
                        nevenadressen,
                        rd,
                    },
                );
            }
        }
        Ok(())
    }

    /// With a gemeente filter: whether a current voorkomen belongs to it. A street lies in one
    /// of its woonplaatsen; a nummeraanduiding lies in one of them or on one of its streets; an
    /// object has one of its nummeraanduidingen. Earlier passes have read what is referred to.
    fn in_gemeente(&self, kind: Kind, id: u64, v: &Voorkomen) -> bool {
        let Some(places) = &self.places else {
            return true;
        };
        let reference = |p: &str| v.get(p).and_then(|s| s.trim().parse::<u64>().ok());
        let c = &self.collected;
        match kind {
            Kind::Woonplaats => places.contains(&id),
            Kind::OpenbareRuimte => {
                reference("ligtIn/WoonplaatsRef").is_some_and(|w| places.contains(&w))
            }
            Kind::Nummeraanduiding => {
                reference("ligtIn/WoonplaatsRef").is_some_and(|w| places.contains(&w))
                    || reference("ligtAan/OpenbareRuimteRef")
                        .is_some_and(|s| c.streets.contains_key(&s))
            }
            Kind::Verblijfsobject | Kind::Ligplaats | Kind::Standplaats => {
                reference("heeftAlsHoofdadres/NummeraanduidingRef")
                    .is_some_and(|n| c.nums.contains_key(&n))
                    || v.all("heeftAlsNevenadres/NummeraanduidingRef")
                        .filter_map(|s| s.trim().parse::<u64>().ok())
                        .any(|n| c.nums.contains_key(&n))
            }
        }
    }

    pub(super) fn finish(mut self) -> (Vec<AddressRecord>, BagStats) {
        let c = &self.collected;
        let mut out = Vec::new();
        let mut used = std::collections::HashSet::new();
        let mut objects: Vec<(&u64, &(u32, Object))> = c.objects.iter().collect();
        objects.sort_by_key(|(id, _)| **id);
        for (oid, (_, obj)) in objects {
            let refs = std::iter::once((obj.hoofdadres, false))
                .chain(obj.nevenadressen.iter().map(|n| (*n, true)));
            for (nid, neven) in refs {
                let Some((_, num)) = c.nums.get(&nid) else {
                    if self.stats.unresolved.len() < 20 {
                        self.stats.unresolved.push(format!(
                            "object {oid:016} refers to nummeraanduiding {nid:016}, which is not current in the extract"
                        ));
                    }
                    continue;
                };
                let Some((_, (street, street_place))) = c.streets.get(&num.street) else {
                    if self.stats.unresolved.len() < 20 {
                        self.stats.unresolved.push(format!(
                            "nummeraanduiding {nid:016} lies on openbare ruimte {:016}, which is not current in the extract",
                            num.street
                        ));
                    }
                    continue;
                };
                let place_id = num.place.unwrap_or(*street_place);
                let Some((_, place)) = c.places.get(&place_id) else {
                    if self.stats.unresolved.len() < 20 {
                        self.stats.unresolved.push(format!(
                            "nummeraanduiding {nid:016} lies in woonplaats {place_id:04}, which is not current in the extract"
                        ));
                    }
                    continue;
                };
                if !used.insert(nid) {
                    continue;
                }
                if neven {
                    self.stats.nevenadressen += 1;
                }
                out.push(AddressRecord {
                    id: Some(nid),
                    postcode: num.postcode,
                    number: num.number,
                    suffix: num.suffix,
                    street: street.clone(),
                    place: place.clone(),
                    rd: obj.rd,
                });
            }
        }
        self.stats.addresses = out.len();
        self.stats.without_object = c.nums.len().saturating_sub(used.len());
        (out, self.stats)
    }
}
