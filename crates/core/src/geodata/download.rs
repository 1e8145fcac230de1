//! `wijkwijzer download buurten`: CBS wijken en buurten of one gemeente from PDOK's OGC API
//! Features, written as a GeoJSON file that the import reads.
//!
//! What is known of PDOK's server (GoKoala; see `data/sources/FORMATS.md`) and what this relies
//! on: pages are FeatureCollections that link the next page with `rel="next"` and an opaque
//! cursor, `numberMatched` may be missing (so progress counts pages and features, not a
//! total), `limit` is clamped rather than refused, and `crs=…/EPSG/0/28992` asks for RD New,
//! confirmed by a `Content-Crs` header. Whether `gemeentecode=` is a queryable of the
//! collections is not pinned down, so it is sent and the features are filtered here as well:
//! the download is right either way, only slower when the server ignores the parameter.
//! Rate limits (429), server errors (5xx) and timeouts are retried with back-off.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

use super::SourceInfo;
use super::cbs::{self, CbsKind};
use crate::staging::StagedFile;

const RD_URI: &str = "http://www.opengis.net/def/crs/EPSG/0/28992";
/// Attempts per page before giving up.
const ATTEMPTS: u32 = 6;
/// A page larger than this is not a page of buurten.
const MAX_PAGE_BYTES: u64 = 512 << 20;
const MAX_PAGES: usize = 10_000;
/// Encodes all but RFC 3986's unreserved characters in a query value.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'~');

#[derive(Debug, Clone)]
pub struct DownloadOptions {
    /// Base URL of the OGC API (ends before `/collections`).
    pub api: String,
    pub year: u16,
    /// Four digits, e.g. "0935".
    pub gemeente: String,
    pub out: PathBuf,
    /// First wait before a retry; doubled on each further attempt.
    pub backoff: Duration,
}

impl DownloadOptions {
    /// PDOK's API for a CBS year.
    pub fn pdok_api(year: u16) -> String {
        format!("https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1")
    }
}

/// Normalises `GM0935` / `0935` / `935` to the four digits CBS codes use.
pub fn gemeente_digits(text: &str) -> Result<String, String> {
    let t = text.trim();
    let digits = t
        .strip_prefix("GM")
        .or_else(|| t.strip_prefix("gm"))
        .unwrap_or(t);
    match digits.parse::<u16>() {
        Ok(n) if digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(format!("{n:04}"))
        }
        _ => Err(format!(
            "'{text}' is not a gemeente code: give GM followed by four digits, e.g. GM0935 (Maastricht)"
        )),
    }
}

/// What a download did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DownloadReport {
    pub buurten: usize,
    pub wijken: usize,
    pub pages: usize,
    /// Features of other gemeenten the server sent and this client dropped.
    pub filtered_here: usize,
    pub retries: usize,
    /// Whether the server confirmed RD New with `Content-Crs`.
    pub rd_confirmed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("{url}: {reason}")]
    Http { url: String, reason: String },
    #[error("{url}: the answer is not a page of features: {reason}")]
    Format { url: String, reason: String },
    #[error("the downloaded buurten do not import: {0}")]
    Check(#[from] super::import::ImportError),
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
}

/// One fetched collection: features of the gemeente, and whether the server said RD.
struct Fetched {
    features: Vec<Value>,
    rd: bool,
}

struct Client {
    agent: ureq::Agent,
    backoff: Duration,
    report: DownloadReport,
}

