//! Replacing data on disk so that no reader ever sees it half-written, and no failed or
//! mistaken run destroys what was there.
//!
//! An import or download first writes into a staging directory (or file) beside its target, the
//! caller checks the staged result, and only then is it moved into place by rename, which is
//! atomic within a filesystem. An import that is interrupted or refused leaves the previous data
//! as it was; its staging directory is removed, or, if the process was killed, by the next run.
//!
//! Every command that writes a file the user named (`classify -o` and `--report`, `sheet
//! --out`) goes through [`Output`], the one place for the rule: `-` is standard output, a device
//! or FIFO is written directly (a rename would replace the device itself), and a regular file or
//! a new path is staged and replaces its target only once the answer is complete. [`FileId`] and
//! [`same_output`] let a command refuse to write over its own input.

use std::io;
use std::path::{Path, PathBuf};

/// Whether an I/O error's kind is a full disk (ENOSPC) or an exhausted quota (EDQUOT): what
/// makes room, not another try, the cure.
pub fn is_full(kind: io::ErrorKind) -> bool {
    matches!(
        kind,
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

/// A sentence on the room there is for `target`: free bytes on the filesystem that holds it,
/// and what the data there takes now (an import needs about that much again, beside it, while
/// it writes). For an error [`is_full`] recognised; `None` when nothing on the way to `target`
/// exists.
pub fn room_for(target: &Path) -> Option<String> {
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
        let Some((tag, pid)) = rest.rsplit_once('-') else {
            continue;
        };
        // Only names this module makes: `.f.csv.old-2023` is somebody's file.
        let ours = ["staging", "previous"].contains(&tag)
            || tag
                .strip_prefix("partial")
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
        if !ours || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
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
        // Without this, a target that is a file or a device (`--out /dev/null` as root) would be
        // moved aside and a directory put in its place.
        if std::fs::metadata(target).is_ok_and(|m| !m.is_dir()) {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "exists and is not a directory",
            ));
        }
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
    /// Stages a file for `target`; a symlink there is followed, so the file it points to is
    /// replaced and the link kept.
    pub fn new(target: &Path) -> StagedFile {
        let target = resolve_links(target);
        remove_stale(&target);
        StagedFile {
            tmp: sibling(&target, "partial"),
            target,
            committed: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Renames the staged file over the target; refused when the target is not a regular file
    /// (a device, a FIFO, a directory), which the rename would replace.
    pub fn commit(mut self) -> io::Result<()> {
        replaceable(&self.target)?;
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

/// Refuses a path that holds something other than a regular file (after symlinks): a staged
/// file renamed over a directory, device or FIFO would put a file in its place. A new path is
/// fine. For outputs that are files by nature (an address file, a key file).
pub fn replaceable(path: &Path) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is not a regular file ({}); give a file's path",
                path.display(),
                kind(&m)
            ),
        )),
        _ => Ok(()),
    }
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_symlink() {
        "a symlink"
    } else {
        "not a file"
    }
}

/// `path` with the symlinks of its last component followed (a dangling one too, so that a
/// new file is made where the link points): the file a rename must replace to keep the link.
fn resolve_links(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    // As the kernel does, give up on a loop after 40 links.
    for _ in 0..40 {
        match std::fs::read_link(&p) {
            Ok(link) if link.is_absolute() => p = link,
            Ok(link) => p = parent_of(&p).join(link),
            Err(_) => break,
        }
    }
    p
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The identity of a regular file: its device and inode, the same for every path, link or open
/// handle that reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    fn of_meta(meta: &std::fs::Metadata) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        meta.is_file().then(|| FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        })
    }

    /// The regular file at `path` (after symlinks), if there is one.
    pub fn of_path(path: &Path) -> Option<FileId> {
        FileId::of_meta(&std::fs::metadata(path).ok()?)
    }

    /// The regular file an open file is, if it is one.
    pub fn of_file(file: &std::fs::File) -> Option<FileId> {
        FileId::of_meta(&file.metadata().ok()?)
    }

    /// The regular file a stream (standard input or output) reads or writes, if it is one.
    pub fn of_stream(stream: impl std::os::fd::AsFd) -> Option<FileId> {
        let fd = stream.as_fd().try_clone_to_owned().ok()?;
        FileId::of_file(&std::fs::File::from(fd))
    }
}

/// Whether `path` means standard output: `-`, or `/dev/stdout`, which opened by name would
/// write from the start of a file that `>>` appends to.
fn is_stdout(path: &Path) -> bool {
    path == Path::new("-") || path == Path::new("/dev/stdout")
}

/// The regular file an [`Output`] at `path` would write into or replace, if there is one.
pub fn output_id(path: &Path) -> Option<FileId> {
    if is_stdout(path) {
        FileId::of_stream(io::stdout())
    } else {
        FileId::of_path(path)
    }
}

