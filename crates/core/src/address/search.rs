//! Reading an address query and finding it: exact where the text allows, ranked candidates where
//! it does not, and never a guess presented as exact.
//!
//! Match qualities, from sure to unsure: `exact` (every part given matches, nothing added),
//! `toevoeging_ignored` and `huisletter_ignored` (the number exists, but not with the given
//! suffix: the answer is the plain number), `fuzzy_street` (the street name was corrected within
//! one or two edits), `street_only` and `postcode_only` (no number given: the answer stands for
//! the whole street or postcode, and is only given when they lie in one area; see
//! `crate::resolve`). The score orders candidates; it is 1.0 only for exact matches.
//!
//! Named places join the candidates in `ranking`; ranges of numbers and words for "near" are
//! read in `phrasing`.

use super::edits::{Edits, within_edits};
use fst::{IntoStreamer, Streamer};
use serde::Serialize;

use super::normalize::{HouseNumber, Postcode, Suffix, format_number, name_key, take_postcode};
use super::phrasing::{corner, letter_form, number_range, strip_nearness};
use super::{Address, AddressIndex};
use crate::t;

pub use crate::query::AddressQuery as Query;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MatchQuality {
    Exact,
    ToevoegingIgnored,
    /// A range of numbers was given ("45-47", "45 t/m 47"): the first of them that exists.
    NumberRange,
    HuisletterIgnored,
    FuzzyStreet,
    /// Street and number were found, but the postcode given belongs elsewhere: answered by the
    /// street and number, the postcode ignored.
    PostcodeIgnored,
    /// Postcode and number were found, but at another street than the one given: answered by
    /// the postcode and number, the street ignored.
    StreetIgnored,
    StreetOnly,
    PostcodeOnly,
    /// The four digits of a postcode (`6221`): all the addresses of the postcode area.
    PostcodeArea,
    /// A named place (museum, shop, school, ...) found by its name, or by its name and street.
    Place,
    /// A named place whose name was found within one or two typing errors.
    FuzzyPlace,
    /// The name of an area (a buurt, wijk, stadsdeel or LWA area): answered at a point inside
    /// it.
    Area,
    /// Only in the candidates of a not-found answer: the same street or postcode, another number.
    OtherNumber,
    /// The corner of two streets ("hoek A / B"): between their nearest addresses.
    Corner,
}

impl MatchQuality {
    /// The quality's name, as the answer's `quality` and a batch row's say it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One address that may be what was meant.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    /// The address; for a named place, its position and its own address where the source
    /// gives one (else its name stands as the street).
    pub address: Address,
    pub quality: MatchQuality,
    /// 1.0 for an exact match, lower the more was corrected or left out.
    pub score: f64,
    /// Set when the candidate is a named place rather than an address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<super::landmarks::PlaceRef>,
}

/// A query answered with one address.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub best: Candidate,
    /// The next candidates, best first.
    pub alternatives: Vec<Candidate>,
    /// For `street_only` and `postcode_only`: every address (row) the answer stands for.
    pub members: Vec<u32>,
    /// How the text was read where words were left out, e.g. "'bij' read as near: the answer
    /// is for the address itself".
    pub notes: Vec<String>,
    /// When a part of the text contradicted the others and was left out (`postcode_ignored`,
    /// `street_ignored`): where that part alone points, so that the caller can tell whether it
    /// names another area.
    pub ignored: Option<Candidate>,
    /// How far the place may lie from the answer's point because of the match itself (a
    /// corner between two houses), in metres.
    pub spread_m: Option<f64>,
}

/// A query that does not lead to one address.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The text cannot be read as an address; says what to change.
    Unreadable(String),
    /// Nothing matches; `candidates` are the nearest things that exist.
    NotFound {
        reason: String,
        candidates: Vec<Candidate>,
    },
    /// Several addresses match equally well.
    Ambiguous {
        reason: String,
        candidates: Vec<Candidate>,
    },
}

impl Failure {
    pub fn reason(&self) -> &str {
        match self {
            Failure::Unreadable(r) => r,
            Failure::NotFound { reason, .. } | Failure::Ambiguous { reason, .. } => reason,
        }
    }

    pub fn candidates(&self) -> &[Candidate] {
        match self {
            Failure::Unreadable(_) => &[],
            Failure::NotFound { candidates, .. } | Failure::Ambiguous { candidates, .. } => {
                candidates
            }
        }
    }
}

/// The parts read from a query.
#[derive(Debug, Default)]
struct Parsed {
    postcode: Option<Postcode>,
    number: Option<HouseNumber>,
    street: Option<String>,
    place: Option<String>,
}

const SUFFIX_WORDS: &[&str] = &["bis", "ter", "hs", "bg", "zw", "rd", "ii", "iii", "iv"];
pub(super) const MAX_CANDIDATES: usize = 5;

/// Two streets whose nearest addresses lie further apart than this do not meet.
const CORNER_APART_M: f64 = 250.0;

/// Words Dutch street names end in. A name that keeps such an ending and differs in the part
/// before it ("Akerstraat", "Jekerstraat") may well be another street; one whose ending itself
/// is garbled ("Brusselsepoot") is a typing error.
const STREET_ENDINGS: &[&str] = &[
    "straat",
    "steeg",
    "weg",
    "plein",
    "laan",
    "poort",
    "singel",
    "kade",
    "dijk",
    "gracht",
    "wal",
    "park",
    "hof",
    "pad",
    "markt",
    "berg",
    "veld",
    "dreef",
    "baan",
    "boulevard",
    "dal",
];

