//! `POST /v1/classify`: a whole file back with its rows placed, as a body or a form upload.
//!
//! The body is CSV, TSV or GeoJSON as its Content-Type says, or `multipart/form-data` as
//! `curl -F file=@incidents.csv` sends it (the file part is classified, its format judged
//! from its bytes; text parts are parameters like the query string's). The parameters are
//! [`ColumnArgs`], the same declaration the CLI's flags come from; details name them as
//! parameters (`lat=`), never as flags. The limit is `ServeConfig::max_classify_bytes` (413
//! beyond it); the summary comes in the `X-Classify-Summary` header as JSON.
//!
//! One upload costs memory (its body, held while it is classified) and CPU (address rows cost a
//! millisecond each), so what is in flight is bounded ([`Uploads`]): per client (429 beyond
//! `classify-per-client`) and in memory all together (an upload waits for room, and gets a 503
//! if none comes); it has its own time limit (`classify-timeout-secs`), and once its request is
//! gone (timed out, or the client left) the classification stops at its next row.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use super::params::params;
use super::problem::ApiError;
use super::problem::Kind;
use super::schema::{Problem, query_names};
use super::state::{AppState, Served};
use crate::auth::Caller;
use crate::classify::{Cancel, ColumnArgs, Door, Options};
use crate::t;

/// Who an upload is counted for: the key by its name, else the client's address (an IPv6
/// client by its /64).
fn uploader(app: &AppState, caller: &Caller, req: &Request) -> String {
    if let Some(name) = &caller.key_name {
        return format!("key:{name}");
    }
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
    let client = super::client::client_addr(peer, req.headers(), &app.config.trusted_proxies);
    super::client::rate_key(client).to_string()
}

/// The time limit of a request: a classification has its own, every other request the
/// lookup's. Answered 503 when it runs out; the handler's future is dropped, which cancels a
/// classification.
pub(super) async fn deadline<F: Future<Output = Response>>(
    app: &AppState,
    req: Request,
    answer: impl FnOnce(Request) -> F,
) -> Response {
    use axum::response::IntoResponse;
    let classify = req.uri().path() == "/v1/classify";
    let limit = if classify {
        app.config.classify_timeout
    } else {
        app.config.timeout
    };
    match tokio::time::timeout(limit, answer(req)).await {
        Ok(res) => res,
        Err(_) if classify => ApiError::new(
            Kind::Timeout,
            t!("http-classify-timeout", secs = limit.as_secs()),
        )
        .into_response(),
        Err(_) => ApiError::new(Kind::Timeout, t!("http-timeout"))
            .retry_after(1)
            .into_response(),
    }
}

/// How the body is to be read, and the answer's media type.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Tsv,
    GeoJson,
    /// A form upload: judged from the file's first byte.
    Sniff,
    /// An Excel or OpenDocument workbook.
    Workbook,
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
        crate::classify::workbook::XLSX
        | crate::classify::workbook::ODS
        | "application/vnd.ms-excel" => Format::Workbook,
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

/// The size of the blocks a form upload's file is kept in.
const FORM_BLOCK: usize = 1 << 20;

/// The file of a form upload and its text fields (as parameter pairs).
async fn read_form(req: Request) -> Result<(Frames, Vec<(String, String)>), ApiError> {
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
        // The file is copied out in blocks of 1 MiB as it arrives. Collected into one buffer it
        // was held twice while that buffer grew (270 MiB peak for a 64 MiB upload); kept as the
        // parser's pieces, every buffer the parser grew stayed alive under them (264 MiB).
        let mut pieces = Vec::new();
        let mut block: Vec<u8> = Vec::with_capacity(FORM_BLOCK);
        let mut part = part;
        while let Some(piece) = part.chunk().await.map_err(bad_form)? {
            let mut rest = &piece[..];
            while !rest.is_empty() {
                let n = rest.len().min(FORM_BLOCK - block.len());
                block.extend_from_slice(&rest[..n]);
                rest = &rest[n..];
                if block.len() == FORM_BLOCK {
                    pieces.push(Bytes::from(std::mem::replace(
                        &mut block,
                        Vec::with_capacity(FORM_BLOCK),
                    )));
                }
            }
        }
        pieces.push(Bytes::from(block));
        if is_file {
            if file.is_some() {
                return Err(bad_form(t!("classify-form-two-files")));
            }
            file = Some(Frames::from(pieces));
        } else {
            let text: Vec<u8> = pieces.concat();
            fields.push((name, String::from_utf8_lossy(&text).into_owned()));
        }
    }
    let file = file.ok_or_else(|| bad_form(t!("classify-form-no-file")))?;
    Ok((file, fields))
}

