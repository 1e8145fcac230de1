//! The HTTP interface (axum): lookups, area GeoJSON for map front-ends, health.
//!
//! Handlers are thin: they read parameters with [`crate::query`], call
//! [`crate::resolve::Resolver`] and serialise. Every error is an RFC 9457 `problem+json`
//! response with a 4xx status and a `detail` that says what to fix; a 5xx is never produced on
//! purpose, and if one ever were its details would go to the log, not to the caller.
//! Every response carries `X-Data-Version`; the static GeoJSON ones also an `ETag`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use tower_http::cors::{Any, CorsLayer};

use crate::crs::{Crs, transformer};
use crate::geodata::Area;
use crate::index::Position;
use crate::query::{self, QueryError};
use crate::resolve::Resolver;
use crate::roster::Audience;

/// The data version header on every response.
pub const DATA_VERSION: HeaderName = HeaderName::from_static("x-data-version");

/// Everything the handlers share: the resolver and GeoJSON rendered once at start.
pub struct AppState {
    resolver: Resolver,
    /// Optional XYZ tile URL template for the page's base map (`{z}/{x}/{y}`).
    tiles: Option<String>,
    layer_collections: BTreeMap<String, String>,
    area_features: BTreeMap<String, String>,
}

impl AppState {
    pub fn new(resolver: Resolver) -> AppState {
        let mut layer_collections = BTreeMap::new();
        let mut area_features = BTreeMap::new();
        let meta = resolver.meta();
        for layer in &resolver.data().layers {
            let features: Vec<Value> = layer
                .areas
                .iter()
                .map(|a| area_feature(&resolver, a))
                .collect();
            for (a, f) in layer.areas.iter().zip(&features) {
                area_features.insert(a.id.clone(), f.to_string());
            }
            let fc = json!({
                "type": "FeatureCollection",
                "name": layer.info.id,
                "title": layer.info.title,
                "attribution": meta.attribution,
                "data": meta,
                "features": features,
            });
            layer_collections.insert(layer.info.id.clone(), fc.to_string());
        }
        AppState {
            resolver,
            tiles: None,
            layer_collections,
            area_features,
        }
    }

    /// Sets a base-map tile layer for the page, e.g. PDOK's BRT-Achtergrondkaart:
    /// `https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png`.
    pub fn with_tiles(mut self, tiles: Option<String>) -> Self {
        self.tiles = tiles;
        self
    }

    pub fn resolver(&self) -> &Resolver {
        &self.resolver
    }
}

/// An area as an RFC 7946 Feature: WGS84, counter-clockwise shells, 7 decimals (~1 cm).
fn area_feature(resolver: &Resolver, area: &Area) -> Value {
    use geo::orient::{Direction, Orient};
    let t = transformer();
    let oriented = area.geometry.orient(Direction::Default);
    let ring = |ls: &geo::LineString<f64>| -> Value {
        ls.0.iter()
            .map(|c| {
                let w = t.rd_to_wgs84(crate::crs::Rd { x: c.x, y: c.y });
                let r = |v: f64| (v * 1e7).round() / 1e7;
                json!([r(w.lon), r(w.lat)])
            })
            .collect()
    };
    let polys: Vec<Value> = oriented
        .0
        .iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(ring)
                .collect()
        })
        .collect();
    json!({
        "type": "Feature",
        "id": area.id,
        "geometry": {"type": "MultiPolygon", "coordinates": polys},
        "properties": {
            "id": area.id,
            "name": area.name,
            "layer": area.layer,
            "code": area.code,
            "parents": area.parents,
            "source": area.source_note,
            "contacts": resolver.contacts_for_area(area, Audience::Public),
        }
    })
}

/// An RFC 9457 problem.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    title: String,
    detail: String,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            kind,
            title: title.into(),
            detail: detail.into(),
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, e.kind(), e.title(), e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "type": format!("urn:wijkwijzer:problem:{}", self.kind),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        let mut res = (self.status, body.to_string()).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        res
    }
}

