//! Batch classification: every row survives byte for byte, formats and encodings are
//! detected, columns can be named, the summary counts, and the HTTP endpoint takes large files.

use std::sync::Arc;

use proptest::prelude::*;
use wijkwijzer::classify::{ColumnArgs, Options, Summary, classify_csv};
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::{AppState, DataSource, ServeConfig};
use wijkwijzer::resolve::Resolver;

fn resolver() -> &'static Resolver {
    static R: std::sync::OnceLock<Resolver> = std::sync::OnceLock::new();
    R.get_or_init(|| Resolver::new(Geodata::embedded().unwrap()))
}

fn run(input: &[u8], opts: &Options) -> (Vec<u8>, Summary) {
    let mut out = Vec::new();
    let summary = classify_csv(resolver(), input, &mut out, opts, |_, _| {}).unwrap();
    (out, summary)
}

/// Checks that `output` is `input` record by record with columns appended, and returns the
/// appended part of each record.
fn appended(input: &[(String, &str)], header: &str, output: &[u8]) -> Vec<String> {
    let out = String::from_utf8_lossy(output).into_owned();
    // An ASCII input answered with names gets a BOM for Excel (tests/it/excel_files.rs).
    let out = out.strip_prefix('\u{feff}').unwrap_or(&out).to_string();
    assert!(out.starts_with(header), "{out}");
    let mut pos = header.len();
    let mut extras = Vec::new();
    for (rec, ending) in input {
        assert!(
            out[pos..].starts_with(rec.as_str()),
            "record {rec:?} not found at {pos}: {:?}",
            &out[pos..]
        );
        pos += rec.len();
        let end = out[pos..].find('\n').map_or(out.len(), |i| pos + i + 1);
        let extra = &out[pos..end];
        assert!(
            extra.ends_with(ending),
            "{extra:?} should end with {ending:?}"
        );
        extras.push(extra.trim_end_matches(['\r', '\n']).to_string());
        pos = end;
    }
    assert_eq!(pos, out.len(), "output has more than the input's records");
    extras
}

/// The added columns, in the documented order, for the shipped layers.
const ADDED: &str = "lwa,lwa_name,wijk,wijk_name,buurt,buurt_name,stadsdeel,stadsdeel_name,position,thor_senior,police_coordinator,status,quality,source,point_lat,point_lon,point_x,point_y,certainty,certainty_radius_m,also_possible,message";

fn row_strategy() -> impl Strategy<Value = (String, &'static str)> {
    let point = (50.80f64..50.90, 5.62f64..5.78, "[a-z ]{0,8}")
        .prop_map(|(lat, lon, note)| format!("{lat:.6},{lon:.6},{note}"));
    let junk = prop_oneof![
        "[^\r\n\"]{0,30}",
        Just(",,".to_string()),
        Just("\"quoted, with a comma\",5.69,\"and \"\"quotes\"\"\"".to_string()),
        Just("\"a line\nbreak\",1,2".to_string()),
        Just("91,181,x".to_string()),
        Just("NaN,5.69,".to_string()),
    ];
    (
        prop_oneof![3 => point, 1 => junk],
        prop_oneof![Just("\n"), Just("\r\n")],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_row_survives_in_order_exactly_once(rows in prop::collection::vec(row_strategy(), 0..300), last_newline in any::<bool>()) {
        let header = "lat,lon,note\n";
        let mut input = header.to_string();
        let mut records = rows.clone();
        // Without a final line break the last record ends the file (an empty one is nothing).
        if !last_newline && let Some(last) = records.last_mut() && !last.0.is_empty() {
            last.1 = "";
        }
        for (r, e) in &records {
            input.push_str(r);
            input.push_str(e);
        }
        let (out, summary) = run(input.as_bytes(), &Options::default());
        let extras = appended(&records, &format!("lat,lon,note,{ADDED}\n"), &out);
        prop_assert_eq!(summary.rows as usize, records.len());
        prop_assert_eq!(summary.per_status.values().sum::<u64>(), summary.rows);
        let ok = extras.iter().filter(|e| e.contains(",ok,") || e.contains(",near,")).count() as u64;
        prop_assert_eq!(ok, summary.resolved);
    }
}

#[test]
fn dutch_excel_semicolons_bom_and_decimal_commas() {
    let input = "\u{feff}naam;lat;lon\r\nVrijthof;50,8489;5,6879\r\nStation;50,8497;5,7053\r\n";
    let (out, summary) = run(input.as_bytes(), &Options::default());
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.starts_with(&format!(
            "\u{feff}naam;lat;lon;{}\r\n",
            ADDED.replace(',', ";")
        )),
        "{out}"
    );
    assert!(
        out.contains("Vrijthof;50,8489;5,6879;lwa-centrum-zuid-west;Centrum / Zuid-West;"),
        "{out}"
    );
    assert!(out.contains(";BU09350000;Binnenstad;"), "{out}");
    // The resolved point: WGS84 as given (to 7 decimals), RD to the millimetre, with decimal
    // commas as the file writes its own (issue 25, 2: Dutch Excel reads 176177.969 as a
    // number a thousand times too large).
    assert!(
        out.contains(
            ";ok;coordinates;lat/lon;50,8489;5,6879;176177,969;317717,186;certain;25;;\r\n"
        ),
        "{out}"
    );
    assert_eq!(summary.decimal, "comma");
    assert_eq!(summary.delimiter, ";");
    assert_eq!(summary.encoding, "UTF-8 with BOM");
    assert_eq!(summary.resolved, 2, "{summary:?}");
}

