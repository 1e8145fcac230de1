//! Every kind of problem a caller can be told of, listed once: its HTTP status, its slug
//! (`urn:wijkwijzer:problem:<slug>`) and, through the message `title-<slug>`, its title. The
//! parser's refusals ([`crate::query::QueryError`]) are kinds of this table like the server's
//! own; the HTTP door turns a kind into an RFC 9457 response.

/// Declares [`Kind`] from one table: each kind once, with its status and slug.
macro_rules! kinds {
    ($($kind:ident => $status:literal, $slug:literal;)*) => {
        /// Every kind of problem a caller can receive.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind {
            $($kind,)*
        }

        impl Kind {
            /// Every kind, in the table's order.
            pub const ALL: &[Kind] = &[$(Kind::$kind,)*];

            /// HTTP status and slug.
            pub fn describe(self) -> (u16, &'static str) {
                match self {
                    $(Kind::$kind => ($status, $slug),)*
                }
            }
        }
    };
}

kinds! {
    MalformedQuery => 400, "malformed-query";
    RepeatedParameter => 400, "repeated-parameter";
    BadParameter => 400, "bad-parameter";
    ConflictingParameters => 400, "conflicting-parameters";
    MissingParameter => 400, "missing-parameter";
    UnknownParameter => 400, "unknown-parameter";
    NotANumber => 400, "not-a-number";
    NotFinite => 400, "not-finite";
    OutOfRange => 400, "out-of-range";
    SwappedCoordinates => 400, "swapped-coordinates";
    RdGivenAsWgs84 => 400, "rd-given-as-wgs84";
    WebMercatorGivenAsWgs84 => 400, "web-mercator-given-as-wgs84";
    DegreesGivenAsProjected => 400, "degrees-given-as-projected";
    UnknownCrs => 400, "unknown-crs";
    UnreadableCoordinate => 400, "unreadable-coordinate";
    BadLimit => 400, "bad-limit";
    UnknownLayer => 400, "unknown-layer";
    UnknownSituation => 400, "unknown-situation";
    MalformedForm => 400, "malformed-form";
    UnreadableBody => 400, "unreadable-body";
    UnreadableAddress => 400, "unreadable-address";
    AmbiguousAddress => 300, "ambiguous-address";
    Unauthorized => 401, "unauthorized";
    Forbidden => 403, "forbidden";
    NotFound => 404, "not-found";
    UnknownArea => 404, "unknown-area";
    UnknownCollection => 404, "unknown-collection";
    DateNotCovered => 400, "date-not-covered";
    AddressNotFound => 404, "address-not-found";
    MethodNotAllowed => 405, "method-not-allowed";
    BodyTooLarge => 413, "body-too-large";
    WorkbookTooLarge => 413, "workbook-too-large";
    QueryTooLong => 414, "query-too-long";
    UnsupportedMediaType => 415, "unsupported-media-type";
    UnclassifiableFile => 422, "unclassifiable-file";
    InvalidData => 422, "invalid-data";
    RateLimited => 429, "rate-limited";
    Internal => 500, "internal-error";
    Overloaded => 503, "overloaded";
    Timeout => 503, "timeout";
    Busy => 503, "busy";
    NoRoom => 507, "no-room";
    KeysSuspended => 503, "keys-suspended";
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
