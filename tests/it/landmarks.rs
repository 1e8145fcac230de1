//! Named places: found by their name, their name with a typo, and their name with their street,
//! in every door. Expected places are read from `geodata/places.csv` (the OpenStreetMap export
//! the import wrote), not from the service's answers.

use proptest::prelude::*;
use serde_json::Value;
use wijkwijzer::address::landmarks::{Landmarks, place_key};
use wijkwijzer::address::{AddressIndex, Failure, Query};

/// The rows of `geodata/places.csv` as (name, kind, lat, lon, street).
fn rows() -> Vec<(String, String, f64, f64, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/places.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].to_string(),
                r[1].to_string(),
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
                r[4].to_string(),
            )
        })
        .collect()
}

/// Whether `text` is answered as an existing house within 150 m of the place: a name that is
/// itself an address ("Vrijthof 33") is answered as that address, as the README's rule says.
fn answered_as_its_address(text: &str, place: wijkwijzer::crs::Rd) -> bool {
    match AddressIndex::embedded().find(&Query::Text(text.to_string())) {
        Ok(found) => {
            let a = &found.best.address;
            found.best.place.is_none()
                && a.number > 0
                && (a.rd.x - place.x).hypot(a.rd.y - place.y) < 150.0
        }
        Err(_) => false,
    }
}

/// Every place name the text's answer mentions: the answer, its alternatives, or the
/// candidates of an ambiguous or not-found answer.
fn names_found(text: &str) -> Vec<String> {
    let index = AddressIndex::embedded();
    let candidates = match index.find(&Query::Text(text.to_string())) {
        Ok(found) => std::iter::once(found.best)
            .chain(found.alternatives)
            .collect::<Vec<_>>(),
        Err(Failure::Ambiguous { candidates, .. } | Failure::NotFound { candidates, .. }) => {
            candidates
        }
        Err(Failure::Unreadable(_)) => Vec::new(),
    };
    candidates
        .into_iter()
        .filter_map(|c| c.place.map(|p| p.name))
        .collect()
}

#[test]
fn the_places_file_is_the_openstreetmap_export_read_whole() {
    let rows = rows();
    let places = Landmarks::embedded();
    assert_eq!(places.len(), rows.len());
    assert!(places.len() > 1_200, "{}", places.len());
    assert!(rows.iter().all(|r| r.1 != "vacant" && r.1 != "atm"));
}

