//! Plus codes (Open Location Code), as Google Maps shows them: full codes (`9F27VM64+JC`) and
//! short codes with their town (`RQ2Q+H5 Maastricht`), recovered near the covered area.
//!
//! Written here rather than taken from a crate: `pluscodes` (0.5, 2022) builds a command line
//! tool into the library (structopt, regex) and cannot recover short codes, and
//! `open-location-code` (0.1) depends on geo 0.4 from 2016. The format is small and fixed:
//! twenty symbols, five pairs of base-20 digits (latitude, longitude) that refine a cell from
//! 20° down to 0.000125°, then optional grid digits that split a cell into 5 × 4.

use super::Locality;
use crate::t;

/// The twenty symbols, in value order.
const ALPHABET: &[u8; 20] = b"23456789CFGHJMPQRVWX";
/// Degrees of the first pair's cell; each further pair divides by 20.
const FIRST_PAIR_DEG: f64 = 20.0;
/// Symbols in the pairs part (before the grid refinement).
const PAIR_DIGITS: usize = 10;

/// A decoded code: the centre of its cell and the cell's half-size in metres, north-south.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub lat: f64,
    pub lon: f64,
    /// Half the cell's height in metres: how far the place may lie from the centre.
    pub half_cell_m: f64,
    /// Set for a short code: how it was completed.
    pub note: Option<String>,
}

fn value(c: u8) -> Option<usize> {
    ALPHABET.iter().position(|&a| a == c.to_ascii_uppercase())
}

/// Whether a word is written like a plus code: symbols of the alphabet (or `0` padding)
/// around one `+`, eight at most before it.
pub fn looks_like(word: &str) -> bool {
    let Some((before, after)) = word.split_once('+') else {
        return false;
    };
    (2..=8).contains(&before.len())
        && before.len() % 2 == 0
        && after.len() <= 7
        && before.bytes().all(|c| value(c).is_some() || c == b'0')
        && after.bytes().all(|c| value(c).is_some())
        && before.bytes().any(|c| value(c).is_some())
}

/// Reads `CODE` or `CODE TOWN`. `None` when the text is not a plus code at all; an error
/// says what is wrong with one that is.
pub fn read(text: &str, near: &Locality) -> Option<Result<Decoded, String>> {
    let mut words = text.split_whitespace();
    let code = words.next()?.trim_end_matches(',');
    if !looks_like(code) {
        return None;
    }
    let town: Vec<&str> = words.collect();
    let town = town.join(" ");
    Some(decode_with(code, town.trim(), near))
}

fn decode_with(code: &str, town: &str, near: &Locality) -> Result<Decoded, String> {
    let (before, after) = code.split_once('+').unwrap_or((code, ""));
    let padded = before.contains('0');
    if padded && !after.is_empty() {
        return Err(t!("pluscode-padded-then-more", code = code));
    }
    if padded && !before.trim_end_matches('0').chars().all(|c| c != '0') {
        return Err(t!("pluscode-padding-not-last", code = code));
    }
    if after.len() == 1 {
        return Err(t!("pluscode-one-symbol-after-plus", code = code));
    }
    if before.len() == 8 {
        let first_lat = value(before.as_bytes()[0]).unwrap_or(0);
        let first_lon = value(before.as_bytes()[1]).unwrap_or(0);
        if first_lat > 8 || first_lon > 17 {
            return Err(t!("pluscode-beyond-the-poles", code = code));
        }
        let mut d = decode_full(&format!("{}{after}", before.trim_end_matches('0')));
        if !town.is_empty() {
            d.note = Some(t!("pluscode-town-not-needed", town = town));
        }
        return Ok(d);
    }
    // A short code: the symbols it leaves out are those of the reference place.
    if after.len() < 2 {
        return Err(t!("pluscode-short-needs-two-after-plus", code = code));
    }
    if !town.is_empty() && !near.is_own(town) {
        return Err(t!(
            "pluscode-other-town",
            code = code,
            town = town,
            municipality = near.name.as_str()
        ));
    }
    let reference = (near.lat, near.lon);
    let missing = 8 - before.len();
    let prefix = encode_pairs(reference.0, reference.1, missing);
    let mut d = decode_full(&format!("{prefix}{before}{after}"));
    // The completed code may be one cell off when the place lies across a cell edge from
    // the reference: take the neighbour cell whose centre is nearer.
    let cell = FIRST_PAIR_DEG / 20f64.powi((missing / 2) as i32 - 1);
    let half = cell / 2.0;
    if d.lat - reference.0 > half {
        d.lat -= cell;
    } else if reference.0 - d.lat > half {
        d.lat += cell;
    }
    if d.lon - reference.1 > half {
        d.lon -= cell;
    } else if reference.1 - d.lon > half {
        d.lon += cell;
    }
    let full = format!("{prefix}{before}+{after}");
    d.note = Some(if town.is_empty() {
        t!(
            "pluscode-completed-without-town",
            full = full,
            municipality = near.name.as_str()
        )
    } else {
        t!("pluscode-completed", town = town, full = full)
    });
    Ok(d)
}

/// The full ten-symbol code of a place (a cell of 0.000125°, about 14 × 9 m here).
pub fn encode(lat: f64, lon: f64) -> String {
    let lon = (lon + 180.0).rem_euclid(360.0) - 180.0;
    let mut code = encode_pairs(lat.clamp(-90.0, 89.999_999), lon, PAIR_DIGITS);
    code.insert(8, '+');
    code
}

