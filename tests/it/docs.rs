//! Issue 26, 5: the commands in the README and `docs/` stay true. Every fenced block whose
//! info string is `sh runnable` is run by bash (`set -euo pipefail`) in a scratch directory,
//! with `wijkwijzer` on the PATH (this build's binary) and a server on the embedded data
//! standing in for `http://127.0.0.1:8080`. `cargo run --release --` is read as `wijkwijzer`.
//! A block that needs the internet or a 3.6 GB extract is left unmarked, and the docs say so.

use std::path::PathBuf;
use std::process::Command;

use crate::{free_port, start};

/// The `sh runnable` blocks of a Markdown file, with the line each starts on.
fn runnable_blocks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut current {
            None if line.trim_start().starts_with("```sh runnable") => {
                current = Some((i + 1, String::new()));
            }
            Some((_, body)) if line.trim_start().starts_with("```") => {
                let block = std::mem::take(body);
                out.push((current.take().map(|(l, _)| l).unwrap_or_default(), block));
            }
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    assert!(current.is_none(), "a runnable block is not closed");
    out
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Markdown files a reader is sent to.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![repo().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// A scratch directory that reads like the repository (its inputs are linked, read-only use)
/// but where everything a block writes stays.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["data", "tests", "deploy", "scripts"] {
        std::os::unix::fs::symlink(repo().join(name), dir.path().join(name)).unwrap();
    }
    // A copy, since a block may rebuild it.
    crate::copy_dir(&repo().join("geodata"), &dir.path().join("geodata"));
    dir
}

#[test]
fn every_runnable_command_in_the_docs_works() {
    let port = free_port();
    let _server = start(
        &[
            "serve".into(),
            "--listen".into(),
            format!("127.0.0.1:{port}"),
        ],
        &[],
        port,
    );
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_wijkwijzer"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    let mut failures = Vec::new();
    for file in documents() {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(repo()).unwrap().display().to_string();
        for (line, block) in runnable_blocks(&text) {
            let script = block
                .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"))
                .replace("localhost:8080", &format!("localhost:{port}"))
                .replace("cargo run --release --", "wijkwijzer");
            let dir = scratch();
            let out = Command::new("bash")
                .args(["-c", &format!("set -euo pipefail\n{script}")])
                .current_dir(dir.path())
                .env("PATH", &path)
                .env_remove("WIJKWIJZER_GEODATA")
                .env_remove("WIJKWIJZER_ADDRESSES")
                .output()
                .unwrap();
            ran += 1;
            if !out.status.success() {
                failures.push(format!(
                    "{name}:{line}: exit {:?}\n{block}\nstdout:\n{}\nstderr:\n{}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    assert!(
        ran >= 10,
        "only {ran} runnable blocks: the markers were lost"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_front_page_stays_a_front_page() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines < 250,
        "README.md has {lines} lines; move detail to docs/"
    );
    // Every document it sends a reader to exists, and every document is linked from it.
    for file in documents().iter().skip(1) {
        let rel = file.strip_prefix(repo()).unwrap().display().to_string();
        assert!(
            readme.contains(&format!("]({rel})")),
            "README does not link {rel}"
        );
    }
}

#[test]
fn blocks_are_found_as_written() {
    let text = "a\n```sh runnable\necho 1\necho 2\n```\n```sh\nnot this\n```\n";
    assert_eq!(runnable_blocks(text), [(2, "echo 1\necho 2\n".to_string())]);
}
