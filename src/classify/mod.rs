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
//! Memory is bounded by the chunk size (4 MiB of input, read ahead by one), whatever the file
//! size; chunks are classified on all cores ([`rayon`]) while the previous one is written.

mod geojson;

pub use geojson::classify_geojson;

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
    #[error(
        "the input starts like JSON but is not a GeoJSON FeatureCollection or newline-delimited Features: {0}"
    )]
    NotGeoJson(String),
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
    /// GeoJSON: the feature's own Point geometry, in this CRS.
    Geometry(Crs),
}

/// What every row of one area gets, escaped and encoded once.
#[derive(Debug, Clone)]
struct AreaColumns {
    /// `lwa,lwa_name,wijk,buurt,` (with delimiters).
    head: Vec<u8>,
    /// `,thor_senior,police_coordinator,` (with delimiters).
    people: Vec<u8>,
    lwa_name: String,
    /// lwa, lwa_name, wijk, buurt, thor_senior, police_coordinator as plain text (GeoJSON).
    values: [String; 6],
}

struct Classifier<'a> {
    resolver: &'a Resolver,
    local: &'static LocalWgs84ToRd,
    source: Source,
    delimiter: u8,
    encoding: Encoding,
    audience: Audience,
    base: usize,
    /// Per base-layer area, made when a row first falls in it (a small file or HTTP body pays
    /// for its own areas only); `None` when the area is outside the coverage layer.
    areas: Vec<std::sync::OnceLock<Option<AreaColumns>>>,
    coverage: usize,
    layers: usize,
    /// The message of every row outside coverage, escaped once.
    outside_message: Vec<u8>,
}

/// One classified record: output bytes and counting keys.
struct Out {
    status: &'static str,
    area: Option<u32>,
}

/// Classifies CSV or GeoJSON, whichever the input is: GeoJSON starts with `{`.
pub fn classify<R: Read, W: Write>(
    resolver: &Resolver,
    input: R,
    output: W,
    opts: &Options,
    progress: impl FnMut(u64, u64),
) -> Result<Summary, ClassifyError> {
    use std::io::BufRead;
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let head = input.fill_buf().map_err(ClassifyError::Read)?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let json = head
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0x1e)
        .is_some_and(|b| *b == b'{');
    if json {
        classify_geojson(resolver, input, output, opts, progress)
    } else {
        classify_csv(resolver, input, output, opts, progress)
    }
}

/// Classifies a CSV stream. `progress` is called after every chunk with (bytes read, rows).
pub fn classify_csv<R: Read, W: Write>(
    resolver: &Resolver,
    mut input: R,
    output: W,
    opts: &Options,
    mut progress: impl FnMut(u64, u64),
) -> Result<Summary, ClassifyError> {
    let mut output = std::io::BufWriter::with_capacity(1 << 20, output);
    let mut reader = Chunker {
        quotes: true,
        ..Chunker::default()
    };
    let Some(mut chunk) = reader.next_chunk(&mut input)? else {
        return Err(ClassifyError::Empty);
    };
    let (header_end, ending_len) = chunk.first_record();
    let raw_header = chunk.bytes[..header_end - ending_len].to_vec();
    let ending = chunk.bytes[header_end - ending_len..header_end].to_vec();
    chunk.skip(header_end);
    let text = raw_header
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&raw_header);
    // The encoding is judged on the header and the first chunk (4 MiB): a file that is not
    // UTF-8 there is read (and appended to) as Windows-1252, as older Dutch tools export it.
    let utf8 = std::str::from_utf8(text).is_ok() && std::str::from_utf8(chunk.records()).is_ok();
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
    let counts = pipeline(
        &mut reader,
        chunk,
        &mut input,
        &mut output,
        c.areas.len(),
        &mut progress,
        |piece, bytes, counts| {
            for (raw, ending) in records(piece, true) {
                counts.count(&c.record(raw, ending, bytes));
            }
        },
    )?;
    c.finish(&mut summary, counts);
    Ok(summary)
}

