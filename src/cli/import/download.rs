//! `wijkwijzer download buurten`: CBS buurten of one gemeente from PDOK, with progress.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{built_in_mapping, check_out};

#[derive(Subcommand)]
pub(in crate::cli) enum DownloadWhat {
    /// CBS buurten (with their wijk names) of one gemeente from PDOK's OGC API Features, in
    /// RD New, as a GeoJSON file that `import --buurten` reads.
    Buurten {
        /// The CBS year (PDOK publishes wijken-en-buurten-YYYY).
        #[arg(long, default_value_t = 2024)]
        year: u16,
        /// The gemeente: GM and four digits, or the digits alone (default: the built-in mapping's).
        #[arg(long)]
        gemeente: Option<String>,
        /// The file to write (replaced only when complete).
        #[arg(long, short)]
        out: PathBuf,
        /// The OGC API's base URL (default: https://api.pdok.nl/cbs/wijken-en-buurten-YEAR/ogc/v1).
        #[arg(long)]
        api: Option<String>,
        /// Never show a progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
}

/// `wijkwijzer download ...`.
pub(in crate::cli) fn download(what: DownloadWhat) -> anyhow::Result<ExitCode> {
    match what {
        DownloadWhat::Buurten {
            year,
            gemeente,
            out,
            api,
            quiet,
        } => {
            let gemeente = match gemeente {
                Some(g) => g,
                None => built_in_mapping()?.gemeente_code,
            };
            download_buurten(year, &gemeente, &out, api.as_deref(), quiet)
        }
    }
}

fn download_buurten(
    year: u16,
    gemeente: &str,
    out: &std::path::Path,
    api: Option<&str>,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    use wijkwijzer::geodata::download::{self, DownloadOptions};
    check_out(out, &[])?;
    let opts = DownloadOptions {
        api: api
            .map(str::to_string)
            .unwrap_or_else(|| DownloadOptions::pdok_api(year)),
        year,
        gemeente: download::gemeente_digits(gemeente).map_err(anyhow::Error::msg)?,
        out: out.to_path_buf(),
        backoff: std::time::Duration::from_millis(500),
    };
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        bar
    });
    let report = download::download_buurten(&opts, &mut |r| {
        if let Some(b) = &bar {
            b.set_message(format!(
                "{} pages, {} wijken, {} buurten{}",
                r.pages,
                r.wijken,
                r.buurten,
                retries(r.retries)
            ));
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let report = report?;
    out!(
        "wrote {}: {} buurten of GM{} with the names of {} wijken ({} pages from {}{}{})",
        out.display(),
        report.buurten,
        opts.gemeente,
        report.wijken,
        report.pages,
        opts.api,
        retries(report.retries),
        if report.filtered_here > 0 {
            format!(
                "; the server ignored the gemeentecode filter, {} features of other gemeenten dropped here",
                report.filtered_here
            )
        } else {
            String::new()
        }
    );
    if !report.rd_confirmed {
        out!(
            "note: the server did not confirm RD New (Content-Crs); the import judges the CRS from the coordinates"
        );
    }
    out!(
        "next: wijkwijzer import --buurten {} --out DIR",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// ", 3 retries" for a progress line or the report; nothing when there were none.
fn retries(n: usize) -> String {
    if n > 0 {
        format!(", {n} retries")
    } else {
        String::new()
    }
}
