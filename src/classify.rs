//! Batch classification: whole CSV files of places to areas and responsible officers, streamed,
//! in parallel and lossless.
//!
//! Every input record comes out once, in order, with its original bytes untouched (quotes,
//! spacing, encoding, line ends) and the columns `lwa, lwa_name, wijk, buurt, position,
//! thor_senior, police_coordinator, status, message` appended. A row that cannot be placed gets
//! a status (`outside`, `bad_coordinate`, `missing_place`, `address_not_found`,
//! `ambiguous_address`, `bad_address`) and a message instead of being dropped. Records are split
//! by a quote-aware scanner, so a quoted field may hold delimiters and line breaks; a file
//! ending without a line break keeps that too.
//!
//! Input: `,` `;` or tab separated (detected from the header), UTF-8 with or without BOM, or
//! Windows-1252 (detected: the header is not UTF-8; appended text is then written in
//! Windows-1252 too). Columns are found by their usual names or named by the caller.
//! Memory is bounded by the batch size, whatever the file size; batches are classified on all
//! cores ([`rayon`]).

use std::collections::BTreeMap;
use std::io::{Read, Write};

use rayon::prelude::*;
use serde::Serialize;

use crate::address::Query;
use crate::address::records::detect_delimiter;
use crate::crs::{Crs, LocalWgs84ToRd, Rd, Wgs84};
use crate::index::Position;
use crate::query::{check_projected, check_wgs84};
use crate::resolve::Resolver;
use crate::roster::{Audience, Role};

/// Records per batch: enough to keep both cores busy, small enough to keep memory flat.
const BATCH: usize = 65_536;

pub const ADDED_COLUMNS: [&str; 9] = [
    "lwa",
    "lwa_name",
    "wijk",
    "buurt",
    "position",
    "thor_senior",
    "police_coordinator",
    "status",
    "message",
];

/// Which columns hold the place; `None` fields are detected from the header.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub x: Option<String>,
    pub y: Option<String>,
    /// CRS of `x`/`y` (default RD New).
    pub crs: Option<Crs>,
    pub postcode: Option<String>,
    pub huisnummer: Option<String>,
    pub huisletter: Option<String>,
    pub toevoeging: Option<String>,
    /// A column with a free-text address (or any place notation).
    pub address: Option<String>,
    pub delimiter: Option<u8>,
    pub audience: Audience,
}

/// Counts for the person or program that ran the classification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub rows: u64,
    pub resolved: u64,
    /// Resolved rows per LWA area name.
    pub per_area: BTreeMap<String, u64>,
    /// Rows per status (`ok` and every failure kind).
    pub per_status: BTreeMap<String, u64>,
    pub delimiter: String,
    pub encoding: String,
    /// How the place was read: `lat/lon`, `x/y (EPSG:28992)`, `postcode/huisnummer`, `address`.
    pub columns: String,
}

/// Why a file could not be classified at all (rows with problems never end up here).
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    #[error("the input is empty: a CSV needs a header line")]
    Empty,
    #[error(
        "cannot tell which columns hold the place: {0}. Name them with --lat/--lon, --x/--y [--crs], --postcode/--huisnummer or --address"
    )]
    Columns(String),
    #[error("reading: {0}")]
    Read(std::io::Error),
    #[error("writing: {0}")]
    Write(std::io::Error),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Encoding {
    Utf8,
    Windows1252,
}

#[derive(Debug, Clone)]
enum Source {
    LatLon(usize, usize),
    Projected(usize, usize, Crs),
    Parts {
        postcode: usize,
        number: usize,
        letter: Option<usize>,
        toevoeging: Option<usize>,
    },
    Text(usize),
}

/// What every row of one area gets, escaped and encoded once.
#[derive(Debug, Clone)]
struct AreaColumns {
    /// `lwa,lwa_name,wijk,buurt,` (with delimiters).
    head: Vec<u8>,
    /// `,thor_senior,police_coordinator,` (with delimiters).
    people: Vec<u8>,
    lwa_name: String,
}

