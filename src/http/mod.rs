//! The HTTP interface (axum): the page, lookups, the meldkaart, area GeoJSON, health, metrics
//! and data reload.
//!
//! Handlers are thin: they read parameters ([`params`]), call [`crate::resolve::Resolver`] and
//! serialise. Every error is an RFC 9457 `problem+json` response ([`problem`]) with a status
//! that says whose fault it is and a `detail` that says what to fix; internal errors are logged
//! and never echoed.
//!
//! Each request works on one snapshot of the data ([`Served`]), taken when it arrives: a reload
//! (SIGHUP or `POST /admin/reload`) validates the new data completely, then swaps it in
//! atomically, so a request sees the old data or the new, never a mix, and never an error.
//! Every response carries the snapshot's `X-Data-Version`.
//!
//! Around the handlers, as tower layers: request ids, tracing, Prometheus metrics, a query
//! length limit (414), per-client rate limiting (429 with `Retry-After`), a concurrency limit
//! that sheds excess load (503) rather than queueing it, a per-request timeout (503), a body
//! limit (413) and CORS for GET.

mod classify;
pub mod client;
mod handlers;
pub mod openapi;
pub mod params;
pub mod problem;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry,
};
use serde_json::{Value, json};
use tower::ServiceBuilder;
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};

use openapi::Problem;
pub use problem::ApiError;

use crate::auth::{ApiKeys, Caller};
use crate::crs::transformer;
use crate::geodata::{Area, Geodata, GeodataError};
use crate::resolve::Resolver;
use crate::roster::Audience;

/// The data version header on every response.
pub const DATA_VERSION: HeaderName = HeaderName::from_static("x-data-version");
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Where the served data comes from, so that a reload reads it again.
#[derive(Debug, Clone)]
pub enum DataSource {
    Embedded,
    Dir(PathBuf),
}

impl DataSource {
    pub fn load(&self) -> Result<Geodata, GeodataError> {
        match self {
            DataSource::Embedded => Geodata::embedded(),
            DataSource::Dir(d) => Geodata::load_dir(d),
        }
    }
}

/// Limits and options of a running service.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// XYZ tile URL template for the page's base map.
    pub tiles: Option<String>,
    pub keys: ApiKeys,
    /// The key file, re-read on every reload (SIGHUP, `POST /admin/reload`).
    pub keys_file: Option<PathBuf>,
    /// Requests per second per client address; 0 switches rate limiting off.
    pub rate_per_second: u32,
    pub rate_burst: u32,
    pub max_concurrent: usize,
    pub timeout: Duration,
    pub max_query_bytes: usize,
    pub max_body_bytes: usize,
    /// Largest body `POST /v1/classify` accepts (413 beyond it).
    pub max_classify_bytes: usize,
    /// Address file to re-read on reload; `None`: keep the loaded address index.
    pub addresses: Option<std::path::PathBuf>,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            tiles: None,
            keys: ApiKeys::default(),
            keys_file: None,
            rate_per_second: 100,
            rate_burst: 200,
            max_concurrent: 512,
            timeout: Duration::from_secs(10),
            max_query_bytes: 4096,
            max_body_bytes: 64 * 1024,
            max_classify_bytes: 64 * 1024 * 1024,
            addresses: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// One consistent snapshot of the data and everything rendered from it.
pub struct Served {
    pub resolver: Resolver,
    /// Per audience (public, internal), per layer: the FeatureCollection.
    layer_collections: [BTreeMap<String, String>; 2],
    /// Per audience, per area id: the Feature.
    area_features: [BTreeMap<String, String>; 2],
    version_header: HeaderValue,
}

fn audience_index(a: Audience) -> usize {
    match a {
        Audience::Public => 0,
        Audience::Internal => 1,
    }
}

