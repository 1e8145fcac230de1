//! Office Open XML workbooks (`.xlsx`, `.xlsm`) read part by part with a streaming XML parser.
//!
//! The shared strings are the only part kept: in one text buffer with their ends, checked
//! against the announced and the actual count and their total size. Sheets are streamed row by
//! row as often as the caller asks; styles give which cells are dates.

use std::io::BufReader;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::cells::{Row, Value, push_reference, serial_of};
use super::limits::{Limit, TooLarge};
use super::parts::{Parts, not_a_workbook};
use crate::classify::ClassifyError;
use crate::t;

pub(super) struct Xlsx<'a> {
    parts: Parts<'a>,
    /// Sheet names and their parts, in the workbook's order.
    sheets: Vec<(String, String)>,
    strings: Strings,
    /// Per cell style (`s=`), whether its number format is a date's.
    date_styles: Vec<bool>,
    /// The workbook counts days from 1904 (old Mac Excel): 1,462 days less than from 1900.
    from_1904: bool,
}

/// The shared strings: their text one after the other, and where each ends.
#[derive(Default)]
struct Strings {
    text: String,
    ends: Vec<usize>,
}

impl Strings {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name || a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

impl<'a> Xlsx<'a> {
    pub(super) fn open(
        mut parts: Parts<'a>,
        limits: &super::Limits,
    ) -> Result<Xlsx<'a>, ClassifyError> {
        let (names, from_1904) = workbook(&mut parts)?;
        let targets = relations(&mut parts)?;
        let sheets = names
            .into_iter()
            .filter_map(|(name, id)| {
                let target = targets.iter().find(|(i, _)| *i == id)?.1.clone();
                Some((name, target))
            })
            .collect::<Vec<_>>();
        let strings = shared_strings(&mut parts, limits)?;
        let date_styles = date_styles(&mut parts)?;
        Ok(Xlsx {
            parts,
            sheets,
            strings,
            date_styles,
            from_1904,
        })
    }

