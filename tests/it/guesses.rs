//! Issue 34, parts 5 and 6: no honest-looking guess, and examples from the served data.
//!
//! - A map view (Google `@lat,lon,14z`, OpenStreetMap `#map=`, a pasted `lat,lon,17z`) names
//!   no place: its radius follows its zoom (the half-diagonal of a phone screen) and it is never
//!   `certain`; a marker link keeps the small radius of the data.
//! - A report channel closed at the moment asked (14 043 at night, at the weekend, on public
//!   holidays) is never first: the open ones come first, the closed one says when it opens, and
//!   the advice says what to use now; in every door (HTTP, CLI).
//! - The page and the parse errors show examples from the served data, not Maastricht's.

use std::sync::Arc;

use serde_json::Value;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

use crate::cli::wijkwijzer;

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn get_json(base: &str, path: &str, lang: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("Accept-Language", lang)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn shipped_server() -> String {
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    crate::spawn_server(state).await
}

/// The certainty of a lookup of `text`, through HTTP and the CLI, which must agree.
async fn certainty_of(base: &str, text: &str) -> Value {
    let (status, a) = get_json(base, &format!("/v1/lookup?q={}", encode(text)), "en").await;
    assert_eq!(status, 200, "{text}: {a}");
    let (code, out, err) = wijkwijzer(&["lookup", "--json", text]);
    assert_eq!(code, 0, "{text}: {err}");
    let cli: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(cli["certainty"], a["certainty"], "{text}");
    assert_eq!(cli["understood"], a["understood"], "{text}");
    serde_json::json!({ "certainty": a["certainty"], "understood": a["understood"] })
}

#[tokio::test]
async fn a_map_view_is_never_certain_and_its_radius_follows_its_zoom() {
    let base = shipped_server().await;
    // The link: the Markt at zoom 14, a screen about 2.4 km wide on a phone.
    let z14 = certainty_of(&base, "https://www.google.com/maps/@50.8514,5.6910,14z").await;
    let r14 = z14["certainty"]["radius_m"].as_f64().unwrap();
    // 156543.03 · cos(50.8514°) / 2^14 ≈ 6.03 m per px; half the diagonal of 400 × 800 px.
    assert!((2_600.0..2_800.0).contains(&r14), "{z14}");
    assert_ne!(z14["certainty"]["level"], "certain", "{z14}");
    let view = z14["understood"]["view_m"].as_f64().unwrap();
    assert!((view - r14).abs() < 5.0, "{z14}");
    let reasons = z14["certainty"]["reasons"].to_string();
    assert!(reasons.contains("centre of a map view"), "{reasons}");
    assert!(
        z14["understood"]["understood_as"]
            .as_str()
            .unwrap()
            .contains("zoom 14"),
        "{z14}"
    );

    // Zoom 19: about 84 m, still not certain.
    let z19 = certainty_of(&base, "https://www.google.com/maps/@50.8514,5.6910,19z").await;
    let r19 = z19["certainty"]["radius_m"].as_f64().unwrap();
    assert!((70.0..110.0).contains(&r19), "{z19}");
    assert_ne!(z19["certainty"]["level"], "certain", "{z19}");

    // OpenStreetMap's `#map=` is a view too; the same zoom, the same radius.
    let osm = certainty_of(
        &base,
        "https://www.openstreetmap.org/#map=14/50.8514/5.6910",
    )
    .await;
    let r = osm["certainty"]["radius_m"].as_f64().unwrap();
    assert!((r - r14).abs() < 5.0, "{osm}");
    assert_ne!(osm["certainty"]["level"], "certain", "{osm}");

    // The same pair pasted with Google's zoom is the same view.
    let pasted = certainty_of(&base, "50.8514,5.6910,14z").await;
    let r = pasted["certainty"]["radius_m"].as_f64().unwrap();
    assert!((r - r14).abs() < 5.0, "{pasted}");

    // A view without a zoom: a large radius, and it says the zoom is missing.
    let no_zoom = certainty_of(&base, "https://maps.google.com/maps?ll=50.8514,5.6910").await;
    assert!(
        no_zoom["certainty"]["radius_m"].as_f64().unwrap() >= 10_000.0,
        "{no_zoom}"
    );
    assert!(
        no_zoom["understood"]["understood_as"]
            .as_str()
            .unwrap()
            .contains("without a zoom"),
        "{no_zoom}"
    );

    // A marker names the place: the map's zoom does not matter, the data's accuracy does.
    for marker in [
        "https://www.openstreetmap.org/?mlat=50.8514&mlon=5.6910#map=14/50.8514/5.6910",
        "https://www.google.com/maps?q=50.8514,5.6910&z=14",
        "https://www.google.com/maps/place/Markt/@50.8514,5.6910,14z/data=!3m1!4b1!8m2!3d50.8514!4d5.6910",
    ] {
        let m = certainty_of(&base, marker).await;
        assert!(
            m["certainty"]["radius_m"].as_f64().unwrap() < 50.0,
            "{marker}: {m}"
        );
        assert_eq!(m["understood"]["view_m"], Value::Null, "{marker}");
        assert_eq!(m["certainty"]["level"], "certain", "{marker}: {m}");
    }
}

/// The four situations of the issue that sent callers to 14 043 first at any hour.
const SITUATIONS: [&str; 4] = [
    "overlast-jongeren",
    "foutparkeren",
    "dak-en-thuisloosheid",
    "woonoverlast",
];

/// (moment asked, when 14 043 opens next)
const CLOSED: [(&str, &str); 4] = [
    // Saturday night: Monday morning.
    ("2026-12-05T23:30:00+01:00", "2026-12-07T08:30:00+01:00"),
    // A weekday (Tuesday) at night: the same morning.
    ("2026-12-08T03:00:00+01:00", "2026-12-08T08:30:00+01:00"),
    // Christmas Day, a Friday: Tweede Kerstdag and the weekend follow.
    ("2026-12-25T10:00:00+01:00", "2026-12-28T08:30:00+01:00"),
    // Koningsdag 2027, a Tuesday: the next morning.
    ("2027-04-27T10:00:00+02:00", "2027-04-28T08:30:00+02:00"),
];

/// The situation of a lookup at the Vrijthof at `at`, through HTTP and the CLI, which agree.
async fn situation_at(base: &str, situation: &str, at: &str, lang: &str) -> Value {
    let (status, a) = get_json(
        base,
        &format!(
            "/v1/lookup?lat=50.8489&lon=5.6879&situation={situation}&at={}",
            encode(at)
        ),
        lang,
    )
    .await;
    assert_eq!(status, 200, "{situation} {at}: {a}");
    // The CLI is asked once per moment (it loads the data each time): the same answer.
    if lang == "en" && situation == "woonoverlast" {
        let (code, out, err) = wijkwijzer(&[
            "lookup",
            "--json",
            "--situation",
            situation,
            "--at",
            at,
            "50.8489,5.6879",
        ]);
        assert_eq!(code, 0, "{err}");
        let cli: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(cli["situation"], a["situation"], "{situation} {at}");
    }
    a["situation"].clone()
}

#[tokio::test]
async fn a_closed_channel_is_never_first_and_says_when_it_opens() {
    let base = shipped_server().await;
    for (at, opens) in CLOSED {
        for situation in SITUATIONS {
            let s = situation_at(&base, situation, at, "en").await;
            let report = s["report"].as_array().unwrap();
            let first = &report[0];
            assert_ne!(first["value"], "14 043", "{situation} {at}: {s}");
            assert_ne!(first["open"], false, "{situation} {at}: {s}");
            // Still listed, after the open ones, with when it opens.
            let desk = report
                .iter()
                .find(|r| r["value"] == "14 043")
                .unwrap_or_else(|| panic!("{situation} {at}: 14 043 dropped: {s}"));
            assert_eq!(desk["open"], false, "{s}");
            assert_eq!(desk["opens"], opens, "{situation} {at}: {s}");
            // The advice says so first, and what to use now: the first channel.
            let advice = s["advice"].as_str().unwrap();
            assert!(advice.starts_with("Closed now: "), "{advice}");
            let use_now = format!(
                "Use now: {} ({})",
                first["label"].as_str().unwrap(),
                first["value"].as_str().unwrap()
            );
            assert!(advice.contains(&use_now), "{situation} {at}: {advice}");
        }
    }
    // In Dutch, with the day in words.
    let s = situation_at(&base, "overlast-jongeren", CLOSED[0].0, "nl").await;
    let advice = s["advice"].as_str().unwrap();
    assert!(advice.starts_with("Nu gesloten: "), "{advice}");
    assert!(
        advice.contains("open vanaf maandag 7 december 08:30"),
        "{advice}"
    );
    assert!(
        advice.contains("Gebruik nu: Politie, geen spoed (0900-8844)"),
        "{advice}"
    );

    // An emergency keeps 112 first at any hour.
    let s = situation_at(&base, "spoed", CLOSED[0].0, "en").await;
    assert_eq!(s["report"][0]["value"], "112", "{s}");
}

#[tokio::test]
async fn on_a_weekday_morning_14_043_is_first_where_it_was() {
    let base = shipped_server().await;
    let monday = "2026-12-07T10:00:00+01:00";
    for situation in SITUATIONS {
        let s = situation_at(&base, situation, monday, "en").await;
        assert_eq!(s["report"][0]["value"], "14 043", "{situation}: {s}");
        assert_eq!(s["report"][0]["open"], true, "{situation}: {s}");
        assert_eq!(s["report"][0]["opens"], Value::Null, "{situation}: {s}");
        let advice = s["advice"].as_str().unwrap();
        assert!(!advice.contains("Closed now"), "{situation}: {advice}");
    }
    // Afval-dumping lists 14 043 second: it stays second, open.
    let s = situation_at(&base, "afval-dumping", monday, "en").await;
    assert_eq!(s["report"][1]["value"], "14 043", "{s}");
}

#[test]
fn channel_hours_that_cannot_be_read_are_refused_by_check() {
    let shipped = Geodata::embedded_files()
        .iter()
        .find(|(n, _)| *n == "situations.toml")
        .unwrap()
        .1;
    let broken = shipped.replacen(
        "value = \"14 043\"\nhours = \"maandag-vrijdag 08:30-17:00\"",
        "value = \"14 043\"\nhours = \"ma-vr 17:00-08:30\"",
        1,
    );
    assert_ne!(broken, shipped);
    let files: Vec<(&str, &str)> = Geodata::embedded_files()
        .iter()
        .map(|(n, c)| {
            (
                *n,
                if *n == "situations.toml" {
                    broken.as_str()
                } else {
                    *c
                },
            )
        })
        .collect();
    let e = Geodata::from_memory("test", &files)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "[channels.gemeente-14043] hours '17:00-08:30': the end must come after the start"
        ),
        "{e}"
    );
}

