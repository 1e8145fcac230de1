//! Real places in Maastricht, through the one `resolve` path every interface uses.

use std::sync::OnceLock;

use wijkwijzer::crs::{Rd, Wgs84, transformer};
use wijkwijzer::geodata::Geodata;
use wijkwijzer::index::Position;
use wijkwijzer::resolve::{Answer, Resolver};
use wijkwijzer::roster::{Audience, Role};

pub fn resolver() -> &'static Resolver {
    static R: OnceLock<Resolver> = OnceLock::new();
    R.get_or_init(|| Resolver::new(Geodata::embedded().expect("embedded geodata validates")))
}

fn at(lat: f64, lon: f64) -> Answer {
    resolver().today().resolve(
        transformer().wgs84_to_rd(Wgs84 { lat, lon }),
        Audience::Public,
    )
}

fn names(a: &Answer) -> (String, String, String) {
    (
        a.lwa.as_ref().map(|x| x.name.clone()).unwrap_or_default(),
        a.wijk.as_ref().map(|x| x.code.clone()).unwrap_or_default(),
        a.buurt.as_ref().map(|x| x.name.clone()).unwrap_or_default(),
    )
}

#[test]
fn known_places_land_in_their_buurt_and_lwa_area() {
    // (place, lat, lon, LWA area, wijk code, buurt); coordinates from OpenStreetMap.
    let cases = [
        (
            "Vrijthof",
            50.8489,
            5.6879,
            "Centrum / Zuid-West",
            "WK093500",
            "Binnenstad",
        ),
        (
            "Markt",
            50.8513,
            5.6910,
            "Centrum / Zuid-West",
            "WK093500",
            "Binnenstad",
        ),
        (
            "Station Maastricht",
            50.8497,
            5.7053,
            "Centrum / Zuid-West",
            "WK093500",
            "Wyck",
        ),
        (
            "MUMC+",
            50.8327,
            5.7127,
            "Zuid-Oost",
            "WK093506",
            "Randwyck",
        ),
        (
            "Albert Heijn XL Brusselsepoort",
            50.8504616,
            5.6650032,
            "Noord-West",
            "WK093502",
            "Brusselsepoort",
        ),
    ];
    for (place, lat, lon, lwa, wijk, buurt) in cases {
        let a = at(lat, lon);
        assert_eq!(
            names(&a),
            (lwa.into(), wijk.into(), buurt.into()),
            "{place}"
        );
        assert_eq!(a.position, Position::Inside, "{place}");
        assert!(a.nearest.is_none(), "{place}");
    }
}

#[test]
fn vrijthof_names_the_thor_senior_and_the_police_coordinator() {
    let a = at(50.8489, 5.6879);
    let senior = a
        .contacts
        .iter()
        .find(|c| c.role == Role::SeniorWijkgebondenMedewerker)
        .unwrap();
    assert_eq!(senior.organisation, "thor");
    assert!(
        senior.name.contains("Centrum / Zuid-West"),
        "{}",
        senior.name
    );
    assert!(senior.channels.iter().any(|c| c.value == "14 043"));
    let coordinator = a
        .contacts
        .iter()
        .find(|c| c.role == Role::Coordinator)
        .unwrap();
    assert_eq!(coordinator.organisation, "politie");
    assert!(coordinator.channels.iter().any(|c| c.value == "0900-8844"));
    let wijkagent = a
        .contacts
        .iter()
        .find(|c| c.role == Role::Wijkagent)
        .unwrap();
    assert_eq!(wijkagent.name, "Wijkagent voor Binnenstad");
    // Contacts of other areas never leak in.
    assert!(a.contacts.iter().all(|c| !c.name.contains("Noord-Oost")));
    assert!(
        a.contacts
            .iter()
            .any(|c| c.role == Role::Boa && c.theme.as_deref() == Some("parkeren"))
    );
    assert!(
        a.data
            .version
            .starts_with(&format!("{}-", resolver().data().version)),
        "{}",
        a.data.version
    );
    assert!(a.data.generalized);
}

#[test]
fn brussels_is_outside_with_the_nearest_area_and_distance() {
    let a = at(50.8466, 4.3528);
    assert_eq!(a.position, Position::Outside);
    assert!(a.lwa.is_none() && a.wijk.is_none() && a.buurt.is_none());
    assert!(a.contacts.is_empty());
    let n = a.nearest.as_ref().expect("nearest area");
    assert_eq!(n.lwa.name, "Noord-West");
    // Brussels is about 90 km west of Maastricht's western edge.
    assert!(
        (85_000.0..95_000.0).contains(&n.distance_m),
        "{}",
        n.distance_m
    );
    assert!(a.message.contains("Outside"), "{}", a.message);
}

