//! Integration tests: one binary (see Cargo.toml `autotests = false`) with a module per area.

// Helpers outside #[test] functions unwrap too: a failed setup should fail the test loudly.
#![allow(clippy::unwrap_used)]

mod addresses;
mod as_of;
mod bag_import;
mod batch_files;
mod browser;
mod certainty;
mod classify;
mod cli;
mod coverage;
mod crs_validation;
mod deploy;
mod docs;
mod encodings;
mod excel_files;
mod fuzzy;
mod gazetteer;
mod geodata;
mod guesses;
mod hardening;
mod http;
mod index_oracle;
mod landmarks;
mod languages;
mod moment;
mod municipality;
mod notations;
mod ogc;
mod outputs;
mod overlays;
mod own_areas;
mod places;
mod real_data;
mod revocation;
mod roles;
mod routes;
mod sheet;
mod situations;
mod trust;
mod uploads;
mod why;

use std::path::PathBuf;

/// A file in the raw public data kept in the repository (`data/sources`).
pub fn source_data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/sources")
        .join(rel)
}

/// The shipped LWA areas (`geodata/lwa.geojson`), id and geometry in RD New, read here with
/// the geojson and geo crates: the independent oracle the tests compare answers with.
pub fn shipped_lwa_areas() -> Vec<(String, geo::Geometry<f64>)> {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata/lwa.geojson"),
    )
    .unwrap();
    let fc: geojson::FeatureCollection = text.parse().unwrap();
    fc.features
        .into_iter()
        .map(|f| {
            let id = f.property("id").unwrap().as_str().unwrap().to_string();
            (id, f.geometry.unwrap().try_into().unwrap())
        })
        .collect()
}

/// Serves `state` on a free loopback port in the background; returns `http://127.0.0.1:PORT`.
pub async fn spawn_server(state: std::sync::Arc<wijkwijzer::http::AppState>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(wijkwijzer::http::serve(listener, state));
    format!("http://{addr}")
}

/// The body of `POST {base}{path}` with `csv` as `text/csv` (a classification upload).
pub async fn post_csv(base: &str, path: &str, csv: String) -> String {
    reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Where the shipped data reads text: Maastricht's towns and reference point, from its profile.
pub fn near() -> wijkwijzer::query::Locality {
    static NEAR: std::sync::LazyLock<wijkwijzer::query::Locality> =
        std::sync::LazyLock::new(|| {
            (*wijkwijzer::geodata::Geodata::embedded().unwrap().locality).clone()
        });
    NEAR.clone()
}

/// The grammar as the shipped data reads it.
pub fn parse(text: &str) -> Result<wijkwijzer::query::Input, wijkwijzer::query::QueryError> {
    wijkwijzer::query::parse(text, &near())
}

/// The shipped roster with the coordinator of Centrum / Zuid-West on weekdays 08:30-17:00 and
/// an officer of duty outside those hours and on public holidays (issue 27, 2).
pub fn roster_with_hours() -> String {
    let shipped = wijkwijzer::geodata::Geodata::embedded_files()
        .iter()
        .find(|(n, _)| *n == "roster.toml")
        .unwrap()
        .1;
    let day = "function = \"Coördinator politie (gebiedsgebonden leidinggevende), LWA-gebied Centrum / Zuid-West\"";
    let roster = shipped.replacen(day, &format!("{day}\nhours = \"ma-vr 08:30-17:00\""), 1);
    format!(
        "{roster}\n[[assignment]]\norganisation = \"politie\"\nrole = \"coordinator\"\nscope = [\"lwa-centrum-zuid-west\"]\nfunction = \"Officier van dienst politie, Centrum / Zuid-West\"\nhours = \"ma-vr 08:30-17:00\"\noutside_hours = true\n"
    )
}

/// Copies the files (not subdirectories) of `from` into `to`.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `wijkwijzer` binary, running; killed when dropped.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `wijkwijzer` with these arguments and environment and waits until it listens.
pub fn start(args: &[String], env: &[(&str, String)], port: u16) -> Running {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"));
    cmd.args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = Running(cmd.spawn().unwrap());
    // A debug build loads its data in a second or two, longer while other tests load the cores.
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("wijkwijzer {args:?} did not start");
}