#[test]
fn tabs_and_windows_1252_stay_as_they_were() {
    // "Café" in Windows-1252 (0xE9), tab-separated, RD coordinates.
    let mut input = b"naam\tx\ty\n".to_vec();
    input.extend_from_slice(b"Caf\xe9 Sjiek\t176178\t317717\n");
    let (out, summary) = run(&input, &Options::default());
    assert_eq!(summary.encoding, "Windows-1252");
    assert_eq!(summary.delimiter, "tab");
    assert!(
        out.windows(12).any(|w| w == b"Caf\xe9 Sjiek\t1"),
        "original bytes kept"
    );
    // Appended text in the file's own encoding: ö of Coördinator as 0xF6.
    assert!(
        out.windows(5).any(|w| w == b"Co\xf6rd"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    assert!(
        std::str::from_utf8(&out).is_err(),
        "no UTF-8 mixed into a Windows-1252 file"
    );
}

#[test]
fn columns_can_be_named_and_wrong_names_are_refused() {
    let input = "breedte,lengte,wat\n50.8489,5.6879,plein\n";
    let err = classify_csv(
        resolver(),
        input.as_bytes(),
        Vec::new(),
        &Options::default(),
        |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("breedte, lengte, wat") && err.contains("--lat, --lon"),
        "{err}"
    );
    let opts = Options {
        columns: ColumnArgs {
            lat: Some("breedte".into()),
            lon: Some("Lengte".into()),
            ..ColumnArgs::default()
        },
        ..Options::default()
    };
    let (out, summary) = run(input.as_bytes(), &opts);
    assert_eq!(summary.resolved, 1, "{}", String::from_utf8_lossy(&out));
    let opts = Options {
        columns: ColumnArgs {
            lat: Some("nope".into()),
            lon: Some("lengte".into()),
            ..ColumnArgs::default()
        },
        ..Options::default()
    };
    let err = classify_csv(resolver(), input.as_bytes(), Vec::new(), &opts, |_, _| {})
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("--lat names column 'nope', but the header has no such column"),
        "{err}"
    );
    // Web Mercator x/y with a CRS flag, and without one (judged from the values).
    let opts = Options {
        columns: ColumnArgs {
            x: Some("mx".into()),
            y: Some("my".into()),
            crs: Some("EPSG:3857".into()),
            ..ColumnArgs::default()
        },
        ..Options::default()
    };
    let (_, summary) = run(b"mx,my\n633174,6594609\n", &opts);
    assert_eq!(summary.resolved, 1);
    let (_, summary) = run(b"x,y\n633174,6594609\n", &Options::default());
    assert_eq!(summary.resolved, 1, "{summary:?}");
    assert!(
        summary.notes[0].contains("EPSG:3857 coordinates, not RD New"),
        "{summary:?}"
    );
}

#[test]
fn addresses_and_the_summary_counts() {
    let input =
        "postcode,huisnummer,opmerking\n6216CG,45,ok\n6216CG,999,niet\n6211CP,4,dubbel\n,,leeg\n";
    let (out, summary) = run(input.as_bytes(), &Options::default());
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[1].contains("BU09350200,Brusselsepoort") && lines[1].contains(",ok,"),
        "{out}"
    );
    assert!(lines[2].contains(",address_not_found,"), "{out}");
    // 4C and 4D lie in one area: the row is placed, the message says which numbers exist.
    assert!(
        lines[3].contains(",ok,huisletter_ignored,") && lines[3].contains("4C, 4D"),
        "{out}"
    );
    assert!(lines[4].contains(",missing_place,"), "{out}");
    let count = |k: &str| summary.per_status.get(k).copied().unwrap_or(0);
    assert_eq!(
        (
            summary.rows,
            count("ok"),
            count("address_not_found"),
            count("ambiguous_address"),
            count("missing_place")
        ),
        (4, 2, 1, 0, 1)
    );
    assert_eq!(summary.per_area["Noord-West"], 1);
    // A free-text column with addresses and coordinates mixed.
    let (_, summary) = run(
        "adres\nBrusselsepoort 45\n\"50.8489, 5.6879\"\nNergensstraat 1\n".as_bytes(),
        &Options::default(),
    );
    assert_eq!(summary.resolved, 2, "{summary:?}");
}

