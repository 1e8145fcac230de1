//! Issue 27, 1: the printable overview. The CLI's PDF is read back with a PDF reader we did not
//! write (pdf-extract, lopdf): its pages, and every line the sheet has, in order of areas; the
//! HTML of `GET /sheet` says the same lines; names and internal channels only on the internal
//! version (`--internal`, an internal key).

use std::sync::Arc;

use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;
use wijkwijzer::roster::Audience;
use wijkwijzer::sheet::Sheet;
use wijkwijzer::text::Lang;

use crate::cli::wijkwijzer;

const PERSON: &str = "Test Persoon S";
const DIRECT_LINE: &str = "043-999 88 77";

/// Whitespace left out: a wrapped line reads as the line whether the reader joins its parts
/// with a space or without (pdf-extract does either).
fn flat(text: &str) -> String {
    text.split_whitespace().collect()
}

/// The shipped data with a name and an internal direct line for one THOR senior.
fn data_with_a_name() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    crate::copy_dir(&src, dir.path());
    let function = "function = \"Senior wijkgebonden medewerker THOR, LWA-gebied Noord-Oost\"";
    let roster = std::fs::read_to_string(dir.path().join("roster.toml"))
        .unwrap()
        .replacen(
            function,
            &format!("{function}\nperson = \"{PERSON}\"\nchannels = [{{ kind = \"phone\", value = \"{DIRECT_LINE}\", visibility = \"internal\" }}]"),
            1,
        );
    // An overlay with a boa of its own (the fixture's Stationsplein; its Vrijthof holds in
    // July 2027 only).
    let roster = format!(
        "{roster}\n[[assignment]]\norganisation = \"thor\"\nrole = \"boa\"\nscope = [\"stationsplein\"]\nfunction = \"{STATION_BOA}\"\n"
    );
    std::fs::write(
        dir.path().join("overlays.geojson"),
        include_str!("../fixtures/overlays.geojson"),
    )
    .unwrap();
    std::fs::write(dir.path().join("roster.toml"), roster).unwrap();
    dir
}

const STATION_BOA: &str = "Boa THOR, stationsgebied";

/// Writes the sheet with the CLI and reads it back: (text per page, page count by lopdf).
fn cli_pdf(args: &[&str]) -> (Vec<String>, usize) {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("gezichten.pdf");
    let mut all = vec!["sheet", "--out", file.to_str().unwrap()];
    all.extend_from_slice(args);
    let (code, _, err) = wijkwijzer(&all);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap();
    let count = lopdf::Document::load_mem(&bytes).unwrap().get_pages().len();
    (pages, count)
}

#[test]
fn the_pdf_reads_back_with_every_line_of_the_sheet() {
    let dir = data_with_a_name();
    let d = dir.path().to_str().unwrap();
    let data = Geodata::load_dir(dir.path()).unwrap();
    let resolver = Resolver::new(data);
    let on = resolver
        .as_of(Some(jiff::civil::date(2026, 12, 7)))
        .unwrap();
    let sheet = Sheet::build(on, Audience::Public, Lang::Nl, None).unwrap();

    let (pages, count) = cli_pdf(&["--geodata", d, "--as-of", "2026-12-07"]);
    assert_eq!(pages.len(), count);
    // An overview page, then at least a page per area, each area starting on a page of its own.
    assert!(count > sheet.areas.len(), "{count} pages");
    assert!(pages[0].contains("De gezichten in de wijk"), "{}", pages[0]);
    for a in &sheet.areas {
        assert!(
            pages[1..]
                .iter()
                .any(|p| flat(p).starts_with(&flat(&a.heading))),
            "no page starts with {}",
            a.heading
        );
    }
    // Every line the sheet has is in the PDF, and the page numbers say how many pages.
    let text = flat(&pages.join("\n"));
    for line in sheet.lines() {
        assert!(text.contains(&flat(&line)), "missing from the PDF: {line}");
    }
    assert!(text.contains(&flat(&format!("1 / {count}"))), "{text}");
    for needle in [
        "Senior wijkgebonden medewerker (handhaving)",
        "Coördinator politie",
        "Wijkagenten",
        "Politie met een taakaccent",
        "Boa's per thema",
        "Partners in het Gebiedsteam",
        "14 043",
        "0900-8844",
        "Borgharen",
    ] {
        assert!(text.contains(&flat(needle)), "{needle}");
    }
    // The overlay of the day is on its area's page with its boa; the other is not (yet).
    let station = pages
        .iter()
        .map(|p| flat(p))
        .find(|p| p.contains(&flat("Apart getekend: Stationsplein")))
        .expect("the Stationsplein overlay is on a page");
    assert!(station.contains(&flat(STATION_BOA)), "{station}");
    assert!(!text.contains(&flat("Vrijthof, terrein")));
    // The public sheet has no names and no internal channels.
    assert!(!text.contains(&flat(PERSON)) && !text.contains(&flat(DIRECT_LINE)));
    assert!(text.contains(&flat("Alleen openbare kanalen")));

    // --internal: the name and the direct line, and every page says it is internal.
    let (pages, _) = cli_pdf(&["--geodata", d, "--as-of", "2026-12-07", "--internal"]);
    let text = flat(&pages.join("\n"));
    assert!(text.contains(&flat(PERSON)), "{text}");
    assert!(
        text.contains(&flat(&format!("{DIRECT_LINE} [intern]"))),
        "{text}"
    );
    for (i, p) in pages.iter().enumerate() {
        assert!(
            p.contains("INTERN"),
            "page {} does not say it is internal",
            i + 1
        );
    }
}

