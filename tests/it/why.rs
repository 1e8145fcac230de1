//! Issue 27, 4: every contact in an answer says why it is named (`why`): the assignment's rule,
//! the place's area its scope names, its validity, and the same in the caller's language. Every
//! door carries it: a lookup (its contacts, a situation's handlers, the areas of an uncertain
//! answer), the CLI's JSON and text, and the areas' GeoJSON.

use std::sync::Arc;

use serde_json::Value;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

use crate::cli::wijkwijzer;

/// Checks every contact list in `v` (any depth) against the answer's areas `ids`; returns how
/// many contacts it saw.
fn check_contacts(v: &Value, ids: &[String], lang: &str) -> usize {
    let mut seen = 0;
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if matches!(k.as_str(), "contacts" | "handlers")
                    && let Value::Array(list) = x
                {
                    for c in list {
                        check_one(c, ids, lang);
                        seen += 1;
                    }
                } else {
                    seen += check_contacts(x, ids, lang);
                }
            }
        }
        Value::Array(a) => {
            seen += a
                .iter()
                .map(|x| check_contacts(x, ids, lang))
                .sum::<usize>()
        }
        _ => {}
    }
    seen
}

fn check_one(c: &Value, ids: &[String], lang: &str) {
    let why = &c["why"];
    let text = why["text"].as_str().unwrap_or_default();
    let words = match (why["rule"].as_str(), lang) {
        (Some("area"), "nl") => "waarin deze plaats ligt",
        (Some("area"), _) => "which this place lies in",
        (Some("city"), "nl") => "toegewezen aan heel Maastricht",
        (Some("city"), _) => "assigned to the whole of Maastricht",
        (Some("vacant"), "nl") => "niemand vervult deze rol",
        (Some("vacant"), _) => "nobody holds this role",
        other => panic!("no rule: {other:?} in {c}"),
    };
    assert!(text.contains(words), "{lang}: {c}");
    match why["rule"].as_str() {
        Some("city") => assert_eq!(c["scope"], "city", "{c}"),
        _ => {
            // The area named is one the place lies in, and one the assignment's scope lists.
            let area = why["area"]["id"].as_str().unwrap();
            assert!(ids.iter().any(|i| i == area), "{area} not in {ids:?}: {c}");
            let scope: Vec<&str> = c["scope"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            assert!(scope.contains(&area), "{c}");
            assert!(text.contains(why["area"]["name"].as_str().unwrap()), "{c}");
        }
    }
    if let Some(from) = why["valid_from"].as_str() {
        assert!(text.contains(from), "{c}");
    }
}

fn area_ids(answer: &Value) -> Vec<String> {
    let mut ids: Vec<String> = answer["areas"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|h| h["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    // An uncertain answer's other areas carry their own contacts.
    if let Some(areas) = answer["certainty"]["areas"].as_array() {
        ids.extend(areas.iter().map(|a| a["id"].as_str().unwrap().to_string()));
    }
    ids
}

#[tokio::test]
async fn every_contact_says_why_in_every_door() {
    // No rate limit: the grid below is some 300 requests from one client.
    let state = Arc::new(AppState::with_config(
        wijkwijzer::http::DataSource::Embedded,
        Resolver::new(Geodata::embedded().unwrap()),
        wijkwijzer::http::ServeConfig {
            rate_per_second: 0,
            ..wijkwijzer::http::ServeConfig::default()
        },
    ));
    let base = crate::spawn_server(state).await;
    let client = reqwest::Client::new();
    let mut seen = 0;
    // A grid over the city, with a situation, in both languages; some points lie near
    // boundaries (uncertain answers list each area's contacts).
    for i in 0..12 {
        for j in 0..12 {
            let (lat, lon) = (50.81 + f64::from(i) * 0.006, 5.64 + f64::from(j) * 0.009);
            for lang in ["en", "nl"] {
                let r = client
                    .get(format!(
                        "{base}/v1/lookup?lat={lat}&lon={lon}&situation=geluidsoverlast"
                    ))
                    .header("accept-language", lang)
                    .send()
                    .await
                    .unwrap();
                assert!(matches!(r.status().as_u16(), 200 | 404), "{r:?}");
                let body: Value = r.json().await.unwrap();
                if body["position"] == "outside" {
                    continue;
                }
                seen += check_contacts(&body, &area_ids(&body), lang);
            }
        }
    }
    assert!(seen > 2_000, "{seen}");

    // A 300 for the municipality's name: each area's contacts.
    let body: Value = client
        .get(format!("{base}/v1/lookup?q=Maastricht"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<String> = body["certainty"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert!(check_contacts(&body["certainty"], &ids, "en") > 10);

    // An area's GeoJSON: its contacts, for the area itself and those it lies in.
    let body: Value = client
        .get(format!("{base}/v1/areas/BU09350000"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids = vec![
        "BU09350000".to_string(),
        "WK093500".to_string(),
        "lwa-centrum-zuid-west".to_string(),
        "sd-centrum".to_string(),
    ];
    assert!(check_contacts(&body, &ids, "en") > 5, "{body}");

    // The CLI: in its JSON as in HTTP, and in words in its text.
    let (code, out, err) = wijkwijzer(&["lookup", "--json", "50.8489,5.6879"]);
    assert_eq!(code, 0, "{err}");
    let answer: Value = serde_json::from_str(&out).unwrap();
    assert!(check_contacts(&answer, &area_ids(&answer), "en") > 5);
    let (_, text, _) = wijkwijzer(&["lookup", "50.8489,5.6879"]);
    assert!(
        text.contains(
            "why: assigned to Centrum / Zuid-West (lwa-centrum-zuid-west), which this place lies in"
        ),
        "{text}"
    );
    assert!(
        text.contains("why: assigned to the whole of Maastricht"),
        "{text}"
    );
}

#[test]
fn a_vacant_role_says_since_when_and_an_ending_assignment_until_when() {
    use wijkwijzer::roster::{Audience, Roster, WhyRule};
    let r = Roster::parse(
        r#"
[meta]
source = "test"
note = "test"
[organisations.thor]
name = "THOR"
channels = [{ kind = "phone", value = "14 043", visibility = "public" }]
[[assignment]]
organisation = "thor"
role = "senior_wijkgebonden_medewerker"
scope = ["lwa-a"]
function = "Senior A"
valid_until = "2026-06-30"
"#,
    )
    .unwrap();
    let day = jiff::civil::date(2026, 3, 1);
    let c = r.contacts_for(&["lwa-a"], day, Audience::Public);
    assert_eq!(c[0].why.rule, WhyRule::Area);
    assert_eq!(c[0].why.valid_until, Some(jiff::civil::date(2026, 6, 30)));
    let later = jiff::civil::date(2026, 8, 1);
    let gaps = r.gaps("lwa-a", later);
    assert_eq!(gaps.len(), 1);
    let v = r.vacancy(&gaps[0], Audience::Public);
    assert_eq!(v.why.rule, WhyRule::Vacant);
    assert_eq!(v.why.valid_from, Some(jiff::civil::date(2026, 7, 1)));
}
