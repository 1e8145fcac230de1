//! Issue 34, 3: the municipality's own areas as the answering layer. The made-up municipality
//! of [`crate::municipality`] (Maastricht's CBS files moved to near Zwolle as gemeente 9999,
//! "Testdorp") gets three wijkteams from an area table as people keep it (Windows-1252, `;`),
//! imported with `import --areas`: the wijkteams are served with their buurten, a place near a
//! boundary between two of them names both, the inconsistent configuration the docs used to
//! lead to is refused, a bad table is refused naming its file and line, and a woonplaats that
//! is one part of the municipality is answered as that part.

use std::path::{Path, PathBuf};

use geo::{Contains, Coord, Point};
use serde_json::Value;

use crate::cli::wijkwijzer;
use crate::municipality::{made_up, write};
use crate::{free_port, start};

/// Which wijkteam each made-up CBS wijk (its two digits) belongs to: three areas, the third
/// named with an ë so that the Windows-1252 table has a byte above ASCII.
const TEAMS: [(&str, &str, &[&str]); 3] = [
    ("wt-west", "Wijkteam West", &["00", "01", "02"]),
    ("wt-noord", "Wijkteam Noord", &["03", "05"]),
    ("wt-oost", "Wijkteam Oost-Leënhof", &["04", "06"]),
];

/// The wijkteam of a made-up buurt code (`BU9999WWBB`).
fn team_of(code: &str) -> (&'static str, &'static str) {
    let wijk = &code[6..8];
    TEAMS
        .iter()
        .find(|(_, _, w)| w.contains(&wijk))
        .map(|(id, name, _)| (*id, *name))
        .unwrap()
}

/// The made-up CBS files, written into `dir`: buurten, and wijken with wijk 05 renamed
/// "Hoensbroek" (a woonplaats that is one wijk, wholly inside Wijkteam Noord).
struct Made {
    buurten: PathBuf,
    wijken: PathBuf,
    fc: Value,
}

fn made(dir: &Path) -> Made {
    let fc = made_up(
        "cbs-wijkenbuurten-2024-maastricht/buurten_2024_maastricht_rd.geojson",
        "buurt",
    );
    let mut wijk_fc = made_up(
        "cbs-wijkenbuurten-2024-maastricht/wijken_2024_maastricht_rd.geojson",
        "wijk",
    );
    for f in wijk_fc["features"].as_array_mut().unwrap() {
        if f["properties"]["statcode"] == "WK999905" {
            f["properties"]["statnaam"] = "Hoensbroek".into();
        }
    }
    let (buurten, wijken) = (dir.join("buurten.geojson"), dir.join("wijken.geojson"));
    write(&buurten, &fc);
    write(&wijken, &wijk_fc);
    Made {
        buurten,
        wijken,
        fc,
    }
}

fn codes(fc: &Value) -> Vec<String> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["statcode"].as_str().unwrap().to_string())
        .collect()
}

fn geometry(f: &Value) -> geo::MultiPolygon<f64> {
    let g: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).unwrap();
    match geo::Geometry::<f64>::try_from(g).unwrap() {
        geo::Geometry::Polygon(p) => geo::MultiPolygon(vec![p]),
        geo::Geometry::MultiPolygon(m) => m,
        other => panic!("{other:?}"),
    }
}

/// The area table as a municipality keeps it in Excel ("CSV" on a Dutch Windows: `;`,
/// Windows-1252), with a buurt name column the import has no use for; `edit` changes the rows.
fn area_table(fc: &Value, edit: impl Fn(&mut Vec<String>)) -> Vec<u8> {
    let mut rows: Vec<String> = codes(fc)
        .iter()
        .map(|c| {
            let (id, name) = team_of(c);
            format!("{c};Buurt {};{id};{name}", &c[6..])
        })
        .collect();
    edit(&mut rows);
    let text = format!("BU_CODE;Buurtnaam;Gebied;Naam\r\n{}\r\n", rows.join("\r\n"));
    encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
}

