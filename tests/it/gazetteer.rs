//! The gazetteer of landmarks (issue 34, part 6): the landmarks a call-taker names answer
//! through the binary and HTTP with their extent as the radius; the shipped entries lie where
//! their sources say; a malformed gazetteer is refused by `check` with file, entry and reason.

use geo::Contains;
use wijkwijzer::geodata::Geodata;

use crate::cli::wijkwijzer;

/// The shipped gazetteer's entries as TOML tables (the cross-check keys included).
fn entries() -> Vec<toml::Table> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/gazetteer.toml");
    let table: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
    table["place"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_table().unwrap().clone())
        .collect()
}

/// The entry's point in RD and its extent.
fn point_of(e: &toml::Table) -> (wijkwijzer::crs::Rd, f64) {
    let f = |k: &str| {
        e[k].as_float()
            .or_else(|| e[k].as_integer().map(|i| i as f64))
            .unwrap()
    };
    let rd = wijkwijzer::crs::transformer().wgs84_to_rd(wijkwijzer::crs::Wgs84 {
        lat: f("lat"),
        lon: f("lon"),
    });
    (rd, f("radius_m"))
}

/// Whether the disc of `r` metres around `p` reaches the geometry (its centre or a point of
/// its edge in it).
fn reaches(g: &geo::MultiPolygon<f64>, p: wijkwijzer::crs::Rd, r: f64) -> bool {
    (0..=64).any(|i| {
        let (dr, a) = if i == 0 {
            (0.0, 0.0)
        } else {
            (r, i as f64 * std::f64::consts::TAU / 64.0)
        };
        g.contains(&geo::point!(x: p.x + dr * a.cos(), y: p.y + dr * a.sin()))
    })
}

#[test]
fn every_landmark_the_issue_names_answers_through_the_binary() {
    for name in [
        "station Maastricht",
        "MECC",
        "azM",
        "De Geusselt",
        "Stadspark",
        "Sint Servaasbrug",
        "Hoge Brug",
        "Céramique",
        "Sphinxkwartier",
        "Stasie",
        "Wiek",
    ] {
        let (code, out, err) = wijkwijzer(&["lookup", name]);
        assert_eq!(code, 0, "{name}: {out}{err}");
        assert!(!err.contains("no street named"), "{name}: {err}");
        assert!(out.contains("Place "), "{name}: {out}");
        assert!(out.contains("is not a point"), "{name}: {out}");
    }
    // The city's own name answers as the whole municipality, not as a point in it.
    let (code, out, err) = wijkwijzer(&["lookup", "Mestreech"]);
    assert_ne!(code, 0, "{out}");
    assert!(
        err.contains("'Mestreech' is the whole municipality"),
        "{err}"
    );
    assert!(!err.contains("no street named"), "{err}");
}

#[tokio::test]
async fn landmarks_answer_over_http_with_kind_source_and_extent() {
    let state = std::sync::Arc::new(wijkwijzer::http::AppState::new(
        wijkwijzer::resolve::Resolver::new(Geodata::embedded().unwrap()),
    ));
    let base = crate::spawn_server(state).await;
    let get = |q: &str| {
        let url = format!("{base}/v1/lookup?q={}", q.replace(' ', "%20"));
        async move {
            let res = reqwest::get(url).await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<serde_json::Value>().await.unwrap())
        }
    };

    // A park of 450 m is not a point: its answer's radius is its extent.
    let (status, park) = get("Stadspark").await;
    assert_eq!(status, 200, "{park}");
    assert_eq!(park["place"]["kind"], "park", "{park}");
    assert!(
        park["place"]["source"]
            .as_str()
            .unwrap()
            .contains("Stadspark"),
        "{park}"
    );
    assert!(
        park["certainty"]["radius_m"].as_f64().unwrap() >= 450.0,
        "{park}"
    );

    // Quarters whose extent crosses an LWA boundary name both areas, and
    // neither is certain.
    for q in ["Sphinxkwartier", "Wiek"] {
        let (status, a) = get(q).await;
        assert_eq!(status, 200, "{q}: {a}");
        assert_ne!(a["certainty"]["level"], "certain", "{q}: {a}");
        let areas = a["certainty"]["areas"].as_array().unwrap();
        assert!(areas.len() >= 2, "{q}: {a}");
    }

    // A venue well inside one area is certain as far as its extent allows.
    let (status, mecc) = get("MECC").await;
    assert_eq!(status, 200, "{mecc}");
    assert_eq!(mecc["certainty"]["level"], "certain", "{mecc}");
    assert_eq!(mecc["lwa"]["id"], "lwa-zuid-oost", "{mecc}");
    assert!(
        mecc["certainty"]["radius_m"].as_f64().unwrap() >= 200.0,
        "{mecc}"
    );

    // The local name of the city answers as the whole municipality (a 300), not a point.
    let (status, city) = get("Mestreech").await;
    assert_eq!(status, 300, "{city}");
    assert!(city.to_string().contains("whole municipality"), "{city}");

    // Other names: the hospital's abbreviation and the local name of the station.
    for (q, name) in [("azM", "Maastricht UMC+"), ("Stasie", "Station Maastricht")] {
        let (status, a) = get(q).await;
        assert_eq!(status, 200, "{q}: {a}");
        assert_eq!(a["place"]["name"], name, "{q}: {a}");
    }
}