struct Classifier<'a> {
    resolver: &'a Resolver,
    local: &'static LocalWgs84ToRd,
    source: Source,
    delimiter: u8,
    encoding: Encoding,
    /// Per base-layer area; `None` when the area is outside the coverage layer.
    areas: Vec<Option<AreaColumns>>,
    coverage: usize,
}

/// One classified record: output bytes and counting keys.
struct Out {
    status: &'static str,
    area: Option<u32>,
}

/// Classifies a CSV stream. `progress` is called after every batch with (bytes read, rows).
pub fn classify_csv<R: Read, W: Write>(
    resolver: &Resolver,
    mut input: R,
    output: W,
    opts: &Options,
    mut progress: impl FnMut(u64, u64),
) -> Result<Summary, ClassifyError> {
    let mut output = std::io::BufWriter::with_capacity(1 << 20, output);
    let mut splitter = Splitter::default();
    let header = loop {
        if let Some(h) = splitter.next_record() {
            break h;
        }
        if !splitter.fill(&mut input)? {
            match splitter.rest() {
                Some(h) => break h,
                None => return Err(ClassifyError::Empty),
            }
        }
    };
    let (raw_header, ending) = header;
    let text = raw_header
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&raw_header);
    // The encoding is judged on the header and the first batch: a file that is not UTF-8
    // there is read (and appended to) as Windows-1252, as older Dutch tools export it.
    let mut batch: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(BATCH);
    let mut done = fill_batch(&mut splitter, &mut input, &mut batch)?;
    let utf8 = std::str::from_utf8(text).is_ok()
        && batch.iter().all(|(r, _)| std::str::from_utf8(r).is_ok());
    let encoding = if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Windows1252
    };
    let header_text = decode(text, encoding);
    let delimiter = opts
        .delimiter
        .unwrap_or_else(|| detect_delimiter(header_text.as_bytes()));
    let names: Vec<String> = split_fields(header_text.as_bytes(), delimiter)
        .into_iter()
        .map(|f| String::from_utf8_lossy(&f).trim().to_ascii_lowercase())
        .collect();
    let source = choose_source(&names, opts)?;
    let c = Classifier::new(resolver, source.clone(), delimiter, encoding, opts.audience);

    output
        .write_all(&raw_header)
        .map_err(ClassifyError::Write)?;
    for name in ADDED_COLUMNS {
        output
            .write_all(&[delimiter])
            .and_then(|_| output.write_all(name.as_bytes()))
            .map_err(ClassifyError::Write)?;
    }
    output.write_all(&ending).map_err(ClassifyError::Write)?;

    let mut summary = Summary {
        delimiter: match delimiter {
            b'\t' => "tab".into(),
            d => (d as char).to_string(),
        },
        encoding: match encoding {
            Encoding::Utf8 if raw_header.starts_with(b"\xEF\xBB\xBF") => "UTF-8 with BOM".into(),
            Encoding::Utf8 => "UTF-8".into(),
            Encoding::Windows1252 => "Windows-1252".into(),
        },
        columns: describe(&source, &names),
        ..Summary::default()
    };
    let mut by_status: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut by_area: Vec<u64> = vec![0; c.areas.len()];
    let mut first = true;
    while first || !done {
        if !first {
            done = fill_batch(&mut splitter, &mut input, &mut batch)?;
        }
        first = false;
        // Each worker writes its share of the batch into one buffer; buffers are written in order.
        let parts: Vec<(Vec<u8>, Vec<Out>)> = batch
            .par_chunks(4096)
            .map(|chunk| {
                let mut bytes = Vec::with_capacity(chunk.len() * 256);
                let outs = chunk
                    .iter()
                    .map(|(raw, ending)| c.record(raw, ending, &mut bytes))
                    .collect();
                (bytes, outs)
            })
            .collect();
        for (bytes, outs) in &parts {
            output.write_all(bytes).map_err(ClassifyError::Write)?;
            for out in outs {
                summary.rows += 1;
                *by_status.entry(out.status).or_default() += 1;
                if let Some(a) = out.area {
                    summary.resolved += 1;
                    by_area[a as usize] += 1;
                }
            }
        }
        batch.clear();
        progress(splitter.consumed, summary.rows);
    }
    output.flush().map_err(ClassifyError::Write)?;
    summary.per_status = by_status
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    for (i, n) in by_area.into_iter().enumerate() {
        if let (Some(Some(cols)), true) = (c.areas.get(i), n > 0) {
            *summary.per_area.entry(cols.lwa_name.clone()).or_default() += n;
        }
    }
    Ok(summary)
}