#[tokio::test]
async fn http_classify_takes_megabytes_and_refuses_too_much() {
    let mut csv = String::from("id,lat,lon\n");
    let mut i = 0;
    while csv.len() < 3 * 1024 * 1024 {
        csv.push_str(&format!(
            "{i},{:.6},{:.6}\n",
            50.82 + (i % 97) as f64 * 0.0006,
            5.66 + (i % 89) as f64 * 0.0008
        ));
        i += 1;
    }
    let source = DataSource::Embedded;
    let state = Arc::new(AppState::with_config(
        source,
        Resolver::new(Geodata::embedded().unwrap()),
        ServeConfig {
            rate_per_second: 0,
            max_classify_bytes: 4 * 1024 * 1024,
            ..ServeConfig::default()
        },
    ));
    let base = crate::spawn_server(state).await;
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{base}/v1/classify"))
        .header("content-type", "text/csv")
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let summary: serde_json::Value =
        serde_json::from_str(res.headers()["x-classify-summary"].to_str().unwrap()).unwrap();
    assert_eq!(summary["rows"], i);
    let body = res.text().await.unwrap();
    assert_eq!(body.lines().count(), i + 1);
    assert!(
        body.lines()
            .skip(1)
            .all(|l| l.contains(",ok,") || l.contains(",near,") || l.contains(",outside,"))
    );

    let too_big = csv.repeat(2);
    let res = client
        .post(format!("{base}/v1/classify"))
        .header("content-type", "text/csv")
        .body(too_big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let res = client
        .post(format!("{base}/v1/classify"))
        .header("content-type", "application/pdf")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let res = client
        .post(format!("{base}/v1/classify"))
        .header("content-type", "text/csv")
        .body("a,b\n1,2\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    // The HTTP door names parameters, never the CLI's flags.
    let detail = res.text().await.unwrap();
    assert!(
        detail.contains("Name them with lat=, lon=, x=, y=") && !detail.contains("--"),
        "{detail}"
    );
}

#[test]
fn cli_classify_reads_stdin_and_writes_a_report() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args(["classify", "-", "--report", report.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"lat,lon\n50.8489,5.6879\nx,y\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    // One row of two is not placed: the run worked, exit 1 says not all rows were placed.
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("2 rows") && stderr.contains("bad_coordinate"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no progress bar when not on a terminal"
    );
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(
        (r["rows"].as_u64(), r["resolved"].as_u64()),
        (Some(2), Some(1))
    );
}

fn classify_any(input: &[u8]) -> (String, Summary) {
    let mut out = Vec::new();
    let summary =
        wijkwijzer::classify::classify(resolver(), input, &mut out, &Options::default(), |_, _| {})
            .unwrap();
    (String::from_utf8(out).unwrap(), summary)
}

#[test]
fn newline_delimited_geojson_keeps_every_line_and_every_value() {
    let lines = [
        r#"{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[5.6879, 50.8489]},"properties":{"naam":"Vrijthof","n":1.50}}"#,
        "not json at all",
        r#"{"type":"Feature","geometry":null,"properties":null}"#,
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[4.35,50.85]},"properties":{"lwa":"mine"}}"#,
        r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[5.6,50.8],[5.7,50.9]]},"properties":{}}"#,
    ];
    let input = lines.join("\r\n") + "\r\n";
    let (out, summary) = classify_any(input.as_bytes());
    let got: Vec<&str> = out.split("\r\n").collect();
    assert_eq!(got.len(), lines.len() + 1, "{out}");
    assert_eq!(
        got[1], "not json at all",
        "a line that is not a Feature passes unchanged"
    );
    // Members keep their order and their exact text; properties gain the columns.
    assert!(
        got[0].starts_with(r#"{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[5.6879, 50.8489]},"properties":{"naam":"Vrijthof","n":1.50,"lwa":"lwa-centrum-zuid-west""#),
        "{}",
        got[0]
    );
    let first: serde_json::Value = serde_json::from_str(got[0]).unwrap();
    assert_eq!(first["properties"]["buurt"], "BU09350000");
    assert_eq!(first["properties"]["buurt_name"], "Binnenstad");
    assert_eq!(first["properties"]["status"], "ok");
    let third: serde_json::Value = serde_json::from_str(got[2]).unwrap();
    assert_eq!(third["properties"]["status"], "missing_place");
    // A property of the same name is kept; ours is prefixed.
    let fourth: serde_json::Value = serde_json::from_str(got[3]).unwrap();
    assert_eq!(fourth["properties"]["lwa"], "mine");
    assert_eq!(
        fourth["properties"]["wijkwijzer_lwa"],
        serde_json::Value::Null
    );
    assert_eq!(fourth["properties"]["status"], "outside");
    let fifth: serde_json::Value = serde_json::from_str(got[4]).unwrap();
    assert_eq!(fifth["properties"]["status"], "bad_coordinate");
    assert!(
        fifth["properties"]["message"]
            .as_str()
            .unwrap()
            .contains("LineString")
    );
    let count = |k: &str| summary.per_status.get(k).copied().unwrap_or(0);
    assert_eq!(
        (
            summary.rows,
            count("ok"),
            count("bad_feature"),
            count("missing_place"),
            count("outside"),
            count("bad_coordinate")
        ),
        (5, 1, 1, 1, 1, 1)
    );
}

