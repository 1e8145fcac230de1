//! `wijkwijzer classify`: files in, files out, with a progress bar and a summary.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use wijkwijzer::classify::{ColumnArgs, Door, Options};
use wijkwijzer::roster::Audience;

/// Classify a file of places: every row back with its area and responsible officers.
///
/// CSV (`,` `;` or tab; UTF-8 with or without BOM, or Windows-1252): each row is placed from
/// the first place it has: coordinates (lat/lon or x/y), then postcode + huisnummer, then
/// straat + huisnummer (+ woonplaats), then a free-text address column. Columns are found by
/// their usual names or named with the flags below (naming any turns detection off).
/// GeoJSON (a FeatureCollection or one Feature per line): Point features, properties added.
/// A workbook (.xlsx, .xls, .ods): the first sheet (or `--sheet`); written as CSV, or as .xlsx
/// when the output's name ends so, every input cell kept with its type.
/// Exit 0: every row placed; 1: some rows not placed; 2: the file could not be classified.
#[derive(clap::Args)]
pub(super) struct ClassifyArgs {
    /// Input file; `-` for stdin.
    input: String,
    /// Output file; `-` (default) for stdout.
    #[arg(short, long, default_value = "-")]
    output: String,
    /// Write the summary as JSON to this file.
    #[arg(long)]
    report: Option<PathBuf>,
    #[command(flatten)]
    columns: ColumnArgs,
    /// Field delimiter (default: detected from the header): ',', ';' or 'tab'.
    #[arg(long)]
    delimiter: Option<String>,
    /// Include internal channels and names (public data only by default, as for callers
    /// without a key): for files that stay inside the organisation.
    #[arg(long)]
    internal: bool,
    /// Never show a progress bar.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    data: super::DataArgs,
}

pub(super) fn run(args: ClassifyArgs) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    let delimiter = match args.delimiter.as_deref() {
        None => None,
        Some("tab" | "\\t" | "\t") => Some(b'\t'),
        Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
        Some(d) => anyhow::bail!("--delimiter must be one character or 'tab', got '{d}'"),
    };
    let audience = if args.internal {
        eprintln!(
            "note: --internal: the output holds internal channels and names; do not pass it on outside the organisation"
        );
        Audience::Internal
    } else {
        Audience::Public
    };
    // A workbook's answer is a workbook when the output's name says so.
    let answer = if args.output.to_ascii_lowercase().ends_with(".xlsx") {
        wijkwijzer::classify::WorkbookAnswer::Xlsx
    } else {
        wijkwijzer::classify::WorkbookAnswer::Csv
    };
    let opts = Options {
        columns: args.columns,
        delimiter,
        audience,
        answer,
    };
    let resolver = args.data.resolver()?;
    let (input, output, quiet) = (args.input.as_str(), args.output.as_str(), args.quiet);
    let (reader, size): (Box<dyn std::io::Read>, Option<u64>) = if input == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let f = std::fs::File::open(input).with_context(|| format!("cannot read {input}"))?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    let writer: Box<dyn std::io::Write> = if output == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(output).with_context(|| format!("cannot write {output}"))?)
    };
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = match size {
            Some(n) => indicatif::ProgressBar::new(n),
            None => indicatif::ProgressBar::new_spinner(),
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg} ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let started = std::time::Instant::now();
    let summary =
        wijkwijzer::classify::classify(&resolver, reader, writer, &opts, |bytes, rows| {
            if let Some(b) = &bar {
                b.set_position(bytes);
                let secs = started.elapsed().as_secs_f64().max(1e-9);
                b.set_message(format!("{rows} rows, {:.0} rows/s", rows as f64 / secs));
            }
        });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wijkwijzer: {}", e.detail(Door::Cli));
            return Ok(ExitCode::from(2));
        }
    };
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} rows in {secs:.2} s ({:.0} rows/s); {} resolved; columns: {}; {} {}",
        summary.rows,
        summary.rows as f64 / secs.max(1e-9),
        summary.resolved,
        summary.columns,
        summary.encoding,
        match summary.delimiter.as_str() {
            "," => "comma-separated",
            ";" => "semicolon-separated",
            "tab" => "tab-separated",
            _ => "",
        }
    );
    for note in &summary.notes {
        eprintln!("  note: {note}");
    }
    for (source, n) in &summary.per_source {
        eprintln!("  placed from {source:<10} {n}");
    }
    for (status, n) in &summary.per_status {
        eprintln!("  {status:<18} {n}");
    }
    for (area, n) in &summary.per_area {
        eprintln!("  area {area:<22} {n}");
    }
    if let Some(path) = &args.report {
        std::fs::write(path, serde_json::to_string_pretty(&summary)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    // 0: every row placed; 1: the run completed but some rows were not placed; 2: it failed.
    Ok(if summary.resolved < summary.rows {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
