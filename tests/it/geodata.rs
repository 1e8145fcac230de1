//! The import command and validation on load: reproducible output, full-resolution input,
//! and bad data refused with file, feature and reason.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::geodata::import::{ImportOptions, run};

use crate::source_data;

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn options(out: &Path) -> ImportOptions {
    let cbs = source_data("cbs-wijkenbuurten-2024-maastricht");
    ImportOptions {
        buurten: cbs.join("buurten_2024_maastricht_rd.geojson"),
        buurten_layer: None,
        wijken: Some(cbs.join("wijken_2024_maastricht_rd.geojson")),
        grid: Some(source_data("rdnaptrans2018-grids/rdcorr2018.txt.zip")),
        mapping: Some(repo("geodata/layers.toml")),
        generic: None,
        osm_source: None,
        source_dir: source_data(""),
        generations: true,
        places: Vec::new(),
        out: out.to_path_buf(),
        source_name: None,
        fallback_name: None,
        attribution: None,
        year: None,
        generalized: None,
    }
}

const GENERATED: [&str; 10] = [
    "manifest.toml",
    "lwa.geojson",
    "wijk.geojson",
    "buurt.geojson",
    "stadsdeel.geojson",
    "lwa-2019.geojson",
    "wijk-2019.geojson",
    "buurt-2019.geojson",
    "stadsdeel-2019.geojson",
    "rdcorr2018.bin",
];

