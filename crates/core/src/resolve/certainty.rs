//! How sure an answer is of its coverage area: the place's uncertainty as a disc, the coverage
//! areas that disc touches with the share of it inside each, and a level a dispatcher can act
//! on.
//!
//! The radius joins every source of uncertainty as independent errors (root of the sum of
//! squares): the positional accuracy of the boundary data (declared in the manifest), the
//! precision of the notation the place was written in, a radius the input states, and the spread
//! of an address or place match.
//!
//! The level is decided exactly: a disc lies in one area exactly when the distance from its
//! centre to the nearest coverage boundary (an R-tree over the boundary's edges) exceeds its
//! radius; only then is an answer `certain`. The shares are needed only when it is not, and are
//! estimated by locating a fixed, evenly spread pattern of points in the disc with the same
//! index every lookup uses (a Vogel spiral: within about half a percentage point of the exact
//! area for the boundaries of a city, at the cost of a few microseconds).

use std::sync::LazyLock;

use jiff::civil::Date;
use serde::Serialize;

use super::{Contacts, Resolver};
use crate::crs::Rd;
use crate::index::Hit;
use crate::roster::Audience;
use crate::t;

/// The share of the disc one area must hold for the answer to be `likely` rather than
/// `ambiguous`: four fifths, so that a dispatcher acting on the named area is right at least
/// four times in five, and the other area is always named beside it.
pub const LIKELY_SHARE: f64 = 0.8;

/// Points of the pattern that estimates the shares of a disc.
const SAMPLES: usize = 400;

/// How sure an answer is of the area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The whole disc lies in one area (or wholly outside the coverage).
    Certain,
    /// One area holds at least [`LIKELY_SHARE`] of the disc; the others are named.
    Likely,
    /// No area holds that much: call the people of each.
    Ambiguous,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Certain => "certain",
            Level::Likely => "likely",
            Level::Ambiguous => "ambiguous",
        }
    }

    /// The level in words for people, in the current language.
    pub fn words(self) -> String {
        match self {
            Level::Certain => t!("certainty-certain"),
            Level::Likely => t!("certainty-likely"),
            Level::Ambiguous => t!("certainty-ambiguous"),
        }
    }
}

/// A coverage area the disc touches.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AreaShare {
    pub id: String,
    pub name: String,
    /// The fraction of the disc inside this area (the rest of the disc, if any, lies in other
    /// areas or outside the coverage).
    pub share: f64,
    /// When the answer is not certain: the people of this area, so that each can be called.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<crate::roster::Contact>>)]
    pub contacts: Option<Contacts>,
}

impl AreaShare {
    /// The people to call first in this area (the roles every area must have), as one line
    /// each; none when the answer is certain (then the answer's own contacts stand).
    pub fn people_to_call(&self) -> Vec<String> {
        self.contacts
            .iter()
            .flat_map(|list| list.iter())
            .filter(|p| p.required)
            .map(ToString::to_string)
            .collect()
    }
}

/// How sure the answer is of its area, and why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Certainty {
    pub level: Level,
    /// The place's uncertainty in metres, from every source (see `reasons`).
    pub radius_m: f64,
    /// Distance from the point to the nearest boundary of a coverage area (its outer edge
    /// included), in metres.
    #[schema(required = true)]
    pub boundary_distance_m: Option<f64>,
    /// The coverage areas the disc touches, largest share first.
    pub areas: Vec<AreaShare>,
    /// Why the radius is what it is, in the caller's language.
    pub reasons: Vec<String>,
}

/// The certainty decision with areas as indexes into the coverage layer.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCertainty {
    pub level: Level,
    pub radius_m: f64,
    pub boundary_distance_m: Option<f64>,
    /// (coverage area index, share of the disc), largest first; empty when certain.
    pub shares: Vec<(u32, f64)>,
}

impl AreaCertainty {
    /// The areas beside `own` that the place may lie in (none when certain).
    pub fn others(&self, own: Option<u32>) -> impl Iterator<Item = u32> + '_ {
        self.shares
            .iter()
            .filter(move |_| self.level != Level::Certain)
            .map(|s| s.0)
            .filter(move |a| Some(*a) != own)
    }
}

