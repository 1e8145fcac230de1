//! `wijkwijzer classify`: files in, files out, with a progress bar and a summary.

use super::*;

pub(crate) fn classify(
    resolver: &Resolver,
    input: &str,
    output: &str,
    report: Option<&PathBuf>,
    opts: &wijkwijzer::classify::Options,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
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
    let summary = wijkwijzer::classify::classify(resolver, reader, writer, opts, |bytes, rows| {
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
            eprintln!("wijkwijzer: {e}");
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
    for (status, n) in &summary.per_status {
        eprintln!("  {status:<18} {n}");
    }
    for (area, n) in &summary.per_area {
        eprintln!("  area {area:<22} {n}");
    }
    if let Some(path) = report {
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