impl Served {
    pub fn new(resolver: Resolver) -> Served {
        let mut layer_collections: [BTreeMap<String, String>; 2] = Default::default();
        let mut area_features: [BTreeMap<String, String>; 2] = Default::default();
        let meta = resolver.meta();
        // Reprojecting every vertex is the costly part: do it once, for both audiences.
        let geometries: Vec<Vec<Value>> = resolver
            .data()
            .layers
            .iter()
            .map(|l| l.areas.iter().map(wgs84_geometry).collect())
            .collect();
        for audience in [Audience::Public, Audience::Internal] {
            let k = audience_index(audience);
            for (layer, geometries) in resolver.data().layers.iter().zip(&geometries) {
                let features: Vec<Value> = layer
                    .areas
                    .iter()
                    .zip(geometries)
                    .map(|(a, g)| area_feature(&resolver, a, g, audience))
                    .collect();
                for (a, f) in layer.areas.iter().zip(&features) {
                    area_features[k].insert(a.id.clone(), f.to_string());
                }
                let fc = json!({
                    "type": "FeatureCollection",
                    "name": layer.info.id,
                    "title": layer.info.title,
                    "attribution": meta.attribution,
                    "data": meta,
                    "features": features,
                });
                layer_collections[k].insert(layer.info.id.clone(), fc.to_string());
            }
        }
        let version_header = HeaderValue::from_str(&resolver.data().version)
            .unwrap_or(HeaderValue::from_static("unknown"));
        Served {
            resolver,
            layer_collections,
            area_features,
            version_header,
        }
    }

    pub fn version(&self) -> &str {
        &self.resolver.data().version
    }
}

/// An area's geometry as RFC 7946 wants it: WGS84, counter-clockwise shells, 7 decimals (~1 cm).
fn wgs84_geometry(area: &Area) -> Value {
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
    json!({"type": "MultiPolygon", "coordinates": polys})
}

/// An area as an RFC 7946 Feature with the contacts the audience may see.
fn area_feature(resolver: &Resolver, area: &Area, geometry: &Value, audience: Audience) -> Value {
    json!({
        "type": "Feature",
        "id": area.id,
        "geometry": geometry,
        "properties": {
            "id": area.id,
            "name": area.name,
            "layer": area.layer,
            "code": area.code,
            "parents": area.parents,
            "source": area.source_note,
            "contacts": resolver.contacts_for_area(area, audience),
        }
    })
}

/// Prometheus metrics of the service.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    lookups: IntCounterVec,
    data: IntGaugeVec,
}

impl Metrics {
    fn new() -> Metrics {
        let requests = IntCounterVec::new(
            Opts::new(
                "wijkwijzer_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "wijkwijzer_http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1.0,
            ]),
            &["route"],
        )
        .expect("valid metric");
        let lookups = IntCounterVec::new(
            Opts::new(
                "wijkwijzer_lookups_total",
                "Lookups by LWA area (or outside)",
            ),
            &["lwa"],
        )
        .expect("valid metric");
        let data = IntGaugeVec::new(
            Opts::new("wijkwijzer_data_info", "The loaded data version (value 1)"),
            &["version"],
        )
        .expect("valid metric");
        let registry = Registry::new();
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(lookups.clone()),
            Box::new(data.clone()),
        ] {
            registry.register(c).expect("metric registered once");
        }
        Metrics {
            registry,
            requests,
            latency,
            lookups,
            data,
        }
    }

    fn set_version(&self, version: &str) {
        self.data.reset();
        self.data.with_label_values(&[version]).set(1);
    }

    pub fn count_lookup(&self, lwa: Option<&str>) {
        self.lookups
            .with_label_values(&[lwa.unwrap_or("outside")])
            .inc();
    }

    fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

/// The API keys in force and one rate limiter per key.
pub struct KeyState {
    pub keys: ApiKeys,
    /// Per key name: its rate and limiter (`None`: not limited).
    limiters: BTreeMap<String, (u32, Option<governor::DefaultDirectRateLimiter>)>,
}

