//! Batch classification: whole files of places to areas and responsible officers, streamed,
//! in parallel and lossless.
//!
//! Every input record comes out once, in order, with its original bytes untouched (quotes,
//! spacing, encoding, line ends) and the chosen columns appended (default: every layer's code
//! and name, position, the role columns of the municipality's profile (e.g. the senior
//! wijkgebonden medewerker and the police coordinator), status, match quality, the place's source, the resolved
//! point in WGS84 and RD, the certainty and the other areas it reaches, and a message). A row
//! that cannot be placed gets a status (`outside`, `missing_place`, `bad_coordinate`,
//! `bad_address`, `address_not_found`, `ambiguous_address`, `bad_feature`) and a message naming
//! the column at fault instead of being dropped. Workbooks (`.xlsx`, `.ods`) are read
//! and written by [`workbook`].
//!
//! Each row is placed from the first place it has: coordinates, then postcode + huisnummer,
//! then straat + huisnummer (+ woonplaats), then a free-text column ([`columns`]). The answer
//! for a place comes from the same functions as a lookup's ([`row`]), so a row and a lookup of
//! the same place never differ.
//!
//! - [`columns`]: the parameters (one declaration for CLI, HTTP and OpenAPI) and column
//!   detection; `output`: the added columns;
//! - [`row`]: one row's place, answer and cells;
//! - `csv` and [`geojson`]: the two formats;
//! - `chunk`: chunked reading and the parallel pipeline.

mod cell;
mod chunk;
pub mod columns;
mod csv;
pub mod geojson;
mod output;
pub mod row;
pub mod workbook;

pub use columns::{ColumnArgs, ColumnProblem, Door};
pub use csv::classify_csv;
pub use geojson::classify_geojson;
pub use workbook::{WorkbookAnswer, classify_workbook};

use std::collections::BTreeMap;
use std::io::Read;

use serde::Serialize;

use crate::crs::Rd;
use crate::resolve::{On, Resolver};
use crate::roster::Audience;
use crate::t;
use chunk::Counts;
use columns::SourceKind;
use output::Output;
use row::{Classifier, Status};

/// How to read a file and what to add.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The place columns and the added columns.
    pub columns: ColumnArgs,
    /// CSV field delimiter; `None`: detected from the header.
    pub delimiter: Option<u8>,
    pub audience: Audience,
    /// How the answer to a workbook is written (an `.xlsx` only for a workbook).
    pub answer: WorkbookAnswer,
    /// How far a workbook may expand.
    pub workbook: workbook::Limits,
    /// Set when nobody waits for the answer any more (its request timed out, its client left):
    /// the classification stops at the next row.
    pub cancel: Cancel,
}

/// A flag that stops a classification between rows.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Option<std::sync::Arc<std::sync::atomic::AtomicBool>>);

impl Cancel {
    pub fn new(flag: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Cancel {
        Cancel(Some(flag))
    }

    pub fn is_set(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
    }

    pub(crate) fn check(&self) -> Result<(), ClassifyError> {
        if self.is_set() {
            Err(ClassifyError::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Counts for the person or program that ran the classification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub rows: u64,
    pub resolved: u64,
    /// Resolved rows per LWA area name.
    pub per_area: BTreeMap<String, u64>,
    /// Rows per status (`ok` and every failure kind).
    pub per_status: BTreeMap<String, u64>,
    /// Rows per kind of place they were placed from (`lat/lon`, `x/y`, `postcode`, `street`,
    /// `text`, `geometry`).
    pub per_source: BTreeMap<String, u64>,
    pub delimiter: String,
    pub encoding: String,
    /// Where the place is read from, in the order rows are placed from it.
    pub columns: String,
    /// The line of a CSV file taken as its header (1 is the first; title and blank lines
    /// above it are kept as they were); none for GeoJSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u64>,
    /// Title and blank lines above the header, passed through as they were.
    #[serde(skip_serializing_if = "is_zero")]
    pub lines_above_header: u64,
    /// How the added numbers are written: `comma` (as the file writes its own decimals, or
    /// any `;` file without decimals) or `point`; `decimal=` overrides.
    pub decimal: String,
    /// What was judged from the values: swapped columns, the CRS of x/y.
    pub notes: Vec<String>,
    /// The names of the added columns, in order.
    pub added: Vec<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Why a file could not be classified at all (rows with problems never end up here).
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    #[error("{}", t!("classify-empty"))]
    Empty,
    #[error("{}", .0.detail(Door::Cli))]
    Columns(ColumnProblem),
    #[error("{}", t!("classify-not-geojson", error = .0))]
    NotGeoJson(String),
    #[error("{}", t!("classify-read", error = .0.to_string()))]
    Read(std::io::Error),
    #[error("{}", t!("classify-write", error = .0.to_string()))]
    Write(std::io::Error),
    #[error("--as-of: {0}")]
    AsOf(crate::resolve::AsOfError),
    /// `at` is not an RFC 3339 date-time.
    #[error(
        "--at: '{0}' is not a date-time with an offset: write RFC 3339, e.g. 2026-12-05T23:00:00+01:00"
    )]
    At(String),
    /// Not a table at all (binary data, a ZIP that is no workbook), in one sentence.
    #[error("{0}")]
    NotATable(String),
    /// A workbook that would expand beyond a limit.
    #[error("{0}")]
    Workbook(workbook::TooLarge),
    /// Nobody waits for the answer any more.
    #[error("the classification was cancelled")]
    Cancelled,
}

impl ClassifyError {
    /// The message in a door's terms (flags for the CLI, parameters for HTTP).
    pub fn detail(&self, door: Door) -> String {
        match self {
            ClassifyError::Columns(p) => p.detail(door),
            ClassifyError::Workbook(w) => w.detail(door),
            ClassifyError::AsOf(e) => match door {
                Door::Cli => format!("--as-of: {e}"),
                Door::Http => format!("as_of: {e}"),
            },
            other => other.to_string(),
        }
    }
}

/// Classifies CSV or GeoJSON, whichever the input is: GeoJSON starts with `{`.
pub fn classify<R: Read, W: std::io::Write>(
    resolver: &Resolver,
    input: R,
    output: W,
    opts: &Options,
    progress: impl FnMut(u64, u64),
) -> Result<Summary, ClassifyError> {
    use std::io::BufRead;
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let head = input.fill_buf().map_err(ClassifyError::Read)?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let json = head
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0x1e)
        .is_some_and(|b| *b == b'{');
    if workbook::looks_like_workbook(head) {
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes).map_err(ClassifyError::Read)?;
        let sheet = opts.columns.sheet.clone();
        return classify_workbook(resolver, bytes, output, opts, sheet.as_deref(), opts.answer);
    }
    if opts.answer == WorkbookAnswer::Xlsx {
        return Err(ClassifyError::NotATable(t!("classify-xlsx-for-workbooks")));
    }
    if json {
        classify_geojson(resolver, input, output, opts, progress)
    } else {
        classify_csv(resolver, input, output, opts, progress)
    }
}

