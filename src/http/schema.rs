//! The types the OpenAPI document describes that are not the answers themselves: the problem,
//! the parameter sets (each handler takes the names it accepts from them, [`query_names`]) and
//! the list envelopes. One floor below the handlers and the document that lists them.

use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::situations::SituationOut;

/// An RFC 9457 problem.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// `urn:wijkwijzer:problem:<kind>`, e.g. `urn:wijkwijzer:problem:swapped-coordinates`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What was wrong and how to fix it.
    pub detail: String,
    /// For refused data (`POST /admin/reload`): every problem as `file: feature: reason`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<String>>,
    /// For 429: which limit applied, `client-address` or `key`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// The problem of an address lookup that did not give one place: 300 (more than one address
/// matches) or 404 (no such address), with the candidates to choose from.
#[derive(Serialize, ToSchema)]
pub struct AddressProblem {
    /// `urn:wijkwijzer:problem:ambiguous-address` or `urn:wijkwijzer:problem:address-not-found`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Why, and where the address source is incomplete, how many addresses it holds.
    pub detail: String,
    /// For a 300, every address that matches; for a 404, the nearest ones. Best first.
    pub candidates: Vec<CandidateOut>,
    /// The address source the lookup searched.
    pub addresses: crate::address::AddressMeta,
    /// For a 300: how sure an answer could be, over the candidates' areas with their people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certainty: Option<crate::resolve::Certainty>,
}

/// A candidate of an [`AddressProblem`]: the address with its position for a map and, for a
/// 300, its area.
#[derive(Serialize, ToSchema)]
pub struct CandidateOut {
    #[serde(flatten)]
    pub candidate: crate::address::Candidate,
    /// The position in WGS84, to 7 decimals.
    pub wgs84: Wgs84Out,
    /// For a 300: the coverage area the candidate lies in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<crate::resolve::AreaRef>,
}

/// A position in WGS84 degrees.
#[derive(Serialize, ToSchema)]
pub struct Wgs84Out {
    pub lat: f64,
    pub lon: f64,
}

/// The place to look up: `q`, or `lat` and `lon`, or `x` and `y` (with `crs`). The one
/// declaration of `GET /v1/lookup`'s parameters: the handler accepts exactly these names.
#[derive(IntoParams, serde::Deserialize, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    /// A place in any notation: `50.8514, 5.6910`, `50°51'05"N 5°41'28"E`, `176395 317996`,
    /// a Google Maps or OpenStreetMap link, `geo:50.8514,5.6910`.
    pub q: Option<String>,
    /// WGS84 latitude in degrees (with `lon`).
    pub lat: Option<String>,
    /// WGS84 longitude in degrees (with `lat`).
    pub lon: Option<String>,
    /// Easting in `crs` (with `y`).
    pub x: Option<String>,
    /// Northing in `crs` (with `x`).
    pub y: Option<String>,
    /// CRS of `x`/`y`: `EPSG:28992` (default), `EPSG:3857`, `EPSG:4326`.
    pub crs: Option<String>,
    /// A situation id from `/v1/situations`: adds who handles it at this place.
    pub situation: Option<String>,
    /// A Dutch address as people write it: `Brusselsepoort 45`, `6216CG 45`, `St. Pieterstraat 7` with the woonplaats.
    pub address: Option<String>,
    /// Postcode (with `huisnummer`): `6216CG` or `6216 cg`.
    pub postcode: Option<String>,
    /// House number (with `postcode`), 1 to 99999.
    pub huisnummer: Option<String>,
    /// One letter (BAG huisletter).
    pub huisletter: Option<String>,
    /// Up to 4 letters or digits (BAG huisnummertoevoeging).
    pub toevoeging: Option<String>,
    /// The answer's members to return, comma-separated (e.g. `lwa,buurt` or `lwa,contacts`);
    /// default: the whole answer. An unknown member is a 400 naming the valid ones.
    pub fields: Option<String>,
    /// The day to answer for, `YYYY-MM-DD` (default: today): the areas as they were drawn
    /// then and the roster of that day. Before the data's first day: a 400.
    pub as_of: Option<String>,
    /// The moment a situation's report route is chosen for, RFC 3339 (e.g.
    /// `2026-12-05T23:00:00+01:00`; default: now): office hours or not, in Europe/Amsterdam.
    pub at: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// The text typed so far: a street prefix (`brusselsep`, `st pieters 1`) or a postcode prefix (`6216`, `6216CG 4`).
    pub q: String,
    /// At most this many suggestions, 1 to 50 (default 10).
    pub limit: Option<String>,
}

