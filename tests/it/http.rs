//! End to end over HTTP: the real router on a real socket (port 0), queried with reqwest.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

struct Server {
    base: String,
    client: reqwest::Client,
}

async fn start() -> Server {
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    Server {
        base: crate::spawn_server(state).await,
        client: reqwest::Client::new(),
    }
}

impl Server {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn json(&self, path: &str) -> (StatusCode, String, Value) {
        let res = self.get(path).await;
        let status = res.status();
        let ct = res.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        (status, ct, res.json().await.unwrap())
    }

    /// Asserts an RFC 9457 problem with a 4xx status and returns its detail.
    async fn problem(&self, path: &str, status: u16, kind: &str) -> String {
        let (s, ct, body) = self.json(path).await;
        assert_eq!(s.as_u16(), status, "{path}: {body}");
        assert_eq!(ct, "application/problem+json", "{path}");
        assert_eq!(body["status"], status, "{path}");
        assert_eq!(
            body["type"],
            format!("urn:wijkwijzer:problem:{kind}"),
            "{path}: {body}"
        );
        assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
        body["detail"].as_str().unwrap().to_string()
    }
}

#[tokio::test]
async fn vrijthof_by_wgs84_rd_and_web_mercator() {
    let s = start().await;
    let (status, ct, a) = s.json("/v1/lookup?lat=50.8489&lon=5.6879").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct, "application/json");
    assert_eq!(a["lwa"]["id"], "lwa-centrum-zuid-west");
    assert_eq!(a["lwa"]["name"], "Centrum / Zuid-West");
    assert_eq!(a["wijk"]["code"], "WK093500");
    assert_eq!(a["buurt"]["code"], "BU09350000");
    assert_eq!(a["buurt"]["name"], "Binnenstad");
    assert_eq!(a["position"], "inside");
    assert_eq!(a["point"]["wgs84"]["lat"], 50.8489);
    let x = a["point"]["rd"]["x"].as_f64().unwrap();
    assert!((x - 176_178.0).abs() < 1.0, "{x}");
    assert!(a["nearest"].is_null());
    let contacts = a["contacts"].as_array().unwrap();
    let role = |r: &str| contacts.iter().find(|c| c["role"] == r).cloned().unwrap();
    assert_eq!(
        role("senior_wijkgebonden_medewerker")["organisation"],
        "thor"
    );
    assert_eq!(role("coordinator")["organisation"], "politie");
    assert_eq!(role("wijkagent")["name"], "Wijkagent voor Binnenstad");
    assert!(
        contacts
            .iter()
            .any(|c| c["role"] == "task_focus" && c["theme"] == "verkeer")
    );
    // The areas' version (16 hex digits) and the address index's own (12).
    let version = a["data"]["version"].as_str().unwrap();
    assert_eq!(version.len(), 16 + 1 + 12, "{version}");
    assert_eq!(a["data"]["generalized"], true);
    assert_eq!(a["data"]["year"], 2024);

    let rd_x = a["point"]["rd"]["x"].as_f64().unwrap();
    let rd_y = a["point"]["rd"]["y"].as_f64().unwrap();
    let (status, _, b) = s
        .json(&format!("/v1/lookup?x={rd_x}&y={rd_y}&crs=EPSG:28992"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(b["buurt"], a["buurt"]);
    // Without crs, x/y are RD New.
    let (_, _, c) = s.json(&format!("/v1/lookup?x={rd_x}&y={rd_y}")).await;
    assert_eq!(c["buurt"], a["buurt"]);
    let (status, _, m) = s
        .json("/v1/lookup?x=633174.1&y=6594609.3&crs=EPSG:3857")
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["buurt"]["name"], "Binnenstad");
    let lat = m["point"]["wgs84"]["lat"].as_f64().unwrap();
    assert!((lat - 50.8489).abs() < 0.001, "{lat}");
}

