//! RFC 9457 problem responses: every problem a client can receive is a [`Kind`] of the core's
//! one table (`wijkwijzer_core::problem`), with its status, slug
//! (`urn:wijkwijzer:problem:<slug>`) and title.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::query::QueryError;
use crate::t;

pub use crate::problem::Kind;

/// An RFC 9457 problem.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    kind: &'static str,
    title: String,
    detail: String,
    /// Extension members (RFC 9457 section 3.2), e.g. the list of problems of refused data.
    extra: Option<serde_json::Map<String, Value>>,
    retry_after: Option<u64>,
}
impl ApiError {
    pub fn new(kind: Kind, detail: impl Into<String>) -> Self {
        let (status, slug) = kind.describe();
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::titled(status, slug, kind.title(), detail.into())
    }

    fn titled(status: StatusCode, slug: &'static str, title: String, detail: String) -> Self {
        Self {
            status,
            kind: slug,
            title,
            detail,
            extra: None,
            retry_after: None,
        }
    }

    /// A failure of the service itself (a panicked or cancelled task): 500 with a generic
    /// detail for the client, the cause in the log.
    pub fn internal(what: &str, cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "{what}");
        Self::new(Kind::Internal, t!("http-internal", what = what))
    }

    /// Adds an extension member.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.extra
            .get_or_insert_with(Default::default)
            .insert(key.to_string(), value);
        self
    }

    /// Sets `Retry-After` (seconds), for 429 and 503.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}
impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        ApiError::new(e.kind(), e.to_string())
    }
}
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "type": format!("urn:wijkwijzer:problem:{}", self.kind),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let (Some(extra), Some(obj)) = (self.extra, body.as_object_mut()) {
            obj.extend(extra);
        }
        let mut res = (self.status, body.to_string()).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}
