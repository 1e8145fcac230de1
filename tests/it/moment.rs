//! Issue 34, 4: one moment. An answer is for one day: `at` names the day (in Europe/Amsterdam)
//! as well as the time, so the roster and overlays are that day's; `as_of` alone gives that
//! day's report routes (at the current time of day), never today's; `as_of` and `at` naming
//! different days are refused. The same through HTTP and the CLI binary, on the overlay fixture
//! of `tests/fixtures/overlays.geojson` (the Vrijthof's festival terrain, July 2027 only).

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

use crate::cli::wijkwijzer;

const FIXTURE: &str = include_str!("../fixtures/overlays.geojson");
const EVENT_COORDINATOR: &str = "Coördinator evenementen politie, Vrijthof";
const FESTIVAL: &str = "vrijthof-zomerconcerten";
/// The Vrijthof's middle, inside the festival terrain.
const VRIJTHOF: &str = "lat=50.8487&lon=5.6879";
/// A day of the festival, and a moment on it as the issue wrote it (no seconds).
const DAY: &str = "2027-07-14";
const AT: &str = "2027-07-14T10:00+02:00";
/// A situation with report routes by office hours.
const ROUTED: &str = "geluidsoverlast";

/// The shipped data with the fixture's overlays and an assignment to the festival terrain.
fn data() -> tempfile::TempDir {
    let shipped = Geodata::embedded_files()
        .iter()
        .find(|(n, _)| *n == "roster.toml")
        .unwrap()
        .1;
    let roster = format!(
        "{shipped}\n[[assignment]]\norganisation = \"politie\"\nrole = \"coordinator\"\nscope = [\"{FESTIVAL}\"]\nfunction = \"{EVENT_COORDINATOR}\"\n"
    );
    let dir = tempfile::tempdir().unwrap();
    crate::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata"),
        dir.path(),
    );
    std::fs::write(dir.path().join("roster.toml"), roster).unwrap();
    std::fs::write(dir.path().join("overlays.geojson"), FIXTURE).unwrap();
    dir
}

