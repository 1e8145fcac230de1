//! Address files: the canonical CSV that the index loads, and the tolerant CSV import that turns
//! a municipality's own export (or the OpenStreetMap-derived default) into it.
//!
//! The canonical file has the columns `id,postcode,huisnummer,huisletter,toevoeging,straat,
//! woonplaats,x,y` (RD New metres, 3 decimals) and is refused as a whole when any row is wrong.
//! The import reads `,` `;` or tab separated files with the usual Dutch and English column
//! names, coordinates as RD x/y or WGS84 lat/lon, house numbers split or written together
//! (`45a`, `78-2`), and skips rows it cannot read, each reported with its line and reason.
//!
//! Also the one place that judges a data file's text encoding ([`TextEncoding`],
//! [`decode_text`]): every loader reads what Excel saves, UTF-8 with or without BOM and
//! Windows-1252, and refuses anything else with the reason, rather than dropping its rows.

use std::io::{Read, Write};
use std::path::Path;

use super::AddressRecord;
use super::normalize::{HouseNumber, Postcode, Suffix};
use crate::crs::{Rd, Wgs84, transformer};
use crate::query::{check_projected, check_wgs84};

/// A problem with an address file: the file, the line when there is one, and the reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {reason}", line.map(|l| format!(": line {l}")).unwrap_or_default())]
pub struct RecordError {
    pub file: String,
    pub line: Option<u64>,
    pub reason: String,
    /// The kind of the I/O error behind it, when reading or writing failed (a full disk is
    /// told apart by it, see [`crate::staging::is_full`]).
    pub io: Option<std::io::ErrorKind>,
}

impl RecordError {
    pub fn file(path: &Path, reason: impl Into<String>) -> RecordError {
        RecordError {
            file: path.display().to_string(),
            line: None,
            reason: reason.into(),
            io: None,
        }
    }

    /// Reading or writing `path` failed.
    pub fn io(path: &Path, e: &std::io::Error) -> RecordError {
        RecordError {
            io: Some(e.kind()),
            ..RecordError::file(path, e.to_string())
        }
    }
}

pub use crate::encoding::{NOT_WINDOWS_1252, TextEncoding, decode_text, refuse_binary};

pub const CANONICAL_HEADER: [&str; 9] = [
    "id",
    "postcode",
    "huisnummer",
    "huisletter",
    "toevoeging",
    "straat",
    "woonplaats",
    "x",
    "y",
];

/// Reads a canonical address file; any wrong row refuses the file.
pub fn read_canonical<R: Read>(reader: R, name: &str) -> Result<Vec<AddressRecord>, RecordError> {
    let (rows, problems, _) = read_with(reader, name, &ImportOptions::default())?;
    match problems.into_iter().next() {
        Some(first) => Err(first),
        None => Ok(rows),
    }
}

/// Options for [`import_csv`].
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Woonplaats for rows whose woonplaats is empty or missing.
    pub default_place: Option<String>,
    /// Read `16-18` as a range of two buildings (OpenStreetMap's convention) and skip it,
    /// instead of as number 16 with toevoeging 18 (the BAG's way of writing).
    pub skip_number_ranges: bool,
}

/// What an import read and skipped.
#[derive(Debug, Default)]
pub struct ImportOutcome {
    pub records: Vec<AddressRecord>,
    pub skipped: Vec<RecordError>,
    /// What the file was read as.
    pub encoding: TextEncoding,
}

/// Imports a CSV with the usual column names; rows that cannot be read are skipped and listed.
pub fn import_csv<R: Read>(
    reader: R,
    name: &str,
    opts: &ImportOptions,
) -> Result<ImportOutcome, RecordError> {
    let (records, skipped, encoding) = read_with(reader, name, opts)?;
    Ok(ImportOutcome {
        records,
        skipped,
        encoding,
    })
}