/// Whether a folded name not in the index may be a street of its own rather than a typing
/// error for `indexed`: both end in the same street word and the parts before it differ by
/// more than one letter, or are too short for one letter to be only a slip.
fn reads_as_own_street(typed: &str, indexed: &str) -> bool {
    let ending = STREET_ENDINGS
        .iter()
        .filter(|e| typed.ends_with(*e) && indexed.ends_with(*e))
        .max_by_key(|e| e.len());
    let (a, b) = match ending {
        Some(e) => (
            &typed[..typed.len() - e.len()],
            &indexed[..indexed.len() - e.len()],
        ),
        // Without a shared ending only a short name is another word by one letter ("Mark").
        None => return typed.chars().count() < 5,
    };
    strsim::osa_distance(a, b) >= 2 || a.chars().count().min(b.chars().count()) < 5
}

/// The score of a candidate of this quality found with `edits` typing errors.
pub fn score_of(quality: MatchQuality, edits: usize) -> f64 {
    let base = match quality {
        MatchQuality::Exact => 1.0,
        MatchQuality::ToevoegingIgnored => 0.8,
        MatchQuality::NumberRange => 0.75,
        MatchQuality::HuisletterIgnored => 0.7,
        MatchQuality::FuzzyStreet => 0.85,
        MatchQuality::PostcodeIgnored => 0.6,
        MatchQuality::StreetIgnored => 0.6,
        MatchQuality::StreetOnly => 0.5,
        MatchQuality::PostcodeOnly => 0.4,
        MatchQuality::PostcodeArea => 0.3,
        MatchQuality::Place => 0.95,
        MatchQuality::FuzzyPlace => 0.95,
        MatchQuality::Area => 0.9,
        MatchQuality::Corner => 0.8,
        MatchQuality::OtherNumber => 0.3,
    };
    base - 0.1 * edits as f64
}

impl AddressIndex {
    /// Finds the address a query means.
    ///
    /// ```
    /// use wijkwijzer_core::address::{AddressIndex, MatchQuality, Query};
    /// let index = AddressIndex::embedded();
    /// let found = index.find(&Query::Text("Brusselsepoort 45".into())).unwrap();
    /// assert_eq!(found.best.quality, MatchQuality::Exact);
    /// assert_eq!(found.best.address.postcode.as_deref(), Some("6216CG"));
    /// ```
    pub fn find(&self, query: &Query) -> Result<Found, Failure> {
        let address = self.find_address(query);
        let Query::Text(text) = query else {
            return address;
        };
        // A house that exists is the answer, and no place is listed beside it: the search for
        // names is spent only where a place may be meant.
        // A corrected street name without a number (`street_only` read from a near name) is
        // as open to a place of that name as the street itself.
        if let Ok(found) = &address
            && !matches!(
                found.best.quality,
                MatchQuality::StreetOnly | MatchQuality::PostcodeOnly | MatchQuality::PostcodeArea
            )
            && (found.best.quality != MatchQuality::FuzzyStreet || found.members.is_empty())
        {
            return address;
        }
        // "Bij Us" is a restaurant: the whole text first, then without a word for "near".
        let stripped = strip_nearness(text).map(|(_, rest)| rest);
        let found = std::iter::once(text.as_str())
            .chain(stripped)
            .find_map(|t| Some((t, self.landmarks.find(t)?)));
        match found {
            Some((text, hits)) => self.rank_with_places(text, address, hits),
            None => address,
        }
    }

    fn find_address(&self, query: &Query) -> Result<Found, Failure> {
        if let Query::Text(t) = query {
            // "hoek Wycker Brugstraat / Rechtstraat": the corner of two streets.
            if let Some((a, b)) = corner(t)
                && let Some(found) = self.find_corner(&a, &b)
            {
                return found;
            }
            // As written on a letter or a web page: read without what is not the address, and
            // say what was left out.
            if let Some((rewritten, ignored)) = letter_form(t, |w| self.is_place(w)) {
                let mut found = self.find_address_as_written(&Query::Text(rewritten))?;
                if !ignored.is_empty() {
                    found
                        .notes
                        .push(t!("note-ignored-words", words = ignored.join(", ")));
                }
                return Ok(found);
            }
        }
        self.find_address_as_written(query)
    }