#[test]
fn a_feature_collection_in_rd_keeps_its_members() {
    let input = r#"{"type":"FeatureCollection","name":"meldingen","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[176178.0,317717.0]},"properties":{"a":1}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[174564.74,317884.54]},"properties":{"a":2}}
]}"#;
    let (out, summary) = classify_any(input.as_bytes());
    assert!(out.starts_with(r#"{"type":"FeatureCollection","name":"meldingen","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"features":["#), "{out}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = doc["features"].as_array().unwrap();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0]["properties"]["lwa_name"], "Centrum / Zuid-West");
    assert_eq!(f[1]["properties"]["buurt"], "BU09350200");
    assert_eq!(f[1]["properties"]["buurt_name"], "Brusselsepoort");
    assert!(f[1]["properties"]["point_x"].is_f64(), "{}", f[1]);
    assert_eq!(f[1]["geometry"]["coordinates"][0], 174564.74);
    assert_eq!(summary.resolved, 2);
    assert!(
        summary.columns.contains("EPSG:28992"),
        "{}",
        summary.columns
    );
    // Not GeoJSON at all: a clear error.
    let err = wijkwijzer::classify::classify(
        resolver(),
        &b"{\"a\":1}"[..],
        Vec::new(),
        &Options::default(),
        |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not a GeoJSON FeatureCollection"), "{err}");
}

#[tokio::test]
async fn http_classify_takes_geojson() {
    let state = Arc::new(AppState::with_config(
        DataSource::Embedded,
        Resolver::new(Geodata::embedded().unwrap()),
        ServeConfig {
            rate_per_second: 0,
            ..ServeConfig::default()
        },
    ));
    let base = crate::spawn_server(state).await;
    let body = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[5.6879,50.8489]},\"properties\":{}}\n";
    let res = reqwest::Client::new()
        .post(format!("{base}/v1/classify"))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/x-ndjson");
    let text = res.text().await.unwrap();
    let v: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(v["properties"]["lwa_name"], "Centrum / Zuid-West");
}

#[test]
fn records_larger_than_a_chunk_and_files_spanning_many_chunks() {
    // A 6 MiB quoted note with line breaks, then ordinary rows across several 4 MiB chunks.
    let big = "x\n".repeat(3 << 20);
    let mut input = format!("lat,lon,note\n50.8489,5.6879,\"{big}\"\n");
    let first = format!("50.8489,5.6879,\"{big}\"");
    for i in 0..300_000 {
        input.push_str(&format!("50.85,5.69,{i}\n"));
    }
    let (out, summary) = run(input.as_bytes(), &Options::default());
    assert_eq!(summary.rows, 300_001);
    assert_eq!(summary.resolved, 300_001);
    // The big record keeps its line breaks; every row comes back in order.
    let out = String::from_utf8(out).unwrap();
    let body = &out[out.find('\n').unwrap() + 1..];
    assert!(body.starts_with(&first), "the big record is intact");
    let rest = &body[first.len()..];
    let tail: Vec<&str> = rest.lines().skip(1).collect();
    assert_eq!(tail.len(), 300_000);
    for (i, line) in tail.iter().enumerate().step_by(9_973) {
        assert!(line.starts_with(&format!("50.85,5.69,{i},")), "{line}");
    }
}

/// A street whose two addresses lie in two LWA areas: every door refuses to pick one area's
/// people for the street alone, and all give the same area for a house number.
#[test]
fn a_street_spanning_two_areas_is_ambiguous_in_batch_as_in_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx.csv");
    std::fs::write(
        &idx,
        "straat,huisnummer,postcode,woonplaats,x,y\n\
         Grensstraat,1,6211AA,Maastricht,176040,317960\n\
         Grensstraat,2,6222BB,Maastricht,179200,317600\n",
    )
    .unwrap();
    let (code, out, err) = crate::cli::wijkwijzer(&[
        "import",
        "addresses",
        idx.to_str().unwrap(),
        "-o",
        dir.path().join("a.csv").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let addresses = dir.path().join("a.csv");
    let a = addresses.to_str().unwrap();
    let (code, _, err) = crate::cli::wijkwijzer(&["lookup", "--addresses", a, "Grensstraat"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("spans 2 areas"), "{err}");

    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "id;adres\n1;Grensstraat\n2;Grensstraat 1\n3;Grensstraat 2\n",
    )
    .unwrap();
    let (code, out, err) = crate::cli::wijkwijzer(&[
        "classify",
        "--addresses",
        a,
        "--quiet",
        input.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "one row is not placed: {err}");
    let rows: Vec<&str> = out.lines().collect();
    assert!(
        rows[1].starts_with("1;Grensstraat;") && rows[1].contains("ambiguous_address"),
        "{out}"
    );
    assert!(rows[1].contains("spans 2 areas"), "{out}");
    assert!(
        rows[2].contains("lwa-centrum-zuid-west") && rows[2].contains(";ok;"),
        "{out}"
    );
    assert!(
        rows[3].contains("lwa-zuid-oost") && rows[3].contains(";ok;"),
        "{out}"
    );
}

/// The addresses of the door-comparison test: a street and a postcode that span two areas,
/// a street in one area, numbers with letters.
const DOORS_ADDRESSES: &str = "straat,huisnummer,huisletter,postcode,woonplaats,x,y\n\
    Grensstraat,1,,6211AA,Maastricht,176040,317960\n\
    Grensstraat,2,,6222BB,Maastricht,179200,317600\n\
    Binnenweg,3,,6211AA,Maastricht,176100,317900\n\
    Binnenweg,5,A,6211AA,Maastricht,176120,317910\n\
    Oostweg,7,,6222BB,Maastricht,179250,317650\n\
    Oostweg,9,,6222BC,Maastricht,179300,317700\n";

/// An overlay across the city centre, a boundary of LWA areas and a fifth of the inputs'
/// range, with a coordinator of its own (issue 27, 3): whether a row lies in it matters.
const DOORS_OVERLAY: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"doors-terrein","name":"Terrein"},"geometry":{"type":"Polygon","coordinates":[[[5.680,50.845],[5.705,50.845],[5.705,50.860],[5.680,50.860],[5.680,50.845]]]}}]}"#;

