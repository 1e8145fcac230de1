//! Spreadsheets as analysts keep them: an Excel (`.xlsx`, `.xls`) or OpenDocument (`.ods`)
//! workbook is read with calamine, one sheet (the first, or the one named), and classified as
//! the CSV it holds, through the same rows, columns and answers as any CSV; the answer is that
//! table as CSV, or written back as an `.xlsx` with rust_xlsxwriter in which every input cell
//! keeps its place and its type (numbers stay numbers, dates stay dates) and the added columns
//! follow, their numbers as numbers.
//!
//! A file that is a ZIP but no workbook, or binary data that is no table at all, is refused
//! with one sentence that says what it is, never with its bytes.

use std::io::{Cursor, Write};

use calamine::{Data, Range, Reader};

use super::{ClassifyError, Options, Summary};
use crate::resolve::Resolver;
use crate::t;

/// What an answer to a workbook is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WorkbookAnswer {
    #[default]
    Csv,
    Xlsx,
}

/// The media type of an `.xlsx` workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The media type of an `.ods` workbook.
pub const ODS: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// Whether the bytes begin like a workbook: a ZIP (xlsx, ods) or an OLE file (xls).
pub fn looks_like_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Whether the bytes are binary (not a text table): more than a tenth of the first 8 KiB are
/// control bytes other than tab and line breaks. A stray NUL in a row of text does not make a
/// file binary (the row passes through as it was); UTF-16 text, half NULs, does.
pub fn looks_binary(head: &[u8]) -> bool {
    let head = &head[..head.len().min(8192)];
    let control = head
        .iter()
        .filter(|b| **b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        .count();
    control * 10 > head.len()
}

/// The columns added with numbers for values, written as numbers into a workbook.
const NUMERIC: &[&str] = &[
    "point_lat",
    "point_lon",
    "point_x",
    "point_y",
    "certainty_radius_m",
];

/// Classifies one sheet of a workbook; the answer goes to `output` as CSV or `.xlsx`.
pub fn classify_workbook<W: Write>(
    resolver: &Resolver,
    bytes: Vec<u8>,
    mut output: W,
    opts: &Options,
    sheet: Option<&str>,
    answer: WorkbookAnswer,
) -> Result<Summary, ClassifyError> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| ClassifyError::NotATable(t!("classify-not-a-workbook")))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| {
                ClassifyError::NotATable(t!(
                    "classify-no-such-sheet",
                    sheet = wanted,
                    sheets = names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| ClassifyError::NotATable(t!("classify-not-a-workbook")))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|_| ClassifyError::NotATable(t!("classify-not-a-workbook")))?;
    if range.is_empty() {
        return Err(ClassifyError::Empty);
    }
    let csv = as_csv(&range);
    // The table is written with `,` and decimal points; an `.xlsx` answer carries numbers as
    // numbers, and a CSV answer is read by whatever reads CSV.
    let mut inner = opts.clone();
    inner.delimiter = Some(b',');
    if answer == WorkbookAnswer::Xlsx || inner.columns.decimal.is_none() {
        inner.columns.decimal = Some("point".into());
    }
    let mut table = Vec::new();
    let mut summary = super::classify_csv(resolver, csv.as_slice(), &mut table, &inner, |_, _| {})?;
    summary.encoding = format!("workbook, sheet '{name}'");
    match answer {
        WorkbookAnswer::Csv => output.write_all(&table).map_err(ClassifyError::Write)?,
        WorkbookAnswer::Xlsx => {
            let book = as_xlsx(&range, &table, &name)?;
            output.write_all(&book).map_err(ClassifyError::Write)?;
        }
    }
    Ok(summary)
}

/// The leading empty columns of a sheet whose table does not start in column A.
fn offset(range: &Range<Data>) -> usize {
    range.start().map_or(0, |(_, c)| c as usize)
}

/// A cell as CSV text: numbers in their shortest form (whole numbers without `.0`), dates in
/// ISO 8601.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) => {
            let mut b = ryu::Buffer::new();
            let t = b.format(*f);
            t.strip_suffix(".0").unwrap_or(t).to_string()
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, mo, da, h, mi, s, _) = d.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{da:02}")
            } else {
                format!("{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn as_csv(range: &Range<Data>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let lead = offset(range);
    for row in range.rows() {
        let cells = std::iter::repeat_n(String::new(), lead).chain(row.iter().map(cell_text));
        // Writing into memory cannot fail.
        let _ = w.write_record(cells);
    }
    w.into_inner().unwrap_or_default()
}

/// The answer as a workbook: the sheet's own cells as they were, the added columns after them.
fn as_xlsx(range: &Range<Data>, table: &[u8], name: &str) -> Result<Vec<u8>, ClassifyError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| ClassifyError::Write(std::io::Error::other(e));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(fail)?;
    let lead = offset(range);
    let own = lead + range.width();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(table);
    let mut numeric = Vec::new();
    let mut rows = range.rows();
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ClassifyError::Write(std::io::Error::other(e)))?;
        let cells = rows.next();
        let row = u32::try_from(r).map_err(|_| {
            ClassifyError::Write(std::io::Error::other("too many rows for a workbook"))
        })?;
        if r == 0 {
            numeric = record.iter().map(|h| NUMERIC.contains(&h)).collect();
        }
        for (c, text) in record.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| {
                ClassifyError::Write(std::io::Error::other("too many columns for a workbook"))
            })?;
            if c < own {
                let original = c
                    .checked_sub(lead)
                    .and_then(|i| cells.and_then(|cs| cs.get(i)));
                match original {
                    None | Some(Data::Empty) => {}
                    Some(Data::Float(f)) => {
                        sheet.write_number(row, col, *f).map_err(fail)?;
                    }
                    Some(Data::Int(i)) => {
                        sheet.write_number(row, col, *i as f64).map_err(fail)?;
                    }
                    Some(Data::Bool(b)) => {
                        sheet.write_boolean(row, col, *b).map_err(fail)?;
                    }
                    Some(Data::DateTime(d)) => {
                        sheet
                            .write_number_with_format(row, col, d.as_f64(), &date)
                            .map_err(fail)?;
                    }
                    Some(_) => {
                        sheet.write_string(row, col, text).map_err(fail)?;
                    }
                }
            } else if r == 0 {
                sheet
                    .write_string_with_format(row, col, text, &bold)
                    .map_err(fail)?;
            } else if text.is_empty() {
            } else if numeric.get(c) == Some(&true)
                && let Ok(v) = text.parse::<f64>()
            {
                sheet.write_number(row, col, v).map_err(fail)?;
            } else {
                sheet.write_string(row, col, text).map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}