/// Builds the router without binding a socket (tests call it directly).
pub fn router(state: Arc<AppState>) -> Router {
    let version = HeaderValue::from_str(&state.resolver.data().version)
        .unwrap_or(HeaderValue::from_static("unknown"));
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .expose_headers([header::ETAG, DATA_VERSION]);
    Router::new()
        .route("/", get(page))
        .route("/assets/app.js", get(app_js))
        .route("/assets/style.css", get(style_css))
        .route("/v1", get(index))
        .route("/v1/config", get(config))
        .route("/healthz", get(healthz))
        .route("/v1/lookup", get(lookup))
        .route("/v1/layers", get(layers))
        .route("/v1/situations", get(situations))
        .route("/v1/areas", get(areas))
        .route("/v1/areas/{id}", get(area))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(cors)
        .layer(axum::middleware::map_response(move |mut res: Response| {
            let version = version.clone();
            async move {
                res.headers_mut().insert(DATA_VERSION, version);
                res
            }
        }))
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "No such endpoint",
        "see GET /v1 for the endpoints: /v1/lookup, /v1/situations, /v1/areas, /v1/areas/{id}, /v1/layers, /healthz; the page is at /",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "these endpoints answer GET (and HEAD)",
    )
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
async fn page() -> Response {
    asset("text/html; charset=utf-8", PAGE)
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn style_css() -> Response {
    asset("text/css; charset=utf-8", STYLE_CSS)
}

async fn config(State(s): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({
        "tiles": s.tiles,
        "tiles_attribution": s.tiles.as_ref().map(|_| "achtergrondkaart: zie de aanbieder van de tegels"),
    }))
}

async fn index(State(s): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({
        "service": "wijkwijzer",
        "endpoints": {
            "GET /v1/lookup?q=": "the same for a place in any notation: 50.8514, 5.6910 · 50°51'05\"N 5°41'28\"E · 176395 317996 · map links · geo: URIs",
            "GET /v1/lookup?q=": "a place in any notation: 50.8514, 5.6910 · 50°51'05\"N 5°41'28\"E · 176395 317996 · map links · geo: URIs",
            "GET /v1/lookup?lat=&lon=": "area and responsible officers for a WGS84 point",
            "GET /v1/lookup?x=&y=&crs=EPSG:28992": "the same for RD New (or crs=EPSG:3857 Web Mercator)",
            "GET /v1/lookup?...&situation=": "adds who handles the situation at that place and how to report it",
            "GET /v1/situations": "the meldkaart: situations, who handles them, how to report them",
            "GET /v1/layers": "the area layers",
            "GET /v1/areas?layer=lwa|wijk|buurt|stadsdeel": "GeoJSON (RFC 7946, WGS84) of a layer",
            "GET /v1/areas/{id}": "GeoJSON of one area",
            "GET /healthz": "health and data version",
        },
        "data": s.resolver.meta(),
    }))
}

async fn healthz(State(s): State<Arc<AppState>>) -> Json<Value> {
    let d = s.resolver.data();
    Json(json!({
        "status": "ok",
        "data_version": d.version,
        "data_origin": d.origin,
        "layers": d.layers.iter().map(|l| json!({"id": l.info.id, "areas": l.areas.len()})).collect::<Vec<_>>(),
    }))
}

/// Query parameters, each at most once, only the known ones.
fn params(
    raw: Option<String>,
    allowed: &[&'static str],
) -> Result<BTreeMap<&'static str, String>, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed-query",
                "Malformed query string",
                format!("the query string is not valid URL encoding: {e}"),
            )
        })?;
    let mut out = BTreeMap::new();
    for (k, v) in pairs {
        let Some(name) = allowed.iter().find(|a| **a == k) else {
            let hint = match k.to_ascii_lowercase().as_str() {
                "lng" | "long" | "longitude" | "lon " => Some("lon"),
                "latitude" => Some("lat"),
                "srs" | "epsg" | "srid" | "srsname" => Some("crs"),
                _ => None,
            };
            let hint = hint.filter(|h| allowed.contains(h));
            return Err(QueryError::UnknownParameter { name: k, hint }.into());
        };
        if out.insert(*name, v).is_some() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "repeated-parameter",
                "A parameter is given twice",
                format!("parameter '{name}' is given more than once; give it once"),
            ));
        }
    }
    Ok(out)
}

fn required<'a>(
    p: &'a BTreeMap<&str, String>,
    name: &'static str,
    hint: &str,
) -> Result<&'a str, QueryError> {
    p.get(name).map(String::as_str).ok_or(QueryError::Missing {
        param: name,
        hint: hint.to_string(),
    })
}

