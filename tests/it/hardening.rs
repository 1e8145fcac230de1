//! Issue 24: what a hostile or careless client can do to the service. Connections are held to
//! their time limits and a cap, shutdown does not wait for idle or stalled sockets, a large
//! classification is spooled rather than held in memory and stops when its request is gone, the
//! rate limiter's state stays bounded, and links do not come from a client's `Host`.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::{AppState, DataSource, ServeConfig};
use wijkwijzer::resolve::Resolver;

use crate::{free_port, start};

fn state(config: ServeConfig) -> Arc<AppState> {
    Arc::new(AppState::with_config(
        DataSource::Embedded,
        Resolver::new(Geodata::embedded().unwrap()),
        config,
    ))
}

/// `n` rows of RD coordinates spread over Maastricht (a fixed sequence, so runs compare).
fn rd_rows(n: usize) -> String {
    let mut out = String::from("nr;x;y\r\n");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..n {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let x = 174_500.0 + (seed % 6_000_000) as f64 / 1000.0;
        let y = 313_500.0 + ((seed >> 24) % 8_000_000) as f64 / 1000.0;
        out.push_str(&format!("{i};{x:.2};{y:.2}\r\n"));
    }
    out
}

/// Reads until the server closes the connection; what it sent, or `None` when it was still
/// open after `within`.
async fn until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(within, read).await.ok()?;
    Some(String::from_utf8_lossy(&got).into_owned())
}

