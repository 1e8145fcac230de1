//! Issue 27, 2: who handles it now. A situation's report routes by time (the shipped meldkaart:
//! geluidsoverlast goes to the municipality first in office hours and to the police first
//! outside them), chosen for `at=` in Europe/Amsterdam, with until when the route holds: on a
//! Saturday night and a Monday morning, across the end of daylight saving and on a public
//! holiday, the same through HTTP and the CLI.

use std::sync::Arc;

use serde_json::Value;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

use crate::cli::wijkwijzer;

/// (at, first channel, hours of the route that applies, valid until)
const CASES: [(&str, &str, Option<&str>, &str); 6] = [
    // Saturday 23:00: outside office hours, until Monday 08:30.
    (
        "2026-12-05T23:00:00+01:00",
        "0900-8844",
        None,
        "2026-12-07T08:30:00+01:00",
    ),
    // Monday 10:00: office hours, until 17:00.
    (
        "2026-12-07T10:00:00+01:00",
        "14 043",
        Some("ma-vr 08:30-17:00"),
        "2026-12-07T17:00:00+01:00",
    ),
    // The same Monday given in UTC: the moment counts, not how it is written.
    (
        "2026-12-07T09:00:00Z",
        "14 043",
        Some("ma-vr 08:30-17:00"),
        "2026-12-07T17:00:00+01:00",
    ),
    // Friday after hours in summer time; the route ends on Monday in winter time (daylight
    // saving ends on Sunday 25 October 2026).
    (
        "2026-10-23T17:30:00+02:00",
        "0900-8844",
        None,
        "2026-10-26T08:30:00+01:00",
    ),
    // Friday evening in winter time; daylight saving begins on Sunday 28 March 2027, which is
    // also Easter: Monday is Tweede Paasdag, so the route ends on Tuesday, in summer time.
    (
        "2027-03-26T18:00:00+01:00",
        "0900-8844",
        None,
        "2027-03-30T08:30:00+02:00",
    ),
    // Easter Monday 2026, 10:00: a public holiday, so outside office hours, until Tuesday.
    (
        "2026-04-06T10:00:00+02:00",
        "0900-8844",
        None,
        "2026-04-07T08:30:00+02:00",
    ),
];

fn check(at: &str, situation: &Value, first: &str, hours: Option<&str>, until: &str) {
    assert_eq!(situation["report"][0]["value"], first, "{at}: {situation}");
    let route = &situation["route"];
    assert_eq!(route["hours"].as_str(), hours, "{at}: {route}");
    assert_eq!(route["valid_until"], until, "{at}: {route}");
    let expected_at = at
        .parse::<jiff::Timestamp>()
        .unwrap()
        .to_zoned_datetime(wijkwijzer::hours::amsterdam())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    assert_eq!(route["at"], expected_at.as_str(), "{route}");
}

