//! `wijkwijzer import bag`: the BAG 2.0 Extract (Kadaster's LVBAG XML) to address records.
//!
//! The extract arrives as a zip holding one zip per object type (`…NUM…zip`, `…OPR…zip`,
//! `…WPL…zip`, `…VBO…zip`, `…LIG…zip`, `…STA…zip`), each holding numbered XML files with
//! `sl:stand` elements wrapping one `sl-bag-extract:bagObject` each. Objects are recognised by
//! element name (namespace prefixes are ignored, so any prefix binding works), whatever the file
//! names. Every file is streamed; only the fields needed are kept.
//!
//! Current records only: of all voorkomens of an object, the one that is valid today
//! (`beginGeldigheid` ≤ today, no `eindGeldigheid` or one in the future, not corrected away by
//! `eindRegistratie`), and only with a status that means the object exists (a nummeraanduiding
//! `Naamgeving uitgegeven`, a verblijfsobject not `ingetrokken`, `niet gerealiseerd` or
//! `ten onrechte opgevoerd`, a ligplaats/standplaats `Plaats aangewezen`). An address is placed
//! at the point of the object that has it as hoofdadres or nevenadres; ligplaatsen and
//! standplaatsen have a polygon and are placed at its centroid.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use geo::{Centroid, Coord, LineString, Polygon};
use jiff::civil::Date;
use quick_xml::events::Event;

use super::AddressRecord;
use super::normalize::{Postcode, Suffix};
use super::records::RecordError;
use crate::crs::Rd;

/// What an extract contained and what was kept, for the person running the import.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BagStats {
    pub files: usize,
    /// Voorkomens read per object type.
    pub read: std::collections::BTreeMap<&'static str, usize>,
    pub not_current: usize,
    pub invalid_status: usize,
    pub addresses: usize,
    pub nevenadressen: usize,
    /// Nummeraanduidingen that no current object has as hoofdadres or nevenadres.
    pub without_object: usize,
    /// References to objects missing from the extract, with an example.
    pub unresolved: Vec<String>,
    /// With a gemeente filter: its woonplaatsen on the date (from `GEM-WPL-RELATIE`), and the
    /// current voorkomens left out because they lie elsewhere.
    pub woonplaatsen: Vec<u64>,
    pub other_gemeente: usize,
    /// The extract's date (`StandTechnischeDatum` of the Leveringsdocument), when it has one.
    pub stand: Option<Date>,
}

/// What to keep from an extract.
#[derive(Debug, Clone, Default)]
pub struct BagOptions {
    /// The date that decides which voorkomen is current.
    pub date: Date,
    /// Keep only the woonplaatsen of this gemeente (four digits) according to the extract's
    /// own `GEM-WPL-RELATIE` file on `date`: how the national extract is cut to one gemeente.
    pub gemeente: Option<String>,
    /// Bytes read from the input files so far and the pass (1-based) reading them, for a
    /// progress bar; a gemeente filter reads the input in [`PASSES`] passes.
    pub progress: Option<std::sync::Arc<Progress>>,
}

/// How far an import has come; shared with whoever shows it.
#[derive(Debug, Default)]
pub struct Progress {
    pub bytes: std::sync::atomic::AtomicU64,
    pub pass: std::sync::atomic::AtomicU64,
}

/// Passes over the input with a gemeente filter (without one: 2, the first reading only the
/// small relation and delivery files).
pub const PASSES: u64 = 4;

/// Counts the bytes read from an input file.
struct Counting<R> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Nummeraanduiding,
    OpenbareRuimte,
    Woonplaats,
    Verblijfsobject,
    Ligplaats,
    Standplaats,
}

impl Kind {
    fn from_local(name: &[u8]) -> Option<Kind> {
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

    fn label(self) -> &'static str {
        match self {
            Kind::Nummeraanduiding => "nummeraanduiding",
            Kind::OpenbareRuimte => "openbare ruimte",
            Kind::Woonplaats => "woonplaats",
            Kind::Verblijfsobject => "verblijfsobject",
            Kind::Ligplaats => "ligplaats",
            Kind::Standplaats => "standplaats",
        }
    }

