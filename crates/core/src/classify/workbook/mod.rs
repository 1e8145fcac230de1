//! Spreadsheets as analysts keep them: an Excel (`.xlsx`) or OpenDocument (`.ods`) workbook,
//! one sheet (the first, or the one named), classified as the CSV it holds, through the same
//! rows, columns and answers as any CSV; the answer is that table as CSV, or written back as an
//! `.xlsx` with rust_xlsxwriter in which every input cell keeps its place and its type (numbers
//! stay numbers, dates stay dates) and the added columns follow, their numbers as numbers.
//!
//! A workbook is untrusted input that can announce far more than it holds, so it is read by our
//! own streaming readers ([`xlsx`], [`ods`], over [`parts`]) within [`Limits`], never expanded
//! into a whole sheet in memory: a first pass measures the table (refusing it, before anything
//! is written, when it would exceed a limit), a second writes it as CSV to a spool, and for an
//! `.xlsx` answer a third writes the cells again beside the answer's columns, row by row, into
//! a workbook kept on disk. Memory follows the upload and the shared strings, not the sheet.
//! Excel 97-2003 files (`.xls`) are refused: the only reader of that format expands the whole
//! sheet at once, and cannot be bounded.
//!
//! A file that is a ZIP but no workbook, or binary data that is no table at all, is refused
//! with one sentence that says what it is, never with its bytes.

mod cells;
pub mod limits;
mod ods;
mod parts;
mod xlsx;

use std::io::{Read, Seek, Write};

pub use limits::{Limit, Limits, TooLarge};

use super::{ClassifyError, Options, Summary};
use crate::resolve::Resolver;
use crate::t;
use cells::{Row, Value};

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

pub use crate::encoding::{looks_binary, looks_like_workbook};

/// The columns added with numbers for values, written as numbers into a workbook.
const NUMERIC: &[&str] = &[
    "point_lat",
    "point_lon",
    "point_x",
    "point_y",
    "certainty_radius_m",
];

/// Rows between two looks at whether the request was cancelled.
const CANCEL_EVERY: u64 = 4096;

/// Answers and intermediate tables up to this size stay in memory; larger ones go to an
/// unlinked temporary file.
const SPOOL_IN_MEMORY: usize = 8 << 20;

