//! `wijkwijzer import bag|addresses` and `wijkwijzer download buurten`: reports and progress
//! around the library's readers.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use wijkwijzer::address::{self, AddressSourceInfo};
use wijkwijzer::geodata::mapping::Mapping;

#[derive(Subcommand)]
pub(super) enum DownloadWhat {
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

#[derive(Subcommand)]
pub(super) enum ImportWhat {
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

/// `wijkwijzer download ...`.
pub(super) fn download(what: DownloadWhat) -> anyhow::Result<ExitCode> {
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

pub(super) fn import_addresses(what: ImportWhat) -> anyhow::Result<ExitCode> {
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
            let written = match address::records::write_file(&out, &mut records, &info) {
                Ok(w) => w,
                Err(e) => {
                    let full = e.io.is_some_and(wijkwijzer::geodata::staging::is_full);
                    return Ok(import_failed(&out, &e, full));
                }
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
            let written = match address::records::write_file(&out, &mut records, &info) {
                Ok(w) => w,
                Err(e) => {
                    let full = e.io.is_some_and(wijkwijzer::geodata::staging::is_full);
                    return Ok(import_failed(&out, &e, full));
                }
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

/// Refuses, before the work, an `--out` the staged file could not replace without destroying
/// something: a directory, device or FIFO, or one of the inputs (the address file or the
/// `.toml` written beside it).
fn check_out(out: &std::path::Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    use wijkwijzer::staging::FileId;
    wijkwijzer::staging::replaceable(out)?;
    let written = [
        FileId::of_path(out),
        FileId::of_path(&out.with_extension("toml")),
    ];
    for input in inputs {
        if let Some(id) = FileId::of_path(input)
            && written.contains(&Some(id))
        {
            anyhow::bail!(
                "--out {} would replace the input {}: name another output file",
                out.display(),
                input.display()
            );
        }
    }
    Ok(())
}

/// An import whose result could not be written (exit 2): what went wrong, that the previous data is as it
/// was (imports write beside it and swap only a checked result in), and, when the disk is
/// full (`full`, told by the I/O error's kind), how much room there is and how much the data
/// takes.
fn import_failed(target: &std::path::Path, error: &dyn std::fmt::Display, full: bool) -> ExitCode {
    eprintln!("wijkwijzer: {error}");
    let kept = if target.exists() {
        format!("{} is as it was", target.display())
    } else {
        format!("Nothing was written to {}", target.display())
    };
    if let Some(room) = full
        .then(|| wijkwijzer::geodata::staging::room_for(target))
        .flatten()
    {
        eprintln!(
            "wijkwijzer: the disk is full: {room}. {kept}, and the partly written copy was removed. Make room and run the import again."
        );
    } else {
        eprintln!("wijkwijzer: {kept}.");
    }
    ExitCode::from(2)
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
                if r.retries > 0 {
                    format!(", {} retries", r.retries)
                } else {
                    String::new()
                }
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
        if report.retries > 0 {
            format!(", {} retries", report.retries)
        } else {
            String::new()
        },
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

/// The mapping built into the binary (`geodata/layers.toml`).
fn built_in_mapping() -> anyhow::Result<Mapping> {
    Mapping::parse(wijkwijzer::geodata::import::EMBEDDED_MAPPING)
        .map_err(|e| anyhow::anyhow!("the built-in layers.toml: {e}"))
}

/// "GM1234 (Name), GM5678": the gemeenten of a file, for a message.
fn gemeente_list(found: &std::collections::BTreeMap<String, Option<String>>) -> String {
    found
        .iter()
        .map(|(c, n)| match n {
            Some(n) => format!("GM{c} ({n})"),
            None => format!("GM{c}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `wijkwijzer import` without a subcommand: the geodata directory.
#[derive(clap::Args)]
pub(super) struct ImportArgs {
    /// Folder with the raw public data, used for inputs not given by a flag.
    #[arg(long, default_value = "data/sources")]
    pub source_dir: PathBuf,
    /// CBS buurten: GeoJSON (generalised or full resolution; RD New or WGS84), the CBS
    /// Wijk- en buurtkaart GeoPackage, or a file from `wijkwijzer download buurten`.
    #[arg(long)]
    pub buurten: Option<PathBuf>,
    /// The GeoPackage table holding the buurten (default: the one named like "buurten").
    #[arg(long)]
    pub layer: Option<String>,
    /// CBS wijken, for the wijk names (default: a GeoPackage's own wijken table, or the
    /// buurten's wijknaam).
    #[arg(long)]
    pub wijken: Option<PathBuf>,
    /// NSGI rdcorr2018 grid (.zip as distributed, or the .txt); default: built in.
    #[arg(long)]
    pub grid: Option<PathBuf>,
    /// The human-edited mapping of buurten to areas (default: OUT/layers.toml if there is
    /// one; else, for the built-in mapping's gemeente, the mapping built in; else none: the
    /// gemeente's own buurten and wijken, with the whole gemeente as the covered area).
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The gemeente to import from --buurten, e.g. GM1234 (default: the one the file holds).
    #[arg(long)]
    pub gemeente: Option<String>,
    /// Its name, when the file does not carry one (`gemeentenaam`).
    #[arg(long)]
    pub gemeente_name: Option<String>,
    /// The OpenStreetMap address CSV to convert (default: the one in --source-dir when
    /// rebuilding the shipped data; otherwise an existing OUT/addresses.csv is kept).
    #[arg(long)]
    pub osm: Option<PathBuf>,
    /// The geodata directory to write (replaced only when the result passes `check`).
    #[arg(long, default_value = "geodata")]
    pub out: PathBuf,
    /// Name of the boundary source, for every answer's attribution.
    #[arg(long)]
    pub source_name: Option<String>,
    /// Attribution of the boundary source (default: CBS/Kadaster's).
    #[arg(long)]
    pub attribution: Option<String>,
    #[arg(long)]
    pub year: Option<u16>,
    /// Whether the boundaries are generalised (default: layers.toml, or detected).
    #[arg(long)]
    pub generalized: Option<bool>,
    /// The municipality's own areas, as the answering layer: a CSV with a header and one row
    /// per buurt of buurtcode, area id and area name (`buurtcode;gebied;naam`; `;`, `,` or tab;
    /// UTF-8 or Windows-1252). Written into OUT/layers.toml, so later imports keep them.
    #[arg(long, value_name = "FILE.csv")]
    pub areas: Option<PathBuf>,
    /// The id of the layer --areas makes, as answers' `areas`, the API and the files name it
    /// (default: gebied).
    #[arg(long, requires = "areas")]
    pub areas_layer: Option<String>,
    /// The title of that layer (default: "Gebieden").
    #[arg(long, requires = "areas")]
    pub areas_title: Option<String>,
}

/// Builds a geodata directory (see [`ImportArgs`]) and reports what it did.
pub(super) fn import_geodata(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let ImportArgs {
        source_dir,
        buurten,
        layer,
        wijken,
        grid,
        mapping,
        gemeente,
        gemeente_name,
        osm,
        out,
        source_name,
        attribution,
        year,
        generalized,
        areas,
        areas_layer,
        areas_title,
    } = args;
    // Inputs given by flag must exist; defaults are taken from --source-dir where it
    // has them and from the binary otherwise.
    let given = [
        ("--buurten", &buurten),
        ("--wijken", &wijken),
        ("--grid", &grid),
        ("--mapping", &mapping),
        ("--osm", &osm),
        ("--areas", &areas),
    ];
    for (flag, path) in given {
        if let Some(p) = path.as_ref().filter(|p| !p.exists()) {
            anyhow::bail!("{flag} {}: no such file", p.display());
        }
    }
    let existing = |p: PathBuf| p.exists().then_some(p);
    let shipped = buurten.is_none();
    let mapping = mapping.or_else(|| existing(out.join("layers.toml")));
    let built_in = built_in_mapping()?;
    let chosen = gemeente
        .as_deref()
        .map(wijkwijzer::geodata::download::gemeente_digits)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    // Without a mapping, the gemeente of the buurten file decides: the built-in mapping's
    // own, or any other as itself (its buurten and wijken, the whole gemeente as coverage).
    let generic = match (&buurten, &mapping) {
        (Some(file), None) => {
            let found = match wijkwijzer::geodata::cbs::gemeenten(file, layer.as_deref()) {
                Ok(found) => found,
                // The file was read and refused: a finding, exit 1, as the import's own.
                Err(e) => {
                    eprintln!("wijkwijzer: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let code = match (&chosen, found.len()) {
                (Some(c), _) if found.contains_key(c) => c.clone(),
                (Some(c), _) => anyhow::bail!(
                    "{}: no buurten of gemeente GM{c}; the file holds {}",
                    file.display(),
                    gemeente_list(&found)
                ),
                (None, 1) => found.keys().next().cloned().unwrap_or_default(),
                // A national or regional file: the built-in mapping's gemeente, as always.
                (None, _) if found.contains_key(&built_in.gemeente_code) => {
                    built_in.gemeente_code.clone()
                }
                (None, 0) => anyhow::bail!("{}: no CBS buurten (codes BU…) found", file.display()),
                (None, _) => anyhow::bail!(
                    "{} holds buurten of {} gemeenten ({}): pick one with --gemeente GMxxxx",
                    file.display(),
                    found.len(),
                    gemeente_list(&found)
                ),
            };
            if code == built_in.gemeente_code {
                None
            } else {
                let name = gemeente_name
                    .clone()
                    .or_else(|| found.get(&code).cloned().flatten())
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "{} does not name gemeente GM{code} (no gemeentenaam): give its name with --gemeente-name",
                            file.display()
                        )
                    })?;
                Some(wijkwijzer::geodata::import::Gemeente { code, name })
            }
        }
        (_, Some(m)) => {
            if let Some(c) = &chosen {
                let text = std::fs::read_to_string(m)?;
                let mapped =
                    Mapping::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", m.display()))?;
                if &mapped.gemeente_code != c {
                    anyhow::bail!(
                        "--gemeente GM{c}, but the mapping {} is of GM{}: give the mapping of GM{c}, or none",
                        m.display(),
                        mapped.gemeente_code
                    );
                }
            }
            None
        }
        (None, None) => None,
    };
    // Answers credit the file that was imported, not the extract the project ships.
    let fallback_name = buurten.as_ref().map(|b| {
        format!(
            "CBS buurten ({})",
            b.file_name().unwrap_or_default().to_string_lossy()
        )
    });
    // Without --buurten, the shipped directory is rebuilt from the files the built-in
    // mapping names under --source-dir.
    let sources = built_in.shipped.clone().filter(|_| shipped);
    let from_sources = |p: &PathBuf| existing(source_dir.join(p));
    let buurten = match buurten {
        Some(b) => b,
        None => sources
            .as_ref()
            .and_then(|s| from_sources(&s.buurten))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no buurten to import: give --buurten FILE (CBS buurten as GeoJSON or the CBS Wijk- en buurtkaart GeoPackage; `wijkwijzer download buurten` fetches them), or run in a checkout, where {} holds the shipped sources",
                    source_dir.display()
                )
            })?,
    };
    let wijken = wijken.or_else(|| {
        sources
            .as_ref()
            .and_then(|s| s.wijken.as_ref())
            .and_then(from_sources)
    });
    let grid =
        grid.or_else(|| existing(source_dir.join("rdnaptrans2018-grids/rdcorr2018.txt.zip")));
    // The shipped address file is described by the mapping; one given by flag names itself.
    let osm_source = sources
        .as_ref()
        .filter(|_| osm.is_none())
        .and_then(|s| s.addresses_source.clone());
    let osm = osm.or_else(|| {
        sources
            .as_ref()
            .and_then(|s| s.addresses.as_ref())
            .and_then(from_sources)
    });
    // The named places come from the same OpenStreetMap export as the shipped addresses.
    let places: Vec<PathBuf> = sources
        .as_ref()
        .map(|s| s.places.iter().filter_map(from_sources).collect())
        .unwrap_or_default();
    let is_generic = generic.is_some();
    let opts = wijkwijzer::geodata::import::ImportOptions {
        buurten,
        buurten_layer: layer,
        wijken,
        grid,
        mapping,
        generic,
        osm_source,
        source_dir: source_dir.clone(),
        generations: shipped,
        places,
        out: out.clone(),
        source_name,
        fallback_name,
        attribution,
        year,
        generalized,
    };
    let own = areas.map(|table| wijkwijzer::geodata::import::OwnAreas {
        table,
        title: areas_title.unwrap_or_else(|| "Gebieden".into()),
        layer: areas_layer.unwrap_or_else(|| "gebied".into()),
    });
    let report = match wijkwijzer::geodata::import::import_dir_with_areas(
        &opts,
        osm.as_deref(),
        own.as_ref(),
    ) {
        Ok(r) => r,
        // Writing failed (a full disk, no permission): the run could not be done.
        Err(e) if e.writing() => {
            let full = e.full_disk();
            return Ok(import_failed(&out, &e, full));
        }
        // The input was read and refused (it does not pass `check`, the mapping does not
        // match): a finding, exit 1, like `check`'s own.
        Err(e) => {
            eprintln!("wijkwijzer: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    for (layer, n) in &report.layers.layers {
        out!("{layer:<10} {n:>3} areas");
    }
    if let Some((written, skipped)) = &report.osm {
        out!(
            "addresses  {} from OpenStreetMap ({} rows skipped, listed below)",
            written.addresses,
            skipped.len()
        );
        for s in skipped {
            out!("note: {s}");
        }
    }
    for note in &report.layers.notes {
        out!("note: {note}");
    }
    for f in &report.layers.files {
        out!("wrote {}", f.display());
    }
    // A generic import writes generic files (national channels, role placeholders, the
    // mapping it made), not the built-in municipality's: say which.
    for d in &report.defaults {
        let kind = match d.as_str() {
            _ if !is_generic => "built-in default",
            "roster.toml" | "situations.toml" => {
                "generic: national channels and role placeholders only"
            }
            "addresses.csv" | "addresses.toml" => {
                "generic: no addresses yet; addresses.toml says how to load the BAG"
            }
            "layers.toml" => "the mapping this import made",
            _ => "generic: empty",
        };
        out!(
            "wrote {} ({kind}: edit it, then run `wijkwijzer check {}`)",
            out.join(d).display(),
            out.display()
        );
    }
    out!("{} validates (version {})", out.display(), report.version);
    Ok(ExitCode::SUCCESS)
}