/// The doors' resolver with the coordinator of Centrum / Zuid-West on weekdays 08:30-17:00
/// and an officer of duty outside those hours (issue 27, 2): the moment of a row matters; and
/// an overlay with a coordinator of its own.
fn doors_resolver() -> &'static Resolver {
    static R: std::sync::OnceLock<Resolver> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        let roster = format!(
            "{}\n[[assignment]]\norganisation = \"politie\"\nrole = \"coordinator\"\nscope = [\"doors-terrein\"]\nfunction = \"Coördinator evenementen, terrein\"\n",
            crate::roster_with_hours()
        );
        let mut files: Vec<(&str, &str)> = Geodata::embedded_files()
            .iter()
            .map(|(n, c)| {
                (
                    *n,
                    if *n == "roster.toml" {
                        roster.as_str()
                    } else {
                        *c
                    },
                )
            })
            .collect();
        files.push(("overlays.geojson", DOORS_OVERLAY));
        let data = Geodata::from_memory("doors", &files).unwrap();
        let r = make_doors_resolver();
        Resolver::new(data).with_addresses(r.addresses().clone())
    })
}

/// Moments of the doors' comparison: a weekday morning, a Saturday night, Easter Monday.
const DOORS_MOMENTS: [&str; 3] = [
    "2026-12-07T10:00:00+01:00",
    "2026-12-05T23:00:00+01:00",
    "2026-04-06T10:00:00+02:00",
];