    pub(super) fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Streams the rows of sheet `name` that hold a cell.
    pub(super) fn rows(
        &mut self,
        name: &str,
        each: &mut dyn FnMut(Row<'_>) -> Result<(), ClassifyError>,
    ) -> Result<(), ClassifyError> {
        let path = self
            .sheets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.clone())
            .ok_or_else(not_a_workbook)?;
        let failure = self.parts.failure();
        let Some(part) = self.parts.part(&path)? else {
            return Err(not_a_workbook());
        };
        let mut xml = Reader::from_reader(BufReader::with_capacity(1 << 16, part));
        let mut buf = Vec::new();
        let mut cells: Vec<(u32, Value)> = Vec::new();
        let mut row_index: u64 = 0;
        let mut next_row: u64 = 0;
        let mut next_col: u32 = 0;
        // The cell being read: its column, type, style, and value text.
        let mut cell: Option<(u32, Option<String>, usize)> = None;
        let mut value = String::new();
        // Inside <v> or an inline string's <t> (not its phonetic <rPh>).
        let mut in_value = false;
        let mut in_phonetic = false;
        let strings = &self.strings;
        let dates = &self.date_styles;
        let shift = if self.from_1904 { 1462.0 } else { 0.0 };
        loop {
            let event = match xml.read_event_into(&mut buf) {
                Ok(e) => e,
                Err(_) => return Err(failure.error()),
            };
            match event {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"row" => {
                    row_index = attr(&e, b"r")
                        .and_then(|r| r.parse::<u64>().ok())
                        .and_then(|r| r.checked_sub(1))
                        .unwrap_or(next_row);
                    next_row = row_index + 1;
                    next_col = 0;
                    cells.clear();
                }
                Event::End(e) if e.local_name().as_ref() == b"row" => {
                    if !cells.is_empty() {
                        each(Row {
                            index: row_index,
                            repeat: 1,
                            cells: &cells,
                        })?;
                    }
                    cells.clear();
                }
                Event::Start(e) if e.local_name().as_ref() == b"c" => {
                    let col = attr(&e, b"r")
                        .and_then(|r| column_of(&r))
                        .unwrap_or(next_col);
                    next_col = col.saturating_add(1);
                    let style = attr(&e, b"s").and_then(|s| s.parse().ok()).unwrap_or(0);
                    cell = Some((col, attr(&e, b"t"), style));
                    value.clear();
                }
                Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                    // A styled blank: a position, no value.
                    next_col = attr(&e, b"r")
                        .and_then(|r| column_of(&r))
                        .unwrap_or(next_col)
                        .saturating_add(1);
                }
                Event::Start(e) if matches!(e.local_name().as_ref(), b"v" | b"t") => {
                    in_value = cell.is_some() && !in_phonetic;
                }
                Event::Start(e) if e.local_name().as_ref() == b"rPh" => in_phonetic = true,
                Event::End(e) if e.local_name().as_ref() == b"rPh" => in_phonetic = false,
                Event::End(e) if matches!(e.local_name().as_ref(), b"v" | b"t") => {
                    in_value = false;
                }
                Event::Text(t) if in_value => {
                    value.push_str(&t.decode().map_err(|_| not_a_workbook())?);
                }
                Event::CData(t) if in_value => {
                    value.push_str(&t.decode().map_err(|_| not_a_workbook())?);
                }
                Event::GeneralRef(r) if in_value => push_reference(&mut value, &r),
                Event::End(e) if e.local_name().as_ref() == b"c" => {
                    if let Some((col, kind, style)) = cell.take()
                        && let Some(v) =
                            typed(kind.as_deref(), &value, style, strings, dates, shift)
                    {
                        cells.push((col, v));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(())
    }
}

/// A cell's value from its type (`t=`), text and style; `None` for a cell without a value.
fn typed(
    kind: Option<&str>,
    text: &str,
    style: usize,
    strings: &Strings,
    dates: &[bool],
    shift: f64,
) -> Option<Value> {
    Some(match kind.unwrap_or("n") {
        "s" => Value::Text(
            text.trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| strings.get(i))
                .unwrap_or_default()
                .to_string(),
        ),
        "str" | "inlineStr" => Value::Text(text.to_string()),
        "b" => Value::Bool(text.trim() == "1" || text.trim() == "true"),
        "e" => Value::Error(text.to_string()),
        "d" => match serial_of(text) {
            Some(serial) => Value::Date(serial),
            None => Value::Text(text.to_string()),
        },
        _ if text.trim().is_empty() => return None,
        _ => match text.trim().parse::<f64>() {
            Ok(n) if dates.get(style) == Some(&true) => Value::Date(n + shift),
            Ok(n) => Value::Number(n),
            Err(_) => Value::Text(text.to_string()),
        },
    })
}

/// The 0-based column of a reference like `B3` or `XFD1048576`.
fn column_of(reference: &str) -> Option<u32> {
    let letters = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .collect::<Vec<_>>();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let n = letters.iter().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    n.checked_sub(1)
}

/// Reads a part with `each` called on every start or empty element; `None` if there is none.
fn each_element(
    parts: &mut Parts<'_>,
    name: &str,
    each: &mut dyn FnMut(&BytesStart<'_>) -> Result<(), ClassifyError>,
) -> Result<bool, ClassifyError> {
    let failure = parts.failure();
    let Some(part) = parts.part(name)? else {
        return Ok(false);
    };
    let mut xml = Reader::from_reader(BufReader::new(part));
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => each(&e)?,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(_) => return Err(failure.error()),
        }
        buf.clear();
    }
    Ok(true)
}

/// The workbook's sheets (name and relation id) and whether it counts from 1904.
fn workbook(parts: &mut Parts<'_>) -> Result<(Vec<(String, String)>, bool), ClassifyError> {
    let mut sheets = Vec::new();
    let mut from_1904 = false;
    let found = each_element(parts, "xl/workbook.xml", &mut |e| {
        match e.local_name().as_ref() {
            b"sheet" => {
                if let (Some(name), Some(id)) = (attr(e, b"name"), attr(e, b"id")) {
                    sheets.push((name, id));
                }
            }
            b"workbookPr" => {
                from_1904 = matches!(attr(e, b"date1904").as_deref(), Some("1" | "true"));
            }
            _ => {}
        }
        Ok(())
    })?;
    if !found {
        return Err(not_a_workbook());
    }
    Ok((sheets, from_1904))
}

/// The workbook's relations: id and the part it points at, as a path in the ZIP.
fn relations(parts: &mut Parts<'_>) -> Result<Vec<(String, String)>, ClassifyError> {
    let mut targets = Vec::new();
    each_element(parts, "xl/_rels/workbook.xml.rels", &mut |e| {
        if e.local_name().as_ref() == b"Relationship"
            && let (Some(id), Some(target)) = (attr(e, b"Id"), attr(e, b"Target"))
        {
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{}", target.trim_start_matches("./")),
            };
            targets.push((id, path));
        }
        Ok(())
    })?;
    Ok(targets)
}