#[test]
fn one_area_in_english() {
    let (pages, count) = cli_pdf(&["--area", "lwa-noord-oost", "--lang", "en"]);
    let text = flat(&pages.join("\n"));
    // No overview: the first page is the area's.
    assert!(
        pages[0].trim_start().starts_with("LWA-gebied Noord-Oost"),
        "{}",
        pages[0]
    );
    assert!(!text.contains(&flat("The faces in the neighbourhood")));
    assert!(!text.contains(&flat("Centrum / Zuid-West")), "{text}");
    for needle in [
        "Senior wijkgebonden medewerker (municipal enforcement)",
        "Police coordinator",
        "Gebiedsteam partners",
        "Public channels only",
        "Neighbourhoods (buurten): Wyckerpoort",
    ] {
        assert!(text.contains(&flat(needle)), "{needle}: {text}");
    }
    assert!(text.contains(&flat(&format!("1 / {count}"))));
}

#[test]
fn bad_requests_say_what_to_fix() {
    let (code, _, err) = wijkwijzer(&["sheet", "--out", "/dev/null", "--area", "lwa-nergens"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("no area 'lwa-nergens'") && err.contains("lwa-noord-oost"),
        "{err}"
    );
    let (code, _, err) = wijkwijzer(&["sheet", "--out", "/dev/null", "--as-of", "7-12-2026"]);
    assert_ne!(code, 0);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let (code, _, err) = wijkwijzer(&["sheet", "--out", "/dev/null", "--lang", "fr"]);
    assert_ne!(code, 0);
    assert!(err.contains("nl") && err.contains("en"), "{err}");
}

#[tokio::test]
async fn the_html_sheet_says_the_same_and_names_only_with_a_key() {
    let dir = data_with_a_name();
    let (key, entry) = wijkwijzer::auth::generate("meldkamer", false).unwrap();
    let source = wijkwijzer::http::DataSource::Dir(dir.path().to_path_buf());
    let resolver = Resolver::new(source.load().unwrap());
    let state = Arc::new(AppState::with_config(
        source.clone(),
        Resolver::new(source.load().unwrap()),
        wijkwijzer::http::ServeConfig {
            keys: wijkwijzer::auth::ApiKeys::parse(&entry).unwrap(),
            ..wijkwijzer::http::ServeConfig::default()
        },
    ));
    let base = crate::spawn_server(state).await;
    let client = reqwest::Client::new();
    let get = |url: String, key: Option<&str>| {
        let mut r = client.get(url);
        if let Some(k) = key {
            r = r.bearer_auth(k);
        }
        r.send()
    };

    let page = |html: &str| {
        // Tags out, entities back: the text a reader sees.
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => {
                    in_tag = true;
                    text.push(' ');
                }
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        flat(
            &text
                .replace("&#39;", "'")
                .replace("&amp;", "&")
                .replace("&quot;", "\""),
        )
    };
    for (key, audience) in [
        (None, Audience::Public),
        (Some(key.as_str()), Audience::Internal),
    ] {
        let r = get(format!("{base}/sheet?as_of=2026-12-07"), key)
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = r.text().await.unwrap();
        assert!(html.contains("href=\"/assets/sheet.css\""));
        let text = page(&html);
        let sheet = Sheet::build(
            resolver
                .as_of(Some(jiff::civil::date(2026, 12, 7)))
                .unwrap(),
            audience,
            Lang::Nl,
            None,
        )
        .unwrap();
        for line in sheet.lines() {
            assert!(text.contains(&flat(&line)), "missing from the page: {line}");
        }
        assert_eq!(text.contains(&flat(PERSON)), audience == Audience::Internal);
        assert_eq!(
            text.contains(&flat(DIRECT_LINE)),
            audience == Audience::Internal
        );
        // One map per area and the overview's.
        assert_eq!(html.matches("<svg").count(), sheet.areas.len() + 1);
    }
    let css = get(format!("{base}/assets/sheet.css"), None).await.unwrap();
    assert_eq!(css.status(), 200);
    assert!(css.text().await.unwrap().contains("size: A4"));

    // One area, in English.
    let html = get(format!("{base}/sheet/lwa-zuid-oost?lang=en"), None)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<h2>LWA-gebied Zuid-Oost</h2>"), "{html}");
    assert!(!html.contains("Noord-Oost"));
    assert!(html.contains("Police coordinator"));

    // Refusals are problems with what to fix.
    for (url, status, needle) in [
        ("/sheet/lwa-nergens", 404, "lwa-noord-oost"),
        ("/sheet?lang=fr", 400, "nl"),
        ("/sheet?as_of=7-12-2026", 400, "YYYY-MM-DD"),
        ("/sheet?colour=red", 400, "colour"),
    ] {
        let r = get(format!("{base}{url}"), None).await.unwrap();
        assert_eq!(r.status(), status, "{url}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{url}"
        );
        let body = r.text().await.unwrap();
        assert!(body.contains(needle), "{url}: {body}");
    }
}
