//! Degrees, minutes and seconds as people type them: the tokens, angles grouped from them,
//! and the precision the last digit gives.

use super::QueryError;
use super::input::{Input, Notation, from_two_numbers, point_from_degrees};
use crate::t;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Tok {
    /// A number and how many decimals it was written with.
    Num(f64, u8),
    Deg,
    Min,
    Sec,
    Hemi(char),
    Sep,
}

pub(super) fn tokenize(t: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = t.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            d if d.is_ascii_digit()
                || ((d == '-' || d == '+' || d == '.')
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())) =>
            {
                let start = i;
                i += 1;
                while i < chars.len() {
                    let ch = chars[i];
                    // A comma between digits is a decimal comma when the next character is a
                    // digit and the number has no decimal point yet.
                    let decimal_comma = ch == ','
                        && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())
                        && !chars[start..i].contains(&'.')
                        && !chars[start..i].contains(&',')
                        && has_angle_marks(&chars);
                    if ch.is_ascii_digit() || ch == '.' || decimal_comma {
                        i += 1;
                    } else {
                        break;
                    }
                }
                let s: String = chars[start..i].iter().collect::<String>().replace(',', ".");
                let v: f64 = s
                    .parse()
                    .map_err(|_| t!("query-not-a-number-word", word = s.as_str()))?;
                let decimals = s.split_once('.').map_or(0, |(_, d)| d.len().min(12) as u8);
                out.push(Tok::Num(v, decimals));
                continue;
            }
            '°' | 'º' | '˚' => out.push(Tok::Deg),
            '\'' | '′' | '’' | '‘' | '`' | '´' => {
                if chars
                    .get(i + 1)
                    .is_some_and(|n| matches!(n, '\'' | '′' | '’'))
                {
                    out.push(Tok::Sec);
                    i += 1;
                } else {
                    out.push(Tok::Min);
                }
            }
            '"' | '″' | '”' | '“' => out.push(Tok::Sec),
            ',' | ';' | '/' => out.push(Tok::Sep),
            c if c.is_whitespace() => {}
            c if c.is_ascii_alphabetic() => {
                let up = c.to_ascii_uppercase();
                match up {
                    'N' | 'S' | 'E' | 'W' | 'O' | 'Z' => out.push(Tok::Hemi(up)),
                    'D' => out.push(Tok::Deg),
                    'M' => out.push(Tok::Min),
                    _ => {
                        return Err(t!("query-stray-letter", letter = c.to_string()));
                    }
                }
            }
            other => {
                return Err(t!("query-stray-character", character = other.to_string()));
            }
        }
        i += 1;
    }
    Ok(out)
}

fn has_angle_marks(chars: &[char]) -> bool {
    chars.iter().any(|c| {
        matches!(c, '°' | 'º' | '˚' | '\'' | '′' | '’' | '"' | '″' | '”')
            || matches!(c.to_ascii_uppercase(), 'N' | 'S' | 'E' | 'W' | 'O' | 'Z')
    })
}

/// One angle: up to three numbers with optional unit marks and a hemisphere letter.
#[derive(Debug, Default)]
struct Angle {
    /// Each number with its unit mark (if any) and its decimals.
    parts: Vec<(f64, Option<Tok>, u8)>,
    hemi: Option<char>,
}

impl Angle {
    /// The angle in degrees, how many numbers it has, and the step of its last digit in
    /// degrees (whole minutes: 1/60°): how precise it was written.
    fn value(&self) -> Result<(f64, usize, f64), String> {
        let (mut deg, mut min, mut sec) = (None, None, None);
        let mut step = 1.0;
        for (k, (v, unit, decimals)) in self.parts.iter().enumerate() {
            let (slot, unit_deg) = match (unit, k) {
                (Some(Tok::Deg), _) | (None, 0) => (&mut deg, 1.0),
                (Some(Tok::Min), _) | (None, 1) => (&mut min, 1.0 / 60.0),
                (Some(Tok::Sec), _) | (None, 2) => (&mut sec, 1.0 / 3600.0),
                _ => return Err(t!("query-angle-too-many-parts")),
            };
            step = f64::min(step, unit_deg / 10f64.powi(i32::from(*decimals)));
            if slot.replace(*v).is_some() {
                return Err(t!("query-angle-unit-twice"));
            }
        }
        let deg: f64 = deg.ok_or_else(|| t!("query-angle-without-degrees"))?;
        let min = min.unwrap_or(0.0);
        let sec = sec.unwrap_or(0.0);
        if !(0.0..60.0).contains(&min) || !(0.0..60.0).contains(&sec) {
            return Err(t!(
                "query-angle-sixty",
                minutes = min.to_string(),
                seconds = sec.to_string()
            ));
        }
        if sec > 0.0 && min.fract() != 0.0 {
            return Err(t!("query-angle-decimal-minutes-and-seconds"));
        }
        let magnitude = deg.abs() + min / 60.0 + sec / 3600.0;
        let negative = deg.is_sign_negative() || matches!(self.hemi, Some('S' | 'W' | 'Z'));
        Ok((
            if negative { -magnitude } else { magnitude },
            self.parts.len(),
            step,
        ))
    }
}