/// Fills `batch` up to [`BATCH`] records; true when the input is exhausted.
fn fill_batch<R: Read>(
    splitter: &mut Splitter,
    input: &mut R,
    batch: &mut Vec<(Vec<u8>, Vec<u8>)>,
) -> Result<bool, ClassifyError> {
    while batch.len() < BATCH {
        match splitter.next_record() {
            Some(r) => batch.push(r),
            None => {
                if !splitter.fill(input)? {
                    if let Some(r) = splitter.rest() {
                        batch.push(r);
                    }
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

impl<'a> Classifier<'a> {
    fn new(
        resolver: &'a Resolver,
        source: Source,
        delimiter: u8,
        encoding: Encoding,
        audience: Audience,
    ) -> Classifier<'a> {
        let data = resolver.data();
        let base = data
            .layer_index(&data.manifest.base_layer)
            .unwrap_or_default();
        let coverage = data
            .layer_index(&data.manifest.coverage_layer)
            .unwrap_or_default();
        let areas = data.layers[base]
            .areas
            .iter()
            .map(|area| {
                let lwa_id = area.parents.get(&data.manifest.coverage_layer)?;
                let lwa = data.layers[coverage]
                    .areas
                    .iter()
                    .find(|a| &a.id == lwa_id)?;
                let wijk = area.parents.get("wijk").and_then(|w| {
                    data.layers
                        .iter()
                        .flat_map(|l| &l.areas)
                        .find(|a| &a.id == w)
                });
                let contacts = resolver.contacts_for_area(area, audience);
                let person = |role: Role| {
                    contacts
                        .iter()
                        .find(|c| c.role == role)
                        .map(|c| {
                            let mut s = c.to_string();
                            if let Some(ch) = c.channels.first() {
                                s.push_str(&format!(" ({})", ch.value));
                            }
                            s
                        })
                        .unwrap_or_default()
                };
                let d = delimiter;
                let mut head = Vec::new();
                for v in [
                    lwa.id.as_str(),
                    lwa.name.as_str(),
                    &wijk
                        .map(|w| format!("{} {}", w.code.as_deref().unwrap_or(&w.id), w.name))
                        .unwrap_or_default(),
                    &format!("{} {}", area.code.as_deref().unwrap_or(&area.id), area.name),
                ] {
                    head.extend(field(v, d, encoding));
                    head.push(d);
                }
                let mut people = vec![d];
                people.extend(field(
                    &person(Role::SeniorWijkgebondenMedewerker),
                    d,
                    encoding,
                ));
                people.push(d);
                people.extend(field(&person(Role::Coordinator), d, encoding));
                people.push(d);
                Some(AreaColumns {
                    head,
                    people,
                    lwa_name: lwa.name.clone(),
                })
            })
            .collect();
        Classifier {
            resolver,
            local: LocalWgs84ToRd::maastricht(),
            source,
            delimiter,
            encoding,
            areas,
            coverage,
        }
    }

    fn record(&self, raw: &[u8], ending: &[u8], out: &mut Vec<u8>) -> Out {
        out.extend_from_slice(raw);
        out.push(self.delimiter);
        let result = self.place(raw);
        let d = self.delimiter;
        let o = match result {
            Ok((p, note)) => {
                let hits = self.resolver.locate_all(p);
                let base = self.resolver.base_hit(&hits);
                let cols = base.and_then(|h| self.areas[h.area as usize].as_ref().map(|c| (h, c)));
                match (cols, hits[self.coverage]) {
                    (Some((h, cols)), Some(_)) => {
                        out.extend_from_slice(&cols.head);
                        let boundary = hits
                            .iter()
                            .flatten()
                            .any(|h| h.position == Position::Boundary);
                        out.extend_from_slice(if boundary { b"boundary" } else { b"inside" });
                        out.extend_from_slice(&cols.people);
                        out.extend_from_slice(b"ok");
                        out.push(d);
                        out.extend(field(&note, d, self.encoding));
                        Out {
                            status: "ok",
                            area: Some(h.area),
                        }
                    }
                    _ => {
                        out.extend_from_slice(&[d, d, d, d]);
                        out.extend_from_slice(b"outside");
                        out.extend_from_slice(&[d, d, d]);
                        out.extend_from_slice(b"outside");
                        out.push(d);
                        out.extend(field(
                            "outside the covered area (Gemeente Maastricht)",
                            d,
                            self.encoding,
                        ));
                        Out {
                            status: "outside",
                            area: None,
                        }
                    }
                }
            }
            Err((status, message)) => {
                out.extend_from_slice(&[d, d, d, d, d, d, d]);
                out.extend_from_slice(status.as_bytes());
                out.push(d);
                // One line per record: a message quoting a value with a line break stays on one.
                let message = message.replace(['\r', '\n'], " ");
                out.extend(field(&message, d, self.encoding));
                Out { status, area: None }
            }
        };
        out.extend_from_slice(ending);
        o
    }

    /// The row's point in RD and a note (how an address matched), or a status and message.
    fn place(&self, raw: &[u8]) -> Result<(Rd, String), (&'static str, String)> {
        // Most rows have no quotes: fields are then slices of the record, found without copying.
        let quoted = raw.contains(&b'"');
        let fields = if quoted {
            split_fields(raw, self.delimiter)
        } else {
            Vec::new()
        };
        let slice = |i: usize| -> &[u8] {
            if quoted {
                fields.get(i).map(Vec::as_slice).unwrap_or_default()
            } else {
                raw.split(|b| *b == self.delimiter)
                    .nth(i)
                    .unwrap_or_default()
            }
        };
        let get = |i: usize| -> Result<String, (&'static str, String)> {
            let f = decode(slice(i), self.encoding);
            let f = f.trim().to_string();
            if f.is_empty() {
                Err(("missing_place", format!("column {} is empty", i + 1)))
            } else {
                Ok(f)
            }
        };
        let num = |i: usize, what: &str| -> Result<f64, (&'static str, String)> {
            let fast = std::str::from_utf8(slice(i))
                .ok()
                .map(str::trim)
                .filter(|t| {
                    t.bytes()
                        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
                })
                .and_then(|t| t.parse::<f64>().ok());
            match fast {
                Some(v) => Ok(v),
                None => crate::query::parse_number(what, &get(i)?)
                    .map_err(|e| ("bad_coordinate", e.to_string())),
            }
        };
        match &self.source {
            Source::LatLon(lat, lon) => {
                let w: Wgs84 = check_wgs84(num(*lat, "lat")?, num(*lon, "lon")?)
                    .map_err(|e| ("bad_coordinate", e.to_string()))?;
                Ok((self.local.to_rd(w), String::new()))
            }
            Source::Projected(x, y, crs) => {
                let p = check_projected(num(*x, "x")?, num(*y, "y")?, *crs)
                    .map_err(|e| ("bad_coordinate", e.to_string()))?;
                Ok((p, String::new()))
            }
            Source::Parts {
                postcode,
                number,
                letter,
                toevoeging,
            } => {
                let opt = |i: &Option<usize>| i.and_then(|i| get(i).ok());
                self.address(&Query::Parts {
                    postcode: get(*postcode)?,
                    huisnummer: get(*number)?,
                    huisletter: opt(letter),
                    toevoeging: opt(toevoeging),
                })
            }
            Source::Text(i) => {
                let text = get(*i)?;
                match crate::query::parse(&text) {
                    Ok(crate::query::Input::Point(u)) => Ok((u.rd, u.understood_as)),
                    Ok(crate::query::Input::Address(t)) => self.address(&Query::Text(t)),
                    Err(e) => Err(("bad_address", e.to_string())),
                }
            }
        }
    }

    fn address(&self, q: &Query) -> Result<(Rd, String), (&'static str, String)> {
        use crate::address::Failure;
        match self.resolver.addresses().find(q) {
            Ok(f) => {
                let quality = f.best.quality.as_str();
                let note = if quality == "exact" {
                    format!("address {}", f.best.address.label)
                } else {
                    format!(
                        "address {} ({quality}: not an exact match)",
                        f.best.address.label
                    )
                };
                Ok((f.best.address.rd, note))
            }
            Err(Failure::Unreadable(r)) => Err(("bad_address", r)),
            Err(Failure::NotFound { reason, .. }) => Err(("address_not_found", reason)),
            Err(Failure::Ambiguous { reason, .. }) => Err(("ambiguous_address", reason)),
        }
    }
}

fn describe(source: &Source, names: &[String]) -> String {
    let n = |i: &usize| names.get(*i).cloned().unwrap_or_default();
    match source {
        Source::LatLon(a, b) => format!("lat/lon from '{}', '{}'", n(a), n(b)),
        Source::Projected(a, b, crs) => format!("x/y ({crs}) from '{}', '{}'", n(a), n(b)),
        Source::Parts {
            postcode, number, ..
        } => {
            format!(
                "postcode/huisnummer from '{}', '{}'",
                n(postcode),
                n(number)
            )
        }
        Source::Text(i) => format!("address from '{}'", n(i)),
    }
}

fn choose_source(names: &[String], opts: &Options) -> Result<Source, ClassifyError> {
    let find = |given: &Option<String>, usual: &[&str]| -> Result<Option<usize>, ClassifyError> {
        match given {
            Some(g) => names
                .iter()
                .position(|n| n == &g.trim().to_ascii_lowercase())
                .map(Some)
                .ok_or_else(|| {
                    ClassifyError::Columns(format!(
                        "there is no column '{g}' (columns: {})",
                        names.join(", ")
                    ))
                }),
            None => Ok(usual.iter().find_map(|u| names.iter().position(|n| n == u))),
        }
    };
    let explicit =
        opts.lat.is_some() || opts.x.is_some() || opts.postcode.is_some() || opts.address.is_some();
    let lat = find(&opts.lat, &["lat", "latitude", "breedtegraad", "y_wgs84"])?;
    let lon = find(
        &opts.lon,
        &["lon", "lng", "long", "longitude", "lengtegraad", "x_wgs84"],
    )?;
    let x = find(&opts.x, &["x", "rd_x", "x_rd", "xcoord", "x_coord"])?;
    let y = find(&opts.y, &["y", "rd_y", "y_rd", "ycoord", "y_coord"])?;
    let pc = find(&opts.postcode, &["postcode", "pc6", "postal_code"])?;
    let nr = find(
        &opts.huisnummer,
        &["huisnummer", "housenumber", "huisnr", "nummer"],
    )?;
    let letter = find(&opts.huisletter, &["huisletter"])?;
    let toev = find(&opts.toevoeging, &["toevoeging", "huisnummertoevoeging"])?;
    let text = find(
        &opts.address,
        &["address", "adres", "locatie", "location", "plaats"],
    )?;
    let want = |flag: bool| !explicit || flag;
    if want(opts.lat.is_some())
        && let (Some(a), Some(b)) = (lat, lon)
    {
        return Ok(Source::LatLon(a, b));
    }
    if want(opts.x.is_some())
        && let (Some(a), Some(b)) = (x, y)
    {
        return Ok(Source::Projected(a, b, opts.crs.unwrap_or(Crs::RdNew)));
    }
    if want(opts.postcode.is_some())
        && let (Some(p), Some(n)) = (pc, nr)
    {
        return Ok(Source::Parts {
            postcode: p,
            number: n,
            letter,
            toevoeging: toev,
        });
    }
    if want(opts.address.is_some())
        && let Some(t) = text
    {
        return Ok(Source::Text(t));
    }
    Err(ClassifyError::Columns(format!(
        "no lat/lon, x/y, postcode/huisnummer or address columns among: {}",
        names.join(", ")
    )))
}

fn decode(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// A value as a CSV field in the file's encoding, quoted when it must be.
fn field(value: &str, delimiter: u8, encoding: Encoding) -> Vec<u8> {
    let bytes = match encoding {
        Encoding::Utf8 => value.as_bytes().to_vec(),
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252.encode(value).0.into_owned(),
    };
    if bytes
        .iter()
        .any(|b| *b == delimiter || matches!(b, b'"' | b'\n' | b'\r'))
    {
        let mut q = Vec::with_capacity(bytes.len() + 2);
        q.push(b'"');
        for b in bytes {
            if b == b'"' {
                q.push(b'"');
            }
            q.push(b);
        }
        q.push(b'"');
        q
    } else {
        bytes
    }
}

/// Splits one record into fields, honouring quotes (RFC 4180).
fn split_fields(raw: &[u8], delimiter: u8) -> Vec<Vec<u8>> {
    if !raw.contains(&b'"') {
        return raw.split(|b| *b == delimiter).map(<[u8]>::to_vec).collect();
    }
    let mut fields = Vec::new();
    let mut cur = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if quoted {
            if b == b'"' {
                if raw.get(i + 1) == Some(&b'"') {
                    cur.push(b'"');
                    i += 1;
                } else {
                    quoted = false;
                }
            } else {
                cur.push(b);
            }
        } else if b == b'"' {
            quoted = true;
        } else if b == delimiter {
            fields.push(std::mem::take(&mut cur));
        } else {
            cur.push(b);
        }
        i += 1;
    }
    fields.push(cur);
    fields
}

/// Cuts a byte stream into records: a line break ends a record unless it is inside quotes.
/// Each record keeps its own line ending (`\n`, `\r\n` or none at the end of the file).
#[derive(Default)]
struct Splitter {
    buf: Vec<u8>,
    start: usize,
    /// Where scanning resumes, and whether that point is inside quotes.
    scan: usize,
    quoted: bool,
    consumed: u64,
    eof: bool,
}

impl Splitter {
    fn fill<R: Read>(&mut self, input: &mut R) -> Result<bool, ClassifyError> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.scan -= self.start;
            self.start = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + (1 << 20), 0);
        let n = loop {
            match input.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ClassifyError::Read(e)),
            }
        };
        self.buf.truncate(old + n);
        self.consumed += n as u64;
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    fn next_record(&mut self) -> Option<(Vec<u8>, Vec<u8>)> {
        let mut i = self.scan;
        while i < self.buf.len() {
            match self.buf[i] {
                b'"' => self.quoted = !self.quoted,
                b'\n' if !self.quoted => {
                    let end = if i > self.start && self.buf[i - 1] == b'\r' {
                        i - 1
                    } else {
                        i
                    };
                    let rec = self.buf[self.start..end].to_vec();
                    let ending = self.buf[end..=i].to_vec();
                    self.start = i + 1;
                    self.scan = i + 1;
                    return Some((rec, ending));
                }
                _ => {}
            }
            i += 1;
        }
        self.scan = i;
        None
    }

    /// The last record when the input ends without a line break.
    fn rest(&mut self) -> Option<(Vec<u8>, Vec<u8>)> {
        if self.start < self.buf.len() {
            let rec = self.buf[self.start..].to_vec();
            self.start = self.buf.len();
            self.scan = self.start;
            Some((rec, Vec::new()))
        } else {
            None
        }
    }
}
