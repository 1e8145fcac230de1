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

fn load(dir: Option<&PathBuf>) -> anyhow::Result<Geodata> {
    Ok(match dir {
        Some(d) => Geodata::load_dir(d)?,
        None => Geodata::embedded()?,
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
        Command::Serve {
            geodata,
            listen,
            tiles,
        } => {
            tracing_subscriber::fmt().with_target(false).init();
            let data = load(geodata.as_ref())?;
            let state = Arc::new(http::AppState::new(Resolver::new(data)).with_tiles(tiles));
            let d = state.resolver().data();
            tracing::info!(version = %d.version, origin = %d.origin, "geodata loaded");
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
                println!("{:<22} {:<10} {}", s.id, s.urgency.label(), s.name);
                for r in &s.report {
                    println!("{:<33} {} ({})", "", r.value, r.label);
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
                println!("{}", serde_json::to_string_pretty(&answer)?);
            } else {
                print!("{}", render::answer(&answer));
            }
            Ok(if answer.position == Position::Outside {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Check { dir } => match load(dir.as_ref()) {
            Ok(data) => {
                println!(
                    "geodata in {} is valid (version {})",
                    data.origin, data.version
                );
                for l in &data.layers {
                    println!(
                        "  {:<10} {:>3} areas  {}",
                        l.info.id,
                        l.areas.len(),
                        l.info.title
                    );
                }
                println!(
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
                println!("{layer:<10} {n:>3} areas");
            }
            for note in &report.notes {
                println!("note: {note}");
            }
            for f in &report.files {
                println!("wrote {}", f.display());
            }
            if out.join("roster.toml").exists() {
                match Geodata::load_dir(&out) {
                    Ok(d) => println!("{} validates (version {})", out.display(), d.version),
                    Err(e) => {
                        eprintln!("{e:#}");
                        return Ok(ExitCode::from(1));
                    }
                }
            } else {
                println!(
                    "note: {} has no roster.toml yet; add one, then run `wijkwijzer check {}`",
                    out.display(),
                    out.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
