//! Which of the municipality's overlays (see [`crate::geodata::overlay`]) a place lies in on a
//! day, and how sure that is: an overlay's edge within the place's uncertainty makes its
//! membership uncertain as an area boundary does.

use geo::{Distance, Euclidean};
use jiff::civil::Date;
use serde::Serialize;

use super::Resolver;
use crate::crs::Rd;
use crate::index::Position;

/// An overlay as answers name it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OverlayRef {
    pub id: String,
    pub name: String,
    /// `inside`; `boundary`: inside, but its edge is within the place's uncertainty (what the
    /// input states, its notation, an address's spread, and a metre for the drawing);
    /// `near`: outside, with its edge that close (the place may lie in it; its contacts are
    /// not listed).
    pub position: Position,
    /// The drawing's validity period; absent ends are open.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_from: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_until: Option<Date>,
}

impl Resolver {
    /// The overlays (indexes into `data.overlays`) holding on `day` that contain `p`: whose
    /// contacts a place there gets. Few overlays are drawn, so a box test each is the index.
    pub fn overlays_at(&self, p: Rd, day: Date) -> Vec<u32> {
        self.data
            .overlays
            .iter()
            .enumerate()
            .filter(|(_, o)| o.holds_on(day) && o.contains(p))
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// The overlays an answer names: those containing `p`, and those whose edge lies within
    /// `radius_m` of it, each with its position and its index in `data.overlays`.
    pub(super) fn overlay_refs(&self, p: Rd, day: Date, radius_m: f64) -> Vec<(u32, OverlayRef)> {
        let pt = geo::Point::new(p.x, p.y);
        self.data
            .overlays
            .iter()
            .enumerate()
            .filter(|(_, o)| o.holds_on(day))
            .filter(|(_, o)| {
                o.bbox.min().x - radius_m <= p.x
                    && p.x <= o.bbox.max().x + radius_m
                    && o.bbox.min().y - radius_m <= p.y
                    && p.y <= o.bbox.max().y + radius_m
            })
            .filter_map(|(i, o)| {
                let inside = o.contains(p);
                let edge = o
                    .area
                    .geometry
                    .iter()
                    .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
                    .map(|ring| Euclidean.distance(&pt, ring))
                    .fold(f64::INFINITY, f64::min);
                let position = match (inside, edge <= radius_m) {
                    (true, false) => Position::Inside,
                    (true, true) => Position::Boundary,
                    (false, true) => Position::Near,
                    (false, false) => return None,
                };
                let named = OverlayRef {
                    id: o.area.id.clone(),
                    name: o.area.name.clone(),
                    position,
                    valid_from: o.valid_from,
                    valid_until: o.valid_until,
                };
                Some((i as u32, named))
            })
            .collect()
    }

    /// The overlay with this id holding on `day` (else its latest drawing).
    pub(super) fn overlay_on(
        &self,
        id: &str,
        day: Date,
    ) -> Option<&crate::geodata::overlay::Overlay> {
        self.data
            .overlays
            .iter()
            .find(|o| o.area.id == id && o.holds_on(day))
            .or_else(|| self.data.overlay(id))
    }
}
