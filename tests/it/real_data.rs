//! Real data in the formats it is published in: the CBS GeoPackage, PDOK's OGC API Features
//! (a local server answering in PDOK's shape), the national LVBAG extract cut to one gemeente
//! (the real Doesburg extract), imports that never leave half-written data, and a binary that
//! works without a checkout around it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::source_data;

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn fixture(rel: &str) -> PathBuf {
    repo("tests/fixtures").join(rel)
}

/// Runs the binary in `dir` (so that nothing of the checkout is found by relative paths).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const LAYER_FILES: [&str; 4] = [
    "lwa.geojson",
    "wijk.geojson",
    "buurt.geojson",
    "stadsdeel.geojson",
];

/// The generated layers equal the shipped ones: same polygons, same names, same nesting.
fn assert_same_layers(dir: &Path) {
    for f in LAYER_FILES {
        assert!(
            std::fs::read(dir.join(f)).unwrap() == std::fs::read(repo("geodata").join(f)).unwrap(),
            "{f} differs from the shipped layer made from the same polygons"
        );
    }
}

fn manifest(dir: &Path) -> toml::Table {
    std::fs::read_to_string(dir.join("manifest.toml"))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn the_cbs_geopackage_imports_like_the_geojson_of_the_same_polygons() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = fixture("cbs-wijkenbuurtkaart-maastricht.gpkg");
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "import",
            "--buurten",
            gpkg.to_str().unwrap(),
            "--out",
            "data",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let data = dir.path().join("data");
    assert_same_layers(&data);
    // Water and the pseudo-buurt abroad are left out and said so; Heerlen is not Maastricht.
    assert!(out.contains("BU09359997 Maas: left out (water)"), "{out}");
    assert!(
        out.contains("BU09359999 Buitenland: left out (outside the country)"),
        "{out}"
    );
    assert!(!out.contains("BU0917"), "{out}");
    let m = manifest(&data);
    let source = m["source"].as_table().unwrap();
    assert_eq!(source["generalized"].as_bool(), Some(false), "{source:?}");
    assert_eq!(
        source["year"].as_integer(),
        Some(2024),
        "from jrstatcode: {source:?}"
    );
    assert!(
        source["name"]
            .as_str()
            .unwrap()
            .contains("cbs-wijkenbuurtkaart-maastricht.gpkg"),
        "{source:?}"
    );
    assert_eq!(source["attribution"].as_str(), Some("Bron: CBS/Kadaster"));
    // The wijk names come from the GeoPackage's own wijken table.
    let wijk = std::fs::read_to_string(data.join("wijk.geojson")).unwrap();
    assert!(
        wijk.contains("\"name\":\"Wijk 02 Buitenwijk West\"") || wijk.contains("Buitenwijk"),
        "{wijk}"
    );
    let (code, out, err) = run_in(dir.path(), &["check", "data"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_geopackage_without_the_layer_asked_for_is_refused_naming_its_tables() {
    let dir = tempfile::tempdir().unwrap();
    let gpkg = fixture("cbs-wijkenbuurtkaart-maastricht.gpkg");
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "import",
            "--buurten",
            gpkg.to_str().unwrap(),
            "--layer",
            "gemeenten",
            "--out",
            "data",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("no feature table 'gemeenten'") && err.contains("buurten, wijken"),
        "{err}"
    );
    assert!(
        !dir.path().join("data").exists(),
        "a refused import writes nothing"
    );
}

/// Features as PDOK's CBS collections have them: `buurtcode`/`wijkcode`, GM-prefixed
/// `gemeentecode`, `water`, and statistics with CBS's negative sentinels.
fn pdok_features(kind: &str) -> Vec<Value> {
    let file = format!("cbs-wijkenbuurten-2024-maastricht/{kind}_2024_maastricht_rd.geojson");
    let fc: Value =
        serde_json::from_str(&std::fs::read_to_string(source_data(&file)).unwrap()).unwrap();
    let mut out: Vec<Value> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let code = f["properties"]["statcode"].as_str().unwrap();
            let name = f["properties"]["statnaam"].as_str().unwrap();
            let props = if kind == "buurten" {
                json!({"buurtcode": code, "buurtnaam": name, "wijkcode": format!("WK{}", &code[2..8]),
                       "gemeentecode": "GM0935", "gemeentenaam": "Maastricht", "water": "NEE",
                       "aantal_inwoners": -99999999, "percentage_personen_0_tot_15_jaar": 12})
            } else {
                json!({"wijkcode": code, "wijknaam": name, "gemeentecode": "GM0935",
                       "gemeentenaam": "Maastricht", "water": "NEE"})
            };
            json!({"type": "Feature", "id": code, "properties": props, "geometry": f["geometry"]})
        })
        .collect();
    // A neighbour the server sends although the client asked for GM0935 only.
    out.insert(
        3,
        json!({"type": "Feature", "id": "x", "properties": {"buurtcode": "BU09170000", "buurtnaam": "Heerlen", "wijkcode": "WK091700", "wijknaam": "Heerlen", "gemeentecode": "GM0917", "water": "NEE"},
               "geometry": {"type": "Polygon", "coordinates": [[[195000, 320000], [195500, 320000], [195500, 320500], [195000, 320000]]]}}),
    );
    out
}

