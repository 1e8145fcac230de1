//! Files as Excel and Notepad save them (issue 34, 5): every loader reads UTF-8 with or without
//! BOM and Windows-1252 alike, refuses a file it cannot read with the file and the reason, and
//! never drops rows in silence. The files are written here byte for byte, through the binary.

use std::path::Path;

use crate::cli::wijkwijzer;

/// `text` as Excel's plain "CSV" writes it on a Dutch Windows: Windows-1252, CRLF.
fn windows_1252(text: &str) -> Vec<u8> {
    let crlf = text.replace('\n', "\r\n");
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(&crlf);
    assert!(!lossy, "the test text has a character Windows-1252 lacks");
    bytes.into_owned()
}

/// `text` as Excel's "CSV UTF-8" writes it: a BOM, CRLF.
fn utf8_bom(text: &str) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    bytes
}

/// Streets with ö, é and è among plain ones, semicolons and decimal commas as Excel writes them.
const EXPORT: &str = "Postcode;Huisnummer;Huisletter;Toevoeging;Straat;Woonplaats;X;Y
6211TE;1;;;Sint Servaasklooster;Maastricht;176262,5;317975,25
6211TE;2;A;;Sint Servaasklooster;Maastricht;176270;317980
6221AX;3;;;Mosae Forum;Maastricht;176720;317880
6221AX;5;;;Mosae Forum;Maastricht;176730;317890
6217HA;12;;;Coöperatiestraat;Maastricht;175100;318200
6211AA;40;;;Avenue Céramique;Maastricht;176950;317300
6211AA;42;;2;Avenue Céramique;Maastricht;176960;317310
6222BB;7;;;Rue Crèvecoeur;Maastricht;179200;317600
";

const STREETS: [&str; 4] = [
    "Sint Servaasklooster",
    "Mosae Forum",
    "Coöperatiestraat",
    "Avenue Céramique",
];

fn import(input: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "import",
        "addresses",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    wijkwijzer(&args)
}

/// The street names of a canonical address file, as written.
fn streets_in(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut streets: Vec<String> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap().to_string())
        .collect();
    streets.dedup();
    streets
}

#[test]
fn a_windows_1252_export_keeps_every_row_and_its_names() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    std::fs::write(&input, windows_1252(EXPORT)).unwrap();
    let out = dir.path().join("addresses.csv");
    let (code, stdout, err) = import(&input, &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("8 addresses, 0 rows skipped") && stdout.contains("Windows-1252"),
        "{stdout}"
    );
    assert!(!err.contains("skipped"), "{err}");
    let streets = streets_in(&out);
    for s in STREETS.iter().chain(&["Rue Crèvecoeur"]) {
        assert!(streets.iter().any(|x| x == s), "{s} in {streets:?}");
    }
    // Found as typed, with its diacritics or without.
    let (code, stdout, err) = wijkwijzer(&[
        "lookup",
        "--addresses",
        out.to_str().unwrap(),
        "Cooperatiestraat 12",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("Coöperatiestraat 12, 6217HA Maastricht"),
        "{stdout}"
    );
}

#[test]
fn a_utf8_export_with_bom_and_crlf_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    std::fs::write(&input, utf8_bom(EXPORT)).unwrap();
    let out = dir.path().join("addresses.csv");
    let (code, stdout, err) = import(&input, &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("8 addresses, 0 rows skipped") && stdout.contains("UTF-8"),
        "{stdout}"
    );
    let streets = streets_in(&out);
    for s in STREETS {
        assert!(streets.iter().any(|x| x == s), "{s} in {streets:?}");
    }
}

/// A row that cannot be read refuses the import (exit 1, nothing written) with its line and
/// reason and says how to go on; `--allow-skipped` writes the rest and says what was left out.
#[test]
fn an_unreadable_row_is_named_and_never_passes_in_silence() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    let bad = EXPORT.replacen("6221AX;5;", "6221AX;vijf;", 1);
    std::fs::write(&input, windows_1252(&bad)).unwrap();
    let out = dir.path().join("addresses.csv");
    let (code, stdout, err) = import(&input, &out, &[]);
    assert_eq!(code, 1, "{stdout}{err}");
    assert!(err.contains("line 5") && err.contains("'vijf'"), "{err}");
    assert!(
        err.contains("nothing written") && err.contains("--allow-skipped"),
        "{err}"
    );
    assert!(!out.exists());

    let (code, stdout, err) = import(&input, &out, &["--allow-skipped"]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("7 addresses, 1 rows skipped"), "{stdout}");
    assert!(err.contains("line 5"), "{err}");
    assert!(streets_in(&out).iter().any(|s| s == "Coöperatiestraat"));
}