/// The first `n` symbols (an even number, at most 8) of a place's code.
fn encode_pairs(lat: f64, lon: f64, n: usize) -> String {
    let mut lat = lat + 90.0;
    let mut lon = lon + 180.0;
    let mut size = FIRST_PAIR_DEG;
    let mut out = String::new();
    for _ in 0..n / 2 {
        let a = ((lat / size).floor() as usize).min(19);
        let b = ((lon / size).floor() as usize).min(19);
        out.push(ALPHABET[a] as char);
        out.push(ALPHABET[b] as char);
        lat -= a as f64 * size;
        lon -= b as f64 * size;
        size /= 20.0;
    }
    out
}

/// The centre of a full code's cell (symbols only, no `+`, no padding).
fn decode_full(symbols: &str) -> Decoded {
    let digits: Vec<usize> = symbols.bytes().filter_map(value).collect();
    let (mut lat, mut lon) = (-90.0, -180.0);
    let mut size = FIRST_PAIR_DEG;
    let (mut cell_lat, mut cell_lon) = (size, size);
    for pair in digits[..digits.len().min(PAIR_DIGITS)].chunks(2) {
        lat += pair[0] as f64 * size;
        cell_lat = size;
        if let Some(&d) = pair.get(1) {
            lon += d as f64 * size;
            cell_lon = size;
        }
        size /= 20.0;
    }
    // Grid digits: rows of 5 north-south, columns of 4 east-west.
    for &d in digits.iter().skip(PAIR_DIGITS) {
        cell_lat /= 5.0;
        cell_lon /= 4.0;
        lat += (d / 4) as f64 * cell_lat;
        lon += (d % 4) as f64 * cell_lon;
    }
    Decoded {
        lat: lat + cell_lat / 2.0,
        lon: lon + cell_lon / 2.0,
        half_cell_m: cell_lat / 2.0 * 111_320.0,
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<Result<Decoded, String>> {
        // The shipped data's municipality and reference point, from its profile.
        let data = crate::geodata::Geodata::embedded().unwrap();
        super::read(text, &data.locality)
    }

    #[test]
    fn full_codes_decode_to_the_centre_of_their_cell() {
        // Worked by hand from the format (symbol values 2=0 … 9=7, C=8, F=9, H=11, J=12, M=13,
        // Q=15, R=16, V=17): 9F → 50°N 0°E, 27 → +0°, +5°, VM → +0.85°, +0.65°,
        // 64 → +0.01°, +0.005°, JC → +0.0015°, +0.001°; the cell is 0.000125° square.
        let d = read("9F27VM64+JC").unwrap().unwrap();
        assert!((d.lat - 50.861_562_5).abs() < 1e-9, "{}", d.lat);
        assert!((d.lon - 5.656_062_5).abs() < 1e-9, "{}", d.lon);
        assert!((d.half_cell_m - 6.96).abs() < 0.01);
        // Padded: the 1° cell of 9F27, centre 50.5, 5.5.
        let p = read("9F270000+").unwrap().unwrap();
        assert_eq!((p.lat, p.lon), (50.5, 5.5));
    }

    #[test]
    fn short_codes_are_completed_near_maastricht() {
        let d = read("RQ2Q+H5 Maastricht").unwrap().unwrap();
        // 9F27 + RQ2Q+H5: 50.8 + 0.001375 + half of 0.000125; 5.75 + 0.0375 + 0.000375 + half.
        assert!((d.lat - 50.801_437_5).abs() < 1e-9, "{}", d.lat);
        assert!((d.lon - 5.787_937_5).abs() < 1e-9, "{}", d.lon);
        assert!(d.note.unwrap().contains("9F27RQ2Q+H5"));
        assert!(read("RQ2Q+H5").unwrap().is_ok());
        let e = read("RQ2Q+H5 Amsterdam").unwrap().unwrap_err();
        assert!(e.contains("only Maastricht"), "{e}");
    }

    #[test]
    fn encoding_then_decoding_lands_in_the_same_cell() {
        for (lat, lon) in [
            (50.8489, 5.6879),
            (50.8014, 5.7879),
            (53.2001, 6.5601),
            (51.0001, 4.0001),
        ] {
            let code = encode(lat, lon);
            let d = read(&code).unwrap().unwrap();
            assert!(
                (d.lat - lat).abs() <= 0.000_062_5 && (d.lon - lon).abs() <= 0.000_062_5,
                "{code}"
            );
        }
        assert_eq!(encode(50.861_562_5, 5.656_062_5), "9F27VM64+JC");
    }

    #[test]
    fn what_is_and_is_not_a_plus_code() {
        for not in [
            "Markt 1",
            "6211CK",
            "50.85+5.69",
            "+31 43 350",
            "ABCD+EF",
            "1+1",
        ] {
            assert!(read(not).is_none(), "{not}");
        }
        assert!(
            read("9F27VM6+JC").is_none(),
            "odd number of symbols before +"
        );
        assert!(read("9F2700VM+").unwrap().is_err(), "padding in the middle");
        assert!(read("9F27VM64+J").unwrap().is_err(), "one symbol after +");
        assert!(
            read("9F27+").unwrap().is_err(),
            "a short code ending at the +"
        );
    }
}