/// The longest edge two buurten of different wijkteams share, as its two ends and the team on
/// each side, and a point `d` metres from its middle on the side of the first team.
fn near_boundary(fc: &Value, d: f64) -> (Coord<f64>, &'static str, &'static str) {
    let features = fc["features"].as_array().unwrap();
    let shapes: Vec<(&'static str, geo::MultiPolygon<f64>)> = features
        .iter()
        .map(|f| {
            (
                team_of(f["properties"]["statcode"].as_str().unwrap()).0,
                geometry(f),
            )
        })
        .collect();
    let mut best: Option<(f64, geo::Line<f64>, &str, &str)> = None;
    for (team, shape) in &shapes {
        for line in shape.0.iter().flat_map(|p| p.exterior().lines()) {
            for (other, other_shape) in &shapes {
                if other == team {
                    continue;
                }
                let shares = other_shape.0.iter().any(|p| {
                    p.exterior()
                        .lines()
                        .any(|l| (l.start == line.end && l.end == line.start) || l == line)
                });
                let len = (line.end.x - line.start.x).hypot(line.end.y - line.start.y);
                if shares && best.is_none_or(|b| len > b.0) {
                    best = Some((len, line, team, other));
                }
            }
        }
    }
    let (len, geo::Line { start: a, end: b }, team, other) = best.unwrap();
    assert!(
        len > 400.0,
        "a shared edge long enough for a 100 m disc: {len}"
    );
    let mid = Coord {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    let normal = Coord {
        x: -(b.y - a.y) / len,
        y: (b.x - a.x) / len,
    };
    let inside = |c: Coord<f64>| {
        shapes
            .iter()
            .filter(|s| s.0 == team)
            .any(|s| s.1.contains(&Point::from(c)))
    };
    let side = if inside(mid + normal * 1.0) {
        1.0
    } else {
        -1.0
    };
    let p = mid + normal * (side * d);
    assert!(inside(p), "the point lies in {team}");
    (p, team, other)
}

/// `import` of the made-up municipality into `out` with `extra` flags: (exit code, stdout+stderr).
fn import(m: &Made, out: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec![
        "import",
        "--buurten",
        m.buurten.to_str().unwrap(),
        "--wijken",
        m.wijken.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = wijkwijzer(&args);
    (code, format!("{stdout}{stderr}"))
}

/// A lookup of the point `p` (RD New) as a dispatcher gives it: degrees to eight decimals
/// (a millimetre) with a stated uncertainty, `52.51234567, 6.10987654 ±100 m`.
fn stated(p: Coord<f64>, metres: u32) -> String {
    let w = wijkwijzer::crs::transformer().rd_to_wgs84(wijkwijzer::crs::Rd { x: p.x, y: p.y });
    format!(
        "/v1/lookup?q={:.8}%2C%20{:.8}%20%C2%B1{metres}%20m",
        w.lat, w.lon
    )
}

struct Served {
    _server: crate::Running,
    base: String,
}

fn serve(dir: &Path) -> Served {
    let port = free_port();
    let server = start(
        &[
            "serve".into(),
            "--geodata".into(),
            dir.display().to_string(),
            "--listen".into(),
            format!("127.0.0.1:{port}"),
        ],
        &[],
        port,
    );
    Served {
        _server: server,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn get(base: &str, path: &str) -> (u16, Value) {
    let r = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: {text}")),
    )
}

/// The report, followed as the docs used to say: the generic import's `layers.toml`
/// gets a `[[layers]]` table and a key per buurt, and is imported again. The gemeente stayed
/// the answering layer, so a place 0.3 m from a wijkteam boundary given with ±100 m came back
/// `certain`, inside the whole municipality. That configuration is now refused, saying how to
/// make the own areas the answering layer.
#[test]
fn own_layer_beside_a_whole_gemeente_coverage_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let m = made(dir.path());
    let out = dir.path().join("testdorp");
    let (code, said) = import(&m, &out, &[]);
    assert_eq!(code, 0, "{said}");

    let path = out.join("layers.toml");
    let mut mapping: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let areas: Vec<toml::Value> = TEAMS
        .iter()
        .map(|(id, name, _)| {
            let mut t = toml::Table::new();
            t.insert("id".into(), (*id).into());
            t.insert("name".into(), (*name).into());
            toml::Value::Table(t)
        })
        .collect();
    let mut layer = toml::Table::new();
    layer.insert("id".into(), "wijkteam".into());
    layer.insert("title".into(), "Wijkteams".into());
    layer.insert("description".into(), "De wijkteams van Testdorp".into());
    layer.insert("areas".into(), toml::Value::Array(areas));
    mapping["layers"]
        .as_array_mut()
        .unwrap()
        .push(toml::Value::Table(layer));
    for (code, entry) in mapping["buurten"].as_table_mut().unwrap() {
        let mut membership = toml::Table::new();
        membership.insert("area".into(), team_of(code).0.into());
        membership.insert("source".into(), "wijkteamindeling".into());
        membership.insert("inferred".into(), false.into());
        entry
            .as_table_mut()
            .unwrap()
            .insert("wijkteam".into(), toml::Value::Table(membership));
    }
    std::fs::write(&path, toml::to_string(&mapping).unwrap()).unwrap();
    let before = std::fs::read_to_string(out.join("manifest.toml")).unwrap();

    let (code, said) = import(&m, &out, &[]);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("coverage layer 'gemeente' is the whole municipality in one area, but layer 'wijkteam' divides it into 3 areas"),
        "{said}"
    );
    assert!(said.contains("--areas"), "{said}");
    assert_eq!(
        std::fs::read_to_string(out.join("manifest.toml")).unwrap(),
        before,
        "a refused import leaves the directory as it was"
    );

    // The other inconsistency: an answer whose area member is another layer than the one its
    // certainty is measured on. `check` refuses a manifest edited that way.
    let manifest = out.join("manifest.toml");
    std::fs::write(
        &manifest,
        before.replace(
            "[municipality.members]\n",
            "[municipality.members]\nlwa = \"wijk\"\n",
        ),
    )
    .unwrap();
    assert_ne!(std::fs::read_to_string(&manifest).unwrap(), before);
    let (code, stdout, err) = wijkwijzer(&["check", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}{err}");
    assert!(
        format!("{stdout}{err}").contains(
            "municipality.members.lwa names layer 'wijk', but answers are measured and named on the coverage layer 'gemeente'"
        ),
        "{stdout}{err}"
    );
}

/// The edges where a wijkteam meets another or the outside: each buurt edge not shared with a
/// buurt of the same team.
fn team_edges(fc: &Value) -> Vec<geo::Line<f64>> {
    let shapes: Vec<(&str, geo::MultiPolygon<f64>)> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                team_of(f["properties"]["statcode"].as_str().unwrap()).0,
                geometry(f),
            )
        })
        .collect();
    let mut edges = Vec::new();
    for (i, (team, shape)) in shapes.iter().enumerate() {
        for line in shape.0.iter().flat_map(|p| p.exterior().lines()) {
            let inner = shapes.iter().enumerate().any(|(j, (t, s))| {
                j != i
                    && t == team
                    && s.0.iter().any(|p| {
                        p.exterior()
                            .lines()
                            .any(|l| l.start == line.end && l.end == line.start)
                    })
            });
            if !inner {
                edges.push(line);
            }
        }
    }
    edges
}