/// Whether two outputs would land in the same place: both standard output, the same regular
/// file, or (neither existing yet) the same name in the same directory.
pub fn same_output(a: &Path, b: &Path) -> bool {
    if is_stdout(a) && is_stdout(b) {
        return true;
    }
    if let (Some(x), Some(y)) = (output_id(a), output_id(b)) {
        return x == y;
    }
    let new = |p: &Path| !is_stdout(p) && std::fs::metadata(p).is_err();
    if !(new(a) && new(b)) {
        return false;
    }
    let place = |p: &Path| {
        let p = resolve_links(p);
        Some((
            std::fs::canonicalize(parent_of(&p)).ok()?,
            p.file_name()?.to_owned(),
        ))
    };
    place(a).is_some_and(|x| place(b) == Some(x))
}

/// A file the user named for a command's answer. Write to it, then [`Output::commit`]; dropped
/// uncommitted (the command failed), a regular file is left as it was and the staged copy is
/// removed.
#[derive(Debug)]
pub struct Output {
    sink: Sink,
}

#[derive(Debug)]
enum Sink {
    Stdout(io::StdoutLock<'static>),
    /// A device or FIFO: what is written is a stream, not a file's content to keep.
    Direct(std::fs::File),
    Staged {
        file: std::fs::File,
        tmp: PathBuf,
        target: PathBuf,
        committed: bool,
    },
}

/// Numbers the staged files of one process, which may stage several at once.
static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

impl Output {
    /// Opens the output `path` names: `-` or `/dev/stdout` is standard output; a device or FIFO
    /// is opened for writing, as it is (a rename over it would replace `/dev/null` itself); a
    /// regular file or new path gets a staged file beside it, in the directory of the file a
    /// symlink points to, so the link is kept.
    ///
    /// A replaced file keeps its permissions, and its owner and group where the process may set
    /// them (as root); a new file gets the usual mode (0666 less the umask). A file the process
    /// may not write is refused, as writing into it would be, even where the directory would
    /// allow the rename.
    pub fn create(path: &Path) -> io::Result<Output> {
        if is_stdout(path) {
            return Ok(Output {
                sink: Sink::Stdout(io::stdout().lock()),
            });
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => return Err(io::ErrorKind::IsADirectory.into()),
            Ok(m) if !m.is_file() => {
                let file = std::fs::OpenOptions::new().write(true).open(path)?;
                return Ok(Output {
                    sink: Sink::Direct(file),
                });
            }
            _ => {}
        }
        let target = resolve_links(path);
        let existing = std::fs::metadata(&target).ok();
        if existing.is_some() {
            rustix::fs::access(&target, rustix::fs::Access::WRITE_OK)?;
        }
        remove_stale(&target);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = sibling(&target, &format!("partial{n}"));
        let file = {
            use std::os::unix::fs::OpenOptionsExt;
            let mut open = std::fs::OpenOptions::new();
            open.write(true).create_new(true);
            if existing.is_some() {
                // Private until it has the old file's mode: the answer may be internal.
                open.mode(0o600);
            }
            open.open(&tmp)?
        };
        let out = Output {
            sink: Sink::Staged {
                file,
                tmp,
                target,
                committed: false,
            },
        };
        if let (Some(old), Sink::Staged { file, .. }) = (existing, &out.sink) {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            // Owner first: a chown clears the set-id bits the mode may carry. Not allowed (not
            // root, not our group), the file is ours, as any file we make.
            let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()))
                .or_else(|_| std::os::unix::fs::fchown(file, None, Some(old.gid())));
            file.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o7777))?;
        }
        Ok(out)
    }

    /// Whether this is standard output.
    pub fn is_stdout(&self) -> bool {
        matches!(self.sink, Sink::Stdout(_))
    }

    /// Finishes the answer: flushed to standard output or the device; a staged file is synced
    /// to disk and renamed over its target.
    pub fn commit(mut self) -> io::Result<()> {
        use io::Write as _;
        match &mut self.sink {
            Sink::Stdout(s) => s.flush(),
            Sink::Direct(f) => f.flush(),
            Sink::Staged {
                file,
                tmp,
                target,
                committed,
            } => {
                file.sync_all()?;
                // Something else may have been put there since the output was opened.
                if let Ok(m) = std::fs::symlink_metadata(&*target)
                    && !m.is_file()
                {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!(
                            "{} is no longer a regular file ({})",
                            target.display(),
                            kind(&m)
                        ),
                    ));
                }
                std::fs::rename(&*tmp, &*target)?;
                *committed = true;
                Ok(())
            }
        }
    }
}

impl io::Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Stdout(s) => s.write(buf),
            Sink::Direct(f) | Sink::Staged { file: f, .. } => f.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(s) => s.write_all(buf),
            Sink::Direct(f) | Sink::Staged { file: f, .. } => f.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(s) => s.flush(),
            Sink::Direct(f) | Sink::Staged { file: f, .. } => f.flush(),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Sink::Staged {
            tmp,
            committed: false,
            ..
        } = &self.sink
        {
            let _ = std::fs::remove_file(tmp);
        }
    }
}