/// Now, written as `at` takes it.
fn now() -> String {
    jiff::Timestamp::now()
        .to_zoned_datetime(wijkwijzer::hours::amsterdam())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn today() -> String {
    now()[..10].to_string()
}

fn has_festival(answer: &Value) -> bool {
    let overlays = answer["overlays"].as_array().cloned().unwrap_or_default();
    let listed = overlays.iter().any(|o| o["id"] == FESTIVAL);
    let named = answer["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == EVENT_COORDINATOR);
    assert_eq!(
        listed, named,
        "overlay and its people go together: {answer}"
    );
    listed
}

fn route_at(answer: &Value) -> String {
    answer["situation"]["route"]["at"]
        .as_str()
        .unwrap_or_else(|| panic!("no route: {answer}"))
        .to_string()
}

async fn get(base: &str, query: &str) -> (u16, Value) {
    // `+` of an offset would be read as a space.
    let url = format!("{base}/v1/lookup?{}", query.replace('+', "%2B"));
    let r = reqwest::get(&url).await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn http_answers_for_the_day_of_the_moment() {
    let dir = data();
    let state = Arc::new(AppState::new(Resolver::new(
        Geodata::load_dir(dir.path()).unwrap(),
    )));
    let base = crate::spawn_server(state).await;

    // `at` on a festival day: that day's overlay and its people, and the route of that moment.
    let (status, a) = get(&base, &format!("{VRIJTHOF}&at={AT}&situation={ROUTED}")).await;
    assert_eq!(status, 200, "{a}");
    assert!(has_festival(&a), "{a}");
    assert_eq!(a["data"]["as_of"], DAY);
    assert_eq!(route_at(&a), "2027-07-14T10:00:00+02:00");
    assert_eq!(a["contacts"][0]["name"], EVENT_COORDINATOR, "{a}");

    // `at` now: today's answer, without the festival.
    let (status, a) = get(&base, &format!("{VRIJTHOF}&at={}", now())).await;
    assert_eq!(status, 200, "{a}");
    assert!(!has_festival(&a), "{a}");
    assert_eq!(a["data"]["as_of"], today().as_str());

    // The day of a moment is its day in Amsterdam: 23:30 UTC on the 13th is the 14th there.
    let (status, a) = get(&base, &format!("{VRIJTHOF}&at=2027-07-13T23:30:00Z")).await;
    assert_eq!(status, 200, "{a}");
    assert!(has_festival(&a), "{a}");
    assert_eq!(a["data"]["as_of"], DAY);

    // `as_of` alone: the day's routes, not today's (the current time of day, on that day).
    let (status, a) = get(&base, &format!("{VRIJTHOF}&as_of={DAY}&situation={ROUTED}")).await;
    assert_eq!(status, 200, "{a}");
    assert!(has_festival(&a), "{a}");
    assert!(route_at(&a).starts_with(&format!("{DAY}T")), "{a}");

    // Both, naming one day: answered as `at` alone.
    let (status, a) = get(&base, &format!("{VRIJTHOF}&as_of={DAY}&at={AT}")).await;
    assert_eq!(status, 200, "{a}");
    assert!(has_festival(&a), "{a}");

    // Both, naming two days: refused, saying which.
    for query in [
        format!("{VRIJTHOF}&as_of=2027-07-13&at={AT}"),
        format!("{VRIJTHOF}&as_of={}&at={AT}", today()),
        format!("{VRIJTHOF}&at={AT}&as_of=2027-07-15&situation={ROUTED}"),
    ] {
        let (status, p) = get(&base, &query).await;
        assert_eq!(status, 400, "{query}: {p}");
        assert!(
            p["type"]
                .as_str()
                .unwrap()
                .ends_with("conflicting-parameters"),
            "{p}"
        );
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains(DAY) && detail.contains("as_of"), "{detail}");
    }
}

#[test]
fn cli_answers_for_the_day_of_the_moment() {
    let dir = data();
    let d = dir.path().to_str().unwrap();
    let lookup = |extra: &[&str]| -> (i32, Value, String) {
        let mut args = vec!["lookup", "--json", "--geodata", d];
        args.extend_from_slice(extra);
        args.push("50.8487,5.6879");
        let (code, out, err) = wijkwijzer(&args);
        (code, serde_json::from_str(&out).unwrap_or(Value::Null), err)
    };

    let (code, a, err) = lookup(&["--at", AT, "--situation", ROUTED]);
    assert_eq!(code, 0, "{err}");
    assert!(has_festival(&a), "{a}");
    assert_eq!(a["data"]["as_of"], DAY);
    assert_eq!(route_at(&a), "2027-07-14T10:00:00+02:00");

    let now = now();
    let (code, a, err) = lookup(&["--at", &now]);
    assert_eq!(code, 0, "{err}");
    assert!(!has_festival(&a), "{a}");
    assert_eq!(a["data"]["as_of"], today().as_str());

    let (code, a, err) = lookup(&["--as-of", DAY, "--situation", ROUTED]);
    assert_eq!(code, 0, "{err}");
    assert!(has_festival(&a), "{a}");
    assert!(route_at(&a).starts_with(&format!("{DAY}T")), "{a}");

    let (code, a, err) = lookup(&["--as-of", DAY, "--at", AT]);
    assert_eq!(code, 0, "{err}");
    assert!(has_festival(&a), "{a}");

    let (code, a, err) = lookup(&["--as-of", "2027-07-13", "--at", AT]);
    assert_eq!(code, 2, "{a}");
    assert_eq!(a, Value::Null, "no answer is printed");
    assert!(
        err.contains("--as-of/--at") && err.contains("2027-07-13") && err.contains(DAY),
        "{err}"
    );
}
