//! The `wijkwijzer` command line: serve, lookup, check, import. Only argument handling lives
//! here; the work is done by the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use wijkwijzer::address::{self, AddressIndex, AddressSourceInfo};
use wijkwijzer::crs::Crs;
use wijkwijzer::geodata::Geodata;
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
        #[command(flatten)]
        args: cli::import::ImportArgs,
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

mod cli;
use cli::classify::classify;
use cli::import::{download_buurten, import_addresses};
use cli::lookup::{lookup_address, print_answer};
use cli::roster::{roster_report, upcoming_gaps};

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
        Command::Import {
            what: Some(what), ..
        } => import_addresses(what),
        Command::Import { what: None, args } => cli::import::import_geodata(args),
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
