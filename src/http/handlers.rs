//! The route handlers. Each works on the request's data snapshot ([`Served`]) and caller.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{Value, json};

use super::params::{as_of, as_of_error, day, params, parse_at, typed};
use super::problem::Kind;
use std::sync::LazyLock;

use super::problem::ApiError;
use super::schema::{
    AddressProblem, AreaParams, AreasParams, CandidateOut, LookupParams, Problem, SituationList,
    SuggestList, SuggestParams, Wgs84Out, query_names,
};
use super::state::{AppState, Served, audience_index};
use crate::resolve::Answer;

use crate::address::Failure;
use crate::auth::Caller;
use crate::index::Position;
use crate::query::{self, QueryError};
use crate::resolve::AddressLookupError;
use crate::t;

/// The public routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(page))
        .route("/assets/app.js", get(app_js))
        .route("/assets/style.css", get(style_css))
        .route(crate::sheet::html::CSS_PATH, get(sheet_css))
        .route("/sheet", get(sheet))
        .route("/sheet/{area}", get(sheet_area))
        .route("/v1/config", get(config))
        .route("/healthz", get(healthz))
        .route("/v1/lookup", get(lookup))
        .route("/v1/addresses/suggest", get(suggest))
        .route(
            "/v1/classify",
            axum::routing::post(super::classify::classify),
        )
        .route("/v1/situations", get(situations))
        .route("/v1/layers", get(layers))
        .route("/v1/areas", get(areas))
        .route("/v1/areas/{id}", get(area))
        .route("/v1/overlays", get(overlays))
}

pub async fn not_found() -> ApiError {
    ApiError::new(Kind::NotFound, t!("http-not-found"))
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(Kind::MethodNotAllowed, t!("http-method-not-allowed"))
}

const PAGE: &str = include_str!("web/index.html");
const APP_JS: &str = include_str!("web/app.js");
const STYLE_CSS: &str = include_str!("web/style.css");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// The page for dispatchers and professionals; everything it needs comes from this server.
/// It names the municipality of the data it serves.
async fn page(Extension(served): Extension<Arc<Served>>) -> Response {
    let name = &served.resolver.data().municipality.name;
    let body = PAGE.replace("{{municipality}}", &html_escape(name));
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

use crate::render::html_escape;

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn style_css() -> Response {
    asset("text/css; charset=utf-8", STYLE_CSS)
}

async fn sheet_css() -> Response {
    asset("text/css; charset=utf-8", crate::sheet::html::CSS)
}

/// The printable overview of every area (see [`crate::sheet`]): names and internal channels
/// only for an internal key, as everywhere.
async fn sheet(
    Extension(s): Extension<Arc<Served>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    sheet_page(&s, caller, raw, None)
}

/// The printable overview of one area.
async fn sheet_area(
    Extension(s): Extension<Arc<Served>>,
    Extension(caller): Extension<Caller>,
    Path(area): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    sheet_page(&s, caller, raw, Some(&area))
}

fn sheet_page(
    s: &Served,
    caller: Caller,
    raw: Option<String>,
    area: Option<&str>,
) -> Result<Response, ApiError> {
    let mut p = params(raw, &["as_of", "lang"])?;
    let on = as_of(&mut p, &s.resolver)?;
    let lang = match p.get("lang").map(String::as_str) {
        None | Some("nl") => crate::text::Lang::Nl,
        Some("en") => crate::text::Lang::En,
        Some(other) => {
            return Err(ApiError::new(
                Kind::BadParameter,
                t!("sheet-bad-lang", lang = other),
            ));
        }
    };
    let sheet = crate::sheet::Sheet::build(on, caller.audience, lang, area)
        .map_err(|e| ApiError::new(Kind::UnknownArea, e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        crate::sheet::html::render(&sheet),
    )
        .into_response())
}

async fn config(
    State(s): State<Arc<AppState>>,
    Extension(served): Extension<Arc<Served>>,
) -> Json<Value> {
    let tiles = &s.config.tiles;
    let addresses = served.resolver.address_meta();
    let data = served.resolver.data();
    // What the search box shows: examples from the served data (see `address::Examples`).
    let examples = crate::address::Examples::of(served.resolver.addresses());
    let near = &data.locality;
    Json(json!({
        "examples": {
            "address": examples.address,
            "postcode": examples.postcode,
            "point": format!("{:.4}, {:.4}", near.lat, near.lon),
        },
        "placeholder": examples.placeholder(near.lat, near.lon),
        "addresses_attribution": format!("Adressen: {} ({})", addresses.source.attribution, addresses.source.licence),
        "tiles_attribution": tiles.as_ref().map(|_| "achtergrondkaart: zie de aanbieder van de tegels"),
        "first_day": served.resolver.first_day(),
        "municipality": data.municipality.name,
        "coverage_layer": data.manifest.coverage_layer,
        "base_layer": data.manifest.base_layer,
        "area_word": data.municipality.area_word,
    }))
}

#[utoipa::path(get, path = "/healthz", tag = "service", summary = "Health and data version",
    responses((status = 200, body = Object)))]
