//! The `wijkwijzer` command line: serve, lookup, check, import. Only argument handling lives
//! here; the work is done by the library.

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
    /// Run the HTTP service. Every option can also come from an environment variable or
    /// from a config file (`--config`); a flag beats its variable, both beat the file.
    Serve {
        #[command(flatten)]
        options: wijkwijzer::config::ServeOptions,
        /// A TOML file with any of the options above (keys as the flags, without `--`).
        #[arg(long, env = "WIJKWIJZER_CONFIG")]
        config: Option<PathBuf>,
        /// Print the effective configuration (key hashes left out) and exit.
        #[arg(long)]
        print_config: bool,
    },
    /// Make an API key: prints the key (give it to its user) and the entry for the key file.
    Keygen {
        /// A name for the key's holder, shown in logs.
        #[arg(long)]
        name: String,
        /// Allow this key to reload the data (POST /admin/reload).
        #[arg(long)]
        admin: bool,
        /// Add the entry to this key file (created readable by its owner only); a running
        /// service takes it on SIGHUP. Without it the entry goes to stderr as TOML.
        #[arg(long)]
        append: Option<PathBuf>,
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
        /// Include internal channels and names (public data only by default, as for callers
        /// without a key): for files that stay inside the organisation.
        #[arg(long)]
        internal: bool,
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
    Check {
        dir: Option<PathBuf>,
        /// Also fail (exit 1) on warnings: roles left empty by validity dates, today or in
        /// the next 90 days. For CI of the municipality's roster repository.
        #[arg(long)]
        strict: bool,
    },
    /// Who is responsible where on a day, and the roster's changes and gaps in the 90 days
    /// after it: check a hand-over before it happens.
    Roster {
        /// The day (default: today).
        #[arg(long)]
        as_of: Option<jiff::civil::Date>,
        #[arg(long, env = "WIJKWIJZER_GEODATA")]
        geodata: Option<PathBuf>,
    },
    /// Build a geodata directory from CBS buurten (GeoJSON or the CBS GeoPackage); `import bag`
    /// and `import addresses` build an address file. Without flags, in a checkout, it rebuilds
    /// geodata/ from data/sources.
    #[command(args_conflicts_with_subcommands = true)]
    Import {
        #[command(subcommand)]
        what: Option<ImportWhat>,
        /// Folder with the raw public data, used for inputs not given by a flag.
        #[arg(long, default_value = "data/sources")]
        source_dir: PathBuf,
        /// CBS buurten: GeoJSON (generalised or full resolution; RD New or WGS84), the CBS
        /// Wijk- en buurtkaart GeoPackage, or a file from `wijkwijzer download buurten`.
        #[arg(long)]
        buurten: Option<PathBuf>,
        /// The GeoPackage table holding the buurten (default: the one named like "buurten").
        #[arg(long)]
        layer: Option<String>,
        /// CBS wijken, for the wijk names (default: a GeoPackage's own wijken table, or the
        /// buurten's wijknaam).
        #[arg(long)]
        wijken: Option<PathBuf>,
        /// NSGI rdcorr2018 grid (.zip as distributed, or the .txt); default: built in.
        #[arg(long)]
        grid: Option<PathBuf>,
        /// The human-edited mapping of buurten to areas (default: OUT/layers.toml if there is
        /// one, else the mapping built in).
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// The OpenStreetMap address CSV to convert (default: the one in --source-dir when
        /// rebuilding the shipped data; otherwise an existing OUT/addresses.csv is kept).
        #[arg(long)]
        osm: Option<PathBuf>,
        /// The geodata directory to write (replaced only when the result passes `check`).
        #[arg(long, default_value = "geodata")]
        out: PathBuf,
        /// Name of the boundary source, for every answer's attribution.
        #[arg(long)]
        source_name: Option<String>,
        /// Attribution of the boundary source (default: CBS/Kadaster's).
        #[arg(long)]
        attribution: Option<String>,
        #[arg(long)]
        year: Option<u16>,
        /// Whether the boundaries are generalised (default: layers.toml, or detected).
        #[arg(long)]
        generalized: Option<bool>,
    },
    /// Download public data: `download buurten` fetches CBS wijken en buurten from PDOK.
    Download {
        #[command(subcommand)]
        what: DownloadWhat,
    },
}

