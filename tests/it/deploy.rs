//! Running behind a proxy and as operators deploy it: client addresses from trusted proxies
//! only (through a real nginx), limits per key, probes, the config file, and the exact
//! command lines of the shipped systemd unit, container image and Kubernetes manifests.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::{free_port, start};
use wijkwijzer::auth::{ApiKeys, generate};
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::{AppState, DataSource, ServeConfig};
use wijkwijzer::resolve::Resolver;

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

async fn server(config: ServeConfig) -> String {
    let state = Arc::new(AppState::with_config(
        DataSource::Embedded,
        Resolver::new(Geodata::embedded().unwrap()),
        config,
    ));
    crate::spawn_server(state).await
}

/// A client whose connections come from `from` (any 127.x address works on Linux loopback).
fn client_from(from: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(from.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn statuses(
    client: &reqwest::Client,
    url: &str,
    n: usize,
    headers: &[(&str, &str)],
) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        let mut req = client.get(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        out.push(req.send().await.unwrap().status().as_u16());
    }
    out
}

fn limited(s: &[u16]) -> usize {
    s.iter().filter(|c| **c == 429).count()
}

#[tokio::test]
async fn forwarded_headers_count_only_from_a_trusted_proxy() {
    let base = server(ServeConfig {
        rate_per_second: 1,
        rate_burst: 3,
        trusted_proxies: vec!["127.0.0.3/32".parse().unwrap()],
        ..ServeConfig::default()
    })
    .await;
    let url = format!("{base}/v1/lookup?lat=50.85&lon=5.69");
    // An untrusted caller cannot escape its limit by naming other addresses.
    let spoofer = client_from("127.0.0.20");
    let mut codes = Vec::new();
    for i in 0..8 {
        let fake = format!("198.51.100.{i}");
        codes.extend(
            statuses(
                &spoofer,
                &url,
                1,
                &[
                    ("x-forwarded-for", &fake),
                    ("forwarded", &format!("for={fake}")),
                ],
            )
            .await,
        );
    }
    assert!(limited(&codes) >= 4, "{codes:?}");
    // Through the trusted proxy, two clients have two budgets.
    let proxy = client_from("127.0.0.3");
    let a = statuses(&proxy, &url, 8, &[("x-forwarded-for", "203.0.113.1")]).await;
    let b = statuses(&proxy, &url, 3, &[("x-forwarded-for", "203.0.113.2")]).await;
    assert!(limited(&a) >= 4, "{a:?}");
    assert_eq!(limited(&b), 0, "{b:?}");
    // The 429 says which limit applied.
    let res = proxy
        .get(&url)
        .header("x-forwarded-for", "203.0.113.1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["limit"], "client-address");
    assert!(
        body["detail"].as_str().unwrap().contains("203.0.113.1"),
        "{body}"
    );
}

#[tokio::test]
async fn key_holders_have_their_own_limit() {
    let (fast_key, fast) = generate("meldkamer", false).unwrap();
    let (slow_key, slow) = generate("batch", false).unwrap();
    let fast = fast.replace("scopes", "rate_per_second = 0\nscopes");
    let slow = slow.replace("scopes", "rate_per_second = 1\nrate_burst = 2\nscopes");
    let keys = ApiKeys::parse(&format!("{fast}\n{slow}")).unwrap();
    let base = server(ServeConfig {
        rate_per_second: 1,
        rate_burst: 2,
        keys,
        ..ServeConfig::default()
    })
    .await;
    let url = format!("{base}/v1/lookup?lat=50.85&lon=5.69");
    let client = reqwest::Client::new();
    let anonymous = statuses(&client, &url, 6, &[]).await;
    assert!(limited(&anonymous) >= 3, "{anonymous:?}");
    // Same address, but the meldkamer's key is not limited at all...
    let bearer = format!("Bearer {fast_key}");
    let meldkamer = statuses(&client, &url, 30, &[("authorization", &bearer)]).await;
    assert_eq!(limited(&meldkamer), 0, "{meldkamer:?}");
    // ...and the batch key has its own small budget, and says so.
    let bearer = format!("Bearer {slow_key}");
    let batch = statuses(&client, &url, 6, &[("authorization", &bearer)]).await;
    assert!(limited(&batch) >= 3, "{batch:?}");
    let res = client
        .get(&url)
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["limit"], "key");
    assert!(
        body["detail"].as_str().unwrap().contains("'batch'"),
        "{body}"
    );
}

#[tokio::test]
async fn probes_are_cheap_and_never_limited() {
    let base = server(ServeConfig {
        rate_per_second: 1,
        rate_burst: 1,
        ..ServeConfig::default()
    })
    .await;
    let client = reqwest::Client::new();
    for _ in 0..20 {
        let live = client.get(format!("{base}/livez")).send().await.unwrap();
        assert_eq!(live.status(), 200);
        let ready = client.get(format!("{base}/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), 200);
        let body: serde_json::Value = ready.json().await.unwrap();
        assert_eq!(body["status"], "ready");
    }
}

/// Paths the shipped config names, pointed at the repository's data (the environment beats
/// the config file), and a free port.
fn local_env(dir: &Path, port: u16) -> Vec<(&'static str, String)> {
    std::fs::write(dir.join("keys.toml"), "").unwrap();
    vec![
        ("WIJKWIJZER_GEODATA", repo("geodata").display().to_string()),
        (
            "WIJKWIJZER_ADDRESSES",
            repo("geodata/addresses.csv").display().to_string(),
        ),
        (
            "WIJKWIJZER_KEYS",
            dir.join("keys.toml").display().to_string(),
        ),
        ("WIJKWIJZER_LISTEN", format!("127.0.0.1:{port}")),
    ]
}

fn print_config(args: &[String], env: &[(&str, String)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"));
    cmd.args(args).arg("--print-config");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The config file path as the shipped command lines name it, mapped to the repository copy.
fn shipped(args: &str) -> Vec<String> {
    args.split_whitespace()
        .map(|a| a.trim_matches(|c| c == '"' || c == ',' || c == '[' || c == ']'))
        .filter(|a| !a.is_empty())
        .map(|a| match a {
            "/etc/wijkwijzer/wijkwijzer.toml" => {
                repo("deploy/wijkwijzer.toml").display().to_string()
            }
            other => other.to_string(),
        })
        .collect()
}

#[test]
fn the_shipped_command_lines_start_the_service_with_the_example_config() {
    let unit = std::fs::read_to_string(repo("deploy/wijkwijzer.service")).unwrap();
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .unwrap();
    let (binary, unit_args) = exec.split_once(' ').unwrap();
    assert_eq!(binary, "/usr/local/bin/wijkwijzer");
    let docker = std::fs::read_to_string(repo("deploy/Dockerfile")).unwrap();
    assert!(
        docker.contains("ENTRYPOINT [\"/usr/local/bin/wijkwijzer\"]"),
        "{docker}"
    );
    assert!(
        docker.contains(
            "install -D -m 0644 deploy/container.toml /out/etc/wijkwijzer/wijkwijzer.toml"
        )
    );
    let cmd = docker.lines().find_map(|l| l.strip_prefix("CMD ")).unwrap();
    let k8s = std::fs::read_to_string(repo("deploy/kubernetes/deployment.yaml")).unwrap();
    let k8s_args = k8s
        .lines()
        .find_map(|l| l.trim().strip_prefix("args: "))
        .unwrap();
    let lines = [shipped(unit_args), shipped(cmd), shipped(k8s_args)];
    assert_eq!(
        lines[0], lines[1],
        "the unit and the image run the same command"
    );
    assert_eq!(
        lines[0], lines[2],
        "the unit and Kubernetes run the same command"
    );

    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let env = local_env(dir.path(), port);
    // The file's settings are in effect where nothing overrides them.
    let (code, out, err) = print_config(&lines[0], &env);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("trusted-proxy = [\"127.0.0.1/32\", \"::1/128\"]"),
        "{out}"
    );
    assert!(out.contains("log-format = \"json\""), "{out}");
    assert!(
        out.contains(&format!("listen = \"127.0.0.1:{port}\"")),
        "the environment beats the file: {out}"
    );
    // A flag beats its environment variable.
    let mut flagged = lines[0].clone();
    flagged.extend(["--rate-limit".into(), "7".into()]);
    let mut env_rate = env.clone();
    env_rate.push(("WIJKWIJZER_RATE_LIMIT", "9".into()));
    let (_, out, _) = print_config(&flagged, &env_rate);
    assert!(out.contains("rate-limit = 7"), "{out}");
    let (_, out, _) = print_config(&lines[0], &env_rate);
    assert!(out.contains("rate-limit = 9"), "{out}");

    let _running = start(&lines[0], &env, port);
    let ready = ureq_get(&format!("http://127.0.0.1:{port}/readyz"));
    assert!(ready.contains("\"status\":\"ready\""), "{ready}");
    let live = ureq_get(&format!("http://127.0.0.1:{port}/livez"));
    assert!(live.contains("live"), "{live}");
}

fn ureq_get(url: &str) -> String {
    let out = Command::new("curl").args(["-fsS", url]).output();
    match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        // No curl: a plain HTTP/1.0 request over TCP.
        _ => {
            use std::io::{Read, Write};
            let rest = url.trim_start_matches("http://");
            let (host, path) = rest.split_once('/').unwrap();
            let mut s = std::net::TcpStream::connect(host).unwrap();
            write!(s, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
            let mut body = String::new();
            s.read_to_string(&mut body).unwrap();
            body
        }
    }
}

#[test]
fn an_unknown_key_in_the_config_file_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:1\"\ntrusted_proxies = [\"10.0.0.0/8\"]\n",
    )
    .unwrap();
    let (code, _, err) = print_config(
        &[
            "serve".into(),
            "--config".into(),
            file.display().to_string(),
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown field `trusted_proxies`") && err.contains("trusted-proxy"),
        "{err}"
    );
}

/// Debian's nginx in front, configured by the shipped `deploy/nginx.conf` itself (only its
/// listen address and upstream are put in place), on its own loopback address; clients on
/// others. Neither `X-Forwarded-For` nor `Forwarded` sent by a client lets it choose its bucket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_real_nginx_each_client_has_its_own_limit() {
    let Some(nginx) = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        assert!(
            std::env::var_os("WIJKWIJZER_REQUIRE_NGINX").is_none(),
            "nginx is required (WIJKWIJZER_REQUIRE_NGINX) but not installed"
        );
        eprintln!("skipping: nginx is not installed (apt-get install nginx-light)");
        return;
    };
    let base = server(ServeConfig {
        rate_per_second: 1,
        rate_burst: 3,
        // nginx reaches the service from 127.0.0.1; the clients call from other addresses.
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..ServeConfig::default()
    })
    .await;
    let upstream = base.trim_start_matches("http://").to_string();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let shipped = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx.conf"),
    )
    .unwrap();
    assert_eq!(shipped.matches("listen 80;").count(), 1);
    assert_eq!(shipped.matches("http://wijkwijzer:8080").count(), 1);
    let site = shipped
        .replace("listen 80;", &format!("listen 127.0.0.2:{port};"))
        .replace("http://wijkwijzer:8080", &format!("http://{upstream}"));
    std::fs::write(dir.path().join("site.conf"), site).unwrap();
    let conf = format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};\n  include {d}/site.conf;\n}}\n",
        d = dir.path().display()
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
    let mut child = Command::new(nginx)
        .args([
            "-e",
            &dir.path().join("error.log").display().to_string(),
            "-c",
            &dir.path().join("nginx.conf").display().to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.2", port)).is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        up,
        "nginx did not start: {}",
        std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
    );
    let url = format!("http://127.0.0.2:{port}/v1/lookup?lat=50.85&lon=5.69");
    let a = client_from("127.0.0.10");
    let b = client_from("127.0.0.11");
    let c = client_from("127.0.0.12");
    // Client A goes over its rate, and writes a spoofed address to try to escape it.
    let codes_a = statuses(&a, &url, 10, &[("x-forwarded-for", "198.51.100.77")]).await;
    let codes_b = statuses(&b, &url, 3, &[]).await;
    // Client C names a new address in `Forwarded` on every request, to get a new bucket each.
    let mut codes_c = Vec::new();
    for n in 0..10 {
        let forwarded = format!("for=9.9.8.{n}");
        codes_c.extend(statuses(&c, &url, 1, &[("forwarded", &forwarded)]).await);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(limited(&codes_a) >= 5, "A is limited: {codes_a:?}");
    assert_eq!(limited(&codes_b), 0, "B is not: {codes_b:?}");
    assert!(limited(&codes_c) >= 5, "C is limited: {codes_c:?}");
    // Without the proxy, A's spoofed header changes nothing either: A is an untrusted peer.
    let direct = format!("{base}/v1/lookup?lat=50.85&lon=5.69");
    let codes = statuses(&a, &direct, 6, &[("x-forwarded-for", "203.0.113.50")]).await;
    assert!(limited(&codes) >= 2, "{codes:?}");
}

/// Issue 24, 5: the image keeps its defaults in its config file, not in its environment, so the
/// Kubernetes ConfigMap (mounted over that file) is what runs: its listen address and its
/// trusted proxies, and `trusted-proxy = []` switches trust off.
#[test]
fn the_configmap_is_what_runs_in_the_image() {
    let docker = std::fs::read_to_string(repo("deploy/Dockerfile")).unwrap();
    assert!(
        !docker
            .lines()
            .any(|l| l.trim_start().starts_with("ENV") && l.contains("WIJKWIJZER_")),
        "the image's environment would beat every mounted config"
    );
    // The ConfigMap's file, as Kubernetes mounts it.
    let cm = std::fs::read_to_string(repo("deploy/kubernetes/configmap.yaml")).unwrap();
    let body: String = cm
        .split_once("wijkwijzer.toml: |\n")
        .unwrap()
        .1
        .lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wijkwijzer.toml");
    std::fs::write(&file, &body).unwrap();
    // The Secret's mount, here: an empty key file (print-config reads it).
    std::fs::write(dir.path().join("keys.toml"), "").unwrap();
    let env = [(
        "WIJKWIJZER_KEYS",
        dir.path().join("keys.toml").display().to_string(),
    )];
    let args: Vec<String> = ["serve", "--config", file.to_str().unwrap()]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (code, out, err) = print_config(&args, &env);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("listen = \"0.0.0.0:8080\""), "{out}");
    assert!(out.contains("trusted-proxy = [\"10.0.0.0/8\"]"), "{out}");
    // Trust switched off in the file is off.
    std::fs::write(
        &file,
        body.replace("trusted-proxy = [\"10.0.0.0/8\"]", "trusted-proxy = []"),
    )
    .unwrap();
    let (code, out, err) = print_config(&args, &env);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("trusted-proxy = []"), "{out}");
    // The image's own file, where nothing is mounted over it.
    let own: Vec<String> = [
        "serve",
        "--config",
        repo("deploy/container.toml").to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (_, out, _) = print_config(&own, &env);
    assert!(out.contains("listen = \"0.0.0.0:8080\""), "{out}");
    assert!(out.contains("\"192.168.0.0/16\""), "{out}");
}