#[test]
fn every_place_is_found_by_its_exact_name() {
    let places = Landmarks::embedded();
    let mut missed = Vec::new();
    let mut searchable = 0;
    for l in places.iter() {
        if place_key(&l.place.name).len() < 2 {
            continue;
        }
        searchable += 1;
        let found = names_found(&l.place.name);
        // A name shared by many places lists ten of them; one of them must be this name.
        if !found
            .iter()
            .any(|n| place_key(n) == place_key(&l.place.name))
            && !answered_as_its_address(&l.place.name, l.rd)
        {
            missed.push(l.place.name.clone());
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {searchable} names not found: {missed:?}",
        missed.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// A name with one typing error (a letter changed, dropped or added) still finds the
    /// place, or lists it among the candidates when another name is as close.
    #[test]
    fn a_name_with_one_typo_finds_its_place(
        which in 0usize..1_300,
        at in 0usize..60,
        kind in 0u8..3,
        letter in proptest::char::range('a', 'z'),
    ) {
        let places = Landmarks::embedded();
        let l = places.iter().nth(which % places.len()).unwrap();
        let name: Vec<char> = l.place.name.chars().collect();
        let key = place_key(&l.place.name);
        prop_assume!(key.len() >= 3);
        let mut typo = name.clone();
        let at = at % name.len();
        match kind {
            0 if name[at].is_alphabetic() => typo[at] = letter,
            1 if name[at].is_alphabetic() => { typo.remove(at); }
            _ => typo.insert(at, letter),
        }
        let typo: String = typo.into_iter().collect();
        // Folding can make the typo another place's exact name, or the same key again.
        let typo_key = place_key(&typo);
        prop_assume!(typo_key.len() >= 3);
        prop_assume!(places.iter().all(|o| place_key(&o.place.name) != typo_key) || typo_key == key);
        let found = names_found(&typo);
        prop_assert!(
            found.iter().any(|n| place_key(n) == key) || answered_as_its_address(&typo, l.rd),
            "'{}' (from '{}') found {:?}", typo, l.place.name, found
        );
    }
}

async fn get(base: &str, path: &str) -> (u16, Value) {
    let res = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn places_as_dispatchers_name_them_in_every_door() {
    let rows = rows();
    let row = |name: &str, street: &str| {
        rows.iter()
            .find(|r| r.0 == name && (street.is_empty() || r.4 == street))
            .unwrap()
            .clone()
    };
    let state = std::sync::Arc::new(wijkwijzer::http::AppState::new(
        wijkwijzer::resolve::Resolver::new(wijkwijzer::geodata::Geodata::embedded().unwrap()),
    ));
    let base = crate::spawn_server(state).await;

    // "Bonnefantenmuseum" names two parking entrances (the museum itself is not in the data),
    // 150 m apart but in two LWA areas: by name, with "bij het" before it, and with a typo, the
    // answer is ambiguous between them, never one of them in silence.
    let entrances: Vec<_> = rows.iter().filter(|r| r.0 == "Bonnefantenmuseum").collect();
    assert_eq!(entrances.len(), 2);
    assert!(entrances.iter().all(|r| r.1 == "parking_entrance"));
    for text in [
        "Bonnefantenmuseum",
        "bij het Bonnefantenmuseum",
        "Bonefantenmuseum",
    ] {
        let (status, p) = get(&base, &format!("/v1/lookup?q={}", urlencode(text))).await;
        assert_eq!(status, 300, "{text}: {p}");
        let candidates = p["candidates"].as_array().unwrap();
        assert_eq!(candidates.len(), 2, "{text}: {p}");
        assert!(
            candidates
                .iter()
                .all(|c| c["place"]["kind"] == "parking_entrance"),
            "{p}"
        );
        let detail = p["detail"].as_str().unwrap();
        assert!(
            detail.contains("Zuid-Oost") && detail.contains("Centrum / Zuid-West"),
            "{text}: {detail}"
        );
    }

    // Among namesakes, the street picks one: the Albert Heijn on the Brusselsepoort is the XL.
    let xl = row("Albert Heijn XL", "Brusselsepoort");
    let (status, a) = get(&base, "/v1/lookup?q=Albert%20Heijn%20Brusselsepoort").await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["place"]["name"], "Albert Heijn XL");
    assert!((a["point"]["wgs84"]["lon"].as_f64().unwrap() - xl.3).abs() < 1e-6);
    // Without the street, the namesakes far apart are ambiguous, each a candidate.
    let namesakes = rows.iter().filter(|r| r.0 == "Albert Heijn").count();
    let (status, p) = get(&base, "/v1/lookup?q=Albert%20Heijn").await;
    assert_eq!(status, 300, "{p}");
    assert_eq!(p["candidates"].as_array().unwrap().len(), namesakes.min(10));
    assert!(
        p["detail"].as_str().unwrap().contains("add the street"),
        "{p}"
    );

    // An address that exists wins over a place of the same name, which is listed.
    let (_, a) = get(&base, "/v1/lookup?q=Brusselsepoort%2045").await;
    assert_eq!(a["address"]["quality"], "exact");
    assert!(a.get("place").is_none());

    // Suggestions name places with their kind.
    let (_, s) = get(&base, "/v1/addresses/suggest?q=bonnefanten").await;
    assert!(
        s["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "place"
                && x["label"]
                    .as_str()
                    .unwrap()
                    .starts_with("Bonnefantenmuseum")),
        "{s}"
    );

    // Batch: the same text in an address column.
    let body = crate::post_csv(
        &base,
        "/v1/classify?columns=lwa,quality,message",
        "id,adres\n1,Albert Heijn Brusselsepoort\n2,Bonnefantenmuseum\n".into(),
    )
    .await;
    let lines: Vec<&str> = body.lines().collect();
    assert!(
        lines[1].contains(",place,") && lines[1].contains("Albert Heijn XL"),
        "{body}"
    );
    // The same decision as lookup: namesakes in two areas are not placed.
    assert!(
        lines[2].starts_with("2,Bonnefantenmuseum,,,") && lines[2].contains("in different areas"),
        "{body}"
    );

    // CLI.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args(["lookup", "--json", "Albert Heijn Brusselsepoort"])
        .output()
        .unwrap();
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["place"]["name"], "Albert Heijn XL");
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).unwrap()[2..].to_string()
}

#[test]
fn the_import_reproduces_the_shipped_places_byte_for_byte() {
    let files: Vec<std::path::PathBuf> = ["amenity", "shop", "tourism"]
        .iter()
        .map(|f| crate::source_data(&format!("osm-poi-addresses-maastricht-2023/{f}.geojson")))
        .collect();
    let made = wijkwijzer::address::landmarks::from_osm(&files).unwrap();
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/places.csv"),
    )
    .unwrap();
    assert!(
        made == shipped,
        "geodata/places.csv differs from what the import writes"
    );
}

/// A municipality's own named places (`places-own.csv` in its geodata directory, the same
/// columns as `places.csv`) are searched beside OpenStreetMap's; a bad row refuses the
/// directory with the file, the line and the reason.
#[test]
fn a_municipalitys_own_places_are_searched_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in wijkwijzer::geodata::Geodata::embedded_files() {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    std::fs::write(
        dir.path().join("places-own.csv"),
        "name,kind,lat,lon,street,housenumber,postcode,source\nWijkcentrum Proefplaats,community_centre,50.8601,5.7012,,,,gemeente Maastricht\n",
    )
    .unwrap();
    let data = wijkwijzer::geodata::Geodata::load_dir(dir.path()).unwrap();
    let resolver = wijkwijzer::resolve::Resolver::new(data);
    let found = resolver
        .today()
        .find_address(&Query::Text("wijkcentrum proefplaats".into()))
        .unwrap();
    let place = found.best.place.unwrap();
    assert_eq!(
        (place.kind.as_str(), place.source.as_str()),
        ("community_centre", "gemeente Maastricht")
    );
    // The OpenStreetMap places are still there.
    assert!(
        resolver
            .today()
            .find_address(&Query::Text("Albert Heijn Brusselsepoort".into()))
            .is_ok()
    );

    std::fs::write(
        dir.path().join("places-own.csv"),
        "name,kind,lat,lon,street,housenumber,postcode,source\nWijkcentrum Proefplaats,community_centre,north,5.7012,,,,gemeente\n",
    )
    .unwrap();
    let e = wijkwijzer::geodata::Geodata::load_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("places-own.csv") && e.contains("line 2") && e.contains("lat"),
        "{e}"
    );
    // `check` says the same and exits 1.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("places-own.csv"));
}
