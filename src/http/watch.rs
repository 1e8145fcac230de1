//! Seeing when the files change, for where no one sends SIGHUP: in Kubernetes a Secret or
//! ConfigMap is updated in place in every pod, but `POST /admin/reload` reaches one replica
//! through the Service, so a revoked key went on working in the others.
//!
//! Every `watch-secs` the service looks at the key file, the data directory and the address
//! file (size, modification time, change time and inode, following symbolic links: Kubernetes
//! swaps a `..data` link, which changes the inode of every file seen through it; `chmod` and
//! `chown` change only the change time, and can make the key file unreadable). A change is
//! acted on once it has held still for one look, so a file caught while it is being written is
//! not read; then only what changed is read again: the keys alone, or the keys and the data. A
//! file that disappears is a change too. As on SIGHUP, refused data keeps the previous data
//! while a refused key file suspends keyed access (see [`super::AppState::reload`]); either is
//! tried again when it next changes, so fixing the key file is enough to resume keyed access.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What is known of one file: length, modification time, change time (seconds, nanoseconds),
/// inode; `None` when it is missing.
type Seen = Option<(u64, SystemTime, (i64, i64), u64)>;

/// The files a reload reads, and what was seen of them.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Looks {
    pub(super) keys: Vec<(PathBuf, Seen)>,
    data: Vec<(PathBuf, Seen)>,
}

fn seen(path: &Path) -> Seen {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some((
        m.len(),
        m.modified().ok()?,
        (m.ctime(), m.ctime_nsec()),
        m.ino(),
    ))
}

/// Every file under `dir` (the data is a few files and a few levels at most). Kubernetes'
/// own `..data` and `..<timestamp>` entries are skipped: the files are seen through their links.
fn files_under(dir: &Path, depth: usize, out: &mut Vec<(PathBuf, Seen)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push((dir.to_path_buf(), None));
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with(".."))
        .map(|e| e.path())
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            if depth > 0 {
                files_under(&path, depth - 1, out);
            }
        } else {
            let s = seen(&path);
            out.push((path, s));
        }
    }
}

impl Looks {
    /// What the files a reload reads look like now. Taken when the service is built and at
    /// the start of every reload, before the files are read: a change made while they are
    /// being read is then a change from what was looked at, and is acted on.
    pub(super) fn take(
        keys: Option<&Path>,
        data_dir: Option<&Path>,
        addresses: Option<&Path>,
    ) -> Looks {
        let keys = keys.iter().map(|p| (p.to_path_buf(), seen(p))).collect();
        let mut data = Vec::new();
        if let Some(dir) = data_dir {
            files_under(dir, 3, &mut data);
        }
        if let Some(addresses) = addresses {
            data.push((addresses.to_path_buf(), seen(addresses)));
        }
        Looks { keys, data }
    }

    /// Whether the data files look as in `other` (the key file aside).
    pub(super) fn same_data(&self, other: &Looks) -> bool {
        self.data == other.data
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_link_swapped_as_kubernetes_does_is_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("..v1")).unwrap();
        std::fs::write(d.join("..v1/keys.toml"), "a").unwrap();
        std::os::unix::fs::symlink("..v1", d.join("..data")).unwrap();
        std::os::unix::fs::symlink("..data/keys.toml", d.join("keys.toml")).unwrap();
        let mut before = Vec::new();
        files_under(d, 1, &mut before);
        assert_eq!(before.len(), 1, "{before:?}");
        // The same length and, within a second, maybe the same time: only the inode differs.
        std::fs::create_dir(d.join("..v2")).unwrap();
        std::fs::write(d.join("..v2/keys.toml"), "b").unwrap();
        std::os::unix::fs::symlink("..v2", d.join("..data_tmp")).unwrap();
        std::fs::rename(d.join("..data_tmp"), d.join("..data")).unwrap();
        let mut after = Vec::new();
        files_under(d, 1, &mut after);
        assert_ne!(before, after);
    }

    #[test]
    fn a_chmod_is_a_change() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys.toml");
        std::fs::write(&file, "a").unwrap();
        let before = seen(&file);
        // The change time has a kernel tick's resolution; a moment keeps the two apart.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
        assert_ne!(before, seen(&file));
    }
}
