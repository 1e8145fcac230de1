//! No command destroys a user's file: an output that is the input is refused, a failed run
//! leaves an existing output as it was (and no staged copy beside it), and devices, FIFOs and
//! `-` are written through, never replaced.

use std::collections::BTreeSet;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

/// Two rows placed in Maastricht.
const PLACED: &str = "id,lat,lon\n1,50.8514,5.6910\n2,50.8489,5.6879\n";
/// The second row is in Brussels: the answer is complete, with a row not placed (exit 1).
const PARTLY: &str = "id,lat,lon\n1,50.8514,5.6910\n2,50.8466,4.3528\n";

/// Runs the binary in `dir`: (exit code, stdout bytes, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .current_dir(dir)
        .args(args)
        .env_remove("WIJKWIJZER_GEODATA")
        .env_remove("WIJKWIJZER_ADDRESSES")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn mkfifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
}

/// Reads a FIFO to its end on a thread while `f` runs; if `f` never opened the FIFO for
/// writing (or panicked), the reader is released rather than the test hanging, and reads
/// nothing.
fn read_fifo_while<T>(fifo: &Path, f: impl FnOnce() -> T) -> (T, Vec<u8>) {
    struct Release<'a>(&'a Path);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            use std::os::unix::fs::OpenOptionsExt;
            // Succeeds only while the reader still waits in open(); closing gives it an EOF.
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
                .open(self.0);
        }
    }
    let path = fifo.to_path_buf();
    let reader = std::thread::spawn(move || std::fs::read(path).unwrap());
    let result = {
        let _release = Release(fifo);
        f()
    };
    (result, reader.join().unwrap())
}

#[test]
fn classify_refuses_to_write_over_its_input_by_any_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("f.csv"), PLACED).unwrap();
    std::os::unix::fs::symlink("f.csv", d.join("link.csv")).unwrap();
    std::fs::hard_link(d.join("f.csv"), d.join("hard.csv")).unwrap();
    let absolute = d.join("f.csv");
    let absolute = absolute.to_str().unwrap();
    for (input, output) in [
        ("f.csv", "f.csv"),
        ("f.csv", "./f.csv"),
        (absolute, "f.csv"),
        ("f.csv", "link.csv"),
        ("link.csv", "f.csv"),
        ("f.csv", "hard.csv"),
    ] {
        let (code, stdout, err) = run(d, &["classify", "--quiet", input, "-o", output]);
        assert_eq!(code, 2, "{input} -o {output}: {err}");
        assert!(stdout.is_empty());
        assert!(
            err.contains("is the input file") && err.contains("destroy"),
            "{input} -o {output}: {err}"
        );
        assert_eq!(std::fs::read_to_string(d.join("f.csv")).unwrap(), PLACED);
    }
    // The report is checked the same way.
    let (code, _, err) = run(
        d,
        &[
            "classify",
            "-q",
            "f.csv",
            "-o",
            "new.csv",
            "--report",
            "./link.csv",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the report ./link.csv is the input file"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(d.join("f.csv")).unwrap(), PLACED);
    assert!(
        std::fs::symlink_metadata(d.join("link.csv"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(names(d), set(&["f.csv", "hard.csv", "link.csv"]));
}

#[test]
fn a_workbook_is_not_written_over_itself() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fixture =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/incidents.xlsx"))
            .unwrap();
    std::fs::write(d.join("f.xlsx"), &fixture).unwrap();
    let (code, _, err) = run(d, &["classify", "-q", "f.xlsx", "-o", "f.xlsx"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is the input file"), "{err}");
    assert_eq!(std::fs::read(d.join("f.xlsx")).unwrap(), fixture);
    assert_eq!(names(d), set(&["f.xlsx"]));
}

#[test]
fn standard_output_appending_to_the_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("f.csv"), PLACED).unwrap();
    let append = std::fs::OpenOptions::new()
        .append(true)
        .open(d.join("f.csv"))
        .unwrap();
    // `wijkwijzer classify f.csv >> f.csv`: the answer would be read back as input.
    let status = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .current_dir(d)
        .args(["classify", "-q", "f.csv"])
        .stdout(append)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(d.join("f.csv")).unwrap(), PLACED);
}

#[test]
fn a_failed_classify_leaves_the_old_output_and_report_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("out.csv"), "the answer of last week\n").unwrap();
    std::fs::write(d.join("summary.json"), "{\"rows\": 7}").unwrap();
    std::fs::write(d.join("binary.bin"), [0u8, 159, 146, 150, 0, 1, 2, 3, 0, 0]).unwrap();
    std::fs::write(d.join("empty.csv"), "").unwrap();
    for input in ["binary.bin", "empty.csv"] {
        let (code, _, err) = run(
            d,
            &[
                "classify",
                "-q",
                input,
                "-o",
                "out.csv",
                "--report",
                "summary.json",
            ],
        );
        assert_eq!(code, 2, "{input}: {err}");
        assert_eq!(
            std::fs::read_to_string(d.join("out.csv")).unwrap(),
            "the answer of last week\n"
        );
        assert_eq!(
            std::fs::read_to_string(d.join("summary.json")).unwrap(),
            "{\"rows\": 7}"
        );
        assert_eq!(
            names(d),
            set(&["binary.bin", "empty.csv", "out.csv", "summary.json"]),
            "{input}: a staged copy was left behind"
        );
    }
    // An input that cannot be read fails before anything is opened.
    let (code, _, err) = run(d, &["classify", "-q", "missing.csv", "-o", "out.csv"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("out.csv")).unwrap(),
        "the answer of last week\n"
    );
    assert_eq!(
        names(d),
        set(&["binary.bin", "empty.csv", "out.csv", "summary.json"])
    );
}

