//! When a report route holds: opening hours as the meldkaart writes them
//! (`ma-vr 08:30-17:00`, `ma-vr 08:30-12:30, 13:30-17:00; za 10:00-12:00`), read in
//! Europe/Amsterdam time (daylight saving included, from the time zone database bundled by
//! jiff). Office hours never hold on a Dutch public holiday: the days of the Algemene
//! termijnenwet, art. 3 (Nieuwjaarsdag, Tweede Paasdag, Koningsdag, 5 mei, Hemelvaartsdag,
//! Tweede Pinksterdag, Eerste en Tweede Kerstdag), with Easter by the Gregorian computus.
//!
//! Written here rather than taken from a crate: the `opening-hours` crate reads the
//! OpenStreetMap syntax, not the Dutch one municipalities write, and carries no Dutch holidays.

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime as Zoned};

/// The zone every time rule is read in.
pub fn amsterdam() -> TimeZone {
    // Bundled with the binary (jiff's `tzdb-bundle-always`), so it cannot be missing.
    TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC)
}

/// `at` (default now) in Europe/Amsterdam.
pub fn local(at: Option<Timestamp>) -> Zoned {
    at.unwrap_or_else(Timestamp::now)
        .to_zoned_datetime(amsterdam())
}

/// Parsed opening hours.
#[derive(Debug, Clone, PartialEq)]
pub struct Hours {
    spans: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq)]
struct Span {
    /// Monday first.
    days: [bool; 7],
    from: Time,
    until: Time,
}

const DAYS: [(&str, &str); 7] = [
    ("ma", "mo"),
    ("di", "tu"),
    ("wo", "we"),
    ("do", "th"),
    ("vr", "fr"),
    ("za", "sa"),
    ("zo", "su"),
];

fn day_index(word: &str) -> Option<usize> {
    let w = word.trim().to_lowercase();
    DAYS.iter()
        .position(|(nl, en)| w == *nl || w == *en || w.starts_with(nl) && w.len() > 2)
}

fn days(spec: &str) -> Result<[bool; 7], String> {
    let mut out = [false; 7];
    let spec = spec.trim().to_lowercase();
    if spec == "dagelijks" || spec == "daily" {
        return Ok([true; 7]);
    }
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let unknown = |d: &str| {
            format!(
                "'{d}' is not a day: write ma, di, wo, do, vr, za, zo (or mo … su), e.g. 'ma-vr'"
            )
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let a = day_index(a).ok_or_else(|| unknown(a))?;
                let b = day_index(b).ok_or_else(|| unknown(b))?;
                let mut d = a;
                loop {
                    out[d] = true;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => out[day_index(part).ok_or_else(|| unknown(part))?] = true,
        }
    }
    Ok(out)
}

fn time(text: &str) -> Result<Time, String> {
    let t = text.trim();
    let (h, m) = t.split_once([':', '.']).unwrap_or((t, "0"));
    match (h.parse::<i8>(), m.parse::<i8>()) {
        (Ok(24), Ok(0)) => Ok(Time::MAX),
        (Ok(h), Ok(m)) => Time::new(h, m, 0, 0).map_err(|_| format!("'{t}' is not a time of day")),
        _ => Err(format!("'{t}' is not a time: write HH:MM, e.g. 08:30")),
    }
}

impl Hours {
    /// Reads `DAYS HH:MM-HH:MM[, HH:MM-HH:MM][; DAYS …]`.
    pub fn parse(text: &str) -> Result<Hours, String> {
        let mut spans = Vec::new();
        for group in text.split(';').map(str::trim).filter(|g| !g.is_empty()) {
            let (day_part, times) = group.split_once(char::is_whitespace).ok_or_else(|| {
                format!("'{group}': give the days, then the hours, e.g. 'ma-vr 08:30-17:00'")
            })?;
            let days = days(day_part)?;
            for range in times.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                let (a, b) = range.split_once('-').ok_or_else(|| {
                    format!("'{range}': write a range of hours, e.g. 08:30-17:00")
                })?;
                let (from, until) = (time(a)?, time(b)?);
                if from >= until {
                    return Err(format!("'{range}': the end must come after the start"));
                }
                spans.push(Span { days, from, until });
            }
        }
        if spans.is_empty() {
            return Err(format!("'{text}' names no hours, e.g. 'ma-vr 08:30-17:00'"));
        }
        Ok(Hours { spans })
    }

    /// Whether the hours hold at `at` (local time): on a listed day, within a range, and not on
    /// a public holiday.
    pub fn holds(&self, at: &DateTime) -> bool {
        if is_public_holiday(at.date()) {
            return false;
        }
        let d = at.weekday().to_monday_zero_offset() as usize;
        let t = at.time();
        self.spans
            .iter()
            .any(|s| s.days[d] && s.from <= t && t < s.until)
    }

    /// Every local time of day at which these hours may begin or end.
    fn edges(&self) -> impl Iterator<Item = Time> + '_ {
        self.spans.iter().flat_map(|s| [s.from, s.until])
    }
}

