//! Names people give to areas: a buurt, wijk, stadsdeel or LWA area named as such
//! (`Borgharen`, `Wyck`, `Noord-Oost`) is answered as that area, at a point inside it; the
//! municipality's own name is every coverage area at once, and so is a woonplaats (from its
//! profile or the addresses) unless an area bears its name: a woonplaats that is one part of
//! the municipality is answered as that part. These go before the
//! search for streets and named places, so that an area's exact name always beats a shop whose
//! name is a typo away from it.

use geo::{BooleanOps, Intersects};

use super::Resolver;
use crate::address::landmarks::PlaceRef;
use crate::address::normalize::fold_words;
use crate::address::{Address, Candidate, Failure, Found, MatchQuality};
use crate::crs::Rd;
use crate::geodata::Area;
use crate::t;

/// How an area's name is compared: folded words, without the `Wijk 03` prefix CBS gives wijken.
fn name_key(name: &str) -> String {
    let words = fold_words(name);
    let skip = match words.as_slice() {
        [w, n, _, ..] if w.as_str() == "wijk" && n.bytes().all(|b| b.is_ascii_digit()) => 2,
        _ => 0,
    };
    words[skip..].concat()
}

/// A point inside a geometry (not its centroid, which may lie outside a bent area).
fn inside_point(g: &geo::MultiPolygon<f64>) -> Option<Rd> {
    use geo::InteriorPoint;
    g.interior_point().map(|p| Rd { x: p.x(), y: p.y() })
}

impl Resolver {
    /// The answer for a text that names an area or the municipality; `None` when it names
    /// neither.
    pub(super) fn area_named(&self, text: &str) -> Option<Result<Found, Failure>> {
        let key = name_key(text);
        if key.len() < 3 {
            return None;
        }
        let coverage = &self.data.layers[self.coverage];
        let whole = key == name_key(&self.municipality_name())
            || key == name_key(&self.data.municipality.name);
        let town = self.addresses.is_woonplaats(text) || self.data.locality.is_own(text);
        // A woonplaats that is a part of the municipality (Hoensbroek of Heerlen), where an
        // area bears its name, is answered as that part below; only the municipality's own
        // name, and a woonplaats no area is named after, are the whole.
        let part = !whole
            && town
            && self
                .data
                .layers
                .iter()
                .any(|l| l.areas.iter().any(|a| name_key(&a.name) == key));
        if whole || (town && !part) {
            return Some(Err(Failure::Ambiguous {
                reason: t!(
                    "address-whole-municipality",
                    text = text.trim(),
                    count = coverage.areas.len(),
                    areas = coverage
                        .areas
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                candidates: coverage
                    .areas
                    .iter()
                    .filter_map(|a| self.area_candidate(a, &coverage.info.id, &a.geometry))
                    .collect(),
            }));
        }
        // The coverage layer first, then the base layer, then the others in their order.
        let (coverage_l, base_l) = (self.coverage, self.base);
        let mut order = vec![coverage_l, base_l];
        order.extend((0..self.data.layers.len()).filter(|l| *l != coverage_l && *l != base_l));
        order.dedup();
        for l in order {
            let layer = &self.data.layers[l];
            let Some(area) = layer.areas.iter().find(|a| name_key(&a.name) == key) else {
                continue;
            };
            let within = self.coverage_areas_of(area, l);
            let kind = layer.info.id.as_str();
            return Some(match within.as_slice() {
                [] => Err(Failure::NotFound {
                    reason: t!("address-area-outside", text = text.trim()),
                    candidates: Vec::new(),
                }),
                [_] => {
                    let Some(best) = self.area_candidate(area, kind, &area.geometry) else {
                        continue;
                    };
                    Ok(Found {
                        notes: vec![t!(
                            "note-area-name",
                            name = area.name.as_str(),
                            layer = layer.info.title.as_str()
                        )],
                        best,
                        alternatives: Vec::new(),
                        members: Vec::new(),
                        ignored: None,
                        spread_m: None,
                    })
                }
                several => Err(Failure::Ambiguous {
                    reason: t!(
                        "address-area-spans",
                        name = area.name.as_str(),
                        count = several.len(),
                        areas = several
                            .iter()
                            .map(|&c| coverage.areas[c as usize].name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    // Per coverage area, a point in the part of the named area that lies in it.
                    candidates: several
                        .iter()
                        .filter_map(|&c| {
                            let part = area
                                .geometry
                                .intersection(&coverage.areas[c as usize].geometry);
                            let mut cand = self.area_candidate(area, kind, &part)?;
                            cand.address.label =
                                format!("{} ({})", area.name, coverage.areas[c as usize].name);
                            Some(cand)
                        })
                        .collect(),
                }),
            });
        }
        // Another town's name alone is not a place here, whatever shop is named like it; a
        // street of the city with that very name still is.
        if self.data.elsewhere.iter().any(|t| name_key(t) == key) {
            let street = self
                .addresses
                .find(&crate::address::Query::Text(text.to_string()));
            let exact_street = street.is_ok_and(|f| {
                matches!(
                    f.best.quality,
                    MatchQuality::Exact | MatchQuality::StreetOnly
                )
            });
            if !exact_street {
                return Some(Err(Failure::NotFound {
                    reason: t!(
                        "address-other-town",
                        town = text.trim(),
                        coverage = self.data.manifest.coverage_name.as_str()
                    ),
                    candidates: Vec::new(),
                }));
            }
        }
        None
    }

    /// The municipality as its manifest names it, without the code: "Gemeente Maastricht".
    fn municipality_name(&self) -> String {
        let name = &self.data.manifest.coverage_name;
        name.split(" (").next().unwrap_or(name).to_string()
    }

    /// The coverage areas (by index) an area of layer `l` lies in.
    fn coverage_areas_of(&self, area: &Area, l: usize) -> Vec<u32> {
        let coverage = &self.data.layers[self.coverage];
        if l == self.coverage {
            return coverage
                .areas
                .iter()
                .position(|a| a.id == area.id)
                .map(|i| vec![i as u32])
                .unwrap_or_default();
        }
        if let Some(parent) = area.parents.get(&coverage.info.id)
            && let Some(i) = coverage.areas.iter().position(|a| &a.id == parent)
        {
            return vec![i as u32];
        }
        // Shared boundaries touch: only an overlap of some size counts.
        coverage
            .areas
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.geometry.intersects(&area.geometry) && {
                    use geo::Area as _;
                    c.geometry.intersection(&area.geometry).unsigned_area() > 100.0
                }
            })
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// A candidate standing for an area, at a point inside `part` of it.
    fn area_candidate(
        &self,
        area: &Area,
        kind: &str,
        part: &geo::MultiPolygon<f64>,
    ) -> Option<Candidate> {
        let rd = inside_point(part)?;
        Some(Candidate {
            address: Address {
                id: None,
                label: area.name.clone(),
                street: area.name.clone(),
                number: 0,
                huisletter: None,
                toevoeging: None,
                postcode: None,
                place: self.municipality_name(),
                rd,
            },
            quality: MatchQuality::Area,
            score: crate::address::search::score_of(MatchQuality::Area, 0),
            place: Some(PlaceRef {
                name: area.name.clone(),
                kind: kind.to_string(),
                source: area.code.clone().unwrap_or_else(|| area.id.clone()),
            }),
        })
    }
}