#[tokio::test]
async fn free_text_q_in_any_notation() {
    let s = start().await;
    let q = |text: &str| format!("/v1/lookup?q={}", percent_encode(text));
    let (status, _, a) = s.json(&q("50°51'05\"N 5°41'28\"E")).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(a["lwa"]["name"], "Centrum / Zuid-West");
    assert_eq!(a["understood"]["notation"], "degrees_minutes_seconds");
    assert_eq!(a["understood"]["swapped"], false);
    let (_, _, a) = s.json(&q("5.6910 50.8514")).await;
    assert_eq!(a["understood"]["swapped"], true);
    assert_eq!(a["buurt"]["name"], "Binnenstad");
    let (_, _, a) = s
        .json(&q("https://www.openstreetmap.org/#map=18/50.8497/5.7053"))
        .await;
    assert_eq!(a["buurt"]["name"], "Wyck");
    let (status, _, a) = s.json(&q("Brusselsepoort 45")).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(a["address"]["quality"], "exact");
    let d = s.problem(&q("50 # 5"), 400, "unreadable-coordinate").await;
    assert!(d.contains("'#'"), "{d}");
    s.problem(
        "/v1/lookup?q=50.85,5.69&lat=50.85",
        400,
        "conflicting-parameters",
    )
    .await;
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn situations_list_and_lookup() {
    let s = start().await;
    let (status, _, list) = s.json("/v1/situations").await;
    assert_eq!(status, StatusCode::OK);
    let list = list["situations"].as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|s| s["id"].as_str().unwrap()).collect();
    for id in [
        "spoed",
        "geluidsoverlast",
        "overlast-jongeren",
        "drugshandel",
        "huiselijk-geweld",
        "foutparkeren",
        "afval-dumping",
        "verward-gedrag",
        "woninginbraak",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let hg = list.iter().find(|s| s["id"] == "huiselijk-geweld").unwrap();
    assert_eq!(hg["report"][1]["value"], "0800-2000");
    assert_eq!(hg["urgency"], "urgent");
    let (status, _, a) = s
        // A Tuesday morning: 14 043 is open, so it comes first (after hours the site does).
        .json("/v1/lookup?lat=50.8489&lon=5.6879&situation=foutparkeren&at=2026-12-08T10:00:00%2B01:00")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a["situation"]["id"], "foutparkeren");
    assert_eq!(
        a["situation"]["handlers"][0]["name"],
        "Boa THOR, thema parkeren"
    );
    assert_eq!(a["situation"]["report"][0]["value"], "14 043");
    let (_, _, b) = s.json("/v1/lookup?q=50.8489,5.6879&situation=spoed").await;
    assert_eq!(b["situation"]["report"][0]["value"], "112");
    let d = s
        .problem(
            "/v1/lookup?lat=50.85&lon=5.69&situation=lawaai",
            400,
            "unknown-situation",
        )
        .await;
    assert!(d.contains("geluidsoverlast"), "{d}");
}

#[tokio::test]
async fn openapi_describes_every_route_and_the_answer() {
    let s = start().await;
    let (status, _, doc) = s.json("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/v1/lookup",
        "/v1/situations",
        "/v1/areas",
        "/v1/areas/{id}",
        "/v1/layers",
        "/healthz",
        "/metrics",
        "/admin/reload",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not described");
    }
    let answer = &doc["components"]["schemas"]["Answer"];
    let required: Vec<&str> = answer["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for field in [
        "position", "point", "lwa", "wijk", "buurt", "contacts", "nearest", "data",
    ] {
        assert!(
            required.contains(&field),
            "Answer.{field} not required: {required:?}"
        );
    }
    let params: Vec<&str> = doc["paths"]["/v1/lookup"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        params,
        [
            "q",
            "lat",
            "lon",
            "x",
            "y",
            "crs",
            "situation",
            "address",
            "postcode",
            "huisnummer",
            "huisletter",
            "toevoeging",
            "fields",
            "as_of",
            "at"
        ]
    );
}

