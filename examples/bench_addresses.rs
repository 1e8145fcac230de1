//! The address index measured at national scale, on generated addresses in the BAG's shape
//! or on a canonical address file. A measurement, not a product command:
//!
//! ```sh
//! cargo run --release --example bench_addresses -- --write /tmp/addr10m.csv
//! cargo run --release --example bench_addresses -- --file /tmp/addr10m.csv --queries 100000
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use wijkwijzer::address::{self, AddressIndex, AddressSourceInfo};

/// Prints to stdout; a closed pipe ends quietly.
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

#[derive(Parser)]
struct Args {
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
}

fn main() -> ExitCode {
    let a = Args::parse();
    match bench_addresses(a.count, a.file, a.write, a.queries) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("bench_addresses: {e:#}");
            ExitCode::from(2)
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