/// The resolver of the day the options ask for.
fn on_day<'a>(resolver: &'a Resolver, opts: &Options) -> Result<On<'a>, ClassifyError> {
    // One moment for the whole file, as a lookup has: `at` sets the day too, and an `as_of`
    // of another day is refused rather than mixed with it.
    let at = match opts.columns.at.as_deref() {
        Some(at) => Some(
            at.trim()
                .parse::<jiff::Timestamp>()
                .map_err(|_| ClassifyError::At(at.to_string()))?,
        ),
        None => None,
    };
    let as_of = (opts.columns.as_of.as_deref())
        .map(crate::resolve::parse_as_of)
        .transpose()
        .map_err(ClassifyError::AsOf)?;
    resolver.moment(as_of, at).map_err(ClassifyError::AsOf)
}

/// The added columns the options ask for, for this resolver's layers.
fn output_columns(resolver: &Resolver, opts: &Options) -> Result<Output, ClassifyError> {
    let data = resolver.data();
    let layers: Vec<&str> = data.layers.iter().map(|l| l.info.id.as_str()).collect();
    let coverage = data
        .layer_index(&data.manifest.coverage_layer)
        .unwrap_or_default();
    let roles: Vec<&str> = data
        .municipality
        .columns
        .iter()
        .map(|c| c.column.as_str())
        .collect();
    Output::parse(
        opts.columns.columns.as_deref(),
        &layers,
        coverage,
        &roles,
        !data.overlays.is_empty(),
    )
    .map_err(ClassifyError::Columns)
}

/// Whether a point lies within 10 km of the covered area: how coordinate columns are judged.
fn near_coverage(resolver: &Resolver) -> impl Fn(Rd) -> bool + use<> {
    use geo::BoundingRect;
    let data = resolver.data();
    let bbox = data
        .layer_index(&data.manifest.coverage_layer)
        .and_then(|l| {
            data.layers[l]
                .areas
                .iter()
                .filter_map(|a| a.geometry.bounding_rect())
                .reduce(|a, b| {
                    geo::Rect::new(
                        geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                        geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
                    )
                })
        });
    move |p: Rd| {
        bbox.is_some_and(|b| {
            const MARGIN: f64 = 10_000.0;
            (b.min().x - MARGIN..=b.max().x + MARGIN).contains(&p.x)
                && (b.min().y - MARGIN..=b.max().y + MARGIN).contains(&p.y)
        })
    }
}

/// Puts the counts into the summary, areas by name.
fn finish(c: &Classifier<'_>, summary: &mut Summary, counts: Counts) {
    summary.rows = counts.rows;
    summary.resolved = counts.resolved;
    summary.per_status = <Status as strum::IntoEnumIterator>::iter()
        .zip(counts.status)
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| (s.as_str().to_string(), n))
        .collect();
    summary.per_source = <SourceKind as strum::IntoEnumIterator>::iter()
        .zip(counts.source)
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| (s.as_str().to_string(), n))
        .collect();
    for (i, n) in counts.area.into_iter().enumerate() {
        if n > 0
            && let Some(name) = c.coverage_name_of(i as u32)
        {
            *summary.per_area.entry(name.to_string()).or_default() += n;
        }
    }
}
