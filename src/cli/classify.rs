//! `wijkwijzer classify`: files in, files out, with a progress bar and a summary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use wijkwijzer::classify::{ColumnArgs, Door, Options};
use wijkwijzer::roster::Audience;
use wijkwijzer::staging::{FileId, Output, output_id, same_output};

/// Classify a file of places: every row back with its area and responsible officers.
///
/// CSV (`,` `;` or tab; UTF-8 with or without BOM, or Windows-1252): each row is placed from
/// the first place it has: coordinates (lat/lon or x/y), then postcode + huisnummer, then
/// straat + huisnummer (+ woonplaats), then a free-text address column. Columns are found by
/// their usual names or named with the flags below (naming any turns detection off).
/// GeoJSON (a FeatureCollection or one Feature per line): Point features, properties added.
/// A workbook (.xlsx, .ods): the first sheet (or `--sheet`); written as CSV, or as .xlsx
/// when the output's name ends so, every input cell kept with its type.
/// Exit 0: every row placed; 1: some rows not placed; 2: the file could not be classified.
#[derive(clap::Args)]
pub(super) struct ClassifyArgs {
    /// Input file; `-` for stdin.
    input: String,
    /// Output file; `-` (default) for stdout. A file is replaced only by a complete answer
    /// (a failed run leaves it as it was); the input file itself is refused.
    #[arg(short, long, default_value = "-")]
    output: String,
    /// Write the summary as JSON to this file (`-`: stdout), on success only.
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
    workbook: wijkwijzer::classify::workbook::Limits,
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
        workbook: args.workbook,
        cancel: Default::default(),
    };
    let resolver = args.data.resolver()?;
    let (input, output, quiet) = (args.input.as_str(), args.output.as_str(), args.quiet);
    let (reader, size, input_id): (Box<dyn std::io::Read>, Option<u64>, _) = if input == "-" {
        let id = FileId::of_stream(std::io::stdin());
        (Box::new(std::io::stdin().lock()), None, id)
    } else {
        let f = std::fs::File::open(input).with_context(|| format!("cannot read {input}"))?;
        let size = f.metadata().ok().map(|m| m.len());
        let id = FileId::of_file(&f);
        (Box::new(f), size, id)
    };
    refuse_overwriting(input, input_id, Path::new(output), args.report.as_deref())?;
    // Opened before the work, so that a path that cannot be written fails at once; a regular
    // file is replaced only by a complete answer (see `staging::Output`).
    let mut writer =
        Output::create(Path::new(output)).with_context(|| format!("cannot write {output}"))?;
    let report = args
        .report
        .as_deref()
        .map(|path| {
            Output::create(path)
                .map(|out| (path, out))
                .with_context(|| format!("cannot write {}", path.display()))
        })
        .transpose()?;
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
        wijkwijzer::classify::classify(&resolver, reader, &mut writer, &opts, |bytes, rows| {
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
            // `writer` and `report` are dropped uncommitted: existing files stay as they were.
            eprintln!("wijkwijzer: {}", e.detail(Door::Cli));
            return Ok(ExitCode::from(2));
        }
    };
    // Rows not placed are part of a complete answer (exit 1), which replaces the old one.
    writer
        .commit()
        .with_context(|| format!("cannot write {output}"))?;
    if let Some((path, mut out)) = report {
        use std::io::Write;
        out.write_all(serde_json::to_string_pretty(&summary)?.as_bytes())
            .and_then(|()| out.commit())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
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
    if let (Some(row), n @ 1..) = (summary.header_row, summary.lines_above_header) {
        eprintln!(
            "  note: header taken from line {row}; the {n} title or blank line(s) above it are kept as they were (--header-row N to choose another)"
        );
    }
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
    // 0: every row placed; 1: the run completed but some rows were not placed; 2: it failed.
    Ok(if summary.resolved < summary.rows {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Refuses an output or report that is the input (by device and inode, so `./f.csv`, a symlink
/// or a hard link count too; `>> f.csv` on standard output as well, which would grow as it is
/// read), and a report that is the output.
fn refuse_overwriting(
    input: &str,
    input_id: Option<FileId>,
    output: &Path,
    report: Option<&Path>,
) -> anyhow::Result<()> {
    let is_input = |path: &Path| input_id.is_some() && output_id(path) == input_id;
    let name = |path: &Path| {
        if path == Path::new("-") {
            "- (standard output)".to_string()
        } else {
            path.display().to_string()
        }
    };
    if is_input(output) {
        anyhow::bail!(
            "the output {} is the input file {input}: writing the answer there would destroy the input; name another output file",
            name(output)
        );
    }
    if let Some(report) = report {
        if is_input(report) {
            anyhow::bail!(
                "the report {} is the input file {input}: name another report file",
                name(report)
            );
        }
        if same_output(report, output) {
            anyhow::bail!(
                "the report {} is the output {}: name another report file",
                name(report),
                name(output)
            );
        }
    }
    Ok(())
}