pub(super) async fn healthz(
    State(app): State<Arc<AppState>>,
    Extension(s): Extension<Arc<Served>>,
    Extension(caller): Extension<Caller>,
) -> Json<Value> {
    let d = s.resolver.data();
    let gaps = d.roster_gaps(crate::roster::today());
    let refused = app.last_reload_refused(caller.admin);
    // Shown to anonymous callers too: while it is suspended no admin key can authenticate, so
    // the anonymous answer is the one the admin gets. It says no more than the 503 a key gets.
    let keys_suspended = app.keyed_access_suspended();
    // Where the data lies on disk is for administrators; anyone may know its kind.
    let origin = match (&app.source, caller.admin) {
        (_, true) => d.origin.clone(),
        (crate::http::DataSource::Embedded, false) => "embedded".to_string(),
        (crate::http::DataSource::Dir(_), false) => "directory".to_string(),
    };
    Json(json!({
        "status": if gaps.is_empty() && refused.is_none() && !keys_suspended { "ok" } else { "degraded" },
        "keyed_access": if keys_suspended { "suspended" } else { "ok" },
        "roster_gaps": gaps,
        "last_reload_refused": refused,
        "data_version": s.version(),
        "data_origin": origin,
        "layers": d.layers.iter().map(|l| json!({"id": l.info.id, "areas": l.areas.len()})).collect::<Vec<_>>(),
    }))
}

#[utoipa::path(get, path = "/v1/lookup", tag = "lookup",
    summary = "The areas of a place and who is responsible there",
    params(LookupParams),
    responses(
        (status = 200, description = "The place is covered", body = Answer),
        (status = 300, description = "Ambiguous address: a problem with `candidates`", body = AddressProblem, content_type = "application/problem+json"),
        (status = 404, description = "Outside coverage: the same body, `position: outside`, with the nearest area; or an address that does not exist: a problem with the nearest `candidates`",
            content((Answer = "application/json"), (AddressProblem = "application/problem+json"))),
        (status = 400, description = "Unreadable or implausible input", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Invalid API key", body = Problem, content_type = "application/problem+json"),
        (status = 414, description = "Query string too long", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Overloaded or timed out; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("api_key" = [])))]
pub(super) async fn lookup(
    State(app): State<Arc<AppState>>,
    Extension(s): Extension<Arc<Served>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(query_names::<LookupParams>);
    let p: LookupParams = typed(&params(raw, &NAMES)?)?;
    let fields = p.fields.as_deref().map(answer_fields).transpose()?;
    // One moment: `at` sets the day too; an `as_of` of another day is refused.
    let at = p.at.as_deref().map(parse_at).transpose()?;
    let as_of = day(p.as_of.as_deref(), &s.resolver)?;
    let on = s
        .resolver
        .moment(as_of, at)
        .map_err(|e| as_of_error(&e, &s.resolver))?;
    // The place is decided once, from whichever parameters were given; one call answers it.
    let place = p.place(&on.data().locality)?;
    let situation = p.situation;
    // Only what `fields=` asks for is computed.
    let parts = fields.as_deref().map_or(
        crate::resolve::Parts::ALL,
        crate::resolve::Parts::for_members,
    );
    let answer = on
        .asking(parts)
        .lookup(place, situation.as_deref(), caller.audience)
        .map_err(|e| address_error(e, &s, on, caller.audience))?;
    Ok(lookup_response(&app, &s, answer, fields.as_deref()))
}