#[test]
fn just_outside_the_city_reports_a_short_distance() {
    let r = resolver();
    let lwa = r.data().layer("lwa").unwrap();
    // A point 50 m west of the westernmost vertex of the city.
    let west = lwa
        .areas
        .iter()
        .flat_map(|a| a.geometry.0.iter().flat_map(|p| p.exterior().0.iter()))
        .min_by(|a, b| a.x.total_cmp(&b.x))
        .unwrap();
    let a = r.today().resolve(
        Rd {
            x: west.x - 50.0,
            y: west.y,
        },
        Audience::Public,
    );
    assert_eq!(a.position, Position::Outside);
    let d = a.nearest.unwrap().distance_m;
    assert!(d > 0.0 && d <= 50.0, "{d}");
}

#[test]
fn boundary_points_are_consistent_across_layers() {
    // Every vertex of every buurt: the LWA and wijk in the answer are the buurt's parents.
    let r = resolver();
    let data = r.data();
    let buurten = data.layer("buurt").unwrap();
    let mut boundary = 0;
    for b in &buurten.areas {
        for c in b.geometry.0[0].exterior().0.iter() {
            let a = r.today().resolve(Rd { x: c.x, y: c.y }, Audience::Public);
            let buurt = a
                .buurt
                .as_ref()
                .expect("a vertex of a buurt is in some buurt");
            let parent = &data.area(&buurt.code).unwrap().parents;
            assert_eq!(Some(&a.lwa.as_ref().unwrap().id), parent.get("lwa"));
            assert_eq!(Some(&a.wijk.as_ref().unwrap().code), parent.get("wijk"));
            assert_eq!(a.position, Position::Boundary);
            boundary += 1;
        }
    }
    assert!(boundary > 200);
}

#[test]
fn the_2022_stadsdelen_are_a_fourth_layer() {
    let a = at(50.8489, 5.6879);
    let sd = a.areas.iter().find(|h| h.layer == "stadsdeel").unwrap();
    assert_eq!(sd.name, "Centrum");
    // Boschpoort: LWA Centrum / Zuid-West? No: Noord-West in the LWA scheme, Zuid in 2022.
    let data = resolver().data();
    let boschpoort = data.area("BU09350300").unwrap();
    assert_eq!(boschpoort.parents["stadsdeel"], "sd-zuid");
    assert_eq!(boschpoort.parents["lwa"], "lwa-noord-west");
}

/// The distance from a point to each LWA area of the shipped file, by our own computation.
fn lwa_distances(p: Rd) -> Vec<(String, f64)> {
    use geo::Distance;
    let point = geo::Point::new(p.x, p.y);
    crate::shipped_lwa_areas()
        .into_iter()
        .map(|(id, g)| (id, geo::Euclidean.distance(&g, &point)))
        .collect()
}

/// Slakweg 5 (in the shipped address file) lies a few metres outside the generalised
/// boundary: answered with the nearest area, position `near`, with its people.
#[tokio::test]
async fn a_place_just_outside_the_generalised_boundary_gets_the_nearest_area() {
    let slakweg = Rd {
        x: 178_829.783,
        y: 314_114.121,
    };
    let mut d = lwa_distances(slakweg);
    d.sort_by(|a, b| a.1.total_cmp(&b.1));
    assert!(
        d[0].1 > 0.0 && d[0].1 < wijkwijzer::resolve::NEAR_GENERALISED_M,
        "{d:?}"
    );
    let a = resolver().today().resolve(slakweg, Audience::Public);
    assert_eq!(a.position, Position::Near);
    assert_eq!(a.lwa.as_ref().unwrap().id, d[0].0);
    assert!(
        a.contacts
            .iter()
            .any(|c| c.role == Role::SeniorWijkgebondenMedewerker)
    );
    assert!(a.message.contains("Just outside"), "{}", a.message);
    assert_eq!(
        a.data.near_tolerance_m,
        wijkwijzer::resolve::NEAR_GENERALISED_M
    );

    assert!(a.nearest.as_ref().unwrap().distance_m < wijkwijzer::resolve::NEAR_GENERALISED_M);

    // Every door: HTTP (200), batch (position near), by the address text.
    let state = std::sync::Arc::new(wijkwijzer::http::AppState::new(Resolver::new(
        Geodata::embedded().unwrap(),
    )));
    let base = crate::spawn_server(state).await;
    let res = reqwest::get(format!("{base}/v1/lookup?q=Slakweg%205"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["position"], "near");
    let csv = crate::post_csv(
        &base,
        "/v1/classify?columns=lwa,position",
        "id,adres\n1,Slakweg 5\n".into(),
    )
    .await;
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .ends_with(&format!("{},near", d[0].0)),
        "{csv}"
    );
}