/// `GET /v1/addresses/suggest`.
#[derive(Serialize, ToSchema)]
pub struct SuggestList {
    pub query: String,
    pub suggestions: Vec<crate::address::suggest::Suggestion>,
    pub addresses: crate::address::AddressMeta,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreasParams {
    /// A layer id as `/ogc/collections` lists them (default: the coverage layer, e.g. `wijk`
    /// or `buurt`).
    pub layer: Option<String>,
    /// The day to answer for, `YYYY-MM-DD` (default: today): the areas as they were drawn
    /// then and the roster of that day. Before the data's first day: a 400.
    pub as_of: Option<String>,
}

/// The parameters of `/v1/areas/{id}`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreaParams {
    /// The day to answer for, `YYYY-MM-DD` (default: today): the areas as they were drawn
    /// then and the roster of that day. Before the data's first day: a 400.
    pub as_of: Option<String>,
}

/// `f`, the encoding: JSON is the only one.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OgcParams {
    /// `json` (the only encoding; may be left out).
    pub f: Option<String>,
}

/// The parameters of `/ogc/collections/{collectionId}/items`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OgcItemsParams {
    /// Features per page, 1 to 1000 (default 10; more is served as 1000).
    pub limit: Option<String>,
    /// Features to skip; the `next` and `prev` links carry it.
    pub offset: Option<String>,
    /// Only features intersecting this box: `minx,miny,maxx,maxy` in `bbox-crs`
    /// (CRS84: `west,south,east,north`).
    pub bbox: Option<String>,
    /// The CRS of `bbox`: CRS84 (default) or `http://www.opengis.net/def/crs/EPSG/0/28992`.
    #[param(rename = "bbox-crs")]
    pub bbox_crs: Option<String>,
    /// The CRS of the geometries: CRS84 (default) or `http://www.opengis.net/def/crs/EPSG/0/28992`.
    pub crs: Option<String>,
    /// `json` (the only encoding; may be left out).
    pub f: Option<String>,
    /// The day to answer for, `YYYY-MM-DD` (default: today): the areas as they were drawn
    /// then and the roster of that day. Before the data's first day: a 400.
    pub as_of: Option<String>,
}

/// The parameters of one feature.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OgcItemParams {
    /// The CRS of the geometry: CRS84 (default) or `http://www.opengis.net/def/crs/EPSG/0/28992`.
    pub crs: Option<String>,
    /// `json` (the only encoding; may be left out).
    pub f: Option<String>,
    /// The day to answer for, `YYYY-MM-DD` (default: today): the areas as they were drawn
    /// then and the roster of that day. Before the data's first day: a 400.
    pub as_of: Option<String>,
}

/// `GET /v1/situations`.
#[derive(Serialize, ToSchema)]
pub struct SituationList {
    pub situations: Vec<SituationOut>,
    pub source: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// The names of a parameter set, as declared (leaked once per set: a handful of short names
/// for the life of the process, kept in a `LazyLock` by each caller).
pub fn query_names<P: IntoParams>() -> Vec<&'static str> {
    P::into_params(|| None)
        .into_iter()
        .map(|p| &*Box::leak(p.name.into_boxed_str()))
        .collect()
}
