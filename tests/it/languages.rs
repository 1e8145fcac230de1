//! Texts in Dutch on request (`Accept-Language`), English by default: problems from every
//! layer and endpoint, answers, and the message column of a classification.

use std::sync::Arc;

use serde_json::Value;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

async fn start() -> String {
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    crate::spawn_server(state).await
}

struct Reply {
    status: u16,
    content_language: Option<String>,
    vary: String,
    body: Value,
}

async fn get(base: &str, path: &str, accept_language: Option<&str>) -> Reply {
    let mut req = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(l) = accept_language {
        req = req.header("accept-language", l);
    }
    let res = req.send().await.unwrap();
    let header = |name: &str| {
        res.headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let content_language = Some(header("content-language")).filter(|h| !h.is_empty());
    let vary = header("vary").to_ascii_lowercase();
    Reply {
        status: res.status().as_u16(),
        content_language,
        vary,
        body: res.json().await.unwrap(),
    }
}

/// Words that in a sentence mark English; none is a Dutch word.
const ENGLISH: &[&str] = &[
    " the ", " not ", " must ", " give ", " does ", " with ", " and ", " or ", " has ", " no ",
    " which ", " only ", " from ",
];

fn english_words(text: &str) -> Vec<&'static str> {
    let padded = format!(" {} ", text.to_lowercase());
    ENGLISH
        .iter()
        .copied()
        .filter(|w| padded.contains(w))
        .collect()
}

/// Refusals from every kind of door: the query reader, the address search, the date, the
/// parameters, unknown routes and areas, OGC, plus codes, suggestions. Each with a phrase of
/// its Dutch text.
const REFUSALS: &[(&str, u16, &str, &str)] = &[
    (
        "/v1/lookup?q=Nergensstraat%2012",
        404,
        "address-not-found",
        "geen straat 'Nergensstraat'",
    ),
    (
        "/v1/lookup?lat=5.69&lon=50.85",
        400,
        "swapped-coordinates",
        "lijkt verwisseld",
    ),
    (
        "/v1/lookup?q=50.85%2C5.69%2C7",
        400,
        "unreadable-coordinate",
        "3 getallen gevonden",
    ),
    (
        "/v1/lookup?lat=50.85&lon=5.69&as_of=gisteren",
        400,
        "bad-parameter",
        "is geen datum",
    ),
    (
        "/v1/lookup?lat=50.85&lon=5.69&as_of=1990-01-01",
        400,
        "date-not-covered",
        "ligt vóór de gegevens",
    ),
    (
        "/v1/lookup?lat=50.85&lng=5.69",
        400,
        "unknown-parameter",
        "bedoelt u 'lon'?",
    ),
    (
        "/v1/lookup?lat=50.85&lon=5.69&lat=50.86",
        400,
        "repeated-parameter",
        "meer dan eens opgegeven",
    ),
    (
        "/v1/lookup?q=Albert%20Heijn",
        300,
        "ambiguous-address",
        "is de naam van",
    ),
    (
        "/v1/lookup?q=RQ2Q%2BH5%20Amsterdam",
        400,
        "unreadable-coordinate",
        "alleen Maastricht valt binnen het gebied",
    ),
    (
        "/v1/lookup?x=176448&y=320173&crs=EPSG:9999",
        400,
        "unknown-crs",
        "onbekend coördinaatstelsel",
    ),
    (
        "/v1/addresses/suggest?q=Markt&limit=500",
        400,
        "bad-limit",
        "geheel getal",
    ),
    (
        "/v1/areas/lwa-nergens",
        404,
        "unknown-area",
        "geen gebied heeft id",
    ),
    ("/v1/nergens", 404, "not-found", "zie GET /v1"),
    (
        "/ogc/collections/lwa/items?bbox=1,2,3",
        400,
        "bad-parameter",
        "heeft 3 getallen",
    ),
    (
        "/ogc/collections/wijken-2030/items",
        404,
        "unknown-collection",
        "er is geen collectie",
    ),
];