fn unknown_situation(e: &crate::situations::UnknownSituation) -> ApiError {
    ApiError::new(Kind::UnknownSituation, e.to_string())
}

fn lookup_response(
    app: &AppState,
    served: &Served,
    answer: crate::resolve::Answer,
    fields: Option<&[String]>,
) -> Response {
    let coverage = &served.resolver.data().manifest.coverage_layer;
    app.metrics.count_lookup(
        answer
            .areas
            .iter()
            .find(|h| &h.layer == coverage && answer.position != Position::Outside)
            .map(|h| h.id.as_str()),
    );
    let status = if answer.position == Position::Outside {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    match fields {
        None => (status, Json(answer)).into_response(),
        Some(fields) => (
            status,
            Json(super::only::Only {
                value: &answer,
                members: fields,
            }),
        )
            .into_response(),
    }
}

/// The members `fields=` asks for, each one of the answer's (from its schema, so the list
/// cannot drift from the struct).
fn answer_fields(spec: &str) -> Result<Vec<String>, ApiError> {
    use utoipa::PartialSchema;
    use utoipa::openapi::{RefOr, Schema};
    static MEMBERS: LazyLock<Vec<String>> = LazyLock::new(|| match Answer::schema() {
        RefOr::T(Schema::Object(o)) => o.properties.keys().cloned().collect(),
        _ => Vec::new(),
    });
    let mut out = Vec::new();
    for f in spec.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if !MEMBERS.iter().any(|m| m == f) {
            let near = query::closest_name(f, MEMBERS.iter().map(String::as_str))
                .map(|m| format!("{} ", t!("did-you-mean", name = m)))
                .unwrap_or_default();
            return Err(ApiError::new(
                Kind::BadParameter,
                t!(
                    "http-fields-unknown",
                    field = f,
                    near = near,
                    members = MEMBERS.join(", ")
                ),
            ));
        }
        out.push(f.to_string());
    }
    if out.is_empty() {
        return Err(ApiError::new(
            Kind::BadParameter,
            t!("http-fields-empty", members = MEMBERS.join(", ")),
        ));
    }
    Ok(out)
}

/// Not found: 404 with the nearest candidates; ambiguous: 300 with every candidate; unreadable:
/// 400. All RFC 9457 problems that carry the address source, so an empty answer is never silent.
fn address_error(
    e: AddressLookupError,
    s: &Served,
    on: crate::resolve::On<'_>,
    audience: crate::roster::Audience,
) -> ApiError {
    let failure = match e {
        AddressLookupError::Situation(e) => return unknown_situation(&e),
        AddressLookupError::Address(f) => f,
    };
    let kind = match &failure {
        Failure::Unreadable(_) => Kind::UnreadableAddress,
        Failure::NotFound { .. } => Kind::AddressNotFound,
        Failure::Ambiguous { .. } => Kind::AmbiguousAddress,
    };
    let meta = s.resolver.address_meta();
    let mut detail = failure.reason().to_string();
    if !meta.source.complete && !matches!(failure, Failure::Unreadable(_)) {
        detail.push_str(&format!(
            " ({})",
            t!(
                "http-incomplete-addresses",
                count = meta.count,
                source = &meta.source.name
            )
        ));
    }
    // Each candidate with its position in WGS84 (for a map) and, for a 300, its area.
    let (certainty, areas) = match &failure {
        Failure::Ambiguous { candidates, .. } if !candidates.is_empty() => {
            let (c, areas) = on.candidates_certainty(candidates, audience);
            (Some(c), areas)
        }
        _ => (None, Vec::new()),
    };
    let candidates: Vec<CandidateOut> = failure
        .candidates()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let w = crate::crs::transformer().rd_to_wgs84(c.address.rd);
            CandidateOut {
                candidate: c.clone(),
                wgs84: Wgs84Out {
                    lat: (w.lat * 1e7).round() / 1e7,
                    lon: (w.lon * 1e7).round() / 1e7,
                },
                area: areas.get(i).cloned().flatten(),
            }
        })
        .collect();
    let error = ApiError::new(kind, detail)
        .with("candidates", json!(candidates))
        .with("addresses", json!(meta));
    // A 300 says, like every answer, how sure it is: the candidates' areas and their people.
    match certainty {
        Some(c) => error.with("certainty", json!(c)),
        None => error,
    }
}