/// Which column holds what.
#[derive(Debug, Default)]
struct Columns {
    id: Option<usize>,
    postcode: Option<usize>,
    number: usize,
    letter: Option<usize>,
    toevoeging: Option<usize>,
    street: usize,
    place: Option<usize>,
    coords: Coords,
}

#[derive(Debug, Default)]
enum Coords {
    #[default]
    None,
    Rd(usize, usize),
    LatLon(usize, usize),
}

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| header.iter().position(|h| h == n))
}

fn columns(header: &[String], name: &str) -> Result<Columns, RecordError> {
    let missing = |what: &str, names: &[&str]| RecordError {
        file: name.to_string(),
        line: Some(1),
        io: None,
        reason: format!(
            "no {what} column: name one of {} (columns found: {})",
            names.join(", "),
            header.join(", ")
        ),
    };
    const NUMBER: &[&str] = &[
        "huisnummer",
        "housenumber",
        "addr:housenumber",
        "huisnr",
        "nummer",
        "number",
    ];
    const STREET: &[&str] = &[
        "straat",
        "straatnaam",
        "openbareruimte",
        "openbare_ruimte",
        "openbareruimtenaam",
        "street",
        "addr:street",
    ];
    let coords = match (
        find(header, &["x", "rd_x", "x_rd"]),
        find(header, &["y", "rd_y", "y_rd"]),
        find(header, &["lat", "latitude", "breedtegraad"]),
        find(header, &["lon", "lng", "long", "longitude", "lengtegraad"]),
    ) {
        (Some(x), Some(y), _, _) => Coords::Rd(x, y),
        (_, _, Some(lat), Some(lon)) => Coords::LatLon(lat, lon),
        _ => {
            return Err(missing(
                "coordinate",
                &["x and y (RD New)", "lat and lon (WGS84)"],
            ));
        }
    };
    Ok(Columns {
        id: find(
            header,
            &[
                "id",
                "nummeraanduiding",
                "nummeraanduiding_id",
                "nummeraanduidingid",
                "identificatie",
            ],
        ),
        postcode: find(header, &["postcode", "addr:postcode", "pc6", "zip"]),
        number: find(header, NUMBER).ok_or_else(|| missing("house number", NUMBER))?,
        letter: find(header, &["huisletter", "letter"]),
        toevoeging: find(
            header,
            &[
                "toevoeging",
                "huisnummertoevoeging",
                "huisnummer_toevoeging",
                "addition",
            ],
        ),
        street: find(header, STREET).ok_or_else(|| missing("street", STREET))?,
        place: find(
            header,
            &[
                "woonplaats",
                "woonplaatsnaam",
                "plaats",
                "city",
                "addr:city",
            ],
        ),
        coords,
    })
}

/// The delimiter of a CSV file, judged by its header line: `,` `;` or tab, whichever occurs most.
pub(crate) fn detect_delimiter(first_line: &[u8]) -> u8 {
    let count = |d: u8| first_line.iter().filter(|c| **c == d).count();
    // A header of one column has no delimiter to find: comma, the format's own.
    [b';', b'\t']
        .into_iter()
        .filter(|d| count(*d) > count(b','))
        .max_by_key(|d| count(*d))
        .unwrap_or(b',')
}

/// Rows read, rows skipped with their reasons, and the file's encoding.
type ReadRows = (Vec<AddressRecord>, Vec<RecordError>, TextEncoding);

