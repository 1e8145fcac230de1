//! Issue 26, 1: any municipality by configuration. A made-up municipality elsewhere in the
//! country (Maastricht's CBS buurten and wijken moved 27 km east and 185.5 km north, to near
//! Zwolle, with the codes of gemeente 9999 and new names) is imported without a mapping and
//! served: its buurten and wijken answer, its name is read as the municipality, its short plus
//! codes complete near it, batch writes its columns, and nothing anyone is shown names
//! Maastricht.

use std::path::Path;

use geo::InteriorPoint;
use serde_json::Value;

use crate::cli::wijkwijzer;
use crate::{free_port, source_data, start};

const DX: f64 = 27_000.0;
const DY: f64 = 185_500.0;

/// The CBS file at `rel` moved and renamed into gemeente 9999, "Testdorp".
pub(crate) fn made_up(rel: &str, kind: &str) -> Value {
    let text = std::fs::read_to_string(source_data(rel)).unwrap();
    let mut fc: Value = serde_json::from_str(&text).unwrap();
    fn shift(v: &mut Value) {
        match v {
            Value::Array(a) if a.len() == 2 && a.iter().all(Value::is_number) => {
                let (x, y) = (a[0].as_f64().unwrap(), a[1].as_f64().unwrap());
                *v = serde_json::json!([x + DX, y + DY]);
            }
            Value::Array(a) => a.iter_mut().for_each(shift),
            _ => {}
        }
    }
    fc["name"] = "made-up".into();
    for f in fc["features"].as_array_mut().unwrap() {
        let code = f["properties"]["statcode"]
            .as_str()
            .unwrap()
            .replacen("0935", "9999", 1);
        let name = format!("Test{kind} {}", &code[6..]);
        f["properties"] = serde_json::json!({
            "statcode": code, "statnaam": name, "gemeentenaam": "Testdorp",
        });
        f["id"] = code.into();
        shift(&mut f["geometry"]["coordinates"]);
    }
    fc
}

/// The made-up buurten: code and a point inside each, in RD New.
pub(crate) fn buurten(fc: &Value) -> Vec<(String, f64, f64)> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let g: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).unwrap();
            let g: geo::Geometry<f64> = g.try_into().unwrap();
            let p = g.interior_point().unwrap();
            (
                f["properties"]["statcode"].as_str().unwrap().to_string(),
                p.x(),
                p.y(),
            )
        })
        .collect()
}

pub(crate) fn write(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_string(v).unwrap()).unwrap();
}

/// Asserts that nothing in `text` (what `what` showed) names Maastricht or its gemeente code.
fn names_no_maastricht(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for word in ["maastricht", "0935", "lwa-"] {
        assert!(
            !lower.contains(word),
            "{what} says '{word}': …{}…",
            &text[lower.find(word).unwrap().saturating_sub(120)..][..240.min(text.len())]
        );
    }
}

