//! The OpenAPI 3.1 description served at `/openapi.json`.
//!
//! Schemas are derived (utoipa) from the very types the handlers serialise (`Answer`,
//! `Contact`, `Handling`, ...), so they cannot drift from the responses. The operations are
//! declared here, one function per route, next to the responses every route can give: the
//! problem types of `problem.rs` and the limits of `mod.rs` (401, 414, 429, 503).

#![allow(dead_code)] // The functions below exist only to carry `#[utoipa::path]`.

use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::resolve::Answer;
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

/// The place to look up: `q`, or `lat` and `lon`, or `x` and `y` (with `crs`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupParams {
    /// A place in any notation: `50.8514, 5.6910`, `50°51'05"N 5°41'28"E`, `176395 317996`,
    /// a Google Maps or OpenStreetMap link, `geo:50.8514,5.6910`.
    q: Option<String>,
    /// WGS84 latitude in degrees (with `lon`).
    lat: Option<String>,
    /// WGS84 longitude in degrees (with `lat`).
    lon: Option<String>,
    /// Easting in `crs` (with `y`).
    x: Option<String>,
    /// Northing in `crs` (with `x`).
    y: Option<String>,
    /// CRS of `x`/`y`: `EPSG:28992` (default), `EPSG:3857`, `EPSG:4326`.
    crs: Option<String>,
    /// A situation id from `/v1/situations`: adds who handles it at this place.
    situation: Option<String>,
    /// A Dutch address as people write it: `Brusselsepoort 45`, `6211CK 78`, `St. Pieterstraat 7 Maastricht`.
    address: Option<String>,
    /// Postcode (with `huisnummer`): `6216CG` or `6216 cg`.
    postcode: Option<String>,
    /// House number (with `postcode`), 1 to 99999.
    huisnummer: Option<String>,
    /// One letter (BAG huisletter).
    huisletter: Option<String>,
    /// Up to 4 letters or digits (BAG huisnummertoevoeging).
    toevoeging: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// The text typed so far: a street prefix (`brusselsep`, `st pieters 1`) or a postcode prefix (`6216`, `6216CG 4`).
    q: String,
    /// At most this many suggestions, 1 to 50 (default 10).
    limit: Option<String>,
}