#[utoipa::path(post, path = "/v1/classify", tag = "lookup",
    summary = "Classify a whole file: every row back with its area and responsible officers",
    params(ColumnArgs),
    request_body(description = "CSV (`,` `;` or tab; UTF-8 or Windows-1252), GeoJSON (a FeatureCollection, or one Feature per line) or a workbook (.xlsx, .ods: the first sheet, or `sheet=`; answered as CSV, or as .xlsx with `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`), as the body or as the file of a `multipart/form-data` upload (`curl -F file=@places.csv`; text parts are parameters); at most 64 MiB",
        content((String = "text/csv"), (String = "text/tab-separated-values"), (Object = "application/geo+json"), (String = "application/x-ndjson"), (String = "multipart/form-data"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (String = "application/vnd.oasis.opendocument.spreadsheet"))),
    responses(
        (status = 200, description = "The same rows or features, in order, with the columns of `columns` added (default: each layer's code and `<layer>_name`, position, the role columns of the municipality's profile, status, quality, source, point_lat, point_lon, point_x, point_y, message); the summary is in the `X-Classify-Summary` header",
            content((String = "text/csv"), (String = "text/tab-separated-values"), (Object = "application/geo+json"), (String = "application/x-ndjson"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Unknown parameter, a bad value (decimal, crs), a form upload without a file, or a body that breaks off", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than the limit, or a workbook would expand beyond one of the service's workbook limits (the problem names it)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not CSV or GeoJSON, or compressed otherwise than with gzip (Content-Encoding)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No columns hold a place, not GeoJSON, no workbook that is read (an Excel 97-2003 .xls is refused)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This client (or key) already has its share of files being classified, or its rate is used up", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No room to classify the file within 10 s (busy), or it was not classified within the service's classification time limit", body = Problem, content_type = "application/problem+json"),
        (status = 507, description = "No room on the server to hold the answer", body = Problem, content_type = "application/problem+json"),
    ))]
pub(super) async fn classify(
    State(app): State<Arc<AppState>>,
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
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    // gzip (and its old name) is read; anything else read as the file itself would be refused
    // for its "columns", in bytes nobody can read: say what it is instead.
    let gzip = match req
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty() && v != "identity")
    {
        None => false,
        Some(e) if (e == "gzip" || e == "x-gzip") && format != Format::Sniff => true,
        Some(encoding) => {
            return Err(ApiError::new(
                Kind::UnsupportedMediaType,
                t!("http-classify-compressed", encoding = encoding),
            ));
        }
    };
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(query_names::<ColumnArgs>);
    let names: &[&'static str] = &NAMES;
    let mut query = params(raw, names)?;
    // Counted before the body is read: that is where the memory goes.
    let _in_flight = app.uploads.enter(uploader(&app, &caller, &req))?;
    let limit = app.config.max_classify_bytes;
    // A compressed body unpacks to up to the limit; a workbook's shared strings are held
    // beside it, at most what its parts may unpack to.
    let length = match req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        Some(n) if !gzip => n.min(limit),
        _ => limit,
    };
    let strings = if matches!(format, Format::Workbook | Format::Sniff) {
        let w = &app.config.workbook;
        (length as u64)
            .saturating_mul(w.max_ratio)
            .min(w.max_text_mib.saturating_mul(1 << 20))
    } else {
        0
    };
    let room = app
        .uploads
        .room(length.saturating_add(usize::try_from(strings).unwrap_or(usize::MAX)))
        .await?;
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
        read_body(req).await?
    };
    // Through the form encoding, so that numbers and flags (`header_row=3`,
    // `strict_inside=true`) are read from their text as a query string's are.
    let columns: ColumnArgs = serde_urlencoded::to_string(&query)
        .map_err(|e| e.to_string())
        .and_then(|q| serde_urlencoded::from_str(&q).map_err(|e| e.to_string()))
        .map_err(|e| ApiError::new(Kind::BadParameter, e))?;
    // A parameter's bad value is the request's fault (400), not the file's (422).
    columns
        .decimal()
        .map(|_| ())
        .and_then(|()| columns.crs().map(|_| ()))
        .and_then(|()| columns.bom().map(|_| ()))
        .map_err(|e| ApiError::new(Kind::BadParameter, e.detail(Door::Http)))?;
    // A workbook is one whatever its label: `curl --data-binary @f.xlsx` says text/csv or
    // nothing, and a form upload says nothing at all.
    let workbook = format == Format::Workbook
        || (!gzip && crate::classify::workbook::looks_like_workbook(body.head()));
    // Asked with Accept, a workbook's answer is a workbook too (CSV otherwise).
    let xlsx_answer = workbook
        && accept
            .as_deref()
            .is_some_and(|a| a.contains(crate::classify::workbook::XLSX));
    let geojson = !workbook
        && match format {
            Format::GeoJson => true,
            Format::Sniff => body
                .head()
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(body.head())
                .iter()
                .find(|b| !b.is_ascii_whitespace() && **b != 0x1e)
                .is_some_and(|b| *b == b'{'),
            Format::Csv | Format::Tsv | Format::Workbook => false,
        };
    // A bad day is the request's fault (400), not the file's (422).
    let at = columns
        .at
        .as_deref()
        .map(super::params::parse_at)
        .transpose()?;
    let as_of = super::params::day(columns.as_of.as_deref(), &s.resolver)?;
    s.resolver
        .moment(as_of, at)
        .map_err(|e| super::params::as_of_error(&e, &s.resolver))?;
    // Dropped when this handler's future is: by the time limit, or when the client leaves.
    // The classification then stops at its next row instead of running on unseen.
    let cancel = CancelOnDrop(Arc::new(AtomicBool::new(false)));
    let cancelled = cancel.0.clone();
    let opts = Options {
        columns,
        delimiter: (format == Format::Tsv).then_some(b'\t'),
        audience: caller.audience,
        workbook: app.config.workbook,
        cancel: Cancel::new(cancelled.clone()),
        answer: if xlsx_answer {
            crate::classify::WorkbookAnswer::Xlsx
        } else {
            crate::classify::WorkbookAnswer::Csv
        },
    };
    let answer_type = match (format, geojson) {
        _ if xlsx_answer => crate::classify::workbook::XLSX.to_string(),
        _ if workbook => "text/csv".to_string(),
        (Format::Sniff, true) => "application/geo+json".to_string(),
        (Format::Sniff, false) => "text/csv".to_string(),
        _ => media,
    };
    let served = s.clone();
    let lang = crate::text::current();
    let app = app.clone();
    let result = tokio::task::spawn_blocking(move || {
        crate::text::sync_scope(lang, || {
            let mut out = Spool::new(cancelled);
            let run = if workbook {
                crate::classify::classify
            } else if geojson {
                crate::classify::classify_geojson
            } else {
                crate::classify::classify_csv
            };
            let input: Box<dyn std::io::Read + Send> = if gzip {
                Box::new(Limited {
                    inner: flate2::read::MultiGzDecoder::new(body),
                    left: limit as u64,
                })
            } else {
                Box::new(body)
            };
            let summary = run(&served.resolver, input, &mut out, &opts, |_, _| {});
            if summary.is_err() && out.cancelled.load(Ordering::Relaxed) {
                // Nobody waits for this answer any more: the client has its 503, or has left.
                app.metrics.classify_cancelled();
                tracing::info!("classification stopped: its request timed out or its client left");
            }
            (out, summary)
        })
    })
    .await
    .map_err(|e| ApiError::internal("the classification task stopped", &e))?;
    // The body is gone; the answer is on disk beyond a few MiB.
    drop(room);
    let (out, summary) = match result {
        (out, Ok(summary)) => (out, summary),
        (_, Err(crate::classify::ClassifyError::Write(e))) => {
            tracing::error!(error = %e, "no room to hold a classification's answer");
            return Err(ApiError::new(
                Kind::NoRoom,
                t!("http-classify-no-room", error = e.kind().to_string()),
            ));
        }
        (_, Err(crate::classify::ClassifyError::Read(e)))
            if e.kind() == std::io::ErrorKind::FileTooLarge =>
        {
            return Err(ApiError::new(Kind::BodyTooLarge, e.to_string()));
        }
        (_, Err(crate::classify::ClassifyError::Workbook(e))) => {
            return Err(ApiError::new(Kind::WorkbookTooLarge, e.detail(Door::Http)));
        }
        (_, Err(crate::classify::ClassifyError::Cancelled)) => {
            return Err(ApiError::new(Kind::Timeout, t!("http-timeout")));
        }
        (_, Err(crate::classify::ClassifyError::Read(e))) if gzip => {
            return Err(ApiError::new(
                Kind::UnreadableBody,
                t!("classify-bad-body", error = e.to_string()),
            ));
        }
        (_, Err(e)) => {
            return Err(ApiError::new(
                Kind::UnclassifiableFile,
                e.detail(Door::Http),
            ));
        }
    };
    drop(cancel);
    let body = out.into_body().await.map_err(|e| {
        tracing::error!(error = %e, "the spooled answer could not be read back");
        ApiError::new(
            Kind::NoRoom,
            t!("http-classify-no-room", error = e.kind().to_string()),
        )
    })?;
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
        .body(body)
        .unwrap_or_default())
}

