//! Issue 27, 3: overlays, where responsibility does not follow the areas. A place inside an
//! overlay on a day it holds lists it and gets its contacts first; outside it, or before or
//! after its period, the answer is what it was without overlays. The same through HTTP, the
//! CLI and batch; `check` refuses bad overlay files with the feature and the reason.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

use crate::cli::wijkwijzer;

const FIXTURE: &str = include_str!("../fixtures/overlays.geojson");

const EVENT_COORDINATOR: &str = "Coördinator evenementen politie, Vrijthof";
const STATION_BOA: &str = "Boa THOR, stationsgebied";

/// The shipped roster with one assignment per overlay.
fn roster_with_overlays() -> String {
    let shipped = Geodata::embedded_files()
        .iter()
        .find(|(n, _)| *n == "roster.toml")
        .unwrap()
        .1;
    format!(
        "{shipped}\n[[assignment]]\norganisation = \"politie\"\nrole = \"coordinator\"\nscope = [\"vrijthof-zomerconcerten\"]\nfunction = \"{EVENT_COORDINATOR}\"\n\n[[assignment]]\norganisation = \"thor\"\nrole = \"boa\"\nscope = [\"stationsplein\"]\nfunction = \"{STATION_BOA}\"\n"
    )
}

/// The shipped data with the fixture's overlays (as given, WGS84) and their assignments.
fn data_with_overlays(overlays: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    crate::copy_dir(&src, dir.path());
    std::fs::write(dir.path().join("roster.toml"), roster_with_overlays()).unwrap();
    std::fs::write(dir.path().join("overlays.geojson"), overlays).unwrap();
    dir
}

/// The fixture with its coordinates in RD New and a `crs` member saying so.
fn fixture_in_rd() -> String {
    let mut doc: Value = serde_json::from_str(FIXTURE).unwrap();
    let t = wijkwijzer::crs::transformer();
    for f in doc["features"].as_array_mut().unwrap() {
        for ring in f["geometry"]["coordinates"].as_array_mut().unwrap() {
            for p in ring.as_array_mut().unwrap() {
                let rd = t.wgs84_to_rd(wijkwijzer::crs::Wgs84 {
                    lat: p[1].as_f64().unwrap(),
                    lon: p[0].as_f64().unwrap(),
                });
                *p = serde_json::json!([rd.x, rd.y]);
            }
        }
    }
    doc["crs"] =
        serde_json::json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}});
    doc.to_string()
}

async fn get(client: &reqwest::Client, url: String) -> Value {
    let r = client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    r.json().await.unwrap()
}