/// The service's `/metrics` text.
async fn metrics(base: &str) -> String {
    reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Whether `/metrics` shows `line` within `seconds`.
pub(crate) async fn metric_within(base: &str, line: &str, seconds: u64) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        if metrics(base).await.contains(line) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

fn addr(base: &str) -> String {
    base.trim_start_matches("http://").to_string()
}

/// 8: a socket that says nothing, a request whose headers never end, and a keep-alive
/// connection left idle after its answer are all closed by the server after the header timeout.
#[tokio::test]
async fn silent_half_sent_and_idle_connections_are_closed() {
    let base = crate::spawn_server(state(ServeConfig {
        header_timeout: Duration::from_secs(1),
        ..ServeConfig::default()
    }))
    .await;
    let within = Duration::from_secs(6);

    let mut silent = TcpStream::connect(addr(&base)).await.unwrap();
    let mut half = TcpStream::connect(addr(&base)).await.unwrap();
    half.write_all(b"GET /v1/lookup?q=Vrijthof HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let mut idle = TcpStream::connect(addr(&base)).await.unwrap();
    idle.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();

    assert!(
        until_closed(&mut silent, within).await.is_some(),
        "a silent socket is still open"
    );
    assert!(
        until_closed(&mut half, within).await.is_some(),
        "a half-sent request is still open"
    );
    let answered = until_closed(&mut idle, within)
        .await
        .expect("an idle keep-alive connection is still open");
    assert!(
        answered.starts_with("HTTP/1.1 200"),
        "the request before the pause was answered: {answered}"
    );
}

/// 8: beyond `max_connections` a connection gets a 503 problem at once and is closed; once the
/// others are gone the service takes new ones again.
#[tokio::test]
async fn connections_beyond_the_cap_get_a_problem_and_are_closed() {
    let base = crate::spawn_server(state(ServeConfig {
        max_connections: 2,
        header_timeout: Duration::from_secs(30),
        ..ServeConfig::default()
    }))
    .await;
    let first = TcpStream::connect(addr(&base)).await.unwrap();
    let second = TcpStream::connect(addr(&base)).await.unwrap();
    // Both accepted before the third arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(addr(&base)).await.unwrap();
    let refused = until_closed(&mut third, Duration::from_secs(5))
        .await
        .expect("the connection beyond the cap was left open");
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(
        refused.contains("application/problem+json") && refused.contains("retry-after: 1"),
        "{refused}"
    );
    assert!(refused.contains("connections"), "{refused}");
    drop((first, second));
    let mut served = false;
    for _ in 0..50 {
        if let Ok(r) = reqwest::get(format!("{base}/livez")).await
            && r.status() == 200
        {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        served,
        "no new connection was served after the others closed"
    );
    let metrics = metrics(&base).await;
    assert!(
        metrics.contains("wijkwijzer_http_connections_refused_total 1"),
        "{metrics}"
    );
}

/// 8: SIGTERM ends the process although a client keeps an idle keep-alive connection and
/// another a half-sent request, with header timeouts far beyond the shutdown grace.
#[tokio::test]
async fn shutdown_does_not_wait_for_idle_or_stalled_clients() {
    let port = free_port();
    let args: Vec<String> = [
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--header-timeout-secs",
        "120",
        "--shutdown-grace-secs",
        "2",
    ]
    .map(String::from)
    .to_vec();
    let mut running = start(&args, &[], port);
    let at = format!("127.0.0.1:{port}");
    let mut idle = TcpStream::connect(&at).await.unwrap();
    idle.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let mut half = TcpStream::connect(&at).await.unwrap();
    half.write_all(b"POST /v1/classify HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let term = std::process::Command::new("kill")
        .args(["-TERM", &running.0.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let mut exited = None;
    for _ in 0..100 {
        if let Some(status) = running.0.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = exited.expect("still running 10 s after SIGTERM");
    assert!(status.success(), "{status}");
    assert!(
        until_closed(&mut idle, Duration::from_secs(1))
            .await
            .is_some()
    );
}

/// 6: an answer many times larger than what is kept in memory (it goes to a temporary file)
/// arrives whole, equal to the library's own classification of the file.
#[tokio::test]
async fn a_large_answer_arrives_whole() {
    let s = state(ServeConfig::default());
    let base = crate::spawn_server(s.clone()).await;
    let csv = rd_rows(40_000);
    let res = reqwest::Client::new()
        .post(format!("{base}/v1/classify"))
        .header("content-type", "text/csv")
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-classify-summary"));
    let got = res.bytes().await.unwrap();
    let mut expected = Vec::new();
    wijkwijzer::classify::classify_csv(
        &s.current().resolver,
        csv.as_bytes(),
        &mut expected,
        &wijkwijzer::classify::Options::default(),
        |_, _| {},
    )
    .unwrap();
    assert!(
        expected.len() > 8 << 20,
        "the answer ({} bytes) must be larger than the in-memory spool",
        expected.len()
    );
    assert_eq!(got.len(), expected.len());
    assert!(got[..] == expected[..], "the spooled answer differs");
}

/// 6: with nowhere to put a large answer the client gets a 507 problem (the server's fault, not
/// the file's), and the service goes on answering.
#[tokio::test]
async fn no_room_for_an_answer_is_a_507_and_the_service_goes_on() {
    let port = free_port();
    let args: Vec<String> = ["serve", "--listen", &format!("127.0.0.1:{port}")]
        .map(String::from)
        .to_vec();
    let _running = start(
        &args,
        &[("TMPDIR", "/nonexistent/wijkwijzer-spool".to_string())],
        port,
    );
    let base = format!("http://127.0.0.1:{port}");
    let res = reqwest::Client::new()
        .post(format!("{base}/v1/classify"))
        .header("content-type", "text/csv")
        .body(rd_rows(40_000))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 507);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body = res.text().await.unwrap();
    assert!(body.contains("urn:wijkwijzer:problem:no-room"), "{body}");
    assert!(
        !body.contains("/nonexistent"),
        "a path reached the client: {body}"
    );
    let small = crate::post_csv(&base, "/v1/classify", rd_rows(10)).await;
    assert_eq!(small.lines().count(), 11, "{small}");
}

/// CPU time the process has used so far, in clock ticks (all its threads).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) from its closing parenthesis.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// 7: when a classification's request times out, the work stops too: the process is idle soon
/// after the 503 instead of classifying on for a client that has gone.
#[tokio::test]
async fn classification_stops_when_its_request_times_out() {
    let port = free_port();
    let args: Vec<String> = [
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--classify-timeout-secs",
        "1",
    ]
    .map(String::from)
    .to_vec();
    let running = start(&args, &[], port);
    let pid = running.0.id();
    let base = format!("http://127.0.0.1:{port}");
    // Far more than one second's work, even for a release build.
    let res = reqwest::Client::new()
        .post(format!("{base}/v1/classify"))
        .header("content-type", "text/csv")
        .body(rd_rows(400_000))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    // The piece of work under way when the time ran out may finish (seconds, in a debug build
    // on a busy machine); then the classification reports itself stopped, and nothing runs on.
    let stopped = metric_within(&base, "wijkwijzer_classify_cancelled_total 1", 60).await;
    assert!(
        stopped,
        "the classification never stopped: {}",
        metrics(&base).await
    );
    let before = cpu_ticks(pid);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let used = cpu_ticks(pid) - before;
    // Ticks are 1/100 s: a classification on two cores would use about 400 in these 2 s.
    assert!(
        used < 40,
        "the process used {used} ticks of CPU after its classification stopped"
    );
}

/// 29: an IPv6 client is counted per /64 (a fresh address in its own network is no fresh
/// budget), and the limiter forgets clients whose budget is full again.
#[tokio::test]
async fn the_rate_limiter_counts_ipv6_per_64_and_forgets_idle_clients() {
    use tower::ServiceExt;
    let request = |from: &str| {
        axum::http::Request::get("/healthz")
            .header("x-forwarded-for", from)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let proxied = |rate: u32, burst: u32| ServeConfig {
        rate_per_second: rate,
        rate_burst: burst,
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..ServeConfig::default()
    };
    let strict = state(proxied(1, 1));
    let app = wijkwijzer::http::router(strict.clone());
    let status = |r: axum::response::Response| r.status().as_u16();
    assert_eq!(
        status(
            app.clone()
                .oneshot(request("2001:db8:1:2::1"))
                .await
                .unwrap()
        ),
        200
    );
    assert_eq!(
        status(
            app.clone()
                .oneshot(request("2001:db8:1:2:ffff:ffff:ffff:ffff"))
                .await
                .unwrap()
        ),
        429,
        "another address in the same /64 had a budget of its own"
    );
    assert_eq!(
        status(
            app.clone()
                .oneshot(request("2001:db8:1:3::1"))
                .await
                .unwrap()
        ),
        200
    );

    // A budget that is full again a microsecond after use: every client is forgettable.
    let lax = state(proxied(1_000_000, 1));
    let app = wijkwijzer::http::router(lax.clone());
    for i in 0..500u32 {
        let from = format!("2001:db8:{:x}:{:x}::1", i >> 8, i & 0xff);
        assert_eq!(
            status(app.clone().oneshot(request(&from)).await.unwrap()),
            200
        );
    }
    assert_eq!(lax.rate_limit_clients(), 500);
    tokio::time::sleep(Duration::from_millis(5)).await;
    lax.sweep_rate_limits();
    assert_eq!(lax.rate_limit_clients(), 0);
}

/// 24: with `public-url` set, the OGC links use it whatever `Host` the client sends.
#[tokio::test]
async fn links_use_the_public_url_not_the_host_header() {
    let base = crate::spawn_server(state(ServeConfig {
        public_url: Some("https://wijkwijzer.example.nl".into()),
        ..ServeConfig::default()
    }))
    .await;
    let body = reqwest::Client::new()
        .get(format!("{base}/ogc/collections"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("https://wijkwijzer.example.nl/ogc/collections"),
        "{body}"
    );
    assert!(!body.contains("evil.example"), "{body}");
}

/// 11: with `watch` set, a key file replaced the way Kubernetes updates a mounted Secret (a
/// `..data` link swapped to a new directory) is read without any signal: the removed key stops
/// working, the new one works; a changed data file reloads the data.
#[tokio::test]
async fn changed_files_are_picked_up_without_a_signal() {
    use wijkwijzer::auth::{ApiKeys, generate};
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("keys");
    std::fs::create_dir(&mount).unwrap();
    let (old_key, old_entry) = generate("oud", false).unwrap();
    let (new_key, new_entry) = generate("nieuw", false).unwrap();
    let publish = |version: &str, entry: &str| {
        let v = mount.join(format!("..{version}"));
        std::fs::create_dir(&v).unwrap();
        std::fs::write(v.join("keys.toml"), entry).unwrap();
        let tmp = mount.join("..data_tmp");
        std::os::unix::fs::symlink(format!("..{version}"), &tmp).unwrap();
        std::fs::rename(&tmp, mount.join("..data")).unwrap();
    };
    publish("v1", &old_entry);
    std::os::unix::fs::symlink("..data/keys.toml", mount.join("keys.toml")).unwrap();
    let keys_file = mount.join("keys.toml");
    let geodata = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), geodata.path().join(entry.file_name())).unwrap();
        }
    }
    let s = Arc::new(AppState::with_config(
        DataSource::Dir(geodata.path().to_path_buf()),
        Resolver::new(Geodata::load_dir(geodata.path()).unwrap()),
        ServeConfig {
            keys: ApiKeys::load(&keys_file).unwrap(),
            keys_file: Some(keys_file.clone()),
            watch: Some(Duration::from_millis(100)),
            rate_per_second: 0,
            ..ServeConfig::default()
        },
    ));
    let base = crate::spawn_server(s.clone()).await;
    let status = |key: String| {
        let base = base.clone();
        async move {
            reqwest::Client::new()
                .get(format!("{base}/healthz"))
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(status(old_key.clone()).await, 200);
    assert_eq!(status(new_key.clone()).await, 401);
    publish("v2", &new_entry);
    let mut swapped = false;
    for _ in 0..100 {
        if status(old_key.clone()).await == 401 && status(new_key.clone()).await == 200 {
            swapped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(swapped, "the replaced key file was not picked up");

    assert!(
        !metrics(&base)
            .await
            .contains("wijkwijzer_reloads_total{outcome=\"ok\"} 2"),
        "the data was reloaded for a key change"
    );
    let roster = geodata.path().join("roster.toml");
    let mut text = std::fs::read_to_string(&roster).unwrap();
    text.push_str("\n# changed\n");
    std::fs::write(&roster, text).unwrap();
    let reloaded = metric_within(&base, "wijkwijzer_reloads_total{outcome=\"ok\"} 2", 5).await;
    assert!(reloaded, "the changed data file was not reloaded");
}
