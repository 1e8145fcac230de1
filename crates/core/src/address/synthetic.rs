//! Generated addresses in the shape of the national register, for measuring the index at the
//! scale of the Netherlands (about 9.9 million addresses) without the register itself.
//!
//! The shape follows the BAG's published totals: about 2,500 woonplaatsen, about 250,000
//! street-in-woonplaats combinations, about 470,000 postcodes (so about 20 addresses per
//! postcode and 40 per street), one in ten addresses with a huisletter and one in twenty with a
//! toevoeging. Street names are built from Dutch name parts and suffixes, so they share
//! prefixes and near-spellings the way real names do. Deterministic for a given seed.

use super::AddressRecord;
use super::normalize::{Postcode, Suffix};
use crate::crs::Rd;

/// SplitMix64: small, fast and good enough to spread synthetic data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `0.0..1.0`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const FIRST: &[&str] = &[
    "Kerk",
    "Molen",
    "School",
    "Dorps",
    "Prinses",
    "Koning",
    "Wilhelmina",
    "Juliana",
    "Beatrix",
    "Oranje",
    "Nassau",
    "Linden",
    "Eiken",
    "Beuken",
    "Berken",
    "Iepen",
    "Populier",
    "Kastanje",
    "Rozen",
    "Tulpen",
    "Lelie",
    "Sint Pieter",
    "Sint Jan",
    "Burgemeester Janssen",
    "Dokter Kuyper",
    "Meester Bos",
    "Pastoor Smit",
    "Hoog",
    "Laag",
    "Nieuwe",
    "Oude",
    "Groene",
    "Brede",
    "Korte",
    "Lange",
    "Maas",
    "Rijn",
    "Waal",
    "IJssel",
    "Zuider",
    "Noorder",
    "Ooster",
    "Wester",
    "Markt",
    "Haven",
    "Stations",
    "Spoor",
    "Dijk",
    "Polder",
    "Veld",
    "Bosch",
    "Heide",
    "Zand",
    "Klei",
];
const MIDDLE: &[&str] = &[
    "", "", "", "berg", "dal", "hof", "hoven", "wijk", "veen", "akker", "meer", "beek", "horst",
    "rode", "kamp", "hoek", "brug", "sloot", "gracht", "kade",
];
const LAST: &[&str] = &[
    "straat", "straat", "straat", "weg", "weg", "laan", "laan", "plein", "singel", "hof", "dreef",
    "pad", "steeg", "kade", "gracht", "park", "erf",
];
const PLACE_A: &[&str] = &[
    "Ber", "Hel", "Val", "Hoen", "Zut", "Ap", "Ol", "Mep", "Vee", "Win", "Sit", "Gul", "Mar",
    "Ter", "Oos", "Wes", "Noord", "Zuid", "Har", "Dor", "Lei", "Gro", "Ede", "Ams", "Ut", "Del",
];
const PLACE_B: &[&str] = &[
    "gen", "len", "kenburg", "sbroek", "phen", "eldoorn", "pel", "ndam", "terswijk", "tard", "pen",
    "gaarden", "hout", "loo", "dijk", "hem", "wolde", "rode", "veen", "horst", "recht",
];

/// A generated set: `n` addresses across the country.
pub fn addresses(n: usize, seed: u64) -> impl Iterator<Item = AddressRecord> {
    let mut rng = Rng::new(seed);
    let places: Vec<String> = (0..2_500)
        .map(|i| {
            let a = PLACE_A[i % PLACE_A.len()];
            let b = PLACE_B[(i / PLACE_A.len()) % PLACE_B.len()];
            match i / (PLACE_A.len() * PLACE_B.len()) {
                0 => format!("{a}{b}"),
                k => format!(
                    "{a}{b} {}",
                    ["aan de Maas", "Noord", "Zuid", "Oost", "West"][k % 5]
                ),
            }
        })
        .collect();
    let streets_total = (n / 40).max(1);
    let mut produced = 0usize;
    let mut street = 0usize;
    let mut postcode_digits = 1000u32;
    let mut postcode_letters = 0u32;
    std::iter::from_fn(move || {
        if produced >= n {
            return None;
        }
        // One street at a time: a place, a name, a run of numbers, postcodes of ~20 numbers.
        let place = &places[(street * 7919) % places.len()];
        let name = format!(
            "{}{}{}",
            FIRST[rng.below(FIRST.len() as u64) as usize],
            MIDDLE[rng.below(MIDDLE.len() as u64) as usize],
            LAST[rng.below(LAST.len() as u64) as usize]
        );
        let len = (20 + rng.below(41) as usize).min(n - produced);
        let x0 = 13_000.0 + rng.unit() * 264_000.0;
        let y0 = 306_000.0 + rng.unit() * 313_000.0;
        let mut batch = Vec::with_capacity(len);
        let mut number = 1u32;
        for i in 0..len {
            if i % 20 == 0 {
                postcode_letters += 1;
                if postcode_letters >= 676 {
                    postcode_letters = 0;
                    postcode_digits = if postcode_digits >= 9999 {
                        1000
                    } else {
                        postcode_digits + 1
                    };
                }
            }
            let roll = rng.below(100);
            let letter = (roll < 10).then(|| (b'A' + rng.below(4) as u8) as char);
            let toevoeging = (10..15)
                .contains(&roll)
                .then(|| (1 + rng.below(3)).to_string());
            let suffix = Suffix::new(letter, toevoeging.as_deref()).unwrap_or_default();
            batch.push(AddressRecord {
                id: Some(935_200_000_000_000 + (produced + i) as u64),
                postcode: Some(Postcode(postcode_digits * 676 + postcode_letters)),
                number,
                suffix,
                street: name.clone(),
                place: place.clone(),
                rd: Rd {
                    x: x0 + i as f64 * 7.0,
                    y: y0,
                },
            });
            if roll >= 15 {
                number += 1 + rng.below(2) as u32;
            }
        }
        produced += len;
        street = (street + 1) % streets_total;
        Some(batch)
    })
    .flatten()
}