#[tokio::test]
async fn every_refusal_is_in_dutch_on_request_and_english_by_default() {
    let base = start().await;
    for &(path, status, slug, dutch) in REFUSALS {
        let en = get(&base, path, None).await;
        let nl = get(&base, path, Some("nl-NL,nl;q=0.9,en;q=0.8")).await;
        for r in [&en, &nl] {
            assert_eq!(r.status, status, "{path}: {}", r.body);
            assert_eq!(
                r.body["type"],
                format!("urn:wijkwijzer:problem:{slug}"),
                "{path}"
            );
            assert!(r.vary.contains("accept-language"), "{path}: {}", r.vary);
        }
        assert_eq!(en.content_language.as_deref(), Some("en"), "{path}");
        assert_eq!(nl.content_language.as_deref(), Some("nl"), "{path}");
        let (en_detail, nl_detail) = (
            en.body["detail"].as_str().unwrap(),
            nl.body["detail"].as_str().unwrap(),
        );
        assert!(nl_detail.contains(dutch), "{path}: {nl_detail}");
        assert!(!en_detail.contains(dutch), "{path}: {en_detail}");
        assert_ne!(en.body["title"], nl.body["title"], "{path}");
        assert_eq!(
            english_words(nl_detail),
            Vec::<&str>::new(),
            "{path}: {nl_detail}"
        );
        assert_eq!(
            english_words(nl.body["title"].as_str().unwrap()),
            Vec::<&str>::new(),
            "{path}"
        );
        // Everything but the texts is the same answer.
        let keys = |b: &Value| b.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&en.body), keys(&nl.body), "{path}");
        for k in ["covered", "addresses"] {
            assert_eq!(en.body[k], nl.body[k], "{path}: {k}");
        }
        let places = |b: &Value| {
            b["candidates"].as_array().map(|c| {
                c.iter()
                    .map(|c| c["address"]["rd"].clone())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(places(&en.body), places(&nl.body), "{path}");
    }
}

#[tokio::test]
async fn the_language_is_the_highest_weighted_one_served() {
    let base = start().await;
    let path = "/v1/lookup?q=Nergensstraat%2012";
    for (header, dutch) in [
        (None, false),
        (Some("nl"), true),
        (Some("nl-BE"), true),
        (Some("de-DE, nl;q=0.5"), true),
        (Some("en-US,en;q=0.9,nl;q=0.8"), false),
        (Some("nl;q=0, en"), false),
        (Some("fr"), false),
        (Some("ongeldig;;q=x"), false),
    ] {
        let r = get(&base, path, header).await;
        assert_eq!(r.status, 404);
        let detail = r.body["detail"].as_str().unwrap();
        assert_eq!(
            detail.contains("geen straat"),
            dutch,
            "{header:?}: {detail}"
        );
        assert_eq!(
            r.content_language.as_deref(),
            Some(if dutch { "nl" } else { "en" }),
            "{header:?}"
        );
    }
}

#[tokio::test]
async fn an_answer_reads_in_dutch_too_with_the_same_areas() {
    let base = start().await;
    for path in [
        "/v1/lookup?q=50.8489%2C5.6879",
        "/v1/lookup?q=bij%20Brusselsepoort%2045",
        "/v1/lookup?q=50%C2%B051%27N%205%C2%B041%27E",
    ] {
        let en = get(&base, path, None).await;
        let nl = get(&base, path, Some("nl")).await;
        assert_eq!(en.status, 200, "{path}: {}", en.body);
        assert_eq!(nl.status, 200, "{path}");
        for k in ["lwa", "buurt", "wijk", "point", "position", "also_possible"] {
            assert_eq!(en.body[k], nl.body[k], "{path}: {k}");
        }
        // The same contacts; only why they are named is said in the caller's language.
        let without_words = |v: &serde_json::Value| {
            let mut v = v.clone();
            for c in v.as_array_mut().unwrap() {
                c["why"].as_object_mut().unwrap().remove("text");
            }
            v
        };
        assert_eq!(
            without_words(&en.body["contacts"]),
            without_words(&nl.body["contacts"]),
            "{path}"
        );
        assert_ne!(en.body["contacts"], nl.body["contacts"], "{path}");
        let (en_msg, nl_msg) = (
            en.body["message"].as_str().unwrap(),
            nl.body["message"].as_str().unwrap(),
        );
        let area = en.body["lwa"]["name"].as_str().unwrap();
        assert!(en_msg.starts_with(&format!("Inside {area}")), "{en_msg}");
        assert!(nl_msg.starts_with(&format!("In {area}")), "{nl_msg}");
        assert_eq!(english_words(nl_msg), Vec::<&str>::new(), "{nl_msg}");
        if let Some(u) = nl.body["understood"]["understood_as"].as_str() {
            assert!(u.contains("graden"), "{u}");
        }
        for note in nl.body["address"]["notes"].as_array().into_iter().flatten() {
            let note = note.as_str().unwrap();
            assert!(note.contains("gelezen als"), "{note}");
            assert_eq!(english_words(note), Vec::<&str>::new(), "{note}");
        }
    }
    // Whole minutes are coarse: the message names the other areas, in Dutch.
    let coarse = get(
        &base,
        "/v1/lookup?q=50%C2%B051%27N%205%C2%B041%27E",
        Some("nl"),
    )
    .await;
    if coarse.body["also_possible"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        let m = coarse.body["message"].as_str().unwrap();
        assert!(m.contains("kan ze ook in"), "{m}");
    }
}

#[tokio::test]
async fn a_classification_writes_its_messages_in_the_language_asked() {
    let base = start().await;
    // Rows are classified on the thread pool's threads, never the request's, even when few:
    // each must still write in the language asked. (Every row is a full search that finds
    // nothing, so few enough to stay well inside the request timeout of a debug build.)
    let mut csv = String::from("id,adres\n");
    for i in 0..400 {
        csv.push_str(&format!("{i},Nergensstraat {}\n", i + 1));
    }
    let post = |lang: Option<&'static str>| {
        let (base, csv) = (base.clone(), csv.clone());
        async move {
            let mut req = reqwest::Client::new()
                .post(format!("{base}/v1/classify?columns=status,message"))
                .header("content-type", "text/csv")
                .body(csv);
            if let Some(l) = lang {
                req = req.header("accept-language", l);
            }
            req.send().await.unwrap().text().await.unwrap()
        }
    };
    let en = post(None).await;
    let nl = post(Some("nl")).await;
    assert_eq!(en.lines().count(), 401, "{en}");
    assert_eq!(nl.lines().count(), 401, "{nl}");
    for (e, n) in en.lines().skip(1).zip(nl.lines().skip(1)) {
        assert!(e.contains("no street named"), "{e}");
        assert!(n.contains("geen straat"), "{n}");
        // The status column is a code, the same in both.
        assert_eq!(e.split(',').nth(2), n.split(',').nth(2));
    }
    // A file that cannot be classified is refused in Dutch as well.
    let refused = reqwest::Client::new()
        .post(format!("{base}/v1/classify"))
        .header("content-type", "text/csv")
        .header("accept-language", "nl")
        .body("naam,telefoon\nA,1\n")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("niet te zien welke kolommen"),
        "{body}"
    );
}

/// The command line has no request: it speaks English, whatever the environment.
#[test]
fn outside_a_request_the_texts_are_english() {
    let e = crate::parse("").unwrap_err();
    assert!(e.to_string().contains("the text is empty"), "{e}");
    let nl = wijkwijzer::text::sync_scope(wijkwijzer::text::Lang::Nl, || {
        crate::parse("").unwrap_err().to_string()
    });
    assert!(nl.contains("de tekst is leeg"), "{nl}");
}