/// Reads the point of a lookup from `lat`/`lon` or `x`/`y`/`crs` and returns it in RD.
fn point_from(p: &BTreeMap<&str, String>) -> Result<crate::crs::Rd, QueryError> {
    let geographic = p.contains_key("lat") || p.contains_key("lon");
    let projected = p.contains_key("x") || p.contains_key("y");
    match (geographic, projected) {
        (true, true) => Err(QueryError::Conflicting),
        (false, false) => Err(QueryError::Missing {
            param: "lat",
            hint: "give lat and lon in WGS84 degrees (lat=50.8514&lon=5.6910) or x and y in RD New metres (x=176395&y=317996&crs=EPSG:28992)".into(),
        }),
        (true, false) => {
            if p.contains_key("crs") {
                let crs = Crs::parse(&p["crs"]).map_err(|e| QueryError::UnknownCrs { value: e.0 })?;
                if crs != Crs::Wgs84 {
                    return Err(QueryError::UnknownCrs {
                        value: format!("{} (lat/lon are always WGS84; use x and y for {crs})", p["crs"]),
                    });
                }
            }
            let lat = query::parse_number("lat", required(p, "lat", "lat and lon go together")?)?;
            let lon = query::parse_number("lon", required(p, "lon", "lat and lon go together")?)?;
            Ok(transformer().wgs84_to_rd(query::check_wgs84(lat, lon)?))
        }
        (false, true) => {
            let crs = match p.get("crs") {
                Some(c) => Crs::parse(c).map_err(|e| QueryError::UnknownCrs { value: e.0 })?,
                None => Crs::RdNew,
            };
            let x = query::parse_number("x", required(p, "x", "x and y go together")?)?;
            let y = query::parse_number("y", required(p, "y", "x and y go together")?)?;
            query::check_projected(x, y, crs)
        }
    }
}

async fn lookup(
    State(s): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut p = params(raw, &["q", "lat", "lon", "x", "y", "crs", "situation"])?;
    let situation = p.remove("situation");
    let (point, understood) = match p.get("q") {
        Some(_) if p.len() > 1 => return Err(QueryError::Conflicting.into()),
        Some(q) => match query::parse(q)? {
            query::Input::Point(u) => (u.rd, Some(u)),
            query::Input::Address(text) => {
                let e = QueryError::AddressUnavailable { text };
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    e.kind(),
                    e.title(),
                    e.to_string(),
                ));
            }
        },
        None => (point_from(&p)?, None),
    };
    let mut answer = s
        .resolver
        .resolve_situation(point, situation.as_deref(), Audience::Public)
        .map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "unknown-situation",
                "Unknown situation",
                e.to_string(),
            )
        })?;
    answer.understood = understood;
    let status = if answer.position == Position::Outside {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer)).into_response())
}

async fn situations(State(s): State<Arc<AppState>>) -> Json<Value> {
    let d = s.resolver.data();
    Json(json!({
        "situations": d.situations.list(),
        "source": d.situations.meta.source,
        "data": s.resolver.meta(),
    }))
}

async fn layers(State(s): State<Arc<AppState>>) -> Json<Value> {
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
        "data": s.resolver.meta(),
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
        .body(Body::from(body.to_string()))
        .unwrap_or_default()
}

async fn areas(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = params(raw, &["layer"])?;
    let d = s.resolver.data();
    let layer = p
        .get("layer")
        .cloned()
        .unwrap_or_else(|| d.manifest.coverage_layer.clone());
    let Some(body) = s.layer_collections.get(&layer) else {
        let known: Vec<&str> = d.layers.iter().map(|l| l.info.id.as_str()).collect();
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "unknown-layer",
            "Unknown layer",
            format!(
                "layer '{layer}' does not exist; use one of: {}",
                known.join(", ")
            ),
        ));
    };
    Ok(geojson_response(
        &headers,
        format!("\"{}-{layer}\"", d.version),
        body,
    ))
}

async fn area(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let Some(body) = s.area_features.get(&id) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown-area",
            "Unknown area",
            format!(
                "no area has id '{id}'; GET /v1/layers lists every area id (e.g. lwa-noord-oost, WK093500, BU09350000)"
            ),
        ));
    };
    Ok(geojson_response(
        &headers,
        format!("\"{}-{id}\"", s.resolver.data().version),
        body,
    ))
}

/// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<AppState>) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