#[tokio::test]
async fn a_second_municipality_is_a_matter_of_data() {
    let dir = tempfile::tempdir().unwrap();
    let buurt_fc = made_up(
        "cbs-wijkenbuurten-2024-maastricht/buurten_2024_maastricht_rd.geojson",
        "buurt",
    );
    let wijk_fc = made_up(
        "cbs-wijkenbuurten-2024-maastricht/wijken_2024_maastricht_rd.geojson",
        "wijk",
    );
    let (b, w, out) = (
        dir.path().join("buurten.geojson"),
        dir.path().join("wijken.geojson"),
        dir.path().join("testdorp"),
    );
    write(&b, &buurt_fc);
    write(&w, &wijk_fc);

    // No mapping and no --gemeente: the one gemeente the file holds, by its own name.
    let (code, stdout, err) = wijkwijzer(&[
        "import",
        "--buurten",
        b.to_str().unwrap(),
        "--wijken",
        w.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{err}");
    // The files it made are called what they are: generic, not the built-in municipality's.
    for f in ["roster.toml", "situations.toml"] {
        assert!(
            stdout.contains(&format!(
                "{f} (generic: national channels and role placeholders only"
            )),
            "{f}: {stdout}"
        );
    }
    assert!(!stdout.contains("built-in default"), "{stdout}");
    let data = wijkwijzer::geodata::Geodata::load_dir(&out).unwrap();
    assert_eq!(data.municipality.code, "GM9999");
    assert_eq!(data.municipality.name, "Testdorp");
    let layers: Vec<&str> = data.layers.iter().map(|l| l.info.id.as_str()).collect();
    assert_eq!(layers, ["gemeente", "wijk", "buurt"]);
    assert!(data.roster_gaps(wijkwijzer::roster::today()).is_empty());
    for file in [
        "roster.toml",
        "situations.toml",
        "layers.toml",
        "manifest.toml",
    ] {
        names_no_maastricht(file, &std::fs::read_to_string(out.join(file)).unwrap());
    }
    // A gemeente the file does not hold is refused, naming the one it does.
    let (code, _, err) = wijkwijzer(&[
        "import",
        "--buurten",
        b.to_str().unwrap(),
        "--gemeente",
        "GM0917",
        "--out",
        dir.path().join("other").to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("GM9999 (Testdorp)"), "{err}");

    let port = free_port();
    let _server = start(
        &[
            "serve".into(),
            "--geodata".into(),
            out.display().to_string(),
            "--listen".into(),
            format!("127.0.0.1:{port}"),
        ],
        &[],
        port,
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let get = |path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            let r = client.get(&url).send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        }
    };

    // Every buurt answers as itself, in its wijk, inside the gemeente.
    let points = buurten(&buurt_fc);
    assert_eq!(points.len(), 44);
    for (code, x, y) in &points {
        let (status, body) = get(format!("/v1/lookup?x={x}&y={y}&crs=EPSG:28992")).await;
        assert_eq!(status, 200, "{code}: {body}");
        let a: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(a["buurt"]["code"], code.as_str(), "{body}");
        assert_eq!(a["wijk"]["code"], format!("WK{}", &code[2..8]), "{body}");
        assert_eq!(a["lwa"], Value::Null);
        assert_eq!(a["areas"][0]["id"], "GM9999");
        names_no_maastricht(code, &body);
    }

    // The town's name is the whole municipality.
    let (status, body) = get("/v1/lookup?q=Testdorp".into()).await;
    assert_eq!(status, 300, "{body}");
    assert!(body.contains("is the whole municipality"), "{body}");
    names_no_maastricht("q=Testdorp", &body);
    // One area, the whole municipality: the place may lie anywhere in it, kilometres away.
    let problem: Value = serde_json::from_str(&body).unwrap();
    let radius = problem["certainty"]["radius_m"].as_f64().unwrap();
    assert!(radius > 3_000.0, "{body}");
    assert_ne!(problem["certainty"]["level"], "certain", "{body}");

    // A short plus code completes near it, with the town or without.
    let (code, x, y) = &points[10];
    let w = wijkwijzer::crs::transformer().rd_to_wgs84(wijkwijzer::crs::Rd { x: *x, y: *y });
    let full = wijkwijzer::query::pluscode::encode(w.lat, w.lon);
    for short in [format!("{} Testdorp", &full[4..]), full[4..].to_string()] {
        let (status, body) = get(format!(
            "/v1/lookup?q={}",
            short.replace('+', "%2B").replace(' ', "%20")
        ))
        .await;
        assert_eq!(status, 200, "{short}: {body}");
        let a: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(a["buurt"]["code"], code.as_str(), "{short}: {body}");
        names_no_maastricht(&short, &body);
    }
    // Another town's short code is refused in the municipality's own terms.
    let (status, body) = get("/v1/lookup?q=RQ2Q%2BH5%20Maastricht".into()).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("only Testdorp is covered"), "{body}");

    // Swapped degrees are explained with where this municipality lies.
    let (status, body) = get("/v1/lookup?lat=6.1&lon=52.5".into()).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("Testdorp lies at lat≈52.52, lon≈6.11"),
        "{body}"
    );

    // Outside: where Maastricht lies is simply outside Testdorp, far south.
    let (status, body) = get("/v1/lookup?x=176000&y=317500&crs=EPSG:28992".into()).await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("Testdorp"), "{body}");
    names_no_maastricht("a lookup outside", &body);

    // Nothing a caller is shown names Maastricht: the page, its script and configuration,
    // OpenAPI, the OGC API, the meldkaart and the areas.
    for path in [
        "/",
        "/assets/app.js",
        "/v1/config",
        "/openapi.json",
        "/v1",
        "/ogc",
        "/ogc/collections",
        "/ogc/collections/gemeente/items",
        "/ogc/collections/buurt/items?limit=100",
        "/v1/situations",
        "/v1/areas?layer=wijk",
    ] {
        let (status, body) = get(path.to_string()).await;
        assert_eq!(status, 200, "{path}: {body}");
        names_no_maastricht(path, &body);
    }
    let (_, page) = get("/".into()).await;
    assert!(
        page.contains("<h1>wijkwijzer <span>Testdorp</span></h1>"),
        "{page}"
    );
    let (_, config) = get("/v1/config".into()).await;
    let config: Value = serde_json::from_str(&config).unwrap();
    assert_eq!(config["coverage_layer"], "gemeente");
    assert_eq!(config["municipality"], "Testdorp");

    // Batch: the profile's role columns and the municipality's areas, row by row.
    let mut csv = String::from("id;x;y\n");
    for (i, (_, x, y)) in points.iter().enumerate() {
        csv.push_str(&format!("{i};{x:.2};{y:.2}\n"));
    }
    let body = crate::post_csv(&base, "/v1/classify?crs=EPSG:28992", csv).await;
    names_no_maastricht("classify", &body);
    let mut lines = body.lines();
    // An ASCII input answered with names starts with a BOM, for Excel.
    let header = lines.next().unwrap().strip_prefix('\u{feff}').unwrap();
    let header: Vec<&str> = header.split(';').collect();
    assert_eq!(
        &header[..9],
        [
            "id",
            "x",
            "y",
            "gemeente",
            "gemeente_name",
            "wijk",
            "wijk_name",
            "buurt",
            "buurt_name"
        ]
    );
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    // The generic roster's own roles are the profile's columns (issue 34, 2).
    let (buurt, role) = (at("buurt"), at("wijkagent"));
    for (line, (code, _, _)) in lines.zip(&points) {
        let cells: Vec<&str> = line.split(';').collect();
        assert_eq!(cells[buurt], code, "{line}");
        assert!(cells[role].contains("0900-8844"), "{line}");
    }

    // The CLI reads the directory's own profile too.
    let (code, stdout, err) = wijkwijzer(&[
        "lookup",
        "--geodata",
        out.to_str().unwrap(),
        &format!("{} Testdorp", &full[4..]),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("Testdorp"), "{stdout}");
    names_no_maastricht("the CLI", &stdout);

    // The printable overview: Testdorp's own, naming neither Maastricht nor its THOR.
    let pdf = dir.path().join("testdorp.pdf");
    let (code, _, err) = wijkwijzer(&[
        "sheet",
        "--geodata",
        out.to_str().unwrap(),
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = pdf_extract::extract_text_from_mem(&std::fs::read(&pdf).unwrap()).unwrap();
    assert!(text.contains("Testdorp"), "{text}");
    names_no_maastricht("the sheet", &text);
    assert!(!text.contains("THOR"), "{text}");
    let html = reqwest::get(format!("{base}/sheet"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    names_no_maastricht("/sheet", &html);
    assert!(!html.contains("THOR"));
}