#[test]
fn import_reproduces_the_shipped_geodata_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let report = run(&options(dir.path())).unwrap();
    assert_eq!(
        report.layers,
        [
            ("lwa".to_string(), 4),
            ("stadsdeel".into(), 7),
            ("wijk".into(), 7),
            ("buurt".into(), 44),
            ("lwa (2019-01-01 to 2021-12-31)".into(), 4),
            ("stadsdeel (2019-01-01 to 2021-12-31)".into(), 7),
            ("wijk (2019-01-01 to 2021-12-31)".into(), 7),
            ("buurt (2019-01-01 to 2021-12-31)".into(), 44),
        ]
    );
    for f in GENERATED {
        let fresh = std::fs::read(dir.path().join(f)).unwrap();
        let shipped = std::fs::read(repo("geodata").join(f)).unwrap();
        assert!(
            fresh == shipped,
            "{f} differs from the shipped copy: re-run `wijkwijzer import`"
        );
    }
    // The embedded data is exactly what is in geodata/.
    let again = tempfile::tempdir().unwrap();
    run(&options(again.path())).unwrap();
    for f in GENERATED {
        assert_eq!(
            std::fs::read(dir.path().join(f)).unwrap(),
            std::fs::read(again.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

/// A full-resolution-style national export as PDOK/CBS publish it: RFC 7946 WGS84,
/// `buurtcode`/`buurtnaam`/`gemeentecode` properties, MultiPolygons, other gemeenten mixed in.
fn write_pdok_style_export(path: &Path) {
    let data = Geodata::embedded().unwrap().densified(10.0);
    let t = wijkwijzer::crs::transformer();
    let mut features = Vec::new();
    for a in &data.layer("buurt").unwrap().areas {
        let polys: Vec<Value> = a
            .geometry
            .0
            .iter()
            .map(|p| {
                let ring: Vec<Value> = p
                    .exterior()
                    .0
                    .iter()
                    .map(|c| {
                        let w = t.rd_to_wgs84(wijkwijzer::crs::Rd { x: c.x, y: c.y });
                        serde_json::json!([w.lon, w.lat])
                    })
                    .collect();
                serde_json::json!([ring])
            })
            .collect();
        features.push(serde_json::json!({
            "type": "Feature",
            "properties": {"buurtcode": a.id, "buurtnaam": a.name, "wijkcode": a.parents["wijk"], "gemeentecode": "GM0935", "gemeentenaam": "Maastricht"},
            "geometry": {"type": "MultiPolygon", "coordinates": polys},
        }));
    }
    features.push(serde_json::json!({
        "type": "Feature",
        "properties": {"buurtcode": "BU00340001", "buurtnaam": "Elders", "gemeentecode": "GM0034"},
        "geometry": {"type": "MultiPolygon", "coordinates": [[[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.0]]]]},
    }));
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    std::fs::write(path, fc.to_string()).unwrap();
}

#[test]
fn import_accepts_a_full_resolution_pdok_style_export() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("wijkenbuurten_2024.geojson");
    write_pdok_style_export(&export);
    let out = dir.path().join("geodata");
    let mut opts = options(&out);
    opts.buurten = export;
    opts.wijken = None;
    opts.source_name = Some("CBS Wijk- en buurtkaart 2024 (volledige resolutie)".into());
    opts.generalized = Some(false);
    run(&opts).unwrap();
    for f in ["roster.toml", "situations.toml"] {
        std::fs::copy(repo("geodata").join(f), out.join(f)).unwrap();
    }
    let data = Geodata::load_dir(&out).unwrap();
    assert!(!data.manifest.source.generalized);
    assert_eq!(
        data.layer("buurt").unwrap().areas.len(),
        44,
        "the other gemeente is skipped"
    );
    assert_eq!(
        data.layer("wijk").unwrap().areas[0].name,
        "Wijk 00",
        "no wijk file: code-derived names"
    );
    // Same areas as the shipped ones, to within what the WGS84 round trip moves them.
    use geo::Area;
    let shipped = Geodata::embedded().unwrap();
    for (a, b) in data
        .layer("lwa")
        .unwrap()
        .areas
        .iter()
        .zip(&shipped.layer("lwa").unwrap().areas)
    {
        let (x, y) = (a.geometry.unsigned_area(), b.geometry.unsigned_area());
        assert!((x - y).abs() / y < 0.001, "{}: {x} vs {y}", a.id);
    }
}

#[test]
fn import_refuses_a_mapping_that_does_not_match_the_cbs_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("geodata/layers.toml")).unwrap();
    let start = text.find("[buurten.BU09350604]").unwrap();
    let mapping = dir.path().join("layers.toml");
    std::fs::write(
        &mapping,
        text[..start].replace("name = \"Wyck\"", "name = \"Wijk\""),
    )
    .unwrap();
    let mut opts = options(&dir.path().join("out"));
    opts.mapping = Some(mapping);
    let err = run(&opts).unwrap_err().to_string();
    assert!(
        err.contains("BU09350604 (Vroendaal) is not in the mapping"),
        "{err}"
    );
    assert!(
        err.contains("mapping says 'Wijk', CBS says 'Wyck'"),
        "{err}"
    );
}

/// A writable copy of the shipped geodata with one file edited.
fn broken(file: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in GENERATED.iter().chain(&["roster.toml", "situations.toml"]) {
        std::fs::copy(repo("geodata").join(f), dir.path().join(f)).unwrap();
    }
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit must change {file}");
    std::fs::write(path, edited).unwrap();
    dir
}

fn refused(dir: &Path) -> Vec<String> {
    let err = Geodata::load_dir(dir).unwrap_err();
    err.problems.iter().map(|p| p.to_string()).collect()
}

