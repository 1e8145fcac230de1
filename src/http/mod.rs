//! The HTTP interface (axum routes on hyper's own connection loop): the page, lookups, batch
//! classification, the meldkaart, area GeoJSON, OGC API Features, OpenAPI, health, metrics and
//! data reload.
//!
//! Handlers are thin: they read parameters ([`params`]), decide the place once
//! ([`crate::query::Place`]), answer it with [`crate::resolve::On::lookup`] and serialise. Every error is an RFC 9457 `problem+json` response ([`problem`]) with a status
//! that says whose fault it is and a `detail` that says what to fix; internal errors are logged
//! and never echoed.
//!
//! Each request works on one snapshot of the data ([`Served`]), taken when it arrives: a reload
//! (SIGHUP or `POST /admin/reload`) validates the new data completely, then swaps it in
//! atomically, so a request sees the old data or the new, never a mix, and never an error.
//! Every response carries the snapshot's `X-Data-Version`.
//!
//! Around the handlers, as tower layers: the language of the texts (`Accept-Language`, see
//! [`crate::text`]), request ids, tracing, Prometheus metrics, a query length limit (414),
//! per-client rate limiting (429 with `Retry-After`), a concurrency limit that sheds excess
//! load (503) rather than queueing it, a per-request timeout (503), a body limit (413) and CORS
//! (uploads from another origin included); a handler that panics becomes a 500 problem.
//!
//! Files by job: `server` (the connection loop: header and idle timeouts, the connection cap,
//! shutdown), `state` (data source, snapshot, keys, reload, watching files), `watch` (what a
//! look at the files sees), `layers` (the middleware), `metrics`, `area_json` (area GeoJSON),
//! `handlers`, `classify` and `ogc` (the routes), [`params`], [`problem`] (every problem a
//! client can receive), [`schema`] (the described types), [`openapi`] (the document),
//! [`client`] (who is asking: rate keys, trusted proxies).

mod classify;
pub mod client;
mod handlers;
pub mod openapi;
pub mod params;
pub mod problem;
pub mod schema;

mod area_json;
mod layers;
mod metrics;
mod ogc;
mod only;
mod server;
mod state;
mod uploads;
mod watch;

use std::sync::Arc;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tower::ServiceBuilder;
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};

use openapi::Problem;
pub use problem::{ApiError, Kind};

use crate::auth::Caller;
use crate::t;

pub use layers::DATA_VERSION;
use layers::*;
pub use state::{AppState, DataSource, KeyState, ServeConfig, Served};

/// Builds the router without binding a socket (tests may call it directly).
pub fn router(state: Arc<AppState>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS, Method::POST])
        // What a page on another origin sends: a key, a conditional GET, the file's media type,
        // its language and its own request id.
        .allow_headers([
            header::AUTHORIZATION,
            header::IF_NONE_MATCH,
            header::CONTENT_TYPE,
            header::ACCEPT_LANGUAGE,
            REQUEST_ID,
        ])
        .expose_headers([
            header::ETAG,
            DATA_VERSION,
            REQUEST_ID,
            header::RETRY_AFTER,
            header::CONTENT_LANGUAGE,
            axum::http::HeaderName::from_static("x-classify-summary"),
        ]);
    let config = &state.config;
    // One `.layer` call: axum boxes (and clones, per request) each layer given to a router
    // separately, so the whole stack is one tower service and the middleware one function.
    let stack = ServiceBuilder::new()
        // Outermost, so that problems made by any layer inside are in the client's language.
        .layer(middleware::from_fn_with_state(
            content_security_policy(config.tiles.as_deref()),
            envelope,
        ))
        .layer(SetRequestIdLayer::new(REQUEST_ID, RequestIds::new()))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        // Outside the limits, so a browser on another origin can read a 429 or 503 too.
        .layer(cors)
        // The caller, the limits, the time limit, the log and the metrics.
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .layer(axum::extract::DefaultBodyLimit::disable())
        // Only the classification reads large bodies; every other route is GET or has its own
        // smaller limit.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            config.max_classify_bytes.max(config.max_body_bytes),
        ))
        .layer(HandleErrorLayer::new(overloaded_or_timed_out))
        .load_shed()
        .concurrency_limit(config.max_concurrent)
        // A handler that panics is a bug: a 500 problem for the client, the panic in the log.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |panic: Box<dyn std::any::Any + Send>| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                ApiError::internal("a request handler panicked", &what).into_response()
            },
        ));
    handlers::routes()
        .merge(ogc::routes())
        .route("/metrics", get(metrics))
        .route("/v1", get(v1_index))
        .route("/openapi.json", get(openapi_json))
        .route(
            "/admin/reload",
            post(admin_reload).layer(tower_http::limit::RequestBodyLimitLayer::new(
                config.max_body_bytes,
            )),
        )
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(stack)
        // Probes sit outside every layer: cheap, never limited, never logged.
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .with_state(state)
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

#[utoipa::path(get, path = "/metrics", tag = "service", summary = "Prometheus metrics",
    responses((status = 200, body = String, content_type = "text/plain")))]
async fn metrics(State(s): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
        .into_response()
}

/// `GET /v1`: what there is, listed from the OpenAPI document so that it never leaves one out.
async fn v1_index(axum::Extension(s): axum::Extension<Arc<Served>>) -> axum::Json<Value> {
    axum::Json(json!({
        "service": "wijkwijzer",
        "endpoints": &*openapi::ENDPOINTS,
        "openapi": "/openapi.json",
        "data": s.resolver.today().meta(),
    }))
}

async fn openapi_json() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(openapi::document).clone();
    ([(header::CONTENT_TYPE, "application/json")], doc).into_response()
}

#[utoipa::path(post, path = "/admin/reload", tag = "service",
    summary = "Validate the data source again and swap it in atomically (admin key)",
    responses(
        (status = 200, description = "Reloaded: previous and new version", body = Object),
        (status = 401, description = "No key, or a key that is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A valid key without the admin scope", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Request body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "New data refused; the old keeps serving", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = [])))]
async fn admin_reload(
    State(s): State<Arc<AppState>>,
    axum::Extension(caller): axum::Extension<Caller>,
) -> Result<axum::Json<Value>, ApiError> {
    if !caller.admin {
        // No key at all is a 401 (who are you?); a valid key without the right a 403.
        let kind = match &caller.key_name {
            Some(name) => {
                s.metrics.auth_failure("forbidden");
                tracing::warn!(key = %name, "403: the key may not reload the data");
                Kind::Forbidden
            }
            None => Kind::Unauthorized,
        };
        return Err(ApiError::new(kind, t!("http-admin-key-required")));
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
                Kind::InvalidData,
                t!(
                    "http-reload-refused",
                    count = e.problems.len(),
                    version = s.current().version().to_string()
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
    {
        let state = state.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(2));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                state.sweep_rate_limits();
            }
        });
    }
    if let Some(every) = state.config.watch {
        tokio::spawn(state.clone().watch_files(every));
    }
    let flag = state.clone();
    server::run(listener, router(state.clone()), state, async move {
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