fn read_with<R: Read>(
    mut reader: R,
    name: &str,
    opts: &ImportOptions,
) -> Result<ReadRows, RecordError> {
    let file_error = |line: Option<u64>, reason: String| RecordError {
        file: name.to_string(),
        line,
        reason,
        io: None,
    };
    let io_err = |e: std::io::Error| RecordError {
        io: Some(e.kind()),
        ..file_error(None, e.to_string())
    };
    // Look at the header line to choose the delimiter, then read everything through one reader.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while head.len() < 64 * 1024 {
        if reader.read(&mut byte).map_err(io_err)? == 0 || byte[0] == b'\n' {
            break;
        }
        head.push(byte[0]);
    }
    refuse_binary(&head).map_err(|reason| file_error(None, reason))?;
    let head_text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head).to_vec();
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(&head_text))
        // Not CRLF: with it a record ends at the `\r` and its `\n` is counted with the next
        // one, so that the lines named in an Excel file (CRLF) would be one too low. The `\r`
        // left at the end of the last field is trimmed with the field.
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .has_headers(true)
        .from_reader(head_text.as_slice().chain(&b"\n"[..]).chain(reader));
    // Judged on the first line with more than ASCII in it, so that the file is read as it
    // streams; a later row in another encoding is skipped with the reason, never garbled.
    let mut judged: Option<(TextEncoding, u64)> = None;
    let raw_header = csv
        .byte_headers()
        .map_err(|e| file_error(Some(1), e.to_string()))?
        .clone();
    let header: Vec<String> = text_record(&raw_header, 1, &mut judged)
        .map_err(|reason| file_error(Some(1), reason))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let cols = columns(&header, name)?;
    let t = transformer();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut raw = csv::ByteRecord::new();
    loop {
        let line = csv.position().line();
        match csv.read_byte_record(&mut raw) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.push(file_error(Some(line), e.to_string()));
                continue;
            }
        }
        let record = match text_record(&raw, line, &mut judged) {
            Ok(r) => r,
            Err(reason) => {
                problems.push(file_error(Some(line), reason));
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match row(&record, &cols, opts, t) {
            Ok(r) => out.push(r),
            Err(reason) => problems.push(file_error(Some(line), reason)),
        }
    }
    let encoding = judged.map(|(e, _)| e).unwrap_or_default();
    Ok((out, problems, encoding))
}

/// One record as text in the file's encoding, judging it on the first record that needs it.
fn text_record(
    raw: &csv::ByteRecord,
    line: u64,
    judged: &mut Option<(TextEncoding, u64)>,
) -> Result<csv::StringRecord, String> {
    if raw.as_slice().is_ascii() {
        return csv::StringRecord::from_byte_record(raw.clone()).map_err(|e| e.to_string());
    }
    let (encoding, since) = match *judged {
        Some(j) => j,
        None => {
            let e = TextEncoding::judge(raw.as_slice())?;
            *judged = Some((e, line));
            (e, line)
        }
    };
    match encoding {
        TextEncoding::Utf8 => csv::StringRecord::from_byte_record(raw.clone()).map_err(|_| {
            format!(
                "not UTF-8, which the file is from line {since} on: correct this row, or save the whole file again in one encoding"
            )
        }),
        TextEncoding::Windows1252 => match raw.iter().find_map(|f| {
            f.iter().find(|b| NOT_WINDOWS_1252.contains(b))
        }) {
            Some(b) => Err(format!(
                "byte 0x{b:02X} is not Windows-1252, which the file is from line {since} on: correct this row"
            )),
            None => Ok(raw.iter().map(|f| encoding.decode(f)).collect()),
        },
    }
}