fn names(answer: &Value) -> Vec<String> {
    answer["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

/// The Vrijthof's middle, the Markt (in no overlay), the Stationsplein.
const VRIJTHOF: &str = "lat=50.8487&lon=5.6879";
const MARKT: &str = "lat=50.8512&lon=5.6910";
const STATION: &str = "lat=50.8492&lon=5.7048";

#[tokio::test]
async fn inside_outside_before_and_after_in_both_crs() {
    let plain = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    let plain = crate::spawn_server(plain).await;
    let client = reqwest::Client::new();
    for overlays in [FIXTURE.to_string(), fixture_in_rd()] {
        let dir = data_with_overlays(&overlays);
        let state = Arc::new(AppState::new(Resolver::new(
            Geodata::load_dir(dir.path()).unwrap(),
        )));
        let base = crate::spawn_server(state).await;

        // In July 2027 the Vrijthof is the event terrain: listed, its coordinator first.
        let a = get(
            &client,
            format!("{base}/v1/lookup?{VRIJTHOF}&as_of=2027-07-10"),
        )
        .await;
        let o = &a["overlays"];
        assert_eq!(o.as_array().unwrap().len(), 1, "{o}");
        assert_eq!(o[0]["id"], "vrijthof-zomerconcerten");
        assert_eq!(o[0]["name"], "Vrijthof, terrein zomerconcerten");
        assert_eq!(o[0]["position"], "inside");
        assert_eq!(o[0]["valid_from"], "2027-07-01");
        assert_eq!(o[0]["valid_until"], "2027-07-31");
        let first = &a["contacts"][0];
        assert_eq!(first["name"], EVENT_COORDINATOR, "{a}");
        assert_eq!(first["why"]["rule"], "overlay");
        assert_eq!(first["why"]["area"]["id"], "vrijthof-zomerconcerten");
        assert_eq!(first["why"]["area"]["layer"], "overlay");
        assert!(
            first["why"]["text"]
                .as_str()
                .unwrap()
                .contains("Vrijthof, terrein zomerconcerten"),
            "{first}"
        );
        // The area's own people stay, after the overlay's.
        let coordinators = a["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["role"] == "coordinator")
            .count();
        assert_eq!(coordinators, 2, "{a}");

        // Before and after its period, and outside it, the answer is as without overlays.
        for (place, day) in [
            (VRIJTHOF, "2027-06-30"),
            (VRIJTHOF, "2027-08-01"),
            (MARKT, "2027-07-10"),
        ] {
            let with = get(&client, format!("{base}/v1/lookup?{place}&as_of={day}")).await;
            let without = get(&client, format!("{plain}/v1/lookup?{place}&as_of={day}")).await;
            assert!(with.get("overlays").is_none(), "{place} {day}: {with}");
            assert_eq!(with["contacts"], without["contacts"], "{place} {day}");
            assert_eq!(with["message"], without["message"], "{place} {day}");
        }

        // An overlay without a period holds every day; a boa is named before the coordinator.
        let a = get(&client, format!("{base}/v1/lookup?{STATION}")).await;
        assert_eq!(a["overlays"][0]["id"], "stationsplein", "{a}");
        assert_eq!(names(&a)[0], STATION_BOA);
        assert_ne!(a["contacts"][1]["why"]["rule"], "overlay");

        // The overlays of a day as GeoJSON for maps: both in July 2027 (each with its own
        // people only, in WGS84 as drawn), the Stationsplein alone before; none without.
        let fc = get(&client, format!("{base}/v1/overlays?as_of=2027-07-10")).await;
        let ids: Vec<&str> = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["stationsplein", "vrijthof-zomerconcerten"], "{fc}");
        let vrijthof = &fc["features"][1];
        assert_eq!(vrijthof["properties"]["valid_until"], "2027-07-31");
        let people: Vec<&str> = vrijthof["properties"]["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(people, [EVENT_COORDINATOR]);
        let first = &vrijthof["geometry"]["coordinates"][0][0][0];
        assert!(
            (first[0].as_f64().unwrap() - 5.6868).abs() < 1e-5
                && (first[1].as_f64().unwrap() - 50.84935).abs() < 1e-5,
            "{first}"
        );
        let fc = get(&client, format!("{base}/v1/overlays?as_of=2027-06-30")).await;
        assert_eq!(fc["features"].as_array().unwrap().len(), 1, "{fc}");
        let fc = get(&client, format!("{plain}/v1/overlays")).await;
        assert_eq!(
            fc,
            serde_json::json!({"type": "FeatureCollection", "features": []})
        );

        // A situation's handlers come from the same contacts: the overlay's first.
        let a = get(
            &client,
            format!("{base}/v1/lookup?{VRIJTHOF}&as_of=2027-07-10&situation=spoed"),
        )
        .await;
        assert_eq!(a["situation"]["handlers"][0]["name"], EVENT_COORDINATOR);
    }
}

#[tokio::test]
async fn the_edge_is_as_uncertain_as_the_place() {
    let dir = data_with_overlays(FIXTURE);
    let state = Arc::new(AppState::new(Resolver::new(
        Geodata::load_dir(dir.path()).unwrap(),
    )));
    let base = crate::spawn_server(state).await;
    let client = reqwest::Client::new();
    let lookup = |q: &str| {
        format!(
            "{base}/v1/lookup?q={}&as_of=2027-07-10",
            q.replace(' ', "%20")
        )
    };
    // About 9 m west of the Vrijthof's west edge, given to the metre: outside, not named.
    let a = get(&client, lookup("50.84870 5.68670")).await;
    assert!(a.get("overlays").is_none(), "{a}");
    assert_ne!(names(&a)[0], EVENT_COORDINATOR);
    // The same point "±30 m": it may lie in the terrain; said, but its people are not listed.
    let a = get(&client, lookup("50.84870 5.68670 ±30 m")).await;
    assert_eq!(a["overlays"][0]["position"], "near", "{a}");
    assert!(!names(&a).iter().any(|n| n == EVENT_COORDINATOR), "{a}");
    // About 9 m inside the east edge, ±30 m: inside, but not surely.
    let a = get(&client, lookup("50.84870 5.68890 ±30 m")).await;
    assert_eq!(a["overlays"][0]["position"], "boundary", "{a}");
    assert_eq!(names(&a)[0], EVENT_COORDINATOR);
    // Well inside, ±30 m: inside.
    let a = get(&client, lookup("50.84870 5.68790 ±30 m")).await;
    assert_eq!(a["overlays"][0]["position"], "inside", "{a}");
}

#[tokio::test]
async fn cli_and_batch_name_the_same() {
    let dir = data_with_overlays(FIXTURE);
    let d = dir.path().to_str().unwrap();
    let state = Arc::new(AppState::new(Resolver::new(
        Geodata::load_dir(dir.path()).unwrap(),
    )));
    let base = crate::spawn_server(state).await;
    let client = reqwest::Client::new();
    let http = get(
        &client,
        format!("{base}/v1/lookup?{VRIJTHOF}&as_of=2027-07-10"),
    )
    .await;
    let (code, out, err) = wijkwijzer(&[
        "lookup",
        "--json",
        "--geodata",
        d,
        "--as-of",
        "2027-07-10",
        "50.8487,5.6879",
    ]);
    assert_eq!(code, 0, "{err}");
    let cli: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(cli["overlays"], http["overlays"]);
    assert_eq!(cli["contacts"], http["contacts"]);
    let (code, text, err) = wijkwijzer(&[
        "lookup",
        "--geodata",
        d,
        "--as-of",
        "2027-07-10",
        "50.8487,5.6879",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("Overlay    Vrijthof, terrein zomerconcerten [vrijthof-zomerconcerten]"),
        "{text}"
    );

    // Batch: an `overlays` column (only because the data has overlays), and the coordinator
    // column names the overlay's coordinator inside it, by CLI and HTTP alike.
    let csv = "id,lat,lon\n1,50.8487,5.6879\n2,50.8512,5.6910\n3,50.8492,5.7048\n";
    let input = dir.path().join("in.csv");
    std::fs::write(&input, csv).unwrap();
    let (code, out, err) = wijkwijzer(&[
        "classify",
        "--geodata",
        d,
        "--as-of",
        "2027-07-10",
        input.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let http_out = crate::post_csv(&base, "/v1/classify?as_of=2027-07-10", csv.to_string()).await;
    assert_eq!(out, http_out);
    let mut rows = csv::Reader::from_reader(out.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(
        &rows[0][col("overlays")],
        "Vrijthof, terrein zomerconcerten"
    );
    assert!(
        rows[0][col("police_coordinator")].starts_with(EVENT_COORDINATOR),
        "{out}"
    );
    assert_eq!(&rows[1][col("overlays")], "");
    assert!(!rows[1][col("police_coordinator")].starts_with(EVENT_COORDINATOR));
    assert_eq!(&rows[2][col("overlays")], "Stationsplein");
    // Data without overlays has no such column.
    let (_, plain, _) = wijkwijzer(&["classify", input.to_str().unwrap()]);
    assert!(
        !plain.lines().next().unwrap().contains("overlays"),
        "{plain}"
    );
}

/// `check` refuses an overlay file with each feature's problem, and keeps the rules of scope.
#[test]
fn check_refuses_bad_overlays() {
    let feature = |id: &str, props: &str, coords: &str| {
        format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"{id}\",\"name\":\"{id}\"{props}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{coords}]}}}}"
        )
    };
    let square = "[[5.687,50.848],[5.688,50.848],[5.688,50.849],[5.687,50.849],[5.687,50.848]]";
    let cases = [
        // The same id for overlapping periods.
        (
            vec![
                feature(
                    "vrijthof-zomerconcerten",
                    ",\"valid_from\":\"2027-07-01\"",
                    square,
                ),
                feature(
                    "vrijthof-zomerconcerten",
                    ",\"valid_from\":\"2027-07-20\"",
                    square,
                ),
                feature("stationsplein", "", square),
            ],
            "vrijthof-zomerconcerten: drawn twice for overlapping periods",
        ),
        // An id an area has.
        (
            vec![
                feature("vrijthof-zomerconcerten", "", square),
                feature("stationsplein", "", square),
                feature("lwa-centrum-zuid-west", "", square),
            ],
            "lwa-centrum-zuid-west: id is also the id of the lwa area",
        ),
        // Outside the municipality (Amsterdam).
        (
            vec![
                feature("vrijthof-zomerconcerten", "", square),
                feature(
                    "stationsplein",
                    "",
                    "[[4.90,52.37],[4.91,52.37],[4.91,52.38],[4.90,52.38],[4.90,52.37]]",
                ),
            ],
            "stationsplein: lies",
        ),
        // RD metres without a crs member.
        (
            vec![
                feature("vrijthof-zomerconcerten", "", square),
                feature(
                    "stationsplein",
                    "",
                    "[[176000,317000],[176100,317000],[176100,317100],[176000,317000]]",
                ),
            ],
            "needs a 'crs' member naming urn:ogc:def:crs:EPSG::28992",
        ),
        // A self-intersecting outline.
        (
            vec![
                feature("vrijthof-zomerconcerten", "", square),
                feature(
                    "stationsplein",
                    "",
                    "[[5.687,50.848],[5.688,50.849],[5.688,50.848],[5.687,50.849],[5.687,50.848]]",
                ),
            ],
            "stationsplein: invalid geometry",
        ),
        // A date that is not one.
        (
            vec![
                feature(
                    "vrijthof-zomerconcerten",
                    ",\"valid_until\":\"31-07-2027\"",
                    square,
                ),
                feature("stationsplein", "", square),
            ],
            "valid_until '31-07-2027' is not a date: write YYYY-MM-DD",
        ),
    ];
    for (features, expected) in cases {
        let file = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
            features.join(",")
        );
        let dir = data_with_overlays(&file);
        let (code, out, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
        assert_ne!(code, 0, "{expected}: {out}");
        assert!(err.contains("overlays.geojson"), "{err}");
        assert!(err.contains(expected), "{expected}: {err}");
    }
    // A roster naming an overlay the file does not have is refused as an unknown scope.
    let dir = data_with_overlays(FIXTURE);
    std::fs::write(
        dir.path().join("overlays.geojson"),
        "{\"type\":\"FeatureCollection\",\"features\":[]}",
    )
    .unwrap();
    let (code, _, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(
        err.contains("scope names unknown area 'stationsplein': not the id of an area of any layer, nor of an overlay"),
        "{err}"
    );
    // The fixture itself passes.
    let dir = data_with_overlays(FIXTURE);
    let (code, out, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
}
