//! RFC 9457 problem responses: every problem a client can receive, listed once in [`Kind`]
//! with its status, slug (`urn:wijkwijzer:problem:<slug>`) and title.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::query::QueryError;
use crate::t;

/// Declares [`Kind`] from one table: each kind once, with its status and slug; its title is
/// the message `title-<slug>` in each language.
macro_rules! kinds {
    ($($kind:ident => $status:ident, $slug:literal;)*) => {
        /// Every kind of problem a client can receive.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind {
            $($kind,)*
        }

        impl Kind {
            /// Every kind, in the table's order.
            pub const ALL: &[Kind] = &[$(Kind::$kind,)*];

            /// Status and slug.
            pub fn describe(self) -> (StatusCode, &'static str) {
                match self {
                    $(Kind::$kind => (StatusCode::$status, $slug),)*
                }
            }
        }
    };
}

kinds! {
    MalformedQuery => BAD_REQUEST, "malformed-query";
    RepeatedParameter => BAD_REQUEST, "repeated-parameter";
    BadParameter => BAD_REQUEST, "bad-parameter";
    ConflictingParameters => BAD_REQUEST, "conflicting-parameters";
    BadLimit => BAD_REQUEST, "bad-limit";
    UnknownLayer => BAD_REQUEST, "unknown-layer";
    UnknownSituation => BAD_REQUEST, "unknown-situation";
    MalformedForm => BAD_REQUEST, "malformed-form";
    UnreadableBody => BAD_REQUEST, "unreadable-body";
    UnreadableAddress => BAD_REQUEST, "unreadable-address";
    AmbiguousAddress => MULTIPLE_CHOICES, "ambiguous-address";
    Unauthorized => UNAUTHORIZED, "unauthorized";
    Forbidden => FORBIDDEN, "forbidden";
    NotFound => NOT_FOUND, "not-found";
    UnknownArea => NOT_FOUND, "unknown-area";
    UnknownCollection => NOT_FOUND, "unknown-collection";
    DateNotCovered => BAD_REQUEST, "date-not-covered";
    AddressNotFound => NOT_FOUND, "address-not-found";
    MethodNotAllowed => METHOD_NOT_ALLOWED, "method-not-allowed";
    BodyTooLarge => PAYLOAD_TOO_LARGE, "body-too-large";
    WorkbookTooLarge => PAYLOAD_TOO_LARGE, "workbook-too-large";
    QueryTooLong => URI_TOO_LONG, "query-too-long";
    UnsupportedMediaType => UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type";
    UnclassifiableFile => UNPROCESSABLE_ENTITY, "unclassifiable-file";
    InvalidData => UNPROCESSABLE_ENTITY, "invalid-data";
    RateLimited => TOO_MANY_REQUESTS, "rate-limited";
    Internal => INTERNAL_SERVER_ERROR, "internal-error";
    Overloaded => SERVICE_UNAVAILABLE, "overloaded";
    Timeout => SERVICE_UNAVAILABLE, "timeout";
    Busy => SERVICE_UNAVAILABLE, "busy";
    NoRoom => INSUFFICIENT_STORAGE, "no-room";
    KeysSuspended => SERVICE_UNAVAILABLE, "keys-suspended";
}

impl Kind {
    /// The title, in the current language: the message `title-<slug>`.
    pub fn title(self) -> String {
        crate::text::render(
            &format!("title-{}", self.describe().1),
            &crate::text::Args::new(),
        )
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