fn row(
    record: &csv::StringRecord,
    cols: &Columns,
    opts: &ImportOptions,
    t: &crate::crs::Transformer,
) -> Result<AddressRecord, String> {
    let get = |i: Option<usize>| {
        i.and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let number_text = get(Some(cols.number)).ok_or("the house number is empty")?;
    let letter = get(cols.letter);
    let toevoeging = get(cols.toevoeging);
    if opts.skip_number_ranges && is_number_range(number_text) {
        return Err(format!(
            "'{number_text}' is a range of numbers (OpenStreetMap), not one address"
        ));
    }
    let hn = HouseNumber::parse(number_text)?;
    let suffix = if letter.is_some() || toevoeging.is_some() {
        if hn.readings != [Suffix::NONE] {
            return Err(format!(
                "huisnummer '{number_text}' has a suffix and huisletter/toevoeging are given too"
            ));
        }
        let letter = match letter {
            Some(l) if l.chars().count() != 1 => {
                return Err(format!("huisletter '{l}' is not one letter"));
            }
            Some(l) => l.chars().next(),
            None => None,
        };
        Suffix::new(letter, toevoeging)?
    } else {
        hn.readings[0]
    };
    let postcode = match get(cols.postcode) {
        None => None,
        Some(p) => Some(
            Postcode::parse(p)
                .ok_or_else(|| format!("postcode '{p}' is not four digits and two letters"))?,
        ),
    };
    let street = get(Some(cols.street)).ok_or("the street is empty")?;
    let place = get(cols.place)
        .or(opts.default_place.as_deref())
        .ok_or("the woonplaats is empty (give --place for files without one)")?;
    let number = |i: usize, what: &str| -> Result<f64, String> {
        let v = get(Some(i)).ok_or_else(|| format!("{what} is empty"))?;
        crate::query::parse_number(what, v).map_err(|e| e.to_string())
    };
    let rd = match cols.coords {
        Coords::Rd(x, y) => {
            check_projected(number(x, "x")?, number(y, "y")?, crate::crs::Crs::RdNew)
                .map_err(|e| e.to_string())?
        }
        Coords::LatLon(lat, lon) => {
            let w: Wgs84 =
                check_wgs84(number(lat, "lat")?, number(lon, "lon")?).map_err(|e| e.to_string())?;
            let rd = t.wgs84_to_rd(w);
            Rd {
                x: (rd.x * 1000.0).round() / 1000.0,
                y: (rd.y * 1000.0).round() / 1000.0,
            }
        }
        Coords::None => return Err("no coordinates".into()),
    };
    let id = match get(cols.id) {
        None => None,
        Some(s) => {
            let digits = s.trim_start_matches("NL.IMBAG.Nummeraanduiding.");
            if digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "id '{s}' is not a BAG nummeraanduiding identificatie (16 digits)"
                ));
            }
            digits.parse().ok()
        }
    };
    Ok(AddressRecord {
        id,
        postcode,
        number: hn.number,
        suffix,
        street: street.to_string(),
        place: place.to_string(),
        rd,
    })
}

/// Writes records as a canonical address file, sorted for stable output.
pub fn write_canonical<W: Write>(writer: W, records: &mut [AddressRecord]) -> std::io::Result<()> {
    records.sort_by(|a, b| {
        (a.postcode, a.number, a.suffix, &a.street, &a.place)
            .cmp(&(b.postcode, b.number, b.suffix, &b.street, &b.place))
    });
    let mut w = csv::Writer::from_writer(writer);
    w.write_record(CANONICAL_HEADER).map_err(io_of)?;
    for r in records.iter() {
        w.write_record([
            r.id.map(|i| format!("{i:016}")).unwrap_or_default(),
            r.postcode.map(|p| p.to_string()).unwrap_or_default(),
            r.number.to_string(),
            r.suffix.letter().map(String::from).unwrap_or_default(),
            r.suffix.toevoeging().unwrap_or_default().to_string(),
            r.street.clone(),
            r.place.clone(),
            format!("{:.3}", r.rd.x),
            format!("{:.3}", r.rd.y),
        ])
        .map_err(io_of)?;
    }
    w.flush()
}

/// The I/O error inside a CSV writer's error, with its own kind (a full disk stays a full disk;
/// the `?` conversion of the csv crate would make every one `Other`).
fn io_of(e: csv::Error) -> std::io::Error {
    let text = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        _ => std::io::Error::other(text),
    }
}

/// What an OpenStreetMap address file is, when nothing more is known of it (the shipped one is
/// described in `layers.toml`, `[shipped.addresses_source]`).
pub fn osm_source_info(file: &Path) -> super::AddressSourceInfo {
    super::AddressSourceInfo {
        name: format!(
            "OpenStreetMap addresses ({})",
            file.file_name().unwrap_or_default().to_string_lossy()
        ),
        licence: "ODbL 1.0".into(),
        attribution: "© OpenStreetMap contributors".into(),
        complete: false,
        note: "addresses from OpenStreetMap: not the address register; most homes may be missing"
            .into(),
        date: None,
    }
}

