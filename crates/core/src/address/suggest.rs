//! Autocomplete: the streets, postcodes and addresses a partly typed text may become, for the
//! page's search box and `GET /v1/addresses/suggest`.

use fst::{Automaton, IntoStreamer, Streamer};
use serde::Serialize;

use super::AddressIndex;
use super::normalize::{Postcode, format_number, name_key};

/// An autocomplete entry.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    /// `address`, `street` or `place` (a named place: museum, shop, school, ...).
    pub kind: &'static str,
    pub label: String,
    /// Text that `GET /v1/lookup?address=` answers for this entry.
    pub query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<u32>,
}

impl AddressIndex {
    /// Autocompletes a partly typed address: postcode prefixes (`6211`, `6211 C`, `6211CK 7`)
    /// and street prefixes (`brusselsep`, `st pieters`, `Brusselsepoort 4`), at most `limit`.
    pub fn suggest(&self, text: &str, limit: usize) -> Vec<Suggestion> {
        let t = text.trim();
        if t.is_empty() || limit == 0 || t.len() > 200 {
            return Vec::new();
        }
        if t.starts_with(|c: char| ('1'..='9').contains(&c)) {
            return self.suggest_postcode(t, limit);
        }
        let mut out = self.suggest_street(t, limit);
        // Named places after the streets and addresses, in the room left.
        for i in self.landmarks.prefixed(t, limit.saturating_sub(out.len())) {
            let l = self.landmarks.get(i);
            out.push(Suggestion {
                kind: "place",
                label: l.label(),
                query: match &l.street {
                    Some(street) => format!("{} {street}", l.place.name),
                    None => l.place.name.clone(),
                },
                addresses: None,
            });
        }
        out
    }

    fn suggest_street(&self, t: &str, limit: usize) -> Vec<Suggestion> {
        let (street, number) = match t.find(|c: char| c.is_ascii_digit()) {
            Some(i) => (&t[..i], Some(t[i..].trim())),
            None => (t, None),
        };
        let key = name_key(street);
        if key.is_empty() {
            return Vec::new();
        }
        let mut keys: Vec<(u32, bool)> = Vec::new();
        let prefix = fst::automaton::Str::new(&key).starts_with();
        let mut stream = self.street_keys.search(prefix).into_stream();
        while let Some((k, id)) = stream.next() {
            keys.push((id as u32, k == key.as_bytes()));
            if keys.len() >= 256 {
                break;
            }
        }
        keys.sort_by_key(|&(id, exact)| (!exact, std::cmp::Reverse(self.key_size(id))));
        let mut out = Vec::new();
        for (id, _) in keys {
            for &g in &self.key_groups[id as usize] {
                let group = &self.groups[g as usize];
                let name = &self.names[group.name as usize];
                let place = &self.places[group.place as usize];
                match number {
                    None => out.push(Suggestion {
                        kind: "street",
                        label: format!("{name}, {place}"),
                        query: format!("{name} {place}"),
                        addresses: Some(group.len),
                    }),
                    Some(n) => {
                        let wanted = n.to_ascii_uppercase().replace([' ', '-'], "");
                        for &r in self.group_rows(g) {
                            let row = &self.rows[r as usize];
                            let form = format_number(row.number, row.suffix);
                            if form.replace('-', "").starts_with(&wanted) {
                                out.push(self.address_suggestion(r));
                                if out.len() >= limit {
                                    return out;
                                }
                            }
                        }
                    }
                }
                if out.len() >= limit {
                    return out;
                }
            }
        }
        out
    }

    fn address_suggestion(&self, row: u32) -> Suggestion {
        let a = self.address(row);
        let query = match &a.postcode {
            Some(pc) => format!(
                "{pc} {}",
                format_number(
                    self.rows[row as usize].number,
                    self.rows[row as usize].suffix
                )
            ),
            None => a.label.clone(),
        };
        Suggestion {
            kind: "address",
            label: a.label,
            query,
            addresses: None,
        }
    }

    fn suggest_postcode(&self, t: &str, limit: usize) -> Vec<Suggestion> {
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        let b = compact.as_bytes();
        let digits = b.iter().take(4).take_while(|c| c.is_ascii_digit()).count();
        let letters = b[digits..]
            .iter()
            .take(2)
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if digits < 4 && b.len() > digits {
            return Vec::new();
        }
        let Ok(d) = compact[..digits].parse::<u32>() else {
            return Vec::new();
        };
        let scale = 10u32.pow(4 - digits as u32);
        let (lo, hi) = if digits < 4 {
            (d * scale * 676, (d + 1) * scale * 676)
        } else {
            let lo = Postcode::first_of(d, &b[4..4 + letters]);
            let width = [676, 26, 1][letters];
            (lo, lo + width)
        };
        let number = &compact[digits + letters..];
        if digits == 4 && letters < 2 && !number.is_empty() {
            return Vec::new();
        }
        let wanted = number.to_ascii_uppercase().replace('-', "");
        let start = self.rows.partition_point(|r| r.postcode < lo);
        let mut out = Vec::new();
        for (i, r) in self.rows[start..].iter().enumerate() {
            if r.postcode >= hi {
                break;
            }
            if !wanted.is_empty()
                && !format_number(r.number, r.suffix)
                    .replace('-', "")
                    .starts_with(&wanted)
            {
                continue;
            }
            out.push(self.address_suggestion((start + i) as u32));
            if out.len() >= limit {
                break;
            }
        }
        out
    }
}
