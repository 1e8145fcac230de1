//! OGC API – Features under `/ogc`: read by GDAL/OGR as a GIS user's client would (`ogrinfo`
//! and `ogr2ogr` with the OAPIF driver), and the parameters a client may send (paging, bbox,
//! CRS) with their problems. GDAL is Debian's `gdal-bin`; CI installs it and sets
//! `WIJKWIJZER_REQUIRE_GDAL=1`, elsewhere a machine without it skips the GDAL test with a
//! message.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;

use geo::Area as _;
use serde_json::Value;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

const RD: &str = "http://www.opengis.net/def/crs/EPSG/0/28992";

async fn serve() -> (String, Arc<AppState>) {
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    (crate::spawn_server(state.clone()).await, state)
}

/// Every area's id and area in m² (RD New), per layer, as the service holds them.
fn own_areas(state: &AppState) -> BTreeMap<String, BTreeMap<String, f64>> {
    let served = state.current();
    served
        .resolver
        .data()
        .layers
        .iter()
        .map(|l| {
            let areas = l
                .areas
                .iter()
                .map(|a| (a.id.clone(), a.geometry.unsigned_area()))
                .collect();
            (l.info.id.clone(), areas)
        })
        .collect()
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `id` and area of every feature of a layer of a GeoPackage, by GDAL's SQLite dialect.
fn gpkg_areas(gpkg: &std::path::Path, layer: &str) -> BTreeMap<String, f64> {
    let out = run(Command::new("ogrinfo").args([
        gpkg.to_str().unwrap(),
        "-dialect",
        "sqlite",
        "-sql",
        &format!("SELECT id, ST_Area(geom) AS m2 FROM \"{layer}\""),
    ]));
    let mut areas = BTreeMap::new();
    let mut id = None;
    for line in out.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("id (String) = ") {
            id = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("m2 (Real) = ") {
            areas.insert(id.take().unwrap(), v.parse::<f64>().unwrap());
        }
    }
    areas
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gdal_reads_every_layer_in_both_crss() {
    let required = std::env::var_os("WIJKWIJZER_REQUIRE_GDAL").is_some();
    if Command::new("ogr2ogr").arg("--version").output().is_err() {
        assert!(
            !required,
            "WIJKWIJZER_REQUIRE_GDAL is set but ogr2ogr is missing"
        );
        eprintln!("OGC API test: gdal-bin is not installed; install Debian's gdal-bin to run it");
        return;
    }
    let (base, state) = serve().await;
    let own = own_areas(&state);
    let dir = tempfile::tempdir().unwrap();
    let landing = format!("OAPIF:{base}/ogc");
    tokio::task::spawn_blocking(move || {
        // Every collection listed.
        let out = run(Command::new("ogrinfo").args(["-ro", "-q", &landing]));
        for layer in own.keys() {
            assert!(
                out.contains(&format!(": {layer} (")),
                "{layer} not listed:\n{out}"
            );
        }
        // The 44 buurten with their properties.
        let out = run(Command::new("ogrinfo").args(["-ro", "-so", &landing, "buurt"]));
        assert!(out.contains("Feature Count: 44"), "{out}");
        for field in ["id:", "name:", "code:", "parents:", "contacts:"] {
            assert!(out.contains(field), "no {field}\n{out}");
        }

        // Every layer copied through pages of 7 features, reprojected by GDAL to RD New: the
        // same ids, and areas within a ten-thousandth (the answer's 7 decimals of a degree
        // and PROJ's transformation without the RDNAPTRANS grid both move vertices by cm).
        let gpkg = dir.path().join("areas.gpkg");
        run(Command::new("ogr2ogr").args([
            "-f",
            "GPKG",
            gpkg.to_str().unwrap(),
            &landing,
            "-oo",
            "PAGE_SIZE=7",
            "-t_srs",
            "EPSG:28992",
        ]));
        for (layer, areas) in &own {
            let read = gpkg_areas(&gpkg, layer);
            assert_eq!(
                read.keys().collect::<Vec<_>>(),
                areas.keys().collect::<Vec<_>>(),
                "{layer}"
            );
            for (id, m2) in areas {
                let got = read[id];
                assert!(
                    (got - m2).abs() <= m2 * 1e-4,
                    "{layer} {id}: {got} m² read, {m2} m² held"
                );
            }
        }

        // The same in RD New as served (crs=EPSG:28992; GDAL 3.6's OAPIF driver cannot ask
        // for a CRS, so its GeoJSON driver reads the items with the CRS given): areas within
        // 1 m², the geometry being the stored one to the millimetre.
        let rd = dir.path().join("rd.gpkg");
        for (layer, areas) in &own {
            let url = format!("{base}/ogc/collections/{layer}/items?limit=1000&crs={RD}");
            run(Command::new("ogr2ogr").args([
                "-f",
                "GPKG",
                "-update",
                "-append",
                rd.to_str().unwrap(),
                &url,
                "-a_srs",
                "EPSG:28992",
                "-nln",
                layer,
            ]));
            let read = gpkg_areas(&rd, layer);
            assert_eq!(read.len(), areas.len(), "{layer}");
            for (id, m2) in areas {
                assert!(
                    (read[id] - m2).abs() <= 1.0,
                    "{layer} {id}: {} vs {m2}",
                    read[id]
                );
            }
        }
    })
    .await
    .unwrap();
}

async fn get(base: &str, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let res = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.json().await.unwrap())
}

#[tokio::test]
async fn paging_bbox_crs_and_problems() {
    let (base, state) = serve().await;
    let own = own_areas(&state);

    // Landing page, conformance, collections: the links a client follows.
    let (status, _, landing) = get(&base, "/ogc").await;
    assert_eq!(status, 200);
    let rels: Vec<&str> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.contains(&rel), "{rels:?}");
    }
    let (_, _, conf) = get(&base, "/ogc/conformance").await;
    assert!(
        conf["conformsTo"]
            .to_string()
            .contains("ogcapi-features-2/1.0/conf/crs")
    );
    let (_, _, cols) = get(&base, "/ogc/collections").await;
    let mut ids: Vec<&str> = cols["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, own.keys().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(cols["collections"][0]["storageCrs"], RD);

    // Paging through the buurten by `next` links: every buurt once, counts as stated.
    let mut seen = Vec::new();
    let mut url = "/ogc/collections/buurt/items?limit=10".to_string();
    loop {
        let (status, headers, page) = get(&base, &url).await;
        assert_eq!(status, 200);
        assert_eq!(
            headers["content-crs"],
            "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
        );
        assert_eq!(page["numberMatched"], 44);
        let features = page["features"].as_array().unwrap();
        assert_eq!(page["numberReturned"], features.len());
        seen.extend(
            features
                .iter()
                .map(|f| f["id"].as_str().unwrap().to_string()),
        );
        let next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().to_string());
        match next {
            Some(n) => url = n.strip_prefix(&base).unwrap().to_string(),
            None => break,
        }
    }
    let mut expected: Vec<String> = own["buurt"].keys().cloned().collect();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected);

    // A bbox around the Vrijthof, in CRS84 and in RD: Binnenstad among the hits, not all 44.
    for (bbox, crs) in [
        ("5.686,50.848,5.689,50.850", None),
        ("176100,317650,176250,317800", Some(RD)),
    ] {
        let q = match crs {
            Some(c) => format!("/ogc/collections/buurt/items?bbox={bbox}&bbox-crs={c}"),
            None => format!("/ogc/collections/buurt/items?bbox={bbox}"),
        };
        let (status, _, page) = get(&base, &q).await;
        assert_eq!(status, 200, "{page}");
        let n = page["numberMatched"].as_u64().unwrap();
        assert!((1..44).contains(&n), "{q}: {n}");
        assert!(page["features"].to_string().contains("BU09350000"), "{q}");
    }

    // One feature in RD New: coordinates in metres, the header saying so.
    let (status, headers, f) = get(
        &base,
        &format!("/ogc/collections/buurt/items/BU09350000?crs={RD}"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-crs"], format!("<{RD}>"));
    let x = f["geometry"]["coordinates"][0][0][0][0].as_f64().unwrap();
    assert!((170_000.0..190_000.0).contains(&x), "{x}");

    // Problems: what was wrong and what to send instead.
    for (path, status, says) in [
        ("/ogc/collections/gemeente", 404, "collections are lwa"),
        (
            "/ogc/collections/buurt/items/BU09359999",
            404,
            "no feature 'BU09359999'",
        ),
        ("/ogc/collections/buurt/items?limit=0", 400, "at least 1"),
        (
            "/ogc/collections/buurt/items?crs=EPSG:4326",
            400,
            "EPSG/0/28992",
        ),
        (
            "/ogc/collections/buurt/items?bbox=5.6,50.8,5.7",
            400,
            "has 3 numbers",
        ),
        (
            "/ogc/collections/buurt/items?bbox=5.7,50.8,5.6,50.9",
            400,
            "minimum above",
        ),
        (
            "/ogc/collections/buurt/items?bbox-crs=EPSG:28992",
            400,
            "without a bbox",
        ),
        ("/ogc/collections/buurt/items?limt=5", 400, "limit"),
    ] {
        let (got, headers, p) = get(&base, path).await;
        assert_eq!(got, status, "{path}: {p}");
        assert_eq!(
            headers["content-type"], "application/problem+json",
            "{path}"
        );
        assert!(p["detail"].as_str().unwrap().contains(says), "{path}: {p}");
    }
}

/// Issue 24, 14: a box around the whole world holds every area (RD is not defined there, so a
/// box in degrees is cut to the country first), and an offset near the largest number gives no
/// `next` link that wraps round to the start.
#[tokio::test]
async fn the_world_box_and_the_largest_offset() {
    let (base, state) = serve().await;
    let buurten = state
        .current()
        .resolver
        .data()
        .layer("buurt")
        .unwrap()
        .areas
        .len();
    let (status, _, page) = get(
        &base,
        "/ogc/collections/buurt/items?bbox=-180,-90,180,90&limit=1000",
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["numberMatched"], buurten, "{}", page["numberMatched"]);
    let (status, _, page) = get(&base, "/ogc/collections/buurt/items?bbox=100,-10,120,10").await;
    assert_eq!(status, 200);
    assert_eq!(page["numberMatched"], 0);
    let (status, _, page) = get(
        &base,
        "/ogc/collections/buurt/items?offset=18446744073709551615&limit=1",
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let links = page["links"].as_array().unwrap();
    assert!(
        links.iter().all(|l| l["rel"] != "next"),
        "a next link after the last item: {links:?}"
    );
    assert_eq!(page["numberReturned"], 0);
}
