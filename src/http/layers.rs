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
use crate::t;
use crate::text::{self, Lang};

use super::client;
use super::problem::{ApiError, Kind};
use super::state::AppState;

/// The data version header on every response.
pub const DATA_VERSION: HeaderName = HeaderName::from_static("x-data-version");
/// The request id header, set when the client sent none and returned on every response.
pub(super) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest `X-Request-Id` kept as the caller sent it.
const REQUEST_ID_MAX: usize = 128;

/// Whether a caller's `X-Request-Id` may be kept: 1 to 128 visible ASCII characters of the
/// kinds ids are made of (letters, digits, `-._:/+=`). Anything else (empty, 8,000 characters,
/// raw bytes, spaces that split a log line) is dropped, and the service makes its own.
fn usable_request_id(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    !b.is_empty()
        && b.len() <= REQUEST_ID_MAX
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"-._:/+=".contains(c))
}

/// The envelope of every response, outermost, in one function (each layer given to the router is
/// one more service cloned and one more future boxed per request):
/// - the request runs in the language its `Accept-Language` asks for ([`crate::text`]): every
///   text rendered while answering it, problems included, is in that language; responses say
///   which (`Content-Language` on JSON) and that they vary by the header;
/// - plain-text errors made below the handlers become problems ([`problem_of_plain`]);
/// - the security headers: `nosniff`, `no-referrer` and the content security policy `csp`;
/// - an unusable `X-Request-Id` is dropped before the request-id layer, which then makes one.
pub(super) async fn envelope(
    State(csp): State<HeaderValue>,
    mut req: Request,
    next: Next,
) -> Response {
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::negotiate)
        .unwrap_or_default();
    if req
        .headers()
        .get(REQUEST_ID)
        .is_some_and(|v| !usable_request_id(v))
    {
        req.headers_mut().remove(REQUEST_ID);
    }
    let mut res = text::scope(
        lang,
        async move { problem_of_plain(next.run(req).await).await },
    )
    .await;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.append(header::VARY, HeaderValue::from_static("accept-language"));
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    if json {
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.tag()),
        );
    }
    res
}

/// Errors made below the handlers (a body limit's 413, a path that is not UTF-8) come as plain
/// text; every error of the service is a problem (RFC 9457), so they are rewritten as one,
/// keeping what they said as the detail and every header (`Allow`, `Retry-After`).
async fn problem_of_plain(res: Response) -> Response {
    let status = res.status();
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"));
    if !status.is_client_error() || !plain {
        return res;
    }
    let (parts, body) = res.into_parts();
    let said = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let kind = match status {
        StatusCode::PAYLOAD_TOO_LARGE => Kind::BodyTooLarge,
        StatusCode::URI_TOO_LONG => Kind::QueryTooLong,
        StatusCode::NOT_FOUND => Kind::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => Kind::MethodNotAllowed,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Kind::UnsupportedMediaType,
        _ => Kind::MalformedQuery,
    };
    let detail = if said.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("bad request")
            .to_string()
    } else {
        said
    };
    let mut out = ApiError::new(kind, detail).into_response();
    // The status as made below, even where the kind's own would differ.
    *out.status_mut() = status;
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

/// The page loads nothing from elsewhere (but the optional tile host); with `nosniff` and
/// `no-referrer`, set on every response by the router.
pub(super) fn content_security_policy(tiles: Option<&str>) -> HeaderValue {
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
    // A tile URL that cannot be a header value leaves the policy without the tile host.
    HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ))
}

/// Request ids unique per process and, by a random start, across restarts: a 64-bit random
/// prefix and a counter, so making one is an increment, not a call for random bytes.
#[derive(Clone)]
pub(super) struct RequestIds {
    prefix: u64,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl RequestIds {
    pub(super) fn new() -> Self {
        let mut seed = [0u8; 8];
        // Without the OS's randomness the clock still tells restarts apart.
        if getrandom::fill(&mut seed).is_err() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            seed = (now.as_nanos() as u64).to_le_bytes();
        }
        RequestIds {
            prefix: u64::from_le_bytes(seed),
            next: Arc::new(std::sync::atomic::AtomicU64::new(0)),
        }
    }
}

impl tower_http::request_id::MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{:016x}-{n:x}", self.prefix);
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

pub(super) async fn overloaded_or_timed_out(err: tower::BoxError) -> ApiError {
    if err.is::<tower::timeout::error::Elapsed>() {
        ApiError::new(Kind::Timeout, t!("http-timeout")).retry_after(1)
    } else if err.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(Kind::Overloaded, t!("http-overloaded")).retry_after(1)
    } else {
        tracing::error!(error = %err, "unexpected middleware error");
        ApiError::new(Kind::Internal, t!("http-internal-logged"))
    }
}