/// Imports the OpenStreetMap-derived CSV of `data/sources` (columns street, housenumber,
/// postcode, city, lat, lon). OSM house numbers that are ranges or lists (`16-18`, `11 & 12`)
/// are not one BAG address and are skipped with a note, as are rows that do not read. Rows
/// without a city get `place`, the municipality's name.
pub fn import_osm(
    path: &Path,
    place: &str,
) -> Result<(Vec<AddressRecord>, Vec<RecordError>), RecordError> {
    let file = std::fs::File::open(path).map_err(|e| RecordError::io(path, &e))?;
    let outcome = import_csv(
        std::io::BufReader::new(file),
        &path.display().to_string(),
        &ImportOptions {
            default_place: Some(place.to_string()),
            skip_number_ranges: true,
        },
    )?;
    Ok((outcome.records, outcome.skipped))
}

/// `16-18`, `104-106`: two numbers, the second larger.
fn is_number_range(h: &str) -> bool {
    match h.split_once('-') {
        Some((a, b)) => match (a.trim().parse::<u32>(), b.trim().parse::<u32>()) {
            (Ok(a), Ok(b)) => b > a,
            _ => false,
        },
        None => false,
    }
}

/// What [`write_file`] wrote, as the server will see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Addresses the index holds after loading the file: the number answers report.
    pub addresses: usize,
    /// Rows dropped on load because an earlier row has the same address.
    pub duplicates: usize,
}

/// Writes `records` as a canonical address file with its `.toml` beside it, loads the result
/// back exactly as `serve` will, and only then moves both into place: a refused or interrupted
/// write leaves the previous file untouched.
pub fn write_file(
    out: &Path,
    records: &mut [AddressRecord],
    info: &super::AddressSourceInfo,
) -> Result<Written, RecordError> {
    use crate::staging::StagedFile;
    let io = |p: &Path, e: std::io::Error| RecordError::io(p, &e);
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    let csv = StagedFile::new(out);
    let meta_path = out.with_extension("toml");
    let meta = StagedFile::new(&meta_path);
    let file = std::fs::File::create(csv.path()).map_err(|e| io(out, e))?;
    write_canonical(std::io::BufWriter::new(file), records).map_err(|e| io(out, e))?;
    let text = toml::to_string(info).map_err(|e| RecordError::file(&meta_path, e.to_string()))?;
    std::fs::write(meta.path(), text).map_err(|e| io(&meta_path, e))?;
    let file = std::fs::File::open(csv.path()).map_err(|e| io(out, e))?;
    let rows = read_canonical(std::io::BufReader::new(file), &out.display().to_string())?;
    let (index, duplicates) =
        super::AddressIndex::build(rows, info.clone()).map_err(|e| RecordError::file(out, e.0))?;
    meta.commit().map_err(|e| io(&meta_path, e))?;
    csv.commit().map_err(|e| io(out, e))?;
    Ok(Written {
        addresses: index.len(),
        duplicates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that is full after a few bytes, as a disk is.
    struct Full(usize);

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
            }
            let n = buf.len().min(self.0);
            self.0 -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The CSV writer's own error does not hide a full disk: its kind reaches the caller, which
    /// tells the user how much room there is (`staging::is_full`).
    #[test]
    fn a_full_disk_while_writing_keeps_its_kind() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../geodata/addresses.csv"
        ))
        .unwrap();
        let mut records = read_canonical(text.as_bytes(), "addresses.csv").unwrap();
        assert!(records.len() > 500);
        let e = write_canonical(Full(10_000), &mut records).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::StorageFull);
        assert!(crate::staging::is_full(
            RecordError::io(Path::new("a.csv"), &e).io.unwrap()
        ));
    }
}
