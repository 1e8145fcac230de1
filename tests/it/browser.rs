//! The page in a real browser: headless Chromium driven over WebDriver (chromedriver), against
//! the real server. Types a DMS coordinate with a situation, a Google Maps link and an
//! address-like query, clicks the map, checks the result card, and saves screenshots under
//! `target/browser/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them and sets
//! `WIJKWIJZER_REQUIRE_BROWSER=1`, which turns a missing browser into a failure). Elsewhere,
//! without a browser, the test says so on stderr and returns.

mod driver;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use driver::Browser;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, Locator};
use serde_json::json;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

fn find(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    std::env::var_os(env)
        .map(PathBuf::from)
        .into_iter()
        .chain(candidates.iter().map(PathBuf::from))
        .find(|p| p.exists())
}

/// chromedriver and Chromium, if installed; a failure if `WIJKWIJZER_REQUIRE_BROWSER` is set
/// and they are not.
fn installed() -> Option<(PathBuf, PathBuf)> {
    let required = std::env::var_os("WIJKWIJZER_REQUIRE_BROWSER").is_some();
    let (Some(chromedriver), Some(chromium)) = (
        find("CHROMEDRIVER", &["/usr/bin/chromedriver"]),
        find(
            "CHROMIUM",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        ),
    ) else {
        assert!(
            !required,
            "WIJKWIJZER_REQUIRE_BROWSER is set but chromium/chromedriver are missing"
        );
        eprintln!(
            "browser test: chromium and chromedriver not installed; install Debian's chromium and chromium-driver to run it"
        );
        return None;
    };
    Some((chromedriver, chromium))
}

async fn wait_for_text(client: &Client, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = match client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "'{needle}' never appeared in {css}; it says: {text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn screenshot(client: &Client, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    std::fs::write(dir.join(name), png).unwrap();
}

