//! The address decision: which address (or named place) a text or a set of fields stands for,
//! and when the answer must be "ambiguous" instead. The search itself is [`crate::address`];
//! what is decided here needs the areas: a contradiction between parts that lead to different
//! coverage areas, and a street or postcode whose addresses lie in more than one.

use jiff::civil::Date;

use super::{AddressLookupError, AddressMatch, Answer, Resolver};
use crate::address::{Candidate, Failure, Found, MatchQuality, Query};

/// Kinds of named place that are part of or beside a landmark rather than the landmark itself:
/// a parking entrance named "Bonnefantenmuseum" is not the museum.
const MINOR_KINDS: [&str; 8] = [
    "parking_entrance",
    "parking",
    "entrance",
    "bicycle_parking",
    "bus_stop",
    "atm",
    "vending_machine",
    "charging_station",
];
use crate::roster::Audience;
use crate::t;

impl Resolver {
    /// The answer for an address: the address found, then the same answer as for its point
    /// (see [`super::On::resolve_address`]).
    ///
    /// A street or postcode without a number stands for all its addresses; it is answered only
    /// when they all lie in one coverage area, and is ambiguous otherwise (one candidate per
    /// area), so that a street crossing a boundary never gets a confident wrong answer.
    pub(super) fn resolve_address_at(
        &self,
        query: &Query,
        situation: Option<&str>,
        audience: Audience,
        day: Date,
        parts: super::Parts,
    ) -> Result<Answer, AddressLookupError> {
        let found = self
            .find_address_here(query)
            .map_err(AddressLookupError::Address)?;
        let u = super::Uncertainty {
            spread_m: found.spread_m,
            ..self.data_uncertainty()
        };
        let mut answer =
            self.resolve_situation_at(found.best.address.rd, &u, situation, audience, day, parts)?;
        answer.place = found.best.place.clone();
        answer.address = Some(AddressMatch {
            query: query_text(query),
            quality: found.best.quality,
            score: (found.best.score * 100.0).round() / 100.0,
            matched: found.best.address,
            alternatives: found.alternatives,
            notes: found.notes,
        });
        Ok(answer)
    }

    /// The address decision every interface uses (lookup, batch, the page; through
    /// [`super::On::find_address`]): the address found, or why there is none. A street or
    /// postcode without a number stands for all its addresses and is ambiguous when they lie in
    /// more than one coverage area (one candidate per area), so that no interface answers it
    /// with one area's people.
    pub(super) fn find_address_here(&self, query: &Query) -> Result<Found, Failure> {
        if let Query::Text(text) = query
            && let Some(named) = self.area_named(text)
        {
            return named;
        }
        let mut found = match self.addresses.find(query) {
            Ok(found) => self.namesakes_apart(query, found)?,
            // Candidates that differ only in what does not change the answer (a letter, which
            // of two entrances) are one answer: a 300 only when their areas differ.
            Err(Failure::Ambiguous { reason, candidates }) => {
                return self.one_area_or(reason, candidates);
            }
            Err(Failure::NotFound { reason, candidates })
                if !candidates.is_empty()
                    && candidates
                        .iter()
                        .all(|c| c.quality == MatchQuality::FuzzyStreet) =>
            {
                return Err(self.near_streets(reason, candidates));
            }
            Err(other) => return Err(other),
        };
        // A part left out as contradicting the rest must not move the answer to another
        // area's people silently: then neither reading is certain.
        if let Some(other) = &found.ignored {
            let mut hits = self.hits_buffer();
            let here = self.coverage_area(found.best.address.rd, &mut hits);
            let there = self.coverage_area(other.address.rd, &mut hits);
            if here != there {
                let (text, here, there) = (
                    query_text(query),
                    self.coverage_name(here),
                    self.coverage_name(there),
                );
                return Err(Failure::Ambiguous {
                    reason: match found.best.quality {
                        MatchQuality::StreetIgnored => t!(
                            "address-contradiction-street",
                            text = text,
                            here = here,
                            there = there
                        ),
                        _ => t!(
                            "address-contradiction-postcode",
                            text = text,
                            here = here,
                            there = there
                        ),
                    },
                    candidates: vec![found.best.clone(), other.clone()],
                });
            }
        }
        if found.members.is_empty() {
            return Ok(found);
        }
        let mut hits = self.hits_buffer();
        let mut by_area: Vec<(Option<u32>, u32)> = Vec::new();
        for &row in &found.members {
            let area = self.coverage_area(self.addresses.row_rd(row), &mut hits);
            if !by_area.iter().any(|(a, _)| *a == area) {
                by_area.push((area, row));
            }
        }
        if by_area.len() <= 1 {
            // One area, but the place is somewhere along the street or in the postcode: as far
            // as its addresses lie from the point answered.
            let at = found.best.address.rd;
            let spread = found
                .members
                .iter()
                .map(|&r| {
                    let p = self.addresses.row_rd(r);
                    (p.x - at.x).hypot(p.y - at.y)
                })
                .fold(0.0, f64::max);
            found.spread_m = Some(found.spread_m.map_or(spread, |s| s.max(spread)));
            return Ok(found);
        }
        let names: Vec<String> = by_area
            .iter()
            .map(|(a, _)| self.coverage_name(*a))
            .collect();
        Err(Failure::Ambiguous {
            reason: t!(
                "address-spans-areas",
                text = query_text(query),
                count = names.len(),
                areas = names.join(", ")
            ),
            candidates: by_area
                .iter()
                .map(|(_, row)| self.addresses.row_candidate(*row, found.best.quality))
                .collect(),
        })
    }