/// Issue 25, 9: every response has the `description` OpenAPI 3.1 requires, the headers the
/// service sends are declared, `servers` is given, and `GET /v1` lists every operation of the
/// document (it once left out `POST /v1/classify`).
#[tokio::test]
async fn the_openapi_document_is_complete_and_v1_lists_it() {
    let s = start().await;
    let (_, _, doc) = s.json("/openapi.json").await;
    assert_eq!(doc["servers"][0]["url"], "/");
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "delete", "head", "patch"].contains(&method.as_str()) {
                continue;
            }
            operations.push(format!("{} {path}", method.to_uppercase()));
            for (status, response) in op["responses"].as_object().unwrap() {
                let d = response["description"].as_str().unwrap_or_default();
                assert!(!d.is_empty(), "{method} {path} {status} has no description");
                if status == "429" || status == "503" {
                    assert!(
                        response["headers"]["Retry-After"].is_object(),
                        "{method} {path} {status}: Retry-After not declared"
                    );
                }
            }
        }
    }
    let classify = &doc["paths"]["/v1/classify"]["post"]["responses"]["200"]["headers"];
    assert!(classify["X-Classify-Summary"].is_object(), "{classify}");
    assert!(classify["X-Data-Version"].is_object(), "{classify}");
    assert!(doc["paths"]["/v1/areas"]["get"]["responses"]["200"]["headers"]["ETag"].is_object());
    let (_, _, v1) = s.json("/v1").await;
    let listed: Vec<&String> = v1["endpoints"].as_object().unwrap().keys().collect();
    for op in &operations {
        assert!(listed.contains(&op), "GET /v1 leaves out {op}: {listed:?}");
    }
    assert!(operations.contains(&"POST /v1/classify".to_string()));
    assert_eq!(listed.len(), operations.len());
}

/// Issue 25, 7-8: a browser on another origin may send what an upload needs and read the
/// summary header.
#[tokio::test]
async fn cross_origin_uploads_are_allowed_and_the_summary_is_readable() {
    let s = start().await;
    let preflight = s
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/v1/classify", s.base))
        .header("Origin", "https://kaart.example")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type,accept-language,if-none-match,authorization,x-request-id",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for h in [
        "content-type",
        "accept-language",
        "if-none-match",
        "authorization",
        "x-request-id",
    ] {
        assert!(allowed.contains(h), "{h} not allowed: {allowed}");
    }
    let res = s
        .client
        .post(format!("{}/v1/classify", s.base))
        .header("Origin", "https://kaart.example")
        .header("content-type", "text/csv")
        .body("x;y\n176395;317996\n")
        .send()
        .await
        .unwrap();
    let exposed = res.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for h in [
        "x-classify-summary",
        "x-data-version",
        "etag",
        "retry-after",
    ] {
        assert!(exposed.contains(h), "{h} not exposed: {exposed}");
    }
}

#[tokio::test]
async fn brussels_is_a_404_with_the_same_body_shape() {
    let s = start().await;
    let (status, ct, a) = s.json("/v1/lookup?lat=50.8466&lon=4.3528").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(ct, "application/json");
    assert_eq!(a["position"], "outside");
    assert!(a["lwa"].is_null() && a["wijk"].is_null() && a["buurt"].is_null());
    assert_eq!(a["contacts"], serde_json::json!([]));
    assert_eq!(a["nearest"]["lwa"]["id"], "lwa-noord-west");
    let d = a["nearest"]["distance_m"].as_f64().unwrap();
    assert!((85_000.0..95_000.0).contains(&d), "{d}");
    assert!(a["message"].as_str().unwrap().contains("Outside"));
    assert!(a["point"]["rd"]["x"].is_number() && a["data"]["version"].is_string());
}

