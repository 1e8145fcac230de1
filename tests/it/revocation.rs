//! Revocation fails closed: when a reload cannot read or parse the key file (a typo in the
//! edit that removed a key, the file deleted, unreadable), no key works until a reload reads a
//! good file. Key holders get a 503 problem that says the key file is broken, anonymous callers
//! are answered as before, `/healthz` and `/metrics` say keyed access is suspended, and a good
//! file restores it. Run against the real binary, reloaded by SIGHUP, `POST /admin/reload` and
//! `--watch-secs`, as an administrator would.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use wijkwijzer::auth::generate;

use crate::{Running, free_port};

/// A name the roster shows to key holders only.
const PERSON: &str = "Test Persoon Revocatie";
const LOOKUP: &str = "/v1/lookup?lat=50.8489&lon=5.6879";

/// A copy of the shipped geodata whose roster names a person for Centrum / Zuid-West.
fn geodata_with_a_name(to: &Path) {
    crate::copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata"),
        to,
    );
    let roster = std::fs::read_to_string(to.join("roster.toml")).unwrap();
    let function =
        "function = \"Senior wijkgebonden medewerker THOR, LWA-gebied Centrum / Zuid-West\"";
    let named = roster.replacen(
        function,
        &format!("{function}\nperson = \"{PERSON}\"\nvalid_from = 2020-01-01"),
        1,
    );
    assert_ne!(named, roster);
    std::fs::write(to.join("roster.toml"), named).unwrap();
}

/// A running `wijkwijzer serve` on its own geodata and key file, its log kept in a file.
struct Service {
    dir: tempfile::TempDir,
    base: String,
    process: Running,
    client: reqwest::Client,
}

