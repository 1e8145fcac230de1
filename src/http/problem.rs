//! RFC 9457 problem responses: every problem a client can receive, listed once in [`Kind`]
//! with its status, slug (`urn:wijkwijzer:problem:<slug>`) and title.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::query::QueryError;
use crate::t;

/// Every kind of problem, one status, slug and title each; the title is a message
/// `title-<slug>` in each language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    MalformedQuery,
    RepeatedParameter,
    BadParameter,
    ConflictingParameters,
    BadLimit,
    UnknownLayer,
    UnknownSituation,
    MalformedForm,
    UnreadableBody,
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
    NoRoom,
}

impl Kind {
    /// Status and slug.
    pub fn describe(self) -> (StatusCode, &'static str) {
        use StatusCode as S;
        match self {
            Kind::MalformedQuery => (S::BAD_REQUEST, "malformed-query"),
            Kind::RepeatedParameter => (S::BAD_REQUEST, "repeated-parameter"),
            Kind::BadParameter => (S::BAD_REQUEST, "bad-parameter"),
            Kind::ConflictingParameters => (S::BAD_REQUEST, "conflicting-parameters"),
            Kind::BadLimit => (S::BAD_REQUEST, "bad-limit"),
            Kind::UnknownLayer => (S::BAD_REQUEST, "unknown-layer"),
            Kind::UnknownSituation => (S::BAD_REQUEST, "unknown-situation"),
            Kind::MalformedForm => (S::BAD_REQUEST, "malformed-form"),
            Kind::UnreadableBody => (S::BAD_REQUEST, "unreadable-body"),
            Kind::UnreadableAddress => (S::BAD_REQUEST, "unreadable-address"),
            Kind::AmbiguousAddress => (S::MULTIPLE_CHOICES, "ambiguous-address"),
            Kind::Unauthorized => (S::UNAUTHORIZED, "unauthorized"),
            Kind::Forbidden => (S::FORBIDDEN, "forbidden"),
            Kind::NotFound => (S::NOT_FOUND, "not-found"),
            Kind::UnknownArea => (S::NOT_FOUND, "unknown-area"),
            Kind::UnknownCollection => (S::NOT_FOUND, "unknown-collection"),
            Kind::DateNotCovered => (S::BAD_REQUEST, "date-not-covered"),
            Kind::AddressNotFound => (S::NOT_FOUND, "address-not-found"),
            Kind::MethodNotAllowed => (S::METHOD_NOT_ALLOWED, "method-not-allowed"),
            Kind::BodyTooLarge => (S::PAYLOAD_TOO_LARGE, "body-too-large"),
            Kind::QueryTooLong => (S::URI_TOO_LONG, "query-too-long"),
            Kind::UnsupportedMediaType => (S::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type"),
            Kind::UnclassifiableFile => (S::UNPROCESSABLE_ENTITY, "unclassifiable-file"),
            Kind::InvalidData => (S::UNPROCESSABLE_ENTITY, "invalid-data"),
            Kind::RateLimited => (S::TOO_MANY_REQUESTS, "rate-limited"),
            Kind::Internal => (S::INTERNAL_SERVER_ERROR, "internal-error"),
            Kind::Overloaded => (S::SERVICE_UNAVAILABLE, "overloaded"),
            Kind::Timeout => (S::SERVICE_UNAVAILABLE, "timeout"),
            Kind::NoRoom => (S::INSUFFICIENT_STORAGE, "no-room"),
        }
    }

    /// The title, in the current language.
    pub fn title(self) -> String {
        match self {
            Kind::MalformedQuery => t!("title-malformed-query"),
            Kind::RepeatedParameter => t!("title-repeated-parameter"),
            Kind::BadParameter => t!("title-bad-parameter"),
            Kind::ConflictingParameters => t!("title-conflicting-parameters"),
            Kind::BadLimit => t!("title-bad-limit"),
            Kind::UnknownLayer => t!("title-unknown-layer"),
            Kind::UnknownSituation => t!("title-unknown-situation"),
            Kind::MalformedForm => t!("title-malformed-form"),
            Kind::UnreadableBody => t!("title-unreadable-body"),
            Kind::UnreadableAddress => t!("title-unreadable-address"),
            Kind::AmbiguousAddress => t!("title-ambiguous-address"),
            Kind::Unauthorized => t!("title-unauthorized"),
            Kind::Forbidden => t!("title-forbidden"),
            Kind::NotFound => t!("title-not-found"),
            Kind::UnknownArea => t!("title-unknown-area"),
            Kind::UnknownCollection => t!("title-unknown-collection"),
            Kind::DateNotCovered => t!("title-date-not-covered"),
            Kind::AddressNotFound => t!("title-address-not-found"),
            Kind::MethodNotAllowed => t!("title-method-not-allowed"),
            Kind::BodyTooLarge => t!("title-body-too-large"),
            Kind::QueryTooLong => t!("title-query-too-long"),
            Kind::UnsupportedMediaType => t!("title-unsupported-media-type"),
            Kind::UnclassifiableFile => t!("title-unclassifiable-file"),
            Kind::InvalidData => t!("title-invalid-data"),
            Kind::RateLimited => t!("title-rate-limited"),
            Kind::Internal => t!("title-internal-error"),
            Kind::Overloaded => t!("title-overloaded"),
            Kind::Timeout => t!("title-timeout"),
            Kind::NoRoom => t!("title-no-room"),
        }
    }
}

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
        ApiError::titled(StatusCode::BAD_REQUEST, e.kind(), e.title(), e.to_string())
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