#[tokio::test]
async fn bad_input_gets_a_problem_that_says_what_to_fix() {
    let s = start().await;
    let d = s.problem("/v1/lookup", 400, "missing-parameter").await;
    assert!(d.contains("lat=DD.dddd&lon=D.dddd"), "{d}");
    let d = s
        .problem("/v1/lookup?lat=50.85", 400, "missing-parameter")
        .await;
    assert!(d.contains("'lon'"), "{d}");
    let d = s
        .problem("/v1/lookup?lat=abc&lon=5.69", 400, "not-a-number")
        .await;
    assert!(d.contains("'lat'") && d.contains("abc"), "{d}");
    s.problem("/v1/lookup?lat=NaN&lon=5.69", 400, "not-finite")
        .await;
    s.problem("/v1/lookup?lat=50.85&lon=inf", 400, "not-finite")
        .await;
    s.problem("/v1/lookup?lat=1e999&lon=5.69", 400, "not-finite")
        .await;
    let d = s
        .problem("/v1/lookup?lat=95&lon=5.69", 400, "out-of-range")
        .await;
    assert!(d.contains("-90..90"), "{d}");
    s.problem("/v1/lookup?lat=50&lon=-190", 400, "out-of-range")
        .await;
    let d = s
        .problem(
            "/v1/lookup?lat=5.6910&lon=50.8514",
            400,
            "swapped-coordinates",
        )
        .await;
    assert!(d.contains("lat=50.8514&lon=5.691"), "{d}");
    let d = s
        .problem("/v1/lookup?lat=317996&lon=176395", 400, "rd-given-as-wgs84")
        .await;
    assert!(d.contains("x=176395&y=317996&crs=EPSG:28992"), "{d}");
    s.problem(
        "/v1/lookup?lat=6594994&lon=633176",
        400,
        "web-mercator-given-as-wgs84",
    )
    .await;
    let d = s
        .problem(
            "/v1/lookup?x=176395&y=317996&crs=EPSG:31370",
            400,
            "unknown-crs",
        )
        .await;
    assert!(d.contains("EPSG:28992"), "{d}");
    s.problem(
        "/v1/lookup?x=5.69&y=50.85",
        400,
        "degrees-given-as-projected",
    )
    .await;
    s.problem("/v1/lookup?x=176395&y=9999999", 400, "out-of-range")
        .await;
    s.problem(
        "/v1/lookup?lat=50.85&lon=5.69&x=1&y=2",
        400,
        "conflicting-parameters",
    )
    .await;
    let d = s
        .problem("/v1/lookup?lat=50.85&lng=5.69", 400, "unknown-parameter")
        .await;
    assert!(d.contains("did you mean 'lon'"), "{d}");
    s.problem(
        "/v1/lookup?lat=50.85&lat=50.86&lon=5.69",
        400,
        "repeated-parameter",
    )
    .await;
    s.problem("/v1/lookup?lat=%ZZ&lon=5.69", 400, "not-a-number")
        .await;
    s.problem("/v1/nothing-here", 404, "not-found").await;
    s.problem("/v1/areas?layer=gemeente", 400, "unknown-layer")
        .await;
    s.problem("/v1/areas/BU09359999", 404, "unknown-area").await;
    let res = s
        .client
        .post(format!("{}/v1/lookup", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    // Dutch decimal commas are understood in a single number.
    let (status, _, a) = s.json("/v1/lookup?lat=50,8489&lon=5,6879").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a["buurt"]["name"], "Binnenstad");
}

#[tokio::test]
async fn areas_are_rfc7946_geojson_with_contacts_cors_and_etag() {
    let s = start().await;
    let res = s
        .client
        .get(format!("{}/v1/areas?layer=lwa", s.base))
        .header("Origin", "https://kaart.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "application/geo+json");
    assert_eq!(h["access-control-allow-origin"], "*");
    let version = h["x-data-version"].to_str().unwrap().to_string();
    let etag = h["etag"].to_str().unwrap().to_string();
    assert!(etag.contains(&version), "{etag}");
    let fc: Value = res.json().await.unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), 4);
    let names: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Centrum / Zuid-West",
            "Noord-Oost",
            "Noord-West",
            "Zuid-Oost"
        ]
    );
    for f in features {
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
        // RFC 7946: WGS84 lon, lat; Maastricht lies around 5.6-5.8 E, 50.8-50.9 N.
        let first = &f["geometry"]["coordinates"][0][0][0];
        let (lon, lat) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
        assert!(
            (5.6..5.8).contains(&lon) && (50.7..50.95).contains(&lat),
            "{lon} {lat}"
        );
        let contacts = f["properties"]["contacts"].as_array().unwrap();
        assert!(
            contacts
                .iter()
                .any(|c| c["role"] == "senior_wijkgebonden_medewerker")
        );
        assert!(contacts.iter().any(|c| c["role"] == "coordinator"));
    }
    // Exterior rings are counter-clockwise (RFC 7946 section 3.1.6).
    let ring = features[0]["geometry"]["coordinates"][0][0]
        .as_array()
        .unwrap();
    let signed: f64 = ring
        .windows(2)
        .map(|w| {
            w[0][0].as_f64().unwrap() * w[1][1].as_f64().unwrap()
                - w[1][0].as_f64().unwrap() * w[0][1].as_f64().unwrap()
        })
        .sum();
    assert!(signed > 0.0, "exterior ring is clockwise");

    let res = s
        .client
        .get(format!("{}/v1/areas?layer=lwa", s.base))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    for (layer, n) in [("wijk", 7), ("buurt", 44), ("stadsdeel", 7)] {
        let (status, _, fc) = s.json(&format!("/v1/areas?layer={layer}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(fc["features"].as_array().unwrap().len(), n, "{layer}");
    }
    let (status, _, f) = s.json("/v1/areas/BU09350200").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["properties"]["name"], "Brusselsepoort");
    assert_eq!(f["properties"]["parents"]["lwa"], "lwa-noord-west");
    assert!(
        f["properties"]["source"]
            .as_str()
            .unwrap()
            .contains("afgeleid")
    );
    let contacts = f["properties"]["contacts"].as_array().unwrap();
    assert!(
        contacts
            .iter()
            .any(|c| c["name"] == "Wijkagent voor Brusselsepoort")
    );
}

