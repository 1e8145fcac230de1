//! RFC 9457 problem responses: every problem a client can receive, listed once in [`Kind`]
//! with its status, slug (`urn:wijkwijzer:problem:<slug>`) and title.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::query::QueryError;

/// Every kind of problem, one status, slug and title each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A place, coordinate or parameter the query reader refused; the reader names it
    /// (`swapped-coordinates`, `out-of-range`, `unknown-parameter`, ...).
    Query {
        slug: &'static str,
        title: &'static str,
    },
    MalformedQuery,
    RepeatedParameter,
    BadParameter,
    ConflictingParameters,
    BadLimit,
    UnknownLayer,
    UnknownSituation,
    MalformedForm,
    UnreadableAddress,
    AmbiguousAddress,
    Unauthorized,
    Forbidden,
    NotFound,
    UnknownArea,
    UnknownCollection,
    DateNotCovered,
    AddressNotFound,
    MethodNotAllowed,
    BodyTooLarge,
    QueryTooLong,
    UnsupportedMediaType,
    UnclassifiableFile,
    InvalidData,
    RateLimited,
    Internal,
    Overloaded,
    Timeout,
}

impl Kind {
    /// Status, slug and title.
    pub fn describe(self) -> (StatusCode, &'static str, &'static str) {
        use StatusCode as S;
        match self {
            Kind::Query { slug, title } => (S::BAD_REQUEST, slug, title),
            Kind::MalformedQuery => (S::BAD_REQUEST, "malformed-query", "Malformed query string"),
            Kind::RepeatedParameter => (
                S::BAD_REQUEST,
                "repeated-parameter",
                "A parameter is given twice",
            ),
            Kind::BadParameter => (
                S::BAD_REQUEST,
                "bad-parameter",
                "A parameter cannot be read",
            ),
            Kind::ConflictingParameters => (
                S::BAD_REQUEST,
                "conflicting-parameters",
                "Conflicting parameters",
            ),
            Kind::BadLimit => (S::BAD_REQUEST, "bad-limit", "Bad limit"),
            Kind::UnknownLayer => (S::BAD_REQUEST, "unknown-layer", "Unknown layer"),
            Kind::UnknownSituation => (S::BAD_REQUEST, "unknown-situation", "Unknown situation"),
            Kind::MalformedForm => (S::BAD_REQUEST, "malformed-form", "Malformed form upload"),
            Kind::UnreadableAddress => (
                S::BAD_REQUEST,
                "unreadable-address",
                "The address cannot be read",
            ),
            Kind::AmbiguousAddress => (
                S::MULTIPLE_CHOICES,
                "ambiguous-address",
                "Several addresses match",
            ),
            Kind::Unauthorized => (
                S::UNAUTHORIZED,
                "unauthorized",
                "Missing or invalid credentials",
            ),
            Kind::Forbidden => (S::FORBIDDEN, "forbidden", "The key may not do this"),
            Kind::NotFound => (S::NOT_FOUND, "not-found", "No such endpoint"),
            Kind::UnknownArea => (S::NOT_FOUND, "unknown-area", "Unknown area"),
            Kind::UnknownCollection => (S::NOT_FOUND, "unknown-collection", "Unknown collection"),
            Kind::DateNotCovered => (S::BAD_REQUEST, "date-not-covered", "No data for that date"),
            Kind::AddressNotFound => (S::NOT_FOUND, "address-not-found", "No such address"),
            Kind::MethodNotAllowed => (
                S::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
            ),
            Kind::BodyTooLarge => (
                S::PAYLOAD_TOO_LARGE,
                "body-too-large",
                "The body is too large",
            ),
            Kind::QueryTooLong => (S::URI_TOO_LONG, "query-too-long", "Query string too long"),
            Kind::UnsupportedMediaType => (
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
            ),
            Kind::UnclassifiableFile => (
                S::UNPROCESSABLE_ENTITY,
                "unclassifiable-file",
                "The file cannot be classified",
            ),
            Kind::InvalidData => (
                S::UNPROCESSABLE_ENTITY,
                "invalid-data",
                "The new data was refused",
            ),
            Kind::RateLimited => (S::TOO_MANY_REQUESTS, "rate-limited", "Too many requests"),
            Kind::Internal => (S::INTERNAL_SERVER_ERROR, "internal-error", "Internal error"),
            Kind::Overloaded => (
                S::SERVICE_UNAVAILABLE,
                "overloaded",
                "Too many requests in flight",
            ),
            Kind::Timeout => (
                S::SERVICE_UNAVAILABLE,
                "timeout",
                "The request took too long",
            ),
        }
    }
}

/// An RFC 9457 problem.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    kind: &'static str,
    title: &'static str,
    detail: String,
    /// Extension members (RFC 9457 section 3.2), e.g. the list of problems of refused data.
    extra: Option<serde_json::Map<String, Value>>,
    retry_after: Option<u64>,
}
impl ApiError {
    pub fn new(kind: Kind, detail: impl Into<String>) -> Self {
        let (status, kind, title) = kind.describe();
        Self {
            status,
            kind,
            title,
            detail: detail.into(),
            extra: None,
            retry_after: None,
        }
    }

    /// A failure of the service itself (a panicked or cancelled task): 500 with a generic
    /// detail for the client, the cause in the log.
    pub fn internal(what: &str, cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "{what}");
        Self::new(
            Kind::Internal,
            format!(
                "{what}; this is a fault of the service, not of the request, and it has been logged"
            ),
        )
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
        let kind = Kind::Query {
            slug: e.kind(),
            title: e.title(),
        };
        ApiError::new(kind, e.to_string())
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