/// Everything a request passes on its way to the handler, in one middleware (each layer of
/// its own would cost a boxed service per request): the client's address, a span with the
/// request id, the query-length limit (414), the caller (401 for a key that is not valid), the
/// rate limit (429), the data snapshot, and afterwards the log line and the metrics.
pub(super) async fn gate(State(s): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    use tracing::Instrument;
    let started = Instant::now();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let client = client::client_addr(peer, req.headers(), &s.config.trusted_proxies);
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
    // The path without its query: a query may hold an address someone asked about.
    let path = req.uri().path().to_string();
    let mut key_name: Option<String> = None;
    let res = async {
        if let Some(refused) = query_too_long(&s, &req) {
            return refused;
        }
        let authorization = req
            .headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or("\u{0}"));
        let caller = s.keys.load().keys.caller(authorization);
        key_name = caller.as_ref().ok().and_then(|c| c.key_name.clone());
        if let Some(refused) = rate_limited(&s, client, &caller) {
            return refused;
        }
        with_snapshot(&s, req, caller, next).await
    }
    .instrument(span)
    .await;
    let elapsed = started.elapsed();
    let status = res.status();
    s.metrics.observe(&route, status, elapsed);
    let key = key_name.as_deref().unwrap_or("-");
    if status.is_server_error() {
        tracing::error!(request_id = %id, %client, %method, path, route, status = status.as_u16(), us = elapsed.as_micros() as u64, key, "request failed");
    } else if s.config.access_log {
        // The audit trail: which key (by name, never the key) retrieved what, and when.
        tracing::info!(request_id = %id, %client, %method, path, route, status = status.as_u16(), us = elapsed.as_micros() as u64, key, "request");
    } else {
        tracing::debug!(request_id = %id, %client, %method, path, route, status = status.as_u16(), us = elapsed.as_micros() as u64, key, "request");
    }
    res
}

/// Hands the request the data snapshot and its caller; stamps the snapshot's version.
async fn with_snapshot(
    s: &AppState,
    mut req: Request,
    caller: Result<Caller, crate::auth::AuthError>,
    next: Next,
) -> Response {
    let served = s.current();
    let keyed = matches!(&caller, Ok(c) if c.key_name.is_some());
    let mut res = match caller {
        Ok(caller) => {
            let path = req.uri().path().to_string();
            req.extensions_mut().insert(served.clone());
            req.extensions_mut().insert(caller);
            // The time limit: a classification's own, or a lookup's (answered 503 when it runs
            // out, stamped as every answer below).
            let res = super::classify::deadline(s, req, |req| next.run(req)).await;
            if res.status() == StatusCode::METHOD_NOT_ALLOWED {
                method_not_allowed(&path)
            } else {
                res
            }
        }
        Err(e) => {
            use crate::auth::AuthError;
            let (reason, kind) = match e {
                AuthError::Malformed => ("malformed", Kind::Unauthorized),
                AuthError::UnknownKey => ("unknown-key", Kind::Unauthorized),
                AuthError::KeysSuspended => ("keys-suspended", Kind::KeysSuspended),
            };
            s.metrics.auth_failure(reason);
            if kind == Kind::KeysSuspended {
                tracing::warn!("503: a key was presented while keyed access is suspended");
            } else {
                tracing::warn!(key = "unknown key", reason = %e, "401: the presented key is not valid");
            }
            ApiError::new(kind, e.to_string()).into_response()
        }
    };
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
    }
    // Every answer behind the gate may differ by key (channels, names, the detail of /healthz),
    // the anonymous one included: a cache must not hand it to a key holder, nor the reverse.
    let varies = res.headers().get_all(header::VARY).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("authorization"))
    });
    if !varies {
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("Authorization"));
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
        t!("http-endpoint-answers", methods = methods),
    )
    .into_response();
    out.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(methods));
    out
}

fn query_too_long(s: &AppState, req: &Request) -> Option<Response> {
    let len = req.uri().query().map_or(0, str::len);
    (len > s.config.max_query_bytes).then(|| {
        ApiError::new(
            Kind::QueryTooLong,
            t!(
                "http-query-too-long",
                bytes = len,
                max = s.config.max_query_bytes
            ),
        )
        .into_response()
    })
}

/// A 429 when the caller's budget is spent: a key's own, or else the client address's.
fn rate_limited(
    s: &AppState,
    ip: IpAddr,
    caller: &Result<Caller, crate::auth::AuthError>,
) -> Option<Response> {
    let key = caller.as_ref().ok().and_then(|c| c.key_name.as_deref());
    let verdict = match key {
        // A key holder has its own budget, whatever address it calls from.
        Some(name) => match s.keys.load().limiters.get(name) {
            Some((rate, Some(limiter))) => limiter
                .check()
                .err()
                .map(|n| (n, t!("http-rate-key", key = name, rate = rate.to_string()))),
            _ => None,
        },
        None => s.limiter.as_ref().and_then(|l| {
            l.check_key(&client::rate_key(ip)).err().map(|n| {
                (
                    n,
                    t!(
                        "http-rate-address",
                        address = ip.to_string(),
                        rate = s.config.rate_per_second.to_string()
                    ),
                )
            })
        }),
    };
    let (not_until, which) = verdict?;
    s.metrics.rate_limited(if key.is_some() {
        "key"
    } else {
        "client-address"
    });
    let wait = not_until.wait_time_from(governor::clock::Clock::now(
        &governor::clock::DefaultClock::default(),
    ));
    let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
    Some(
        ApiError::new(
            Kind::RateLimited,
            format!("{which}; {}", t!("http-retry-after", seconds = secs)),
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
        .into_response(),
    )
}
