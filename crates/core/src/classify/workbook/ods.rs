//! OpenDocument spreadsheets (`.ods`) read from `content.xml` with a streaming XML parser.
//!
//! OpenDocument compresses runs: `number-columns-repeated` and `number-rows-repeated` say how
//! often a cell or row stands, and LibreOffice ends every sheet with a blank row repeated to
//! the millionth. Blank runs are only counted; a run with a value is handed on with its count
//! (rows) or checked against the column limit before it is written out (cells), so a file of
//! 823 bytes cannot make the service hold millions of cells.

use std::io::BufReader;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::cells::{Row, Value, push_reference, serial_of};
use super::limits::{Limit, TooLarge};
use super::parts::{Parts, not_a_workbook};
use crate::classify::ClassifyError;
use crate::t;

/// Excel's limit for one cell's text; OpenDocument's `<text:s text:c="…"/>` could otherwise
/// ask for any number of spaces.
const MAX_CELL_TEXT: usize = 32_767;

pub(super) struct Ods<'a> {
    parts: Parts<'a>,
    max_columns: u32,
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn repeat(e: &BytesStart<'_>, name: &[u8]) -> u64 {
    attr(e, name)
        .and_then(|n| n.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// The cell being read: its value type and attributes, and its text so far.
struct Cell {
    columns: u64,
    kind: Option<String>,
    value: Option<String>,
    date: Option<String>,
    time: Option<String>,
    boolean: Option<String>,
    text: String,
    paragraphs: usize,
}

impl Cell {
    fn new(e: &BytesStart<'_>) -> Cell {
        Cell {
            columns: repeat(e, b"table:number-columns-repeated"),
            kind: attr(e, b"office:value-type"),
            value: attr(e, b"office:value"),
            date: attr(e, b"office:date-value"),
            time: attr(e, b"office:time-value"),
            boolean: attr(e, b"office:boolean-value"),
            text: String::new(),
            paragraphs: 0,
        }
    }

    fn value(self) -> Option<Value> {
        let number = || {
            self.value
                .as_deref()
                .and_then(|v| v.trim().parse::<f64>().ok())
        };
        let v = match self.kind.as_deref() {
            Some("float" | "percentage" | "currency") => number().map(Value::Number),
            Some("date") => self
                .date
                .as_deref()
                .map(|d| serial_of(d).map_or_else(|| Value::Text(d.to_string()), Value::Date)),
            Some("time") => self.time.clone().map(Value::Text),
            Some("boolean") => self.boolean.as_deref().map(|b| Value::Bool(b == "true")),
            _ => None,
        };
        v.or_else(|| (!self.text.is_empty()).then_some(Value::Text(self.text)))
    }
}

impl<'a> Ods<'a> {
    pub(super) fn open(parts: Parts<'a>, limits: &super::Limits) -> Result<Ods<'a>, ClassifyError> {
        if !parts.has("content.xml") {
            return Err(not_a_workbook());
        }
        Ok(Ods {
            parts,
            max_columns: limits.max_columns,
        })
    }

    /// The names of the sheets, in order (read from `content.xml`, rows skipped).
    pub(super) fn sheet_names(&mut self) -> Result<Vec<String>, ClassifyError> {
        let mut names = Vec::new();
        self.read(None, &mut names, &mut |_| Ok(()))?;
        Ok(names)
    }

    /// Streams the rows that hold a cell of the sheet `name` (`None`: the first); the name of
    /// the sheet read, or `None` if there is no such sheet.
    pub(super) fn rows(
        &mut self,
        name: Option<&str>,
        each: &mut dyn FnMut(Row<'_>) -> Result<(), ClassifyError>,
    ) -> Result<Option<String>, ClassifyError> {
        let mut names = Vec::new();
        let wanted = Some(name.map(str::to_string));
        self.read(wanted, &mut names, each)
    }

    /// Reads `content.xml`, noting every sheet's name; the rows of the sheet `wanted` (its
    /// name, or `Some(None)` for the first) go to `each`, and reading stops after it.
    fn read(
        &mut self,
        wanted: Option<Option<String>>,
        names: &mut Vec<String>,
        each: &mut dyn FnMut(Row<'_>) -> Result<(), ClassifyError>,
    ) -> Result<Option<String>, ClassifyError> {
        let max_columns = u64::from(self.max_columns);
        let failure = self.parts.failure();
        let Some(part) = self.parts.part("content.xml")? else {
            return Err(not_a_workbook());
        };
        let mut xml = Reader::from_reader(BufReader::with_capacity(1 << 16, part));
        let mut buf = Vec::new();
        // Inside the sheet that is read.
        let mut reading = false;
        let mut found = None;
        // Tables nested in cells, annotations: their text is not the cell's.
        let mut aside = 0usize;
        let mut row_index: u64 = 0;
        let mut row_repeat: u64 = 1;
        let mut col: u64 = 0;
        let mut cells: Vec<(u32, Value)> = Vec::new();
        let mut cell: Option<Cell> = None;
        let mut in_paragraph = false;
        loop {
            let event = match xml.read_event_into(&mut buf) {
                Ok(e) => e,
                Err(_) => return Err(failure.error()),
            };
            match event {
                Event::Start(e) if e.name().as_ref() == b"table:table" && reading => aside += 1,
                Event::End(e) if e.name().as_ref() == b"table:table" && aside > 0 => aside -= 1,
                Event::Start(e) if e.name().as_ref() == b"table:table" => {
                    let name = attr(&e, b"table:name").unwrap_or_default();
                    reading = match &wanted {
                        Some(None) => true,
                        Some(Some(w)) => w.eq_ignore_ascii_case(&name),
                        None => false,
                    };
                    names.push(name);
                    row_index = 0;
                }
                Event::End(e) if e.name().as_ref() == b"table:table" && reading => {
                    found = names.last().cloned();
                    break;
                }
                _ if !reading => {}
                Event::Start(e) if e.name().as_ref() == b"office:annotation" => aside += 1,
                Event::End(e) if e.name().as_ref() == b"office:annotation" => {
                    aside = aside.saturating_sub(1);
                }
                _ if aside > 0 => {}
                Event::Start(e) if e.name().as_ref() == b"table:table-row" => {
                    row_repeat = repeat(&e, b"table:number-rows-repeated");
                    col = 0;
                    cells.clear();
                }
                Event::Empty(e) if e.name().as_ref() == b"table:table-row" => {
                    row_index = row_index.saturating_add(repeat(&e, b"table:number-rows-repeated"));
                }
                Event::End(e) if e.name().as_ref() == b"table:table-row" => {
                    if !cells.is_empty() {
                        each(Row {
                            index: row_index,
                            repeat: row_repeat,
                            cells: &cells,
                        })?;
                    }
                    row_index = row_index.saturating_add(row_repeat);
                    cells.clear();
                }
                Event::Start(e)
                    if matches!(
                        e.name().as_ref(),
                        b"table:table-cell" | b"table:covered-table-cell"
                    ) =>
                {
                    cell = Some(Cell::new(&e));
                }
                Event::Empty(e)
                    if matches!(
                        e.name().as_ref(),
                        b"table:table-cell" | b"table:covered-table-cell"
                    ) =>
                {
                    let c = Cell::new(&e);
                    let columns = c.columns;
                    place(&mut cells, &mut col, columns, c.value(), max_columns)?;
                }
                Event::End(e)
                    if matches!(
                        e.name().as_ref(),
                        b"table:table-cell" | b"table:covered-table-cell"
                    ) =>
                {
                    if let Some(c) = cell.take() {
                        let columns = c.columns;
                        place(&mut cells, &mut col, columns, c.value(), max_columns)?;
                    }
                }
                Event::Start(e) if e.name().as_ref() == b"text:p" => {
                    if let Some(c) = cell.as_mut() {
                        if c.paragraphs > 0 {
                            push_limited(&mut c.text, "\n");
                        }
                        c.paragraphs += 1;
                        in_paragraph = true;
                    }
                }
                Event::End(e) if e.name().as_ref() == b"text:p" => in_paragraph = false,
                Event::Empty(e) if in_paragraph => {
                    if let Some(c) = cell.as_mut() {
                        match e.name().as_ref() {
                            b"text:s" => {
                                let n = repeat(&e, b"text:c").min(MAX_CELL_TEXT as u64) as usize;
                                push_limited(&mut c.text, &" ".repeat(n));
                            }
                            b"text:tab" => push_limited(&mut c.text, "\t"),
                            b"text:line-break" => push_limited(&mut c.text, "\n"),
                            _ => {}
                        }
                    }
                }
                Event::Text(t) if in_paragraph => {
                    if let Some(c) = cell.as_mut() {
                        push_limited(&mut c.text, &t.decode().map_err(|_| not_a_workbook())?);
                    }
                }
                Event::GeneralRef(r) if in_paragraph => {
                    if let Some(c) = cell.as_mut() {
                        let mut s = String::new();
                        push_reference(&mut s, &r);
                        push_limited(&mut c.text, &s);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(found)
    }
}

/// Appends text to a cell up to [`MAX_CELL_TEXT`] bytes (at a character boundary).
fn push_limited(text: &mut String, more: &str) {
    let room = MAX_CELL_TEXT.saturating_sub(text.len());
    if more.len() <= room {
        text.push_str(more);
    } else {
        let mut cut = room;
        while !more.is_char_boundary(cut) {
            cut -= 1;
        }
        text.push_str(&more[..cut]);
    }
}

/// Places a cell `columns` times from column `col` on: a blank only moves on; a value is
/// written out as often as it repeats, once the column limit has been checked.
fn place(
    cells: &mut Vec<(u32, Value)>,
    col: &mut u64,
    columns: u64,
    value: Option<Value>,
    max_columns: u64,
) -> Result<(), ClassifyError> {
    let start = *col;
    *col = col.saturating_add(columns);
    let Some(value) = value else {
        return Ok(());
    };
    if *col > max_columns {
        return Err(ClassifyError::Workbook(TooLarge::new(
            Limit::WorkbookMaxColumns,
            t!("workbook-found-columns", columns = col.to_string()),
            max_columns,
        )));
    }
    for c in start..*col {
        // Below max_columns, a u32.
        cells.push((c as u32, value.clone()));
    }
    Ok(())
}