pub(super) fn parse_angles(tokens: &[Tok]) -> Result<Input, QueryError> {
    let err = |d: String| QueryError::Unreadable {
        text: String::new(),
        detail: d,
        examples: String::new(),
    };
    let groups = group_angles(tokens).map_err(err)?;
    let [a, b] = groups.as_slice() else {
        return Err(err(t!("query-angle-count", count = groups.len())));
    };
    let (va, na, step_a) = a.value().map_err(err)?;
    let (vb, nb, step_b) = b.value().map_err(err)?;
    // Half the last digit's step either way, in metres (a degree of longitude is shorter).
    let precision_m = (step_a.max(step_b) / 2.0) * METRES_PER_DEGREE_LAT;
    let with_precision = |input: Result<Input, QueryError>| {
        input.map(|i| match i {
            Input::Point(mut u) => {
                u.precision_m = Some(round_precision(precision_m));
                if precision_m >= 50.0 {
                    let precision = t!(
                        "understood-written-to",
                        metres = format!("{:.0}", round_precision(precision_m))
                    );
                    u.understood_as = format!("{}; {precision}", u.understood_as);
                }
                Input::Point(u)
            }
            other => other,
        })
    };
    let notation = match na.max(nb) {
        3 => Notation::DegreesMinutesSeconds,
        2 => Notation::DegreesDecimalMinutes,
        _ => Notation::DecimalDegrees,
    };
    let axis = |h: Option<char>| match h {
        Some('N' | 'S' | 'Z') => Some(true),
        Some(_) => Some(false),
        None => None,
    };
    match (axis(a.hemi), axis(b.hemi)) {
        (Some(x), Some(y)) if x == y => Err(err(if x {
            t!("query-two-latitudes")
        } else {
            t!("query-two-longitudes")
        })),
        (Some(true), _) | (_, Some(false)) => {
            with_precision(point_from_degrees(va, vb, notation, false))
        }
        (Some(false), _) | (_, Some(true)) => {
            with_precision(point_from_degrees(vb, va, notation, false))
        }
        (None, None) => with_precision(match from_two_numbers(va, vb, notation)? {
            Input::Point(mut p) => {
                p.notation = notation;
                Ok(Input::Point(p))
            }
            other => Ok(other),
        }),
    }
}

/// Metres in a degree of latitude (and of longitude at the equator): enough for a precision.
const METRES_PER_DEGREE_LAT: f64 = 111_320.0;

/// A precision to two significant digits: it is an estimate.
fn round_precision(m: f64) -> f64 {
    if m <= 0.0 {
        return 0.0;
    }
    let magnitude = 10f64.powi(m.log10().floor() as i32 - 1);
    (m / magnitude).round() * magnitude
}

fn group_angles(tokens: &[Tok]) -> Result<Vec<Angle>, String> {
    let hemis = tokens.iter().filter(|t| matches!(t, Tok::Hemi(_))).count();
    let mut groups: Vec<Angle> = Vec::new();
    let mut current = Angle::default();
    let flush = |current: &mut Angle, groups: &mut Vec<Angle>| {
        if !current.parts.is_empty() || current.hemi.is_some() {
            groups.push(std::mem::take(current));
        }
    };
    if hemis > 0 {
        let prefix = matches!(
            tokens.iter().find(|t| !matches!(t, Tok::Sep)),
            Some(Tok::Hemi(_))
        );
        for t in tokens {
            match *t {
                Tok::Hemi(h) if prefix => {
                    flush(&mut current, &mut groups);
                    current.hemi = Some(h);
                }
                Tok::Hemi(h) => {
                    current.hemi = Some(h);
                    flush(&mut current, &mut groups);
                }
                Tok::Num(v, d) => current.parts.push((v, None, d)),
                unit @ (Tok::Deg | Tok::Min | Tok::Sec) => attach_unit(&mut current, unit)?,
                Tok::Sep => {}
            }
        }
        flush(&mut current, &mut groups);
        return Ok(groups);
    }
    let has_deg = tokens.contains(&Tok::Deg);
    let has_sep = tokens.contains(&Tok::Sep);
    let numbers: Vec<(f64, u8)> = tokens
        .iter()
        .filter_map(|t| {
            if let Tok::Num(v, d) = t {
                Some((*v, *d))
            } else {
                None
            }
        })
        .collect();
    if !has_deg && !has_sep && !tokens.iter().any(|t| matches!(t, Tok::Min | Tok::Sec)) {
        let half = match numbers.len() {
            4 => 2,
            6 => 3,
            n => {
                return Err(t!("query-unmarked-numbers", count = n));
            }
        };
        return Ok(numbers
            .chunks(half)
            .map(|c| Angle {
                parts: c.iter().map(|(v, d)| (*v, None, *d)).collect(),
                hemi: None,
            })
            .collect());
    }
    for (k, t) in tokens.iter().enumerate() {
        match *t {
            Tok::Num(v, d) => {
                // With degree marks, a number marked as degrees starts a new angle.
                if has_deg && tokens.get(k + 1) == Some(&Tok::Deg) && !current.parts.is_empty() {
                    flush(&mut current, &mut groups);
                }
                current.parts.push((v, None, d));
            }
            unit @ (Tok::Deg | Tok::Min | Tok::Sec) => attach_unit(&mut current, unit)?,
            Tok::Sep if !has_deg => flush(&mut current, &mut groups),
            Tok::Sep | Tok::Hemi(_) => {}
        }
    }
    flush(&mut current, &mut groups);
    Ok(groups)
}

fn attach_unit(current: &mut Angle, unit: Tok) -> Result<(), String> {
    match current.parts.last_mut() {
        Some((_, slot @ None, _)) => {
            *slot = Some(unit);
            Ok(())
        }
        _ => Err("a unit mark (° ' \") must follow a number".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_reads_marks_and_decimal_commas() {
        let t = tokenize("50°51,083'N").unwrap();
        assert_eq!(
            t,
            vec![
                Tok::Num(50.0, 0),
                Tok::Deg,
                Tok::Num(51.083, 3),
                Tok::Min,
                Tok::Hemi('N')
            ]
        );
        assert!(tokenize("50 # 5").is_err());
    }
}
