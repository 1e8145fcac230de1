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

/// Whether a tool the nginx test needs is installed. CI sets WIJKWIJZER_REQUIRE_NGINX, and
/// there a missing one fails the test instead of skipping it unseen.
fn have(tool: &str, args: &[&str], install: &str) -> bool {
    let ok = Command::new(tool)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("WIJKWIJZER_REQUIRE_NGINX").is_none(),
            "{tool} is required (WIJKWIJZER_REQUIRE_NGINX) but not installed"
        );
        eprintln!("skipping: {tool} is not installed ({install})");
    }
    ok
}

/// The shipped `deploy/nginx.conf` run by a real nginx from a scratch directory: only its
/// listen addresses (on 127.0.0.2, so that clients can call from other loopback addresses),
/// upstream, certificate paths and log paths are put in place. Stopped when dropped.
struct Nginx {
    child: std::process::Child,
    dir: tempfile::TempDir,
    https: u16,
    http: u16,
}

impl Nginx {
    async fn start(nginx: &str, upstream: &str) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        // Made here, for this run only: a self-signed certificate for the address nginx is on.
        let cert = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
            .args(["ec_paramgen_curve:P-256", "-nodes", "-days", "1"])
            .args(["-subj", "/CN=wijkwijzer test", "-addext"])
            .args(["subjectAltName=IP:127.0.0.2", "-keyout"])
            .arg(dir.path().join("privkey.pem"))
            .arg("-out")
            .arg(dir.path().join("fullchain.pem"))
            .output()
            .unwrap();
        assert!(
            cert.status.success(),
            "openssl: {}",
            String::from_utf8_lossy(&cert.stderr)
        );
        let (https, http) = (free_port(), free_port());
        let shipped = std::fs::read_to_string(repo("deploy/nginx.conf")).unwrap();
        for (what, times) in [
            ("listen 443 ssl;", 1),
            ("listen 80;", 1),
            ("http://wijkwijzer:8080", 1),
            ("/etc/nginx/tls/", 2),
            ("/var/log/nginx/", 4),
        ] {
            assert_eq!(shipped.matches(what).count(), times, "{what}");
        }
        let site = shipped
            .replace("listen 443 ssl;", &format!("listen 127.0.0.2:{https} ssl;"))
            .replace("listen 80;", &format!("listen 127.0.0.2:{http};"))
            .replace("http://wijkwijzer:8080", &format!("http://{upstream}"))
            .replace("/etc/nginx/tls/", &format!("{d}/"))
            .replace("/var/log/nginx/", &format!("{d}/"));
        std::fs::write(dir.path().join("site.conf"), site).unwrap();
        // The site file goes inside `http`, as conf.d files do; nothing else logs.
        let conf = format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};\n  include {d}/site.conf;\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        let child = Command::new(nginx)
            .args([
                "-e",
                &format!("{d}/error.log"),
                "-c",
                &format!("{d}/nginx.conf"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let running = Nginx {
            child,
            dir,
            https,
            http,
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.2", https)).is_ok()
                && std::net::TcpStream::connect(("127.0.0.2", http)).is_ok()
            {
                return running;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("nginx did not start: {}", running.log("error.log"));
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("https://127.0.0.2:{}{path_and_query}", self.https)
    }

    /// curl's output for `args` (the test's HTTP client has no TLS), trusting only this
    /// run's certificate, from the local address `from`.
    async fn curl(&self, from: &str, args: &[&str]) -> String {
        let out = tokio::process::Command::new("curl")
            .args(["-sS", "--cacert"])
            .arg(self.dir.path().join("fullchain.pem"))
            .args(["--interface", from])
            .args(args)
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "curl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    async fn statuses(
        &self,
        from: &str,
        url: &str,
        n: usize,
        headers: &[(&str, &str)],
    ) -> Vec<u16> {
        let mut args = vec!["-o", "/dev/null", "-w", "%{http_code}"];
        let headers: Vec<String> = headers.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        for h in &headers {
            args.extend(["-H", h]);
        }
        args.push(url);
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(self.curl(from, &args).await.parse().unwrap());
        }
        out
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: a killed master leaves its workers running, still holding the
        // port and the scratch directory's log files.
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// nginx and openssl, or a skip (a failure where WIJKWIJZER_REQUIRE_NGINX is set).
fn nginx_and_openssl() -> Option<&'static str> {
    let Some(nginx) = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        assert!(
            std::env::var_os("WIJKWIJZER_REQUIRE_NGINX").is_none(),
            "nginx is required (WIJKWIJZER_REQUIRE_NGINX) but not installed"
        );
        eprintln!("skipping: nginx is not installed (apt-get install nginx-light)");
        return None;
    };
    (have("openssl", &["version"], "apt-get install openssl")
        && have("curl", &["--version"], "apt-get install curl"))
    .then_some(nginx)
}

/// Debian's nginx in front, configured by the shipped `deploy/nginx.conf` itself, over TLS;
/// clients on other loopback addresses. Neither `X-Forwarded-For` nor `Forwarded` sent by a
/// client lets it choose its bucket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_real_nginx_each_client_has_its_own_limit() {
    let Some(nginx) = nginx_and_openssl() else {
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
    let proxy = Nginx::start(nginx, base.trim_start_matches("http://")).await;
    let url = proxy.url("/v1/lookup?lat=50.85&lon=5.69");
    // Client A goes over its rate, and writes a spoofed address to try to escape it.
    let codes_a = proxy
        .statuses(
            "127.0.0.10",
            &url,
            10,
            &[("x-forwarded-for", "198.51.100.77")],
        )
        .await;
    let codes_b = proxy.statuses("127.0.0.11", &url, 3, &[]).await;
    // Client C names a new address in `Forwarded` on every request, to get a new bucket each.
    let mut codes_c = Vec::new();
    for n in 0..10 {
        let forwarded = format!("for=9.9.8.{n}");
        codes_c.extend(
            proxy
                .statuses("127.0.0.12", &url, 1, &[("forwarded", &forwarded)])
                .await,
        );
    }
    assert!(limited(&codes_a) >= 5, "A is limited: {codes_a:?}");
    assert_eq!(limited(&codes_b), 0, "B is not: {codes_b:?}");
    assert!(limited(&codes_c) >= 5, "C is limited: {codes_c:?}");
    // Without the proxy, A's spoofed header changes nothing either: A is an untrusted peer.
    let a = client_from("127.0.0.10");
    let direct = format!("{base}/v1/lookup?lat=50.85&lon=5.69");
    let codes = statuses(&a, &direct, 6, &[("x-forwarded-for", "203.0.113.50")]).await;
    assert!(limited(&codes) >= 2, "{codes:?}");
}

/// What the shipped proxy writes down: the path of a lookup, never its query (an address, a
/// caller's position), in the access log and in the error log, also when the service is
/// down; plain HTTP only redirects; a TLS 1.2 client is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shipped_nginx_serves_tls_and_logs_no_query() {
    let Some(nginx) = nginx_and_openssl() else {
        return;
    };
    let base = server(ServeConfig {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..ServeConfig::default()
    })
    .await;
    let proxy = Nginx::start(nginx, base.trim_start_matches("http://")).await;
    let from = "127.0.0.13";
    let address = proxy.url("/v1/lookup?q=Rechtstraat%2037%2C%20Maastricht");
    let position = proxy.url("/v1/lookup?lat=50.851234&lon=5.698765");
    let secret = ["Rechtstraat", "50.851234", "5.698765", "q=", "lat=", "?"];
    let headers = proxy
        .curl(
            from,
            &[
                "-D",
                "-",
                "-o",
                "/dev/null",
                "-H",
                "Referer: https://127.0.0.2/?q=Rechtstraat",
                &address,
            ],
        )
        .await;
    assert!(headers.starts_with("HTTP/1.1 200"), "{headers}");
    assert!(
        headers
            .to_ascii_lowercase()
            .contains("strict-transport-security: max-age="),
        "{headers}"
    );
    let tls12 = proxy
        .curl(
            from,
            &[
                "--tls-max",
                "1.2",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                &position,
            ],
        )
        .await;
    assert_eq!(tls12, "200");
    // Plain HTTP: a redirect to the same request over TLS, and nothing proxied.
    let plain = format!(
        "http://127.0.0.2:{}/v1/lookup?q=Rechtstraat%2037%2C%20Maastricht",
        proxy.http
    );
    let redirect = proxy
        .curl(
            from,
            &[
                "-o",
                "/dev/null",
                "-w",
                "%{http_code} %{redirect_url}",
                &plain,
            ],
        )
        .await;
    assert_eq!(
        redirect,
        "301 https://127.0.0.2/v1/lookup?q=Rechtstraat%2037%2C%20Maastricht"
    );
    let access = proxy.log("access.log");
    assert_eq!(access.lines().count(), 3, "{access}");
    assert_eq!(
        access.matches("\"GET /v1/lookup HTTP/1.1\" 200 ").count(),
        2,
        "{access}"
    );
    assert!(
        access.contains("\"GET /v1/lookup HTTP/1.1\" 301 "),
        "{access}"
    );
    assert!(access.lines().all(|l| l.starts_with(from)), "{access}");
    for s in secret {
        assert!(!access.contains(s), "{s} in the access log:\n{access}");
    }
    drop(proxy);

    // The service unreachable: nginx's `error`-level message would end with the request line.
    let down = Nginx::start(nginx, &format!("127.0.0.1:{}", free_port())).await;
    let code = down
        .curl(
            from,
            &[
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                &down.url("/v1/lookup?q=Rechtstraat%2037%2C%20Maastricht"),
            ],
        )
        .await;
    assert_eq!(code, "502");
    let access = down.log("access.log");
    assert!(
        access.contains("\"GET /v1/lookup HTTP/1.1\" 502 ") && access.contains("upstream=502"),
        "{access}"
    );
    let errors = down.log("error.log");
    for s in secret {
        assert!(!access.contains(s), "{s} in the access log:\n{access}");
        assert!(!errors.contains(s), "{s} in the error log:\n{errors}");
    }
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
    // Once the process has taken SIGHUP over (its first step; a signal before that is the
    // kernel's to act on, on a loaded machine after any fixed delay), and before it listens.
    let catches_hup = || {
        std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            .ok()
            .and_then(|s| {
                let mask = s
                    .lines()
                    .find_map(|l| l.strip_prefix("SigCgt:"))?
                    .trim()
                    .to_string();
                u64::from_str_radix(&mask, 16).ok()
            })
            .is_some_and(|mask| mask & 1 != 0)
    };
    let waited = std::time::Instant::now();
    while !catches_hup() {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(30),
            "the service never took SIGHUP over"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the service was already listening: this would not test its start-up"
    );
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
