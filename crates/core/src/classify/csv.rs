//! CSV in, CSV out: the header read for the delimiter, encoding and place columns, every
//! record passed through byte for byte with the added columns after it.
//!
//! Input is `,` `;` or tab separated (detected from the header; a one-column file is written
//! with commas), UTF-8 with or without BOM, or Windows-1252 (detected: the first 1 MiB chunk
//! is not UTF-8; the added text is then written in Windows-1252 too).

use std::borrow::Cow;
use std::io::{Read, Write};

pub(crate) use super::cell::{Encoding, decode, field};
use super::chunk::{Chunker, pipeline, records};
use super::columns;
use super::row::{Classifier, Refusal};
use super::{ClassifyError, Options, Summary, finish};
use crate::address::records::detect_delimiter;
use crate::resolve::Resolver;
use crate::t;

/// Rows looked at to judge swapped or mislabelled coordinate columns.
const SAMPLE: usize = 500;

/// Classifies a CSV stream. `progress` is called after every chunk with (bytes read, rows).
pub fn classify_csv<R: Read, W: Write>(
    resolver: &Resolver,
    mut input: R,
    output: W,
    opts: &Options,
    mut progress: impl FnMut(u64, u64),
) -> Result<Summary, ClassifyError> {
    let on = super::on_day(resolver, opts)?;
    let resolver = on.resolver();
    // UTF-16 with its BOM (Excel's "Unicode text") is read as the UTF-8 it transcodes to, with
    // UTF-8's BOM, so the answer is UTF-8 with BOM, which Excel opens as it should.
    let mut head = [0u8; 2];
    let got = read_full(&mut input, &mut head).map_err(ClassifyError::Read)?;
    let head = &head[..got];
    let utf16 = crate::encoding::utf16_bom(head);
    let input = std::io::Read::chain(head, input);
    let mut input: Box<dyn Read + '_> = match utf16 {
        // The decoder drops the BOM; UTF-8's is put in its place.
        Some(encoding) => Box::new(std::io::Read::chain(
            &b"\xEF\xBB\xBF"[..],
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .build(input),
        )),
        None => Box::new(input),
    };
    let mut output = std::io::BufWriter::with_capacity(1 << 20, output);
    let mut reader = Chunker {
        quotes: true,
        cancel: opts.cancel.clone(),
        ..Chunker::default()
    };
    let Some(mut chunk) = reader.next_chunk(&mut input)? else {
        return Err(ClassifyError::Empty);
    };
    // Read as text, a workbook or other binary file would be "columns" of raw bytes.
    if super::workbook::looks_like_workbook(&chunk.bytes) {
        return Err(ClassifyError::NotATable(t!("classify-workbook-as-csv")));
    }
    if super::workbook::looks_binary(&chunk.bytes) {
        return Err(ClassifyError::NotATable(t!("classify-binary")));
    }
    // A BOM starts the file, not its first line: taken off here, written back below.
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let had_bom = chunk.records().starts_with(BOM);
    if had_bom {
        chunk.skip(chunk.start + BOM.len());
    }
    let (header_end, ending_len) = chunk.first_record();
    // Excel's `sep=;` line names the delimiter before the header: it is kept in the answer
    // (Excel reads the answer with it) and the header is the line after it.
    let mut sep_line = Vec::new();
    let mut said_delimiter = None;
    if let Some(d) = sep_line_delimiter(&chunk.bytes[chunk.start..header_end - ending_len]) {
        sep_line = chunk.bytes[chunk.start..header_end].to_vec();
        said_delimiter = Some(d);
        chunk.skip(header_end);
        if chunk.records().is_empty() {
            return Err(ClassifyError::Empty);
        }
    }
    // The encoding is judged on the first chunk (1 MiB): a file that is not UTF-8 there is read
    // (and appended to) as Windows-1252, as older Dutch tools export it.
    let encoding = if std::str::from_utf8(chunk.records()).is_ok() {
        Encoding::Utf8
    } else {
        Encoding::Windows1252
    };
    let newline = chunk.newline;
    let found = find_header(
        &chunk,
        newline,
        encoding,
        said_delimiter,
        opts,
        sep_line.len(),
    )?;
    let preamble = chunk.bytes[chunk.start..found.start].to_vec();
    let raw_header = chunk.bytes[found.start..found.body_end].to_vec();
    let ending = chunk.bytes[found.body_end..found.end].to_vec();
    let text = &raw_header[..];
    let header_row = found.row + u64::from(!sep_line.is_empty());
    chunk.skip(found.end);
    let (delimiter, names, mut places) = (found.delimiter, found.names, found.places);
    let sample: Vec<Vec<String>> = records(chunk.records(), true, newline)
        .take(SAMPLE)
        .map(|(raw, _)| {
            split_fields(raw, delimiter)
                .iter()
                .map(|f| decode(f, encoding).trim().to_string())
                .collect()
        })
        .collect();
    let near = super::near_coverage(resolver);
    columns::judge_coordinates(&mut places, &sample, opts.columns.crs.is_some(), near);
    let decimal_comma = match opts.columns.decimal().map_err(ClassifyError::Columns)? {
        Some(comma) => comma,
        None => judge_decimal_comma(&sample, delimiter),
    };
    let output_columns = super::output_columns(resolver, opts)?;
    let added = output_columns.header_names(&names);
    let mut c = Classifier::new(
        on,
        places,
        delimiter,
        encoding,
        opts.audience,
        output_columns,
    );
    c.decimal_comma = decimal_comma;
    c.strict_inside = opts.columns.strict_inside;
    let header_fields = names.len();

    let bom = match opts.columns.bom().map_err(ClassifyError::Columns)? {
        Some(asked) => asked && encoding == Encoding::Utf8,
        // A UTF-8 file that had one keeps it; a `sep=` line after a BOM is not read by Excel.
        // Excel reads a file without BOM in its own code page: an ASCII input (most police
        // exports) answered with names and people beyond ASCII would show "CoÃ¶rdinator". An
        // input with its own non-ASCII text and no BOM comes from a tool that wants it so;
        // Excel ignores a `sep=` line after a BOM.
        None => {
            // A BOM the file had stays, whatever follows it: its bytes are the file's own.
            had_bom
                || (encoding == Encoding::Utf8
                    && sep_line.is_empty()
                    && c.output.has_text()
                    && preamble.is_ascii()
                    && text.is_ascii()
                    && chunk.records().is_ascii())
        }
    };
    if bom {
        output.write_all(BOM).map_err(ClassifyError::Write)?;
    }
    output.write_all(&sep_line).map_err(ClassifyError::Write)?;
    // Title and blank rows above the header stay as they were.
    output.write_all(&preamble).map_err(ClassifyError::Write)?;
    output
        .write_all(&raw_header)
        .map_err(ClassifyError::Write)?;
    for name in &added {
        output
            .write_all(&[delimiter])
            .and_then(|_| output.write_all(&field(name, delimiter, encoding)))
            .map_err(ClassifyError::Write)?;
    }
    output.write_all(&ending).map_err(ClassifyError::Write)?;

    let mut summary = Summary {
        delimiter: match delimiter {
            b'\t' => "tab".into(),
            d => (d as char).to_string(),
        },
        encoding: match encoding {
            _ if let Some(e) = utf16 => format!("{} (answered in UTF-8 with BOM)", e.name()),
            Encoding::Utf8 if had_bom => "UTF-8 with BOM".into(),
            Encoding::Utf8 if bom => "UTF-8 (answered with a BOM for Excel)".into(),
            Encoding::Utf8 => "UTF-8".into(),
            Encoding::Windows1252 => "Windows-1252".into(),
        },
        columns: c.places.describe(),
        header_row: Some(header_row),
        lines_above_header: found.row - 1,
        decimal: if decimal_comma { "comma" } else { "point" }.into(),
        notes: c.places.notes.clone(),
        added,
        ..Summary::default()
    };
    let counts = pipeline(
        &mut reader,
        chunk,
        &mut input,
        &mut output,
        c.coverage_areas(),
        &mut progress,
        |piece, bytes, counts| {
            let mut buffer = vec![None; c.layers];
            for (raw, ending) in records(piece, true, newline).take_while(|_| !opts.cancel.is_set())
            {
                // A row with fewer fields than the header is padded and one with more keeps
                // its extra fields after the added columns: the added columns always stand
                // under their own names, and nothing is lost.
                let (own, extra, fields) = cut_at_field(raw, delimiter, header_fields);
                bytes.extend_from_slice(own);
                for _ in fields..header_fields {
                    bytes.push(delimiter);
                }
                let place = row_place(&c, own);
                let mut answer = c.answer(place, &mut buffer);
                if fields != header_fields {
                    let note = if fields < header_fields {
                        t!("row-short", fields = fields, header = header_fields)
                    } else {
                        t!(
                            "row-long",
                            fields = fields,
                            header = header_fields,
                            extra = fields - header_fields
                        )
                    };
                    answer.message = if answer.message.is_empty() {
                        note
                    } else {
                        format!("{}; {note}", answer.message)
                    };
                }
                c.write_csv(&answer, bytes);
                bytes.extend_from_slice(extra);
                bytes.extend_from_slice(ending);
                counts.count(
                    answer.status,
                    answer.located.as_ref().map(|l| l.source),
                    answer.area(),
                );
            }
        },
    )?;
    finish(&c, &mut summary, counts);
    Ok(summary)
}

