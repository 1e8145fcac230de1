//! Issue 34, 1: buurten with millimetre (and finer) coordinates, as CBS and PDOK publish them,
//! dissolve into valid wijk, gemeente and other areas with exactly the area of their buurten;
//! buurten that do not tile the gemeente are refused naming the user's file and the buurten.
//! Everything goes through `wijkwijzer import`; the results are read back with the geojson and
//! geo crates.

use std::path::Path;

use geo::{Area, MultiPolygon, Polygon, Validation};
use serde_json::{Value, json};

use crate::cli::wijkwijzer;
use crate::source_data;

/// A closed ring through `points`.
fn ring(points: &[(f64, f64)]) -> Value {
    let mut r: Vec<Value> = points.iter().map(|(x, y)| json!([x, y])).collect();
    r.push(r[0].clone());
    Value::Array(r)
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<(f64, f64)> {
    vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
}

/// A buurt of made-up gemeente 9998 (`code` is wijk and buurt, e.g. "0001").
fn buurt(code: &str, geometry: Value) -> Value {
    json!({
        "type": "Feature",
        "id": format!("BU9998{code}"),
        "properties": {
            "statcode": format!("BU9998{code}"),
            "statnaam": format!("Proefbuurt {code}"),
            "gemeentenaam": "Proefdorp",
        },
        "geometry": geometry,
    })
}

fn polygon(rings: Vec<Value>) -> Value {
    json!({"type": "Polygon", "coordinates": rings})
}

fn write_buurten(path: &Path, features: Vec<Value>) {
    let fc = json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    });
    std::fs::write(path, fc.to_string()).unwrap();
}