#[test]
fn a_partly_placed_answer_is_complete_and_replaces_the_old_one_keeping_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("in.csv"), PARTLY).unwrap();
    std::fs::write(d.join("out.csv"), "old\n").unwrap();
    std::fs::set_permissions(d.join("out.csv"), std::fs::Permissions::from_mode(0o640)).unwrap();
    // Somebody's file whose name looks like a staged copy of a process long gone.
    std::fs::write(d.join(".out.csv.old-999999999"), "keep me").unwrap();
    let (code, stdout, err) = run(
        d,
        &[
            "classify",
            "-q",
            "in.csv",
            "-o",
            "out.csv",
            "--report",
            "summary.json",
        ],
    );
    assert_eq!(code, 1, "one row is outside the city: {err}");
    assert!(stdout.is_empty());
    let answer = std::fs::read_to_string(d.join("out.csv")).unwrap();
    assert_eq!(answer.lines().count(), 3, "{answer}");
    assert!(answer.contains("lwa-centrum-zuid-west"), "{answer}");
    let mode = std::fs::metadata(d.join("out.csv"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o640);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    assert_eq!(report["rows"], 2);
    assert_eq!(report["resolved"], 1);
    assert_eq!(
        names(d),
        set(&[
            "in.csv",
            "out.csv",
            "summary.json",
            ".out.csv.old-999999999"
        ])
    );
}

#[test]
fn an_output_through_a_symlink_replaces_the_file_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("shared")).unwrap();
    std::fs::write(d.join("in.csv"), PLACED).unwrap();
    std::fs::write(d.join("shared/real.csv"), "old\n").unwrap();
    std::os::unix::fs::symlink("shared/real.csv", d.join("out.csv")).unwrap();
    let (code, _, err) = run(d, &["classify", "-q", "in.csv", "-o", "out.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::symlink_metadata(d.join("out.csv"))
            .unwrap()
            .is_symlink()
    );
    let answer = std::fs::read_to_string(d.join("shared/real.csv")).unwrap();
    assert!(answer.starts_with("\u{feff}id,lat,lon,"), "{answer}");
    assert_eq!(names(&d.join("shared")), set(&["real.csv"]));
}

#[test]
fn a_device_behind_a_symlink_is_written_through_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = std::fs::metadata("/dev/null").unwrap();
    assert!(before.file_type().is_char_device());
    std::os::unix::fs::symlink("/dev/null", d.join("null")).unwrap();
    std::fs::write(d.join("in.csv"), PLACED).unwrap();
    let (code, _, err) = run(d, &["sheet", "--out", "null"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        d,
        &["classify", "-q", "in.csv", "-o", "null", "--report", "null"],
    );
    // The answer and the report both going to one device is not refused: nothing is lost.
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::symlink_metadata(d.join("null"))
            .unwrap()
            .is_symlink()
    );
    let after = std::fs::metadata("/dev/null").unwrap();
    assert!(after.file_type().is_char_device());
    use std::os::unix::fs::MetadataExt;
    assert_eq!(after.rdev(), before.rdev());
    assert_eq!(names(d), set(&["in.csv", "null"]));
}

#[test]
fn sheet_writes_into_a_fifo_and_leaves_it_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = d.join("sheet.pipe");
    mkfifo(&fifo);
    let ((code, _, err), pdf) =
        read_fifo_while(&fifo, || run(d, &["sheet", "--out", "sheet.pipe"]));
    assert_eq!(code, 0, "{err}");
    assert!(pdf.starts_with(b"%PDF-"), "{} bytes read", pdf.len());
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(names(d), set(&["sheet.pipe"]));

    // classify's answer too.
    std::fs::write(d.join("in.csv"), PLACED).unwrap();
    let ((code, _, err), csv) = read_fifo_while(&fifo, || {
        run(d, &["classify", "-q", "in.csv", "-o", "sheet.pipe"])
    });
    assert_eq!(code, 0, "{err}");
    assert!(
        String::from_utf8(csv)
            .unwrap()
            .starts_with("\u{feff}id,lat,lon,")
    );
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn a_dash_is_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, pdf, err) = run(d, &["sheet", "--out", "-", "--area", "lwa-noord-oost"]);
    assert_eq!(code, 0, "{err}");
    assert!(pdf.starts_with(b"%PDF-"));
    std::fs::write(d.join("in.csv"), PARTLY).unwrap();
    let (code, out, err) = run(
        d,
        &[
            "classify",
            "-q",
            "in.csv",
            "-o",
            "answer.csv",
            "--report",
            "-",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["rows"], 2);
    // Both on standard output would be one stream of two documents.
    let (code, _, err) = run(d, &["classify", "-q", "in.csv", "--report", "-"]);
    assert_eq!(code, 2);
    assert!(err.contains("is the output"), "{err}");
    assert_eq!(names(d), set(&["answer.csv", "in.csv"]));
}

#[test]
fn imports_and_keygen_refuse_what_they_would_replace() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let idx = "straat,huisnummer,postcode,woonplaats,x,y\nGrensstraat,1,6211AA,Maastricht,176040,317960\n";
    std::fs::write(d.join("idx.csv"), idx).unwrap();
    mkfifo(&d.join("pipe"));
    for out in ["idx.csv", "./idx.csv", "pipe", "."] {
        let (code, _, err) = run(d, &["import", "addresses", "idx.csv", "--out", out]);
        assert_eq!(code, 2, "--out {out}: {err}");
        assert_eq!(std::fs::read_to_string(d.join("idx.csv")).unwrap(), idx);
    }
    let (code, _, err) = run(d, &["keygen", "--name", "x", "--append", "pipe"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    assert!(
        std::fs::symlink_metadata(d.join("pipe"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(names(d), set(&["idx.csv", "pipe"]));
}