/// Title and blank lines looked at above a header before giving up.
const HEADER_SEARCH: usize = 20;

/// The header a file's table starts with, and where it is in the first chunk.
struct Header {
    /// 1-based line, after any `sep=` line.
    row: u64,
    start: usize,
    body_end: usize,
    end: usize,
    delimiter: u8,
    names: Vec<String>,
    places: columns::Places,
}

/// The header: the line `header_row` names, else the first line that looks like one: the first
/// with two fields or more, below any title and blank lines (an export's "Meldingen november"
/// and the empty line under it). Its place columns must be found, as for any header.
fn find_header(
    chunk: &super::chunk::Chunk,
    newline: super::chunk::Newline,
    encoding: Encoding,
    said_delimiter: Option<u8>,
    opts: &Options,
    sep_line: usize,
) -> Result<Header, ClassifyError> {
    let mut lines = Vec::new();
    let mut at = chunk.start;
    for (raw, ending) in records(chunk.records(), true, newline).take(HEADER_SEARCH) {
        lines.push((at, at + raw.len(), at + raw.len() + ending.len()));
        at += raw.len() + ending.len();
    }
    // Nothing but a byte-order mark (a UTF-16 one transcodes to no text at all).
    if lines.is_empty() {
        return Err(ClassifyError::Empty);
    }
    let read = |i: usize| {
        let (start, body_end, _) = lines[i];
        let text = decode(&chunk.bytes[start..body_end], encoding);
        let delimiter = opts
            .delimiter
            .or(said_delimiter)
            .unwrap_or_else(|| detect_delimiter(text.as_bytes()));
        let names: Vec<String> = split_fields(text.as_bytes(), delimiter)
            .into_iter()
            .map(|f| String::from_utf8_lossy(&f).trim().to_ascii_lowercase())
            .collect();
        (delimiter, names)
    };
    let sep = u64::from(sep_line > 0);
    let i = match opts.columns.header_row {
        Some(n) => n
            .checked_sub(1 + sep)
            .map(|i| i as usize)
            .filter(|i| *i < lines.len())
            .ok_or_else(|| {
                ClassifyError::Columns(columns::ColumnProblem::BadValue {
                    option: "header_row",
                    reason: t!(
                        "classify-header-row",
                        row = n,
                        first = 1 + sep,
                        last = lines.len() as u64 + sep
                    ),
                })
            })?,
        None => (0..lines.len())
            .find(|&i| read(i).1.iter().filter(|n| !n.is_empty()).count() >= 2)
            .unwrap_or(0),
    };
    let (delimiter, names) = read(i);
    let places = columns::choose(&names, &opts.columns).map_err(ClassifyError::Columns)?;
    let (start, body_end, end) = lines[i];
    Ok(Header {
        row: i as u64 + 1,
        start,
        body_end,
        end,
        delimiter,
        names,
        places,
    })
}