/// Latency figures for an index, from [`measure`].
#[derive(Debug, Clone)]
pub struct Measurements {
    pub queries: usize,
    /// Postcode + huisnummer (+ suffix) lookups, the whole `find` including the answer's strings.
    pub exact_mean_ns: f64,
    pub exact_p99_ns: f64,
    pub exact_hits: usize,
    /// The same lookups without reading text or building the answer ([`super::AddressIndex::exact_row`]).
    pub core_mean_ns: f64,
    pub core_hits: usize,
    /// Free text with one typing error in the street name.
    pub fuzzy_mean_us: f64,
    pub fuzzy_p99_us: f64,
    pub fuzzy_hits: usize,
    /// Autocomplete on street prefixes (3 to 8 characters, sometimes with a number).
    pub suggest_p50_us: f64,
    pub suggest_p99_us: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Times exact lookups, typo lookups and suggestions on addresses drawn from the index itself.
pub fn measure(index: &super::AddressIndex, queries: usize, seed: u64) -> Measurements {
    use std::hint::black_box;
    use std::time::Instant;
    let mut rng = Rng::new(seed);
    let n = index.len() as u64;
    let rows: Vec<u32> = (0..queries).map(|_| rng.below(n) as u32).collect();

    let exact_queries: Vec<super::Query> = rows.iter().map(|r| index.query_for_row(*r)).collect();
    let mut exact = Vec::with_capacity(queries);
    let mut exact_hits = 0;
    for q in &exact_queries {
        let t = Instant::now();
        let found = black_box(index.find(black_box(q)));
        exact.push(t.elapsed().as_nanos() as f64);
        exact_hits +=
            usize::from(found.is_ok_and(|f| f.best.quality == super::MatchQuality::Exact));
    }

    let keys: Vec<(super::Postcode, u32, super::normalize::Suffix)> = rows
        .iter()
        .map(|r| {
            let row = &index.rows[*r as usize];
            (super::Postcode(row.postcode), row.number, row.suffix)
        })
        .collect();
    let t = Instant::now();
    let mut core_hits = 0usize;
    for (pc, n, s) in &keys {
        core_hits += usize::from(black_box(index.exact_row(*pc, *n, *s)).is_some());
    }
    let core_mean_ns = t.elapsed().as_nanos() as f64 / keys.len().max(1) as f64;

    let fuzzy_n = (queries / 20).max(1);
    let mut fuzzy = Vec::with_capacity(fuzzy_n);
    let mut fuzzy_hits = 0;
    for r in rows.iter().take(fuzzy_n) {
        let a = index.address(*r);
        let mut street: Vec<char> = a.street.chars().collect();
        let i = 1 + rng.below(street.len().saturating_sub(2).max(1) as u64) as usize;
        street.remove(i.min(street.len() - 1));
        let text = format!(
            "{} {} {}",
            street.iter().collect::<String>(),
            a.number,
            a.place
        );
        let q = super::Query::Text(text);
        let t = Instant::now();
        let found = black_box(index.find(&q));
        fuzzy.push(t.elapsed().as_nanos() as f64 / 1000.0);
        fuzzy_hits += usize::from(found.is_ok());
    }

    let mut suggest = Vec::with_capacity(queries / 10);
    for r in rows.iter().take((queries / 10).max(1)) {
        let a = index.address(*r);
        let len = 3 + rng.below(6) as usize;
        let mut text: String = a.street.chars().take(len).collect();
        if rng.below(3) == 0 {
            text = format!("{} {}", a.street, a.number / 10 + 1);
        }
        let t = Instant::now();
        black_box(index.suggest(&text, 10));
        suggest.push(t.elapsed().as_nanos() as f64 / 1000.0);
    }

    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let sort = |v: &mut Vec<f64>| v.sort_by(f64::total_cmp);
    let (exact_mean_ns, fuzzy_mean_us) = (mean(&exact), mean(&fuzzy));
    sort(&mut exact);
    sort(&mut fuzzy);
    sort(&mut suggest);
    Measurements {
        queries,
        core_mean_ns,
        core_hits,
        exact_mean_ns,
        exact_p99_ns: percentile(&exact, 0.99),
        exact_hits,
        fuzzy_mean_us,
        fuzzy_p99_us: percentile(&fuzzy, 0.99),
        fuzzy_hits,
        suggest_p50_us: percentile(&suggest, 0.5),
        suggest_p99_us: percentile(&suggest, 0.99),
    }
}