    /// A street the index does not hold, with the near names it may have been mistaken for:
    /// their areas and how far apart they lie are said, so that the caller sees what a
    /// correction would have answered and that it may be the wrong place.
    fn near_streets(&self, reason: String, candidates: Vec<Candidate>) -> Failure {
        let areas = self.candidate_areas(&candidates);
        let mut list: Vec<String> = Vec::new();
        for (c, a) in candidates.iter().zip(&areas) {
            let item = t!(
                "address-near-street-in",
                street = c.address.street.as_str(),
                area = self.coverage_name(*a)
            );
            if !list.contains(&item) {
                list.push(item);
            }
        }
        let mut reason = format!(
            "{reason}; {}",
            t!("address-near-streets-in", list = list.join(" · "))
        );
        let apart = candidates
            .iter()
            .flat_map(|a| candidates.iter().map(move |b| (a, b)))
            .map(|(a, b)| (a.address.rd.x - b.address.rd.x).hypot(a.address.rd.y - b.address.rd.y))
            .fold(0.0, f64::max);
        if apart > 0.0 {
            reason.push_str(&format!(
                "; {}",
                t!("address-near-streets-apart", metres = format!("{apart:.0}"))
            ));
        }
        Failure::NotFound { reason, candidates }
    }

    /// Ambiguous candidates that all lie in one coverage area answer for it, the first
    /// standing for them and the others listed, with the reason as a note.
    fn one_area_or(&self, reason: String, candidates: Vec<Candidate>) -> Result<Found, Failure> {
        let areas = self.candidate_areas(&candidates);
        let one = areas.first().copied().flatten();
        if one.is_none() || areas.iter().any(|a| *a != one) {
            return Err(Failure::Ambiguous { reason, candidates });
        }
        let mut rest = candidates.into_iter();
        let Some(best) = rest.next() else {
            return Err(Failure::Ambiguous {
                reason,
                candidates: Vec::new(),
            });
        };
        let note = t!(
            "note-candidates-one-area",
            reason = reason,
            area = self.coverage_name(one)
        );
        Ok(Found {
            best,
            alternatives: rest.collect(),
            members: Vec::new(),
            notes: vec![note],
            ignored: None,
            spread_m: None,
        })
    }

    /// A named place with namesakes (two entrances called after a museum) is one answer only
    /// when they lie in one coverage area; and a place of a minor kind is said to be what it
    /// is, not the landmark it is named after.
    fn namesakes_apart(&self, query: &Query, mut found: Found) -> Result<Found, Failure> {
        let Some(place) = found.best.place.clone() else {
            return Ok(found);
        };
        if MINOR_KINDS.contains(&place.kind.as_str()) {
            found.notes.push(t!(
                "note-minor-kind",
                name = place.name.as_str(),
                kind = place.kind.as_str()
            ));
        }
        let namesakes: Vec<Candidate> = std::iter::once(found.best.clone())
            .chain(
                found
                    .alternatives
                    .iter()
                    .filter(|c| c.place.as_ref().is_some_and(|p| p.name == place.name))
                    .cloned(),
            )
            .collect();
        let mut areas: Vec<Option<u32>> = Vec::new();
        for a in self.candidate_areas(&namesakes) {
            if !areas.contains(&a) {
                areas.push(a);
            }
        }
        if areas.len() <= 1 {
            // Namesakes in one area (a museum's entrances): the place is any of them.
            let at = found.best.address.rd;
            let mut spread = namesakes
                .iter()
                .map(|c| (c.address.rd.x - at.x).hypot(c.address.rd.y - at.y))
                .fold(0.0, f64::max);
            // A gazetteer landmark (a park, a bridge) is as large as its extent: the place
            // meant may be anywhere in it (issue 34, part 6).
            if let Some(extent) = self.addresses.landmarks().extent_of(&place) {
                spread = spread.max(extent);
                found.notes.push(t!(
                    "note-place-extent",
                    name = place.name.as_str(),
                    kind = place.kind.as_str(),
                    metres = format!("{extent:.0}")
                ));
            }
            if spread > 0.0 {
                found.spread_m = Some(found.spread_m.map_or(spread, |s| s.max(spread)));
            }
            return Ok(found);
        }
        Err(Failure::Ambiguous {
            reason: t!(
                "address-namesakes-in-areas",
                text = query_text(query),
                count = namesakes.len(),
                areas = areas
                    .iter()
                    .map(|a| self.coverage_name(*a))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            candidates: namesakes,
        })
    }

    fn coverage_name(&self, area: Option<u32>) -> String {
        match area {
            Some(a) => self.data.layers[self.coverage].areas[a as usize]
                .name
                .clone(),
            None => t!("outside-coverage"),
        }
    }
}

fn query_text(q: &Query) -> String {
    match q {
        Query::Text(t) => t.trim().to_string(),
        Query::Parts {
            postcode,
            huisnummer,
            huisletter,
            toevoeging,
        } => {
            let mut s = format!("{postcode} {huisnummer}");
            for part in [huisletter, toevoeging].into_iter().flatten() {
                s.push(' ');
                s.push_str(part);
            }
            s
        }
        Query::Street {
            street,
            huisnummer,
            huisletter,
            toevoeging,
            woonplaats,
        } => {
            let mut s = format!("{} {}", street.trim(), huisnummer.trim());
            for part in [huisletter, toevoeging, woonplaats].into_iter().flatten() {
                if !part.trim().is_empty() {
                    s.push(' ');
                    s.push_str(part.trim());
                }
            }
            s
        }
    }
}