impl KeyState {
    fn new(keys: ApiKeys, config: &ServeConfig) -> KeyState {
        let limiters = keys
            .rates()
            .map(|(name, rate)| {
                let per_second = rate.per_second.unwrap_or(config.rate_per_second);
                let burst = rate.burst.unwrap_or(config.rate_burst).max(per_second);
                let limiter = NonZeroU32::new(per_second).map(|r| {
                    RateLimiter::direct(
                        Quota::per_second(r).allow_burst(NonZeroU32::new(burst).unwrap_or(r)),
                    )
                });
                (name.to_string(), (per_second, limiter))
            })
            .collect();
        KeyState { keys, limiters }
    }
}

/// Everything the handlers share.
pub struct AppState {
    served: ArcSwap<Served>,
    source: DataSource,
    config: ServeConfig,
    pub metrics: Metrics,
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// The keys and their limiters; swapped whole when the key file is re-read.
    keys: ArcSwap<KeyState>,
    reloading: tokio::sync::Mutex<()>,
    /// Set when shutdown begins: `/readyz` then says not ready so no new traffic is sent.
    shutting_down: std::sync::atomic::AtomicBool,
    /// Why the last reload was refused, until one succeeds: `/healthz` reports it.
    pub last_reload_error: std::sync::Mutex<Option<String>>,
}

impl AppState {
    /// A service on already loaded data, default limits, no keys; reloads read the embedded
    /// data again.
    pub fn new(resolver: Resolver) -> AppState {
        Self::with_config(DataSource::Embedded, resolver, ServeConfig::default())
    }

    pub fn with_config(source: DataSource, resolver: Resolver, config: ServeConfig) -> AppState {
        let metrics = Metrics::new();
        metrics.set_version(&resolver.data().version);
        let limiter = NonZeroU32::new(config.rate_per_second).map(|rate| {
            let burst =
                NonZeroU32::new(config.rate_burst.max(config.rate_per_second)).unwrap_or(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        let keys = ArcSwap::from_pointee(KeyState::new(config.keys.clone(), &config));
        AppState {
            served: ArcSwap::from_pointee(Served::new(resolver)),
            source,
            config,
            metrics,
            limiter,
            keys,
            reloading: tokio::sync::Mutex::new(()),
            shutting_down: std::sync::atomic::AtomicBool::new(false),
            last_reload_error: std::sync::Mutex::new(None),
        }
    }

    /// The current snapshot.
    pub fn current(&self) -> Arc<Served> {
        self.served.load_full()
    }

    /// Loads and validates the data source again and swaps it in; on failure the old data
    /// stays. Returns (previous version, new version).
    pub async fn reload(&self) -> Result<(String, String), GeodataError> {
        let _one_at_a_time = self.reloading.lock().await;
        let result = self.reload_inner().await;
        if let Ok(mut last) = self.last_reload_error.lock() {
            *last = result.as_ref().err().map(|e| {
                format!(
                    "{} problem(s), first: {}",
                    e.problems.len(),
                    e.problems
                        .first()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                )
            });
        }
        result
    }

    async fn reload_inner(&self) -> Result<(String, String), GeodataError> {
        // The key file first: a refused file refuses the reload, and the old keys stay.
        let new_keys = match &self.config.keys_file {
            Some(path) => Some(ApiKeys::load(path).map_err(|reason| GeodataError {
                origin: path.display().to_string(),
                problems: vec![crate::geodata::Problem::new(
                    &path.display().to_string(),
                    None,
                    reason,
                )],
            })?),
            None => None,
        };
        let source = self.source.clone();
        let address_file = self.config.addresses.clone();
        let current_addresses = self.current().resolver.addresses().clone();
        let started = Instant::now();
        let served = tokio::task::spawn_blocking(move || {
            let addresses = match address_file {
                Some(path) => Arc::new(crate::address::AddressIndex::load(&path).map_err(|e| {
                    GeodataError {
                        origin: path.display().to_string(),
                        problems: vec![crate::geodata::Problem::new(
                            &e.file,
                            e.line.map(|l| format!("line {l}")).as_deref(),
                            e.reason,
                        )],
                    }
                })?),
                None => current_addresses,
            };
            source
                .load()
                .map(|d| Served::new(Resolver::new(d).with_addresses(addresses)))
        })
        .await
        .map_err(|e| GeodataError {
            origin: "reload".into(),
            problems: vec![crate::geodata::Problem::new(
                "-",
                None,
                format!("reload task failed: {e}"),
            )],
        })??;
        let new = served.version().to_string();
        let old = self.served.swap(Arc::new(served));
        if let Some(keys) = new_keys {
            tracing::info!(keys = ?keys, "key file re-read");
            self.keys.store(Arc::new(KeyState::new(keys, &self.config)));
        }
        self.metrics.set_version(&new);
        tracing::info!(previous = %old.version(), version = %new, ms = started.elapsed().as_millis() as u64, "data reloaded");
        Ok((old.version().to_string(), new))
    }
}

/// Builds the router without binding a socket (tests may call it directly).
pub fn router(state: Arc<AppState>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::IF_NONE_MATCH])
        .expose_headers([header::ETAG, DATA_VERSION, REQUEST_ID, header::RETRY_AFTER]);
    let config = &state.config;
    let guarded = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(overloaded_or_timed_out))
        .load_shed()
        .concurrency_limit(config.max_concurrent)
        .timeout(config.timeout);
    handlers::routes()
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi_json))
        .route(
            "/admin/reload",
            post(admin_reload).layer(tower_http::limit::RequestBodyLimitLayer::new(
                config.max_body_bytes,
            )),
        )
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            snapshot_and_caller,
        ))
        .layer(cors)
        .layer(guarded)
        // Only the classification reads large bodies; every other route is GET or has its own
        // smaller limit.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            config.max_classify_bytes.max(config.max_body_bytes),
        ))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        .layer(middleware::from_fn_with_state(state.clone(), query_limit))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(middleware::from_fn_with_state(
            Arc::new(security_headers(config.tiles.as_deref())),
            add_security_headers,
        ))
        // Probes sit outside every layer: cheap, never limited, never logged.
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .with_state(state)
}

