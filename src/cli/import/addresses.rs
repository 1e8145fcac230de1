//! `wijkwijzer import bag` and `import addresses`: an address file from the BAG extract or a
//! municipality's CSV export.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use wijkwijzer::address::{self, AddressSourceInfo};

use super::{check_out, import_failed};

#[derive(Subcommand)]
pub(in crate::cli) enum ImportWhat {
    /// The BAG 2.0 Extract (Kadaster LVBAG XML: the zip as delivered, a folder or XML files).
    Bag {
        /// The extract: zip (with the per-type zips inside), folder, or XML file(s).
        #[arg(required = true, num_args = 1..)]
        input: Vec<PathBuf>,
        /// The canonical address CSV to write (a .toml describing it is written beside it).
        #[arg(long, short)]
        out: PathBuf,
        /// The date that decides which voorkomen is current (default: today).
        #[arg(long)]
        date: Option<jiff::civil::Date>,
        /// Keep only this gemeente's addresses (four digits, e.g. 0935), by the extract's own
        /// GEM-WPL-RELATIE file: how the national extract is cut to one municipality.
        #[arg(long)]
        gemeente: Option<String>,
        /// Never show a progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// A CSV export: postcode, huisnummer, huisletter, toevoeging, straat, woonplaats and x/y
    /// (RD New) or lat/lon (WGS84); `,` `;` or tab separated.
    Addresses {
        input: PathBuf,
        #[arg(long, short)]
        out: PathBuf,
        /// Woonplaats for rows without one.
        #[arg(long)]
        place: Option<String>,
        /// The source's name, licence and attribution for answers' metadata.
        #[arg(long, default_value = "municipal address export")]
        source_name: String,
        #[arg(long, default_value = "see the supplier")]
        licence: String,
        #[arg(long, default_value = "")]
        attribution: String,
        /// The file is the complete register of the covered area.
        #[arg(long)]
        complete: bool,
        /// Write the addresses that could be read even when some rows could not (without it,
        /// such a file is refused and nothing is written).
        #[arg(long)]
        allow_skipped: bool,
    },
}

pub(in crate::cli) fn import_addresses(what: ImportWhat) -> anyhow::Result<ExitCode> {
    match what {
        ImportWhat::Bag {
            input,
            out,
            date,
            gemeente,
            quiet,
        } => {
            use std::io::IsTerminal;
            let today = date.unwrap_or_else(wijkwijzer::roster::today);
            let gemeente = gemeente
                .map(|g| wijkwijzer::geodata::download::gemeente_digits(&g))
                .transpose()
                .map_err(anyhow::Error::msg)?;
            for p in &input {
                if !p.exists() {
                    anyhow::bail!("{}: no such file or folder", p.display());
                }
            }
            check_out(&out, &input)?;
            let started = std::time::Instant::now();
            let progress = std::sync::Arc::new(address::bag::Progress::default());
            let passes = if gemeente.is_some() {
                address::bag::PASSES
            } else {
                2
            };
            let total: u64 = input
                .iter()
                // Only the progress bar's size: an input that cannot be read is refused, with
                // its reason, by the import itself.
                .filter_map(|p| std::fs::metadata(p).ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum();
            let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let bar_thread = (!quiet && std::io::stderr().is_terminal() && total > 0).then(|| {
                let progress = progress.clone();
                let done = done.clone();
                std::thread::spawn(move || {
                    use std::sync::atomic::Ordering::Relaxed;
                    let bar = indicatif::ProgressBar::new(total);
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{spinner} [{elapsed_precise}] {msg} {wide_bar} {bytes}/{total_bytes} ETA {eta}",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                    );
                    while !done.load(Relaxed) {
                        bar.set_message(format!("pass {}/{passes}", progress.pass.load(Relaxed)));
                        bar.set_position(progress.bytes.load(Relaxed).min(total));
                        std::thread::sleep(std::time::Duration::from_millis(200));
                    }
                    bar.finish_and_clear();
                })
            });
            let result = address::bag::import_with(
                &input,
                &address::bag::BagOptions {
                    date: today,
                    gemeente: gemeente.clone(),
                    progress: Some(progress),
                },
            );
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            if let Some(t) = bar_thread {
                let _ = t.join();
            }
            let (mut records, s) = match result {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("wijkwijzer: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let scope = match &gemeente {
                Some(g) => format!(", gemeente {g}"),
                None => String::new(),
            };
            let info = AddressSourceInfo {
                name: format!(
                    "BAG 2.0 Extract (Kadaster){}{scope}, current on {today}",
                    s.stand
                        .map(|d| format!(" of {d}"))
                        .unwrap_or_default()
                ),
                licence: "CC0 1.0".into(),
                attribution: "Basisregistratie Adressen en Gebouwen, Kadaster".into(),
                complete: true,
                note: "hoofd- and nevenadressen of current verblijfsobjecten, ligplaatsen and standplaatsen".into(),
                date: s.stand.or(Some(today)),
            };
            let written = match write_addresses(&out, &mut records, &info) {
                Ok(w) => w,
                Err(failed) => return Ok(failed),
            };
            out!(
                "{} XML files; read {}",
                s.files,
                s.read
                    .iter()
                    .map(|(k, v)| format!("{v} {k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if let Some(g) = &gemeente {
                out!(
                    "gemeente {g}: woonplaats(en) {}; {} current voorkomens elsewhere left out",
                    s.woonplaatsen
                        .iter()
                        .map(|w| format!("{w:04}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    s.other_gemeente
                );
            }
            out!(
                "kept {} addresses ({} nevenadressen); skipped {} voorkomens not current on {today}, {} with an ended status, {} nummeraanduidingen without an object",
                s.addresses,
                s.nevenadressen,
                s.not_current,
                s.invalid_status,
                s.without_object
            );
            for u in &s.unresolved {
                out!("note: {u}");
            }
            out!(
                "wrote {} ({} addresses{}) in {:.1} s",
                out.display(),
                written.addresses,
                if written.duplicates > 0 {
                    format!(", {} duplicate rows merged", written.duplicates)
                } else {
                    String::new()
                },
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        ImportWhat::Addresses {
            input,
            out,
            place,
            source_name,
            licence,
            attribution,
            complete,
            allow_skipped,
        } => {
            let file = std::fs::File::open(&input)
                .with_context(|| format!("cannot read {}", input.display()))?;
            check_out(&out, std::slice::from_ref(&input))?;
            let outcome = address::records::import_csv(
                std::io::BufReader::new(file),
                &input.display().to_string(),
                &address::records::ImportOptions {
                    default_place: place,
                    skip_number_ranges: false,
                },
            )?;
            for s in outcome.skipped.iter().take(50) {
                eprintln!("skipped: {s}");
            }
            if outcome.skipped.len() > 50 {
                eprintln!("skipped: … {} more", outcome.skipped.len() - 50);
            }
            let mut records = outcome.records;
            if records.is_empty() {
                eprintln!(
                    "wijkwijzer: {}: no row could be read as an address ({} skipped); nothing written",
                    input.display(),
                    outcome.skipped.len()
                );
                return Ok(ExitCode::from(1));
            }
            // An address register missing rows answers "not found" for homes that exist: only
            // written when the user has seen the rows and says so.
            if !outcome.skipped.is_empty() && !allow_skipped {
                let lines: Vec<String> = outcome
                    .skipped
                    .iter()
                    .filter_map(|s| s.line)
                    .take(5)
                    .map(|l| l.to_string())
                    .collect();
                eprintln!(
                    "wijkwijzer: {}: {} rows could not be read ({} {}{}; the file read as {}); nothing written. Correct those rows, or run again with --allow-skipped to write the {} addresses without them",
                    input.display(),
                    outcome.skipped.len(),
                    if lines.len() == 1 { "line" } else { "lines" },
                    lines.join(", "),
                    if outcome.skipped.len() > lines.len() {
                        ", …"
                    } else {
                        ""
                    },
                    outcome.encoding.name(),
                    records.len()
                );
                return Ok(ExitCode::from(1));
            }
            let info = AddressSourceInfo {
                name: source_name,
                licence,
                attribution,
                complete,
                note: format!("imported from {}", input.display()),
                date: None,
            };
            let written = match write_addresses(&out, &mut records, &info) {
                Ok(w) => w,
                Err(failed) => return Ok(failed),
            };
            out!(
                "wrote {} ({} addresses, {} rows skipped{}; read as {})",
                out.display(),
                written.addresses,
                outcome.skipped.len(),
                if written.duplicates > 0 {
                    format!(", {} duplicate rows merged", written.duplicates)
                } else {
                    String::new()
                },
                outcome.encoding.name()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes the address file; when it cannot be written, says so and what was left as it was
/// (see [`import_failed`]), and gives the exit code.
fn write_addresses(
    out: &std::path::Path,
    records: &mut [address::AddressRecord],
    info: &AddressSourceInfo,
) -> Result<address::records::Written, ExitCode> {
    address::records::write_file(out, records, info).map_err(|e| {
        let full = e.io.is_some_and(wijkwijzer::geodata::staging::is_full);
        import_failed(out, &e, full)
    })
}