/// Reads until `buf` is full or the input ends; the count read.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// The delimiter an Excel `sep=X` line names (`sep=;`, `"sep=,"`, `sep=\t`), if the line is one.
fn sep_line_delimiter(line: &[u8]) -> Option<u8> {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let line = line
        .strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
        .unwrap_or(line);
    let rest = line
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case(b"sep="))
        .map(|_| &line[4..])?;
    match rest {
        [d] if !d.is_ascii_alphanumeric() => Some(*d),
        b"\\t" => Some(b'\t'),
        _ => None,
    }
}

/// Whether the file writes decimals with a comma, judged on the sample's number-like cells:
/// `176297,45` says comma, `176297.45` point; with neither, a `;` file is taken to come from a
/// Dutch spreadsheet, whose decimals are commas (that is why it chose `;`).
fn judge_decimal_comma(sample: &[Vec<String>], delimiter: u8) -> bool {
    let shaped = |cell: &str, sep: char| {
        let cell = cell.strip_prefix('-').unwrap_or(cell);
        cell.split_once(sep).is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        })
    };
    let (mut comma, mut point) = (0usize, 0usize);
    for cell in sample.iter().flatten() {
        comma += usize::from(shaped(cell, ','));
        point += usize::from(shaped(cell, '.'));
    }
    if comma + point == 0 {
        delimiter == b';'
    } else {
        comma > point
    }
}

