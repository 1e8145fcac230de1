//! The command line: the commands, one file each with its arguments (`#[derive(Args)]`) next
//! to its handler; this file lists them, declares the shared flags once and dispatches.
//!
//! Exit codes, for every command: 0 done (every place found), 1 done but not everything was
//! found or valid (a place outside coverage, an address not found, rows not placed, a data
//! check that failed), 2 the command itself failed (bad input or arguments, unreadable files).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use wijkwijzer::address::AddressIndex;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http;
use wijkwijzer::resolve::Resolver;

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

mod check;
mod classify;
mod import;
mod keygen;
mod lookup;
mod roster;
mod serve;
mod sheet;

#[derive(Parser)]
#[command(
    name = "wijkwijzer",
    version,
    about = "Which area of a municipality is a place in, and who is responsible there"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Serve(serve::ServeArgs),
    Keygen(keygen::KeygenArgs),
    Lookup(lookup::LookupArgs),
    Classify(classify::ClassifyArgs),
    Situations(check::SituationsArgs),
    Check(check::CheckArgs),
    Roster(roster::RosterArgs),
    Sheet(sheet::SheetArgs),
    /// Build a geodata directory from CBS buurten (GeoJSON or the CBS GeoPackage); `import bag`
    /// and `import addresses` build an address file. Without flags, in a checkout, it rebuilds
    /// geodata/ from data/sources.
    #[command(args_conflicts_with_subcommands = true)]
    Import {
        #[command(subcommand)]
        what: Option<import::ImportWhat>,
        #[command(flatten)]
        args: import::ImportArgs,
    },
    /// Download public data: `download buurten` fetches CBS wijken en buurten from PDOK.
    Download {
        #[command(subcommand)]
        what: import::DownloadWhat,
    },
}

/// Where the data comes from: declared once, flattened into every command that reads it.
#[derive(clap::Args, Debug, Clone, Default)]
struct DataArgs {
    /// Geodata directory (default: the data built into the binary).
    #[arg(long, env = "WIJKWIJZER_GEODATA")]
    geodata: Option<PathBuf>,
    /// Address file (default: the geodata directory's addresses.csv, else the addresses built
    /// into the binary).
    #[arg(long, env = "WIJKWIJZER_ADDRESSES")]
    addresses: Option<PathBuf>,
}

impl DataArgs {
    fn source(&self) -> http::DataSource {
        source(self.geodata.as_ref())
    }

    fn geodata(&self) -> anyhow::Result<Geodata> {
        Ok(self.source().load()?)
    }

    fn addresses(&self) -> anyhow::Result<Arc<AddressIndex>> {
        Ok(
            match self
                .addresses
                .clone()
                .or_else(|| own_addresses(self.geodata.as_ref()))
            {
                Some(p) => Arc::new(AddressIndex::load(&p)?),
                None => AddressIndex::embedded(),
            },
        )
    }

    fn resolver(&self) -> anyhow::Result<Resolver> {
        Ok(Resolver::new(self.geodata()?).with_addresses(self.addresses()?))
    }

    /// For a command that answers one place: the index that is quicker to build.
    fn resolver_for_one_answer(&self) -> anyhow::Result<Resolver> {
        Ok(Resolver::for_one_answer(self.geodata()?).with_addresses(self.addresses()?))
    }
}

/// The address file of a geodata directory (`addresses.csv`, as `import` writes it), if any.
fn own_addresses(dir: Option<&PathBuf>) -> Option<PathBuf> {
    dir.map(|d| d.join("addresses.csv")).filter(|p| p.is_file())
}

fn source(dir: Option<&PathBuf>) -> http::DataSource {
    match dir {
        Some(d) => http::DataSource::Dir(d.clone()),
        None => http::DataSource::Embedded,
    }
}

/// Runs a command line; `Err` is a failure of the command (exit 2).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(a) => serve::run(a),
        Command::Keygen(a) => keygen::run(a),
        Command::Lookup(a) => lookup::run(a),
        Command::Classify(a) => classify::run(a),
        Command::Situations(a) => check::situations(a),
        Command::Check(a) => check::run(a),
        Command::Roster(a) => roster::run(a),
        Command::Sheet(a) => sheet::run(a),
        Command::Import { what: Some(w), .. } => import::import_addresses(w),
        Command::Import { what: None, args } => import::import_geodata(args),
        Command::Download { what } => import::download(what),
    }
}
