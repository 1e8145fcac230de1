//! chromedriver and everything it starts, ended together when the test ends, also when it
//! panics half-way.
//!
//! Killing chromedriver alone orphans Chromium: every failed run used to leave a browser and
//! its helpers running. chromedriver runs in a process group of its own, which Chromium and
//! its renderers inherit, so that one signal reaches them all. Chromium's crash handler leaves
//! that group (it starts a session of its own); its database lies under the config directory,
//! which this guard points into its own temporary directory, so its command line names that
//! directory, and so does every Chromium process through `--user-data-dir`.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

pub struct Browser {
    child: Child,
    port: u16,
    home: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port, in a process group of its own.
    pub fn start(chromedriver: &Path) -> Browser {
        let home = tempfile::tempdir().unwrap();
        let port = crate::free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .process_group(0)
            .env("XDG_CONFIG_HOME", home.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        Browser { child, port, home }
    }

    /// The process group: chromedriver's pid, as `process_group(0)` made it the leader.
    pub fn pgid(&self) -> u32 {
        self.child.id()
    }

    /// The directory whose path every process of this browser carries in its command line.
    pub fn home(&self) -> PathBuf {
        self.home.path().to_path_buf()
    }

    /// A WebDriver session with headless `chromium`, its profile inside `home`.
    pub async fn connect(&self, chromium: &Path) -> Client {
        let profile = self.home.path().join("profile");
        let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                         format!("--user-data-dir={}", profile.display())]
            }
        }))
        .unwrap();
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await
            {
                Ok(c) => return c,
                Err(e) => {
                    assert!(Instant::now() < deadline, "cannot reach chromedriver: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }

    /// This browser's processes that still run, as "pid command line".
    pub fn processes(&self) -> Vec<String> {
        running(self.pgid(), self.home.path())
    }

    /// Kills chromedriver, Chromium and its helpers, and waits until they are gone; returns
    /// those still running after 10 seconds.
    pub fn stop(&mut self) -> Vec<String> {
        let pgid = self.pgid();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // Again on every round: a process forked while the first signal was on its way
            // escapes it.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pgid}")])
                .stderr(Stdio::null())
                .status();
            let left = running(pgid, self.home.path());
            // The crash handler, outside the group.
            let pids: Vec<&str> = left.iter().filter_map(|p| p.split(' ').next()).collect();
            if !pids.is_empty() {
                let _ = Command::new("kill")
                    .arg("-KILL")
                    .args(&pids)
                    .stderr(Stdio::null())
                    .status();
            }
            // Only chromedriver is ours to reap; init reaps the orphans.
            let _ = self.child.try_wait();
            if left.is_empty() || Instant::now() >= deadline {
                return left;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let left = self.stop();
        // No panic here: during a failed test's unwinding it would abort the whole run.
        if !left.is_empty() {
            eprintln!("browser processes left running: {left:?}");
        }
    }
}

/// The live processes in process group `pgid` or with `home` in their command line, as
/// "pid command line". Zombies do not count: they are dead and wait for init to reap them,
/// which no signal speeds up.
pub fn running(pgid: u32, home: &Path) -> Vec<String> {
    let home = home.to_string_lossy();
    let mut found = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in dir.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        // Gone between the listing and the read: not running.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let (Some(state), Some(pgrp)) = (fields.first(), fields.get(2)) else {
            continue;
        };
        if matches!(*state, "Z" | "X") {
            continue;
        }
        let cmdline = std::fs::read(entry.path().join("cmdline"))
            .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
            .unwrap_or_default();
        if *pgrp == pgid.to_string() || cmdline.contains(home.as_ref()) {
            found.push(format!("{pid} {}", cmdline.trim_end()));
        }
    }
    found
}