/// The record up to its `n`-th field (without the delimiter after it), the rest (starting
/// with that delimiter, empty when the record has `n` fields or fewer) and the record's count
/// of fields; quotes are honoured.
fn cut_at_field(raw: &[u8], delimiter: u8, n: usize) -> (&[u8], &[u8], usize) {
    // Most rows have no quotes: their delimiters are found with memchr (this runs per row).
    if memchr::memchr(b'"', raw).is_none() {
        let mut at = memchr::memchr_iter(delimiter, raw);
        return match n.checked_sub(1).and_then(|k| at.nth(k)) {
            // `n` fields before the cut, then one more and one per delimiter after it.
            Some(i) => (&raw[..i], &raw[i..], n + 1 + at.count()),
            None => (raw, &[], memchr::memchr_iter(delimiter, raw).count() + 1),
        };
    }
    let mut fields = 1;
    let mut cut = None;
    let mut quoted = false;
    for (i, b) in raw.iter().enumerate() {
        if *b == b'"' {
            quoted = !quoted;
        } else if *b == delimiter && !quoted {
            if fields == n && cut.is_none() {
                cut = Some(i);
            }
            fields += 1;
        }
    }
    match cut {
        Some(i) => (&raw[..i], &raw[i..], fields),
        None => (raw, &[], fields),
    }
}

/// A record's place, its fields read from the raw bytes.
fn row_place(c: &Classifier<'_>, raw: &[u8]) -> Result<super::row::Located, Refusal> {
    let text = |bytes| cell_text(bytes, c.encoding);
    // The fields up to the last place column, each read once. Most rows have no quotes: their
    // fields are then slices of the record, found without copying.
    let wanted = c.places.last_column() + 1;
    let quoted_fields;
    let fields: Vec<Cow<'_, str>> = if raw.contains(&b'"') {
        quoted_fields = split_fields(raw, c.delimiter);
        quoted_fields.iter().take(wanted).map(|f| text(f)).collect()
    } else {
        raw.split(|b| *b == c.delimiter)
            .take(wanted)
            .map(text)
            .collect()
    };
    let field = |i: usize| fields.get(i).cloned().unwrap_or_default();
    c.place_row(&field)
}

/// A field's text, trimmed; borrowed when the file is UTF-8.
fn cell_text(bytes: &[u8], encoding: Encoding) -> Cow<'_, str> {
    match (encoding, std::str::from_utf8(bytes)) {
        (Encoding::Utf8, Ok(text)) => Cow::Borrowed(text.trim()),
        _ => Cow::Owned(decode(bytes, encoding).trim().to_string()),
    }
}

/// Splits one record into fields, honouring quotes (RFC 4180).
pub(crate) fn split_fields(raw: &[u8], delimiter: u8) -> Vec<Vec<u8>> {
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

#[cfg(test)]
mod tests {
    use super::cut_at_field;

    #[test]
    fn rows_are_cut_after_the_headers_count_of_fields_with_or_without_quotes() {
        for (raw, n, own, rest, fields) in [
            (&b"1;a;b;c"[..], 4, &b"1;a;b;c"[..], &b""[..], 4),
            (b"1;a", 4, b"1;a", b"", 2),
            (b"1;a;b;c;x;y", 4, b"1;a;b;c", b";x;y", 6),
            (b"1;\"a;b\";c;d;x", 4, b"1;\"a;b\";c;d", b";x", 5),
            (b"\"1;2\"", 4, b"\"1;2\"", b"", 1),
            (b"", 2, b"", b"", 1),
            (b"a;b", 0, b"a;b", b"", 2),
        ] {
            assert_eq!(cut_at_field(raw, b';', n), (own, rest, fields), "{raw:?}");
        }
    }
}