#[derive(Subcommand)]
enum DownloadWhat {
    /// CBS buurten (with their wijk names) of one gemeente from PDOK's OGC API Features, in
    /// RD New, as a GeoJSON file that `import --buurten` reads.
    Buurten {
        /// The CBS year (PDOK publishes wijken-en-buurten-YYYY).
        #[arg(long, default_value_t = 2024)]
        year: u16,
        /// The gemeente, GM0935 or 0935.
        #[arg(long, default_value = "GM0935")]
        gemeente: String,
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
        Command::Keygen {
            name,
            admin,
            append,
        } => {
            let (key, entry) =
                wijkwijzer::auth::generate(&name, admin).map_err(anyhow::Error::msg)?;
            match &append {
                Some(path) => {
                    let n =
                        wijkwijzer::auth::append_entry(path, &entry).map_err(anyhow::Error::msg)?;
                    eprintln!(
                        "# added key '{name}' to {} ({n} keys); send SIGHUP or POST /admin/reload to a running service. The key, shown once, is on stdout.",
                        path.display()
                    );
                }
                // Everything on stderr is TOML (the prose as comments): `2>>keys.toml` works.
                None => eprintln!(
                    "# key '{name}': add this entry to the key file; the key, shown once, is on stdout\n{entry}"
                ),
            }
            out!("{key}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            options,
            config,
            print_config,
        } => {
            let file = match &config {
                Some(path) => {
                    wijkwijzer::config::ServeOptions::from_file(path).map_err(anyhow::Error::msg)?
                }
                None => wijkwijzer::config::ServeOptions::default(),
            };
            let o = options.or(file).resolve();
            let keys = match &o.keys {
                Some(path) => wijkwijzer::auth::ApiKeys::load(path).map_err(anyhow::Error::msg)?,
                None => wijkwijzer::auth::ApiKeys::default(),
            };
            if print_config {
                out!(
                    "# effective configuration of `wijkwijzer serve` (flags > environment > --config file > defaults)"
                );
                out!("{}", toml::to_string(&o)?.trim_end());
                let names: Vec<&str> = keys.rates().map(|(n, _)| n).collect();
                if !names.is_empty() {
                    out!(
                        "# the key file holds {} key(s): {} (hashes not shown)",
                        names.len(),
                        names.join(", ")
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            let filter = tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
            // Colour codes only for a person at a terminal, never into files or journald.
            let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
            if o.log_format == wijkwijzer::config::LogFormat::Json {
                tracing_subscriber::fmt()
                    .json()
                    .with_env_filter(filter)
                    .with_target(false)
                    .init();
            } else {
                tracing_subscriber::fmt()
                    .with_env_filter(filter)
                    .with_target(false)
                    .with_ansi(ansi)
                    .init();
            }
            let (geodata, addresses, listen) = (o.geodata.clone(), o.addresses.clone(), o.listen);
            let source = source(geodata.as_ref());
            let data = source.load()?;
            let address_index = load_addresses(addresses.as_ref())?;
            let config = http::ServeConfig {
                tiles: o.tiles.clone(),
                keys,
                keys_file: o.keys.clone(),
                rate_per_second: o.rate_limit,
                rate_burst: o.rate_burst,
                max_concurrent: o.max_concurrent,
                timeout: std::time::Duration::from_secs(o.timeout_secs),
                addresses,
                max_classify_bytes: o.max_classify_mib.saturating_mul(1 << 20),
                trusted_proxies: o.trusted_proxy.clone(),
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
        Command::Roster { as_of, geodata } => {
            let data = load(geodata.as_ref())?;
            let day = as_of.unwrap_or_else(wijkwijzer::roster::today);
            roster_report(&data, day)
        }
        Command::Check { dir, strict } => match load(dir.as_ref()) {
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
                let today = wijkwijzer::roster::today();
                let warnings = upcoming_gaps(&data, today, 90);
                for (day, g) in &warnings {
                    eprintln!(
                        "warning: roster.toml: {}: {} vacant from {day}{}",
                        g.area,
                        g.role_label,
                        if g.entry.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", g.entry)
                        }
                    );
                }
                Ok(if strict && !warnings.is_empty() {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                })
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
            internal,
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
                audience: if internal {
                    eprintln!(
                        "note: --internal: the output holds internal channels and names; do not pass it on outside the organisation"
                    );
                    Audience::Internal
                } else {
                    Audience::Public
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
            layer,
            wijken,
            grid,
            mapping,
            osm,
            out,
            source_name,
            attribution,
            year,
            generalized,
        } => {
            // Inputs given by flag must exist; defaults are taken from --source-dir where it
            // has them and from the binary otherwise.
            let given = [
                ("--buurten", &buurten),
                ("--wijken", &wijken),
                ("--grid", &grid),
                ("--mapping", &mapping),
                ("--osm", &osm),
            ];
            for (flag, path) in given {
                if let Some(p) = path.as_ref().filter(|p| !p.exists()) {
                    anyhow::bail!("{flag} {}: no such file", p.display());
                }
            }
            let cbs = source_dir.join("cbs-wijkenbuurten-2024-maastricht");
            let existing = |p: PathBuf| p.exists().then_some(p);
            let shipped = buurten.is_none();
            // Answers credit the file that was imported, not the extract the project ships.
            let fallback_name = buurten.as_ref().map(|b| {
                format!(
                    "CBS buurten ({})",
                    b.file_name().unwrap_or_default().to_string_lossy()
                )
            });
            let buurten = match buurten {
                Some(b) => b,
                None => existing(cbs.join("buurten_2024_maastricht_rd.geojson")).ok_or_else(|| {
                    anyhow::anyhow!(
                        "no buurten to import: give --buurten FILE (CBS buurten as GeoJSON or the CBS Wijk- en buurtkaart GeoPackage; `wijkwijzer download buurten` fetches them), or run in a checkout, where {} holds the shipped sources",
                        source_dir.display()
                    )
                })?,
            };
            let wijken = wijken.or_else(|| {
                shipped
                    .then(|| existing(cbs.join("wijken_2024_maastricht_rd.geojson")))
                    .flatten()
            });
            let grid = grid
                .or_else(|| existing(source_dir.join("rdnaptrans2018-grids/rdcorr2018.txt.zip")));
            let mapping = mapping.or_else(|| existing(out.join("layers.toml")));
            let osm = osm.or_else(|| {
                shipped
                    .then(|| {
                        existing(source_dir.join(
                            "osm-poi-addresses-maastricht-2023/osm_poi_addresses_derived.csv",
                        ))
                    })
                    .flatten()
            });
            let opts = import::ImportOptions {
                buurten,
                buurten_layer: layer,
                wijken,
                grid,
                mapping,
                out: out.clone(),
                source_name,
                fallback_name,
                attribution,
                year,
                generalized,
            };
            let report = match import::import_dir(&opts, osm.as_deref()) {
                Ok(r) => r,
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
            for d in &report.defaults {
                out!(
                    "wrote {} (built-in default: edit it, then run `wijkwijzer check {}`)",
                    out.join(d).display(),
                    out.display()
                );
            }
            out!("{} validates (version {})", out.display(), report.version);
            Ok(ExitCode::SUCCESS)
        }
        Command::Download {
            what:
                DownloadWhat::Buurten {
                    year,
                    gemeente,
                    out,
                    api,
                    quiet,
                },
        } => download_buurten(year, &gemeente, &out, api.as_deref(), quiet),
    }
}

/// Gaps from `from` over the next `days` days, each at the first day it appears.
fn upcoming_gaps(
    data: &Geodata,
    from: jiff::civil::Date,
    days: i64,
) -> Vec<(jiff::civil::Date, wijkwijzer::roster::Gap)> {
    let mut seen: Vec<(jiff::civil::Date, wijkwijzer::roster::Gap)> = Vec::new();
    for n in 0..=days {
        let Ok(day) = from.checked_add(jiff::Span::new().days(n)) else {
            break;
        };
        for g in data.roster_gaps(day) {
            if !seen
                .iter()
                .any(|(_, s)| s.area == g.area && s.role == g.role)
            {
                seen.push((day, g));
            }
        }
    }
    seen
}

fn roster_report(data: &Geodata, day: jiff::civil::Date) -> anyhow::Result<ExitCode> {
    let Some(coverage) = data.layer(&data.manifest.coverage_layer) else {
        anyhow::bail!("the geodata has no coverage layer");
    };
    out!("Responsible on {day}:");
    for area in &coverage.areas {
        out!("{} [{}]", area.name, area.id);
        let mut ids = vec![area.id.as_str()];
        ids.extend(area.parents.values().map(String::as_str));
        for c in data
            .roster
            .contacts_for(&ids, day, Audience::Internal)
            .iter()
            .filter(|c| !c.scope.is_city())
        {
            out!("  {:<32} {c}", c.role_label);
        }
        for g in data.roster.gaps(&area.id, day) {
            out!("  {:<32} VACANT ({})", g.role_label, g.entry);
        }
    }
    out!("\nChanges in the 90 days after {day}:");
    let mut changes = Vec::new();
    for a in &data.roster.assignments {
        let scope = if a.scope.is_city() {
            "city".to_string()
        } else {
            a.scope.area_ids().join(", ")
        };
        let within = |d: jiff::civil::Date| d > day && (d - day).get_days() <= 90;
        if let Some(f) = a.valid_from.filter(|d| within(*d)) {
            changes.push((f, format!("begins: {} ({scope})", a.function)));
        }
        if let Some(u) = a.valid_until.filter(|d| within(*d)) {
            changes.push((u, format!("last day: {} ({scope})", a.function)));
        }
    }
    changes.sort();
    if changes.is_empty() {
        out!("  none");
    }
    for (d, what) in &changes {
        out!("  {d}  {what}");
    }
    let gaps = upcoming_gaps(data, day, 90);
    out!("\nGaps in the 90 days after {day}:");
    if gaps.is_empty() {
        out!("  none");
    }
    for (d, g) in &gaps {
        out!("  from {d}  {} {}  ({})", g.area, g.role_label, g.entry);
    }
    Ok(ExitCode::SUCCESS)
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
            let written = address::records::write_file(&out, &mut records, &info)?;
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
            if records.is_empty() {
                eprintln!(
                    "wijkwijzer: {}: no row could be read as an address ({} skipped); nothing written",
                    input.display(),
                    outcome.skipped.len()
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
            let written = address::records::write_file(&out, &mut records, &info)?;
            out!(
                "wrote {} ({} addresses, {} rows skipped{})",
                out.display(),
                written.addresses,
                outcome.skipped.len(),
                if written.duplicates > 0 {
                    format!(", {} duplicate rows merged", written.duplicates)
                } else {
                    String::new()
                }
            );
            Ok(ExitCode::SUCCESS)
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
        date: None,
    };
    let rss_before = rss_mib();
    let started = Instant::now();
    let path = match (&file, &write) {
        (Some(f), _) => Some(f.clone()),
        (None, Some(w)) => {
            let mut records: Vec<_> = address::synthetic::addresses(count, 1).collect();
            address::records::write_file(w, &mut records, &info)?;
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