/// The made-up municipality of `municipality.rs` (Maastricht's buurten moved near Zwolle as
/// "Testdorp"), imported, with an address file of its own: one street, at a point inside its
/// first buurt.
fn testdorp_with_addresses(dir: &std::path::Path) -> std::path::PathBuf {
    use crate::municipality::{buurten, made_up, write};
    let buurt_fc = made_up(
        "cbs-wijkenbuurten-2024-maastricht/buurten_2024_maastricht_rd.geojson",
        "buurt",
    );
    let (b, out) = (dir.join("buurten.geojson"), dir.join("testdorp"));
    write(&b, &buurt_fc);
    let (code, stdout, err) = wijkwijzer(&[
        "import",
        "--buurten",
        b.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{err}");
    let (_, x, y) = buurten(&buurt_fc).remove(0);
    let mut csv =
        String::from("id,postcode,huisnummer,huisletter,toevoeging,straat,woonplaats,x,y\n");
    for (i, n) in [12, 14, 16].iter().enumerate() {
        csv.push_str(&format!(
            ",9999ZX,{n},,,Proefstraat,Testdorp,{:.3},{:.3}\n",
            x + 10.0 * i as f64,
            y
        ));
    }
    std::fs::write(out.join("addresses.csv"), csv).unwrap();
    out
}

#[tokio::test]
async fn the_page_and_the_parse_errors_give_examples_from_the_served_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = testdorp_with_addresses(dir.path());
    let port = crate::free_port();
    let _server = crate::start(
        &[
            "serve".into(),
            "--geodata".into(),
            data.display().to_string(),
            "--listen".into(),
            format!("127.0.0.1:{port}"),
        ],
        &[],
        port,
    );
    let base = format!("http://127.0.0.1:{port}");
    let maastricht = ["Brusselsepoort", "6216CG", "50.8514"];

    // The page's search box: an address of this data, its postcode, a point of its own.
    let (status, config) = get_json(&base, "/v1/config", "nl").await;
    assert_eq!(status, 200, "{config}");
    let placeholder = config["placeholder"].as_str().unwrap();
    let address = config["examples"]["address"].as_str().unwrap();
    assert!(address.starts_with("Proefstraat "), "{config}");
    assert!(
        config["examples"]["postcode"]
            .as_str()
            .unwrap()
            .starts_with("9999ZX "),
        "{config}"
    );
    assert!(placeholder.contains(address), "{placeholder}");
    assert!(placeholder.ends_with("kaartlink"), "{placeholder}");
    let point = config["examples"]["point"].as_str().unwrap();
    assert!(point.starts_with("52."), "{config}");
    for word in maastricht {
        assert!(!config.to_string().contains(word), "{config}");
    }
    // The example is an address the service finds.
    let (status, found) = get_json(
        &base,
        &format!("/v1/lookup?address={}", encode(address)),
        "en",
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["address"]["quality"], "exact", "{found}");

    // A house number alone: the error names this data's street and postcode.
    let (status, problem) = get_json(&base, "/v1/lookup?address=45", "en").await;
    assert_eq!(status, 400, "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains(&format!("({address})")), "{detail}");
    assert!(detail.contains("(9999ZX "), "{detail}");
    for word in maastricht {
        assert!(!detail.contains(word), "{detail}");
    }
    // And the page itself no longer carries Maastricht's examples.
    let page = reqwest::get(format!("{base}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for word in maastricht {
        assert!(!page.contains(word), "the page says {word}");
    }
}

#[tokio::test]
async fn without_addresses_the_examples_name_none() {
    let dir = tempfile::tempdir().unwrap();
    let data = testdorp_with_addresses(dir.path());
    std::fs::write(
        data.join("addresses.csv"),
        "id,postcode,huisnummer,huisletter,toevoeging,straat,woonplaats,x,y\n",
    )
    .unwrap();
    let port = crate::free_port();
    let _server = crate::start(
        &[
            "serve".into(),
            "--geodata".into(),
            data.display().to_string(),
            "--listen".into(),
            format!("127.0.0.1:{port}"),
        ],
        &[],
        port,
    );
    let base = format!("http://127.0.0.1:{port}");
    let (_, config) = get_json(&base, "/v1/config", "en").await;
    assert_eq!(config["examples"]["address"], Value::Null, "{config}");
    assert_eq!(config["examples"]["postcode"], Value::Null, "{config}");
    let placeholder = config["placeholder"].as_str().unwrap();
    assert!(placeholder.starts_with("52."), "{placeholder}");
    let (_, problem) = get_json(&base, "/v1/lookup?address=45", "en").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("add the street or the postcode"),
        "{detail}"
    );
}