/// Headers every response carries: the page loads nothing from elsewhere (but the optional
/// tile host), and no response is sniffed into another type or leaks the URL as a referrer.
fn security_headers(tiles: Option<&str>) -> Vec<(HeaderName, HeaderValue)> {
    let tile_origin = tiles
        .and_then(|t| {
            let (scheme, rest) = t.split_once("://")?;
            let host = rest.split('/').next()?;
            Some(format!(" {scheme}://{host}"))
        })
        .unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tile_origin}; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    let mut out = vec![
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
    ];
    // A tile URL that cannot be a header value leaves the policy without the tile host.
    let csp = HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ));
    out.push((header::CONTENT_SECURITY_POLICY, csp));
    out
}

async fn add_security_headers(
    State(headers): State<Arc<Vec<(HeaderName, HeaderValue)>>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    for (k, v) in headers.iter() {
        res.headers_mut().insert(k.clone(), v.clone());
    }
    res
}

/// The process answers.
#[utoipa::path(get, path = "/livez", tag = "service", summary = "Liveness: the process answers",
    responses((status = 200, body = Object)))]
async fn livez() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        "{\"status\":\"live\"}",
    )
        .into_response()
}

/// Data is loaded and indexed (it is before the socket is bound, and a reload keeps the old
/// snapshot serving) and the service is not shutting down.
#[utoipa::path(get, path = "/readyz", tag = "service",
    summary = "Readiness: data loaded and indexed, not shutting down",
    responses((status = 200, body = Object), (status = 503, description = "Shutting down", body = Object)))]
async fn readyz(State(s): State<Arc<AppState>>) -> Response {
    if s.shutting_down.load(std::sync::atomic::Ordering::Relaxed) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"status\":\"shutting down\"}",
        )
            .into_response();
    }
    let body = format!(
        "{{\"status\":\"ready\",\"data_version\":\"{}\"}}",
        s.current().version()
    );
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn overloaded_or_timed_out(err: tower::BoxError) -> ApiError {
    if err.is::<tower::timeout::error::Elapsed>() {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "The request took too long",
            "the service did not answer in time; try again",
        )
        .retry_after(1)
    } else if err.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "Too many requests in flight",
            "the service is at its concurrency limit; try again shortly",
        )
        .retry_after(1)
    } else {
        tracing::error!(error = %err, "unexpected middleware error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the error was logged",
        )
    }
}

