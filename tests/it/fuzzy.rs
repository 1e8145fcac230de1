//! A street name the address index does not hold, near one it does (issue 34): another street
//! is another place, so a near name is never given silently as the answer.

use std::sync::Arc;

use serde_json::Value;
use wijkwijzer::address::records::{ImportOptions, import_csv};
use wijkwijzer::address::{AddressIndex, AddressSourceInfo, Failure, MatchQuality, Query};
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

async fn get(base: &str, path: &str) -> (u16, Value) {
    let res = reqwest::get(format!("{base}{path}")).await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// Akerstraat is a real street in Noord-Oost that the shipped index lacks; Jekerstraat, in
/// Centrum / Zuid-West, is two letters from it.
#[test]
fn a_street_not_in_the_index_is_not_answered_as_a_near_one() {
    for q in ["Akerstraat 49", "Akerstraat"] {
        let (code, out, err) = crate::cli::wijkwijzer(&["lookup", q]);
        assert_eq!(code, 1, "{q}: {out}");
        assert!(!out.contains("certain"), "{q}: {out}");
        for needle in [
            "no street named 'Akerstraat'",
            "Jekerstraat (2 letters different)",
            "Jekerstraat in Centrum / Zuid-West",
        ] {
            assert!(err.contains(needle), "{q}: {needle}: {err}");
        }
    }
}

/// Two near names: both are offered, with how far apart they lie.
#[test]
fn two_near_names_are_both_offered_with_their_distance() {
    let (code, _, err) = crate::cli::wijkwijzer(&["lookup", "Hegsenstraat 2"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Heggenstraat") && err.contains("Heksenstraat"),
        "{err}"
    );
    assert!(err.contains("m apart"), "{err}");
}

#[tokio::test]
async fn over_http_a_near_name_is_a_404_with_candidates() {
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    let base = crate::spawn_server(state).await;
    for q in ["Akerstraat%2049", "Akerstraat"] {
        let (status, b) = get(&base, &format!("/v1/lookup?q={q}")).await;
        assert_eq!(status, 404, "{q}: {b}");
        let detail = b["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("Centrum / Zuid-West"), "{detail}");
        let candidates = b["candidates"].as_array().unwrap();
        assert!(
            candidates
                .iter()
                .any(|c| c["address"]["street"] == "Jekerstraat"),
            "{b}"
        );
    }
    // The street itself, exactly: certain, as before.
    let (status, b) = get(&base, "/v1/lookup?q=Jekerstraat%2049").await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["address"]["quality"], "exact");
    assert_eq!(b["certainty"]["level"], "certain");
    // A slip in a street word, one near name: answered, and said to be read as that name,
    // never as exact.
    let (status, b) = get(&base, "/v1/lookup?q=Brusselsepoot%2045").await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["address"]["quality"], "fuzzy_street");
    assert!(b["address"]["score"].as_f64().unwrap() < 1.0, "{b}");
    let notes = b["address"]["notes"].to_string();
    assert!(notes.contains("read as Brusselsepoort"), "{notes}");
}

fn index(csv: &str, complete: bool) -> AddressIndex {
    let outcome = import_csv(csv.as_bytes(), "test.csv", &ImportOptions::default()).unwrap();
    let info = AddressSourceInfo {
        name: "test".into(),
        licence: "-".into(),
        attribution: String::new(),
        complete,
        note: String::new(),
        date: None,
    };
    AddressIndex::build(outcome.records, info).unwrap().0
}

/// In the complete register a name it lacks is no street at all, so the one near name is what
/// was meant; in an incomplete index the same name may be a street it does not hold.
#[test]
fn a_complete_register_reads_the_one_near_name() {
    let csv = "straat;huisnummer;postcode;woonplaats;x;y\n\
               Jekerstraat;49;6211NS;Maastricht;175708;317578\n\
               Vrijthof;16;6211LE;Maastricht;176275;317674\n";
    let q = |t: &str| Query::Text(t.into());
    let complete = index(csv, true);
    let found = complete.find(&q("Akerstraat 49")).unwrap();
    assert_eq!(found.best.quality, MatchQuality::FuzzyStreet);
    assert!(
        found
            .notes
            .iter()
            .any(|n| n.contains("read as Jekerstraat")),
        "{:?}",
        found.notes
    );
    let partial = index(csv, false);
    let Err(Failure::NotFound { candidates, .. }) = partial.find(&q("Akerstraat 49")) else {
        panic!("Akerstraat answered from an incomplete index");
    };
    assert_eq!(candidates[0].address.street, "Jekerstraat");
    // A doubled letter in a name without a street word: a slip either way.
    for index in [&complete, &partial] {
        let found = index.find(&q("Vrijthoff 16")).unwrap();
        assert_eq!(found.best.address.street, "Vrijthof");
        assert_eq!(found.best.quality, MatchQuality::FuzzyStreet);
    }
}