    /// The corner of two streets: the middle of the closest pair of their addresses, as far
    /// from either as the two lie apart. `None` when a name is no street here.
    fn find_corner(&self, a: &str, b: &str) -> Option<Result<Found, Failure>> {
        let rows_of = |street: &str| -> Vec<u32> {
            let candidates = self.street_candidates(street);
            let Some(&(_, best)) = candidates.first() else {
                return Vec::new();
            };
            candidates
                .iter()
                .filter(|(_, d)| *d == best)
                .flat_map(|(key, _)| self.key_groups[*key as usize].iter())
                .flat_map(|g| self.group_rows(*g).iter().copied())
                .collect()
        };
        let (ra, rb) = (rows_of(a), rows_of(b));
        if ra.is_empty() || rb.is_empty() {
            return None;
        }
        let mut best: Option<(f64, u32, u32)> = None;
        for &x in &ra {
            let p = self.row_rd(x);
            for &y in &rb {
                let q = self.row_rd(y);
                let d = (p.x - q.x).hypot(p.y - q.y);
                if best.is_none_or(|(bd, _, _)| d < bd) {
                    best = Some((d, x, y));
                }
            }
        }
        let (d, x, y) = best?;
        let (ax, by) = (
            self.candidate(x, MatchQuality::Corner, 0),
            self.candidate(y, MatchQuality::Corner, 0),
        );
        let label = format!("{} / {}", ax.address.street, by.address.street);
        if d > CORNER_APART_M {
            return Some(Err(Failure::NotFound {
                reason: t!(
                    "address-corner-apart",
                    corner = label,
                    metres = format!("{d:.0}")
                ),
                candidates: vec![ax, by],
            }));
        }
        let (p, q) = (ax.address.rd, by.address.rd);
        let rd = crate::crs::Rd {
            x: (p.x + q.x) / 2.0,
            y: (p.y + q.y) / 2.0,
        };
        let best = Candidate {
            address: Address {
                id: None,
                label: label.clone(),
                street: label.clone(),
                number: 0,
                huisletter: None,
                toevoeging: None,
                postcode: None,
                place: ax.address.place.clone(),
                rd,
            },
            quality: MatchQuality::Corner,
            score: score_of(MatchQuality::Corner, 0),
            place: None,
        };
        Some(Ok(Found {
            best,
            notes: vec![t!(
                "note-corner",
                a = ax.address.label.as_str(),
                b = by.address.label.as_str(),
                metres = format!("{d:.0}")
            )],
            alternatives: vec![ax, by],
            members: Vec::new(),
            ignored: None,
            // Where exactly the streets meet is not known from two houses: as far as they
            // lie apart, and never less than a house's width.
            spread_m: Some((d / 2.0).max(10.0)),
        }))
    }

    fn find_address_as_written(&self, query: &Query) -> Result<Found, Failure> {
        // "bij Markt 1", "tegenover het Vrijthof 5": a word for "near" before the address.
        if let Query::Text(t) = query
            && let Some((word, rest)) = strip_nearness(t)
        {
            let mut found = self.find_query(&Query::Text(rest.to_string()))?;
            found.notes.push(t!(
                "note-near-word",
                word = word,
                address = &found.best.address.label
            ));
            return Ok(found);
        }
        // "Brusselsepoort 45-47", "45 t/m 47": the first number of the range that exists,
        // unless the text names an address as it stands (in the BAG "45-47" may be number 45
        // with toevoeging 47).
        if let Query::Text(t) = query
            && let Some((before, first, last, after)) = number_range(t)
        {
            match self.find_query(query) {
                Ok(found) if found.best.quality == MatchQuality::Exact => return Ok(found),
                _ => {}
            }
            let mut first_failure = None;
            for n in first..=last {
                match self.find_query(&Query::Text(format!("{before}{n}{after}"))) {
                    Ok(mut found) => {
                        found.best = self.downgrade(found.best, MatchQuality::NumberRange);
                        found.notes.push(t!(
                            "note-number-range",
                            first = first.to_string(),
                            last = last.to_string(),
                            number = n.to_string()
                        ));
                        return Ok(found);
                    }
                    Err(e) => {
                        first_failure.get_or_insert(e);
                    }
                }
            }
            if let Some(e) = first_failure {
                return Err(e);
            }
        }
        self.find_query(query)
    }

    fn find_query(&self, query: &Query) -> Result<Found, Failure> {
        let parsed = match query {
            Query::Text(t) if crate::query::is_postcode_area(t.trim()) => {
                return self.postcode_area(t.trim());
            }
            Query::Text(t) => self.parse_text(t)?,
            Query::Parts {
                postcode,
                huisnummer,
                huisletter,
                toevoeging,
            } => {
                let pc = Postcode::parse(postcode).ok_or_else(|| {
                    Failure::Unreadable(t!("address-bad-postcode", postcode = postcode))
                })?;
                Parsed {
                    postcode: Some(pc),
                    ..parse_number_fields(huisnummer, huisletter, toevoeging)?
                }
            }
            Query::Street {
                street,
                huisnummer,
                huisletter,
                toevoeging,
                woonplaats,
            } => {
                let mut parsed = parse_number_fields(huisnummer, huisletter, toevoeging)?;
                let street = street.trim();
                if street.is_empty() {
                    return Err(Failure::Unreadable(t!(
                        "address-empty-street",
                        address = crate::address::Examples::of(self).address_in_brackets()
                    )));
                }
                parsed.street = Some(street.to_string());
                parsed.place = woonplaats
                    .as_deref()
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(str::to_string);
                parsed
            }
        };
        match (&parsed.postcode, &parsed.number, &parsed.street) {
            // Postcode, number and street: a part that contradicts the others is said so in
            // the quality, never answered as exact.
            (Some(pc), Some(n), Some(street)) => match self.find_in_postcode(*pc, n) {
                Err(Failure::NotFound { .. }) => {
                    let mut found = self.find_on_street(&parsed, n)?;
                    if found.best.address.postcode.as_deref() != Some(pc.to_string().as_str()) {
                        found.best = self.downgrade(found.best, MatchQuality::PostcodeIgnored);
                        found.ignored = self.postcode_only(*pc).ok().map(|f| f.best);
                    }
                    Ok(found)
                }
                Ok(mut found) => {
                    if !self.street_matches(street, &found.best.address.street) {
                        found.best = self.downgrade(found.best, MatchQuality::StreetIgnored);
                        found.ignored = self.find_on_street(&parsed, n).ok().map(|f| f.best);
                    }
                    Ok(found)
                }
                other => other,
            },
            (Some(pc), Some(n), None) => self.find_in_postcode(*pc, n),
            (None, Some(n), Some(_)) => self.find_on_street(&parsed, n),
            (None, None, Some(street)) => self.street_only(street, parsed.place.as_deref()),
            (Some(pc), None, _) => self.postcode_only(*pc),
            // The examples are this index's own addresses (see `crate::address::Examples`).
            (None, Some(_), None) => {
                let e = crate::address::Examples::of(self);
                Err(Failure::Unreadable(t!(
                    "address-number-alone",
                    address = e.address_in_brackets(),
                    postcode = e.postcode_in_brackets()
                )))
            }
            (None, None, None) => {
                let e = crate::address::Examples::of(self);
                Err(Failure::Unreadable(t!(
                    "address-nothing",
                    address = e.address_in_brackets(),
                    postcode = e.postcode_in_brackets()
                )))
            }
        }
    }

