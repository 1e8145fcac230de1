//! CSV in, CSV out: the header read for the delimiter, encoding and place columns, every
//! record passed through byte for byte with the added columns after it.
//!
//! Input is `,` `;` or tab separated (detected from the header; a one-column file is written
//! with commas), UTF-8 with or without BOM, or Windows-1252 (detected: the first 4 MiB are not
//! UTF-8; the added text is then written in Windows-1252 too).

use std::borrow::Cow;
use std::io::{Read, Write};

use super::chunk::{Chunker, pipeline, records};
use super::columns;
use super::row::{Classifier, Refusal};
use super::{ClassifyError, Options, Summary, finish};
use crate::address::records::detect_delimiter;
use crate::resolve::Resolver;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Encoding {
    Utf8,
    Windows1252,
}

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
    let mut places = columns::choose(&names, &opts.columns).map_err(ClassifyError::Columns)?;
    let sample: Vec<Vec<String>> = records(chunk.records(), true)
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
    let output_columns = super::output_columns(resolver, opts)?;
    let added = output_columns.header_names(&names);
    let c = Classifier::new(
        on,
        places,
        delimiter,
        encoding,
        opts.audience,
        output_columns,
    );

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
            Encoding::Utf8 if raw_header.starts_with(b"\xEF\xBB\xBF") => "UTF-8 with BOM".into(),
            Encoding::Utf8 => "UTF-8".into(),
            Encoding::Windows1252 => "Windows-1252".into(),
        },
        columns: c.places.describe(),
        notes: c.places.notes.clone(),
        added,
        ..Summary::default()
    };
    let counts = pipeline(
        &mut reader,
        chunk,
        &mut input,
        &mut output,
        c.base_areas(),
        &mut progress,
        |piece, bytes, counts| {
            let mut buffer = vec![None; c.layers];
            for (raw, ending) in records(piece, true) {
                bytes.extend_from_slice(raw);
                let place = row_place(&c, raw);
                let answer = c.answer(place, &mut buffer);
                c.write_csv(&answer, bytes);
                bytes.extend_from_slice(ending);
                counts.count(
                    answer.status,
                    answer.located.as_ref().map(|l| l.source),
                    answer.base,
                );
            }
        },
    )?;
    finish(&c, &mut summary, counts);
    Ok(summary)
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

pub(crate) fn decode(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// A value as a CSV field in the file's encoding, quoted when it must be.
pub(crate) fn field(value: &str, delimiter: u8, encoding: Encoding) -> Vec<u8> {
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
