//! Named places in the candidate list of an address query: a place as a candidate, and the
//! rule that ranks places against addresses (docs/dispatcher.md, "Addresses"): an address that exists wins; for a
//! street or postcode without a number, the places of that name are listed; namesakes far
//! apart are a choice for the caller.

use super::Address;
use super::AddressIndex;
use super::landmarks::{PlaceHits, PlaceMatch};
use super::search::{Candidate, Failure, Found, MAX_CANDIDATES, MatchQuality, score_of};
use crate::t;

/// Places sharing a name this close together count as one (a museum's two car-park entrances).
const SAME_PLACE_M: f64 = 250.0;

/// The street of a named place's candidate, when its source gives one.
fn street_of(c: &Candidate) -> Option<&str> {
    (c.address.street != c.place.as_ref()?.name).then_some(c.address.street.as_str())
}

impl AddressIndex {
    /// A named place as a candidate.
    pub(super) fn place_candidate(&self, i: u32, quality: MatchQuality, edits: usize) -> Candidate {
        let l = self.landmarks.get(i);
        let number = l
            .housenumber
            .as_deref()
            .map(|n| {
                n.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Candidate {
            address: Address {
                id: None,
                label: l.label(),
                street: l.street.clone().unwrap_or_else(|| l.place.name.clone()),
                number,
                huisletter: None,
                toevoeging: None,
                postcode: l.postcode.clone(),
                place: String::new(),
                rd: l.rd,
            },
            quality,
            score: score_of(quality, edits),
            place: Some(l.place.clone()),
        }
    }

    /// Addresses and named places in one candidate list (docs/dispatcher.md): an address that
    /// exists wins, and for a street or postcode without a number the places of that name are
    /// listed; otherwise the place answers. A name shared by
    /// places farther apart than [`SAME_PLACE_M`] that the text does not tell apart is
    /// ambiguous.
    pub(super) fn rank_with_places(
        &self,
        text: &str,
        address: Result<Found, Failure>,
        hits: PlaceHits,
    ) -> Result<Found, Failure> {
        let (quality, edits) = match hits.how {
            PlaceMatch::Exact | PlaceMatch::NameAndStreet => (MatchQuality::Place, 0),
            PlaceMatch::Fuzzy { edits } => (MatchQuality::FuzzyPlace, edits),
        };
        let places: Vec<Candidate> = hits
            .places
            .iter()
            .map(|&i| self.place_candidate(i, quality, edits))
            .collect();
        if let Ok(mut found) = address {
            let label = places.first().map_or("", |p| p.address.label.as_str());
            let (text, count) = (text.trim(), places.len());
            found.notes.push(if quality == MatchQuality::Place {
                t!(
                    "note-address-wins-over-place",
                    text = text,
                    place = label,
                    count = count
                )
            } else {
                t!(
                    "note-address-wins-over-similar-place",
                    text = text,
                    place = label,
                    count = count
                )
            });
            found
                .alternatives
                .extend(places.into_iter().take(MAX_CANDIDATES));
            return Ok(found);
        }
        // Namesakes close together are one place (a museum's entrances); apart, the text does
        // not say which is meant.
        let first = places[0].address.rd;
        let together = places
            .iter()
            .all(|c| (c.address.rd.x - first.x).hypot(c.address.rd.y - first.y) <= SAME_PLACE_M);
        if !together {
            return Err(Failure::Ambiguous {
                reason: match places
                    .iter()
                    .find_map(|c| Some((c.place.as_ref()?, street_of(c)?)))
                {
                    Some((p, street)) => t!(
                        "address-place-namesakes",
                        text = text.trim(),
                        count = places.len(),
                        example = format!("{} {street}", p.name)
                    ),
                    None => t!(
                        "address-place-namesakes-without-street",
                        text = text.trim(),
                        count = places.len()
                    ),
                },
                candidates: places.into_iter().take(2 * MAX_CANDIDATES).collect(),
            });
        }
        let mut places = places.into_iter();
        let Some(best) = places.next() else {
            return address;
        };
        let alternatives: Vec<Candidate> = places.collect();
        let mut notes = Vec::new();
        if !alternatives.is_empty() {
            notes.push(t!(
                "note-places-together",
                count = alternatives.len() + 1,
                metres = format!("{SAME_PLACE_M:.0}")
            ));
        }
        if quality == MatchQuality::FuzzyPlace {
            notes.push(t!(
                "note-fuzzy-place",
                text = text.trim(),
                name = best.place.as_ref().map_or("", |p| p.name.as_str()),
                edits = edits
            ));
        }
        Ok(Found {
            best,
            alternatives,
            members: Vec::new(),
            notes,
            ignored: None,
            spread_m: None,
        })
    }
}