    /// A candidate with a lower quality (and its score), when a part of the query was
    /// contradicted and left out.
    fn downgrade(&self, c: Candidate, quality: MatchQuality) -> Candidate {
        if c.quality == MatchQuality::Exact || c.quality > quality {
            Candidate {
                score: score_of(quality, 0).min(c.score),
                quality,
                address: c.address,
                place: c.place,
            }
        } else {
            c
        }
    }

    /// Whether a typed street name means this street (exactly or within the typing errors the
    /// street search allows).
    fn street_matches(&self, typed: &str, street: &str) -> bool {
        self.street_candidates(typed).into_iter().any(|(key, _)| {
            self.key_groups[key as usize]
                .iter()
                .any(|g| &*self.names[self.groups[*g as usize].name as usize] == street)
        })
    }

    fn parse_text(&self, text: &str) -> Result<Parsed, Failure> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Failure::Unreadable(t!("address-empty")));
        }
        if text.len() > 200 {
            return Err(Failure::Unreadable(t!("address-too-long", max = 200)));
        }
        let (postcode, rest) = match take_postcode(text) {
            Some((pc, rest)) => (Some(pc), rest),
            None => (None, text.to_string()),
        };
        // "Brusselsepoort45": a number glued to the street name is split off.
        let tokens: Vec<&str> = rest
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty())
            .flat_map(|t| {
                let cut = t
                    .find(|c: char| c.is_ascii_digit())
                    .filter(|&i| i >= 3 && t[..i].chars().all(char::is_alphabetic));
                match cut {
                    Some(i) => vec![&t[..i], &t[i..]],
                    None => vec![t],
                }
            })
            .collect();
        let mut parsed = Parsed {
            postcode,
            ..Parsed::default()
        };
        let words = |ts: &[&str]| (!ts.is_empty()).then(|| ts.join(" "));
        let digits_at = |i: usize| tokens[i].starts_with(|c: char| c.is_ascii_digit());
        // A street whose name holds a number ("Plein 1992 12"): the number is part of the name
        // when the words up to it name a known street and another number (or nothing) follows.
        let mut from = 0;
        let number_at = loop {
            let Some(i) = (from..tokens.len()).find(|&i| digits_at(i)) else {
                break None;
            };
            let names_street = self
                .street_keys
                .get(name_key(&tokens[..=i].join(" ")))
                .is_some();
            if names_street && (i + 1 == tokens.len() || digits_at(i + 1)) {
                from = i + 1;
                continue;
            }
            break Some(i);
        };
        match number_at {
            Some(n) => {
                let mut number = tokens[n].to_string();
                let mut j = n + 1;
                while j < tokens.len() && j <= n + 2 {
                    let t = tokens[j];
                    let lower = t.to_ascii_lowercase();
                    let suffix_like = t.starts_with('-')
                        || (t.len() == 1 && t.as_bytes()[0].is_ascii_alphabetic())
                        || (t.len() <= 4 && t.bytes().any(|b| b.is_ascii_digit()))
                        || SUFFIX_WORDS.contains(&lower.trim_start_matches('-'));
                    if !suffix_like || self.is_place(&tokens[j..].join(" ")) {
                        break;
                    }
                    number.push(' ');
                    number.push_str(t);
                    j += 1;
                }
                parsed.number = Some(HouseNumber::parse(&number).map_err(Failure::Unreadable)?);
                parsed.street = words(&tokens[..n]);
                parsed.place = words(&tokens[j..]);
                // "6211CH 1 Vrijthof": words after the number that are no woonplaats are the
                // street, written last; they must be checked against the postcode, not dropped.
                if parsed.street.is_none()
                    && let Some(after) = parsed.place.take()
                {
                    if self.is_place(&after) {
                        parsed.place = Some(after);
                    } else {
                        parsed.street = Some(after);
                    }
                }
            }
            None => {
                // Trailing words may be the woonplaats: "Brusselsepoort Maastricht".
                let mut split = tokens.len();
                for k in (1..tokens.len().min(4)).rev() {
                    if self.is_place(&tokens[tokens.len() - k..].join(" ")) {
                        split = tokens.len() - k;
                        break;
                    }
                }
                parsed.street = words(&tokens[..split]);
                parsed.place = words(&tokens[split..]);
            }
        }
        Ok(parsed)
    }

    /// The woonplaatsen of the loaded addresses, for messages (at most five named).
    fn place_list(&self) -> String {
        let mut names: Vec<&str> = self.places.iter().map(|p| &**p).collect();
        names.sort_unstable();
        names.dedup();
        let more = names.len().saturating_sub(5);
        let mut list = names.into_iter().take(5).collect::<Vec<_>>().join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        list
    }

    fn is_place(&self, text: &str) -> bool {
        self.place_keys.contains_key(&name_key(text))
    }

    /// Whether the text names a woonplaats of the loaded addresses (exactly, as written).
    pub fn is_woonplaats(&self, text: &str) -> bool {
        self.is_place(text)
    }

    /// Place ids a woonplaats text names, exactly or within one edit; `None` when none does.
    fn places_named(&self, text: &str) -> Option<Vec<u32>> {
        let key = name_key(text);
        if let Some(ids) = self.place_keys.get(&key) {
            return Some(ids.clone());
        }
        let near: Vec<u32> = self
            .place_keys
            .iter()
            .filter(|(k, _)| key.len() > 4 && strsim::osa_distance(k, &key) <= 1)
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        (!near.is_empty()).then_some(near)
    }

    pub(super) fn candidate(&self, row: u32, quality: MatchQuality, edits: usize) -> Candidate {
        Candidate {
            address: self.address(row),
            quality,
            score: score_of(quality, edits),
            place: None,
        }
    }

    /// A street or postcode as one answer: at its representative point (the one of its
    /// addresses nearest to their mean, so the point lies on the street itself), labelled as
    /// the street or postcode, without a house number.
    fn area_candidate(&self, rows: &[u32], quality: MatchQuality, edits: usize) -> Candidate {
        let n = rows.len().max(1) as f64;
        let (sx, sy) = rows.iter().fold((0.0, 0.0), |(x, y), &r| {
            let p = self.rd(r);
            (x + p.x, y + p.y)
        });
        let (mx, my) = (sx / n, sy / n);
        let at = rows
            .iter()
            .copied()
            .min_by(|&a, &b| {
                let d = |r: u32| {
                    let p = self.rd(r);
                    (p.x - mx).hypot(p.y - my)
                };
                d(a).total_cmp(&d(b))
            })
            .unwrap_or_default();
        let mut c = self.candidate(at, quality, edits);
        let a = &mut c.address;
        a.id = None;
        a.number = 0;
        a.huisletter = None;
        a.toevoeging = None;
        a.label = if quality != MatchQuality::StreetOnly {
            t!(
                "label-postcode",
                postcode = a.postcode.as_deref().unwrap_or_default(),
                place = &a.place,
                count = rows.len()
            )
        } else {
            a.postcode = None;
            t!(
                "label-street",
                street = &a.street,
                place = &a.place,
                count = rows.len()
            )
        };
        c
    }

    /// Among rows with the right number, the one the suffix readings name, and how well.
    fn pick(&self, rows: &[u32], hn: &HouseNumber) -> Option<(u32, MatchQuality)> {
        let suffix = |r: &u32| self.rows[*r as usize].suffix;
        for reading in &hn.readings {
            if let Some(r) = rows.iter().find(|r| suffix(r) == *reading) {
                return Some((*r, MatchQuality::Exact));
            }
        }
        for reading in &hn.readings {
            if reading.toevoeging != [0; 4]
                && let Some(r) = rows.iter().find(|r| {
                    let s = suffix(r);
                    s.letter == reading.letter && s.toevoeging == [0; 4]
                })
            {
                return Some((*r, MatchQuality::ToevoegingIgnored));
            }
        }
        for reading in &hn.readings {
            if reading.letter != 0 {
                let plain = Suffix {
                    letter: 0,
                    toevoeging: reading.toevoeging,
                };
                if let Some(r) = rows
                    .iter()
                    .find(|r| suffix(r) == plain)
                    .or_else(|| rows.iter().find(|r| suffix(r) == Suffix::NONE))
                {
                    return Some((*r, MatchQuality::HuisletterIgnored));
                }
            }
        }
        None
    }

    /// The rows (from `list`, sorted by number) with `number`, and the closest other numbers.
    /// Whether a street's rows (sorted by number) hold this number, with any suffix.
    fn has_number(&self, list: &[u32], number: u32) -> bool {
        let num = |r: &u32| self.rows[*r as usize].number;
        let lo = list.partition_point(|r| num(r) < number);
        list.get(lo).is_some_and(|r| num(r) == number)
    }

    fn same_and_near(&self, list: &[u32], number: u32) -> (Vec<u32>, Vec<u32>) {
        let num = |r: &u32| self.rows[*r as usize].number;
        let lo = list.partition_point(|r| num(r) < number);
        let hi = list.partition_point(|r| num(r) <= number);
        let same = list[lo..hi].to_vec();
        let mut near: Vec<u32> = list[lo.saturating_sub(MAX_CANDIDATES)..lo]
            .iter()
            .chain(list[hi..(hi + MAX_CANDIDATES).min(list.len())].iter())
            .copied()
            .collect();
        near.sort_by_key(|r| num(r).abs_diff(number));
        near.truncate(MAX_CANDIDATES);
        (same, near)
    }

    fn find_in_postcode(&self, pc: Postcode, hn: &HouseNumber) -> Result<Found, Failure> {
        let range = self.postcode_rows(pc.0);
        if range.is_empty() {
            return Err(Failure::NotFound {
                reason: t!("address-no-such-postcode", postcode = pc.to_string()),
                candidates: Vec::new(),
            });
        }
        // The hot path: a postcode's rows are contiguous and sorted by number.
        let rows = &self.rows[range.clone()];
        let lo = rows.partition_point(|r| r.number < hn.number);
        let hi = lo + rows[lo..].partition_point(|r| r.number <= hn.number);
        let same: Vec<u32> = (range.start + lo..range.start + hi)
            .map(|r| r as u32)
            .collect();
        match self.pick(&same, hn) {
            Some((row, quality)) => Ok(Found {
                best: self.candidate(row, quality, 0),
                alternatives: self.others(&same, row, 1),
                members: Vec::new(),
                notes: Vec::new(),
                ignored: None,
                spread_m: None,
            }),
            None => {
                let list: Vec<u32> = (range.start as u32..range.end as u32).collect();
                let (same, near) = self.same_and_near(&list, hn.number);
                Err(self.number_missing(&format!("{pc} {}", hn.number), &same, &near, 0))
            }
        }
    }

    /// Other suffixes of the same number, as alternatives.
    fn others(&self, same: &[u32], best: u32, edits: usize) -> Vec<Candidate> {
        same.iter()
            .filter(|r| **r != best)
            .take(MAX_CANDIDATES)
            .map(|r| self.candidate(*r, MatchQuality::HuisletterIgnored, edits + 1))
            .collect()
    }

    fn number_missing(&self, what: &str, same: &[u32], near: &[u32], edits: usize) -> Failure {
        if same.is_empty() {
            Failure::NotFound {
                reason: t!("address-number-missing", address = what),
                candidates: near
                    .iter()
                    .map(|r| self.candidate(*r, MatchQuality::OtherNumber, edits))
                    .collect(),
            }
        } else {
            let forms: Vec<String> = same
                .iter()
                .map(|r| {
                    let row = &self.rows[*r as usize];
                    format_number(row.number, row.suffix)
                })
                .collect();
            Failure::Ambiguous {
                reason: t!(
                    "address-number-only-with-suffix",
                    address = what,
                    forms = forms.join(", ")
                ),
                candidates: same
                    .iter()
                    .take(MAX_CANDIDATES * 4)
                    .map(|r| self.candidate(*r, MatchQuality::HuisletterIgnored, edits))
                    .collect(),
            }
        }
    }

    /// Street keys that a street text may mean, with their edit distance, closest first.
    fn street_candidates(&self, street: &str) -> Vec<(u32, usize)> {
        let key = name_key(street);
        // A key whose addresses were all merged into another spelling's is not a street here.
        if let Some(id) = self.street_keys.get(&key)
            && self.key_size(id as u32) > 0
        {
            return vec![(id as u32, 0)];
        }
        self.streets_within_edits(&key)
    }

    /// Street keys within the typing errors a name of this length allows (not the key itself).
    fn streets_within_edits(&self, key: &str) -> Vec<(u32, usize)> {
        let n = key.chars().count();
        let max = match n {
            0..=3 => return Vec::new(),
            4..=7 => 1,
            _ => 2,
        };
        let mut out = Vec::new();
        for d in 1..=max {
            let dfa = within_edits(key, d);
            let mut stream = self.street_keys.search(Edits(&dfa)).into_stream();
            while let Some((k, id)) = stream.next() {
                let k = String::from_utf8_lossy(k);
                let d = strsim::osa_distance(&k, key);
                if d > 0 && self.key_size(id as u32) > 0 {
                    out.push((id as u32, d));
                }
            }
            if !out.is_empty() {
                break;
            }
        }
        out.sort_by_key(|&(id, d)| (d, std::cmp::Reverse(self.key_size(id))));
        out.dedup();
        out
    }

    pub(super) fn key_size(&self, key: u32) -> u32 {
        self.key_groups[key as usize]
            .iter()
            .map(|g| self.groups[*g as usize].len)
            .sum()
    }

    /// Street groups for a street text in an optional woonplaats, with edit distances and the
    /// extra edits charged for a woonplaats that was not recognised.
    fn groups_for(&self, street: &str, place: Option<&str>) -> (Vec<(u32, usize)>, usize) {
        let places = place.and_then(|p| self.places_named(p));
        let place_penalty = usize::from(place.is_some() && places.is_none());
        let mut out = Vec::new();
        for (key, d) in self.street_candidates(street) {
            for &g in &self.key_groups[key as usize] {
                let in_place = places
                    .as_ref()
                    .is_none_or(|p| p.contains(&self.groups[g as usize].place));
                if in_place {
                    out.push((g, d));
                }
            }
        }
        (out, place_penalty)
    }

    /// A street name the index does not hold, a typing error or two from names it does: the
    /// failure to give instead of an answer, or `None` when the near name may stand for it.
    ///
    /// Another street is another place, often another area: the near name stands for it only
    /// when it is the one nearest name and either the index is the complete register (so the
    /// typed name is no street at all) or the typed name cannot be a street of its own (see
    /// [`reads_as_own_street`]). Otherwise the answer is "not in the index", with the near
    /// streets as candidates (`crate::resolve` adds their areas and how far apart they lie).
    fn unindexed_street(&self, street: &str, number: Option<u32>) -> Option<Failure> {
        // A spelling the index knows, though its addresses were merged into another's, is
        // that street, not a stranger to it.
        if self.street_keys.get(name_key(street)).is_some() {
            return None;
        }
        let near = self.street_candidates(street);
        let &(_, d) = near.first()?;
        if d == 0 {
            return None;
        }
        let closest: Vec<u32> = near
            .iter()
            .filter(|(_, e)| *e == d)
            .map(|(k, _)| *k)
            .collect();
        if let [only] = closest[..]
            && (self.info.complete
                || !reads_as_own_street(&name_key(street), &name_key(&self.key_name(only))))
        {
            return None;
        }
        let mut candidates = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for &(key, e) in near.iter().take(MAX_CANDIDATES) {
            for &g in &self.key_groups[key as usize] {
                let rows = self.group_rows(g);
                let row = number
                    .and_then(|n| self.same_and_near(rows, n).0.first().copied())
                    .unwrap_or(rows[rows.len() / 2]);
                candidates.push(self.candidate(row, MatchQuality::FuzzyStreet, e));
            }
            let name = t!(
                "address-near-street",
                street = self.key_name(key),
                edits = e
            );
            if !names.contains(&name) {
                names.push(name);
            }
        }
        Some(Failure::NotFound {
            reason: t!(
                "address-street-not-indexed",
                street = street.trim(),
                count = self.len(),
                near = names.join(" · ")
            ),
            candidates,
        })
    }

    /// The name of a street key, as the addresses spell it.
    fn key_name(&self, key: u32) -> String {
        self.key_groups[key as usize]
            .first()
            .map(|g| self.names[self.groups[*g as usize].name as usize].to_string())
            .unwrap_or_default()
    }

    /// The note of an answer whose street was read from a name the index does not hold.
    fn fuzzy_street_note(&self, typed: &str, found: &mut Found) {
        if found.best.quality == MatchQuality::FuzzyStreet
            && self.street_keys.get(name_key(typed)).is_none()
        {
            let name = found.best.address.street.clone();
            found.notes.push(t!(
                "note-fuzzy-street",
                text = typed.trim(),
                street = name.as_str(),
                edits = strsim::osa_distance(&name_key(typed), &name_key(&name))
            ));
        }
    }

    fn find_on_street(&self, parsed: &Parsed, hn: &HouseNumber) -> Result<Found, Failure> {
        let street = parsed.street.as_deref().unwrap_or_default();
        if let Some(failure) = self.unindexed_street(street, Some(hn.number)) {
            return Err(failure);
        }
        let (mut groups, place_penalty) = self.groups_for(street, parsed.place.as_deref());
        if groups.is_empty() {
            return Err(self.no_street(street, parsed.place.as_deref()));
        }
        // A street the register spells two ways (Dominikaner-, Dominicanerkerkstraat): when
        // the spelling given lacks the number, the other spelling's houses are looked at too.
        if groups.iter().all(|(_, d)| *d == 0)
            && !groups
                .iter()
                .any(|&(g, _)| self.has_number(self.group_rows(g), hn.number))
        {
            let places = parsed.place.as_deref().and_then(|p| self.places_named(p));
            for (key, d) in self.streets_within_edits(&name_key(street)) {
                for &g in &self.key_groups[key as usize] {
                    let in_place = places
                        .as_ref()
                        .is_none_or(|p| p.contains(&self.groups[g as usize].place));
                    if in_place && d == 1 {
                        groups.push((g, d));
                    }
                }
            }
        }
        let mut hits: Vec<Candidate> = Vec::new();
        let mut missing = None;
        for &(g, d) in &groups {
            let list = self.group_rows(g);
            let (same, near) = self.same_and_near(list, hn.number);
            match self.pick(&same, hn) {
                Some((row, quality)) => {
                    let quality = if d > 0 {
                        MatchQuality::FuzzyStreet
                    } else {
                        quality
                    };
                    let edits = d + place_penalty;
                    hits.push(self.candidate(row, quality, edits));
                    hits.extend(self.others(&same, row, edits));
                }
                None if missing.is_none() => {
                    let name = &self.names[self.groups[g as usize].name as usize];
                    missing = Some(self.number_missing(
                        &format!("{name} {}", hn.number),
                        &same,
                        &near,
                        d,
                    ));
                }
                None => {}
            }
        }
        if hits.is_empty() {
            let failure = missing.unwrap_or_else(|| self.no_street(street, None));
            // A woonplaats the addresses do not know is the first thing wrong: the person may
            // be asking about another town, where this number may well exist.
            return Err(match (place_penalty > 0, failure) {
                (true, Failure::NotFound { reason, candidates }) => Failure::NotFound {
                    reason: t!(
                        "address-unknown-woonplaats",
                        woonplaats = parsed.place.as_deref().unwrap_or_default(),
                        known = self.place_list(),
                        reason = reason
                    ),
                    candidates,
                },
                (_, other) => other,
            });
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.address.label.cmp(&b.address.label))
        });
        hits.dedup_by(|b, a| a.address == b.address);
        if place_penalty > 0 {
            hits.truncate(MAX_CANDIDATES);
            return Err(Failure::NotFound {
                reason: t!(
                    "address-exists-elsewhere",
                    woonplaats = parsed.place.as_deref().unwrap_or_default()
                ),
                candidates: hits,
            });
        }
        let tie = hits.len() > 1
            && hits[1].score == hits[0].score
            && hits[1].address.place != hits[0].address.place;
        if tie {
            let best = hits[0].score;
            let tied: Vec<Candidate> = hits.into_iter().filter(|c| c.score == best).collect();
            return Err(Failure::Ambiguous {
                reason: t!(
                    "address-in-several-woonplaatsen",
                    address = format!("{street} {}", hn.number),
                    count = tied.len()
                ),
                candidates: tied,
            });
        }
        let best = hits.remove(0);
        hits.truncate(MAX_CANDIDATES);
        let mut found = Found {
            best,
            alternatives: hits,
            members: Vec::new(),
            notes: Vec::new(),
            ignored: None,
            spread_m: None,
        };
        self.fuzzy_street_note(street, &mut found);
        Ok(found)
    }

    fn no_street(&self, street: &str, place: Option<&str>) -> Failure {
        let suggestions = self.suggest(street, MAX_CANDIDATES);
        let reason = match place {
            Some(p) => t!("address-no-street-in", street = street, woonplaats = p),
            None => t!("address-no-street", street = street, count = self.len()),
        };
        let reason = if suggestions.is_empty() {
            reason
        } else {
            let streets = suggestions
                .iter()
                .map(|s| s.label.as_str())
                .collect::<Vec<_>>()
                .join(" · ");
            format!(
                "{reason}; {}",
                t!("address-streets-starting-so", streets = streets)
            )
        };
        Failure::NotFound {
            reason,
            candidates: Vec::new(),
        }
    }

    fn street_only(&self, street: &str, place: Option<&str>) -> Result<Found, Failure> {
        if let Some(failure) = self.unindexed_street(street, None) {
            return Err(failure);
        }
        let (groups, place_penalty) = self.groups_for(street, place);
        let Some(&(first, d)) = groups.first() else {
            return Err(self.no_street(street, place));
        };
        let closest: Vec<u32> = groups
            .iter()
            .filter(|(_, gd)| *gd == d)
            .map(|(g, _)| *g)
            .collect();
        let middle = |g: u32| {
            let rows = self.group_rows(g);
            rows[rows.len() / 2]
        };
        if closest.len() > 1 {
            return Err(Failure::Ambiguous {
                reason: t!(
                    "address-several-streets",
                    street = street,
                    count = closest.len()
                ),
                candidates: closest
                    .iter()
                    .map(|g| self.candidate(middle(*g), MatchQuality::StreetOnly, d))
                    .collect(),
            });
        }
        let members = self.group_rows(first).to_vec();
        let mut best = self.area_candidate(&members, MatchQuality::StreetOnly, d + place_penalty);
        let mut notes = Vec::new();
        if d > 0 {
            notes.push(t!(
                "note-fuzzy-street",
                text = street.trim(),
                street = best.address.street.as_str(),
                edits = d
            ));
            // A corrected name is a correction first, whether a number was given or not.
            best.quality = MatchQuality::FuzzyStreet;
        }
        Ok(Found {
            best,
            alternatives: Vec::new(),
            members,
            notes,
            ignored: None,
            spread_m: None,
        })
    }

    fn postcode_only(&self, pc: Postcode) -> Result<Found, Failure> {
        let range = self.postcode_rows(pc.0);
        if range.is_empty() {
            return Err(Failure::NotFound {
                reason: t!("address-no-such-postcode", postcode = pc.to_string()),
                candidates: Vec::new(),
            });
        }
        let members: Vec<u32> = range.map(|r| r as u32).collect();
        Ok(Found {
            best: self.area_candidate(&members, MatchQuality::PostcodeOnly, 0),
            alternatives: Vec::new(),
            members,
            notes: Vec::new(),
            ignored: None,
            spread_m: None,
        })
    }

    /// The four digits of a postcode (`6221`): every address whose postcode starts so, as one
    /// answer that stands for all of them (the spanning rule decides whether it is one area).
    fn postcode_area(&self, digits: &str) -> Result<Found, Failure> {
        let n: u32 = digits.parse().unwrap_or_default();
        let lo = self.pc.partition_point(|p| *p < Postcode::first_of(n, b""));
        let hi = self
            .pc
            .partition_point(|p| *p < Postcode::first_of(n + 1, b""));
        if lo == hi {
            return Err(Failure::NotFound {
                reason: t!(
                    "address-no-postcode-area",
                    digits = digits,
                    count = self.len(),
                    source = self.info.name.clone()
                ),
                candidates: Vec::new(),
            });
        }
        let members: Vec<u32> = (self.pc_start[lo]..self.pc_start[hi]).collect();
        let mut best = self.area_candidate(&members, MatchQuality::PostcodeArea, 0);
        best.address.postcode = None;
        best.address.label = t!(
            "label-postcode-area",
            digits = digits,
            place = &best.address.place,
            count = members.len()
        );
        Ok(Found {
            best,
            alternatives: Vec::new(),
            members,
            notes: Vec::new(),
            ignored: None,
            spread_m: None,
        })
    }
}