#[utoipa::path(get, path = "/v1/addresses/suggest", tag = "lookup",
    summary = "Autocomplete addresses on street and postcode prefixes",
    params(SuggestParams),
    responses(
        (status = 200, body = SuggestList),
        (status = 400, description = "Missing q or bad limit", body = Problem, content_type = "application/problem+json"),
        (status = 414, body = Problem, content_type = "application/problem+json"),
    ))]
pub(super) async fn suggest(
    Extension(s): Extension<Arc<Served>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(query_names::<SuggestParams>);
    let p = params(raw, &NAMES)?;
    let q = p.get("q").ok_or_else(|| {
        ApiError::from(QueryError::Missing {
            param: "q",
            hint: t!("http-suggest-q-missing"),
        })
    })?;
    let limit = match p.get("limit") {
        None => 10,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=50).contains(n))
            .ok_or_else(|| {
                ApiError::new(
                    Kind::BadLimit,
                    t!("http-suggest-limit", value = l, max = 50),
                )
            })?,
    };
    let index = s.resolver.addresses();
    Ok(Json(json!({
        "query": q,
        "suggestions": index.suggest(q, limit),
        "addresses": s.resolver.address_meta(),
    })))
}

#[utoipa::path(get, path = "/v1/situations", tag = "meldkaart",
    summary = "The meldkaart: situations, who handles them, how to report them",
    responses(
        (status = 200, body = SituationList),
    ))]
pub(super) async fn situations(Extension(s): Extension<Arc<Served>>) -> Json<Value> {
    let d = s.resolver.data();
    Json(json!({
        "situations": d.situations.list(),
        "source": d.situations.meta.source,
        "data": s.resolver.today().meta(),
    }))
}

#[utoipa::path(get, path = "/v1/layers", tag = "areas", summary = "The layers and their areas",
    responses((status = 200, body = Object)))]
pub(super) async fn layers(Extension(s): Extension<Arc<Served>>) -> Json<Value> {
    let d = s.resolver.data();
    Json(json!({
        "coverage_layer": d.manifest.coverage_layer,
        "base_layer": d.manifest.base_layer,
        "layers": d.layers.iter().map(|l| json!({
            "id": l.info.id,
            "title": l.info.title,
            "description": l.info.description,
            "areas": l.areas.iter().map(|a| json!({"id": a.id, "name": a.name, "code": a.code})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "data": s.resolver.today().meta(),
    }))
}

fn geojson_response(headers: &HeaderMap, etag: String, body: &str) -> Response {
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag_value)
            .body(Body::empty())
            .unwrap_or_default();
    }
    Response::builder()
        .header(header::CONTENT_TYPE, "application/geo+json")
        .header(header::ETAG, etag_value)
        .header(header::CACHE_CONTROL, "public, max-age=300")
        // Callers with a key see internal channels: caches must keep the two apart.
        .header(header::VARY, "Authorization")
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

#[utoipa::path(get, path = "/v1/areas", tag = "areas",
    summary = "A layer as an RFC 7946 FeatureCollection (WGS84) with properties and contacts",
    params(AreasParams),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection", body = Object, content_type = "application/geo+json"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Unknown layer or parameter", body = Problem, content_type = "application/problem+json"),
        (status = 414, body = Problem, content_type = "application/problem+json"),
    ))]
