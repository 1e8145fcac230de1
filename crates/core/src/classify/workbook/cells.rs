//! A sheet's cells as both readers give them, and what a row of them is handed on as.
//!
//! The readers stream: a row is handed to the caller as soon as its end tag is read, with only
//! the cells it holds (blank cells and rows are positions, never values), so memory follows one
//! row, not the sheet.

use quick_xml::events::BytesRef;

/// One cell's value, typed as the spreadsheet program stored it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date (and time) as a 1900-system serial day number, as Excel counts.
    Date(f64),
    /// An error value as the file writes it (`#DIV/0!`).
    Error(String),
}

impl Value {
    /// The cell as CSV text: numbers in their shortest form (whole numbers without `.0`), dates
    /// in ISO 8601, a date without a time as the date alone.
    pub(super) fn text(&self) -> String {
        match self {
            Value::Text(s) | Value::Error(s) => s.clone(),
            Value::Number(f) => {
                let mut b = ryu::Buffer::new();
                let t = b.format(*f);
                t.strip_suffix(".0").unwrap_or(t).to_string()
            }
            Value::Bool(b) => b.to_string(),
            Value::Date(serial) => date_text(*serial),
        }
    }
}

/// A row with cells in it: its index from the sheet's top (0-based), how many identical rows it
/// stands for (an OpenDocument row may repeat), and its cells by column (0-based, ascending).
pub(super) struct Row<'a> {
    pub index: u64,
    pub repeat: u64,
    pub cells: &'a [(u32, Value)],
}

/// Excel's serial day 0 in the 1900 system.
fn epoch() -> jiff::civil::DateTime {
    jiff::civil::date(1899, 12, 30).at(0, 0, 0, 0)
}

/// Serial days as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`; a serial no calendar holds as the
/// number itself.
pub(super) fn date_text(serial: f64) -> String {
    let seconds = (serial * 86_400.0).round();
    let moment = (seconds.is_finite() && seconds.abs() < 1e12)
        .then(|| jiff::SignedDuration::from_secs(seconds as i64))
        .and_then(|d| epoch().checked_add(d).ok());
    match moment {
        Some(m) if m.time() == jiff::civil::Time::midnight() => m.date().to_string(),
        Some(m) => m.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        None => Value::Number(serial).text(),
    }
}

/// An ISO 8601 date or date-time (as OpenDocument and Excel's `t="d"` cells write them) as a
/// serial day number.
pub(super) fn serial_of(iso: &str) -> Option<f64> {
    let iso = iso.trim();
    let moment = iso
        .parse::<jiff::civil::DateTime>()
        .or_else(|_| iso.parse::<jiff::civil::Date>().map(|d| d.at(0, 0, 0, 0)))
        .ok()?;
    let span = moment.duration_since(epoch());
    Some(span.as_secs_f64() / 86_400.0)
}

/// Appends an entity or character reference (`&amp;`, `&#233;`) as the character it stands for;
/// one nobody defined stays as it was written.
pub(super) fn push_reference(out: &mut String, r: &BytesRef<'_>) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        out.push(c);
        return;
    }
    let name = r.decode().unwrap_or_default();
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(s) => out.push_str(s),
        None => {
            out.push('&');
            out.push_str(&name);
            out.push(';');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_between_serials_and_text() {
        let serial = serial_of("2026-11-30T14:05:00").unwrap_or_default();
        assert_eq!(date_text(serial), "2026-11-30 14:05:00");
        let day = serial_of("2026-12-01").unwrap_or_default();
        assert_eq!(day, 46357.0);
        assert_eq!(date_text(day), "2026-12-01");
        assert_eq!(date_text(f64::INFINITY), "inf");
        assert_eq!(Value::Number(3.0).text(), "3");
        assert_eq!(Value::Number(0.25).text(), "0.25");
    }
}