/// Runs `wijkwijzer import` on `buurten` into `out`: (exit code, stdout and stderr).
fn import(buurten: &Path, out: &Path) -> (i32, String) {
    let (code, stdout, stderr) = wijkwijzer(&[
        "import",
        "--buurten",
        buurten.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    (code, format!("{stdout}{stderr}"))
}

/// The features of a written layer file: id and geometry.
fn layer(dir: &Path, file: &str) -> Vec<(String, MultiPolygon<f64>)> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let fc: geojson::FeatureCollection = text.parse().unwrap();
    fc.features
        .into_iter()
        .map(|f| {
            let id = f.property("id").unwrap().as_str().unwrap().to_string();
            let g: geo::Geometry<f64> = f.geometry.unwrap().try_into().unwrap();
            let mp = match g {
                geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
                geo::Geometry::MultiPolygon(mp) => mp,
                other => panic!("{file} {id}: {other:?}"),
            };
            (id, mp)
        })
        .collect()
}

/// Asserts that every area of `file` is valid geometry whose area is that of its buurten in
/// `buurt.geojson` (`member` says which buurten belong to an area).
fn assert_dissolved(dir: &Path, file: &str, member: impl Fn(&str, &str) -> bool) {
    let buurten = layer(dir, "buurt.geojson");
    let areas = layer(dir, file);
    assert!(!areas.is_empty(), "{file}");
    for (id, g) in &areas {
        assert!(g.is_valid(), "{file} {id}: {:?}", g.validation_errors());
        let sum: f64 = buurten
            .iter()
            .filter(|(b, _)| member(id, b))
            .map(|(_, g)| g.unsigned_area())
            .sum();
        let area = g.unsigned_area();
        assert!(sum > 0.0, "{file} {id}: no buurten");
        assert!(
            (area - sum).abs() / sum < 1e-6,
            "{file} {id}: {area} m² dissolved, {sum} m² of buurten"
        );
    }
}

fn in_wijk(wijk: &str, buurt: &str) -> bool {
    wijk[2..] == buurt[2..8]
}

#[test]
fn a_grid_of_buurten_with_millimetre_coordinates_dissolves_exactly() {
    let dir = tempfile::tempdir().unwrap();
    // Corners at millimetres and below (rounded to millimetres on reading, the same way for
    // both neighbours), none of them on a whole-metre grid line, so no edge is quite straight
    // up or across.
    let (x0, y0, s) = (176_000.123, 317_000.456_7, 500.0);
    let ox = [
        [0.0, 0.0004, 0.002],
        [0.003, 0.007, 0.001],
        [0.0, 0.005, 0.0003],
    ];
    let oy = [
        [0.001, 0.0006, 0.004],
        [0.002, 0.006, 0.009],
        [0.008, 0.0002, 0.003],
    ];
    let p = |i: usize, j: usize| (x0 + s * i as f64 + ox[i][j], y0 + s * j as f64 + oy[i][j]);
    // The lower left buurt has a vertex half way along the edge it shares with its right-hand
    // neighbour, which has none there: a T-junction (at a whole millimetre, exactly on the
    // edge).
    let (a, b) = (p(1, 0), p(1, 1));
    let middle = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let file = dir.path().join("buurten.geojson");
    write_buurten(
        &file,
        vec![
            buurt(
                "0001",
                polygon(vec![ring(&[p(0, 0), p(1, 0), middle, p(1, 1), p(0, 1)])]),
            ),
            buurt(
                "0002",
                polygon(vec![ring(&[p(1, 0), p(2, 0), p(2, 1), p(1, 1)])]),
            ),
            buurt(
                "0101",
                polygon(vec![ring(&[p(0, 1), p(1, 1), p(1, 2), p(0, 2)])]),
            ),
            buurt(
                "0102",
                polygon(vec![ring(&[p(1, 1), p(2, 1), p(2, 2), p(1, 2)])]),
            ),
        ],
    );
    let out = dir.path().join("geodata");
    let (code, text) = import(&file, &out);
    assert_eq!(code, 0, "{text}");
    assert_dissolved(&out, "gemeente.geojson", |_, _| true);
    assert_dissolved(&out, "wijk.geojson", in_wijk);
    let gemeente = layer(&out, "gemeente.geojson");
    assert_eq!(gemeente.len(), 1);
    assert_eq!(gemeente[0].1.0.len(), 1, "one polygon");
    assert!(gemeente[0].1.0[0].interiors().is_empty(), "no holes");
    assert_eq!(layer(&out, "wijk.geojson").len(), 2);
}

/// Moves a coordinate by 1 to 5 mm in x and y, as a function of the coordinate alone, so that
/// neighbours sharing a vertex move it the same way.
fn jiggle(v: &mut Value) {
    match v {
        Value::Array(a) if a.len() == 2 && a.iter().all(Value::is_number) => {
            let (x, y) = (a[0].as_f64().unwrap(), a[1].as_f64().unwrap());
            let h = (x as i64)
                .wrapping_mul(31)
                .wrapping_add((y as i64).wrapping_mul(17));
            let dx = 0.001 * (1 + h.rem_euclid(5)) as f64;
            let dy = 0.001 * (1 + (h / 5).rem_euclid(5)) as f64;
            *v = json!([x + dx, y - dy]);
        }
        Value::Array(a) => a.iter_mut().for_each(jiggle),
        _ => {}
    }
}

#[test]
fn maastricht_with_every_vertex_moved_by_millimetres_dissolves_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(source_data(
        "cbs-wijkenbuurten-2024-maastricht/buurten_2024_maastricht_rd.geojson",
    ))
    .unwrap();
    let mut fc: Value = serde_json::from_str(&text).unwrap();
    for f in fc["features"].as_array_mut().unwrap() {
        jiggle(&mut f["geometry"]["coordinates"]);
    }
    let file = dir.path().join("buurten-mm.geojson");
    std::fs::write(&file, fc.to_string()).unwrap();
    let out = dir.path().join("geodata");
    let (code, text) = import(&file, &out);
    assert_eq!(code, 0, "{text}");

    // The coordinates written are the moved ones, not whole metres.
    let buurt = std::fs::read_to_string(out.join("buurt.geojson")).unwrap();
    assert!(buurt.contains(".00"), "millimetres kept");
    let parents = |file: &str| -> Vec<(String, serde_json::Map<String, Value>)> {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["properties"]["id"].as_str().unwrap().to_string(),
                    f["properties"]["parents"].as_object().unwrap().clone(),
                )
            })
            .collect()
    };
    let buurt_parents = parents("buurt.geojson");
    for layer_id in ["lwa", "stadsdeel", "wijk"] {
        let member = |area: &str, b: &str| {
            buurt_parents
                .iter()
                .any(|(id, p)| id == b && p.get(layer_id).and_then(Value::as_str) == Some(area))
        };
        assert_dissolved(&out, &format!("{layer_id}.geojson"), member);
        // Together the areas cover what the buurten cover.
        let total: f64 = layer(&out, &format!("{layer_id}.geojson"))
            .iter()
            .map(|(_, g)| g.unsigned_area())
            .sum();
        let buurten: f64 = layer(&out, "buurt.geojson")
            .iter()
            .map(|(_, g)| g.unsigned_area())
            .sum();
        assert!((total - buurten).abs() / buurten < 1e-6, "{layer_id}");
    }
    // The same vertices as the shipped, whole-metre areas, each moved as its buurten moved it.
    let shipped = layer(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata"),
        "stadsdeel.geojson",
    );
    let moved = layer(&out, "stadsdeel.geojson");
    for ((a, g), (b, h)) in shipped.iter().zip(&moved) {
        assert_eq!(a, b);
        let count = |g: &MultiPolygon<f64>| {
            g.0.iter()
                .map(|p: &Polygon<f64>| {
                    p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
                })
                .sum::<usize>()
        };
        assert_eq!(count(g), count(h), "{a}");
    }
}