/// An opened workbook of either kind.
enum Book<'a> {
    Xlsx(xlsx::Xlsx<'a>),
    Ods(ods::Ods<'a>),
}

impl<'a> Book<'a> {
    fn open(bytes: &'a [u8], limits: &Limits) -> Result<Book<'a>, ClassifyError> {
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Err(ClassifyError::NotATable(t!("classify-xls")));
        }
        let parts = parts::Parts::open(bytes, *limits)?;
        if parts.has("xl/workbook.xml") {
            Ok(Book::Xlsx(xlsx::Xlsx::open(parts, limits)?))
        } else if parts.has("content.xml") {
            Ok(Book::Ods(ods::Ods::open(parts, limits)?))
        } else {
            Err(parts::not_a_workbook())
        }
    }

    /// Streams the rows of the sheet asked for (or the first); its name, or the refusal that
    /// lists the sheets there are.
    fn rows(
        &mut self,
        wanted: Option<&str>,
        each: &mut dyn FnMut(Row<'_>) -> Result<(), ClassifyError>,
    ) -> Result<String, ClassifyError> {
        let no_such = |wanted: &str, names: Vec<String>| {
            ClassifyError::NotATable(t!(
                "classify-no-such-sheet",
                sheet = wanted,
                sheets = names.join(", ")
            ))
        };
        match self {
            Book::Xlsx(book) => {
                let names = book.sheet_names();
                let name = match wanted {
                    Some(w) => names
                        .iter()
                        .find(|n| n.eq_ignore_ascii_case(w))
                        .cloned()
                        .ok_or_else(|| no_such(w, names.clone()))?,
                    None => names.first().cloned().ok_or_else(parts::not_a_workbook)?,
                };
                book.rows(&name, each)?;
                Ok(name)
            }
            Book::Ods(book) => match book.rows(wanted, each)? {
                Some(name) => Ok(name),
                None => match wanted {
                    Some(w) => Err(no_such(w, book.sheet_names()?)),
                    None => Err(parts::not_a_workbook()),
                },
            },
        }
    }
}

/// The table a sheet expands to: from its first row with a cell to its last, from column A to
/// its last column with a cell.
#[derive(Debug, Clone, Copy)]
struct Shape {
    first: u64,
    last: u64,
    width: u32,
}

impl Shape {
    fn rows(&self) -> u64 {
        self.last - self.first + 1
    }
}

/// The first pass: the sheet's shape, refused as soon as it would exceed a limit, before a
/// cell is written anywhere.
fn measure(
    book: &mut Book<'_>,
    sheet: Option<&str>,
    opts: &Options,
) -> Result<(String, Option<Shape>), ClassifyError> {
    let limits = opts.workbook;
    let mut shape: Option<Shape> = None;
    let mut present: u64 = 0;
    let mut seen: u64 = 0;
    let name = book.rows(sheet, &mut |row| {
        seen += 1;
        if seen.is_multiple_of(CANCEL_EVERY) {
            opts.cancel.check()?;
        }
        let last_col = row.cells.last().map_or(0, |(c, _)| *c);
        if last_col >= limits.max_columns {
            return Err(ClassifyError::Workbook(TooLarge::new(
                Limit::WorkbookMaxColumns,
                t!(
                    "workbook-found-columns",
                    columns = (u64::from(last_col) + 1).to_string()
                ),
                u64::from(limits.max_columns),
            )));
        }
        present = present.saturating_add(row.repeat.saturating_mul(row.cells.len() as u64));
        let last_row = row.index.saturating_add(row.repeat - 1);
        let s = shape.get_or_insert(Shape {
            first: row.index,
            last: last_row,
            width: 0,
        });
        s.first = s.first.min(row.index);
        s.last = s.last.max(last_row);
        s.width = s.width.max(last_col + 1);
        let table = s.rows().saturating_mul(u64::from(s.width));
        if table.max(present) > limits.max_cells {
            return Err(ClassifyError::Workbook(TooLarge::new(
                Limit::WorkbookMaxCells,
                t!(
                    "workbook-found-cells",
                    rows = s.rows().to_string(),
                    columns = s.width,
                    cells = table.max(present).to_string()
                ),
                limits.max_cells,
            )));
        }
        Ok(())
    })?;
    Ok((name, shape))
}

/// The second pass: the table as CSV, every row from the first to the last (blank ones too)
/// and every row as wide as the table, so that the added columns line up.
fn write_csv(
    book: &mut Book<'_>,
    sheet: &str,
    shape: Shape,
    opts: &Options,
    style: TableStyle,
    mut out: impl Write,
) -> Result<(), ClassifyError> {
    if style.bom {
        out.write_all(b"\xEF\xBB\xBF")
            .map_err(ClassifyError::Write)?;
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .delimiter(style.delimiter)
        .from_writer(out);
    let width = shape.width as usize;
    let mut next = shape.first;
    let mut fields: Vec<String> = vec![String::new(); width];
    let fail = |e: csv::Error| ClassifyError::Write(std::io::Error::other(e));
    book.rows(Some(sheet), &mut |row| {
        if row.index < shape.first {
            return Ok(());
        }
        let blank = vec![""; width];
        while next < row.index {
            w.write_record(&blank).map_err(fail)?;
            next += 1;
        }
        for f in fields.iter_mut() {
            f.clear();
        }
        for (c, v) in row.cells {
            if let Some(f) = fields.get_mut(*c as usize) {
                *f = v.text();
                if style.decimal_comma && matches!(v, Value::Number(_)) {
                    *f = f.replace('.', ",");
                }
            }
        }
        for _ in 0..row.repeat {
            if next.is_multiple_of(CANCEL_EVERY) {
                opts.cancel.check()?;
            }
            w.write_record(&fields).map_err(fail)?;
            next += 1;
        }
        Ok(())
    })?;
    w.flush().map_err(ClassifyError::Write)?;
    Ok(())
}

/// How the sheet's table is written as CSV.
#[derive(Debug, Clone, Copy)]
struct TableStyle {
    delimiter: u8,
    decimal_comma: bool,
    /// UTF-8's BOM first: without it Excel reads UTF-8 as its own code page ("CoÃ¶rdinator").
    bom: bool,
}

impl TableStyle {
    /// A CSV answer is what the person who sent a workbook opens next, in a spreadsheet: in the
    /// Netherlands that reads `;` with decimal commas (a `,` file puts each row in one column),
    /// unless `delimiter` or `decimal` asks otherwise. An `.xlsx` answer carries numbers as
    /// numbers: its table in between is plain `,` with decimal points.
    fn for_answer(answer: WorkbookAnswer, opts: &Options) -> Result<TableStyle, ClassifyError> {
        if answer == WorkbookAnswer::Xlsx {
            return Ok(TableStyle {
                delimiter: b',',
                decimal_comma: false,
                bom: false,
            });
        }
        let delimiter = opts.delimiter.unwrap_or(b';');
        let asked = opts.columns.decimal().map_err(ClassifyError::Columns)?;
        Ok(TableStyle {
            delimiter,
            // A comma decimal in a `,` file would need quotes in every number cell.
            decimal_comma: asked.unwrap_or(delimiter != b','),
            bom: opts.columns.bom().map_err(ClassifyError::Columns)? != Some(false),
        })
    }
}

/// Classifies one sheet of a workbook; the answer goes to `output` as CSV or `.xlsx`.
pub fn classify_workbook<W: Write>(
    resolver: &Resolver,
    bytes: Vec<u8>,
    mut output: W,
    opts: &Options,
    sheet: Option<&str>,
    answer: WorkbookAnswer,
) -> Result<Summary, ClassifyError> {
    let mut book = Book::open(&bytes, &opts.workbook)?;
    let (name, shape) = measure(&mut book, sheet, opts)?;
    let Some(shape) = shape else {
        return Err(ClassifyError::Empty);
    };
    let style = TableStyle::for_answer(answer, opts)?;
    let mut csv = tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY);
    write_csv(&mut book, &name, shape, opts, style, &mut csv)?;
    csv.rewind().map_err(ClassifyError::Write)?;
    let mut inner = opts.clone();
    inner.delimiter = Some(style.delimiter);
    inner.columns.decimal = Some(
        if style.decimal_comma {
            "comma"
        } else {
            "point"
        }
        .into(),
    );
    // The table starts at the sheet's first row with cells; people count from the sheet's top.
    let skipped = shape.first;
    if let Some(n) = opts.columns.header_row {
        inner.columns.header_row = Some(n.saturating_sub(skipped).max(1));
    }
    let mut table = tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY);
    let mut summary = super::classify_csv(resolver, &mut csv, &mut table, &inner, |_, _| {})?;
    drop(csv);
    summary.encoding = format!("workbook, sheet '{name}'");
    let header = summary.header_row.unwrap_or(1).saturating_sub(1);
    summary.header_row = summary.header_row.map(|r| r + skipped);
    table.rewind().map_err(ClassifyError::Write)?;
    match answer {
        WorkbookAnswer::Csv => {
            std::io::copy(&mut table, &mut output).map_err(ClassifyError::Write)?;
        }
        WorkbookAnswer::Xlsx => {
            let header = u32::try_from(header).unwrap_or(0);
            let mut book_file = write_xlsx(&mut book, &name, shape, header, table, opts)?;
            book_file.rewind().map_err(ClassifyError::Write)?;
            std::io::copy(&mut book_file, &mut output).map_err(ClassifyError::Write)?;
        }
    }
    Ok(summary)
}

/// The third pass, for an `.xlsx` answer: the sheet's own cells again, typed as they were,
/// beside the answer's columns, written row by row by rust_xlsxwriter's constant-memory
/// worksheet into an unlinked temporary file.
fn write_xlsx(
    book: &mut Book<'_>,
    sheet: &str,
    shape: Shape,
    header: u32,
    table: impl Read,
    opts: &Options,
) -> Result<std::fs::File, ClassifyError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| ClassifyError::Write(std::io::Error::other(e));
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let ws = workbook
        .add_worksheet_with_constant_memory()
        .map_err(fail)?;
    ws.set_name(sheet).map_err(fail)?;
    let own = shape.width as usize;
    let mut records = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(table);
    let mut record = csv::StringRecord::new();
    let mut numeric: Vec<bool> = Vec::new();
    let mut r: u32 = 0;
    // Writes the answer's next record: the original cells of `cells` (typed), then the added
    // columns.
    let mut write_next = |cells: &[(u32, Value)],
                          ws: &mut rust_xlsxwriter::Worksheet|
     -> Result<bool, ClassifyError> {
        let more = records
            .read_record(&mut record)
            .map_err(|e| ClassifyError::Write(std::io::Error::other(e)))?;
        if !more {
            return Ok(false);
        }
        if r == header {
            numeric = record.iter().map(|h| NUMERIC.contains(&h)).collect();
        }
        for (c, v) in cells {
            let col = u16::try_from(*c).map_err(|_| too_wide())?;
            match v {
                Value::Number(n) => ws.write_number(r, col, *n).map_err(fail)?,
                Value::Bool(b) => ws.write_boolean(r, col, *b).map_err(fail)?,
                Value::Date(d) => ws
                    .write_number_with_format(r, col, *d, &date)
                    .map_err(fail)?,
                Value::Text(t) | Value::Error(t) => ws.write_string(r, col, t).map_err(fail)?,
            };
        }
        for (c, text) in record.iter().enumerate().skip(own) {
            let col = u16::try_from(c).map_err(|_| too_wide())?;
            if r == header {
                ws.write_string_with_format(r, col, text, &bold)
                    .map_err(fail)?;
            } else if text.is_empty() {
            } else if numeric.get(c) == Some(&true)
                && let Ok(v) = text.parse::<f64>()
            {
                ws.write_number(r, col, v).map_err(fail)?;
            } else {
                ws.write_string(r, col, text).map_err(fail)?;
            }
        }
        r = r.checked_add(1).ok_or_else(|| {
            ClassifyError::Write(std::io::Error::other("too many rows for a workbook"))
        })?;
        Ok(true)
    };
    let mut next = shape.first;
    book.rows(Some(sheet), &mut |row| {
        if row.index < shape.first {
            return Ok(());
        }
        while next < row.index {
            write_next(&[], ws)?;
            next += 1;
        }
        for _ in 0..row.repeat {
            if next.is_multiple_of(CANCEL_EVERY) {
                opts.cancel.check()?;
            }
            write_next(row.cells, ws)?;
            next += 1;
        }
        Ok(())
    })?;
    // Rows the answer has beyond the sheet's (none today; kept whole if ever).
    while write_next(&[], ws)? {}
    let mut file = tempfile::tempfile().map_err(ClassifyError::Write)?;
    workbook.save_to_writer(&mut file).map_err(fail)?;
    Ok(file)
}

fn too_wide() -> ClassifyError {
    ClassifyError::Write(std::io::Error::other("too many columns for a workbook"))
}
