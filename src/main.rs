//! The `wijkwijzer` command line: serve, lookup, check, import. Only argument handling lives
//! here; the work is done by the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
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
    /// Look up a place: "50.8514,5.6910" (WGS84 lat,lon) or "176395 317996" (RD New).
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
    },
    /// List the meldkaart: situations, who handles them, how to report them.
    Situations {
        #[arg(long, env = "WIJKWIJZER_GEODATA")]
        geodata: Option<PathBuf>,
    },
    /// Validate a geodata directory (default: the embedded data).
    Check { dir: Option<PathBuf> },
    /// Generate geodata/ from the public sources (CBS buurten and wijken, NSGI grid).
    Import {
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
                ..http::ServeConfig::default()
            };
            tracing::info!(version = %data.version, origin = %data.origin, "geodata loaded");
            let state = Arc::new(http::AppState::with_config(
                source,
                Resolver::new(data),
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
        } => {
            let resolver = Resolver::new(load(geodata.as_ref())?);
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
                        return Err(query::QueryError::AddressUnavailable { text }.into());
                    }
                },
            };
            let mut answer =
                resolver.resolve_situation(point, situation.as_deref(), Audience::Internal)?;
            answer.understood = understood;
            if json {
                out!("{}", serde_json::to_string_pretty(&answer)?);
            } else {
                out!("{}", render::answer(&answer).trim_end());
            }
            Ok(if answer.position == Position::Outside {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
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
        Command::Import {
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