/// The sources of a place's uncertainty, in metres.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Uncertainty {
    /// The positional accuracy of the boundary data.
    pub data_m: f64,
    /// Half the step of the notation's last digit (`precision_m` of a text).
    pub notation_m: Option<f64>,
    /// A radius the input states (`u=` of a geo: URI, `±25 m`, an AML push's `rd`).
    pub stated_m: Option<f64>,
    /// How far apart the candidates of an address or place match lie.
    pub spread_m: Option<f64>,
    /// The place is the centre of a map view, not a marked place: how far from it the place
    /// may lie on the screen (`view_m` of a text). An answer for it is never `certain`.
    pub view_m: Option<f64>,
}

impl Uncertainty {
    /// Independent errors: the root of the sum of their squares.
    pub fn radius_m(&self) -> f64 {
        [
            Some(self.data_m),
            self.notation_m,
            self.stated_m,
            self.spread_m,
            self.view_m,
        ]
        .into_iter()
        .flatten()
        .map(|m| m * m)
        .sum::<f64>()
        .sqrt()
    }

    fn reasons(&self, generalized: bool) -> Vec<String> {
        let m = |v: f64| format!("{v:.0}");
        let mut out = vec![if generalized {
            t!("certainty-reason-generalised", metres = m(self.data_m))
        } else {
            t!("certainty-reason-boundaries", metres = m(self.data_m))
        }];
        if let Some(v) = self.notation_m {
            out.push(t!("certainty-reason-notation", metres = m(v)));
        }
        if let Some(v) = self.stated_m {
            out.push(t!("certainty-reason-stated", metres = m(v)));
        }
        if let Some(v) = self.spread_m {
            out.push(t!("certainty-reason-spread", metres = m(v)));
        }
        if let Some(v) = self.view_m {
            out.push(t!("certainty-reason-map-view", metres = m(v)));
        }
        out
    }
}

/// Offsets of the pattern in a unit disc: point `i` at radius `sqrt((i + ½) / n)` and angle
/// `i` times the golden angle, so that every ring and every sector holds its share of points.
static PATTERN: LazyLock<Vec<(f64, f64)>> = LazyLock::new(|| {
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    (0..SAMPLES)
        .map(|i| {
            let r = ((i as f64 + 0.5) / SAMPLES as f64).sqrt();
            let a = i as f64 * golden;
            (r * a.cos(), r * a.sin())
        })
        .collect()
});

/// `v` to `decimals` places, as figures are shown (no binary tails such as 930.3000000000001).
fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

impl Resolver {
    /// The uncertainty every place has from the data alone.
    pub fn data_uncertainty(&self) -> Uncertainty {
        Uncertainty {
            data_m: self.accuracy_m,
            ..Uncertainty::default()
        }
    }

    /// The distance from `p` to the nearest edge of a coverage area.
    pub fn boundary_distance_m(&self, p: Rd) -> Option<f64> {
        self.index
            .layer(self.coverage)
            .nearest(p)
            .map(|n| n.distance_m)
    }