/// Takes the data snapshot and identifies the caller; stamps the snapshot's version.
async fn snapshot_and_caller(
    State(s): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let served = s.current();
    let path = req.uri().path().to_string();
    let caller = match req
        .extensions_mut()
        .remove::<Result<Caller, crate::auth::AuthError>>()
    {
        Some(c) => c,
        None => {
            let authorization = req
                .headers()
                .get(header::AUTHORIZATION)
                .map(|v| v.to_str().unwrap_or("\u{0}"));
            s.keys.load().keys.caller(authorization)
        }
    };
    let keyed = matches!(&caller, Ok(c) if c.key_name.is_some());
    let mut res = match caller {
        Ok(caller) => {
            req.extensions_mut().insert(served.clone());
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Err(e) => {
            tracing::warn!(key = "unknown key", reason = %e, "401: the presented key is not valid");
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Invalid credentials",
                e.to_string(),
            )
            .into_response()
        }
    };
    if res.status() == StatusCode::METHOD_NOT_ALLOWED {
        res = method_not_allowed(&path);
    }
    // A keyed answer may hold internal channels or names: no shared cache may keep it.
    if keyed {
        let private = match res
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
        {
            Some(v) if v.contains("public") => v.replace("public", "private"),
            Some(v) if v.contains("private") || v.contains("no-store") => v.to_string(),
            Some(v) => format!("private, {v}"),
            None => "private".to_string(),
        };
        if let Ok(v) = HeaderValue::from_str(&private) {
            res.headers_mut().insert(header::CACHE_CONTROL, v);
        }
        res.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Authorization"));
    }
    res.headers_mut()
        .insert(DATA_VERSION, served.version_header.clone());
    res
}

/// The endpoints that take POST only; every other one answers GET and HEAD.
const POST_ONLY: [&str; 2] = ["/admin/reload", "/v1/classify"];

/// A 405 that names the methods the endpoint does answer, in its detail and `Allow` header.
fn method_not_allowed(path: &str) -> Response {
    let methods = if POST_ONLY.contains(&path) {
        "POST"
    } else {
        "GET, HEAD"
    };
    let mut out = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        format!("this endpoint answers {methods}"),
    )
    .into_response();
    out.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(methods));
    out
}

async fn query_limit(State(s): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let len = req.uri().query().map_or(0, str::len);
    if len > s.config.max_query_bytes {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "query-too-long",
            "Query string too long",
            format!(
                "the query string has {len} bytes; at most {} are accepted",
                s.config.max_query_bytes
            ),
        )
        .into_response();
    }
    next.run(req).await
}

async fn rate_limit(State(s): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let keys = s.keys.load();
    let caller = keys.keys.caller(authorization);
    let key = caller.as_ref().ok().and_then(|c| c.key_name.clone());
    let verdict = match &key {
        // A key holder has its own budget, whatever address it calls from.
        Some(name) => match keys.limiters.get(name) {
            Some((rate, Some(limiter))) => limiter.check().err().map(|n| {
                (
                    n,
                    format!("the key '{name}' sent more than {rate} requests per second"),
                )
            }),
            _ => None,
        },
        None => {
            let ip = req
                .extensions()
                .get::<client::ClientAddr>()
                .map(|c| c.0)
                .unwrap_or(IpAddr::from([127, 0, 0, 1]));
            s.limiter.as_ref().and_then(|l| {
                l.check_key(&ip).err().map(|n| {
                    (
                        n,
                        format!(
                            "the client address {ip} sent more than {} requests per second (callers without a key are limited per address; a key has its own limit)",
                            s.config.rate_per_second
                        ),
                    )
                })
            })
        }
    };
    if let Some((not_until, which)) = verdict {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(
            &governor::clock::DefaultClock::default(),
        ));
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        return ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!("{which}; retry after {secs} s"),
        )
        .with(
            "limit",
            json!(if key.is_some() {
                "key"
            } else {
                "client-address"
            }),
        )
        .retry_after(secs)
        .into_response();
    }
    // The caller is known now; the next layer need not hash the key again.
    req.extensions_mut().insert(caller);
    next.run(req).await
}