fn make_doors_resolver() -> Resolver {
    {
        let outcome = wijkwijzer::address::records::import_csv(
            DOORS_ADDRESSES.as_bytes(),
            "doors.csv",
            &wijkwijzer::address::records::ImportOptions::default(),
        )
        .unwrap();
        let info = wijkwijzer::address::AddressSourceInfo {
            name: "doors".into(),
            licence: "-".into(),
            attribution: String::new(),
            complete: true,
            note: String::new(),
            date: None,
        };
        let index = wijkwijzer::address::AddressIndex::build(outcome.records, info)
            .unwrap()
            .0;
        Resolver::new(Geodata::embedded().unwrap()).with_addresses(Arc::new(index))
    }
}

/// What lookup says for a text, in batch's terms: status, LWA id, wijk and buurt codes, the
/// THOR senior and police coordinator cells, the match quality, the point (RD x, y), the
/// certainty: level, radius and the other areas the place may lie in, the overlays and the
/// position.
fn lookup_as_row(r: &Resolver, text: &str, at: &str) -> Vec<String> {
    let on = r.today().at(at.parse().unwrap());
    use wijkwijzer::address::{Failure, Query};
    use wijkwijzer::resolve::AddressLookupError;
    let audience = wijkwijzer::roster::Audience::Public;
    let refused = |status: &str| {
        let mut row = vec![status.to_string()];
        row.resize(14, String::new());
        row
    };
    let answer = match crate::parse(text) {
        Err(_) => return refused("bad_address"),
        Ok(wijkwijzer::query::Input::Point(u)) => {
            Ok(on.resolve_understood(u, None, audience).unwrap())
        }
        Ok(wijkwijzer::query::Input::Address(t)) => {
            on.resolve_address(&Query::Text(t), None, audience)
        }
    };
    let answer = match answer {
        Ok(a) => a,
        Err(AddressLookupError::Address(Failure::NotFound { .. })) => {
            return refused("address_not_found");
        }
        Err(AddressLookupError::Address(Failure::Ambiguous { candidates, .. })) => {
            // A 300 says how sure it is from its candidates' areas, as a batch row does.
            let (c, _) = on.candidates_certainty(&candidates, wijkwijzer::roster::Audience::Public);
            let mut row = refused("ambiguous_address");
            row[9] = c.level.as_str().to_string();
            row[10] = c.radius_m.to_string();
            row[11] = c
                .areas
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return row;
        }
        Err(_) => return refused("bad_address"),
    };
    let quality = answer
        .address
        .as_ref()
        .map_or("coordinates", |a| a.quality.as_str())
        .to_string();
    let point = [answer.point.rd.x.to_string(), answer.point.rd.y.to_string()];
    let certainty = [
        answer.certainty.level.as_str().to_string(),
        answer.certainty.radius_m.to_string(),
        answer
            .also_possible
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    ];
    if answer.position == wijkwijzer::index::Position::Outside {
        let mut row = refused("outside");
        row[6] = quality;
        row[7..9].clone_from_slice(&point);
        row[9..12].clone_from_slice(&certainty);
        row[13] = "outside".into();
        return row;
    }
    let person = |role: wijkwijzer::roster::Role| {
        answer
            .contacts
            .iter()
            .find(|c| c.role == role)
            .map(wijkwijzer::roster::Contact::cell)
            .unwrap_or_default()
    };
    let [x, y] = point;
    let [level, radius, also] = certainty;
    // Batch names the overlays a row lies in; lookup also those it may lie in.
    let overlays = answer
        .overlays
        .iter()
        .filter(|o| o.position != wijkwijzer::index::Position::Near)
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    // Just outside the generalised boundary a lookup answers the nearest area; batch says so
    // in its status.
    let status = if answer.position == wijkwijzer::index::Position::Near {
        "near"
    } else {
        "ok"
    };
    vec![
        status.into(),
        answer
            .lwa
            .as_ref()
            .map(|l| l.id.clone())
            .unwrap_or_default(),
        answer
            .wijk
            .as_ref()
            .map(|w| w.code.clone())
            .unwrap_or_default(),
        answer
            .buurt
            .as_ref()
            .map(|b| b.code.clone())
            .unwrap_or_default(),
        person(wijkwijzer::roster::Role::SeniorWijkgebondenMedewerker),
        person(wijkwijzer::roster::Role::Coordinator),
        quality,
        x,
        y,
        level,
        radius,
        also,
        overlays,
        serde_json::to_value(answer.position)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string(),
    ]
}