#[tokio::test]
async fn health_layers_and_data_version_on_every_response() {
    let s = start().await;
    let (status, _, h) = s.json("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h["status"], "ok");
    let version = h["data_version"].as_str().unwrap().to_string();
    for path in [
        "/healthz",
        "/v1/layers",
        "/v1",
        "/",
        "/v1/lookup?lat=1",
        "/nope",
    ] {
        let res = s.get(path).await;
        assert_eq!(
            res.headers()["x-data-version"].to_str().unwrap(),
            version,
            "{path}"
        );
    }
    let (_, _, l) = s.json("/v1/layers").await;
    let ids: Vec<&str> = l["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["lwa", "wijk", "buurt", "stadsdeel"]);
}

/// `fields=` sizes an answer to its caller: only the members asked for, the same values as the
/// full answer; an unknown member is refused with the valid ones.
#[tokio::test]
async fn fields_trims_the_answer_to_what_is_asked() {
    let s = start().await;
    let (status, _, full) = s.json("/v1/lookup?lat=50.8489&lon=5.6879").await;
    assert_eq!(status, 200);
    let (status, _, lean) = s
        .json("/v1/lookup?lat=50.8489&lon=5.6879&fields=lwa,buurt")
        .await;
    assert_eq!(status, 200);
    let members: Vec<&String> = lean.as_object().unwrap().keys().collect();
    assert_eq!(members, ["buurt", "lwa"]);
    assert_eq!(lean["lwa"], full["lwa"]);
    assert_eq!(lean["buurt"], full["buurt"]);
    // Addresses and places outside take it too (404 keeps its status).
    let (status, _, outside) = s
        .json("/v1/lookup?lat=52.37&lon=4.89&fields=position,nearest")
        .await;
    assert_eq!(status, 404);
    assert_eq!(outside["position"], "outside");
    assert!(outside.get("data").is_none());
    // Only what is asked is computed (contacts, the certainty's distance and reasons, the
    // message): each member asked alone, or with another, is the full answer's, at places
    // inside, on and near boundaries, coarse, outside, an address, with a situation.
    let at = "&at=2026-12-08T10:00:00%2B01:00";
    for place in [
        "lat=50.8489&lon=5.6879",
        "lat=50.8551&lon=5.6962",
        "lat=50.8404&lon=5.7080",
        "q=50.85,5.69",
        "q=N50%C2%B051%27%20E5%C2%B041%27",
        "lat=50.7915&lon=5.7070",
        "lat=52.37&lon=4.89",
        "q=Brusselsepoort%2045",
        "lat=50.8489&lon=5.6879&situation=drugshandel",
    ] {
        let (_, _, full) = s.json(&format!("/v1/lookup?{place}{at}")).await;
        for fields in [
            "contacts",
            "certainty",
            "message",
            "situation",
            "also_possible",
            "lwa,certainty",
            "message,contacts",
            "position,nearest,areas,overlays",
        ] {
            let (_, _, lean) = s
                .json(&format!("/v1/lookup?{place}{at}&fields={fields}"))
                .await;
            for member in fields.split(',') {
                assert_eq!(
                    lean[member], full[member],
                    "{place} fields={fields}: {member}"
                );
            }
        }
    }
    let d = s
        .problem(
            "/v1/lookup?q=Brusselsepoort%2045&fields=lwa,buurtt",
            400,
            "bad-parameter",
        )
        .await;
    assert!(
        d.contains("no member 'buurtt'; did you mean 'buurt'?") && d.contains("contacts"),
        "{d}"
    );
}

/// Issue 24, 13: errors made below the handlers are problems too: a body over the limit (known
/// from its Content-Length, refused before any handler) and a path that is not UTF-8.
#[tokio::test]
async fn errors_below_the_handlers_are_problems() {
    let state = Arc::new(AppState::with_config(
        wijkwijzer::http::DataSource::Embedded,
        Resolver::new(Geodata::embedded().unwrap()),
        wijkwijzer::http::ServeConfig {
            max_classify_bytes: 1024,
            max_body_bytes: 1024,
            rate_per_second: 0,
            ..wijkwijzer::http::ServeConfig::default()
        },
    ));
    let base = crate::spawn_server(state).await;
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{base}/v1/classify"))
        .header("content-type", "text/csv")
        .body("x".repeat(4096))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["status"], 413, "{p}");
    let res = client
        .get(format!("{base}/v1/areas/%ff%fe"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["status"], 400, "{p}");
    assert!(!p["detail"].as_str().unwrap().is_empty(), "{p}");
}

/// Issue 24, 25 and 25, 10: a gzip-compressed upload is classified like the file itself; one
/// that unpacks beyond the upload limit is a 413 and a broken one a 400; another encoding is a
/// 415 that says what to send (never a 422 about "columns" made of compressed bytes).
#[tokio::test]
async fn compressed_uploads_are_read_or_refused_as_such() {
    use std::io::Write;
    let gzip = |bytes: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    };
    let state = Arc::new(AppState::with_config(
        wijkwijzer::http::DataSource::Embedded,
        Resolver::new(Geodata::embedded().unwrap()),
        wijkwijzer::http::ServeConfig {
            max_classify_bytes: 1 << 20,
            ..wijkwijzer::http::ServeConfig::default()
        },
    ));
    let base = crate::spawn_server(state).await;
    let post = |body: Vec<u8>, encoding: &'static str| {
        let base = base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/v1/classify"))
                .header("content-type", "text/csv")
                .header("content-encoding", encoding)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let csv = b"lat,lon\n50.8489,5.6879\n50.8497,5.7053\n";
    let plain = crate::post_csv(
        &base,
        "/v1/classify",
        String::from_utf8(csv.to_vec()).unwrap(),
    )
    .await;
    let res = post(gzip(csv), "gzip").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), plain);

    // 2 MiB of rows in a few KiB: beyond the 1 MiB limit once unpacked.
    let mut big = b"lat,lon\n".to_vec();
    while big.len() < 2 << 20 {
        big.extend_from_slice(b"50.8489,5.6879\n");
    }
    let res = post(gzip(&big), "gzip").await;
    let status = res.status();
    let p: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("limit"), "{p}");

    let mut broken = gzip(csv);
    broken.truncate(broken.len() / 2);
    let res = post(broken, "gzip").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let res = post(csv.to_vec(), "br").await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let p: Value = res.json().await.unwrap();
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("Content-Encoding: br") && detail.contains("uncompressed"),
        "{p}"
    );
}