    fn valid_status(self, status: &str) -> bool {
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
struct Voorkomen {
    fields: Vec<(String, String)>,
}

impl Voorkomen {
    fn get(&self, path: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(p, _)| {
                p.strip_suffix(path)
                    .is_some_and(|rest| rest.is_empty() || rest.ends_with('/'))
            })
            .map(|(_, v)| v.as_str())
    }

    /// A date field (`2020-09-15` or a timestamp starting with one).
    fn date(&self, path: &str) -> Option<Date> {
        self.get(path)
            .and_then(|s| s.get(..10))
            .and_then(|s| s.parse::<Date>().ok())
    }

    fn all<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(p, _)| p == path)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
struct Num {
    postcode: Option<Postcode>,
    number: u32,
    suffix: Suffix,
    street: u64,
    place: Option<u64>,
}

#[derive(Debug)]
struct Object {
    hoofdadres: u64,
    nevenadressen: Vec<u64>,
    rd: Rd,
}

/// Current versions, by identificatie, with the voorkomen number they came from.
#[derive(Debug, Default)]
struct Collected {
    nums: HashMap<u64, (u32, Num)>,
    streets: HashMap<u64, (u32, (String, u64))>,
    places: HashMap<u64, (u32, String)>,
    objects: HashMap<u64, (u32, Object)>,
}

fn keep<T>(map: &mut HashMap<u64, (u32, T)>, id: u64, voorkomen: u32, value: T) {
    match map.get(&id) {
        Some((v, _)) if *v > voorkomen => {}
        _ => {
            map.insert(id, (voorkomen, value));
        }
    }
}

/// Reads an extract: a zip (zips inside are opened too), a folder, or one XML file.
pub fn import(path: &Path, today: Date) -> Result<(Vec<AddressRecord>, BagStats), RecordError> {
    import_with(
        &[path.to_path_buf()],
        &BagOptions {
            date: today,
            ..BagOptions::default()
        },
    )
}

/// The object types of one pass over the input. Without a gemeente filter one pass reads all;
/// with one, woonplaatsen and streets come first, then nummeraanduidingen, then the objects,
/// so that each pass keeps only what lies in the gemeente and memory stays the gemeente's size.
const ALL: &[Kind] = &[
    Kind::Woonplaats,
    Kind::OpenbareRuimte,
    Kind::Nummeraanduiding,
    Kind::Verblijfsobject,
    Kind::Ligplaats,
    Kind::Standplaats,
];
const STAGES: &[&[Kind]] = &[
    &[Kind::Woonplaats, Kind::OpenbareRuimte],
    &[Kind::Nummeraanduiding],
    &[Kind::Verblijfsobject, Kind::Ligplaats, Kind::Standplaats],
];

/// Reads every input (zips, nested zips, folders, XML files) as one extract. Zips inside zips
/// are streamed, never unpacked to disk or memory; files of object types without addresses
/// (panden, inactive and `NietBag` objects) are skipped by name.
pub fn import_with(
    inputs: &[std::path::PathBuf],
    opts: &BagOptions,
) -> Result<(Vec<AddressRecord>, BagStats), RecordError> {
    let mut reader = Reader {
        today: opts.date,
        stats: BagStats::default(),
        collected: Collected::default(),
        stage: ALL,
        places: None,
        pass: Pass::Meta,
        gwr_places: std::collections::HashSet::new(),
        relation_seen: false,
        gemeente: opts.gemeente.clone(),
        progress: opts.progress.clone(),
    };
    reader.next_pass();
    for path in inputs {
        reader.path(path)?;
    }
    if let Some(g) = &opts.gemeente {
        if !reader.relation_seen {
            return Err(RecordError {
                file: inputs_label(inputs),
                line: None,
                reason: format!(
                    "--gemeente {g} needs the extract's GEM-WPL-RELATIE file (the national extract holds it as GEM-WPL-RELATIE-<date>.zip); none was found, give it as another input"
                ),
            });
        }
        let places = std::mem::take(&mut reader.gwr_places);
        if places.is_empty() {
            return Err(RecordError {
                file: "GEM-WPL-RELATIE".into(),
                line: None,
                reason: format!(
                    "gemeente {g} has no woonplaats on {} (status definitief): check the code (Maastricht is 0935) and --date",
                    opts.date
                ),
            });
        }
        let mut ids: Vec<u64> = places.iter().copied().collect();
        ids.sort_unstable();
        reader.stats.woonplaatsen = ids;
        reader.places = Some(places);
        reader.pass = Pass::Objects;
        for stage in STAGES {
            reader.stage = stage;
            reader.next_pass();
            for path in inputs {
                reader.path(path)?;
            }
        }
    } else {
        reader.pass = Pass::Objects;
        reader.next_pass();
        for path in inputs {
            reader.path(path)?;
        }
    }
    let (records, stats) = reader.finish();
    if records.is_empty() {
        return Err(RecordError {
            file: inputs_label(inputs),
            line: None,
            reason: empty_reason(&stats, opts),
        });
    }
    Ok((records, stats))
}

/// The inputs as one name for messages.
fn inputs_label(inputs: &[std::path::PathBuf]) -> String {
    inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An XML error in file `name`, at the reader's position.
fn xml_error<R>(xml: &quick_xml::Reader<R>, name: &str, e: impl std::fmt::Display) -> RecordError {
    RecordError {
        file: name.to_string(),
        line: None,
        reason: format!("XML error at byte {}: {e}", xml.buffer_position()),
    }
}

/// Why an import found no address, in the terms of the options the user can change.
fn empty_reason(stats: &BagStats, opts: &BagOptions) -> String {
    let read: usize = stats.read.values().sum();
    if read == 0 {
        return "no BAG objects found: the input holds no LVBAG XML (expected the extract zip, its folder or its XML files)".into();
    }
    let mut why = format!(
        "no current address: read {read} voorkomens; {} not current on {}, {} with an ended status",
        stats.not_current, opts.date, stats.invalid_status
    );
    if let Some(g) = &opts.gemeente {
        why.push_str(&format!(
            ", {} in other gemeenten than {g} (woonplaatsen {})",
            stats.other_gemeente,
            stats
                .woonplaatsen
                .iter()
                .map(|w| format!("{w:04}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        why.push_str(": the extract does not cover this gemeente, or --gemeente is wrong");
    } else {
        why.push_str(": check --date");
    }
    why
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Reading the GEM-WPL-RELATIE file and the Leveringsdocument only.
    Meta,
    Objects,
}

struct Reader {
    today: Date,
    stats: BagStats,
    collected: Collected,
    /// The object types kept in this pass.
    stage: &'static [Kind],
    /// The gemeente's woonplaatsen, when filtering.
    places: Option<std::collections::HashSet<u64>>,
    pass: Pass,
    /// The gemeente's woonplaatsen valid on the date, from GEM-WPL-RELATIE.
    gwr_places: std::collections::HashSet<u64>,
    relation_seen: bool,
    gemeente: Option<String>,
    progress: Option<std::sync::Arc<Progress>>,
}

/// A problem inside a streamed zip: the zip itself, or a file in it.
enum ZipStreamError {
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
enum Named {
    Relation,
    Delivery,
    Objects(Kind),
    /// Panden, inactive objects, NietBag, "in onderzoek": nothing with an address.
    Skip,
    Unknown,
}

fn named(path: &str) -> Named {
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
    fn next_pass(&self) {
        if let Some(p) = &self.progress {
            use std::sync::atomic::Ordering::Relaxed;
            p.bytes.store(0, Relaxed);
            p.pass.fetch_add(1, Relaxed);
        }
    }

    fn path(&mut self, path: &Path) -> Result<(), RecordError> {
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
        super::zipstream::for_each_member(&mut reader, |member, body| {
            self.entry(body, &format!("{name}/{member}"))
                .map_err(ZipStreamError::Record)
        })
        .map_err(|e: ZipStreamError| match e {
            ZipStreamError::Record(r) => r,
            ZipStreamError::Io(e) => RecordError {
                file: name.to_string(),
                line: None,
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

    fn finish(mut self) -> (Vec<AddressRecord>, BagStats) {
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

/// Reads everything below an object element (whose start tag was just read) into fields.
fn read_object<R: BufRead>(xml: &mut quick_xml::Reader<R>) -> Result<Voorkomen, String> {
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
fn location(v: &Voorkomen) -> Result<Rd, String> {
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

fn check_rd(x: f64, y: f64) -> Result<Rd, String> {
    crate::query::check_projected(x, y, crate::crs::Crs::RdNew).map_err(|e| e.to_string())
}