/// The shared strings, refused when they announce or hold more than the limits allow.
fn shared_strings(parts: &mut Parts<'_>, limits: &super::Limits) -> Result<Strings, ClassifyError> {
    let name = "xl/sharedStrings.xml";
    if !parts.has(name) {
        return Ok(Strings::default());
    }
    let too_many = |found: String| {
        ClassifyError::Workbook(TooLarge::new(
            Limit::WorkbookMaxStrings,
            found,
            limits.max_strings,
        ))
    };
    let mut strings = Strings::default();
    let failure = parts.failure();
    let Some(part) = parts.part(name)? else {
        return Ok(strings);
    };
    let mut xml = Reader::from_reader(BufReader::with_capacity(1 << 16, part));
    let mut buf = Vec::new();
    let mut in_text = false;
    let mut in_phonetic = false;
    let mut failed = None;
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => {
                failed = Some(());
                break;
            }
        };
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"sst" => {
                // The announced counts decide nothing here (nothing is allocated from them),
                // but a file that announces more than the limit is refused before its strings
                // are read: it says what it is.
                if let Some(n) =
                    attr(&e, b"uniqueCount").and_then(|v| v.trim().parse::<u128>().ok())
                    && n > u128::from(limits.max_strings)
                {
                    return Err(too_many(t!(
                        "workbook-found-strings-announced",
                        count = n.to_string()
                    )));
                }
            }
            Event::Start(e)
                if e.local_name().as_ref() == b"si"
                    && strings.ends.len() as u64 >= limits.max_strings =>
            {
                return Err(too_many(t!(
                    "workbook-found-strings",
                    count = strings.ends.len() + 1
                )));
            }
            Event::Empty(e) if e.local_name().as_ref() == b"si" => {
                strings.ends.push(strings.text.len());
            }
            Event::End(e) if e.local_name().as_ref() == b"si" => {
                strings.ends.push(strings.text.len());
            }
            Event::Start(e) if e.local_name().as_ref() == b"t" => in_text = !in_phonetic,
            Event::End(e) if e.local_name().as_ref() == b"t" => in_text = false,
            Event::Start(e) if e.local_name().as_ref() == b"rPh" => in_phonetic = true,
            Event::End(e) if e.local_name().as_ref() == b"rPh" => in_phonetic = false,
            Event::Text(t) if in_text => {
                strings
                    .text
                    .push_str(&t.decode().map_err(|_| not_a_workbook())?);
            }
            Event::CData(t) if in_text => {
                strings
                    .text
                    .push_str(&t.decode().map_err(|_| not_a_workbook())?);
            }
            Event::GeneralRef(r) if in_text => push_reference(&mut strings.text, &r),
            Event::Eof => break,
            _ => {}
        }
        if strings.text.len() as u64 > limits.text_bytes() {
            return Err(ClassifyError::Workbook(TooLarge::new(
                Limit::WorkbookMaxTextMib,
                t!("workbook-found-text", mib = strings.text.len() >> 20),
                limits.max_text_mib,
            )));
        }
        buf.clear();
    }
    if failed.is_some() {
        return Err(failure.error());
    }
    Ok(strings)
}

/// Which cell styles show their number as a date: Excel's built-in date formats and any format
/// of the workbook's own that has day, month, year or hour in it (outside quotes and brackets).
fn date_styles(parts: &mut Parts<'_>) -> Result<Vec<bool>, ClassifyError> {
    let mut own: Vec<(u32, bool)> = Vec::new();
    let mut styles = Vec::new();
    let mut in_cell_xfs = false;
    each_element(parts, "xl/styles.xml", &mut |e| {
        match e.local_name().as_ref() {
            b"numFmt" => {
                if let (Some(id), Some(code)) = (
                    attr(e, b"numFmtId").and_then(|i| i.parse().ok()),
                    attr(e, b"formatCode"),
                ) {
                    own.push((id, is_date_format(&code)));
                }
            }
            b"cellXfs" => in_cell_xfs = true,
            b"cellStyleXfs" | b"dxfs" => in_cell_xfs = false,
            // Excel allows 64,000 cell formats; more only cost memory.
            b"xf" if in_cell_xfs && styles.len() < 65_536 => {
                let id: u32 = attr(e, b"numFmtId")
                    .and_then(|i| i.parse().ok())
                    .unwrap_or(0);
                let date = own
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, d)| *d)
                    .unwrap_or(matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58));
                styles.push(date);
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(styles)
}

fn is_date_format(code: &str) -> bool {
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' if !quoted && !bracket => {
                return true;
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_date_formats() {
        assert_eq!(column_of("A1"), Some(0));
        assert_eq!(column_of("AA7"), Some(26));
        assert_eq!(column_of("XFD1048576"), Some(16_383));
        assert_eq!(column_of("17"), None);
        assert!(is_date_format("yyyy-mm-dd hh:mm"));
        assert!(is_date_format("d-mmm"));
        assert!(!is_date_format("0.00"));
        assert!(!is_date_format("\"days\" 0"));
        assert!(!is_date_format("[Red]0.00"));
    }
}
