//! What is decided about a located place, once, for every door: the area of every layer (made
//! consistent through the base layer), whether the place counts as covered, its position, the
//! overlays it lies in and how sure its area is. A lookup's [`super::Answer`] is made from it
//! and a batch row writes its cells from it, so that no rule of placing lives in one door only.
//! Each door asks ([`Ask`]) for what it will show: a batch asked for codes computes neither
//! overlays nor the certainty's disc, and the cheap exact decision comes first (a place far
//! from every boundary needs no disc shares, see [`Resolver::area_certainty`]).

use jiff::civil::Date;

use super::{AreaCertainty, Resolver, Uncertainty};
use crate::crs::Rd;
use crate::index::{Hit, Position};

/// What of an assessment a door will read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ask {
    /// How sure the area is (level, radius, the other possible areas).
    pub certainty: bool,
    /// The overlays the place lies in (their names, and their people).
    pub overlays: bool,
    /// A place just outside generalised boundaries is outside, not the nearest area's: the
    /// batch option `--strict-inside`, for a comparison with tools that take boundaries as
    /// drawn.
    pub strict_inside: bool,
}

/// The decision for one located place.
#[derive(Debug, Clone)]
pub struct Assessment<'h> {
    /// The area of every layer (one slot per layer). Outside coverage a layer that reaches
    /// further than the coverage may still have one; a place `--strict-inside` puts outside
    /// has none.
    pub hits: &'h [Option<Hit>],
    /// `outside` when the place is answered with no area, `near` when with the nearest one,
    /// `boundary` when a layer's boundary passes through it, else `inside`.
    pub position: Position,
    /// The overlays holding on the day that contain the place (indexes of `data.overlays`),
    /// when asked and covered.
    pub overlays: Vec<u32>,
    /// When asked.
    pub certainty: Option<AreaCertainty>,
    coverage: usize,
    base: usize,
}

impl Assessment<'_> {
    /// Whether the place is answered with areas (inside, on a boundary or near).
    pub fn covered(&self) -> bool {
        self.position != Position::Outside
    }

    /// The coverage area (an index of the coverage layer), when covered.
    pub fn coverage_area(&self) -> Option<u32> {
        self.area_of(self.coverage)
    }

    /// The base-layer area (an index), when covered and the base layer has one there.
    pub fn base_area(&self) -> Option<u32> {
        self.area_of(self.base).filter(|_| self.covered())
    }

    /// The area (an index) of `layer`, if the place lies in one.
    pub fn area_of(&self, layer: usize) -> Option<u32> {
        self.hits.get(layer).copied().flatten().map(|h| h.area)
    }
}

impl Resolver {
    /// The one decision of where a located place lies (see the module): `u` is the place's
    /// uncertainty, `day` picks the overlays that hold, and `hits` is the caller's buffer of
    /// one slot per layer ([`Resolver::hits_buffer`]), so that bulk work does not allocate.
    pub fn assess<'h>(
        &self,
        p: Rd,
        u: &Uncertainty,
        day: Date,
        ask: Ask,
        hits: &'h mut [Option<Hit>],
    ) -> Assessment<'h> {
        self.locate_into(p, hits);
        let mut covered = hits[self.coverage].is_some();
        let near = hits.iter().flatten().any(|h| h.position == Position::Near);
        if covered && near && ask.strict_inside {
            hits.fill(None);
            covered = false;
        }
        let position = if !covered {
            Position::Outside
        } else if near {
            Position::Near
        } else if hits
            .iter()
            .flatten()
            .any(|h| h.position == Position::Boundary)
        {
            Position::Boundary
        } else {
            Position::Inside
        };
        let overlays = if covered && ask.overlays {
            self.overlays_at(p, day)
        } else {
            Vec::new()
        };
        let certainty = ask.certainty.then(|| self.area_certainty(p, u));
        Assessment {
            hits,
            position,
            overlays,
            certainty,
            coverage: self.coverage,
            base: self.base,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodata::Geodata;
    use crate::index::Position;

    fn resolver() -> Resolver {
        Resolver::new(Geodata::embedded().unwrap())
    }

    /// A point just outside the generalised boundary: the nearest area's, `near`, unless the
    /// door asks for boundaries as drawn; and a point on no boundary needs no disc shares.
    #[test]
    fn near_places_follow_the_ask_and_certainty_is_computed_only_when_asked() {
        let r = resolver();
        let day = r.today().day();
        let u = r.data_uncertainty();
        let coverage = r.index.layer(r.coverage);
        // Walk west from the Vrijthof until the coverage ends, then 10 m further: within the
        // 25 m of generalised boundaries.
        let mut p = Rd {
            x: 176_040.0,
            y: 317_960.0,
        };
        while coverage.locate(p).is_some() {
            p.x -= 1.0;
        }
        p.x -= 10.0;
        let mut hits = r.hits_buffer();
        let near = r.assess(p, &u, day, Ask::default(), &mut hits);
        assert_eq!(near.position, Position::Near);
        assert!(near.coverage_area().is_some() && near.base_area().is_some());
        assert!(near.certainty.is_none(), "not asked");
        let strict = Ask {
            strict_inside: true,
            certainty: true,
            ..Ask::default()
        };
        let outside = r.assess(p, &u, day, strict, &mut hits);
        assert_eq!(outside.position, Position::Outside);
        assert!(outside.hits.iter().all(Option::is_none));
        assert!(outside.base_area().is_none() && outside.certainty.is_some());

        let vrijthof = Rd {
            x: 176_040.0,
            y: 317_960.0,
        };
        let inside = r.assess(vrijthof, &u, day, strict, &mut hits);
        assert_eq!(inside.position, Position::Inside);
        // Far from every coverage boundary: certain, decided without a disc.
        let c = inside.certainty.as_ref().unwrap();
        assert_eq!(c.level, crate::resolve::Level::Certain);
        assert!(c.shares.is_empty());
    }
}