fn edit_feature(text: String, id: &str, f: impl Fn(&mut Value)) -> String {
    text.lines()
        .map(|line| {
            let trimmed = line.trim_end_matches(',');
            match serde_json::from_str::<Value>(trimmed) {
                Ok(mut v) if v["id"] == id => {
                    f(&mut v);
                    let comma = if line.ends_with(',') { "," } else { "" };
                    format!("{v}{comma}")
                }
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn overlapping_buurten_are_refused_with_file_feature_and_reason() {
    let dir = broken("buurt.geojson", |t| {
        edit_feature(t, "BU09350001", |v| {
            for c in v["geometry"]["coordinates"][0].as_array_mut().unwrap() {
                c[0] = (c[0].as_f64().unwrap() + 150.0).into();
            }
        })
    });
    let problems = refused(dir.path());
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("buurt.geojson: feature BU0935000") && p.contains("overlaps")),
        "{problems:#?}"
    );
    // The CLI says the same and exits non-zero.
    let out = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args(["check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("refused") && err.contains("buurt.geojson: feature BU0935000"),
        "{err}"
    );
}

#[test]
fn a_self_intersecting_ring_is_refused() {
    let dir = broken("buurt.geojson", |t| {
        edit_feature(t, "BU09350002", |v| {
            let ring = v["geometry"]["coordinates"][0].as_array_mut().unwrap();
            ring.swap(1, 2);
        })
    });
    let problems = refused(dir.path());
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("buurt.geojson: feature BU09350002: invalid geometry")),
        "{problems:#?}"
    );
}

#[test]
fn a_buurt_outside_its_lwa_area_is_refused() {
    let dir = broken("buurt.geojson", |t| {
        edit_feature(t, "BU09350000", |v| {
            v["properties"]["parents"]["lwa"] = "lwa-noord-oost".into()
        })
    });
    let problems = refused(dir.path());
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("buurt.geojson: feature BU09350000: lies")
                && p.contains("outside its parent lwa-noord-oost")),
        "{problems:#?}"
    );
}

#[test]
fn coordinates_in_degrees_are_refused() {
    let dir = broken("lwa.geojson", |t| {
        edit_feature(t, "lwa-zuid-oost", |v| {
            v["geometry"] = serde_json::json!({"type": "Polygon", "coordinates": [[[5.7, 50.8], [5.8, 50.8], [5.8, 50.9], [5.7, 50.8]]]});
        })
    });
    let problems = refused(dir.path());
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("lwa.geojson: feature lwa-zuid-oost")
                && p.contains("outside RD New")),
        "{problems:#?}"
    );
}

#[test]
fn a_situation_with_an_unknown_channel_or_rule_is_refused() {
    let dir = broken("situations.toml", |t| {
        t.replacen("report = [\"spoed-112\"]", "report = [\"spoed-113\"]", 1)
            .replacen("theme = \"parkeren\"", "theme = \"fietsen\"", 1)
    });
    let problems = refused(dir.path());
    assert!(problems.contains(&"situations.toml: feature spoed: report channel 'spoed-113' is not defined under [channels]".to_string()), "{problems:#?}");
    assert!(
        problems.iter().any(|p| p.contains(
            "feature foutparkeren: contact rule thor / boa / fietsen matches no assignment"
        )),
        "{problems:#?}"
    );
}