/// `GET /v1/addresses/suggest`.
#[derive(Serialize, ToSchema)]
pub struct SuggestList {
    pub query: String,
    pub suggestions: Vec<crate::address::search::Suggestion>,
    pub addresses: crate::address::AddressMeta,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreasParams {
    /// `lwa` (default), `wijk`, `buurt` or `stadsdeel`.
    layer: Option<String>,
}

/// `GET /v1/situations`.
#[derive(Serialize, ToSchema)]
pub struct SituationList {
    pub situations: Vec<SituationOut>,
    pub source: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

#[utoipa::path(get, path = "/v1/lookup", tag = "lookup",
    summary = "The areas of a place and who is responsible there",
    params(LookupParams),
    responses(
        (status = 200, description = "The place is covered", body = Answer),
        (status = 300, description = "Ambiguous address: a problem with `candidates`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Outside coverage: the same body, `position: outside`, with the nearest area; or an address that does not exist: a problem with the nearest `candidates`",
            content((Answer = "application/json"), (Problem = "application/problem+json"))),
        (status = 400, description = "Unreadable or implausible input", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Invalid API key", body = Problem, content_type = "application/problem+json"),
        (status = 414, description = "Query string too long", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Overloaded or timed out; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("api_key" = [])))]
fn lookup() {}

#[utoipa::path(get, path = "/v1/addresses/suggest", tag = "lookup",
    summary = "Autocomplete addresses on street and postcode prefixes",
    params(SuggestParams),
    responses(
        (status = 200, body = SuggestList),
        (status = 400, description = "Missing q or bad limit", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 414, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
fn suggest() {}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClassifyParams {
    /// Name of the latitude column (default: detected: lat, latitude, breedtegraad, ...).
    lat: Option<String>,
    /// Name of the longitude column.
    lon: Option<String>,
    /// Name of the x column (with `y`, in `crs`).
    x: Option<String>,
    /// Name of the y column.
    y: Option<String>,
    /// CRS of x/y columns or of GeoJSON coordinates: `EPSG:28992`, `EPSG:3857`, `EPSG:4326`.
    crs: Option<String>,
    /// Name of the postcode column (with `huisnummer`).
    postcode: Option<String>,
    huisnummer: Option<String>,
    huisletter: Option<String>,
    toevoeging: Option<String>,
    /// Name of a free-text address column.
    address: Option<String>,
}

#[utoipa::path(post, path = "/v1/classify", tag = "lookup",
    summary = "Classify a whole file: every row back with its area and responsible officers",
    params(ClassifyParams),
    request_body(description = "CSV (`,` `;` or tab; UTF-8 or Windows-1252) or GeoJSON (a FeatureCollection, or one Feature per line); at most 64 MiB",
        content((String = "text/csv"), (String = "text/tab-separated-values"), (Object = "application/geo+json"), (String = "application/x-ndjson"))),
    responses(
        (status = 200, description = "The same rows or features, in order, with the columns lwa, lwa_name, wijk, buurt, position, thor_senior, police_coordinator, status, message added; the summary is in the `X-Classify-Summary` header",
            content((String = "text/csv"), (String = "text/tab-separated-values"), (Object = "application/geo+json"), (String = "application/x-ndjson"))),
        (status = 400, description = "Unknown parameter or CRS", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than the limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not CSV or GeoJSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No columns hold a place, or not GeoJSON", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
fn classify() {}

#[utoipa::path(get, path = "/v1/situations", tag = "meldkaart",
    summary = "The meldkaart: situations, who handles them, how to report them",
    responses(
        (status = 200, body = SituationList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
fn situations() {}

#[utoipa::path(get, path = "/v1/areas", tag = "areas",
    summary = "A layer as an RFC 7946 FeatureCollection (WGS84) with properties and contacts",
    params(AreasParams),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection", body = Object, content_type = "application/geo+json"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Unknown layer or parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 414, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
fn areas() {}

#[utoipa::path(get, path = "/v1/areas/{id}", tag = "areas",
    summary = "One area as an RFC 7946 Feature",
    params(("id" = String, Path, description = "Area id, e.g. lwa-noord-oost, WK093500, BU09350000")),
    responses(
        (status = 200, description = "GeoJSON Feature", body = Object, content_type = "application/geo+json"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
fn area() {}

#[utoipa::path(get, path = "/v1/layers", tag = "areas", summary = "The layers and their areas",
    responses((status = 200, body = Object), (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 429, body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
fn layers() {}

#[utoipa::path(get, path = "/healthz", tag = "service", summary = "Health and data version",
    responses((status = 200, body = Object), (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 429, body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
fn healthz() {}

#[utoipa::path(get, path = "/metrics", tag = "service", summary = "Prometheus metrics",
    responses((status = 200, body = String, content_type = "text/plain"), (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 429, body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
fn metrics() {}

#[utoipa::path(post, path = "/admin/reload", tag = "service",
    summary = "Validate the data source again and swap it in atomically (admin key)",
    responses(
        (status = 200, description = "Reloaded: previous and new version", body = Object),
        (status = 401, description = "No key, or a key that is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A valid key without the admin scope", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Request body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "New data refused; the old keeps serving", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
fn admin_reload() {}

struct ApiKeyScheme;

impl utoipa::Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key from `wijkwijzer keygen`: shows internal contact channels; admin keys may reload"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wijkwijzer",
        description = "Which Maastricht area a place is in, and who is responsible there (THOR, politie, partners).",
    ),
    paths(lookup, suggest, classify, situations, areas, area, layers, healthz, metrics, admin_reload),
    components(schemas(Answer, Problem, SituationList, SuggestList)),
    modifiers(&ApiKeyScheme),
)]
pub struct ApiDoc;

/// The document as JSON.
pub fn document() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".into())
}