async fn search(client: &Client, text: &str) {
    let q = client.find(Locator::Id("q")).await.unwrap();
    q.clear().await.unwrap();
    q.send_keys(text).await.unwrap();
    client
        .find(Locator::Css("#search button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_in_a_real_browser() {
    let Some((chromedriver, chromium)) = installed() else {
        return;
    };

    // The shipped data plus one internal channel and a name, and a key for the control room.
    let data = tempfile::tempdir().unwrap();
    let src = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata");
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), data.path().join(e.file_name())).unwrap();
    }
    let roster = std::fs::read_to_string(data.path().join("roster.toml"))
        .unwrap()
        .replacen(
            "function = \"Senior wijkgebonden medewerker THOR, LWA-gebied Centrum / Zuid-West\"",
            &format!("function = \"Senior wijkgebonden medewerker THOR, LWA-gebied Centrum / Zuid-West\"\nperson = \"{PERSON}\"\nchannels = [{{ kind = \"phone\", value = \"{DIRECT_LINE}\", visibility = \"internal\" }}]"),
            1,
        );
    // Issue 27, 3: an overlay (the Stationsplein of the test fixture) with a boa of its own.
    let roster = format!(
        "{roster}\n[[assignment]]\norganisation = \"thor\"\nrole = \"boa\"\nscope = [\"stationsplein\"]\nfunction = \"Boa THOR, stationsgebied\"\n"
    );
    std::fs::write(
        data.path().join("overlays.geojson"),
        include_str!("../fixtures/overlays.geojson"),
    )
    .unwrap();
    std::fs::write(data.path().join("roster.toml"), roster).unwrap();
    let (key, entry) = wijkwijzer::auth::generate("meldkamer", false).unwrap();
    let source = wijkwijzer::http::DataSource::Dir(data.path().to_path_buf());
    let state = Arc::new(AppState::with_config(
        source.clone(),
        Resolver::new(source.load().unwrap()),
        wijkwijzer::http::ServeConfig {
            keys: wijkwijzer::auth::ApiKeys::parse(&entry).unwrap(),
            ..wijkwijzer::http::ServeConfig::default()
        },
    ));
    let base = crate::spawn_server(state).await;
    let source_resolver = Resolver::new(source.load().unwrap());

    let mut browser = Browser::start(&chromedriver);
    let client = browser.connect(&chromium).await;

    // The page and the API carry the security headers, and the page works under its CSP.
    let res = reqwest::get(format!("{base}/")).await.unwrap();
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'self'")
            && csp.contains("style-src 'self'")
            && !csp.contains("unsafe"),
        "{csp}"
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    let res = reqwest::get(format!("{base}/v1/lookup?lat=50.85&lon=5.69"))
        .await
        .unwrap();
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    client.goto(&format!("{base}/")).await.unwrap();
    client
        .wait()
        .for_element(Locator::Css("body[data-ready=true]"))
        .await
        .unwrap();
    // GIS users find the OGC API from the page, and it answers there.
    let ogc = client.find(Locator::Id("ogc")).await.unwrap();
    let href = ogc.prop("href").await.unwrap().unwrap();
    assert_eq!(href, format!("{base}/ogc"));
    let landing: serde_json::Value = reqwest::get(&href).await.unwrap().json().await.unwrap();
    assert!(
        landing["links"].to_string().contains("/ogc/collections"),
        "{landing}"
    );
    client
        .execute(
            "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
            vec![],
        )
        .await
        .unwrap();
    let swatch = client
        .execute(
            "return getComputedStyle(document.querySelector('#legend li span')).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_ne!(
        swatch,
        json!("rgba(0, 0, 0, 0)"),
        "legend colours survive the CSP"
    );
    // The map draws the 4 LWA areas and the 44 buurten from the server, no CDN.
    let n_lwa = client
        .execute(
            "return document.querySelectorAll('#lwa path').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(n_lwa, json!(4));
    let n_buurt = client
        .execute(
            "return document.querySelectorAll('#buurt path').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(n_buurt, json!(44));
    let labelled = client
        .find(Locator::Css("label[for=q]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(labelled, "Plaats");

    // A dispatcher pastes DMS and picks a situation.
    client
        .find(Locator::Id("situation"))
        .await
        .unwrap()
        .select_by_value("geluidsoverlast")
        .await
        .unwrap();
    search(&client, "50°51'05\"N 5°41'28\"E").await;
    let card = wait_for_text(&client, "#result", "Centrum / Zuid-West").await;
    for needle in [
        "Binnenstad",
        "Senior wijkgebonden medewerker THOR, LWA-gebied Centrum / Zuid-West",
        "Coördinator politie",
        "Situatie: Geluidsoverlast",
        "Wie handelt dit hier af",
        // The route by time that holds now, and until when.
        "Nu ",
        ", tot ",
        "14 043",
        "0900-8844",
        // The service's own texts in the page's language.
        "graden, minuten, seconden",
        "In Centrum / Zuid-West (",
    ] {
        assert!(
            card.contains(needle),
            "result card lacks '{needle}':\n{card}"
        );
    }
    let url = client.current_url().await.unwrap();
    assert!(
        url.query()
            .unwrap_or("")
            .contains("situation=geluidsoverlast"),
        "{url}"
    );
    assert!(url.query().unwrap_or("").contains("q="), "{url}");
    let marker = client
        .execute(
            "return document.querySelectorAll('#marker-dot').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(marker, json!(1));
    screenshot(&client, "dms-geluidsoverlast.png").await;
    // A dispatcher's screen, 1366 × 900: the people to call are in view without scrolling.
    client.set_window_size(1366, 900).await.unwrap();
    let in_view = client
        .execute(
            "const who = document.querySelector('#result .who');
             return who !== null && who.getBoundingClientRect().bottom <= window.innerHeight;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        in_view,
        json!(true),
        "the first person to call is below the fold"
    );
    screenshot(&client, "dispatcher-1366x900.png").await;
    // On a phone the area labels keep a legible size.
    client.set_window_size(390, 844).await.unwrap();
    client
        .find(Locator::Id("zoom-reset"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let label_px = client
        .execute(
            "return document.querySelector('#labels text').getBoundingClientRect().height",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        label_px.as_f64().unwrap() >= 12.0,
        "area labels are {label_px} px high on a phone"
    );
    screenshot(&client, "phone-labels.png").await;
    client.set_window_size(1280, 900).await.unwrap();

    // The shared URL reproduces the answer.
    let violations = client
        .execute("return window.cspViolations", vec![])
        .await
        .unwrap();
    assert_eq!(violations, json!([]), "the page broke its own CSP");
    client.goto(url.as_str()).await.unwrap();
    wait_for_text(&client, "#result", "Situatie: Geluidsoverlast").await;

    // A Google Maps link: station Maastricht, in Wyck.
    search(&client, "https://www.google.com/maps/place/Station/@50.8497,5.7053,17z/data=!3m1!4b1!8m2!3d50.8497!4d5.7053").await;
    wait_for_text(&client, "#result", "Wyck").await;

    // Whole minutes (±930 m) straddle two LWA areas: the card says it is uncertain, gives the
    // people of both areas, and the map draws the disc.
    search(&client, "50°51'N 5°41'E").await;
    let card = wait_for_text(&client, "#result", "Zekerheid: onzeker").await;
    for needle in [
        "Bel bij twijfel elk gebied",
        "Centrum / Zuid-West (",
        "Noord-West (",
        "LWA-gebied Noord-West",
    ] {
        assert!(
            card.contains(needle),
            "result card lacks '{needle}':\n{card}"
        );
    }
    let disc = client
        .execute(
            "return document.querySelectorAll('#marker-disc').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(disc, json!(1));
    screenshot(&client, "uncertain-whole-minutes.png").await;

    // A refusal reads in Dutch too, whatever the browser's own language, and clears the
    // previous answer from the map.
    search(&client, "Nergensstraat 12").await;
    let card = wait_for_text(&client, "#result", "Adres niet gevonden").await;
    assert!(card.contains("geen straat 'Nergensstraat'"), "{card}");
    assert!(!card.contains("no street"), "{card}");
    let left = client
        .execute(
            "return document.querySelectorAll('#lwa path.selected, #buurt path.selected, #marker circle').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        left,
        json!(0),
        "a failed search left the previous answer on the map"
    );

    // An address: the card names the matched address and its area.
    search(&client, "Brusselsepoort 45").await;
    let card = wait_for_text(
        &client,
        "#result",
        "Adres: Brusselsepoort 45, 6216CG Maastricht",
    )
    .await;
    assert!(card.contains("LWA-gebied Noord-West"), "{card}");
    // Why a person is named there, on request (issue 27, 4).
    client
        .find(Locator::Css("#result details.why summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let why = client
        .find(Locator::Css("#result details.why[open] p"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        why.contains("toegewezen aan Noord-West (lwa-noord-west), waarin deze plaats ligt"),
        "{why}"
    );
    // A typo says it is not exact; an ambiguous address offers its candidates to click.
    search(&client, "Brusselsepoot 45").await;
    let card = wait_for_text(&client, "#result", "geen exacte match").await;
    assert!(card.contains("straatnaam verbeterd"), "{card}");
    // Namesakes in two areas: each candidate with its area, numbered on the map.
    search(&client, "Bonnefantenmuseum").await;
    let card = wait_for_text(&client, "#result", "Bedoelt u").await;
    for needle in [
        "in Zuid-Oost",
        "in Centrum / Zuid-West",
        "ingang parkeergarage",
        "Zekerheid: onzeker",
    ] {
        assert!(
            card.contains(needle),
            "result card lacks '{needle}':\n{card}"
        );
    }
    let marks = client
        .execute(
            "return document.querySelectorAll('#marker circle.candidate').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(marks, json!(2));
    screenshot(&client, "namesakes.png").await;

    // The city's own name is every area: a choice of the four, each a click away.
    search(&client, "Maastricht").await;
    let card = wait_for_text(&client, "#result", "is de hele gemeente").await;
    assert!(
        card.contains("(LWA-gebied, gebied) — in Noord-Oost"),
        "{card}"
    );
    client
        .find(fantoccini::Locator::Css("#result .candidates button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, "#result", "LWA-gebied Centrum / Zuid-West").await;

    // The map zoomed to that answer; a click on the map at MUMC+ (after showing the whole
    // city again) looks it up: Randwyck, Zuid-Oost.
    let width = client
        .execute("return state.view.w < state.home.w", vec![])
        .await
        .unwrap();
    assert_eq!(width, json!(true), "the map did not zoom to the answer");
    client
        .find(Locator::Id("zoom-reset"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The card emptied first (what it says afterwards is then the click's answer, not the
    // previous one), as the layout may move with it.
    client
        .execute(
            "document.getElementById('result').replaceChildren();
             window.pointerUps = [];
             document.getElementById('map').addEventListener('pointerup',
               (e) => window.pointerUps.push([e.clientX, e.clientY]));",
            vec![],
        )
        .await
        .unwrap();
    // Where the click lands is WebDriver's to say, not the test's: the pointer goes to the
    // element's in-view centre (the middle of the part inside the viewport, floored to whole
    // pixels) plus the offsets, floored too. The offsets are whole pixels from that centre
    // towards MUMC+; the page says which point lies under the pixel they reach.
    let aim = client
        .execute(
            "const svg = document.getElementById('map');
             const screen = (lon, lat) => {
               const [x, y] = project(lon, lat);
               const p = svg.createSVGPoint(); p.x = x; p.y = y;
               return p.matrixTransform(svg.getScreenCTM());
             };
             const at = (sx, sy) => {
               const p = svg.createSVGPoint(); p.x = sx; p.y = sy;
               const m = p.matrixTransform(svg.getScreenCTM().inverse());
               return unproject(m.x, m.y);
             };
             let s = screen(arguments[0], arguments[1]);
             if (s.y < 0 || s.y >= window.innerHeight) {
               window.scrollBy(0, s.y - window.innerHeight / 2);
               s = screen(arguments[0], arguments[1]);
             }
             const r = svg.getBoundingClientRect();
             const cx = Math.floor((Math.max(0, r.left) + Math.min(window.innerWidth, r.right)) / 2);
             const cy = Math.floor((Math.max(0, r.top) + Math.min(window.innerHeight, r.bottom)) / 2);
             const dx = Math.round(s.x - cx), dy = Math.round(s.y - cy);
             const [lon, lat] = at(cx + dx, cy + dy);
             const [lon1, lat1] = at(cx + dx + 1, cy + dy + 1);
             return {dx, dy, target: [cx + dx, cy + dy], lon, lat,
                     pixel: [Math.abs(lon1 - lon), Math.abs(lat1 - lat)]};",
            vec![json!(MUMC.1), json!(MUMC.0)],
        )
        .await
        .unwrap();
    let num = |v: &serde_json::Value| v.as_f64().unwrap_or_else(|| panic!("{aim}"));
    let (lat, lon) = (num(&aim["lat"]), num(&aim["lon"]));
    let pixel = (num(&aim["pixel"][0]), num(&aim["pixel"][1]));
    // Rounding the offsets moves the target by half a pixel at most, each way.
    assert!(
        (lat - MUMC.0).abs() <= pixel.1 && (lon - MUMC.1).abs() <= pixel.0,
        "the pixel aimed at is not MUMC+'s: {aim}"
    );
    let svg = client.find(Locator::Id("map")).await.unwrap();
    let click = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: svg,
            duration: None,
            x: num(&aim["dx"]),
            y: num(&aim["dy"]),
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client.perform_actions(click).await.unwrap();
    // The server's own answer for that point is what the card must say.
    let coverage = reqwest::get(format!("{base}/v1/config"))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["coverage_layer"]
        .clone();
    let answer: serde_json::Value = reqwest::get(format!("{base}/v1/lookup?lat={lat}&lon={lon}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let area = answer["areas"]
        .as_array()
        .and_then(|areas| areas.iter().find(|a| a["layer"] == coverage))
        .and_then(|a| a["name"].as_str())
        .unwrap_or_else(|| panic!("no {coverage} area in {answer}"));
    let buurt = format!(
        "{} ({})",
        answer["buurt"]["name"].as_str().unwrap(),
        answer["buurt"]["code"].as_str().unwrap()
    );
    assert_eq!(
        (area, answer["buurt"]["name"].as_str()),
        ("Zuid-Oost", Some("Randwyck")),
        "MUMC+ is in Randwyck, Zuid-Oost: {answer}"
    );
    let card = wait_for_text(&client, "#result", &buurt).await;
    let heading = client
        .find(Locator::Css("#result h2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        heading.ends_with(area),
        "the card is headed {heading}, the server says {area}:\n{card}"
    );
    let q = client
        .find(Locator::Id("q"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    let ups = client
        .execute("return window.pointerUps", vec![])
        .await
        .unwrap();
    let shown: Vec<f64> = q.split(',').filter_map(|n| n.trim().parse().ok()).collect();
    // Six decimals shown: 5e-7 of rounding. A pixel is some 2e-4 degrees here.
    assert!(
        shown.len() == 2 && (shown[0] - lat).abs() <= 1e-6 && (shown[1] - lon).abs() <= 1e-6,
        "the search box shows {q}, not the point under the clicked pixel {lat:.6}, {lon:.6} ({aim}; the page saw pointerup at {ups})"
    );
    screenshot(&client, "map-click.png").await;

    // Keyboard: focus the map, Enter looks up its centre.
    client
        .find(Locator::Id("zoom-reset"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Id("map"))
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    wait_for_text(&client, "#result", "LWA-gebied").await;

    // On a phone the page fits the width and shows the card above the map.
    client.set_window_size(390, 844).await.unwrap();
    search(&client, "50.8514, 5.6910").await;
    wait_for_text(&client, "#result", "Binnenstad").await;
    let fits = client
        .execute("return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1", vec![])
        .await
        .unwrap();
    assert_eq!(
        fits,
        json!(true),
        "horizontal scrolling on a phone-sized window"
    );
    screenshot(&client, "phone.png").await;

    // The control room: without a key the public page, with one the internal line and the
    // name, marked "intern"; dropping the key brings the public page back.
    client.set_window_size(1280, 900).await.unwrap();
    client.goto(&format!("{base}/")).await.unwrap();
    client
        .wait()
        .for_element(Locator::Css("body[data-ready=true]"))
        .await
        .unwrap();
    client
        .execute(
            "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
            vec![],
        )
        .await
        .unwrap();
    search(&client, "50.8489, 5.6879").await;
    let public = wait_for_text(&client, "#result", "Centrum").await;
    assert!(
        !public.contains(DIRECT_LINE) && !public.contains(PERSON),
        "{public}"
    );
    let badge_hidden = client
        .execute("return document.getElementById('intern').hidden", vec![])
        .await
        .unwrap();
    assert_eq!(badge_hidden, json!(true));
    client
        .find(Locator::Css("#more summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let field = client.find(Locator::Id("key")).await.unwrap();
    field.send_keys("ww_wrong").await.unwrap();
    client
        .find(Locator::Id("key-use"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&client, "#key-error", "niet aanvaard").await;
    field.clear().await.unwrap();
    field.send_keys(&key).await.unwrap();
    client
        .find(Locator::Id("key-use"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let internal = wait_for_text(&client, "#result", DIRECT_LINE).await;
    assert!(internal.contains(PERSON), "{internal}");
    wait_for_text(&client, "#intern", "intern").await;
    screenshot(&client, "control-room.png").await;
    let stored = client
        .execute(
            "return sessionStorage.getItem('wijkwijzer.key') !== null && localStorage.length === 0",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(stored, json!(true), "the key is kept in this tab only");

    // The date under "meer opties": the areas and the people of that day, on the map too. The
    // strip at RD 176448 320173 lay in Boschpoort (Noord-West) in the CBS buurten of 2019.
    let noord_west =
        "return document.querySelector('#lwa path[data-id=\"lwa-noord-west\"]').getAttribute('d')";
    let today_path = client.execute(noord_west, vec![]).await.unwrap();
    let set_day = |day: &'static str| {
        format!(
            "const f = document.getElementById('as-of'); f.value = '{day}'; f.dispatchEvent(new Event('change'));"
        )
    };
    client
        .execute(&set_day("2020-06-01"), vec![])
        .await
        .unwrap();
    search(&client, "176448 320173").await;
    let then = wait_for_text(&client, "#result", "Peildatum").await;
    assert!(
        then.contains("Noord-West") && then.contains("2020-06-01") && then.contains("Boschpoort"),
        "{then}"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.execute(noord_west, vec![]).await.unwrap() == today_path {
        assert!(Instant::now() < deadline, "the map kept today's areas");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("as_of=2020-06-01"),
        "the link to this answer keeps the day"
    );
    client.execute(&set_day(""), vec![]).await.unwrap();
    let now = wait_for_text(&client, "#result", "Noord-Oost").await;
    assert!(
        now.contains("Borgharen") && !now.contains("Peildatum"),
        "{now}"
    );
    client
        .find(Locator::Id("key-drop"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = client
            .find(Locator::Id("result"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if !text.contains(DIRECT_LINE) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the internal line stayed after dropping the key"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let badge_hidden = client
        .execute("return document.getElementById('intern').hidden", vec![])
        .await
        .unwrap();
    assert_eq!(badge_hidden, json!(true));

    let violations = client
        .execute("return window.cspViolations || 'page reloaded'", vec![])
        .await
        .unwrap();
    assert_eq!(violations, json!([]), "the page broke its own CSP");

    // Issue 27, 3: the map outlines the overlays of the day; on the Stationsplein the card
    // names the overlay, its boa first.
    client
        .find(Locator::Css("#overlays path[data-id=stationsplein]"))
        .await
        .expect("the Stationsplein is outlined on the map");
    search(&client, "50.8492, 5.7048").await;
    wait_for_text(&client, "#result h3.overlay", "Stationsplein").await;
    let first = client
        .execute(
            "return document.querySelector('#result h3.overlay').nextElementSibling.textContent",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        first
            .as_str()
            .unwrap()
            .starts_with("Boa THOR, stationsgebied"),
        "{first}"
    );
    // Elsewhere the card has no overlay.
    search(&client, "50.8514, 5.6910").await;
    wait_for_text(&client, "#result", "Binnenstad").await;
    assert!(
        client
            .find(Locator::Css("#result h3.overlay"))
            .await
            .is_err()
    );

    // Issue 27, 1: the page links the printable overview; Chromium prints it to A4 PDF, and
    // the PDF says what the sheet says (public: no names, the browser sends no key).
    let sheet_link = client.find(Locator::Id("sheet")).await.unwrap();
    let href = sheet_link.prop("href").await.unwrap().unwrap();
    assert_eq!(href, format!("{base}/sheet"));
    client.goto(&href).await.unwrap();
    client
        .wait()
        .for_element(Locator::Css("section.area svg"))
        .await
        .unwrap();
    let pdf = client
        .print(
            fantoccini::wd::PrintConfiguration::builder()
                .size(fantoccini::wd::PrintSize::A4)
                .background(true)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    std::fs::create_dir_all("target/browser").unwrap();
    std::fs::write("target/browser/sheet.pdf", &pdf).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    let printed: String = pages.concat().split_whitespace().collect();
    let sheet = wijkwijzer::sheet::Sheet::build(
        source_resolver.today(),
        wijkwijzer::roster::Audience::Public,
        wijkwijzer::text::Lang::Nl,
        None,
    )
    .unwrap();
    // The overview and one page (at least) per area.
    assert!(pages.len() > sheet.areas.len(), "{} pages", pages.len());
    for line in sheet.lines() {
        let line: String = line.split_whitespace().collect();
        assert!(
            printed.contains(&line),
            "missing from the printed page: {line}"
        );
    }
    assert!(!printed.contains(&PERSON.split_whitespace().collect::<String>()));
    // Its style sheet was allowed and applied: an area a printed page of its own.
    let breaks = client
        .execute(
            "return getComputedStyle(document.querySelector('section.overview')).breakAfter",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(breaks, json!("page"));

    // Issue 25, 7-8: a page on another origin (`localhost` is not `127.0.0.1`) uploads a CSV
    // with fetch, its media type and language set, and reads the answer and its summary.
    let other = other_origin_page(&base).await;
    client.goto(&other).await.unwrap();
    let said = wait_for_text(&client, "#out", "summary:").await;
    assert!(said.contains("status 200"), "{said}");
    assert!(said.contains("\"rows\":2"), "{said}");
    assert!(said.contains("Centrum / Zuid-West"), "{said}");
    assert!(!said.contains("summary: null"), "{said}");

    client.close().await.unwrap();
    let left = browser.stop();
    assert!(left.is_empty(), "left running: {left:?}");
}

/// A browser test that fails half-way leaves no chromedriver, Chromium or helper of Chromium
/// running: four failed runs used to leave four browsers behind.
#[test]
fn a_failed_browser_test_leaves_no_browser_running() {
    let Some((chromedriver, chromium)) = installed() else {
        return;
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let run = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let browser = Browser::start(&chromedriver);
            let client = browser.connect(&chromium).await;
            client.goto("about:blank").await.unwrap();
            tx.send((browser.pgid(), browser.home(), browser.processes()))
                .unwrap();
            panic!("a browser test failing on purpose, its browser open");
        })
    })
    .join();
    assert!(run.is_err(), "the test did not fail");
    let (pgid, home, before) = rx.recv().expect("the browser did not start");
    // The check below sees a browser that runs.
    assert!(
        before.iter().any(|p| p.contains("chromedriver"))
            && before.iter().any(|p| p.contains("--user-data-dir")),
        "{before:?}"
    );
    let left = driver::running(pgid, &home);
    assert!(
        left.is_empty(),
        "left running after a failed test: {left:?}"
    );
    assert!(!home.exists(), "the browser's profile is left behind");
}

/// Serves, on another port and under the name `localhost`, a page whose script posts a CSV to
/// `base`'s `/v1/classify` and writes the status, the answer and the summary header into `#out`.
async fn other_origin_page(base: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let page = format!(
        r#"<!doctype html><meta charset="utf-8"><title>elders</title><pre id="out">…</pre>
<script>
fetch("{base}/v1/classify", {{method: "POST",
  headers: {{"Content-Type": "text/csv", "Accept-Language": "nl", "X-Request-Id": "elders-1"}},
  body: "nr;x;y\r\n1;176395;317996\r\n2;177500;318500\r\n"}})
 .then(async r => {{
   const text = await r.text();
   document.getElementById("out").textContent =
     "status " + r.status + "\n" + text + "\nsummary: " + r.headers.get("X-Classify-Summary");
 }})
 .catch(e => {{ document.getElementById("out").textContent = "failed: " + e; }});
</script>"#
    );
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut sock, _)) = listener.accept().await {
            let page = page.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    page.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(page.as_bytes()).await;
            });
        }
    });
    format!("http://localhost:{port}/")
}

/// MUMC+, latitude and longitude: a click on the map there looks up Randwyck, Zuid-Oost.
const MUMC: (f64, f64) = (50.8327, 5.7127);
const DIRECT_LINE: &str = "043-111 22 33 (direct)";
const PERSON: &str = "Test Persoon B";