/// A decompressed body, cut off at the upload limit: a small gzip may unpack to gigabytes.
struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R: std::io::Read> std::io::Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One byte more than allowed means the file is larger than the limit.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::new(
                    std::io::ErrorKind::FileTooLarge,
                    t!("http-classify-unpacked-too-large"),
                )),
            };
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Sets its flag when dropped.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Answers up to this size stay in memory; larger ones go to an unlinked temporary file.
const SPOOL_IN_MEMORY: usize = 8 << 20;

/// Where a classification's answer is written until it is complete.
///
/// The summary goes in a header, so the answer cannot be sent while it is made; held in memory
/// it was about ten times the upload (645 MB for 63 MiB). Spooled, memory stays at the upload
/// plus [`SPOOL_IN_MEMORY`] whatever the file's size; the disk holds the rest (`$TMPDIR`), and
/// the file is gone when the answer has been sent or dropped. A write fails once the request
/// is cancelled, which is how the classification learns to stop.
struct Spool {
    file: tempfile::SpooledTempFile,
    cancelled: Arc<AtomicBool>,
}

impl Spool {
    fn new(cancelled: Arc<AtomicBool>) -> Spool {
        Spool {
            file: tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY),
            cancelled,
        }
    }

    /// The answer as a response body: the bytes themselves, or the file read in pieces.
    async fn into_body(self) -> std::io::Result<Body> {
        match self.file.into_inner() {
            tempfile::SpooledData::InMemory(cursor) => Ok(Body::from(cursor.into_inner())),
            tempfile::SpooledData::OnDisk(mut file) => {
                use std::io::Seek;
                file.seek(std::io::SeekFrom::Start(0))?;
                let file = tokio::fs::File::from_std(file);
                Ok(Body::from_stream(
                    tokio_util::io::ReaderStream::with_capacity(file, 1 << 16),
                ))
            }
        }
    }
}