#[test]
fn a_buurt_around_another_and_a_buurt_in_two_parts() {
    let dir = tempfile::tempdir().unwrap();
    let (x0, y0) = (180_000.001, 320_000.002);
    // 0001: a square kilometre with a hole, filled by 0101 (another wijk); 0002: two parts,
    // one against 0001's right side, one apart.
    let frame = polygon(vec![
        ring(&rect(x0, y0, x0 + 1000.0, y0 + 1000.0)),
        ring(&rect(x0 + 300.0, y0 + 300.0, x0 + 700.0, y0 + 700.0)),
    ]);
    let inner = polygon(vec![ring(&rect(
        x0 + 300.0,
        y0 + 300.0,
        x0 + 700.0,
        y0 + 700.0,
    ))]);
    let parts = json!({"type": "MultiPolygon", "coordinates": [
        [ring(&rect(x0 + 1000.0, y0 + 200.0, x0 + 1400.0, y0 + 800.0))],
        [ring(&rect(x0 + 2000.0, y0, x0 + 2100.0, y0 + 100.0))],
    ]});
    let file = dir.path().join("buurten.geojson");
    write_buurten(
        &file,
        vec![
            buurt("0001", frame),
            buurt("0002", parts),
            buurt("0101", inner),
        ],
    );
    let out = dir.path().join("geodata");
    let (code, text) = import(&file, &out);
    assert_eq!(code, 0, "{text}");
    assert_dissolved(&out, "gemeente.geojson", |_, _| true);
    assert_dissolved(&out, "wijk.geojson", in_wijk);
    let wijken = layer(&out, "wijk.geojson");
    let w0 = &wijken.iter().find(|(id, _)| id == "WK999800").unwrap().1;
    assert_eq!(w0.0.len(), 2, "{w0:?}");
    assert_eq!(
        w0.0.iter().map(|p| p.interiors().len()).sum::<usize>(),
        1,
        "{w0:?}"
    );
    let gemeente = &layer(&out, "gemeente.geojson")[0].1;
    assert_eq!(gemeente.0.len(), 2, "{gemeente:?}");
    assert!(gemeente.0.iter().all(|p| p.interiors().is_empty()));
}

/// Imports buurten that do not tile the gemeente: refused, naming the file and `codes`, and
/// nothing written.
fn assert_refused(features: Vec<Value>, codes: &[&str], why: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mijn-buurten.geojson");
    write_buurten(&file, features);
    let out = dir.path().join("geodata");
    let (code, text) = import(&file, &out);
    assert_ne!(code, 0, "{text}");
    assert!(text.contains(&file.display().to_string()), "{text}");
    for c in codes {
        assert!(text.contains(c), "{c}: {text}");
    }
    assert!(text.contains(why), "{why}: {text}");
    assert!(!text.contains("gemeente.geojson"), "{text}");
    assert!(!out.join("gemeente.geojson").exists());
}

#[test]
fn buurten_that_overlap_or_leave_gaps_are_refused_by_name() {
    let (x0, y0) = (176_000.123, 317_000.456);
    let square = |x: f64, y: f64, s: f64| polygon(vec![ring(&rect(x, y, x + s, y + s))]);
    assert_refused(
        vec![
            buurt("0001", square(x0, y0, 100.0)),
            buurt("0002", square(x0 + 90.0, y0, 100.0)),
        ],
        &["BU99980001", "BU99980002"],
        "overlap",
    );
    // A buurt that does not fill the hole it sits in: a 2 cm gap all round.
    let frame = polygon(vec![
        ring(&rect(x0, y0, x0 + 300.0, y0 + 300.0)),
        ring(&rect(x0 + 100.0, y0 + 100.0, x0 + 200.0, y0 + 200.0)),
    ]);
    assert_refused(
        vec![
            buurt("0001", frame),
            buurt("0002", square(x0 + 100.02, y0 + 100.02, 99.96)),
        ],
        &["BU99980001", "BU99980002"],
        "gap",
    );
    // Neighbours 4 mm apart: the boundary drawn twice.
    assert_refused(
        vec![
            buurt("0001", square(x0, y0, 100.0)),
            buurt("0002", square(x0 + 100.004, y0, 100.0)),
        ],
        &["BU99980001", "BU99980002"],
        "draw their common boundary differently",
    );
}