#[derive(Clone)]
struct Pdok {
    base: Arc<std::sync::OnceLock<String>>,
    calls: Arc<AtomicUsize>,
    queries: Arc<std::sync::Mutex<Vec<String>>>,
}

/// A page in GoKoala's shape: links with an opaque cursor, `numberReturned`, no
/// `numberMatched`; the first two requests fail with 429 and 503 as a busy PDOK would.
async fn pdok_items(
    axum::extract::State(s): axum::extract::State<Pdok>,
    axum::extract::Path(collection): axum::extract::Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let n = s.calls.fetch_add(1, Ordering::SeqCst);
    let query = query.unwrap_or_default();
    s.queries
        .lock()
        .unwrap()
        .push(format!("{collection}?{query}"));
    if n == 0 {
        return (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "0")],
            "slow down",
        )
            .into_response();
    }
    if n == 1 {
        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "busy").into_response();
    }
    let params: std::collections::HashMap<String, String> =
        serde_urlencoded::from_str(&query).unwrap();
    // PDOK clamps limit; this server pages by 10 to make the client follow cursors.
    let page = 10;
    let start: usize = params
        .get("cursor")
        .map(|c| {
            c.trim_start_matches("Fj")
                .split('|')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .unwrap_or(0);
    let all = pdok_features(&collection);
    let features: Vec<Value> = all.iter().skip(start).take(page).cloned().collect();
    let base = s.base.get().unwrap();
    let mut links = vec![
        json!({"rel": "self", "type": "application/geo+json", "href": format!("{base}/collections/{collection}/items?{query}")}),
    ];
    if start + page < all.len() {
        for (rel, ty, f) in [
            ("alternate", "text/html", "html"),
            ("next", "application/geo+json", "json"),
        ] {
            links.push(json!({"rel": rel, "type": ty, "href": format!("{base}/collections/{collection}/items?cursor=Fj{}%7CNwyr1Q&f={f}&limit=1000&crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F28992", start + page)}));
        }
    }
    let body = json!({"type": "FeatureCollection", "timeStamp": "2026-11-29T12:00:00Z", "links": links,
                      "features": features, "numberReturned": features.len()});
    (
        [
            ("content-type", "application/geo+json"),
            (
                "content-crs",
                "<http://www.opengis.net/def/crs/EPSG/0/28992>",
            ),
        ],
        body.to_string(),
    )
        .into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_pages_through_pdok_and_the_result_imports_like_the_shipped_data() {
    let state = Pdok {
        base: Arc::default(),
        calls: Arc::default(),
        queries: Arc::default(),
    };
    let app = axum::Router::new()
        .route(
            "/ogc/v1/collections/{collection}/items",
            axum::routing::get(pdok_items),
        )
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/ogc/v1", listener.local_addr().unwrap());
    state.base.set(base.clone()).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let (code, out, err) = tokio::task::spawn_blocking(move || {
        run_in(
            &d,
            &[
                "download",
                "buurten",
                "--year",
                "2024",
                "--gemeente",
                "GM0935",
                "--out",
                "buurten.geojson",
                "--api",
                &base,
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("44 buurten of GM0935") && out.contains("7 wijken"),
        "{out}"
    );
    assert!(
        out.contains("2 retries"),
        "the 429 and the 503 were retried: {out}"
    );
    assert!(
        out.contains("2 features of other gemeenten dropped here"),
        "{out}"
    );
    let queries = state.queries.lock().unwrap().clone();
    assert!(
        queries.iter().any(|q| q.starts_with("buurten?")
            && q.contains("gemeentecode=GM0935")
            && q.contains("crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F28992")),
        "{queries:#?}"
    );
    assert!(
        queries.iter().any(|q| q.contains("cursor=Fj40")),
        "followed the next links: {queries:#?}"
    );

    let (code, out, err) = run_in(
        dir.path(),
        &["import", "--buurten", "buurten.geojson", "--out", "data"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_same_layers(&dir.path().join("data"));
    let m = manifest(&dir.path().join("data"));
    assert!(
        m["source"]["name"]
            .as_str()
            .unwrap()
            .contains("PDOK OGC API Features"),
        "{m:?}"
    );
    assert_eq!(m["source"]["generalized"].as_bool(), Some(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_that_fails_leaves_the_previous_file() {
    // Nothing listens on this port: every attempt fails, the old file stays.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("buurten.geojson"), "previous").unwrap();
    let d = dir.path().to_path_buf();
    let (code, _, err) = tokio::task::spawn_blocking(move || {
        run_in(
            &d,
            &[
                "download",
                "buurten",
                "--out",
                "buurten.geojson",
                "--api",
                &format!("http://127.0.0.1:{port}/ogc/v1"),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("gave up after 6 attempts"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("buurten.geojson")).unwrap(),
        "previous"
    );
}

const DOESBURG: &str = "lvbag-extract-sample-doesburg-nlextract";

/// The Doesburg extract laid out as the national `lvbag-extract-nl.zip`: a zip of per-type
/// zips named `9999XXX<date>.zip`, the relation zip and the Leveringsdocument.
fn national_layout(path: &Path) {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut outer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let src = source_data(DOESBURG);
    for kind in ["LIG", "NUM", "OPR", "PND", "STA", "VBO", "WPL"] {
        let xml = std::fs::read(src.join(format!("0221{kind}15092020-000001.xml"))).unwrap();
        let mut inner_bytes = std::io::Cursor::new(Vec::new());
        let mut inner = zip::ZipWriter::new(&mut inner_bytes);
        inner
            .start_file(format!("9999{kind}15092020-000001.xml"), options)
            .unwrap();
        inner.write_all(&xml).unwrap();
        inner.finish().unwrap();
        outer
            .start_file(format!("9999{kind}15092020.zip"), options)
            .unwrap();
        outer.write_all(inner_bytes.get_ref()).unwrap();
    }
    outer
        .start_file("GEM-WPL-RELATIE-15092020.zip", options)
        .unwrap();
    outer
        .write_all(&std::fs::read(src.join("GEM-WPL-RELATIE-15092020.zip")).unwrap())
        .unwrap();
    outer
        .start_file("Leveringsdocument-BAG-Extract.xml", options)
        .unwrap();
    outer
        .write_all(&std::fs::read(src.join("Leveringsdocument-BAG-Extract.xml")).unwrap())
        .unwrap();
    outer.finish().unwrap();
}

fn csv_rows(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_national_extract_cut_to_doesburg_gives_its_current_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("lvbag-extract-nl.zip");
    national_layout(&zip);
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "import",
            "bag",
            "lvbag-extract-nl.zip",
            "--gemeente",
            "0221",
            "--date",
            "2020-09-15",
            "-o",
            "doesburg.csv",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    // GEM-WPL-RELATIE: gemeente 0221 has woonplaats 2142 on that day.
    assert!(out.contains("gemeente 0221: woonplaats(en) 2142"), "{out}");
    let rows = csv_rows(&dir.path().join("doesburg.csv"));
    // From the files: VBO at 206335.699 447529.842 has hoofdadres 0221200000330227, which
    // is Kosterstraat 4, 6981CH (OPR 0221300000311333); 0221200000330153 is Koppenberch 20.
    assert!(
        rows.contains(
            &"0221200000330227,6981CH,4,,,Kosterstraat,Doesburg,206335.699,447529.842".to_string()
        ),
        "{rows:#?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("0221200000330153,6982CZ,20,,,Koppenberch,Doesburg,")),
        "{rows:#?}"
    );
    assert!(rows.iter().all(|r| r.contains(",Doesburg,")), "{rows:#?}");
    assert!(
        out.contains(&format!("wrote doesburg.csv ({} addresses)", rows.len())),
        "the printed count is the loaded count: {out}"
    );
    // The extract's date goes with the addresses into every answer.
    let meta = std::fs::read_to_string(dir.path().join("doesburg.toml")).unwrap();
    assert!(
        meta.contains("date = \"2020-09-15\"") && meta.contains("gemeente 0221"),
        "{meta}"
    );
    // The folder as NLExtract unpacked it gives the same addresses.
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "import",
            "bag",
            source_data(DOESBURG).to_str().unwrap(),
            "--gemeente",
            "GM0221",
            "--date",
            "2020-09-15",
            "-o",
            "folder.csv",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(csv_rows(&dir.path().join("folder.csv")), rows);
}

#[test]
fn the_doesburg_extract_has_no_maastricht_address_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("lvbag-extract-nl.zip");
    national_layout(&zip);
    std::fs::write(dir.path().join("addresses.csv"), "previous").unwrap();
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "import",
            "bag",
            "lvbag-extract-nl.zip",
            "--gemeente",
            "0935",
            "--date",
            "2020-09-15",
            "-o",
            "addresses.csv",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("no current address") && err.contains("woonplaatsen 1406"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("addresses.csv")).unwrap(),
        "previous"
    );
    // A gemeente code that relates to no woonplaats, and an extract without the relation file.
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "import",
            "bag",
            "lvbag-extract-nl.zip",
            "--gemeente",
            "9998",
            "--date",
            "2020-09-15",
            "-o",
            "x.csv",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("gemeente 9998 has no woonplaats on 2020-09-15"),
        "{err}"
    );
    let vbo = source_data(DOESBURG).join("0221VBO15092020-000001.xml");
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "import",
            "bag",
            vbo.to_str().unwrap(),
            "--gemeente",
            "0221",
            "-o",
            "x.csv",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("needs the extract's GEM-WPL-RELATIE file"),
        "{err}"
    );
    // A date before anything existed gives nothing either, and says which date.
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "import",
            "bag",
            "lvbag-extract-nl.zip",
            "--date",
            "1900-01-01",
            "-o",
            "x.csv",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("not current on 1900-01-01"), "{err}");
    assert!(!dir.path().join("x.csv").exists());
}

#[test]
fn gdal_lvbag_samples_read_in_every_layout() {
    // GDAL's LVBAG test files: other namespace prefixes, zips with one and several files.
    let src = source_data("lvbag-xml-samples-gdal");
    for archive in ["archive_single.zip", "archive_mixed.zip"] {
        let path = src.join(archive);
        match wijkwijzer::address::bag::import(&path, jiff::civil::date(2026, 11, 29)) {
            Ok((_, stats)) => assert!(stats.files >= 1, "{archive}: {stats:?}"),
            // Samples without a complete address chain are refused with a reason, never a panic.
            Err(e) => assert!(!e.reason.is_empty(), "{archive}"),
        }
    }
}

#[test]
fn the_binary_alone_imports_and_serves_from_an_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("wijkwijzer");
    std::fs::copy(env!("CARGO_BIN_EXE_wijkwijzer"), &bin).unwrap();
    std::fs::copy(
        source_data("cbs-wijkenbuurten-2024-maastricht/buurten_2024_maastricht_rd.geojson"),
        dir.path().join("buurten.geojson"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(&bin)
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = run(&[
        "import",
        "--buurten",
        "buurten.geojson",
        "--generalized",
        "false",
        "--out",
        "data",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    for f in [
        "roster.toml",
        "situations.toml",
        "layers.toml",
        "addresses.csv",
    ] {
        assert!(
            out.contains(&format!("wrote data/{f} (built-in default")),
            "{f}: {out}"
        );
    }
    let m = manifest(&dir.path().join("data"));
    assert_eq!(
        m["source"]["name"].as_str(),
        Some("CBS buurten (buurten.geojson)")
    );
    assert!(
        !m["source"]["attribution"]
            .as_str()
            .unwrap()
            .contains("cartomap"),
        "{m:?}"
    );
    assert_eq!(m["source"]["generalized"].as_bool(), Some(false));
    let (code, out, err) = run(&["check", "data"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(&["lookup", "--geodata", "data", "--json", "50.8514,5.6910"]);
    assert_eq!(code, 0, "{out}{err}");
    let answer: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(answer["buurt"]["code"], "BU09350000");
    assert_eq!(answer["data"]["source"], "CBS buurten (buurten.geojson)");
    assert_eq!(answer["data"]["year"], 2024);
    assert_eq!(answer["data"]["addresses"]["date"], "2023-07-03");
    // Without --buurten and without a checkout, the missing input is named with its flag.
    let (code, _, err) = run(&["import", "--out", "other"]);
    assert_eq!(code, 2);
    assert!(err.contains("give --buurten FILE"), "{err}");
    let (code, _, err) = run(&[
        "import",
        "--buurten",
        "buurten.geojson",
        "--wijken",
        "missing.geojson",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--wijken missing.geojson: no such file"),
        "{err}"
    );
}

#[test]
fn a_refused_import_leaves_the_previous_data_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let buurten =
        source_data("cbs-wijkenbuurten-2024-maastricht/buurten_2024_maastricht_rd.geojson");
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "import",
            "--buurten",
            buurten.to_str().unwrap(),
            "--out",
            "data",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    // The municipality edits its roster; a later import keeps the edit.
    let roster = std::fs::read_to_string(data.join("roster.toml")).unwrap();
    std::fs::write(data.join("roster.toml"), format!("# edited\n{roster}")).unwrap();
    let before: Vec<(String, Vec<u8>)> = files(&data);
    // A mapping that names a buurt the file lacks: refused, reasons given, data untouched.
    let mapping = std::fs::read_to_string(data.join("layers.toml")).unwrap();
    let bad = dir.path().join("bad-layers.toml");
    std::fs::write(
        &bad,
        mapping.replace("[buurten.BU09350000]", "[buurten.BU09350099]"),
    )
    .unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "import",
            "--buurten",
            buurten.to_str().unwrap(),
            "--mapping",
            "bad-layers.toml",
            "--out",
            "data",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("BU09350099"), "{err}");
    assert_eq!(files(&data), before);
    // A roster that no longer covers the areas fails the check of the staged result.
    std::fs::write(data.join("roster.toml"), "").unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "import",
            "--buurten",
            buurten.to_str().unwrap(),
            "--out",
            "data",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("does not pass `check`") && err.contains("roster.toml"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(data.join("roster.toml")).unwrap(),
        ""
    );
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn an_import_killed_midway_leaves_data_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let buurten =
        source_data("cbs-wijkenbuurten-2024-maastricht/buurten_2024_maastricht_rd.geojson");
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "import",
            "--buurten",
            buurten.to_str().unwrap(),
            "--out",
            "data",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let before = files(&dir.path().join("data"));
    for delay_ms in [5u64, 40, 120] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
            .current_dir(dir.path())
            .args([
                "import",
                "--buurten",
                buurten.to_str().unwrap(),
                "--out",
                "data",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        // Whatever moment the kill hit, the directory holds complete data: the old or the new,
        // which are the same here.
        assert_eq!(
            files(&dir.path().join("data")),
            before,
            "killed after {delay_ms} ms"
        );
    }
    // The next run clears what the killed ones left.
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "import",
            "--buurten",
            buurten.to_str().unwrap(),
            "--out",
            "data",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}
