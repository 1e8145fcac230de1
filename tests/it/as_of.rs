//! `as_of`: answers for another day. The shipped data hold two generations of the areas (CBS
//! buurten 2019, and 2022 onwards) and roster entries with validity periods; every door takes
//! the day and gives the answer of that day.
//!
//! The expected places come from the raw CBS files in `data/sources` and the mapping in
//! `geodata/layers.toml`, not from the service: a point-in-polygon test of our own here, and
//! the areas the SOURCE.md of the CBS extract states.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use geo::{Area as _, Contains};
use proptest::prelude::*;
use serde_json::Value;
use wijkwijzer::crs::Rd;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::{AppState, DataSource};
use wijkwijzer::resolve::Resolver;
use wijkwijzer::roster::Audience;

/// In the strip that moved from Boschpoort to Borgharen (SOURCE.md of the CBS extract).
const STRIP: (f64, f64) = (176_448.0, 320_173.0);

/// The CBS buurt code holding `p` in a raw CBS file of `data/sources`, by our own test.
fn cbs_buurt(file: &str, p: (f64, f64)) -> String {
    let text = std::fs::read_to_string(crate::source_data(file)).unwrap();
    let fc: geojson::FeatureCollection = text.parse().unwrap();
    let point = geo::Point::new(p.0, p.1);
    let hits: Vec<String> = fc
        .features
        .iter()
        .filter(|f| {
            let g: geo::Geometry<f64> = f.geometry.clone().unwrap().try_into().unwrap();
            g.contains(&point)
        })
        .map(|f| {
            f.property("statcode")
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(hits.len(), 1, "{p:?} in {file}: {hits:?}");
    hits[0].clone()
}

/// The LWA area of a buurt as `geodata/layers.toml` assigns it.
fn lwa_of(buurt: &str) -> String {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/layers.toml"),
    )
    .unwrap();
    let mapping: toml::Value = toml::from_str(&text).unwrap();
    mapping["buurten"][buurt]["lwa"]["area"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn serve() -> String {
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    crate::spawn_server(state).await
}

async fn get(base: &str, path: &str) -> (u16, Value) {
    let res = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

fn has_role(answer: &Value, organisation: &str) -> bool {
    answer["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["organisation"] == organisation)
}

#[tokio::test]
async fn a_lookup_before_and_after_the_boundary_change_gives_each_days_areas() {
    let old = cbs_buurt(
        "cbs-buurten-other-years-maastricht/buurten_2019_maastricht_rd.geojson",
        STRIP,
    );
    let new = cbs_buurt(
        "cbs-wijkenbuurten-2024-maastricht/buurten_2024_maastricht_rd.geojson",
        STRIP,
    );
    assert_ne!(old, new, "the strip must have changed buurt");
    assert_ne!(lwa_of(&old), lwa_of(&new), "and LWA area");

    let base = serve().await;
    let q = format!("/v1/lookup?x={}&y={}", STRIP.0, STRIP.1);
    let (status, before) = get(&base, &format!("{q}&as_of=2020-06-01")).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["buurt"]["code"], old.as_str());
    assert_eq!(before["lwa"]["id"], lwa_of(&old).as_str());
    assert_eq!(before["data"]["as_of"], "2020-06-01");
    assert_eq!(before["data"]["valid_from"], "2019-01-01");
    assert_eq!(before["data"]["valid_until"], "2021-12-31");
    assert!(
        before["data"]["source"].as_str().unwrap().contains("2019"),
        "{}",
        before["data"]
    );
    let (_, after) = get(&base, &format!("{q}&as_of=2022-01-01")).await;
    assert_eq!(after["buurt"]["code"], new.as_str());
    assert_eq!(after["lwa"]["id"], lwa_of(&new).as_str());
    assert_eq!(after["data"]["valid_from"], "2022-01-01");
    assert!(after["data"]["valid_until"].is_null());
    // The last day of the old generation is still old.
    let (_, last) = get(&base, &format!("{q}&as_of=2021-12-31")).await;
    assert_eq!(last["buurt"]["code"], old.as_str());
    // Default: today, said in the answer.
    let (_, today) = get(&base, &q).await;
    assert_eq!(today["buurt"]["code"], new.as_str());
    assert_eq!(
        today["data"]["as_of"],
        wijkwijzer::roster::today().to_string()
    );
    // The same place by address text and by `q` follow the day too.
    let (_, by_q) = get(
        &base,
        &format!("/v1/lookup?q={}%20{}&as_of=2020-06-01", STRIP.0, STRIP.1),
    )
    .await;
    assert_eq!(by_q["buurt"]["code"], old.as_str());
}

#[tokio::test]
async fn a_roster_entry_with_a_validity_period_appears_from_its_first_day() {
    // roster.toml: the stadsdeelregie of the LWA gebiedsteams holds from 2022-10-13.
    let base = serve().await;
    let q = "/v1/lookup?lat=50.8489&lon=5.6879";
    let (_, before) = get(&base, &format!("{q}&as_of=2022-10-12")).await;
    let (_, after) = get(&base, &format!("{q}&as_of=2022-10-13")).await;
    assert!(
        !has_role(&before, "stadsdeelregie"),
        "{}",
        before["contacts"]
    );
    assert!(has_role(&after, "stadsdeelregie"), "{}", after["contacts"]);
    // The required roles are there on both days.
    for a in [&before, &after] {
        assert!(has_role(a, "thor") && has_role(a, "politie"));
    }
}

#[tokio::test]
async fn a_day_before_the_data_or_not_a_date_is_a_400_saying_what_is_covered() {
    let base = serve().await;
    for (as_of, kind) in [
        ("2018-12-31", "date-not-covered"),
        ("1900-01-01", "date-not-covered"),
        ("2020-13-01", "bad-parameter"),
        ("2020-6-1", "bad-parameter"),
        ("yesterday", "bad-parameter"),
        ("", "bad-parameter"),
    ] {
        for path in [
            "/v1/lookup?lat=50.8489&lon=5.6879",
            "/v1/areas?layer=lwa",
            "/v1/areas/lwa-noord-oost",
            "/ogc/collections/buurt/items",
            "/ogc/collections/buurt/items/BU09350300",
        ] {
            let sep = if path.contains('?') { '&' } else { '?' };
            let (status, problem) = get(&base, &format!("{path}{sep}as_of={as_of}")).await;
            assert_eq!(status, 400, "{path} as_of={as_of}: {problem}");
            assert!(
                problem["type"].as_str().unwrap().ends_with(kind),
                "{path} as_of={as_of}: {problem}"
            );
            assert!(
                problem["detail"].as_str().unwrap().contains("as_of"),
                "{problem}"
            );
            assert_eq!(problem["covered"][0]["valid_from"], "2019-01-01");
        }
    }
    let (status, _) = get(
        &base,
        "/v1/lookup?lat=50.85&lon=5.69&as_of=2020-01-01&as_of=2021-01-01",
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn areas_and_ogc_items_give_the_geometry_of_the_day() {
    // SOURCE.md of the CBS extract: Boschpoort is 1,607,664 m² in 2019 and 1,389,716 m² now.
    let base = serve().await;
    let area_of = |feature: &Value| -> f64 {
        let g: geo::Geometry<f64> =
            serde_json::from_value::<geojson::Geometry>(feature["geometry"].clone())
                .unwrap()
                .try_into()
                .unwrap();
        g.unsigned_area()
    };
    let rd = "crs=http://www.opengis.net/def/crs/EPSG/0/28992";
    let item = "/ogc/collections/buurt/items/BU09350300";
    let (_, old) = get(&base, &format!("{item}?{rd}&as_of=2019-01-01")).await;
    let (_, new) = get(&base, &format!("{item}?{rd}")).await;
    assert!(
        (area_of(&old) - 1_607_664.0).abs() < 1.0,
        "{}",
        area_of(&old)
    );
    assert!(
        (area_of(&new) - 1_389_716.0).abs() < 1.0,
        "{}",
        area_of(&new)
    );

    // Paging links keep the day.
    let (_, page) = get(
        &base,
        "/ogc/collections/buurt/items?limit=5&as_of=2020-02-02",
    )
    .await;
    let next = page["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .unwrap();
    assert!(
        next["href"].as_str().unwrap().contains("as_of=2020-02-02"),
        "{next}"
    );

    // /v1/areas: the LWA areas of 2020 have the strip in Noord-West.
    let lwa = |fc: &Value, id: &str| -> Value {
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap()
            .clone()
    };
    let (_, old) = get(&base, "/v1/areas?layer=lwa&as_of=2020-06-01").await;
    let (_, new) = get(&base, "/v1/areas?layer=lwa").await;
    assert_eq!(old["data"]["as_of"], "2020-06-01");
    let grew = area_of(&lwa(&old, "lwa-noord-west")) - area_of(&lwa(&new, "lwa-noord-west"));
    // In degrees² of WGS84: compare the sign and ratio, not m².
    assert!(grew > 0.0, "Noord-West was larger in 2020");
    let (_, one) = get(&base, "/v1/areas/lwa-noord-west?as_of=2020-06-01").await;
    assert_eq!(one["geometry"], lwa(&old, "lwa-noord-west")["geometry"]);
    // Contacts of the day: no stadsdeelregie before 2022-10-13.
    assert!(!has_role(&one["properties"], "stadsdeelregie"));
    let (_, now) = get(&base, "/v1/areas/lwa-noord-west").await;
    assert!(has_role(&now["properties"], "stadsdeelregie"));
}

#[tokio::test]
async fn batch_answers_for_the_day_over_http_and_in_the_cli() {
    let csv = format!("id,x,y\n1,{},{}\n", STRIP.0, STRIP.1);
    let old = lwa_of(&cbs_buurt(
        "cbs-buurten-other-years-maastricht/buurten_2019_maastricht_rd.geojson",
        STRIP,
    ));
    let new = lwa_of(&cbs_buurt(
        "cbs-wijkenbuurten-2024-maastricht/buurten_2024_maastricht_rd.geojson",
        STRIP,
    ));
    let base = serve().await;
    let body = crate::post_csv(
        &base,
        "/v1/classify?columns=lwa&as_of=2020-06-01",
        csv.clone(),
    )
    .await;
    assert!(body.lines().nth(1).unwrap().ends_with(&old), "{body}");
    let body = crate::post_csv(&base, "/v1/classify?columns=lwa", csv.clone()).await;
    assert!(body.lines().nth(1).unwrap().ends_with(&new), "{body}");
    let res = reqwest::Client::new()
        .post(format!("{base}/v1/classify?as_of=2018-01-01"))
        .header("content-type", "text/csv")
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("date-not-covered")
    );

    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, &csv).unwrap();
    let bin = env!("CARGO_BIN_EXE_wijkwijzer");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .arg("classify")
            .arg(&input)
            .args(["--columns", "lwa", "--quiet"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--as-of", "2020-06-01"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().nth(1).unwrap().ends_with(&old), "{text}");
    let out = run(&["--as-of", "2018-01-01"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--as-of") && err.contains("2019-01-01"),
        "{err}"
    );
    // Not a date: refused by each command, saying how to write one.
    let out = run(&["--as-of", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("yesterday") && err.contains("YYYY-MM-DD"),
        "{err}"
    );
    for command in [
        &["lookup", "50.85,5.69"][..],
        &["sheet", "-o", "unused.pdf"],
    ] {
        let out = std::process::Command::new(bin)
            .args(command)
            .args(["--as-of", "2020-13-01"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--as-of") && err.contains("2020-13-01") && err.contains("YYYY-MM-DD"),
            "{command:?}: {err}"
        );
    }

    let lookup = std::process::Command::new(bin)
        .args([
            "lookup",
            "--json",
            "--as-of",
            "2020-06-01",
            "--crs",
            "EPSG:28992",
        ])
        .arg(format!("{} {}", STRIP.0, STRIP.1))
        .output()
        .unwrap();
    let answer: Value = serde_json::from_slice(&lookup.stdout).unwrap();
    assert_eq!(answer["lwa"]["id"], old.as_str());
    assert_eq!(answer["data"]["as_of"], "2020-06-01");
}

#[tokio::test]
async fn reload_keeps_every_generation() {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in Geodata::embedded_files() {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    let state = Arc::new(AppState::with_config(
        DataSource::Dir(dir.path().to_path_buf()),
        Resolver::new(Geodata::load_dir(dir.path()).unwrap()),
        Default::default(),
    ));
    let base = crate::spawn_server(state.clone()).await;
    state.reload().await.unwrap();
    let q = format!("/v1/lookup?x={}&y={}&as_of=2020-06-01", STRIP.0, STRIP.1);
    let (_, answer) = get(&base, &q).await;
    assert_eq!(answer["data"]["valid_until"], "2021-12-31");
    assert_eq!(state.current().resolver.periods().len(), 2);
}

/// manifest.toml, roster.toml and situations.toml of one day's data.
type DayFiles = (String, String, String);

/// The shipped data with only what holds on `day`: the layer generations valid then (without
/// their dates), the roster entries valid then (without theirs), and the meldkaart's contact
/// rules that still name someone.
fn only_on(day: jiff::civil::Date) -> DayFiles {
    let files = Geodata::embedded_files();
    let read = |name: &str| files.iter().find(|(n, _)| *n == name).unwrap().1;
    let date = |v: Option<&toml::Value>| -> Option<jiff::civil::Date> {
        v.map(|v| match v {
            toml::Value::Datetime(d) => d.to_string().parse().unwrap(),
            other => other.as_str().unwrap().parse().unwrap(),
        })
    };
    let holds = |t: &toml::value::Table| {
        date(t.get("valid_from")).is_none_or(|f| f <= day)
            && date(t.get("valid_until")).is_none_or(|u| day <= u)
    };
    let strip = |v: &mut toml::Value, key: &str| {
        let list = v[key].as_array_mut().unwrap();
        list.retain(|e| holds(e.as_table().unwrap()));
        for e in list.iter_mut() {
            let t = e.as_table_mut().unwrap();
            t.remove("valid_from");
            t.remove("valid_until");
        }
    };
    let mut manifest: toml::Value = toml::from_str(read("manifest.toml")).unwrap();
    strip(&mut manifest, "layers");
    let mut roster: toml::Value = toml::from_str(read("roster.toml")).unwrap();
    strip(&mut roster, "assignment");
    let held: Vec<(String, String)> = roster["assignment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["organisation"].to_string(), a["role"].to_string()))
        .collect();
    let mut situations: toml::Value = toml::from_str(read("situations.toml")).unwrap();
    for s in situations["situation"].as_array_mut().unwrap() {
        if let Some(rules) = s.get_mut("contacts").and_then(|c| c.as_array_mut()) {
            rules
                .retain(|r| held.contains(&(r["organisation"].to_string(), r["role"].to_string())));
        }
    }
    (
        toml::to_string(&manifest).unwrap(),
        toml::to_string(&roster).unwrap(),
        toml::to_string(&situations).unwrap(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// For random days and points, the answer equals a lookup against a data set built from
    /// only the generation and the roster entries valid on that day.
    #[test]
    fn as_of_equals_the_data_of_that_day_alone(
        days in 0i32..(12 * 366),
        x in 170_000.0f64..184_000.0,
        y in 312_000.0f64..324_000.0,
    ) {
        static ALL: std::sync::LazyLock<Resolver> =
            std::sync::LazyLock::new(|| Resolver::new(Geodata::embedded().unwrap()));
        static ALONE: std::sync::LazyLock<Mutex<HashMap<DayFiles, Arc<Resolver>>>> =
            std::sync::LazyLock::new(Default::default);
        let day = jiff::civil::date(2019, 1, 1)
            .checked_add(jiff::Span::new().days(days))
            .unwrap();
        let files = only_on(day);
        let alone = ALONE
            .lock()
            .unwrap()
            .entry(files.clone())
            .or_insert_with(|| {
                let mut given: Vec<(&str, &str)> = Geodata::embedded_files().to_vec();
                for (name, content) in given.iter_mut() {
                    match *name {
                        "manifest.toml" => *content = &files.0,
                        "roster.toml" => *content = &files.1,
                        "situations.toml" => *content = &files.2,
                        _ => {}
                    }
                }
                let data = Geodata::from_memory("one day", &given);
                Arc::new(Resolver::new(data.map_err(|e| e.to_string()).unwrap()))
            })
            .clone();
        let p = Rd { x, y };
        for audience in [Audience::Public, Audience::Internal] {
            let mut want = serde_json::to_value(alone.on(day).unwrap().resolve(p, audience)).unwrap();
            let mut got = serde_json::to_value(ALL.on(day).unwrap().resolve(p, audience)).unwrap();
            // The `data` block says which day and period; the rest must be the same.
            prop_assert_eq!(&got["data"]["as_of"], &Value::from(day.to_string()));
            want.as_object_mut().unwrap().remove("data");
            got.as_object_mut().unwrap().remove("data");
            // A contact's `why` states its assignment's validity, which the roster of one day
            // alone no longer carries; who is named, and for which area, must be the same.
            fn strip_periods(v: &mut Value) {
                match v {
                    Value::Object(m) => {
                        if let Some(Value::Object(why)) = m.get_mut("why") {
                            for k in ["valid_from", "valid_until", "text"] {
                                why.remove(k);
                            }
                        }
                        m.values_mut().for_each(strip_periods);
                    }
                    Value::Array(a) => a.iter_mut().for_each(strip_periods),
                    _ => {}
                }
            }
            strip_periods(&mut want);
            strip_periods(&mut got);
            prop_assert_eq!(got, want);
        }
    }
}

#[test]
fn check_refuses_generations_with_a_gap_an_overlap_or_two_open_ends() {
    let files = Geodata::embedded_files();
    let manifest = files.iter().find(|(n, _)| *n == "manifest.toml").unwrap().1;
    let load = |m: String| {
        let mut given: Vec<(&str, &str)> = files.to_vec();
        for (name, content) in given.iter_mut() {
            if *name == "manifest.toml" {
                *content = &m;
            }
        }
        Geodata::from_memory("test", &given)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert_eq!(load(manifest.to_string()), "", "the shipped data validate");
    let gap = load(manifest.replacen(
        "valid_until = \"2021-12-31\"",
        "valid_until = \"2021-12-30\"",
        1,
    ));
    assert!(
        gap.contains("lwa-2019.geojson ends 2021-12-30") && gap.contains("a gap"),
        "{gap}"
    );
    let overlap = load(manifest.replacen(
        "valid_until = \"2021-12-31\"",
        "valid_until = \"2022-03-01\"",
        1,
    ));
    assert!(overlap.contains("they overlap"), "{overlap}");
    let open = load(manifest.replacen("valid_until = \"2021-12-31\"\n", "", 1));
    assert!(open.contains("2 generations without valid_until"), "{open}");
}

#[test]
fn check_warns_of_a_role_left_empty_in_an_earlier_period() {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in Geodata::embedded_files() {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    let roster = Geodata::embedded_files()
        .iter()
        .find(|(n, _)| *n == "roster.toml")
        .unwrap()
        .1
        .replacen(
            "function = \"Coördinator politie (gebiedsgebonden leidinggevende), LWA-gebied Noord-West\"",
            "function = \"Coördinator politie (gebiedsgebonden leidinggevende), LWA-gebied Noord-West\"\nvalid_from = 2021-03-01",
            1,
        );
    assert!(roster.contains("valid_from = 2021-03-01"));
    std::fs::write(dir.path().join("roster.toml"), roster).unwrap();
    let check = |strict: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"));
        cmd.arg("check").arg(dir.path());
        if strict {
            cmd.arg("--strict");
        }
        cmd.output().unwrap()
    };
    let out = check(false);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("lwa-noord-west: coördinator vacant from 2019-01-01 in the period 2019-01-01 to 2021-12-31"),
        "{err}"
    );
    assert_eq!(check(true).status.code(), Some(1));
    // And an answer for a day in that gap says the role is vacant.
    let resolver = Resolver::new(Geodata::load_dir(dir.path()).unwrap());
    let answer = resolver.on(jiff::civil::date(2020, 6, 1)).unwrap().resolve(
        Rd {
            x: STRIP.0,
            y: STRIP.1,
        },
        Audience::Public,
    );
    assert!(
        answer
            .contacts
            .iter()
            .any(|c| c.name.starts_with("Vacant: coördinator")),
        "{:?}",
        answer.contacts
    );
}