/// The number fields of a form or file row: huisnummer, and optionally huisletter and
/// toevoeging as their own fields.
fn parse_number_fields(
    huisnummer: &str,
    huisletter: &Option<String>,
    toevoeging: &Option<String>,
) -> Result<Parsed, Failure> {
    // A spreadsheet's number column: `45.0` or `45,0` is 45.
    let huisnummer = huisnummer.trim();
    let huisnummer = huisnummer
        .split_once(['.', ','])
        .filter(|(whole, zeros)| {
            !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && !zeros.is_empty()
                && zeros.bytes().all(|b| b == b'0')
        })
        .map_or(huisnummer, |(whole, _)| whole);
    let mut hn = HouseNumber::parse(huisnummer).map_err(Failure::Unreadable)?;
    let letter = match huisletter
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(l) if l.chars().count() == 1 => l.chars().next(),
        Some(l) => {
            return Err(Failure::Unreadable(t!(
                "address-long-huisletter",
                huisletter = l
            )));
        }
    };
    let toevoeging = toevoeging
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if letter.is_some() || toevoeging.is_some() {
        if hn.readings != [Suffix::NONE] {
            return Err(Failure::Unreadable(t!(
                "address-number-with-suffix",
                huisnummer = huisnummer
            )));
        }
        hn.readings = vec![Suffix::new(letter, toevoeging).map_err(Failure::Unreadable)?];
    }
    Ok(Parsed {
        number: Some(hn),
        ..Parsed::default()
    })
}
