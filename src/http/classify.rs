//! `POST /v1/classify`: a whole file back with its rows placed, as a body or a form upload.
//!
//! The body is CSV, TSV or GeoJSON as its Content-Type says, or `multipart/form-data` as
//! `curl -F file=@incidents.csv` sends it (the file part is classified, its format judged
//! from its bytes; text parts are parameters like the query string's). The parameters are
//! [`ColumnArgs`], the same declaration the CLI's flags come from; details name them as
//! parameters (`lat=`), never as flags. The limit is `ServeConfig::max_classify_bytes` (413
//! beyond it); the summary comes in the `X-Classify-Summary` header as JSON.

use std::sync::{Arc, LazyLock};

use axum::Extension;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, RawQuery, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use super::openapi::{Problem, query_names};
use super::params::params;
use super::problem::ApiError;
use super::problem::Kind;
use super::state::Served;
use crate::auth::Caller;
use crate::classify::{ColumnArgs, Door, Options};
use crate::t;

/// How the body is to be read, and the answer's media type.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Tsv,
    GeoJson,
    /// A form upload: judged from the file's first byte.
    Sniff,
}

fn format_of(media: &str) -> Result<Format, ApiError> {
    Ok(match media {
        "text/csv" | "text/plain" => Format::Csv,
        "text/tab-separated-values" => Format::Tsv,
        "application/geo+json"
        | "application/json"
        | "application/x-ndjson"
        | "application/geo+json-seq"
        | "application/x-ndjson+geojson" => Format::GeoJson,
        "multipart/form-data" => Format::Sniff,
        _ => {
            return Err(ApiError::new(
                Kind::UnsupportedMediaType,
                t!("classify-media-type", media = media),
            ));
        }
    })
}

fn bad_form(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        Kind::MalformedForm,
        t!("classify-bad-form", error = e.to_string()),
    )
}

/// The file of a form upload and its text fields (as parameter pairs).
async fn read_form(req: Request) -> Result<(Vec<u8>, Vec<(String, String)>), ApiError> {
    let mut form = Multipart::from_request(req, &()).await.map_err(bad_form)?;
    let mut file = None;
    let mut fields = Vec::new();
    while let Some(part) = form.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(Kind::BodyTooLarge, e.body_text())
        } else {
            bad_form(e)
        }
    })? {
        let name = part.name().unwrap_or_default().to_string();
        let is_file = part.file_name().is_some() || name == "file";
        let bytes = part.bytes().await.map_err(bad_form)?;
        if is_file {
            if file.is_some() {
                return Err(bad_form(t!("classify-form-two-files")));
            }
            file = Some(bytes.to_vec());
        } else {
            fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    let file = file.ok_or_else(|| bad_form(t!("classify-form-no-file")))?;
    Ok((file, fields))
}

#[utoipa::path(post, path = "/v1/classify", tag = "lookup",
    summary = "Classify a whole file: every row back with its area and responsible officers",
    params(ColumnArgs),
    request_body(description = "CSV (`,` `;` or tab; UTF-8 or Windows-1252) or GeoJSON (a FeatureCollection, or one Feature per line), as the body or as the file of a `multipart/form-data` upload (`curl -F file=@places.csv`; text parts are parameters); at most 64 MiB",
        content((String = "text/csv"), (String = "text/tab-separated-values"), (Object = "application/geo+json"), (String = "application/x-ndjson"), (String = "multipart/form-data"))),
    responses(
        (status = 200, description = "The same rows or features, in order, with the columns of `columns` added (default: each layer's code and `<layer>_name`, position, thor_senior, police_coordinator, status, quality, source, point_lat, point_lon, point_x, point_y, message); the summary is in the `X-Classify-Summary` header",
            content((String = "text/csv"), (String = "text/tab-separated-values"), (Object = "application/geo+json"), (String = "application/x-ndjson"))),
        (status = 400, description = "Unknown parameter, or a form upload without a file", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than the limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not CSV or GeoJSON, or a compressed body (Content-Encoding)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No columns hold a place, or not GeoJSON", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
pub(super) async fn classify(
    Extension(s): Extension<Arc<Served>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/csv")
        .to_ascii_lowercase();
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let format = format_of(&media)?;
    // A compressed body read as the file itself would be refused for its "columns", in bytes
    // nobody can read: say what it is instead.
    if let Some(encoding) = req
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty() && v != "identity")
    {
        return Err(ApiError::new(
            Kind::UnsupportedMediaType,
            t!("http-classify-compressed", encoding = encoding),
        ));
    }
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(query_names::<ColumnArgs>);
    let names: &[&'static str] = &NAMES;
    let mut query = params(raw, names)?;
    let body = if format == Format::Sniff {
        let (file, fields) = read_form(req).await?;
        // Form fields are parameters too; the same one in both places is refused as repeated.
        let encoded = serde_urlencoded::to_string(&fields).unwrap_or_default();
        for (k, v) in params(Some(encoded), names)? {
            if query.insert(k, v).is_some() {
                return Err(ApiError::new(
                    Kind::RepeatedParameter,
                    t!("classify-parameter-twice", name = k),
                ));
            }
        }
        file
    } else {
        axum::body::to_bytes(req.into_body(), usize::MAX)
            .await
            .map_err(|e| ApiError::new(Kind::BodyTooLarge, e.to_string()))?
            .to_vec()
    };
    let columns: ColumnArgs =
        serde_json::from_value(serde_json::to_value(&query).unwrap_or_default())
            .map_err(|e| ApiError::new(Kind::BadParameter, e.to_string()))?;
    let geojson = match format {
        Format::GeoJson => true,
        Format::Sniff => body
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&body)
            .iter()
            .find(|b| !b.is_ascii_whitespace() && **b != 0x1e)
            .is_some_and(|b| *b == b'{'),
        Format::Csv | Format::Tsv => false,
    };
    // A bad day is the request's fault (400), not the file's (422).
    s.resolver
        .as_of(columns.as_of.as_deref())
        .map_err(|e| super::params::as_of_error(&e, &s.resolver))?;
    let opts = Options {
        columns,
        delimiter: (format == Format::Tsv).then_some(b'\t'),
        audience: caller.audience,
    };
    let answer_type = match (format, geojson) {
        (Format::Sniff, true) => "application/geo+json".to_string(),
        (Format::Sniff, false) => "text/csv".to_string(),
        _ => media,
    };
    let served = s.clone();
    let lang = crate::text::current();
    let result = tokio::task::spawn_blocking(move || {
        crate::text::sync_scope(lang, || {
            let mut out = Vec::with_capacity(body.len() * 2);
            let run = if geojson {
                crate::classify::classify_geojson
            } else {
                crate::classify::classify_csv
            };
            run(
                &served.resolver,
                body.as_slice(),
                &mut out,
                &opts,
                |_, _| {},
            )
            .map(|summary| (out, summary))
        })
    })
    .await
    .map_err(|e| ApiError::internal("the classification task stopped", &e))?;
    let (out, summary) =
        result.map_err(|e| ApiError::new(Kind::UnclassifiableFile, e.detail(Door::Http)))?;
    let summary_json = serde_json::to_string(&summary).unwrap_or_default();
    Ok(Response::builder()
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&answer_type).unwrap_or(HeaderValue::from_static("text/csv")),
        )
        // Column names may be any UTF-8: header values may carry those bytes as obs-text.
        .header(
            "x-classify-summary",
            HeaderValue::from_bytes(summary_json.as_bytes())
                .unwrap_or(HeaderValue::from_static("{}")),
        )
        .header(header::VARY, "Authorization")
        .body(Body::from(out))
        .unwrap_or_default())
}
