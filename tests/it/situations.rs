//! The meldkaart: who handles a situation at a place, and how to report it.

use wijkwijzer::crs::{Wgs84, transformer};
use wijkwijzer::roster::{Audience, Role};

use crate::places::resolver;

fn report_values(h: &wijkwijzer::situations::Handling) -> Vec<&str> {
    h.situation
        .report
        .iter()
        .map(|r| r.value.as_str())
        .collect()
}

fn at(lat: f64, lon: f64, situation: &str) -> wijkwijzer::resolve::Answer {
    let p = transformer().wgs84_to_rd(Wgs84 { lat, lon });
    // A weekday morning: routes by time give the office-hours route (see `routes.rs`).
    let monday_morning: jiff::Timestamp = "2026-12-07T10:00:00+01:00".parse().unwrap();
    resolver()
        .today()
        .at(monday_morning)
        .resolve_situation(p, Some(situation), Audience::Public)
        .unwrap()
}

#[test]
fn geluidsoverlast_at_the_vrijthof_names_this_areas_thor_and_wijkagent() {
    let a = at(50.8489, 5.6879, "geluidsoverlast");
    let h = a.situation.unwrap();
    assert_eq!(h.situation.name, "Geluidsoverlast");
    let names: Vec<&str> = h.handlers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Senior wijkgebonden medewerker THOR, LWA-gebied Centrum / Zuid-West",
            "Boa THOR, thema milieu",
            "Wijkagent voor Binnenstad"
        ]
    );
    assert_eq!(report_values(&h), ["14 043", "0900-8844"]);
}

#[test]
fn drugshandel_in_brusselsepoort_goes_to_the_police_of_noord_west() {
    let a = at(50.8504616, 5.6650032, "drugshandel");
    let h = a.situation.unwrap();
    assert!(h.handlers.iter().all(|c| c.organisation == "politie"));
    assert!(
        h.handlers
            .iter()
            .any(|c| c.name == "Wijkagent voor Brusselsepoort")
    );
    assert!(
        h.handlers
            .iter()
            .any(|c| c.role == Role::Coordinator && c.name.contains("Noord-West"))
    );
    assert_eq!(report_values(&h), ["0900-8844", "0800-7000"]);
}

#[test]
fn every_situation_has_handlers_inside_the_city_and_a_channel_everywhere() {
    let data = resolver().data();
    assert!(data.situations.situations.len() >= 10);
    for s in &data.situations.situations {
        for (lat, lon) in [
            (50.8489, 5.6879),
            (50.8327, 5.7127),
            (50.8660, 5.7150),
            (50.8575, 5.6560),
        ] {
            let h = at(lat, lon, &s.id).situation.unwrap();
            assert!(!h.handlers.is_empty(), "{} at {lat},{lon} has nobody", s.id);
        }
        // Outside the city nobody local handles it, but the way to report it stays.
        let outside = at(50.8466, 4.3528, &s.id).situation.unwrap();
        assert!(outside.handlers.is_empty());
        assert!(!outside.situation.report.is_empty(), "{}", s.id);
    }
    let spoed = data.situations.get("spoed").unwrap();
    assert_eq!(data.situations.describe(spoed).report[0].value, "112");
}

#[test]
fn unknown_situations_are_named() {
    let p = transformer().wgs84_to_rd(Wgs84 {
        lat: 50.85,
        lon: 5.69,
    });
    let e = resolver()
        .today()
        .resolve_situation(p, Some("lawaai"), Audience::Public)
        .unwrap_err();
    assert!(
        e.to_string().contains("unknown situation 'lawaai'")
            && e.to_string().contains("geluidsoverlast"),
        "{e}"
    );
}