/// Runs read → classify → write from `first` on: while the workers classify one chunk (`work`
/// per piece, on all cores), the previous chunk's output is written and the next is read.
fn pipeline<R: Read, W: Write>(
    reader: &mut Chunker,
    first: Chunk,
    input: &mut R,
    output: &mut W,
    areas: usize,
    progress: &mut impl FnMut(u64, u64),
    work: impl Fn(&[u8], &mut Vec<u8>, &mut Counts) + Sync,
) -> Result<Counts, ClassifyError> {
    let classify = |chunk: &Chunk| -> Vec<(Vec<u8>, Counts)> {
        chunk
            .pieces()
            .par_iter()
            .map(|piece| {
                let mut bytes = Vec::with_capacity(piece.len() * 8);
                let mut counts = Counts::new(areas);
                work(piece, &mut bytes, &mut counts);
                (bytes, counts)
            })
            .collect()
    };
    let mut counts = Counts::new(areas);
    let mut pending: Vec<(Vec<u8>, Counts)> = Vec::new();
    let mut next = Some(first);
    while let Some(current) = next.take() {
        // The reader and writer need not be Send: they stay on this thread.
        let (io, parts) = std::thread::scope(|scope| {
            let worker = scope.spawn(|| classify(&current));
            let io = (|| -> Result<Option<Chunk>, ClassifyError> {
                for (bytes, _) in &pending {
                    output.write_all(bytes).map_err(ClassifyError::Write)?;
                }
                reader.next_chunk(input)
            })();
            (io, worker.join())
        });
        let parts = parts.map_err(|_| {
            ClassifyError::Read(std::io::Error::other("a classification worker stopped"))
        })?;
        for (_, part) in &pending {
            counts.add(part);
        }
        progress(reader.consumed, counts.rows);
        next = io?;
        pending = parts;
    }
    for (bytes, part) in &pending {
        output.write_all(bytes).map_err(ClassifyError::Write)?;
        counts.add(part);
    }
    output.flush().map_err(ClassifyError::Write)?;
    progress(reader.consumed, counts.rows);
    Ok(counts)
}

/// Rows per status and per base area, summed per worker and then over workers.
#[derive(Debug, Clone, Default)]
struct Counts {
    rows: u64,
    resolved: u64,
    status: BTreeMap<&'static str, u64>,
    area: Vec<u64>,
}

impl Counts {
    fn new(areas: usize) -> Counts {
        Counts {
            area: vec![0; areas],
            ..Counts::default()
        }
    }

    fn count(&mut self, out: &Out) {
        self.rows += 1;
        *self.status.entry(out.status).or_default() += 1;
        if let Some(a) = out.area {
            self.resolved += 1;
            self.area[a as usize] += 1;
        }
    }