pub(super) async fn areas(
    Extension(s): Extension<Arc<Served>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(query_names::<AreasParams>);
    let mut p = params(raw, &NAMES)?;
    let on = as_of(&mut p, &s.resolver)?;
    let d = on.data();
    let layer = p
        .get("layer")
        .cloned()
        .unwrap_or_else(|| d.manifest.coverage_layer.clone());
    let k = audience_index(caller.audience);
    let Some(body) = s.layer_collection(on, &layer, caller.audience) else {
        let known: Vec<&str> = d.layers.iter().map(|l| l.info.id.as_str()).collect();
        return Err(ApiError::new(
            Kind::UnknownLayer,
            t!(
                "http-unknown-layer",
                layer = layer,
                known = known.join(", ")
            ),
        ));
    };
    Ok(geojson_response(
        &headers,
        format!("\"{}-{layer}-{k}-{}\"", s.version(), on.day()),
        &body,
    ))
}

#[utoipa::path(get, path = "/v1/overlays", tag = "areas",
    summary = "The municipality's overlays of a day as RFC 7946 GeoJSON",
    description = "Polygons the municipality drew where responsibility does not follow the areas (an event terrain, a park), as they hold on `as_of` (default today), each with `id`, `name`, `valid_from`, `valid_until`, `source` and the `contacts` assigned to it. An empty FeatureCollection when the data has none.",
    params(AreaParams),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection", body = Object, content_type = "application/geo+json"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Unknown parameter, or an as_of that is not a date the data covers", body = Problem, content_type = "application/problem+json"),
    ))]
pub(super) async fn overlays(
    Extension(s): Extension<Arc<Served>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(query_names::<AreaParams>);
    let mut p = params(raw, &NAMES)?;
    let on = as_of(&mut p, &s.resolver)?;
    let features: Vec<Value> = on
        .data()
        .overlays
        .iter()
        .enumerate()
        .filter(|(_, o)| o.holds_on(on.day()))
        .map(|(i, o)| {
            json!({
                "type": "Feature",
                "id": o.area.id,
                "geometry": super::area_json::wgs84_geometry(&o.area),
                "properties": {
                    "id": o.area.id,
                    "name": o.area.name,
                    "valid_from": o.valid_from,
                    "valid_until": o.valid_until,
                    "source": o.area.source_note,
                    "contacts": on.overlay_contacts(i as u32, caller.audience),
                }
            })
        })
        .collect();
    let body = json!({"type": "FeatureCollection", "features": features}).to_string();
    let k = audience_index(caller.audience);
    Ok(geojson_response(
        &headers,
        format!("\"{}-overlays-{k}-{}\"", s.version(), on.day()),
        &body,
    ))
}

#[utoipa::path(get, path = "/v1/areas/{id}", tag = "areas",
    summary = "One area as an RFC 7946 Feature",
    params(("id" = String, Path, description = "Area id, as `/v1/areas` lists them: a municipal area id or a CBS wijk or buurt code"), AreaParams),
    responses(
        (status = 200, description = "GeoJSON Feature", body = Object, content_type = "application/geo+json"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Unknown parameter, or an as_of that is not a date the data covers", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub(super) async fn area(
    Extension(s): Extension<Arc<Served>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(query_names::<AreaParams>);
    let mut p = params(raw, &NAMES)?;
    let on = as_of(&mut p, &s.resolver)?;
    let k = audience_index(caller.audience);
    let Some(body) = s.area_feature(on, &id, caller.audience) else {
        return Err(ApiError::new(
            Kind::UnknownArea,
            t!("http-unknown-area", id = id),
        ));
    };
    Ok(geojson_response(
        &headers,
        format!("\"{}-{id}-{k}-{}\"", s.version(), on.day()),
        &body,
    ))
}
