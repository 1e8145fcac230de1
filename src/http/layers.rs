//! The layers around the handlers: security headers, the data snapshot and caller, method and
//! query-length checks, rate limits, and request logging with metrics.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tower_http::request_id::RequestId;

use crate::auth::Caller;

use super::client;
use super::problem::{ApiError, Kind};
use super::state::AppState;

/// The data version header on every response.
pub const DATA_VERSION: HeaderName = HeaderName::from_static("x-data-version");
/// The request id header, set when the client sent none and returned on every response.
pub(super) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Headers every response carries: the page loads nothing from elsewhere (but the optional
/// tile host), and no response is sniffed into another type or leaks the URL as a referrer.
pub(super) fn security_headers(tiles: Option<&str>) -> Vec<(HeaderName, HeaderValue)> {
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

pub(super) async fn add_security_headers(
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

pub(super) async fn overloaded_or_timed_out(err: tower::BoxError) -> ApiError {
    if err.is::<tower::timeout::error::Elapsed>() {
        ApiError::new(
            Kind::Timeout,
            "the service did not answer in time; try again",
        )
        .retry_after(1)
    } else if err.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(
            Kind::Overloaded,
            "the service is at its concurrency limit; try again shortly",
        )
        .retry_after(1)
    } else {
        tracing::error!(error = %err, "unexpected middleware error");
        ApiError::new(Kind::Internal, "the error was logged")
    }
}

/// Takes the data snapshot and identifies the caller; stamps the snapshot's version.
pub(super) async fn snapshot_and_caller(
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
            ApiError::new(Kind::Unauthorized, e.to_string()).into_response()
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
pub(super) const POST_ONLY: [&str; 2] = ["/admin/reload", "/v1/classify"];

/// A 405 that names the methods the endpoint does answer, in its detail and `Allow` header.
pub(super) fn method_not_allowed(path: &str) -> Response {
    let methods = if POST_ONLY.contains(&path) {
        "POST"
    } else {
        "GET, HEAD"
    };
    let mut out = ApiError::new(
        Kind::MethodNotAllowed,
        format!("this endpoint answers {methods}"),
    )
    .into_response();
    out.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(methods));
    out
}

pub(super) async fn query_limit(
    State(s): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let len = req.uri().query().map_or(0, str::len);
    if len > s.config.max_query_bytes {
        return ApiError::new(
            Kind::QueryTooLong,
            format!(
                "the query string has {len} bytes; at most {} are accepted",
                s.config.max_query_bytes
            ),
        )
        .into_response();
    }
    next.run(req).await
}

pub(super) async fn rate_limit(
    State(s): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
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
        return ApiError::new(Kind::RateLimited, format!("{which}; retry after {secs} s"))
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
pub(super) async fn observe(
    State(s): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
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
