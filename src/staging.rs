//! Replacing data on disk so that no reader ever sees it half-written.
//!
//! An import or download first writes into a staging directory (or file) beside its target, the
//! caller checks the staged result, and only then is it moved into place by rename, which is
//! atomic within a filesystem. An import that is interrupted or refused leaves the previous data
//! as it was; its staging directory is removed, or, if the process was killed, by the next run.

use std::io;
use std::path::{Path, PathBuf};

/// When an error's text is a full disk or quota (ENOSPC, EDQUOT; Rust prints the OS's code), a
/// sentence on the room there is: free bytes on the filesystem that holds `target`, and what the
/// data there takes now (an import needs about that much again, beside it, while it writes).
///
/// The errors of imports reach the command line as text (they name a file and a feature), so
/// the code is read from the text rather than from an `io::Error` long gone.
pub fn no_room(error: &str, target: &Path) -> Option<String> {
    if !(error.contains("(os error 28)") || error.contains("(os error 122)")) {
        return None;
    }
    let mut dir = target;
    while !dir.exists() {
        dir = dir.parent().filter(|p| !p.as_os_str().is_empty())?;
    }
    let free = rustix::fs::statvfs(dir)
        .ok()
        .map(|s| s.f_bavail.saturating_mul(s.f_frsize));
    let mut out = format!(
        "{} free on the filesystem holding {}",
        free.map_or_else(|| "nothing known".into(), human),
        dir.display()
    );
    let used = size_of(target);
    if used > 0 {
        out.push_str(&format!(
            "; {} takes {} now, and an import needs about that much free beside it",
            target.display(),
            human(used)
        ));
    }
    Some(out)
}

/// The bytes of a file, or of every file under a directory.
fn size_of(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(path)
        .map(|entries| entries.flatten().map(|e| size_of(&e.path())).sum())
        .unwrap_or(0)
}

fn human(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB * KIB {
        format!("{:.1} GiB", b / (KIB * KIB * KIB))
    } else if b >= KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else {
        format!("{:.0} KiB", b / KIB)
    }
}

/// A directory being prepared to replace `target`.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "data".into());
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Removes staging leftovers of runs that were killed (their process no longer exists).
fn remove_stale(target: &Path) {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let Some((_, pid)) = rest.rsplit_once('-') else {
            continue;
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = std::fs::remove_dir_all(e.path()).or_else(|_| std::fs::remove_file(e.path()));
        }
    }
}

impl Staging {
    /// Starts a staging directory for `target`, holding a copy of the files `target` already
    /// has (a hand-edited roster, an address file), so that the new data keeps them.
    pub fn new(target: &Path) -> io::Result<Staging> {
        remove_stale(target);
        let dir = sibling(target, "staging");
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        let staging = Staging {
            target: target.to_path_buf(),
            dir,
            committed: false,
        };
        if target.is_dir() {
            for e in std::fs::read_dir(target)? {
                let e = e?;
                if e.file_type()?.is_file() {
                    std::fs::copy(e.path(), staging.dir.join(e.file_name()))?;
                }
            }
        }
        Ok(staging)
    }

    /// Where to write.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Puts the staged directory in the target's place. On Linux the two directories are
    /// exchanged in one atomic step (`renameat2` with `RENAME_EXCHANGE`), so there is no
    /// moment without data; elsewhere the target is moved aside first.
    pub fn commit(mut self) -> io::Result<()> {
        if self.target.is_dir()
            && rustix::fs::renameat_with(
                rustix::fs::CWD,
                &self.dir,
                rustix::fs::CWD,
                &self.target,
                rustix::fs::RenameFlags::EXCHANGE,
            )
            .is_ok()
        {
            // The staging path now holds the previous data.
            self.committed = true;
            let _ = std::fs::remove_dir_all(&self.dir);
            return Ok(());
        }
        if self.target.exists() {
            let previous = sibling(&self.target, "previous");
            if previous.exists() {
                std::fs::remove_dir_all(&previous)?;
            }
            std::fs::rename(&self.target, &previous)?;
            if let Err(e) = std::fs::rename(&self.dir, &self.target) {
                // Put the old data back rather than leave no data at all.
                let _ = std::fs::rename(&previous, &self.target);
                return Err(e);
            }
            let _ = std::fs::remove_dir_all(&previous);
        } else {
            if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::rename(&self.dir, &self.target)?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A file being prepared to replace `target`: write to [`StagedFile::path`], then commit.
#[derive(Debug)]
pub struct StagedFile {
    target: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl StagedFile {
    pub fn new(target: &Path) -> StagedFile {
        remove_stale(target);
        StagedFile {
            target: target.to_path_buf(),
            tmp: sibling(target, "partial"),
            committed: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.tmp
    }

    pub fn commit(mut self) -> io::Result<()> {
        std::fs::rename(&self.tmp, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