/// Inputs of every kind, written as people write them.
fn door_input() -> impl Strategy<Value = String> {
    let point = (50.80f64..50.90, 5.63f64..5.76);
    prop_oneof![
        point
            .clone()
            .prop_map(|(lat, lon)| format!("{lat:.5}, {lon:.5}")),
        point
            .clone()
            .prop_map(|(lat, lon)| format!("{lat:.5} {lon:.5}")),
        point
            .clone()
            .prop_map(|(lat, lon)| format!("geo:{lat:.5},{lon:.5}")),
        (170_000f64..185_000.0, 310_000f64..325_000.0).prop_map(|(x, y)| format!("{x:.0} {y:.0}")),
        // Outside the city.
        (52.0f64..53.0, 4.5f64..6.5).prop_map(|(lat, lon)| format!("{lat:.4}, {lon:.4}")),
        // A link to a map view, not a place: its radius follows its zoom (issue 34, 6).
        (point.clone(), 12u32..20).prop_map(|((lat, lon), z)| format!(
            "https://www.google.com/maps/@{lat:.4},{lon:.4},{z}z"
        )),
        // Whole minutes: ±930 m, often across a boundary.
        (47u32..54, 38u32..46).prop_map(|(m, n)| format!("50°{m}'N 5°{n}'E")),
        prop::sample::select(vec![
            "Grensstraat 1",
            "Grensstraat 2",
            "Grenstraat 1",
            "Grensstraat",
            "Binnenweg",
            "Binnenweg 5a",
            "Binnenweg 5 B",
            "6211AA 3",
            "6211 aa 5a",
            "6211AA",
            "6222BB",
            "Oostweg 9",
            "Oostwg 7",
            "Nergensstraat 4",
            "Binnenweg 99",
            // Places of the gazetteer, answered with their extent (issue 34, 6).
            "Stadspark",
            "Sphinxkwartier",
            "MECC",
            "Wiek",
            "@@@",
            "12 ab cd ef",
        ])
        .prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    /// Batch and lookup are two doors to one answer: for any input, the batch row's status,
    /// areas, position, certainty, overlays and people are what lookup says for the same text.
    #[test]
    fn batch_rows_equal_lookup_answers(
        inputs in prop::collection::vec(door_input(), 1..20),
        at in prop::sample::select(DOORS_MOMENTS.to_vec()),
    ) {
        let r = doors_resolver();
        let opts = Options {
            columns: wijkwijzer::classify::ColumnArgs {
                at: Some(at.to_string()),
                ..Default::default()
            },
            ..Options::default()
        };
        let mut csv = String::from("id;adres\n");
        for (i, t) in inputs.iter().enumerate() {
            csv.push_str(&format!("{i};{t}\n"));
        }
        let mut out = Vec::new();
        classify_csv(r, csv.as_bytes(), &mut out, &opts, |_, _| {}).unwrap();
        let out = String::from_utf8(out).unwrap();
        let mut rows = csv::ReaderBuilder::new().delimiter(b';').from_reader(out.as_bytes());
        let header = rows.headers().unwrap().clone();
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let columns: Vec<usize> = ["status", "lwa", "wijk", "buurt", "thor_senior", "police_coordinator", "quality", "point_x", "point_y", "certainty", "certainty_radius_m", "also_possible", "overlays", "position"]
            .iter()
            .map(|n| col(n))
            .collect();
        for (text, row) in inputs.iter().zip(rows.records()) {
            let row = row.unwrap();
            let mut batch: Vec<String> = columns.iter().map(|c| row[*c].to_string()).collect();
            // A `;` file without decimals of its own gets decimal commas (issue 25, 2).
            for i in [7, 8, 10] {
                batch[i] = batch[i].replace(',', ".");
            }
            // Lookup has one status for any text it cannot read; batch tells coordinates apart.
            if batch[0] == "bad_coordinate" {
                batch[0] = "bad_address".into();
            }
            prop_assert_eq!(batch, lookup_as_row(r, text, at), "input {:?} at {}", text, at);
        }
    }
}

/// The same comparison through the other doors: `POST /v1/classify` against `GET /v1/lookup`,
/// and the CLI's `classify` against its `lookup --json`, for inputs of every kind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_and_cli_batch_rows_equal_their_lookups() {
    let inputs = [
        "50.8514, 5.6910",
        "50°51'N 5°41'E",
        "176040 317960",
        "geo:50.8497,5.7053",
        "52.37, 4.89",
        "Grensstraat",
        "Grensstraat 2",
        "Grenstraat 1",
        "Binnenweg 5a",
        "6211AA",
        "6222BB",
        "Oostweg 9",
        "Nergensstraat 4",
        "@@@",
    ];
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx.csv");
    std::fs::write(&idx, DOORS_ADDRESSES).unwrap();
    let addresses = dir.path().join("a.csv");
    let (code, _, err) = crate::cli::wijkwijzer(&[
        "import",
        "addresses",
        idx.to_str().unwrap(),
        "-o",
        addresses.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let state = Arc::new(AppState::new(make_doors_resolver()));
    let base = crate::spawn_server(state).await;
    let client = reqwest::Client::new();
    let mut csv = String::from("id;adres\n");
    for (i, t) in inputs.iter().enumerate() {
        csv.push_str(&format!("{i};{t}\n"));
    }
    let http_rows = crate::post_csv(&base, "/v1/classify", csv.clone()).await;
    let input = dir.path().join("in.csv");
    std::fs::write(&input, &csv).unwrap();
    let (_, cli_rows, _) = crate::cli::wijkwijzer(&[
        "classify",
        "--quiet",
        "--addresses",
        addresses.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    for (name, out) in [("http", http_rows), ("cli", cli_rows)] {
        let mut rows = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(out.as_bytes());
        let header = rows.headers().unwrap().clone();
        let col = |n: &str| header.iter().position(|h| h == n).unwrap();
        for (text, row) in inputs.iter().zip(rows.records()) {
            let row = row.unwrap();
            let (status, lwa) = (row[col("status")].to_string(), row[col("lwa")].to_string());
            let looked_up: serde_json::Value = if name == "http" {
                let res = client
                    .get(format!(
                        "{base}/v1/lookup?{}",
                        serde_urlencoded::to_string([("q", text)]).unwrap()
                    ))
                    .send()
                    .await
                    .unwrap();
                res.json().await.unwrap()
            } else {
                let (_, out, _) = crate::cli::wijkwijzer(&[
                    "lookup",
                    "--json",
                    "--addresses",
                    addresses.to_str().unwrap(),
                    text,
                ]);
                serde_json::from_str(&out).unwrap_or(serde_json::Value::Null)
            };
            let lookup_lwa = looked_up["lwa"]["id"].as_str().unwrap_or_default();
            if status == "ok" || status == "outside" {
                assert_eq!(
                    looked_up["certainty"]["level"].as_str().unwrap_or_default(),
                    &row[col("certainty")],
                    "{name}: {text}: {looked_up}"
                );
            }
            if status == "ok" {
                assert_eq!(lookup_lwa, lwa, "{name}: {text}: {looked_up}");
            } else {
                assert!(
                    lookup_lwa.is_empty(),
                    "{name}: {text}: batch {status}, lookup {looked_up}"
                );
            }
        }
    }
}

/// An outside row's message is rendered once per area and direction with only its distance
/// filled in per row: it says, in either language, what the lookup's words say for the point
/// (`Resolver::outside_words`), distance, direction and area alike.
#[test]
fn outside_rows_say_where_as_lookup_words_do_in_either_language() {
    let r = Resolver::new(Geodata::embedded().unwrap());
    let mut csv = String::from("x;y\n");
    let mut points = Vec::new();
    // A ring of points around the city at several distances: every direction, metres and
    // kilometres.
    for i in 0..64 {
        let angle = f64::from(i) * std::f64::consts::TAU / 64.0;
        for d in [4_000.0, 6_500.0, 12_345.0] {
            let p = wijkwijzer::crs::Rd {
                x: 176_500.0 + d * angle.sin(),
                y: 318_000.0 + d * angle.cos(),
            };
            csv.push_str(&format!("{};{}\n", p.x, p.y));
            points.push(p);
        }
    }
    for lang in wijkwijzer::text::Lang::ALL {
        let opts = Options {
            columns: ColumnArgs {
                columns: Some("status,message".into()),
                ..Default::default()
            },
            ..Options::default()
        };
        let out = wijkwijzer::text::sync_scope(lang, || {
            let mut out = Vec::new();
            classify_csv(&r, csv.as_bytes(), &mut out, &opts, |_, _| {}).unwrap();
            String::from_utf8(out).unwrap()
        });
        let mut rows = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(out.as_bytes());
        let mut outside = 0;
        for (p, row) in points.iter().zip(rows.records()) {
            let row = row.unwrap();
            if &row[2] != "outside" {
                continue;
            }
            outside += 1;
            let expected = wijkwijzer::text::sync_scope(lang, || {
                wijkwijzer::t!(
                    "row-outside-where",
                    coverage = &r.data().manifest.coverage_name,
                    place = r.outside_words(*p).unwrap()
                )
            });
            assert_eq!(&row[3], expected, "{lang:?} at {p:?}");
        }
        assert!(
            outside > 120,
            "{outside} of {} points outside",
            points.len()
        );
    }
}
