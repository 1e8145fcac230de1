//! The `wijkwijzer` command line: serve, lookup, check, import. Only argument handling lives
//! here; the work is done by the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use wijkwijzer::address::{self, AddressIndex, AddressSourceInfo};
use wijkwijzer::crs::Crs;
use wijkwijzer::geodata::{Geodata, import};
use wijkwijzer::index::Position;
use wijkwijzer::resolve::Resolver;
use wijkwijzer::roster::Audience;
use wijkwijzer::{http, query, render};

#[derive(Parser)]
#[command(
    name = "wijkwijzer",
    version,
    about = "Which Maastricht area is a place in, and who is responsible there"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP service.
    Serve {
        /// Geodata directory to serve instead of the embedded default.
        #[arg(long, env = "WIJKWIJZER_GEODATA")]
        geodata: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, env = "WIJKWIJZER_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// XYZ tile URL template ({z}/{x}/{y}) for the page's base map, e.g. PDOK
        /// BRT-Achtergrondkaart; without it the page draws the areas only and needs no internet.
        #[arg(long, env = "WIJKWIJZER_TILES")]
        tiles: Option<String>,
        /// API key file (salted hashes; see `wijkwijzer keygen`). Callers with a key see
        /// internal contact channels; admin keys may reload the data.
        #[arg(long, env = "WIJKWIJZER_KEYS")]
        keys: Option<PathBuf>,
        /// Requests per second per client address (0: no rate limit).
        #[arg(long, env = "WIJKWIJZER_RATE_LIMIT", default_value_t = 100)]
        rate_limit: u32,
        /// Requests a client may send at once before the rate applies.
        #[arg(long, default_value_t = 200)]
        rate_burst: u32,
        /// Requests handled at once; beyond this the service answers 503 at once.
        #[arg(long, default_value_t = 512)]
        max_concurrent: usize,
        /// Seconds a request may take before it is answered with 503.
        #[arg(long, default_value_t = 10)]
        timeout_secs: u64,
        /// Log format: text or json.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        log_format: String,
        /// Largest file `POST /v1/classify` accepts, in MiB (larger: 413).
        #[arg(long, env = "WIJKWIJZER_MAX_CLASSIFY_MIB", default_value_t = 64)]
        max_classify_mib: usize,
        /// Address file (canonical CSV from `wijkwijzer import bag|addresses`) instead of the
        /// embedded OpenStreetMap addresses; re-read on reload.
        #[arg(long, env = "WIJKWIJZER_ADDRESSES")]
        addresses: Option<PathBuf>,
    },
    /// Make an API key: prints the key (give it to its user) and the entry for the key file.
    Keygen {
        /// A name for the key's holder, shown in logs.
        #[arg(long)]
        name: String,
        /// Allow this key to reload the data (POST /admin/reload).
        #[arg(long)]
        admin: bool,
    },
    /// Look up a place: "50.8514,5.6910" (WGS84 lat,lon), "176395 317996" (RD New), a map
    /// link, or an address: "Brusselsepoort 45", "6211CK 78".
    #[command(allow_negative_numbers = true)]
    Lookup {
        /// The coordinates; may be given as one or several arguments.
        #[arg(required = true, num_args = 1..)]
        place: Vec<String>,
        /// Read the pair as x y in this CRS (EPSG:28992, EPSG:3857, EPSG:4326 as lon lat).
        #[arg(long)]
        crs: Option<String>,
        /// Print the answer as JSON (the same object as GET /v1/lookup).
        #[arg(long)]
        json: bool,
        /// Add who handles this situation here and how to report it (see `wijkwijzer situations`).
        #[arg(long)]
        situation: Option<String>,
        #[arg(long, env = "WIJKWIJZER_GEODATA")]
        geodata: Option<PathBuf>,
        /// Address file instead of the embedded addresses.
        #[arg(long, env = "WIJKWIJZER_ADDRESSES")]
        addresses: Option<PathBuf>,
    },
    /// Classify a file of places: every row back with its area and responsible officers.
    ///
    /// CSV (`,` `;` or tab; UTF-8 with or without BOM, or Windows-1252): columns are found by
    /// their usual names (lat/lon, x/y, postcode/huisnummer, address) or named with flags.
    /// GeoJSON (a FeatureCollection or one Feature per line): Point features, properties added.
    Classify {
        /// Input file; `-` for stdin.
        input: String,
        /// Output file; `-` (default) for stdout.
        #[arg(short, long, default_value = "-")]
        output: String,
        /// Write the summary as JSON to this file.
        #[arg(long)]
        report: Option<PathBuf>,
        #[arg(long)]
        lat: Option<String>,
        #[arg(long)]
        lon: Option<String>,
        #[arg(long)]
        x: Option<String>,
        #[arg(long)]
        y: Option<String>,
        /// CRS of --x/--y columns: EPSG:28992 (default), EPSG:3857, EPSG:4326.
        #[arg(long)]
        crs: Option<String>,
        #[arg(long)]
        postcode: Option<String>,
        #[arg(long)]
        huisnummer: Option<String>,
        #[arg(long)]
        huisletter: Option<String>,
        #[arg(long)]
        toevoeging: Option<String>,
        /// A column with free-text addresses (or coordinates in any notation).
        #[arg(long)]
        address: Option<String>,
        /// Field delimiter (default: detected from the header): ',', ';' or 'tab'.
        #[arg(long)]
        delimiter: Option<String>,
        /// Leave out internal contact channels (as for the public HTTP endpoint).
        #[arg(long)]
        public: bool,
        /// Never show a progress bar.
        #[arg(long, short)]
        quiet: bool,
        #[arg(long, env = "WIJKWIJZER_GEODATA")]
        geodata: Option<PathBuf>,
        #[arg(long, env = "WIJKWIJZER_ADDRESSES")]
        addresses: Option<PathBuf>,
    },
    /// Measure the address index at national scale on generated addresses (or a file).
    BenchAddresses {
        /// How many addresses to generate (the BAG holds about 9.9 million).
        #[arg(long, default_value_t = 10_000_000)]
        count: usize,
        /// A canonical address CSV to load instead of generating (measures the import).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Write the generated addresses to this CSV first, then load it (measures the import).
        #[arg(long)]
        write: Option<PathBuf>,
        /// Queries per measurement.
        #[arg(long, default_value_t = 200_000)]
        queries: usize,
    },
    /// List the meldkaart: situations, who handles them, how to report them.
    Situations {
        #[arg(long, env = "WIJKWIJZER_GEODATA")]
        geodata: Option<PathBuf>,
    },
    /// Validate a geodata directory (default: the embedded data).
    Check { dir: Option<PathBuf> },
    /// Generate geodata/ from the public sources (CBS buurten and wijken, NSGI grid, the
    /// OpenStreetMap addresses); `import bag` and `import addresses` build an address file.
    #[command(args_conflicts_with_subcommands = true)]
    Import {
        #[command(subcommand)]
        what: Option<ImportWhat>,
        /// Folder with the raw public data; the other inputs default to files inside it.
        #[arg(long, default_value = "../shared/data")]
        source_dir: PathBuf,
        /// CBS buurten GeoJSON (generalised or full resolution; RD New or WGS84).
        #[arg(long)]
        buurten: Option<PathBuf>,
        /// CBS wijken GeoJSON, for the wijk names.
        #[arg(long)]
        wijken: Option<PathBuf>,
        /// NSGI rdcorr2018 grid (.zip as distributed, or the .txt).
        #[arg(long)]
        grid: Option<PathBuf>,
        /// The human-edited mapping of buurten to derived areas.
        #[arg(long, default_value = "geodata/layers.toml")]
        mapping: PathBuf,
        /// Where to write the generated files.
        #[arg(long, default_value = "geodata")]
        out: PathBuf,
        /// Override the source name from layers.toml (e.g. for a full-resolution file).
        #[arg(long)]
        source_name: Option<String>,
        #[arg(long)]
        year: Option<u16>,
        /// Whether the boundaries are generalised (default: layers.toml, or detected).
        #[arg(long)]
        generalized: Option<bool>,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
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
    },
}