/// A file judged UTF-8 with one row pasted in from a Windows-1252 file: that row is named with
/// the reason, not garbled and not dropped in silence.
#[test]
fn a_row_in_another_encoding_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    let mut bytes = EXPORT.as_bytes().to_vec();
    bytes.extend_from_slice(&windows_1252(
        "6222BB;9;;;Rue Crèvecoeur;Maastricht;179210;317610\n",
    ));
    std::fs::write(&input, bytes).unwrap();
    let out = dir.path().join("addresses.csv");
    let (code, _, err) = import(&input, &out, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("line 10") && err.contains("not UTF-8"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_file_that_is_not_text_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    // Excel's "Unicode text": UTF-16 with its BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in EXPORT.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(&input, utf16).unwrap();
    let out = dir.path().join("addresses.csv");
    let (code, _, err) = import(&input, &out, &[]);
    assert_ne!(code, 0);
    assert!(
        err.contains("export.csv") && err.contains("UTF-16"),
        "{err}"
    );
    assert!(!out.exists());
}

/// A geodata directory with the shipped files.
fn geodata_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in wijkwijzer::geodata::Geodata::embedded_files() {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    dir
}

const OWN_PLACES: &str = "name,kind,lat,lon,street,housenumber,postcode,source
Wijkcentrum Pottenbakkerij Céramique,community_centre,50.8445,5.6975,Avenue Céramique,40,,gemeente Maastricht
";

#[test]
fn own_places_in_windows_1252_are_read() {
    let dir = geodata_dir();
    std::fs::write(dir.path().join("places-own.csv"), windows_1252(OWN_PLACES)).unwrap();
    let (code, _, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, stdout, err) = wijkwijzer(&[
        "lookup",
        "--geodata",
        dir.path().to_str().unwrap(),
        "Wijkcentrum Pottenbakkerij Ceramique",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("Wijkcentrum Pottenbakkerij Céramique"),
        "{stdout}"
    );
}

/// A places file that is there and cannot be read refuses the directory, naming the file and
/// why: it is never taken for no file at all.
#[test]
fn own_places_that_cannot_be_read_refuse_the_directory() {
    let dir = geodata_dir();
    let mut bytes = windows_1252(OWN_PLACES);
    // 0x81 is in no encoding the loaders read.
    bytes.extend_from_slice(b"Wijkcentrum \x81,community_centre,50.85,5.70,,,,gemeente\r\n");
    std::fs::write(dir.path().join("places-own.csv"), bytes).unwrap();
    let (code, _, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("places-own.csv") && err.contains("neither UTF-8 nor Windows-1252"),
        "{err}"
    );

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in OWN_PLACES.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(dir.path().join("places-own.csv"), utf16).unwrap();
    let (code, _, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("places-own.csv") && err.contains("UTF-16"),
        "{err}"
    );

    // A missing optional file is still fine.
    std::fs::remove_file(dir.path().join("places-own.csv")).unwrap();
    let (code, _, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
}

/// The hand-edited files too: a roster saved by Notepad in Windows-1252 ("Coördinator") or with
/// a BOM reads as the shipped one.
#[test]
fn a_roster_in_windows_1252_or_with_a_bom_is_read() {
    let dir = geodata_dir();
    let roster = std::fs::read_to_string(dir.path().join("roster.toml")).unwrap();
    assert!(roster.contains('ö'));
    for bytes in [windows_1252(&roster), utf8_bom(&roster)] {
        std::fs::write(dir.path().join("roster.toml"), bytes).unwrap();
        let (code, _, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, stdout, err) = wijkwijzer(&[
        "lookup",
        "--geodata",
        dir.path().to_str().unwrap(),
        "50.8514",
        "5.6910",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("Coördinator politie"), "{stdout}");
}