/// Easter Sunday of `year` (Gregorian; the anonymous computus).
pub fn easter(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).unwrap_or(Date::MIN)
}

/// A general holiday of the Algemene termijnenwet, art. 3 (Sundays aside).
pub fn is_public_holiday(d: Date) -> bool {
    let (m, day) = (d.month(), d.day());
    let e = easter(d.year());
    let after_easter = |n: i64| e.checked_add(jiff::Span::new().days(n)).ok() == Some(d);
    // Koningsdag is 27 April, or the 26th when the 27th is a Sunday.
    let koningsdag = (m == 4 && day == 27 && d.weekday() != Weekday::Sunday)
        || (m == 4 && day == 26 && d.weekday() == Weekday::Saturday);
    (m == 1 && day == 1)
        || koningsdag
        || (m == 5 && day == 5)
        || (m == 12 && (day == 25 || day == 26))
        || after_easter(1)
        || after_easter(39)
        || after_easter(50)
}

/// The first moment after `at`, within two weeks, at which `which` gives another answer than
/// at `at`: when a route chosen now stops holding. Candidates are the local times at which any
/// of `hours` begins or ends, and every midnight (holidays and days change there).
pub fn next_change<'a>(
    at: &Zoned,
    hours: impl Iterator<Item = &'a Hours> + Clone,
    which: impl Fn(&DateTime) -> usize,
) -> Option<Zoned> {
    let now = which(&at.datetime());
    let mut edges: Vec<Time> = hours.flat_map(Hours::edges).collect();
    edges.push(Time::midnight());
    edges.sort();
    edges.dedup();
    let tz = at.time_zone().clone();
    let start = at.date();
    for n in 0..15 {
        let day = start.checked_add(jiff::Span::new().days(n)).ok()?;
        for t in &edges {
            let candidate = if *t == Time::MAX {
                day.tomorrow().ok()?.to_datetime(Time::midnight())
            } else {
                day.to_datetime(*t)
            };
            // A local time that a clock change skips is taken at its later offset.
            let Ok(z) = candidate.to_zoned_datetime(tz.clone()) else {
                continue;
            };
            if z.timestamp() > at.timestamp() && which(&z.datetime()) != now {
                return Some(z);
            }
        }
    }
    None
}

/// A local time as people read it, in the current language: `maandag 7 december 08:30`,
/// `Monday 7 December 08:30`.
pub fn spoken(at: &DateTime) -> String {
    const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let weekday = WEEKDAYS[at.weekday().to_monday_zero_offset() as usize];
    let month = MONTHS[(at.month() - 1).clamp(0, 11) as usize];
    crate::t!(
        "hours-spoken",
        weekday = weekday,
        day = at.day().to_string(),
        month = month,
        time = at.strftime("%H:%M").to_string()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_and_the_holidays_around_it() {
        // Published dates of Easter Sunday.
        assert_eq!(easter(2024), date(2024, 3, 31));
        assert_eq!(easter(2025), date(2025, 4, 20));
        assert_eq!(easter(2026), date(2026, 4, 5));
        assert_eq!(easter(2027), date(2027, 3, 28));
        for d in [
            date(2026, 4, 6),   // Tweede Paasdag
            date(2026, 5, 14),  // Hemelvaartsdag
            date(2026, 5, 25),  // Tweede Pinksterdag
            date(2026, 4, 27),  // Koningsdag
            date(2025, 4, 26),  // Koningsdag on the Saturday, the 27th being a Sunday
            date(2026, 5, 5),   // Bevrijdingsdag
            date(2026, 12, 25), // Eerste Kerstdag
            date(2027, 1, 1),   // Nieuwjaarsdag
        ] {
            assert!(is_public_holiday(d), "{d}");
        }
        for d in [date(2026, 4, 7), date(2025, 4, 27), date(2026, 12, 24)] {
            assert!(!is_public_holiday(d), "{d}");
        }
    }

    #[test]
    fn hours_are_read_and_refused_as_written() {
        let h = Hours::parse("ma-vr 08:30-12:30, 13:30-17:00; za 10:00-12:00").unwrap();
        let at = |d: Date, hh: i8, mm: i8| d.to_datetime(Time::new(hh, mm, 0, 0).unwrap());
        let monday = date(2026, 12, 7);
        assert!(h.holds(&at(monday, 8, 30)));
        assert!(!h.holds(&at(monday, 12, 45)));
        assert!(!h.holds(&at(monday, 17, 0)));
        assert!(
            h.holds(&at(date(2026, 12, 12), 11, 0)),
            "a Saturday morning"
        );
        assert!(!h.holds(&at(date(2026, 12, 13), 11, 0)), "a Sunday");
        assert!(
            !h.holds(&at(date(2026, 12, 25), 10, 0)),
            "Christmas, a Friday"
        );
        for bad in [
            "",
            "ma-vr",
            "mon 8-17",
            "ma-vr 17:00-08:30",
            "ma-vr 08:30",
            "xx 08:00-09:00",
        ] {
            assert!(Hours::parse(bad).is_err(), "{bad}");
        }
    }
}