fn distance(p: Coord<f64>, l: &geo::Line<f64>) -> f64 {
    let d = l.end - l.start;
    let len2 = d.x * d.x + d.y * d.y;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.x - l.start.x) * d.x + (p.y - l.start.y) * d.y) / len2).clamp(0.0, 1.0)
    };
    let q = l.start + d * t;
    (p.x - q.x).hypot(p.y - q.y)
}

/// Everything a municipality does with its own areas, through the binary and HTTP.
#[tokio::test]
async fn own_areas_are_the_answering_layer() {
    let dir = tempfile::tempdir().unwrap();
    let m = made(dir.path());
    let out = dir.path().join("testdorp");
    let table = dir.path().join("wijkteams.csv");
    std::fs::write(&table, area_table(&m.fc, |_| {})).unwrap();
    let (code, said) = import(
        &m,
        &out,
        &[
            "--areas",
            table.to_str().unwrap(),
            "--areas-layer",
            "wijkteam",
            "--areas-title",
            "Wijkteams",
        ],
    );
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("44 buurten in 3 areas of layer 'wijkteam' (read as Windows-1252), now the answering layer"),
        "{said}"
    );
    assert!(said.contains("wijkteam     3 areas"), "{said}");

    // The layer file: the three areas, each with the buurten the table gives it.
    let layer: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("wijkteam.geojson")).unwrap())
            .unwrap();
    let features = layer["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    for (id, name, _) in TEAMS {
        let f = features.iter().find(|f| f["id"] == id).unwrap();
        assert_eq!(f["properties"]["name"], name);
        let mut expected: Vec<String> = codes(&m.fc)
            .into_iter()
            .filter(|c| team_of(c).0 == id)
            .collect();
        expected.sort();
        let members: Vec<String> =
            serde_json::from_value(f["properties"]["members"].clone()).unwrap();
        assert_eq!(members, expected, "{id}");
    }
    let data = wijkwijzer::geodata::Geodata::load_dir(&out).unwrap();
    assert_eq!(data.manifest.coverage_layer, "wijkteam");
    assert_eq!(data.municipality.members.lwa.as_deref(), Some("wijkteam"));

    // A woonplaats that is one wijk of the municipality: Hoensbroek, in its towns (edited in
    // the layers.toml the import wrote, which keeps the areas when imported again).
    let path = out.join("layers.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("coverage_layer = \"wijkteam\""), "{text}");
    let mut mapping: toml::Table = text.parse().unwrap();
    mapping["municipality"]["towns"] =
        toml::Value::Array(vec!["Testdorp".into(), "Hoensbroek".into()]);
    std::fs::write(&path, toml::to_string(&mapping).unwrap()).unwrap();
    let (code, said) = import(&m, &out, &[]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("wijkteam     3 areas"), "{said}");

    let s = serve(&out);
    let (status, areas) = get(&s.base, "/v1/areas?layer=wijkteam").await;
    assert_eq!(status, 200, "{areas}");
    let mut names: Vec<&str> = areas["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Wijkteam Noord", "Wijkteam Oost-Leënhof", "Wijkteam West"]
    );
    // Every buurt names its wijkteam as parent, with the table's file and line as source.
    let (status, buurten) = get(&s.base, "/v1/areas?layer=buurt").await;
    assert_eq!(status, 200);
    for (line, code) in codes(&m.fc).iter().enumerate() {
        let f = buurten["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["id"] == code.as_str())
            .unwrap();
        assert_eq!(f["properties"]["parents"]["wijkteam"], team_of(code).0);
        let source = f["properties"]["source"].as_str().unwrap();
        assert!(
            source.contains(&format!("wijkteam: {}, line {}", table.display(), line + 2)),
            "{source}"
        );
    }

    // 0.3 m from the boundary of two wijkteams, given with ±100 m: both, and not certain.
    let (p, team, other) = near_boundary(&m.fc, 0.3);
    let (status, a) = get(&s.base, &stated(p, 100)).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["lwa"]["id"], team, "{a}");
    assert_ne!(a["certainty"]["level"], "certain", "{a}");
    let named: Vec<&str> = a["certainty"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert!(named.contains(&team) && named.contains(&other), "{a}");
    assert!(
        a["also_possible"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == other),
        "{a}"
    );
    assert!(
        a["certainty"]["boundary_distance_m"].as_f64().unwrap() < 1.0,
        "{a}"
    );

    // Far inside a wijkteam (more than 150 m from its every edge), the same ±100 m is certain.
    let edges = team_edges(&m.fc);
    let (code, x, y) = crate::municipality::buurten(&m.fc)
        .into_iter()
        .find(|(_, x, y)| {
            edges
                .iter()
                .all(|e| distance(Coord { x: *x, y: *y }, e) > 150.0)
        })
        .expect("a buurt point far from every wijkteam edge");
    let (status, a) = get(&s.base, &stated(Coord { x, y }, 100)).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["lwa"]["id"], team_of(&code).0, "{a}");
    assert_eq!(a["certainty"]["level"], "certain", "{a}");

    // The woonplaats is answered as the part it is; the municipality's name stays the whole.
    let (status, a) = get(&s.base, "/v1/lookup?q=Hoensbroek").await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["wijk"]["code"], "WK999905", "{a}");
    assert_eq!(a["lwa"]["id"], "wt-noord", "{a}");
    let (status, a) = get(&s.base, "/v1/lookup?q=Testdorp").await;
    assert_eq!(status, 300, "{a}");
    let text = a.to_string();
    assert!(
        text.contains("is the whole municipality") && text.contains("its 3 areas"),
        "{text}"
    );
}

