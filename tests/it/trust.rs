//! Privacy tiers, limits, reload under load, metrics: the service as dispatchers rely on it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use reqwest::StatusCode;
use serde_json::Value;
use wijkwijzer::auth::{ApiKeys, generate};
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::{AppState, DataSource, ServeConfig};
use wijkwijzer::resolve::Resolver;

const INTERNAL_EMAIL: &str = "senior.czw@intern.gemeente.example";
const INTERNAL_PHONE: &str = "043-000 00 00 (intern)";
/// A name the roster gives without saying it may be public.
const PERSON: &str = "Test Persoon A";

/// A copy of the shipped geodata whose roster has internal channels.
fn geodata_with_internal_channels() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata");
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let roster = std::fs::read_to_string(dir.path().join("roster.toml")).unwrap();
    let roster = roster.replacen(
        "function = \"Senior wijkgebonden medewerker THOR, LWA-gebied Centrum / Zuid-West\"",
        &format!(
            "function = \"Senior wijkgebonden medewerker THOR, LWA-gebied Centrum / Zuid-West\"\nperson = \"{PERSON}\"\nvalid_from = 2020-01-01\nchannels = [{{ kind = \"email\", value = \"{INTERNAL_EMAIL}\", visibility = \"internal\" }}, {{ kind = \"phone\", value = \"{INTERNAL_PHONE}\", visibility = \"internal\" }}]"
        ),
        1,
    );
    std::fs::write(dir.path().join("roster.toml"), roster).unwrap();
    dir
}

struct Server {
    base: String,
    client: reqwest::Client,
    state: Arc<AppState>,
}