    fn add(&mut self, other: &Counts) {
        self.rows += other.rows;
        self.resolved += other.resolved;
        for (k, v) in &other.status {
            *self.status.entry(k).or_default() += v;
        }
        for (a, b) in self.area.iter_mut().zip(&other.area) {
            *a += b;
        }
    }
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
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Classifier {
            resolver,
            local: LocalWgs84ToRd::maastricht(),
            source,
            delimiter,
            encoding,
            audience,
            base,
            areas,
            coverage,
            layers: data.layers.len(),
            outside_message: field(
                &format!("outside the covered area ({})", data.manifest.coverage_name),
                delimiter,
                encoding,
            ),
        }
    }

    /// The columns of a base-layer area.
    fn columns(&self, index: u32) -> Option<&AreaColumns> {
        self.areas[index as usize]
            .get_or_init(|| self.make_columns(index))
            .as_ref()
    }

    fn make_columns(&self, index: u32) -> Option<AreaColumns> {
        let (resolver, audience) = (self.resolver, self.audience);
        let (delimiter, encoding) = (self.delimiter, self.encoding);
        let data = resolver.data();
        let area = &data.layers[self.base].areas[index as usize];
        let coverage = self.coverage;
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
                .map(crate::roster::Contact::cell)
                .unwrap_or_default()
        };
        let values = [
            lwa.id.clone(),
            lwa.name.clone(),
            wijk.map(|w| format!("{} {}", w.code.as_deref().unwrap_or(&w.id), w.name))
                .unwrap_or_default(),
            format!("{} {}", area.code.as_deref().unwrap_or(&area.id), area.name),
            person(Role::SeniorWijkgebondenMedewerker),
            person(Role::Coordinator),
        ];
        let d = delimiter;
        let mut head = Vec::new();
        for v in &values[..4] {
            head.extend(field(v, d, encoding));
            head.push(d);
        }
        let mut people = vec![d];
        for v in &values[4..] {
            people.extend(field(v, d, encoding));
            people.push(d);
        }
        Some(AreaColumns {
            head,
            people,
            lwa_name: lwa.name.clone(),
            values,
        })
    }

    /// Puts the counts into the summary, areas by name.
    fn finish(&self, summary: &mut Summary, counts: Counts) {
        summary.rows = counts.rows;
        summary.resolved = counts.resolved;
        summary.per_status = counts
            .status
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        for (i, n) in counts.area.into_iter().enumerate() {
            if let (Some(Some(cols)), true) = (self.areas.get(i).and_then(|c| c.get()), n > 0) {
                *summary.per_area.entry(cols.lwa_name.clone()).or_default() += n;
            }
        }
    }

    fn record(&self, raw: &[u8], ending: &[u8], out: &mut Vec<u8>) -> Out {
        out.extend_from_slice(raw);
        out.push(self.delimiter);
        let result = self.place(raw);
        let d = self.delimiter;
        let o = match result {
            Ok((p, note)) => match self.verdict(p) {
                Some((area, cols, boundary)) => {
                    out.extend_from_slice(&cols.head);
                    out.extend_from_slice(if boundary { b"boundary" } else { b"inside" });
                    out.extend_from_slice(&cols.people);
                    out.extend_from_slice(b"ok");
                    out.push(d);
                    if !note.is_empty() {
                        out.extend(field(&note, d, self.encoding));
                    }
                    Out {
                        status: "ok",
                        area: Some(area),
                    }
                }
                None => {
                    out.extend_from_slice(&[d, d, d, d]);
                    out.extend_from_slice(b"outside");
                    out.extend_from_slice(&[d, d, d]);
                    out.extend_from_slice(b"outside");
                    out.push(d);
                    out.extend_from_slice(&self.outside_message);
                    Out {
                        status: "outside",
                        area: None,
                    }
                }
            },
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

    /// Where a point falls: its base area, that area's columns and whether it lies on a
    /// boundary; `None` outside coverage.
    fn verdict(&self, p: Rd) -> Option<(u32, &AreaColumns, bool)> {
        // Cities have a handful of layers: a stack buffer, no allocation per row.
        let mut buffer = [None; 16];
        let mut heap = Vec::new();
        let hits: &mut [Option<crate::index::Hit>] = if self.layers <= buffer.len() {
            &mut buffer[..self.layers]
        } else {
            heap.resize(self.layers, None);
            &mut heap
        };
        self.resolver.locate_into(p, hits);
        hits[self.coverage]?;
        let base = self.resolver.base_hit(hits)?;
        let cols = self.columns(base.area)?;
        let boundary = hits
            .iter()
            .flatten()
            .any(|h| h.position == Position::Boundary);
        Some((base.area, cols, boundary))
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
            Source::Geometry(_) => Err((
                "bad_coordinate",
                "a GeoJSON feature's place is its geometry, not a column".into(),
            )),
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
        match self.resolver.find_address(q) {
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
        Source::Geometry(crs) => format!("Point geometry ({crs})"),
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

/// Bytes read per chunk: large enough for the workers, small enough to keep memory flat.
const CHUNK: usize = 4 << 20;
/// Bytes asked of the reader at a time.
const READ_STEP: usize = 256 << 10;
/// Records per piece of a chunk handed to one worker.
const PIECE: usize = 4096;

/// Whole records, as read: the line break that ends each (`\n`, `\r\n`, or none at the very end
/// of the input) is part of it, and `cuts` split them into pieces for the workers.
#[derive(Debug, Default)]
struct Chunk {
    bytes: Vec<u8>,
    start: usize,
    /// Piece boundaries (record starts) after `start`, ending with `bytes.len()`.
    cuts: Vec<usize>,
}

impl Chunk {
    /// The end of the first record and the length of its line break.
    fn first_record(&self) -> (usize, usize) {
        match records(&self.bytes[self.start..], true).next() {
            Some((raw, ending)) => (self.start + raw.len() + ending.len(), ending.len()),
            None => (self.start, 0),
        }
    }

    /// Drops everything before `to` (the header).
    fn skip(&mut self, to: usize) {
        self.start = to;
        self.cuts.retain(|c| *c > to);
    }

    fn records(&self) -> &[u8] {
        &self.bytes[self.start..]
    }

    fn pieces(&self) -> Vec<&[u8]> {
        let mut from = self.start;
        let mut out = Vec::with_capacity(self.cuts.len());
        for &c in &self.cuts {
            if c > from {
                out.push(&self.bytes[from..c]);
                from = c;
            }
        }
        out
    }
}

/// The records of a piece (which holds whole records only).
fn records(piece: &[u8], quotes: bool) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= piece.len() {
            return None;
        }
        let end = record_end(piece, at, quotes).unwrap_or(piece.len());
        let next = (end + 1).min(piece.len());
        let body_end = if end < piece.len() && end > at && piece[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        let item = (&piece[at..body_end], &piece[body_end..next]);
        at = next;
        Some(item)
    })
}

/// The position of the line break that ends the record starting at `from`: with `quotes` (CSV)
/// the first `\n` with an even number of quotes before it in the record, else the first `\n`.
fn record_end(bytes: &[u8], from: usize, quotes: bool) -> Option<usize> {
    if !quotes {
        return memchr::memchr(b'\n', &bytes[from..]).map(|i| from + i);
    }
    let mut quoted = false;
    let mut at = from;
    while let Some(i) = memchr::memchr2(b'"', b'\n', &bytes[at..]) {
        let i = at + i;
        if bytes[i] == b'"' {
            quoted = !quoted;
        } else if !quoted {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

/// Reads the input in chunks of whole records: a line break ends a record unless it is
/// inside quotes, so quoted fields may hold delimiters and line breaks.
#[derive(Default)]
struct Chunker {
    /// CSV: quotes may hide line breaks. Newline-delimited JSON: every line break ends a record.
    quotes: bool,
    carry: Vec<u8>,
    consumed: u64,
    eof: bool,
}

impl Chunker {
    fn next_chunk<R: Read>(&mut self, input: &mut R) -> Result<Option<Chunk>, ClassifyError> {
        let mut bytes = std::mem::take(&mut self.carry);
        loop {
            // Read until the buffer holds a chunk's worth (or the input ends).
            while !self.eof && bytes.len() < CHUNK {
                // Grow in steps: a small file (or HTTP body) never costs a whole chunk.
                let old = bytes.len();
                bytes.resize(old + READ_STEP, 0);
                let n = loop {
                    match input.read(&mut bytes[old..]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(ClassifyError::Read(e)),
                    }
                };
                bytes.truncate(old + n);
                self.consumed += n as u64;
                self.eof = n == 0;
            }
            if bytes.is_empty() {
                return Ok(None);
            }
            let mut cuts = Vec::new();
            let mut at = 0;
            let mut in_piece = 0;
            let mut whole = 0;
            while let Some(end) = record_end(&bytes, at, self.quotes) {
                at = end + 1;
                whole = at;
                in_piece += 1;
                if in_piece == PIECE {
                    cuts.push(at);
                    in_piece = 0;
                }
            }
            if self.eof {
                // The last record may end without a line break.
                cuts.push(bytes.len());
                return Ok(Some(Chunk {
                    bytes,
                    start: 0,
                    cuts,
                }));
            }
            if whole > 0 {
                self.carry = bytes.split_off(whole);
                if cuts.last() != Some(&whole) {
                    cuts.push(whole);
                }
                return Ok(Some(Chunk {
                    bytes,
                    start: 0,
                    cuts,
                }));
            }
            // One record longer than the buffer: read on until it ends.
            let old = bytes.len();
            bytes.reserve(old);
            let mut more = vec![0; old.max(CHUNK)];
            let n = input.read(&mut more).map_err(ClassifyError::Read)?;
            self.consumed += n as u64;
            self.eof = n == 0;
            bytes.extend_from_slice(&more[..n]);
        }
    }
}