/// A coordinator whose assignment ended: the data loads (a gap is planning, not an outage),
/// answers say the role is vacant with the organisation's channels, `/healthz` says degraded,
/// `check` warns and fails only with `--strict`.
#[tokio::test]
async fn an_expired_assignment_is_a_gap_not_an_outage() {
    let dir = broken("roster.toml", |t| {
        t.replacen(
            "role = \"coordinator\"\nscope = [\"lwa-noord-oost\"]",
            "role = \"coordinator\"\nscope = [\"lwa-noord-oost\"]\nvalid_until = 2020-12-31",
            1,
        )
    });
    let data = Geodata::load_dir(dir.path()).expect("a gap does not refuse the data");
    let gaps = data.roster_gaps(wijkwijzer::roster::today());
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].area, "lwa-noord-oost");
    assert_eq!(gaps[0].since, Some(jiff::civil::date(2021, 1, 1)));
    assert!(gaps[0].entry.contains("ended 2020-12-31"), "{:?}", gaps[0]);

    let resolver = wijkwijzer::resolve::Resolver::new(data);
    let state = std::sync::Arc::new(wijkwijzer::http::AppState::with_config(
        wijkwijzer::http::DataSource::Dir(dir.path().to_path_buf()),
        resolver,
        wijkwijzer::http::ServeConfig::default(),
    ));
    let base = crate::spawn_server(state).await;
    let health: Value = reqwest::get(format!("{base}/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "degraded");
    assert_eq!(health["roster_gaps"][0]["area"], "lwa-noord-oost");
    // Borgharen lies in Noord-Oost.
    let answer: Value = reqwest::get(format!("{base}/v1/lookup?x=176448&y=321000"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["lwa"]["id"], "lwa-noord-oost", "{answer}");
    let vacant = answer["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "coordinator")
        .unwrap();
    assert!(
        vacant["name"].as_str().unwrap().starts_with("Vacant"),
        "{vacant}"
    );
    assert!(
        vacant["channels"].to_string().contains("0900-8844"),
        "{vacant}"
    );

    let check = |strict: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"));
        cmd.arg("check").arg(dir.path());
        if strict {
            cmd.arg("--strict");
        }
        let out = cmd.output().unwrap();
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    let (code, err) = check(false);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: roster.toml: lwa-noord-oost: coördinator vacant"),
        "{err}"
    );
    assert_eq!(check(true).0, Some(1));
}

#[test]
fn an_incomplete_roster_is_refused() {
    let dir = broken("roster.toml", |t| {
        t.replace(
            "role = \"coordinator\"\nscope = [\"lwa-noord-oost\"]",
            "role = \"wijkagent\"\nscope = [\"lwa-noord-oost\"]",
        )
    });
    let problems = refused(dir.path());
    assert_eq!(
        problems,
        [
            "roster.toml: feature lwa-noord-oost: coverage area 'Noord-Oost' has no coördinator at all ([roles.coordinator] is required): add an [[assignment]] with role = \"coordinator\" and scope = [\"lwa-noord-oost\"] or scope = \"city\""
        ]
    );
    let dir = broken("roster.toml", |t| {
        t.replacen("scope = [\"BU09350000\"]", "scope = [\"BU09359999\"]", 1)
    });
    let problems = refused(dir.path());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("scope names unknown area 'BU09359999'")),
        "{problems:#?}"
    );
    let dir = broken("roster.toml", |t| {
        t.replacen("visibility = \"public\"", "visibilty = \"public\"", 1)
    });
    let problems = refused(dir.path());
    assert!(
        problems[0].starts_with("roster.toml: ") && problems[0].contains("visibilty"),
        "{problems:#?}"
    );
}

#[test]
fn a_position_with_one_number_is_refused_not_a_panic() {
    // Found by the geodata_load fuzz target: the geojson crate's conversion indexes [0] and [1].
    let dir = broken("stadsdeel.geojson", |t| {
        t.replacen("[[[175459,317834]", "[[[175459]", 1)
    });
    let problems = refused(dir.path());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("fewer than two numbers")),
        "{problems:#?}"
    );
}

/// Issue 24, 21: a roster whose every assignment has ended is warned about (not only INFO
/// lines), and so is every required role it leaves empty.
#[test]
fn a_roster_that_has_all_ended_is_warned_about() {
    let mut data = Geodata::embedded().unwrap();
    let today = wijkwijzer::roster::today();
    assert!(
        !data
            .roster_warnings(today)
            .iter()
            .any(|w| w.contains("has ended")),
        "the shipped roster is current"
    );
    let ended = jiff::civil::date(2020, 1, 1);
    for a in &mut data.roster.assignments {
        a.valid_from = None;
        a.valid_until = Some(ended);
    }
    let warnings = data.roster_warnings(today);
    assert!(warnings[0].contains("has ended"), "{warnings:?}");
    let lwa = data.layer("lwa").unwrap().areas.len();
    // Per LWA area: the THOR senior and the police coordinator.
    assert_eq!(warnings.len(), 1 + 2 * lwa, "{warnings:?}");
}