/// Issue 24, 4: under the shipped unit the key file is read where it lies (no credential copy,
/// which systemd keeps unchanged while the service runs), so `systemctl reload` (SIGHUP, the
/// unit's ExecReload) revokes a key. Run with the unit's command line and a real signal.
#[test]
fn reload_revokes_a_key_under_the_shipped_unit() {
    let unit = std::fs::read_to_string(repo("deploy/wijkwijzer.service")).unwrap();
    assert!(
        !unit.lines().any(|l| l.starts_with("LoadCredential")),
        "a credential is a copy that a reload does not refresh"
    );
    assert!(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"));
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .unwrap();
    let args = shipped(exec.split_once(' ').unwrap().1);
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let env = local_env(dir.path(), port);
    let keys_file = dir.path().join("keys.toml");
    let (gone, gone_entry) = generate("vertrokken", false).unwrap();
    let (stays, stays_entry) = generate("blijft", false).unwrap();
    std::fs::write(&keys_file, format!("{gone_entry}\n{stays_entry}")).unwrap();
    let running = start(&args, &env, port);
    let status = |key: &str| {
        let out = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H"])
            .arg(format!("Authorization: Bearer {key}"))
            .arg(format!("http://127.0.0.1:{port}/v1/layers"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert_eq!(status(&gone), "200");
    std::fs::write(&keys_file, stays_entry).unwrap();
    let hup = Command::new("kill")
        .args(["-HUP", &running.0.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    let mut revoked = false;
    for _ in 0..100 {
        if status(&gone) == "401" {
            revoked = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(revoked, "the removed key still works after SIGHUP");
    assert_eq!(status(&stays), "200");
}

/// Issue 24, 16: a SIGHUP while the service is still loading its data (a large address file
/// takes seconds) does not kill it: it comes up and serves.
#[test]
fn a_reload_asked_for_during_start_up_does_not_kill_the_service() {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // After the process has started, well before its index is built.
    std::thread::sleep(std::time::Duration::from_millis(40));
    assert!(
        Command::new("kill")
            .args(["-HUP", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let mut up = false;
    for _ in 0..200 {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the service died on SIGHUP during start-up: {status}");
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(up, "the service never came up");
}
