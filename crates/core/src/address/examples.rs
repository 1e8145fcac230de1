//! Examples of what to type, chosen from the data being served: the page's search box and the
//! errors that say how to write an address show an address of this municipality's own index
//! (its street and number, its postcode and number) and a point inside its coverage, never
//! another municipality's. With no address loaded there are no address examples, and the
//! texts say what to give without one.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::{AddressIndex, MatchQuality};
use crate::crs::Rd;

/// Examples for one address index (and, for the page, one municipality's reference point).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Examples {
    /// A real address of the index, street and number (`Brusselsepoort 45`).
    pub address: Option<String>,
    /// A real address of the index, postcode and number (`6216CG 45`).
    pub postcode: Option<String>,
}

impl Examples {
    /// Chooses from `index`: of the addresses with a plain number (no letter or addition), the
    /// one nearest the middle of all of them, so that the example is a central, ordinary
    /// address; the postcode example is the nearest such address that has a postcode (the
    /// same one, where it has).
    pub fn choose(index: &AddressIndex) -> Examples {
        let n = index.len();
        if n == 0 {
            return Examples {
                address: None,
                postcode: None,
            };
        }
        let (mut sx, mut sy) = (0.0, 0.0);
        for row in 0..n as u32 {
            let p = index.row_rd(row);
            sx += p.x;
            sy += p.y;
        }
        let middle = Rd {
            x: sx / n as f64,
            y: sy / n as f64,
        };
        let mut rows: Vec<(f64, u32)> = (0..n as u32)
            .map(|row| {
                let p = index.row_rd(row);
                ((p.x - middle.x).hypot(p.y - middle.y), row)
            })
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut address = None;
        let mut postcode = None;
        for (_, row) in rows {
            let a = index.row_candidate(row, MatchQuality::Exact).address;
            let plain = a.number > 0
                && a.huisletter.is_none()
                && a.toevoeging.is_none()
                && !a.street.trim().is_empty();
            if !plain {
                continue;
            }
            if address.is_none() {
                address = Some(format!("{} {}", a.street, a.number));
            }
            if postcode.is_none()
                && let Some(pc) = a.postcode.as_deref().filter(|p| !p.is_empty())
            {
                postcode = Some(format!("{pc} {}", a.number));
            }
            if address.is_some() && postcode.is_some() {
                break;
            }
        }
        Examples { address, postcode }
    }

    /// The examples of `index`, chosen once per index (by its version and size) and kept: the
    /// errors of every request ask for them.
    pub fn of(index: &AddressIndex) -> Arc<Examples> {
        type Cache = Vec<(String, usize, Arc<Examples>)>;
        static CACHE: Mutex<Cache> = Mutex::new(Vec::new());
        let key = (index.version().to_string(), index.len());
        if let Ok(cache) = CACHE.lock()
            && let Some((_, _, e)) = cache.iter().find(|(v, n, _)| (v, *n) == (&key.0, key.1))
        {
            return e.clone();
        }
        let chosen = Arc::new(Examples::choose(index));
        if let Ok(mut cache) = CACHE.lock() {
            // A few indexes at most live at once (the served one, one being loaded).
            if cache.len() >= 4 {
                cache.remove(0);
            }
            cache.push((key.0, key.1, chosen.clone()));
        }
        chosen
    }

    /// ` (Brusselsepoort 45)` for a text that names an example after what it asks for; empty
    /// without one.
    pub fn address_in_brackets(&self) -> String {
        in_brackets(self.address.as_deref())
    }

    /// ` (6216CG 45)`, or empty.
    pub fn postcode_in_brackets(&self) -> String {
        in_brackets(self.postcode.as_deref())
    }

    /// What the page's search box shows before anything is typed: the examples and a point
    /// inside the coverage (`lat`, `lon`), then "map link" in the current language.
    pub fn placeholder(&self, lat: f64, lon: f64) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.address.clone());
        parts.extend(self.postcode.clone());
        parts.push(format!("{lat:.4}, {lon:.4}"));
        parts.push(crate::t!("examples-map-link"));
        parts.join(" · ")
    }
}

fn in_brackets(example: Option<&str>) -> String {
    example.map(|e| format!(" ({e})")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_index_gives_an_address_of_its_own() {
        let index = AddressIndex::embedded();
        let e = Examples::of(&index);
        let address = e.address.clone().unwrap();
        // It is an address the index finds exactly.
        let q = crate::address::Query::Text(address.clone());
        let found = index.find(&q).unwrap();
        assert_eq!(found.best.quality, MatchQuality::Exact, "{address}");
        assert_eq!(e.address_in_brackets(), format!(" ({address})"));
        let empty = Examples {
            address: None,
            postcode: None,
        };
        assert_eq!(empty.address_in_brackets(), "");
        assert_eq!(
            empty.placeholder(52.5, 6.1),
            format!("52.5000, 6.1000 · {}", crate::t!("examples-map-link"))
        );
    }
}