#[tokio::test]
async fn the_route_of_the_moment_in_every_door() {
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    let base = crate::spawn_server(state).await;
    let client = reqwest::Client::new();
    for (at, first, hours, until) in CASES {
        let r = client
            .get(format!(
                "{base}/v1/lookup?lat=50.8489&lon=5.6879&situation=geluidsoverlast&at={}",
                at.replace('+', "%2B")
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{at}");
        let answer: Value = r.json().await.unwrap();
        check(at, &answer["situation"], first, hours, until);

        let (code, out, err) = wijkwijzer(&[
            "lookup",
            "--json",
            "--situation",
            "geluidsoverlast",
            "--at",
            at,
            "50.8489,5.6879",
        ]);
        assert_eq!(code, 0, "{err}");
        let cli: Value = serde_json::from_str(&out).unwrap();
        check(at, &cli["situation"], first, hours, until);
        assert_eq!(cli["situation"], answer["situation"], "{at}");
    }

    // A situation without routes by time is as before, and names no route.
    let answer: Value = client
        .get(format!(
            "{base}/v1/lookup?lat=50.8489&lon=5.6879&situation=drugshandel&at=2026-12-05T23:00:00%2B01:00"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["situation"]["route"], Value::Null);
    assert_eq!(answer["situation"]["report"][0]["value"], "0900-8844");

    // A moment without an offset is refused with what to write.
    let r = client
        .get(format!(
            "{base}/v1/lookup?lat=50.8489&lon=5.6879&situation=geluidsoverlast&at=2026-12-05T23:00"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let problem: Value = r.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("RFC 3339"),
        "{problem}"
    );
}

#[test]
fn routes_with_bad_hours_or_channels_are_refused_by_check() {
    let shipped = Geodata::embedded_files()
        .iter()
        .find(|(n, _)| *n == "situations.toml")
        .unwrap()
        .1;
    let broken = shipped
        .replacen(
            "hours = \"ma-vr 08:30-17:00\"",
            "hours = \"ma-vr 17:00-08:30\"",
            1,
        )
        .replacen(
            "report = [\"politie-geen-spoed\", \"gemeente-14043\"]\nadvice = \"Buiten",
            "report = [\"politie-geen-spoed\", \"gemeente-1404\"]\nadvice = \"Buiten",
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
        e.contains("[[situation.route]] 1: hours '17:00-08:30': the end must come after the start"),
        "{e}"
    );
    assert!(
        e.contains("[[situation.route]] 2: report channel 'gemeente-1404'"),
        "{e}"
    );
}

/// The shipped data, with the coordinator of Centrum / Zuid-West on weekdays 08:30-17:00 and
/// an officer of duty outside those hours (and on public holidays).
fn data_with_hours() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata");
    crate::copy_dir(&src, dir.path());
    std::fs::write(dir.path().join("roster.toml"), crate::roster_with_hours()).unwrap();
    dir
}

#[tokio::test]
async fn assignments_with_hours_answer_in_them_in_every_door() {
    let dir = data_with_hours();
    let data = Geodata::load_dir(dir.path()).unwrap();
    assert!(data.roster.has_hours());
    let state = Arc::new(AppState::new(Resolver::new(data)));
    let base = crate::spawn_server(state).await;
    let client = reqwest::Client::new();
    let day_coordinator =
        "Coördinator politie (gebiedsgebonden leidinggevende), LWA-gebied Centrum / Zuid-West";
    let duty = "Officier van dienst politie, Centrum / Zuid-West";
    // Monday 10:00: the day coordinator; Saturday 23:00 and Easter Monday 10:00: the officer
    // of duty.
    for (at, who, words) in [
        (
            "2026-12-07T10:00:00+01:00",
            day_coordinator,
            "ma-vr 08:30-17:00 (not on public holidays)",
        ),
        (
            "2026-12-05T23:00:00+01:00",
            duty,
            "outside ma-vr 08:30-17:00 and on public holidays",
        ),
        (
            "2026-04-06T10:00:00+02:00",
            duty,
            "outside ma-vr 08:30-17:00 and on public holidays",
        ),
    ] {
        let answer: Value = client
            .get(format!(
                "{base}/v1/lookup?lat=50.8489&lon=5.6879&situation=spoed&at={}",
                at.replace('+', "%2B")
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let coordinators: Vec<&Value> = answer["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["role"] == "coordinator")
            .collect();
        assert_eq!(coordinators.len(), 1, "{at}: {coordinators:?}");
        assert_eq!(coordinators[0]["name"], who, "{at}");
        let why = coordinators[0]["why"]["text"].as_str().unwrap();
        assert!(why.contains(words), "{at}: {why}");
        // The situation's handlers are the contacts of that moment too.
        assert_eq!(answer["situation"]["handlers"][0]["name"], who, "{at}");

        // Batch: the role column of the same moment, by CLI and HTTP alike.
        let csv = "id;lat;lon\n1;50.8489;5.6879\n";
        let input = dir.path().join("in.csv");
        std::fs::write(&input, csv).unwrap();
        let (code, out, err) = wijkwijzer(&[
            "classify",
            "--geodata",
            dir.path().to_str().unwrap(),
            "--at",
            at,
            input.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let http = crate::post_csv(
            &base,
            &format!("/v1/classify?at={}", at.replace('+', "%2B")),
            csv.to_string(),
        )
        .await;
        assert_eq!(out, http, "{at}");
        let header: Vec<&str> = out.lines().next().unwrap().split(';').collect();
        let column = header
            .iter()
            .position(|h| *h == "police_coordinator")
            .unwrap();
        let row: Vec<&str> = out.lines().nth(1).unwrap().split(';').collect();
        assert!(row[column].starts_with(who), "{at}: {}", row[column]);
    }
    // A bad moment is refused before the file is read.
    let r = client
        .post(format!("{base}/v1/classify?at=tomorrow"))
        .header("content-type", "text/csv")
        .body("id;lat;lon\n1;50.8489;5.6879\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