/// Prints to stdout; a reader that went away (`| head`) ends the output quietly instead of
/// panicking, as `println!` would.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        match writeln!(stdout, $($arg)*) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
            other => other?,
        }
    }};
}

fn source(dir: Option<&PathBuf>) -> http::DataSource {
    match dir {
        Some(d) => http::DataSource::Dir(d.clone()),
        None => http::DataSource::Embedded,
    }
}

fn load(dir: Option<&PathBuf>) -> anyhow::Result<Geodata> {
    Ok(source(dir).load()?)
}

fn load_addresses(path: Option<&PathBuf>) -> anyhow::Result<Arc<AddressIndex>> {
    Ok(match path {
        Some(p) => Arc::new(AddressIndex::load(p)?),
        None => AddressIndex::embedded(),
    })
}

fn write_address_file(
    out: &std::path::Path,
    records: &mut [wijkwijzer::address::AddressRecord],
    info: &AddressSourceInfo,
) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    address::records::write_canonical(std::io::BufWriter::new(file), records)?;
    let meta = out.with_extension("toml");
    std::fs::write(&meta, toml::to_string(info)?)
        .with_context(|| format!("cannot write {}", meta.display()))?;
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wijkwijzer: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Keygen { name, admin } => {
            let (key, entry) =
                wijkwijzer::auth::generate(&name, admin).map_err(anyhow::Error::msg)?;
            eprintln!("key for {name} (shown once; store it safely):");
            out!("{key}");
            eprintln!("\nadd to the key file:\n{entry}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            geodata,
            listen,
            tiles,
            keys,
            rate_limit,
            rate_burst,
            max_concurrent,
            timeout_secs,
            log_format,
            max_classify_mib,
            addresses,
        } => {
            let filter = tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
            if log_format == "json" {
                tracing_subscriber::fmt()
                    .json()
                    .with_env_filter(filter)
                    .with_target(false)
                    .init();
            } else {
                tracing_subscriber::fmt()
                    .with_env_filter(filter)
                    .with_target(false)
                    .init();
            }
            let source = source(geodata.as_ref());
            let data = source.load()?;
            let address_index = load_addresses(addresses.as_ref())?;
            let keys = match &keys {
                Some(path) => wijkwijzer::auth::ApiKeys::load(path).map_err(anyhow::Error::msg)?,
                None => wijkwijzer::auth::ApiKeys::default(),
            };
            let config = http::ServeConfig {
                tiles,
                keys,
                rate_per_second: rate_limit,
                rate_burst,
                max_concurrent,
                timeout: std::time::Duration::from_secs(timeout_secs),
                addresses,
                max_classify_bytes: max_classify_mib.saturating_mul(1 << 20),
                ..http::ServeConfig::default()
            };
            tracing::info!(version = %data.version, origin = %data.origin, "geodata loaded");
            tracing::info!(addresses = address_index.len(), source = %address_index.meta().source.name, "address index loaded");
            let state = Arc::new(http::AppState::with_config(
                source,
                Resolver::new(data).with_addresses(address_index),
                config,
            ));
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("cannot listen on {listen}"))?;
                tracing::info!("listening on http://{}", listener.local_addr()?);
                http::serve(listener, state).await?;
                anyhow::Ok(())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Situations { geodata } => {
            let data = load(geodata.as_ref())?;
            for s in data.situations.list() {
                out!("{:<22} {:<10} {}", s.id, s.urgency.label(), s.name);
                for r in &s.report {
                    out!("{:<33} {} ({})", "", r.value, r.label);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Lookup {
            place,
            crs,
            json,
            situation,
            geodata,
            addresses,
        } => {
            let resolver = Resolver::new(load(geodata.as_ref())?)
                .with_addresses(load_addresses(addresses.as_ref())?);
            let text = place.join(" ");
            let mut understood = None;
            let point = match crs {
                Some(c) => {
                    let crs = Crs::parse(&c)?;
                    let parts: Vec<&str> = text
                        .split([',', ';', ' '])
                        .filter(|s| !s.is_empty())
                        .collect();
                    let [x, y] = parts.as_slice() else {
                        anyhow::bail!("give two numbers, x and y in {crs}; got '{text}'");
                    };
                    query::check_projected(
                        query::parse_number("x", x)?,
                        query::parse_number("y", y)?,
                        crs,
                    )?
                }
                None => match query::parse(&text)? {
                    query::Input::Point(u) => {
                        understood = Some(u.clone());
                        u.rd
                    }
                    query::Input::Address(text) => {
                        return lookup_address(&resolver, &text, situation.as_deref(), json);
                    }
                },
            };
            let mut answer =
                resolver.resolve_situation(point, situation.as_deref(), Audience::Internal)?;
            answer.understood = understood;
            print_answer(&answer, json)
        }
        Command::Check { dir } => match load(dir.as_ref()) {
            Ok(data) => {
                out!(
                    "geodata in {} is valid (version {})",
                    data.origin,
                    data.version
                );
                for l in &data.layers {
                    out!(
                        "  {:<10} {:>3} areas  {}",
                        l.info.id,
                        l.areas.len(),
                        l.info.title
                    );
                }
                out!(
                    "  roster     {:>3} assignments",
                    data.roster.assignments.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("{e:#}");
                Ok(ExitCode::from(1))
            }
        },
        Command::Classify {
            input,
            output,
            report,
            lat,
            lon,
            x,
            y,
            crs,
            postcode,
            huisnummer,
            huisletter,
            toevoeging,
            address,
            delimiter,
            public,
            quiet,
            geodata,
            addresses,
        } => {
            let resolver = Resolver::new(load(geodata.as_ref())?)
                .with_addresses(load_addresses(addresses.as_ref())?);
            let opts = wijkwijzer::classify::Options {
                lat,
                lon,
                x,
                y,
                crs: crs.as_deref().map(Crs::parse).transpose()?,
                postcode,
                huisnummer,
                huisletter,
                toevoeging,
                address,
                delimiter: match delimiter.as_deref() {
                    None => None,
                    Some("tab" | "\\t" | "\t") => Some(b'\t'),
                    Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
                    Some(d) => {
                        anyhow::bail!("--delimiter must be one character or 'tab', got '{d}'")
                    }
                },
                audience: if public {
                    Audience::Public
                } else {
                    Audience::Internal
                },
            };
            classify(&resolver, &input, &output, report.as_ref(), &opts, quiet)
        }
        Command::BenchAddresses {
            count,
            file,
            write,
            queries,
        } => bench_addresses(count, file, write, queries),
        Command::Import {
            what: Some(what), ..
        } => import_addresses(what),
        Command::Import {
            what: None,
            source_dir,
            buurten,
            wijken,
            grid,
            mapping,
            out,
            source_name,
            year,
            generalized,
        } => {
            let cbs = source_dir.join("cbs-wijkenbuurten-2024-maastricht");
            let opts = import::ImportOptions {
                buurten: buurten.unwrap_or_else(|| cbs.join("buurten_2024_maastricht_rd.geojson")),
                wijken: wijken.or_else(|| Some(cbs.join("wijken_2024_maastricht_rd.geojson"))),
                grid: grid
                    .unwrap_or_else(|| source_dir.join("rdnaptrans2018-grids/rdcorr2018.txt.zip")),
                mapping,
                out: out.clone(),
                source_name,
                year,
                generalized,
            };
            let report = import::run(&opts)?;
            for (layer, n) in &report.layers {
                out!("{layer:<10} {n:>3} areas");
            }
            let osm =
                source_dir.join("osm-poi-addresses-maastricht-2023/osm_poi_addresses_derived.csv");
            let (mut records, skipped) = address::records::import_osm(&osm)?;
            let target = out.join("addresses.csv");
            write_address_file(&target, &mut records, &address::records::osm_source_info())?;
            out!(
                "addresses  {} from OpenStreetMap ({} rows skipped, listed below)",
                records.len(),
                skipped.len()
            );
            for s in &skipped {
                out!("note: {s}");
            }
            for note in &report.notes {
                out!("note: {note}");
            }
            for f in &report.files {
                out!("wrote {}", f.display());
            }
            if out.join("roster.toml").exists() {
                match Geodata::load_dir(&out) {
                    Ok(d) => out!("{} validates (version {})", out.display(), d.version),
                    Err(e) => {
                        eprintln!("{e:#}");
                        return Ok(ExitCode::from(1));
                    }
                }
            } else {
                out!(
                    "note: {} has no roster.toml yet; add one, then run `wijkwijzer check {}`",
                    out.display(),
                    out.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints a lookup answer (text or JSON); exit 1 when the place is outside coverage.
fn print_answer(answer: &wijkwijzer::resolve::Answer, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        out!("{}", serde_json::to_string_pretty(answer)?);
    } else {
        out!("{}", render::answer(answer).trim_end());
    }
    Ok(if answer.position == Position::Outside {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn lookup_address(
    resolver: &Resolver,
    text: &str,
    situation: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    use wijkwijzer::resolve::AddressLookupError;
    let q = address::Query::Text(text.to_string());
    match resolver.resolve_address(&q, situation, Audience::Internal) {
        Ok(answer) => print_answer(&answer, json),
        Err(AddressLookupError::Situation(e)) => Err(e.into()),
        Err(AddressLookupError::Address(f)) => {
            let meta = resolver.addresses().meta();
            eprintln!("wijkwijzer: {}", f.reason());
            for c in f.candidates() {
                eprintln!("  - {} ({})", c.address.label, c.quality.as_str());
            }
            if !meta.source.complete {
                eprintln!(
                    "note: the loaded addresses ({}, {}) are not the complete register; to load it: {}",
                    meta.count, meta.source.name, meta.how_to_load_bag
                );
            }
            Ok(match f {
                address::Failure::Unreadable(_) => ExitCode::from(2),
                address::Failure::NotFound { .. } => ExitCode::from(3),
                address::Failure::Ambiguous { .. } => ExitCode::from(4),
            })
        }
    }
}

fn import_addresses(what: ImportWhat) -> anyhow::Result<ExitCode> {
    match what {
        ImportWhat::Bag { input, out, date } => {
            let today = date.unwrap_or_else(wijkwijzer::roster::today);
            let started = std::time::Instant::now();
            let mut records = Vec::new();
            let mut stats = Vec::new();
            for path in &input {
                let (r, s) = address::bag::import(path, today)?;
                records.extend(r);
                stats.push(s);
            }
            let info = AddressSourceInfo {
                name: format!("BAG 2.0 Extract (Kadaster), current on {today}"),
                licence: "CC0 1.0".into(),
                attribution: "Basisregistratie Adressen en Gebouwen, Kadaster".into(),
                complete: true,
                note: "hoofd- and nevenadressen of current verblijfsobjecten, ligplaatsen and standplaatsen".into(),
            };
            write_address_file(&out, &mut records, &info)?;
            for s in &stats {
                out!(
                    "{} XML files; read {}",
                    s.files,
                    s.read
                        .iter()
                        .map(|(k, v)| format!("{v} {k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                out!(
                    "kept {} addresses ({} nevenadressen); skipped {} voorkomens not current today, {} with an ended status, {} nummeraanduidingen without an object",
                    s.addresses,
                    s.nevenadressen,
                    s.not_current,
                    s.invalid_status,
                    s.without_object
                );
                for u in &s.unresolved {
                    out!("note: {u}");
                }
            }
            out!(
                "wrote {} ({} addresses) in {:.1} s",
                out.display(),
                records.len(),
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
        } => {
            let file = std::fs::File::open(&input)
                .with_context(|| format!("cannot read {}", input.display()))?;
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
            let info = AddressSourceInfo {
                name: source_name,
                licence,
                attribution,
                complete,
                note: format!("imported from {}", input.display()),
            };
            write_address_file(&out, &mut records, &info)?;
            out!(
                "wrote {} ({} addresses, {} rows skipped)",
                out.display(),
                records.len(),
                outcome.skipped.len()
            );
            Ok(if records.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn bench_addresses(
    count: usize,
    file: Option<PathBuf>,
    write: Option<PathBuf>,
    queries: usize,
) -> anyhow::Result<ExitCode> {
    use std::time::Instant;
    let info = AddressSourceInfo {
        name: "generated".into(),
        licence: "-".into(),
        attribution: String::new(),
        complete: false,
        note: "synthetic addresses for measurement".into(),
    };
    let rss_before = rss_mib();
    let started = Instant::now();
    let path = match (&file, &write) {
        (Some(f), _) => Some(f.clone()),
        (None, Some(w)) => {
            let mut records: Vec<_> = address::synthetic::addresses(count, 1).collect();
            write_address_file(w, &mut records, &info)?;
            out!(
                "generated and wrote {} addresses to {} in {:.1} s",
                records.len(),
                w.display(),
                started.elapsed().as_secs_f64()
            );
            Some(w.clone())
        }
        (None, None) => None,
    };
    let rss_before = if path.is_some() {
        rss_mib()
    } else {
        rss_before
    };
    let started = Instant::now();
    let index = match &path {
        Some(p) => AddressIndex::load(p)?,
        None => AddressIndex::build(address::synthetic::addresses(count, 1), info)?.0,
    };
    let load_s = started.elapsed().as_secs_f64();
    let rss_after = rss_mib();
    out!(
        "{} {} addresses in {load_s:.1} s ({:.0} addresses/s)",
        if path.is_some() {
            "imported (CSV → index)"
        } else {
            "built index of generated"
        },
        index.len(),
        index.len() as f64 / load_s
    );
    out!(
        "index memory: {:.0} MiB own arrays ({:.1} bytes/address){}",
        index.heap_bytes() as f64 / 1048576.0,
        index.heap_bytes() as f64 / index.len().max(1) as f64,
        match (rss_before, rss_after) {
            (Some(a), Some(b)) => format!("; process RSS {a:.0} → {b:.0} MiB"),
            _ => String::new(),
        }
    );
    let m = address::synthetic::measure(&index, queries, 7);
    out!(
        "exact (postcode + number): {} queries, mean {:.0} ns, p99 {:.0} ns, {} exact hits",
        m.queries,
        m.exact_mean_ns,
        m.exact_p99_ns,
        m.exact_hits
    );
    out!(
        "exact row lookup alone (no text, no answer strings): mean {:.0} ns, {} hits",
        m.core_mean_ns,
        m.core_hits
    );
    out!(
        "free text with a typo: mean {:.1} µs, p99 {:.1} µs, {} of {} found",
        m.fuzzy_mean_us,
        m.fuzzy_p99_us,
        m.fuzzy_hits,
        (m.queries / 20).max(1)
    );
    out!(
        "suggest (street prefix, limit 10): p50 {:.1} µs, p99 {:.1} µs",
        m.suggest_p50_us,
        m.suggest_p99_us
    );
    Ok(ExitCode::SUCCESS)
}

fn classify(
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
    Ok(ExitCode::SUCCESS)
}