#[test]
fn every_entry_lies_in_the_coverage_and_where_its_buurt_and_address_say() {
    let data = Geodata::embedded().unwrap();
    let lwa = data.layer("lwa").unwrap();
    let buurt = data.layer("buurt").unwrap();
    let addresses: Vec<(String, String, f64, f64)> = {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/addresses.csv");
        let mut r = csv::Reader::from_path(path).unwrap();
        r.records()
            .map(|r| {
                let r = r.unwrap();
                let number = format!("{}{}", &r[2], &r[3]);
                (
                    r[5].to_string(),
                    number,
                    r[7].parse().unwrap(),
                    r[8].parse().unwrap(),
                )
            })
            .collect()
    };
    let list = entries();
    assert!(list.len() >= 30, "{}", list.len());
    let mut checked = (0, 0);
    for e in &list {
        let name = e["name"].as_str().unwrap();
        let (p, r) = point_of(e);
        assert!(
            lwa.areas
                .iter()
                .any(|a| a.geometry.contains(&geo::point!(x: p.x, y: p.y))),
            "{name}: {p:?} is not inside the coverage"
        );
        assert!(!e["source"].as_str().unwrap().trim().is_empty(), "{name}");
        if let Some(code) = e.get("buurt").and_then(|v| v.as_str()) {
            let b = buurt.areas.iter().find(|a| a.id == code).unwrap();
            assert!(
                reaches(&b.geometry, p, r),
                "{name}: its extent of {r} m does not reach buurt {code}"
            );
            checked.0 += 1;
        }
        if let Some(address) = e.get("address").and_then(|v| v.as_str()) {
            let (street, number) = address.rsplit_once(' ').unwrap();
            let (_, _, x, y) = addresses
                .iter()
                .find(|(s, n, _, _)| s == street && n == number)
                .unwrap_or_else(|| panic!("{name}: no address {address}"));
            let d = (x - p.x).hypot(y - p.y);
            assert!(d <= r, "{name}: {address} lies {d:.0} m away, beyond {r} m");
            checked.1 += 1;
        }
    }
    // Most entries are cross-checked by one or the other.
    assert!(checked.0 >= 20 && checked.1 >= 6, "{checked:?}");
}

/// A copy of the shipped geodata with `gazetteer.toml` replaced.
fn with_gazetteer(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata"),
        dir.path(),
    );
    std::fs::write(dir.path().join("gazetteer.toml"), text).unwrap();
    dir
}

const PARK: &str = r#"
[[place]]
name = "Stadspark"
kind = "park"
lat = 50.844
lon = 5.6929
radius_m = 450
extent_source = "test"
source = "test"
"#;

#[test]
fn a_malformed_gazetteer_is_refused_by_check_with_file_entry_and_reason() {
    for (bad, reason) in [
        (
            PARK.replace("radius_m = 450", "radius_m = 0"),
            "radius_m = 0",
        ),
        (
            PARK.replace("\nsource = \"test\"", ""),
            "missing field `source`",
        ),
        (
            PARK.replace("kind = \"park\"", "kind = \"park\"\ncolour = \"green\""),
            "unknown field `colour`",
        ),
        (
            PARK.replace("lat = 50.844", "lat = 52.37"),
            "outside the coverage",
        ),
    ] {
        let dir = with_gazetteer(&bad);
        let (code, out, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
        assert_ne!(code, 0, "{bad}: {out}");
        let all = format!("{out}{err}");
        assert!(all.contains("gazetteer.toml"), "{all}");
        assert!(all.contains("place 1 'Stadspark'"), "{all}");
        assert!(all.contains(reason), "{reason}: {all}");
    }
    // A well-formed one passes, and a directory without one (its own places) passes too.
    let dir = with_gazetteer(PARK);
    let (code, out, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    std::fs::remove_file(dir.path().join("gazetteer.toml")).unwrap();
    std::fs::write(
        dir.path().join("places.csv"),
        wijkwijzer::address::landmarks::HEADER,
    )
    .unwrap();
    let (code, out, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_directory_answers_from_its_own_gazetteer_and_works_without_one() {
    let own = PARK.replace("name = \"Stadspark\"", "name = \"Testpark\"");
    let dir = with_gazetteer(&own);
    let path = dir.path().to_str().unwrap().to_string();
    let (code, out, err) = wijkwijzer(&["lookup", "--geodata", &path, "Testpark"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Testpark (park"), "{out}");
    // The directory's gazetteer replaces the shipped one.
    let (_, out, err) = wijkwijzer(&["lookup", "--geodata", &path, "Stasie"]);
    assert!(!out.contains("Station Maastricht"), "{out}{err}");
    // Without a gazetteer and with places of its own, a directory has no landmarks of the
    // shipped city, and still answers.
    std::fs::remove_file(dir.path().join("gazetteer.toml")).unwrap();
    std::fs::write(
        dir.path().join("places.csv"),
        wijkwijzer::address::landmarks::HEADER,
    )
    .unwrap();
    let (_, out, err) = wijkwijzer(&["lookup", "--geodata", &path, "Stadspark"]);
    assert!(!out.contains("is not a point"), "{out}{err}");
    let (code, out, err) = wijkwijzer(&["lookup", "--geodata", &path, "50.85, 5.69"]);
    assert_eq!(code, 0, "{out}{err}");
}