impl Client {
    fn get(&mut self, url: &str) -> Result<(String, Option<String>), DownloadError> {
        let http = |reason: String| DownloadError::Http {
            url: url.to_string(),
            reason,
        };
        let mut wait = self.backoff;
        let mut retry_after: Option<Duration> = None;
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                self.report.retries += 1;
                std::thread::sleep(retry_after.take().unwrap_or(wait));
                wait = wait.saturating_mul(2);
            }
            let response = self
                .agent
                .get(url)
                .header("Accept", "application/geo+json, application/json")
                .call();
            let mut response = match response {
                Ok(r) => r,
                // Transport problems (refused, reset, timed out) are worth another try.
                Err(e) => {
                    last = e.to_string();
                    continue;
                }
            };
            let status = response.status().as_u16();
            if status == 429 || status >= 500 {
                if let Some(secs) = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                {
                    retry_after = Some(Duration::from_secs(secs.min(60)));
                }
                last = format!("HTTP {status}");
                continue;
            }
            if status != 200 {
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(64 << 10)
                    .read_to_string()
                    .unwrap_or_default();
                return Err(http(format!(
                    "HTTP {status}{}",
                    if body.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", body.chars().take(300).collect::<String>())
                    }
                )));
            }
            let crs = response
                .headers()
                .get("content-crs")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            match response
                .body_mut()
                .with_config()
                .limit(MAX_PAGE_BYTES)
                .read_to_string()
            {
                Ok(body) => return Ok((body, crs)),
                Err(e) => last = e.to_string(),
            }
        }
        Err(http(format!("gave up after {ATTEMPTS} attempts: {last}")))
    }

    /// Fetches every page of a collection, keeping the gemeente's features.
    fn collection(
        &mut self,
        api: &str,
        collection: &str,
        gemeente: &str,
        progress: &mut dyn FnMut(&DownloadReport),
    ) -> Result<Fetched, DownloadError> {
        let kind = if collection == "buurten" {
            CbsKind::Buurt
        } else {
            CbsKind::Wijk
        };
        let prefix = format!(
            "{}{gemeente}",
            if kind == CbsKind::Buurt { "BU" } else { "WK" }
        );
        let mut url = format!(
            "{}/collections/{collection}/items?f=json&limit=1000&gemeentecode=GM{gemeente}&crs={}",
            api.trim_end_matches('/'),
            percent_encoding::utf8_percent_encode(RD_URI, QUERY_VALUE)
        );
        let mut seen = HashSet::new();
        let mut out = Fetched {
            features: Vec::new(),
            rd: true,
        };
        loop {
            if !seen.insert(url.clone()) || seen.len() > MAX_PAGES {
                return Err(DownloadError::Format {
                    url,
                    reason: "the 'next' links go round in a circle".into(),
                });
            }
            let (body, crs) = self.get(&url)?;
            out.rd &= crs.as_deref().is_some_and(|c| c.contains("28992"));
            let page: Value = serde_json::from_str(&body).map_err(|e| DownloadError::Format {
                url: url.clone(),
                reason: e.to_string(),
            })?;
            let features = page
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| DownloadError::Format {
                    url: url.clone(),
                    reason: "no 'features' array".into(),
                })?;
            self.report.pages += 1;
            for f in features {
                let code = f
                    .pointer("/properties/buurtcode")
                    .filter(|_| kind == CbsKind::Buurt)
                    .or_else(|| f.pointer("/properties/wijkcode"))
                    .or_else(|| f.pointer("/properties/statcode"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if code.starts_with(&prefix) {
                    out.features.push(f.clone());
                } else {
                    self.report.filtered_here += 1;
                }
            }
            match kind {
                CbsKind::Buurt => self.report.buurten = out.features.len(),
                CbsKind::Wijk => self.report.wijken = out.features.len(),
            }
            progress(&self.report);
            let next = page
                .get("links")
                .and_then(Value::as_array)
                .and_then(|links| {
                    links.iter().find(|l| {
                        l.get("rel").and_then(Value::as_str) == Some("next")
                            && l.get("type")
                                .and_then(Value::as_str)
                                .is_none_or(|t| t.contains("json"))
                    })
                })
                .and_then(|l| l.get("href"))
                .and_then(Value::as_str);
            match next {
                Some(href) => url = href.to_string(),
                None => break,
            }
        }
        Ok(out)
    }
}

/// Downloads the buurten and wijken of a gemeente and writes the buurten, each with its
/// wijk's name, as one GeoJSON FeatureCollection that [`super::import`] reads. The file is
/// replaced only when the download is complete and reads back as buurten of the gemeente.
pub fn download_buurten(
    opts: &DownloadOptions,
    progress: &mut dyn FnMut(&DownloadReport),
) -> Result<DownloadReport, DownloadError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .http_status_as_error(false)
        .user_agent(concat!("wijkwijzer/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut client = Client {
        agent,
        backoff: opts.backoff,
        report: DownloadReport::default(),
    };
    let wijken = client.collection(&opts.api, "wijken", &opts.gemeente, progress)?;
    let buurten = client.collection(&opts.api, "buurten", &opts.gemeente, progress)?;
    let names: BTreeMap<&str, &str> = wijken
        .features
        .iter()
        .filter_map(|w| {
            Some((
                w.pointer("/properties/wijkcode")?.as_str()?,
                w.pointer("/properties/wijknaam")?.as_str()?,
            ))
        })
        .collect();
    let keep = [
        "buurtcode",
        "buurtnaam",
        "wijkcode",
        "gemeentecode",
        "gemeentenaam",
        "water",
        "jaarstatcode",
        "jrstatcode",
    ];
    let features: Vec<Value> = buurten
        .features
        .iter()
        .map(|f| {
            let mut props = serde_json::Map::new();
            for k in keep {
                if let Some(v) = f.pointer(&format!("/properties/{k}")) {
                    props.insert(k.to_string(), v.clone());
                }
            }
            let wijk = props
                .get("wijkcode")
                .and_then(Value::as_str)
                .and_then(|c| names.get(c));
            if let Some(name) = wijk {
                props.insert("wijknaam".into(), Value::from(*name));
            }
            json!({"type": "Feature", "properties": props, "geometry": f.get("geometry").cloned().unwrap_or(Value::Null)})
        })
        .collect();
    client.report.rd_confirmed = buurten.rd;
    let source = SourceInfo {
        name: format!(
            "CBS wijken en buurten {} (PDOK OGC API Features)",
            opts.year
        ),
        year: opts.year,
        generalized: false,
        accuracy_m: None,
        attribution: "Bron: CBS/Kadaster (PDOK)".into(),
        licence: "CC BY 4.0".into(),
    };
    let mut doc = json!({
        "type": "FeatureCollection",
        "wijkwijzer_source": source,
        "features": features,
    });
    // Without the server's word that it sent RD, the import judges the CRS from the numbers.
    if buurten.rd {
        doc["crs"] = json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}});
    }
    write_checked(&opts.out, &doc, &opts.gemeente)?;
    Ok(client.report)
}

fn write_checked(out: &Path, doc: &Value, gemeente: &str) -> Result<(), DownloadError> {
    let io = |e: std::io::Error| DownloadError::Io {
        path: out.display().to_string(),
        reason: e.to_string(),
    };
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let staged = StagedFile::new(out);
    std::fs::write(staged.path(), doc.to_string()).map_err(io)?;
    cbs::read(staged.path(), CbsKind::Buurt, gemeente, None)?;
    staged.commit().map_err(io)
}