    /// The share of the disc around `p` with radius `r` in each coverage area, by area index,
    /// largest first.
    pub fn disc_shares(&self, p: Rd, r: f64) -> Vec<(u32, f64)> {
        let layer = self.index.layer(self.coverage);
        let mut counts: Vec<(u32, u32)> = Vec::new();
        for (dx, dy) in PATTERN.iter() {
            let q = Rd {
                x: p.x + r * dx,
                y: p.y + r * dy,
            };
            if let Some(Hit { area, .. }) = layer.locate(q) {
                match counts.iter_mut().find(|(a, _)| *a == area) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((area, 1)),
                }
            }
        }
        let mut shares: Vec<(u32, f64)> = counts
            .into_iter()
            .map(|(a, n)| (a, f64::from(n) / SAMPLES as f64))
            .collect();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        shares
    }

    /// How sure an answer at `p` is of its coverage area: the decision every door makes, with
    /// the areas as indexes (batch writes them from its own cache of names;
    /// [`Resolver::certainty_at`] names them for an answer).
    ///
    /// Most places lie well inside an area, and the grid says so in one read; only near a
    /// boundary is the exact distance computed. `boundary_distance_m` is `None` when the grid
    /// alone decided (it is then more than the radius); `shares` is empty when certain.
    pub fn area_certainty(&self, p: Rd, u: &Uncertainty) -> AreaCertainty {
        let radius_m = u.radius_m();
        let certain = |boundary_distance_m| match u.view_m {
            // A map view names no place: even a screen inside one area is only `likely` the
            // place meant (it may be off the screen's edge, or the view taken for it).
            Some(_) => AreaCertainty {
                level: Level::Likely,
                radius_m,
                boundary_distance_m,
                shares: self.disc_shares(p, radius_m),
            },
            None => AreaCertainty {
                level: Level::Certain,
                radius_m,
                boundary_distance_m,
                shares: Vec::new(),
            },
        };
        if self
            .index
            .layer(self.coverage)
            .clear_of_boundaries(p, radius_m)
        {
            return certain(None);
        }
        let boundary_distance_m = self.boundary_distance_m(p);
        if boundary_distance_m.is_none_or(|d| d > radius_m) {
            return certain(boundary_distance_m);
        }
        let shares = self.disc_shares(p, radius_m);
        let top = shares.first().map_or(0.0, |s| s.1);
        AreaCertainty {
            level: if top >= LIKELY_SHARE {
                Level::Likely
            } else {
                Level::Ambiguous
            },
            radius_m,
            boundary_distance_m,
            shares,
        }
    }

    /// An assessment's [`Resolver::area_certainty`] as an answer carries it: areas named, and when it is not
    /// certain, with the people of each.
    pub(super) fn certainty_at(
        &self,
        p: Rd,
        assessed: &super::Assessment<'_>,
        u: &Uncertainty,
        audience: Audience,
        day: Date,
        full: bool,
    ) -> Certainty {
        let own = assessed.coverage_area();
        let AreaCertainty {
            level,
            radius_m,
            boundary_distance_m,
            mut shares,
        } = match &assessed.certainty {
            Some(c) => c.clone(),
            None => self.area_certainty(p, u),
        };
        // An answer states the distance even where the grid alone was enough to decide; one
        // that does not show its certainty (`full` false) leaves out what only it says: the
        // distance, the reasons and the people of each area. The level and areas stay.
        let boundary_distance_m = match full {
            true => boundary_distance_m.or_else(|| self.boundary_distance_m(p)),
            false => boundary_distance_m,
        };
        if level == Level::Certain
            && let Some(a) = own
        {
            shares = vec![(a, 1.0)];
        }
        let coverage = &self.data.layers[self.coverage];
        let areas = shares
            .into_iter()
            .map(|(a, share)| {
                let area = &coverage.areas[a as usize];
                AreaShare {
                    id: area.id.clone(),
                    name: area.name.clone(),
                    share: round_to(share, 3),
                    contacts: (full && level != Level::Certain)
                        .then(|| self.coverage_contacts(a, audience, day)),
                }
            })
            .collect();
        Certainty {
            level,
            radius_m: round_to(radius_m, 1),
            boundary_distance_m: boundary_distance_m.map(|d| round_to(d, 1)),
            areas,
            reasons: match full {
                true => u.reasons(self.data.manifest.source.generalized),
                false => Vec::new(),
            },
        }
    }

    /// The coverage area (by index) of each candidate of an ambiguous answer, in order.
    pub fn candidate_areas(&self, candidates: &[crate::address::Candidate]) -> Vec<Option<u32>> {
        let mut hits = self.hits_buffer();
        candidates
            .iter()
            .map(|c| self.coverage_area(c.address.rd, &mut hits))
            .collect()
    }

    /// The certainty decision of an ambiguous answer (a 300), with areas as indexes: the
    /// candidates' coverage areas, each with the share of the candidates in it, largest first;
    /// the radius is how far the candidates lie from their middle. Batch writes it as lookup.
    pub fn candidates_area_certainty(
        &self,
        candidates: &[crate::address::Candidate],
    ) -> AreaCertainty {
        self.candidates_decision(candidates).0
    }

    /// How far the place a candidate stands for may lie from its point: for a whole area (the
    /// municipality's name when it is one area), half its bounding box's diagonal; for an
    /// address or a named place, nothing beyond the data's own accuracy. Only a lone area
    /// candidate counts it: among several, their spread already spans them.
    fn extent_of(&self, c: &crate::address::Candidate) -> f64 {
        use geo::BoundingRect;
        let lone_area = c.quality == crate::address::MatchQuality::Area;
        c.place
            .as_ref()
            .filter(|_| lone_area)
            .and_then(|p| {
                self.data.layers.iter().find_map(|l| {
                    l.areas
                        .iter()
                        .find(|a| a.code.as_deref() == Some(&p.source) || a.id == p.source)
                })
            })
            .and_then(|a| a.geometry.bounding_rect())
            .map(|b| b.width().hypot(b.height()) / 2.0)
            .unwrap_or(0.0)
    }

    /// The decision of [`Resolver::candidates_area_certainty`], with what it was made from:
    /// the uncertainty (for its reasons) and each candidate's area.
    fn candidates_decision(
        &self,
        candidates: &[crate::address::Candidate],
    ) -> (AreaCertainty, Uncertainty, Vec<Option<u32>>) {
        let areas = self.candidate_areas(candidates);
        let mut counts: Vec<(u32, usize)> = Vec::new();
        for a in areas.iter().flatten() {
            match counts.iter_mut().find(|(x, _)| x == a) {
                Some((_, n)) => *n += 1,
                None => counts.push((*a, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let n = candidates.len().max(1) as f64;
        let (cx, cy) = candidates.iter().fold((0.0, 0.0), |(x, y), c| {
            (x + c.address.rd.x / n, y + c.address.rd.y / n)
        });
        let spread = candidates
            .iter()
            .map(|c| {
                let own = if candidates.len() == 1 {
                    self.extent_of(c)
                } else {
                    0.0
                };
                (c.address.rd.x - cx).hypot(c.address.rd.y - cy) + own
            })
            .fold(0.0, f64::max);
        let u = Uncertainty {
            spread_m: Some(spread),
            ..self.data_uncertainty()
        };
        let decision = AreaCertainty {
            // One area among the candidates is the area of all of them, but which of them is
            // meant is still open: never certain.
            level: if counts.len() <= 1 {
                Level::Likely
            } else {
                Level::Ambiguous
            },
            radius_m: u.radius_m(),
            boundary_distance_m: None,
            shares: counts.iter().map(|&(a, k)| (a, k as f64 / n)).collect(),
        };
        (decision, u, areas)
    }

    /// [`Resolver::candidates_area_certainty`] as a 300 carries it, areas named with their
    /// people, and the area of each candidate in order.
    pub(super) fn candidates_certainty_at(
        &self,
        candidates: &[crate::address::Candidate],
        audience: Audience,
        day: Date,
    ) -> (Certainty, Vec<Option<super::AreaRef>>) {
        let (c, u, areas) = self.candidates_decision(candidates);
        let coverage = &self.data.layers[self.coverage];
        let certainty = Certainty {
            level: c.level,
            radius_m: round_to(c.radius_m, 1),
            boundary_distance_m: None,
            areas: c
                .shares
                .iter()
                .map(|&(a, share)| AreaShare {
                    id: coverage.areas[a as usize].id.clone(),
                    name: coverage.areas[a as usize].name.clone(),
                    share: round_to(share, 3),
                    contacts: Some(self.coverage_contacts(a, audience, day)),
                })
                .collect(),
            reasons: u.reasons(self.data.manifest.source.generalized),
        };
        let named = areas
            .iter()
            .map(|a| {
                a.map(|a| super::AreaRef {
                    id: coverage.areas[a as usize].id.clone(),
                    name: coverage.areas[a as usize].name.clone(),
                })
            })
            .collect();
        (certainty, named)
    }

    /// The contacts of a place inside coverage area `a` (by index), cached like an answer's.
    fn coverage_contacts(&self, a: u32, audience: Audience, day: Date) -> Contacts {
        let mut hits = self.hits_buffer();
        hits[self.coverage] = Some(Hit {
            area: a,
            position: crate::index::Position::Inside,
        });
        let area = &self.data.layers[self.coverage].areas[a as usize];
        let mut ids: Vec<&str> = vec![area.id.as_str()];
        ids.extend(area.parents.values().map(String::as_str));
        self.contacts_cached(&hits, &[], &ids, audience, day)
    }
}