/// A table that cannot be the municipality's areas is refused before anything is written,
/// with the file and each line at fault.
#[test]
fn a_bad_area_table_is_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let m = made(dir.path());
    let all = codes(&m.fc);
    let left_out = all[5].clone();
    let first = all[0].clone();
    let table = dir.path().join("gebieden.csv");
    std::fs::write(
        &table,
        area_table(&m.fc, |rows| {
            rows.remove(5);
            // Lines 45, 46 and 47, after the header and the 43 rows left.
            rows.push("BU99999999;Nergens;wt-west;Wijkteam West".into());
            rows.push(format!("{first};Buurt 00;wt-oost;Wijkteam Oost-Leënhof"));
            rows.push(format!("{};Buurt;wt-noord;", all[7]));
        }),
    )
    .unwrap();
    let out = dir.path().join("refused");
    let (code, said) = import(&m, &out, &["--areas", table.to_str().unwrap()]);
    assert_eq!(code, 1, "{said}");
    for words in [
        format!("{}: the area table was refused", table.display()),
        "line 45: buurtcode BU99999999 is not a buurt of GM9999 in the CBS file".into(),
        format!(
            "line 46: buurt {first} is listed again, in area 'wt-oost'; line 2 puts it in 'wt-west'"
        ),
        "line 47: area 'wt-noord' has no name".into(),
        format!(
            "1 buurt(en) of GM9999 are in no area: {left_out} (Testbuurt {})",
            &left_out[6..]
        ),
    ] {
        assert!(said.contains(&words), "{words}: {said}");
    }
    assert!(!out.exists(), "nothing written");

    // A table without a column for the area is refused at its header.
    std::fs::write(&table, "buurtcode;naam\nBU99990000;West\n").unwrap();
    let (code, said) = import(&m, &out, &["--areas", table.to_str().unwrap()]);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("line 1: the header 'buurtcode;naam' has no column for the area id (name it gebied, area or id)"),
        "{said}"
    );
}