impl Server {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn text(&self, path: &str) -> String {
        let url = format!("{}{path}", self.base);
        self.client
            .get(url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

async fn start(dir: &Path, config: ServeConfig) -> Server {
    let source = DataSource::Dir(dir.to_path_buf());
    let resolver = Resolver::new(source.load().unwrap());
    let state = Arc::new(AppState::with_config(source, resolver, config));
    Server {
        base: crate::spawn_server(state.clone()).await,
        client: reqwest::Client::new(),
        state,
    }
}

/// The service on `dir` with the key file `keys_file`, re-read on every reload; no rate limit.
async fn start_with_key_file(dir: &Path, keys_file: &Path) -> Server {
    start(
        dir,
        ServeConfig {
            keys: ApiKeys::load(keys_file).unwrap(),
            keys_file: Some(keys_file.to_path_buf()),
            ..no_rate_limit()
        },
    )
    .await
}

fn keys() -> (ApiKeys, String, String) {
    let (internal, e1) = generate("meldkamer", false).unwrap();
    let (admin, e2) = generate("beheer", true).unwrap();
    (
        ApiKeys::parse(&format!("{e1}\n{e2}")).unwrap(),
        internal,
        admin,
    )
}

fn no_rate_limit() -> ServeConfig {
    ServeConfig {
        rate_per_second: 0,
        ..ServeConfig::default()
    }
}

const PUBLIC_PATHS: [&str; 11] = [
    "/v1/lookup?lat=50.8489&lon=5.6879",
    "/v1/lookup?q=50.8489,5.6879&situation=geluidsoverlast",
    "/v1/lookup?x=176178&y=317717",
    "/v1/areas?layer=lwa",
    "/v1/areas?layer=buurt",
    "/v1/areas?layer=wijk",
    "/v1/areas?layer=stadsdeel",
    "/v1/areas/lwa-centrum-zuid-west",
    "/v1/areas/BU09350000",
    "/v1/situations",
    "/v1/layers",
];

#[tokio::test]
async fn public_callers_never_see_internal_channels_and_key_holders_do() {
    let dir = geodata_with_internal_channels();
    let (keys, internal_key, _) = keys();
    let s = start(
        dir.path(),
        ServeConfig {
            keys,
            ..no_rate_limit()
        },
    )
    .await;
    for path in PUBLIC_PATHS {
        let body = s.text(path).await;
        assert!(
            !body.contains(INTERNAL_EMAIL) && !body.contains(INTERNAL_PHONE),
            "{path} leaks an internal channel"
        );
        assert!(!body.contains(PERSON), "{path} leaks a person's name");
        assert!(
            !body.contains("\"internal\""),
            "{path} shows an internal visibility marker"
        );
    }
    // With a key, the same lookups and areas carry them.
    for path in &PUBLIC_PATHS[..3]
        .iter()
        .chain(&PUBLIC_PATHS[3..4])
        .chain(&PUBLIC_PATHS[7..8])
        .collect::<Vec<_>>()
    {
        let res = s
            .client
            .get(format!("{}{path}", s.base))
            .bearer_auth(&internal_key)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        // No shared cache may keep what a key holder sees.
        assert_eq!(
            res.headers().get("vary").map(|v| v.to_str().unwrap()),
            Some("Authorization")
        );
        let cache = res
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        assert!(cache.starts_with("private"), "{path}: {cache}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains(INTERNAL_EMAIL) && body.contains(PERSON),
            "{path} with a key lacks the internal channel or the name"
        );
    }
    // A wrong key is an error, not a silent downgrade.
    let res = s
        .client
        .get(format!("{}/v1/lookup?lat=50.85&lon=5.69", s.base))
        .bearer_auth("ww_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["type"], "urn:wijkwijzer:problem:unauthorized");
    // The key never shows up in metrics.
    let metrics = s.text("/metrics").await;
    assert!(!metrics.contains(&internal_key[3..20]));
}

#[tokio::test]
async fn limits_answer_with_problems() {
    let dir = geodata_with_internal_channels();
    let s = start(
        dir.path(),
        ServeConfig {
            rate_per_second: 2,
            rate_burst: 3,
            ..ServeConfig::default()
        },
    )
    .await;
    let long = format!("{}/v1/lookup?q={}", s.base, "5".repeat(5000));
    let res = s.client.get(long).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::URI_TOO_LONG);
    let mut limited = None;
    for _ in 0..10 {
        let res = s.get("/healthz").await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(res);
            break;
        }
    }
    let res = limited.expect("the rate limit never applied");
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["status"], 429);
}

#[tokio::test]
async fn request_ids_and_metrics() {
    let dir = geodata_with_internal_channels();
    let s = start(dir.path(), no_rate_limit()).await;
    let res = s.get("/v1/lookup?lat=50.8489&lon=5.6879").await;
    let first = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let res = s.get("/livez").await;
    assert!(
        res.headers().get("x-request-id").is_none(),
        "probes are outside the layers"
    );
    let res = s.get("/v1/layers").await;
    let second = res.headers()["x-request-id"].to_str().unwrap().to_string();
    // A random 64-bit prefix per process, then a counter.
    let (prefix, n) = first.split_once('-').expect("prefix-counter");
    assert_eq!(prefix.len(), 16, "{first}");
    assert!(u64::from_str_radix(n, 16).is_ok(), "{first}");
    assert_ne!(first, second);
    assert!(second.starts_with(prefix), "{first} {second}");
    let res = s
        .client
        .get(format!("{}/healthz", s.base))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
    // An unusable id is replaced by one of the service's own (issue 24, 23).
    let long = "a".repeat(8000);
    for bad in [
        reqwest::header::HeaderValue::from_static(""),
        reqwest::header::HeaderValue::from_str(&long).unwrap(),
        reqwest::header::HeaderValue::from_bytes(b"id\xff\xfe").unwrap(),
        reqwest::header::HeaderValue::from_static("two words"),
    ] {
        let res = s
            .client
            .get(format!("{}/healthz", s.base))
            .header("x-request-id", bad.clone())
            .send()
            .await
            .unwrap();
        let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
        assert!(id.starts_with(prefix), "{bad:?} gave {id}");
    }
    s.get("/v1/lookup?lat=50.8466&lon=4.3528").await;
    let m = s.text("/metrics").await;
    assert!(
        m.contains("wijkwijzer_http_requests_total{route=\"/v1/lookup\",status=\"200\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("wijkwijzer_http_requests_total{route=\"/v1/lookup\",status=\"404\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("wijkwijzer_lookups_total{lwa=\"lwa-centrum-zuid-west\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("wijkwijzer_lookups_total{lwa=\"outside\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("wijkwijzer_http_request_duration_seconds_bucket{route=\"/v1/lookup\""),
        "{m}"
    );
    let version = s.state.current().version().to_string();
    assert!(
        m.contains(&format!("wijkwijzer_data_info{{version=\"{version}\"}} 1")),
        "{m}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_under_load_loses_nothing_and_never_mixes() {
    let dir = geodata_with_internal_channels();
    let (keys, _, admin) = keys();
    let s = Arc::new(
        start(
            dir.path(),
            ServeConfig {
                keys,
                ..no_rate_limit()
            },
        )
        .await,
    );
    let old_version = s.state.current().version().to_string();
    let roster_path = dir.path().join("roster.toml");
    let old_roster = std::fs::read_to_string(&roster_path).unwrap();
    const OLD: &str = "Senior wijkgebonden medewerker THOR, LWA-gebied Centrum / Zuid-West";
    const NEW: &str = "Senior wijkgebonden medewerker THOR (nieuw), LWA-gebied Centrum / Zuid-West";
    let new_roster = old_roster.replace(OLD, NEW);

    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(AtomicUsize::new(0));
    let mut hammers = Vec::new();
    for _ in 0..4 {
        let (s, stop, answers) = (s.clone(), stop.clone(), answers.clone());
        hammers.push(tokio::spawn(async move {
            let mut seen = std::collections::BTreeMap::<String, String>::new();
            while !stop.load(Ordering::Relaxed) {
                let res = s.get("/v1/lookup?lat=50.8489&lon=5.6879").await;
                assert_eq!(
                    res.status(),
                    StatusCode::OK,
                    "a lookup failed during reload"
                );
                let header_version = res.headers()["x-data-version"]
                    .to_str()
                    .unwrap()
                    .to_string();
                let a: Value = res.json().await.unwrap();
                let version = a["data"]["version"].as_str().unwrap().to_string();
                assert_eq!(
                    header_version, version,
                    "header and body from different snapshots"
                );
                let senior = a["contacts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["role"] == "senior_wijkgebonden_medewerker")
                    .unwrap()["name"]
                    .as_str()
                    .unwrap()
                    .to_string();
                assert!(senior == OLD || senior == NEW, "unexpected senior {senior}");
                // One version, one roster: never a mix.
                if let Some(prev) = seen.insert(version.clone(), senior.clone()) {
                    assert_eq!(prev, senior, "version {version} answered with two rosters");
                }
                answers.fetch_add(1, Ordering::Relaxed);
            }
            seen
        }));
    }

    let reload = |key: String| {
        let s = s.clone();
        async move {
            s.client
                .post(format!("{}/admin/reload", s.base))
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
        }
    };
    let mut versions = std::collections::BTreeSet::new();
    for round in 0..12 {
        let (text, expect_ok) = match round % 3 {
            0 => (new_roster.clone(), true),
            1 => (old_roster.clone(), true),
            // Broken data: refused, the old keeps serving.
            _ => (
                new_roster.replace("role = \"coordinator\"", "role = \"wijkagent\""),
                false,
            ),
        };
        std::fs::write(&roster_path, text).unwrap();
        let res = reload(admin.clone()).await;
        if expect_ok {
            assert_eq!(res.status(), StatusCode::OK);
            let body: Value = res.json().await.unwrap();
            versions.insert(body["version"].as_str().unwrap().to_string());
        } else {
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let p: Value = res.json().await.unwrap();
            assert!(
                p["problems"][0]
                    .as_str()
                    .unwrap()
                    .contains("has no coördinator at all"),
                "{p}"
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut seen = std::collections::BTreeMap::new();
    for h in hammers {
        seen.extend(h.await.unwrap());
    }
    assert!(
        answers.load(Ordering::Relaxed) > 100,
        "too few lookups to mean anything"
    );
    assert_eq!(versions.len(), 2, "old and new data have one version each");
    assert!(versions.contains(&old_version));
    assert!(seen.len() >= 2, "lookups saw only {seen:?}");
    // A reload without an admin key is refused.
    let res = s
        .client
        .post(format!("{}/admin/reload", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn the_same_data_gives_the_same_version() {
    let a = Geodata::embedded().unwrap();
    let b = Geodata::load_dir(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata")).unwrap();
    assert_eq!(a.version, b.version, "embedded and geodata/ differ");
}

#[tokio::test]
async fn batch_classification_keeps_internal_channels_from_the_public() {
    let dir = geodata_with_internal_channels();
    let (keys, internal_key, _) = keys();
    let s = start(
        dir.path(),
        ServeConfig {
            keys,
            ..no_rate_limit()
        },
    )
    .await;
    let csv = "id,lat,lon\n1,50.8489,5.6879\n2,50.8497,5.7053\n";
    let post = |key: Option<String>| {
        let mut req = s
            .client
            .post(format!("{}/v1/classify", s.base))
            .header("content-type", "text/csv")
            .body(csv);
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        req.send()
    };
    let public = post(None).await.unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    let public = public.text().await.unwrap();
    assert!(public.contains("Centrum / Zuid-West"), "{public}");
    for secret in [INTERNAL_EMAIL, INTERNAL_PHONE, PERSON] {
        assert!(
            !public.contains(secret),
            "public batch output shows {secret}"
        );
    }
    let internal = post(Some(internal_key.clone()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(internal.contains(INTERNAL_EMAIL), "{internal}");
    // The GeoJSON format keeps the same rule.
    let geojson = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":1},"geometry":{"type":"Point","coordinates":[5.6879,50.8489]}}]}"#;
    let post_geojson = |key: Option<String>| {
        let mut req = s
            .client
            .post(format!("{}/v1/classify", s.base))
            .header("content-type", "application/geo+json")
            .body(geojson);
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        req.send()
    };
    let public = post_geojson(None).await.unwrap().text().await.unwrap();
    assert!(public.contains("Centrum / Zuid-West"), "{public}");
    for secret in [INTERNAL_EMAIL, INTERNAL_PHONE, PERSON] {
        assert!(
            !public.contains(secret),
            "public GeoJSON output shows {secret}"
        );
    }
    let internal = post_geojson(Some(internal_key))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(internal.contains(INTERNAL_EMAIL), "{internal}");

    // The library's default audience is public too.
    let resolver = Resolver::new(Geodata::load_dir(dir.path()).unwrap());
    let mut out = Vec::new();
    wijkwijzer::classify::classify_csv(
        &resolver,
        csv.as_bytes(),
        &mut out,
        &wijkwijzer::classify::Options::default(),
        |_, _| {},
    )
    .unwrap();
    assert!(!String::from_utf8(out).unwrap().contains(INTERNAL_EMAIL));
}

#[tokio::test]
async fn keys_are_reread_on_reload_and_rights_are_403() {
    let dir = geodata_with_internal_channels();
    let keys_file = dir.path().join("keys.toml");
    let (admin, admin_entry) = generate("beheer", true).unwrap();
    let (reader, reader_entry) = generate("meldkamer", false).unwrap();
    std::fs::write(&keys_file, format!("{admin_entry}\n{reader_entry}")).unwrap();
    let s = start_with_key_file(dir.path(), &keys_file).await;
    let get = |key: &str| {
        s.client
            .get(format!("{}/v1/lookup?lat=50.8489&lon=5.6879", s.base))
            .bearer_auth(key.to_string())
            .send()
    };
    let reload = |key: &str| {
        s.client
            .post(format!("{}/admin/reload", s.base))
            .bearer_auth(key.to_string())
            .send()
    };
    // A valid key without the admin right: 403, not 401.
    assert_eq!(
        reload(&reader).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // A key added to the file works after a reload, without a restart.
    let (new_key, new_entry) = generate("wijkteam", false).unwrap();
    assert_eq!(
        get(&new_key).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    wijkwijzer::auth::append_entry(&keys_file, &new_entry).unwrap();
    assert_eq!(reload(&admin).await.unwrap().status(), StatusCode::OK);
    let res = get(&new_key).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains(PERSON));
    // A refused key file suspends every key until a reload reads it (see revocation.rs).
    std::fs::write(&keys_file, "[[key]]\nname = 1\n").unwrap();
    let res = reload(&admin).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        get(&new_key).await.unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    // A revoked key stops working at the next reload (here as on SIGHUP: no admin key works).
    std::fs::write(&keys_file, format!("{admin_entry}\n")).unwrap();
    s.state.reload().await.unwrap();
    assert_eq!(reload(&admin).await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        get(&new_key).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // Method errors name the methods the endpoint answers.
    let res = s.get("/admin/reload").await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = res
        .headers()
        .get("allow")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let p: Value = res.json().await.unwrap();
    assert!(allow.contains("POST"), "{allow}");
    assert_eq!(p["detail"], format!("this endpoint answers {allow}"));
}

#[test]
fn keygen_appends_to_a_private_key_file_and_stderr_is_toml() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keys.toml");
    for name in ["meldkamer", "beheer"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
            .args(["keygen", "--name", name, "--append"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(
            String::from_utf8(out.stdout)
                .unwrap()
                .trim()
                .starts_with("ww_")
        );
    }
    let keys = ApiKeys::load(&file).unwrap();
    assert_eq!(keys.rates().count(), 2);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // The obvious shell way, `2>>keys.toml`, gives a file `serve` accepts.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args(["keygen", "--name", "batch"])
        .output()
        .unwrap();
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(&String::from_utf8(out.stderr).unwrap());
    assert_eq!(ApiKeys::parse(&text).unwrap().rates().count(), 3);

    // An existing file keeps its owner and mode (issue 24, 9): a container's user (uid 10001)
    // must still read the file that root appended to.
    let shared = dir.path().join("shared.toml");
    std::fs::write(&shared, "").unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).unwrap();
    let root = running_as_root();
    if root {
        std::os::unix::fs::chown(&shared, Some(10001), Some(10001)).unwrap();
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args(["keygen", "--name", "compose", "--append"])
        .arg(&shared)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta = std::fs::metadata(&shared).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    if root {
        use std::os::unix::fs::MetadataExt;
        assert_eq!((meta.uid(), meta.gid()), (10001, 10001));
    }
}

/// Whether the tests run as root (CI does): only root can give a file to another user.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid() == 0
}

/// Keys expire (issue 24, 19): the day after `expires` a key is refused like any wrong key.
#[test]
fn an_expired_key_is_refused() {
    let (key, entry) = generate("tijdelijk", false).unwrap();
    let yesterday = wijkwijzer::roster::today().yesterday().unwrap();
    let today = wijkwijzer::roster::today();
    let expired = ApiKeys::parse(&format!("{entry}expires = {yesterday}\n")).unwrap();
    assert!(expired.caller(Some(&format!("Bearer {key}"))).is_err());
    let valid = ApiKeys::parse(&format!("{entry}expires = {today}\n")).unwrap();
    assert!(valid.caller(Some(&format!("Bearer {key}"))).is_ok());
}

#[test]
fn the_cli_writes_public_batch_files_unless_asked() {
    let dir = geodata_with_internal_channels();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "id,lat,lon\n1,50.8489,5.6879\n").unwrap();
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
            .args(["classify", "--quiet", "--geodata"])
            .arg(dir.path())
            .args(extra)
            .arg(&input)
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (public, _) = run(&[]);
    assert!(public.contains("Centrum / Zuid-West"), "{public}");
    assert!(
        !public.contains(INTERNAL_EMAIL) && !public.contains(PERSON),
        "{public}"
    );
    let (internal, err) = run(&["--internal"]);
    assert!(internal.contains(INTERNAL_EMAIL), "{internal}");
    assert!(
        err.contains("--internal: the output holds internal channels"),
        "{err}"
    );
}

#[test]
fn the_roster_command_shows_a_hand_over_before_it_happens() {
    let dir = geodata_with_internal_channels();
    let roster = std::fs::read_to_string(dir.path().join("roster.toml")).unwrap();
    let roster = roster.replacen(
        "role = \"coordinator\"\nscope = [\"lwa-noord-oost\"]",
        "role = \"coordinator\"\nscope = [\"lwa-noord-oost\"]\nvalid_until = \"2027-01-31\"",
        1,
    );
    std::fs::write(dir.path().join("roster.toml"), roster).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args(["roster", "--as-of", "2027-01-01", "--geodata"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Responsible on 2027-01-01:"), "{text}");
    assert!(
        text.contains(PERSON),
        "the roster view is for the organisation: {text}"
    );
    assert!(
        text.contains("2027-01-31  last day: Coördinator politie"),
        "{text}"
    );
    assert!(
        text.contains("from 2027-02-01  lwa-noord-oost coördinator"),
        "{text}"
    );
}

/// Issue 24, blocker: a refused file is never quoted to a caller without an admin key. A typo on
/// a roster line that holds internal channels, a key file whose `hash` line is broken, and the
/// data directory's path reach the log and admin keys only; anyone else learns which file was
/// refused and at which line.
#[tokio::test]
async fn a_refused_file_is_not_quoted_to_anonymous_callers() {
    let dir = geodata_with_internal_channels();
    let keys_file = dir.path().join("keys.toml");
    let (admin, admin_entry) = generate("beheer", true).unwrap();
    std::fs::write(&keys_file, format!("{admin_entry}\n")).unwrap();
    let s = start_with_key_file(dir.path(), &keys_file).await;
    let dir_text = dir.path().display().to_string();
    let health = |key: Option<String>| {
        let mut req = s.client.get(format!("{}/healthz", s.base));
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let public = health(None).await;
    assert!(!public.contains(&dir_text), "{public}");
    assert!(health(Some(admin.clone())).await.contains(&dir_text));

    // An unclosed string on the line of the internal channels.
    let roster_path = dir.path().join("roster.toml");
    let roster = std::fs::read_to_string(&roster_path).unwrap();
    let broken = roster.replacen(
        &format!("value = \"{INTERNAL_EMAIL}\""),
        &format!("value = \"{INTERNAL_EMAIL}"),
        1,
    );
    assert_ne!(broken, roster);
    let line = broken
        .lines()
        .position(|l| l.contains(INTERNAL_EMAIL))
        .unwrap()
        + 1;
    std::fs::write(&roster_path, &broken).unwrap();
    assert!(s.state.reload().await.is_err());
    let public = health(None).await;
    let v: Value = serde_json::from_str(&public).unwrap();
    assert_eq!(v["status"], "degraded");
    assert_eq!(
        v["last_reload_refused"],
        format!("roster.toml refused at line {line}"),
        "{public}"
    );
    for secret in [INTERNAL_EMAIL, INTERNAL_PHONE, PERSON, &dir_text] {
        assert!(!public.contains(secret), "{secret} in {public}");
    }
    // The admin key sees what the parser said, to go and fix it.
    let full = health(Some(admin.clone())).await;
    assert!(full.contains(INTERNAL_EMAIL), "{full}");
    // The admin endpoint's problem details are for admin keys only as well.
    let res = s
        .client
        .post(format!("{}/admin/reload", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(!res.text().await.unwrap().contains(INTERNAL_EMAIL));
    // Metrics count the refusal under a fixed label, and name no file.
    let m = s.text("/metrics").await;
    assert!(
        m.contains("wijkwijzer_reloads_total{outcome=\"refused\"} 1"),
        "{m}"
    );
    assert!(!m.contains("roster.toml") && !m.contains(&dir_text));
    std::fs::write(&roster_path, &roster).unwrap();

    // A key file broken on its hash line: neither the hash nor the path is shown.
    let keys_text = std::fs::read_to_string(&keys_file).unwrap();
    let hash = keys_text
        .lines()
        .find_map(|l| l.strip_prefix("hash = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_string();
    let broken = keys_text.replacen(
        &format!("hash = \"{hash}\""),
        &format!("hash = \"{hash}"),
        1,
    );
    let line = broken.lines().position(|l| l.contains(&hash)).unwrap() + 1;
    std::fs::write(&keys_file, &broken).unwrap();
    assert!(s.state.reload().await.is_err());
    let public = health(None).await;
    let v: Value = serde_json::from_str(&public).unwrap();
    assert_eq!(
        v["last_reload_refused"],
        format!("keys.toml refused at line {line}"),
        "{public}"
    );
    assert!(
        !public.contains(&hash[..16]) && !public.contains(&dir_text),
        "{public}"
    );
    // No key works, the admin's included, until a reload reads a good key file.
    assert_eq!(
        s.client
            .post(format!("{}/admin/reload", s.base))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    std::fs::write(&keys_file, &keys_text).unwrap();
    s.state.reload().await.unwrap();
    let v: Value = serde_json::from_str(&health(None).await).unwrap();
    assert_eq!(v["status"], "ok");
    assert!(v["last_reload_refused"].is_null());
}

/// Issue 24: a revocation never waits for the data. With `buurt.geojson` broken, a key removed
/// from the key file stops working at the reload that refuses the data.
#[tokio::test]
async fn a_key_is_revoked_even_when_the_data_is_refused() {
    let dir = geodata_with_internal_channels();
    let keys_file = dir.path().join("keys.toml");
    let (admin, admin_entry) = generate("beheer", true).unwrap();
    let (reader, reader_entry) = generate("meldkamer", false).unwrap();
    std::fs::write(&keys_file, format!("{admin_entry}\n{reader_entry}\n")).unwrap();
    let s = start_with_key_file(dir.path(), &keys_file).await;
    let lookup = |key: &str| {
        s.client
            .get(format!("{}/v1/lookup?lat=50.8489&lon=5.6879", s.base))
            .bearer_auth(key.to_string())
            .send()
    };
    assert_eq!(lookup(&reader).await.unwrap().status(), StatusCode::OK);
    let version = s.state.current().version().to_string();
    std::fs::write(dir.path().join("buurt.geojson"), "{ not geojson").unwrap();
    std::fs::write(&keys_file, format!("{admin_entry}\n")).unwrap();
    let res = s
        .client
        .post(format!("{}/admin/reload", s.base))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert!(
        p["problems"][0].as_str().unwrap().contains("buurt.geojson"),
        "{p}"
    );
    assert_eq!(
        lookup(&reader).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "the revoked key still worked"
    );
    assert_eq!(lookup(&admin).await.unwrap().status(), StatusCode::OK);
    assert_eq!(s.state.current().version(), version, "the old data serves");
}

/// RFC 9110: the authentication scheme is case-insensitive; and every answer behind the gate
/// varies by `Authorization`, the anonymous one included, so a shared cache keeps them apart.
#[tokio::test]
async fn bearer_in_any_case_and_vary_on_anonymous_answers() {
    let dir = geodata_with_internal_channels();
    let (keys, internal, _) = keys();
    let s = start(
        dir.path(),
        ServeConfig {
            keys,
            ..no_rate_limit()
        },
    )
    .await;
    let res = s
        .client
        .get(format!("{}/v1/lookup?lat=50.8489&lon=5.6879", s.base))
        .header("authorization", format!("BEARER {internal}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains(PERSON));
    for path in [
        "/healthz",
        "/v1/areas/lwa-noord-oost",
        "/v1/situations",
        "/ogc/collections/lwa/items",
    ] {
        let res = s.get(path).await;
        let vary: Vec<String> = res
            .headers()
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap().to_ascii_lowercase())
            .collect();
        assert!(
            vary.iter().any(|v| v.contains("authorization")),
            "{path}: {vary:?}"
        );
    }
    // A wrong key is counted under a fixed reason.
    s.client
        .get(format!("{}/v1/layers", s.base))
        .bearer_auth("ww_nope")
        .send()
        .await
        .unwrap();
    let m = s.text("/metrics").await;
    assert!(
        m.contains("wijkwijzer_auth_failures_total{reason=\"unknown-key\"} 1"),
        "{m}"
    );
    assert!(m.contains("wijkwijzer_build_info{version=\""), "{m}");
}

/// Issue 24, 10: at the default level every request leaves one line naming the key by its
/// name, never the key itself, and never the query (which may hold an address); switchable.
#[test]
fn every_request_leaves_an_access_log_line_with_the_key_name() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let keys_file = dir.path().join("keys.toml");
    let (key, entry) = generate("meldkamer-noord", false).unwrap();
    std::fs::write(&keys_file, entry).unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let run = |access_log: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
            .args([
                "serve",
                "--log-format",
                "json",
                "--access-log",
                access_log,
                "--listen",
            ])
            .arg(format!("127.0.0.1:{port}"))
            .arg("--keys")
            .arg(&keys_file)
            .env_remove("RUST_LOG")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut up = false;
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                up = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(up, "serve did not start");
        let out = std::process::Command::new("curl")
            .args(["-fsS", "-H", &format!("Authorization: Bearer {key}")])
            .arg(format!("http://127.0.0.1:{port}/v1/lookup?q=Vrijthof%2016"))
            .output();
        // Stopped as a service manager stops it (SIGTERM): the access log is written by a
        // thread of its own, which a graceful stop lets finish; a killed process may lose its
        // last lines, as any buffered log does.
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let _ = child.wait();
        assert!(out.is_ok_and(|o| o.status.success()), "curl failed");
        let mut log = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut log)
            .unwrap();
        log
    };
    let log = run("true");
    let line = log
        .lines()
        .find(|l| l.contains("\"route\":\"/v1/lookup\""))
        .unwrap_or_else(|| panic!("no access line in:\n{log}"));
    for needle in [
        "\"level\":\"INFO\"",
        "\"key\":\"meldkamer-noord\"",
        "\"status\":200",
        "\"path\":\"/v1/lookup\"",
        "\"method\":\"GET\"",
    ] {
        assert!(line.contains(needle), "{needle} not in {line}");
    }
    assert!(!log.contains(&key), "the key itself was logged");
    assert!(!log.contains("Vrijthof"), "the query was logged: {line}");
    let quiet = run("false");
    assert!(
        !quiet.contains("\"route\":\"/v1/lookup\""),
        "switched off, yet: {quiet}"
    );
}

/// Issue 24, 31: the data version covers the address file: other addresses over the same areas
/// are another version (in `X-Data-Version`, `/healthz` and `/readyz`).
#[test]
fn the_data_version_changes_with_the_addresses() {
    use wijkwijzer::http::Served;
    let areas = || Resolver::new(Geodata::embedded().unwrap());
    let shipped = Served::new(areas());
    let again = Served::new(areas());
    assert_eq!(shipped.version(), again.version());
    let info = wijkwijzer::address::AddressSourceInfo {
        name: "generated".into(),
        licence: "-".into(),
        attribution: String::new(),
        complete: false,
        note: String::new(),
        date: None,
    };
    let (other, _) = wijkwijzer::address::AddressIndex::build(
        wijkwijzer::address::synthetic::addresses(2000, 7),
        info,
    )
    .unwrap();
    let replaced = Served::new(areas().with_addresses(std::sync::Arc::new(other)));
    assert_ne!(shipped.version(), replaced.version());
    assert!(
        replaced
            .version()
            .starts_with(&Geodata::embedded().unwrap().version),
        "the areas' own version is kept in front"
    );
}