impl Service {
    /// Starts the binary with `keys` as its key file; `watch`: `--watch-secs 1`.
    fn start(keys: &str, watch: bool) -> Service {
        let dir = tempfile::tempdir().unwrap();
        let geodata = dir.path().join("geodata");
        geodata_with_a_name(&geodata);
        let keys_file = dir.path().join("keys.toml");
        std::fs::write(&keys_file, keys).unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("log")).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"));
        cmd.args(["serve", "--rate-limit", "0", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("--geodata")
            .arg(&geodata)
            .arg("--keys")
            .arg(&keys_file)
            .env_remove("RUST_LOG")
            .stdout(log)
            .stderr(Stdio::null());
        if watch {
            cmd.args(["--watch-secs", "1"]);
        }
        let process = Running(cmd.spawn().unwrap());
        let up = (0..400).any(|_| {
            std::thread::sleep(Duration::from_millis(50));
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(up, "wijkwijzer serve did not start");
        Service {
            dir,
            base: format!("http://127.0.0.1:{port}"),
            process,
            client: reqwest::Client::new(),
        }
    }

    fn keys_file(&self) -> PathBuf {
        self.dir.path().join("keys.toml")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap()
    }

    async fn get(&self, path: &str, key: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        req.send().await.unwrap()
    }

    async fn status(&self, key: Option<&str>) -> StatusCode {
        self.get(LOOKUP, key).await.status()
    }

    /// Whether a lookup with `key` answers 200 and shows the name.
    async fn unlocks_names(&self, key: &str) -> bool {
        let res = self.get(LOOKUP, Some(key)).await;
        res.status() == StatusCode::OK && res.text().await.unwrap().contains(PERSON)
    }

    async fn health(&self) -> Value {
        self.get("/healthz", None).await.json().await.unwrap()
    }

    async fn metrics(&self) -> String {
        self.get("/metrics", None).await.text().await.unwrap()
    }

    /// The value of a metric line that starts with `name` (0 when absent).
    async fn metric(&self, name: &str) -> u64 {
        self.metrics()
            .await
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or(0)
    }

    async fn reloads(&self) -> u64 {
        self.metric("wijkwijzer_reloads_total{outcome=\"ok\"}")
            .await
            + self
                .metric("wijkwijzer_reloads_total{outcome=\"refused\"}")
                .await
    }

    /// Sends SIGHUP and waits until the reload it asked for has finished, either way.
    async fn hup(&self) {
        let before = self.reloads().await;
        let sent = Command::new("kill")
            .args(["-HUP", &self.process.0.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.reloads().await == before {
            assert!(
                Instant::now() < deadline,
                "the SIGHUP reload did not finish"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn reload(&self, key: Option<&str>) -> reqwest::Response {
        let mut req = self.client.post(format!("{}/admin/reload", self.base));
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        req.send().await.unwrap()
    }

    /// Waits (the watcher looks every second) until a lookup with `key` answers `status`.
    async fn until_status(&self, key: &str, status: StatusCode) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.status(Some(key)).await != status {
            assert!(
                Instant::now() < deadline,
                "the key never got {status} (log:\n{})",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// That keyed access is suspended, as every caller sees it: `key` gets the 503 problem,
    /// which names neither the file nor anything in it; anonymous callers are answered.
    async fn assert_suspended(&self, key: &str, secrets: &[&str]) {
        let res = self.get(LOOKUP, Some(key)).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        let text = res.text().await.unwrap();
        let p: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(p["type"], "urn:wijkwijzer:problem:keys-suspended", "{p}");
        assert_eq!(p["status"], 503, "{p}");
        assert!(!p["title"].as_str().unwrap().is_empty(), "{p}");
        let detail = p["detail"].as_str().unwrap();
        assert!(
            detail.contains("key file") && detail.contains("administrator"),
            "{detail}"
        );
        let dir = self.dir.path().display().to_string();
        for secret in secrets.iter().copied().chain([dir.as_str(), "keys.toml"]) {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let anonymous = self.get(LOOKUP, None).await;
        assert_eq!(anonymous.status(), StatusCode::OK);
        assert!(!anonymous.text().await.unwrap().contains(PERSON));
        let health = self.health().await;
        assert_eq!(health["status"], "degraded", "{health}");
        assert_eq!(health["keyed_access"], "suspended", "{health}");
        assert!(!health.to_string().contains(&dir), "{health}");
        assert_eq!(self.metric("wijkwijzer_keyed_access_suspended").await, 1);
    }

    /// That keyed access works again, and `/healthz` and the gauge say so.
    async fn assert_resumed(&self, key: &str) {
        assert!(self.unlocks_names(key).await, "{}", self.log());
        let health = self.health().await;
        assert_eq!(health["keyed_access"], "ok", "{health}");
        assert_eq!(health["status"], "ok", "{health}");
        assert_eq!(self.metric("wijkwijzer_keyed_access_suspended").await, 0);
    }
}

/// The `hash = "…"` value of a key file entry.
fn hash_of(entry: &str) -> String {
    entry
        .lines()
        .find_map(|l| l.strip_prefix("hash = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_string()
}

/// (a, d, e) The edit that removes a key also leaves a typo: after SIGHUP the removed key no
/// longer unlocks names (nor does any other); a good file restores keyed access without the
/// removed key.
#[tokio::test]
async fn a_key_removed_in_a_broken_edit_stops_working_at_sighup() {
    let (admin, admin_entry) = generate("beheer", true).unwrap();
    let (removed, removed_entry) = generate("vertrokken", false).unwrap();
    let s = Service::start(&format!("{admin_entry}\n{removed_entry}"), false);
    assert!(s.unlocks_names(&removed).await);
    assert!(s.unlocks_names(&admin).await);
    assert!(
        !s.get(LOOKUP, None)
            .await
            .text()
            .await
            .unwrap()
            .contains(PERSON)
    );

    let broken = format!("{admin_entry}\n[[key]\nname = \"typo\"\n");
    let line = broken.lines().position(|l| l == "[[key]").unwrap() + 1;
    std::fs::write(s.keys_file(), &broken).unwrap();
    s.hup().await;
    let admin_hash = hash_of(&admin_entry);
    s.assert_suspended(&removed, &[&admin_hash[..16], "typo"])
        .await;
    s.assert_suspended(&admin, &[]).await;
    assert_eq!(
        s.status(Some("ww_a_key_no_file_ever_held")).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "no key can be judged while the file is broken"
    );
    assert_eq!(
        s.status(Some("")).await,
        StatusCode::UNAUTHORIZED,
        "a header that holds no key is the caller's fault"
    );
    let health = s.health().await;
    assert_eq!(
        health["last_reload_refused"],
        format!("keys.toml refused at line {line}"),
        "{health}"
    );
    assert_eq!(s.metric("wijkwijzer_key_file_refused_total").await, 1);
    assert!(
        s.metric("wijkwijzer_auth_failures_total{reason=\"keys-suspended\"}")
            .await
            >= 3
    );
    // The log is where the admin learns what is wrong, and where.
    let log = s.log();
    assert!(log.contains("keyed access is suspended"), "{log}");
    assert!(log.contains(&s.keys_file().display().to_string()), "{log}");

    std::fs::write(s.keys_file(), &admin_entry).unwrap();
    s.hup().await;
    s.assert_resumed(&admin).await;
    assert_eq!(
        s.status(Some(&removed)).await,
        StatusCode::UNAUTHORIZED,
        "the removed key came back"
    );
    assert_eq!(s.metric("wijkwijzer_key_file_refused_total").await, 1);
}

/// (a) The same edit sent by `POST /admin/reload`: the admin who asked gets the 422 with the
/// problems, then is locked out with every other key; `/admin/reload` cannot recover (no key
/// can authenticate), SIGHUP does.
#[tokio::test]
async fn a_broken_key_file_reloaded_over_http_needs_sighup_to_recover() {
    let (admin, admin_entry) = generate("beheer", true).unwrap();
    let (removed, removed_entry) = generate("vertrokken", false).unwrap();
    let s = Service::start(&format!("{admin_entry}\n{removed_entry}"), false);
    assert!(s.unlocks_names(&removed).await);

    std::fs::write(s.keys_file(), format!("{admin_entry}\nscopes = [\n")).unwrap();
    let res = s.reload(Some(&admin)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert!(
        p["problems"][0].as_str().unwrap().contains("keys.toml"),
        "the admin who asked sees what was refused: {p}"
    );
    s.assert_suspended(&removed, &[]).await;
    assert_eq!(
        s.reload(Some(&admin)).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(s.reload(None).await.status(), StatusCode::UNAUTHORIZED);

    // Fixing the file is not enough by itself: nothing has read it yet.
    std::fs::write(s.keys_file(), &admin_entry).unwrap();
    assert_eq!(
        s.reload(Some(&admin)).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    s.hup().await;
    s.assert_resumed(&admin).await;
    assert_eq!(s.reload(Some(&admin)).await.status(), StatusCode::OK);
    assert_eq!(s.status(Some(&removed)).await, StatusCode::UNAUTHORIZED);
}

/// (a, b, d) With `--watch-secs`, no signal: a broken edit that removes a key suspends keyed
/// access, so does deleting the file, and putting a good file back resumes it.
#[tokio::test]
async fn the_watcher_suspends_keyed_access_for_a_broken_or_deleted_file() {
    let (kept, kept_entry) = generate("blijft", false).unwrap();
    let (removed, removed_entry) = generate("vertrokken", false).unwrap();
    let s = Service::start(&format!("{kept_entry}\n{removed_entry}"), true);
    assert!(s.unlocks_names(&removed).await);

    std::fs::write(s.keys_file(), format!("{kept_entry}\nrate_burst = \"x")).unwrap();
    s.until_status(&removed, StatusCode::SERVICE_UNAVAILABLE)
        .await;
    s.assert_suspended(&removed, &[]).await;
    s.assert_suspended(&kept, &[]).await;

    std::fs::write(s.keys_file(), &kept_entry).unwrap();
    s.until_status(&kept, StatusCode::OK).await;
    s.assert_resumed(&kept).await;
    assert_eq!(s.status(Some(&removed)).await, StatusCode::UNAUTHORIZED);

    std::fs::remove_file(s.keys_file()).unwrap();
    s.until_status(&kept, StatusCode::SERVICE_UNAVAILABLE).await;
    s.assert_suspended(&kept, &[]).await;
    assert_eq!(s.health().await["last_reload_refused"], "keys.toml refused");
    assert_eq!(s.metric("wijkwijzer_key_file_refused_total").await, 2);

    std::fs::write(s.keys_file(), &kept_entry).unwrap();
    s.until_status(&kept, StatusCode::OK).await;
    s.assert_resumed(&kept).await;
}

/// (b, c, d) At SIGHUP: a deleted key file and one that cannot be read suspend keyed access;
/// the file back, readable, resumes it. A directory in the file's place is unreadable for
/// anyone; `chmod 000` is only for other users than root (root reads through it, and a key
/// file root can read is a good key file).
#[tokio::test]
async fn a_deleted_or_unreadable_key_file_suspends_keyed_access_at_sighup() {
    use std::os::unix::fs::PermissionsExt;
    let (key, entry) = generate("meldkamer", false).unwrap();
    let s = Service::start(&entry, false);
    let file = s.keys_file();
    assert!(s.unlocks_names(&key).await);

    std::fs::remove_file(&file).unwrap();
    s.hup().await;
    s.assert_suspended(&key, &[]).await;
    assert_eq!(s.health().await["last_reload_refused"], "keys.toml refused");
    std::fs::write(&file, &entry).unwrap();
    s.hup().await;
    s.assert_resumed(&key).await;

    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    s.hup().await;
    s.assert_suspended(&key, &[]).await;
    std::fs::remove_dir(&file).unwrap();
    std::fs::write(&file, &entry).unwrap();
    s.hup().await;
    s.assert_resumed(&key).await;
    assert_eq!(s.metric("wijkwijzer_key_file_refused_total").await, 2);

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let blocked = std::fs::read(&file).is_err();
    s.hup().await;
    if blocked {
        s.assert_suspended(&key, &[]).await;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        s.hup().await;
        s.assert_resumed(&key).await;
    } else {
        // Running as root: the mode does not stop the service either, so the keys stand.
        s.assert_resumed(&key).await;
    }
}
