//! What an answer is made of, as every door serialises it: the areas, the point, the nearest
//! area, the data block and the address match, and [`Rendered`] values whose JSON is written
//! once.

use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::address::{self, AddressMeta, Candidate, MatchQuality};
use crate::crs::{Rd, Wgs84, transformer};
use crate::index::Position;
use crate::roster::Contact;
use crate::situations::Handling;

/// A shared value with its JSON written once. Most of an answer's bytes are its contacts and
/// its `data` block, and the same few lists and one block serve every lookup: an answer holds
/// two pointers and its serialisation copies bytes.
#[derive(Debug)]
pub struct Rendered<T> {
    value: Arc<T>,
    json: Arc<serde_json::value::RawValue>,
}

impl<T: Serialize> Rendered<T> {
    pub(super) fn new(value: T) -> Rendered<T> {
        // Serialising plain data (strings, numbers, lists) cannot fail; `null` would say so.
        let json = serde_json::value::to_raw_value(&value)
            .map(Arc::from)
            .unwrap_or_else(|_| {
                Arc::from(
                    serde_json::value::RawValue::from_string("null".into()).expect("valid JSON"),
                )
            });
        Rendered {
            value: Arc::new(value),
            json,
        }
    }
}

impl<T> Clone for Rendered<T> {
    fn clone(&self) -> Self {
        Rendered {
            value: self.value.clone(),
            json: self.json.clone(),
        }
    }
}

impl<T> std::ops::Deref for Rendered<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Rendered<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Serialize for Rendered<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

/// A contact list as answers carry it.
pub type Contacts = Rendered<Vec<Contact>>;

/// An area as answers name it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AreaRef {
    pub id: String,
    pub name: String,
}

/// A CBS area (wijk, buurt) as answers name it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CodeRef {
    pub code: String,
    pub name: String,
}

/// The area of one layer that a point belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LayerHit {
    pub layer: String,
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub position: Position,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PointOut {
    pub wgs84: Wgs84,
    pub rd: Rd,
}

impl PointOut {
    /// A point as every answer states it: WGS84 to 7 decimals (1 cm), RD to the millimetre.
    pub fn of(p: Rd) -> PointOut {
        PointOut::with_wgs84(p, transformer().rd_to_wgs84(p))
    }

    /// The same, for a point whose WGS84 position is known already.
    pub fn with_wgs84(p: Rd, wgs84: Wgs84) -> PointOut {
        PointOut {
            wgs84: Wgs84 {
                lat: round_to(wgs84.lat, 7),
                lon: round_to(wgs84.lon, 7),
            },
            rd: Rd {
                x: round_to(p.x, 3),
                y: round_to(p.y, 3),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NearestOut {
    pub lwa: AreaRef,
    pub distance_m: f64,
}

/// Where the data comes from; part of every answer.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DataMeta {
    /// The day the answer is for (`as_of`, default today): which generation of the areas and
    /// which roster entries hold.
    #[schema(value_type = String, format = Date)]
    pub as_of: Date,
    /// First day the areas answered with hold (`null`: since always).
    #[schema(value_type = Option<String>, format = Date, required = true)]
    pub valid_from: Option<Date>,
    /// Last day they hold (`null`: until the data says otherwise).
    #[schema(value_type = Option<String>, format = Date, required = true)]
    pub valid_until: Option<Date>,
    /// How far outside the covered area a place is still answered with the nearest area
    /// (position `near`): the boundaries' generalisation error; 0 for full resolution.
    pub near_tolerance_m: f64,
    /// How far the coverage boundaries may lie from where they are on the ground (declared in
    /// the manifest, or 25 m for generalised and 1 m for full-resolution boundaries): part of
    /// every answer's `certainty.radius_m`.
    pub boundary_accuracy_m: f64,
    pub version: String,
    pub source: String,
    pub year: u16,
    pub generalized: bool,
    pub attribution: String,
    pub licence: String,
    pub coverage: String,
    /// The address index: how many addresses, from which source, how to load the full BAG.
    #[schema(value_type = AddressMeta)]
    pub addresses: Arc<AddressMeta>,
}

/// The answer for one place.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Answer {
    /// `inside`, `boundary` (exactly on a boundary of one of the returned areas), `near` (just
    /// outside the covered area, within `data.near_tolerance_m`: answered with the nearest
    /// area) or `outside`.
    pub position: Position,
    pub point: PointOut,
    /// Always present; `null` outside coverage.
    #[schema(required = true)]
    pub lwa: Option<AreaRef>,
    /// Always present; `null` outside coverage.
    #[schema(required = true)]
    pub wijk: Option<CodeRef>,
    /// Always present; `null` outside coverage.
    #[schema(required = true)]
    pub buurt: Option<CodeRef>,
    /// Every layer's area, including schemes beyond lwa/wijk/buurt (e.g. the 2022 stadsdelen).
    pub areas: Vec<LayerHit>,
    #[schema(value_type = Vec<Contact>)]
    pub contacts: Contacts,
    /// The municipality's overlays (an event terrain, a park) the place lies in on the day
    /// asked, or may lie in: their contacts come first in `contacts`. Absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<super::OverlayRef>,
    /// Always present; set outside coverage only: the nearest coverage area and the distance
    /// to its boundary, `null` inside.
    #[schema(required = true)]
    pub nearest: Option<NearestOut>,
    pub message: String,
    /// For free-text queries: how the text was read (notation, swapped or not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub understood: Option<crate::query::Understood>,
    /// How sure the answer is of its coverage area: the place's uncertainty as a disc, the
    /// areas that disc touches with their shares, and why.
    pub certainty: super::Certainty,
    /// When the answer is not `certain`: the other coverage areas the place may lie in (the
    /// areas of `certainty` beside the one answered).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_possible: Vec<AreaRef>,
    /// With `situation=`: who handles it here and how to report it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub situation: Option<Handling>,
    /// For address queries: the address matched, how sure the match is, and the alternatives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressMatch>,
    /// When the text named a place (a museum, a shop, a school): which one, of what kind, from
    /// which source. `address` then holds its position and its own address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<crate::address::landmarks::PlaceRef>,
    #[schema(value_type = DataMeta)]
    pub data: Rendered<DataMeta>,
}

/// The address an address query was matched to.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AddressMatch {
    pub query: String,
    pub matched: address::Address,
    /// `exact`, `huisletter_ignored`, `toevoeging_ignored`, `number_range`, `fuzzy_street`,
    /// `postcode_ignored`, `street_ignored`, `street_only`, `postcode_only`, `postcode_area`,
    /// `place`, `fuzzy_place`: only `exact` means
    /// every part given was found as given.
    pub quality: MatchQuality,
    pub score: f64,
    /// The next candidates, best first.
    pub alternatives: Vec<Candidate>,
    /// How the text was read where words were left out ("'bij' read as near: …").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}