impl std::io::Write for Spool {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.cancelled.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("the request was cancelled"));
        }
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// A body as it arrived: the pieces hyper read, kept as they are and read one after another.
/// Joining them into one buffer held the upload twice while it was copied, and a body without a
/// length grew its buffer by doubling (96 MiB for a 64 MiB upload).
struct Frames {
    parts: std::collections::VecDeque<Bytes>,
}

impl From<Vec<Bytes>> for Frames {
    fn from(parts: Vec<Bytes>) -> Frames {
        Frames {
            parts: parts.into_iter().filter(|p| !p.is_empty()).collect(),
        }
    }
}

impl Frames {
    /// The first piece, where a format is judged from (a BOM and `{` or not).
    fn head(&self) -> &[u8] {
        self.parts.front().map_or(&[], |b| &b[..])
    }
}

impl std::io::Read for Frames {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(front) = self.parts.front_mut() else {
            return Ok(0);
        };
        let n = front.len().min(buf.len());
        buf[..n].copy_from_slice(&front[..n]);
        // A cheap slice of the same allocation, not a copy.
        *front = front.slice(n..);
        if front.is_empty() {
            self.parts.pop_front();
        }
        Ok(n)
    }
}

/// The body, in the pieces it came in; a body over the limit is a 413, one that breaks off or is
/// malformed (bad chunked encoding) a 400.
async fn read_body(req: Request) -> Result<Frames, ApiError> {
    use http_body_util::BodyExt;
    let mut parts = Vec::new();
    let mut body = req.into_body();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            let mut too_large = false;
            while let Some(c) = cause {
                too_large |= c.is::<http_body_util::LengthLimitError>();
                cause = c.source();
            }
            if too_large {
                ApiError::new(Kind::BodyTooLarge, e.to_string())
            } else {
                ApiError::new(
                    Kind::UnreadableBody,
                    t!("classify-bad-body", error = e.to_string()),
                )
            }
        })?;
        if let Ok(data) = frame.into_data() {
            parts.push(data);
        }
    }
    Ok(Frames::from(parts))
}