/// Logs and measures every request, with its request id.
async fn observe(State(s): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    use tracing::Instrument;
    let started = Instant::now();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let client = client::client_addr(peer, req.headers(), &s.config.trusted_proxies);
    req.extensions_mut().insert(client::ClientAddr(client));
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().clone();
    let id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|r| r.header_value().to_str().ok())
        .unwrap_or("-")
        .to_string();
    let span = tracing::info_span!("request", request_id = %id, %client);
    let res = next.run(req).instrument(span).await;
    let elapsed = started.elapsed();
    let status = res.status();
    s.metrics
        .requests
        .with_label_values(&[&route, status.as_str()])
        .inc();
    s.metrics
        .latency
        .with_label_values(&[&route])
        .observe(elapsed.as_secs_f64());
    if status.is_server_error() {
        tracing::error!(request_id = %id, %client, %method, route, status = status.as_u16(), us = elapsed.as_micros() as u64, "request failed");
    } else {
        tracing::debug!(request_id = %id, %client, %method, route, status = status.as_u16(), us = elapsed.as_micros() as u64, "request");
    }
    res
}

async fn openapi_json() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(openapi::document).clone();
    ([(header::CONTENT_TYPE, "application/json")], doc).into_response()
}

#[utoipa::path(get, path = "/metrics", tag = "service", summary = "Prometheus metrics",
    responses((status = 200, body = String, content_type = "text/plain"), (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 429, body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn metrics(State(s): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
        .into_response()
}

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
async fn admin_reload(
    State(s): State<Arc<AppState>>,
    axum::Extension(caller): axum::Extension<Caller>,
) -> Result<axum::Json<Value>, ApiError> {
    if !caller.admin {
        // No key at all is a 401 (who are you?); a valid key without the right a 403.
        let (status, slug) = match &caller.key_name {
            Some(name) => {
                tracing::warn!(key = %name, "403: the key may not reload the data");
                (StatusCode::FORBIDDEN, "forbidden")
            }
            None => (StatusCode::UNAUTHORIZED, "unauthorized"),
        };
        return Err(ApiError::new(
            status,
            slug,
            "An admin key is required",
            "send 'Authorization: Bearer <key>' with a key whose scopes include \"admin\"",
        ));
    }
    tracing::info!(
        key = caller.key_name.as_deref().unwrap_or("-"),
        "reload requested"
    );
    match s.reload().await {
        Ok((previous, version)) => Ok(axum::Json(
            json!({"status": "reloaded", "previous": previous, "version": version}),
        )),
        Err(e) => {
            tracing::error!(error = %e, "reload refused; still serving the previous data");
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-data",
                "The new data was refused",
                format!(
                    "{} problem(s) found; still serving version {}",
                    e.problems.len(),
                    s.current().version()
                ),
            )
            .with(
                "problems",
                json!(e.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>()),
            ))
        }
    }
}

/// Serves until Ctrl-C or SIGTERM, finishing requests in flight; SIGHUP reloads the data.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<AppState>) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let state = state.clone();
        tokio::spawn(async move {
            let Ok(mut hup) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
            else {
                return;
            };
            while hup.recv().await.is_some() {
                if let Err(e) = state.reload().await {
                    tracing::error!(error = %e, "reload on SIGHUP refused; still serving the previous data");
                }
            }
        });
    }
    let flag = state.clone();
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        flag.shutting_down
            .store(true, std::sync::atomic::Ordering::Relaxed);
    })
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
