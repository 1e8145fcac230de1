//! Issue 37, 1: files as Excel and older Mac software save them, through the binary and HTTP.
//! "CSV (Macintosh)" ends its lines with a lone CR; "Unicode text" is tab-separated UTF-16 with
//! a BOM; Dutch Excel opens a UTF-8 file as UTF-8 only with a BOM, and reads `;` with decimal
//! commas. Every row comes back once, in order, with its own fields as they were.

use std::process::Command;

fn classify(dir: &std::path::Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .current_dir(dir)
        .arg("classify")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Three rows as Excel's "CSV (Macintosh)" writes them: `;`, decimal commas, CR line ends.
const MAC: &[u8] = b"id;lat;lon\r1;50,8514;5,6910\r2;50,8550;5,7000\r3;51,5;4,0\r";

#[test]
fn mac_line_ends_give_every_row_with_its_own_line_end() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mac.csv"), MAC).unwrap();
    let (code, out, err) = classify(dir.path(), &["mac.csv", "--columns", "lwa,status"]);
    // Row 3 lies outside the city: exit 1, as for any file with rows not placed.
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("3 rows"), "{err}");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "id;lat;lon;lwa;status\r\
         1;50,8514;5,6910;lwa-centrum-zuid-west;ok\r\
         2;50,8550;5,7000;lwa-centrum-zuid-west;ok\r\
         3;51,5;4,0;;outside\r"
    );
}

/// Excel's "Unicode text": UTF-16LE with its BOM, tab-separated, CRLF, a name with ë.
fn unicode_text() -> Vec<u8> {
    let text =
        "id\tlat\tlon\tnaam\r\n1\t50.8514\t5.6910\tBelvédère\r\n2\t50.8550\t5.7000\tWyck\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

#[test]
fn utf16_unicode_text_is_read_and_answered_in_utf8_with_bom() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.txt"), unicode_text()).unwrap();
    let (code, out, err) = classify(dir.path(), &["export.txt", "--columns", "lwa,status"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("UTF-16LE"),
        "the summary names the encoding: {err}"
    );
    assert!(out.starts_with(BOM), "{out:?}");
    let text = String::from_utf8(out[BOM.len()..].to_vec()).unwrap();
    assert_eq!(
        text,
        "id\tlat\tlon\tnaam\tlwa\tstatus\r\n\
         1\t50.8514\t5.6910\tBelvédère\tlwa-centrum-zuid-west\tok\r\n\
         2\t50.8550\t5.7000\tWyck\tlwa-centrum-zuid-west\tok\r\n"
    );
    // Without its BOM, UTF-16 is not taken for text: refused with what to do.
    std::fs::write(dir.path().join("bare.txt"), &unicode_text()[2..]).unwrap();
    let (code, _, err) = classify(dir.path(), &["bare.txt"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("UTF-16"), "{err}");
    // A UTF-16 file with nothing after its BOM is empty, said so (the fuzzer's find).
    std::fs::write(dir.path().join("leeg.txt"), [0xFF, 0xFE]).unwrap();
    let (code, out, err) = classify(dir.path(), &["leeg.txt"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("empty"), "{err}");
    assert!(out.is_empty());
}

#[test]
fn an_ascii_input_answered_with_names_gets_a_bom_and_a_lean_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    // The docs' own example shape, pure ASCII, as most police exports are.
    std::fs::write(dir.path().join("in.csv"), "id,lat,lon\n1,50.8514,5.6910\n").unwrap();
    let (code, out, err) = classify(dir.path(), &["in.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(b"\xEF\xBB\xBFid,lat,lon,"), "{out:?}");
    // The default answer names people with non-ASCII letters: the BOM is what makes Excel
    // show them as written.
    assert!(String::from_utf8(out).unwrap().contains("ö"));
    // Codes only: pure ASCII, no BOM; and `--bom` decides when asked.
    let (_, out, _) = classify(dir.path(), &["in.csv", "--columns", "codes"]);
    assert!(out.starts_with(b"id,lat,lon,"), "{out:?}");
    let (_, out, _) = classify(dir.path(), &["in.csv", "--bom", "no"]);
    assert!(out.starts_with(b"id,lat,lon,"), "{out:?}");
    let (_, out, _) = classify(
        dir.path(),
        &["in.csv", "--columns", "codes", "--bom", "yes"],
    );
    assert!(out.starts_with(b"\xEF\xBB\xBFid,"), "{out:?}");
    // An input with its own non-ASCII text and no BOM keeps its bytes as they were.
    std::fs::write(
        dir.path().join("own.csv"),
        "id,lat,lon,naam\n1,50.8514,5.6910,Belvédère\n",
    )
    .unwrap();
    let (_, out, _) = classify(dir.path(), &["own.csv"]);
    assert!(out.starts_with(b"id,lat,lon,naam,"), "{out:?}");
    // A Windows-1252 input is answered in Windows-1252, which Excel reads without a BOM.
    let mut cp1252 = b"id;lat;lon;naam\r\n1;50,8514;5,6910;Belv".to_vec();
    cp1252.extend_from_slice(&[0xE9, b'd', 0xE8, b'r', b'e', b'\r', b'\n']);
    std::fs::write(dir.path().join("cp.csv"), &cp1252).unwrap();
    let (_, out, _) = classify(dir.path(), &["cp.csv"]);
    assert!(out.starts_with(b"id;lat;lon;naam;"), "{out:?}");
    assert!(std::str::from_utf8(&out).is_err(), "still Windows-1252");
    let (code, _, err) = classify(dir.path(), &["in.csv", "--bom", "maybe"]);
    assert_eq!(code, 2);
    assert!(err.contains("--bom") && err.contains("yes, no"), "{err}");
}

#[test]
fn a_workbook_answered_as_csv_is_what_dutch_excel_reads() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let (code, out, err) = classify(
        &fixture,
        &[
            "incidents.xlsx",
            "--sheet",
            "Meldingen",
            "--columns",
            "lwa,point_x,status",
        ],
    );
    assert_eq!(code, 1, "one row lies outside: {err}");
    assert!(out.starts_with(BOM), "{out:?}");
    let text = String::from_utf8(out[BOM.len()..].to_vec()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with(";lwa;point_x;status"), "{header}");
    let width = header.split(';').count();
    for line in lines {
        assert_eq!(line.split(';').count(), width, "{line}");
        // Numbers with decimals carry a comma, never a point.
        for cell in line.split(';') {
            let number_like = cell
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b',');
            assert!(!(number_like && cell.contains('.')), "{cell} in {line}");
        }
    }
    assert!(
        text.lines().skip(1).any(|l| l
            .split(';')
            .any(|c| c.contains(',') && c.bytes().all(|b| b.is_ascii_digit() || b == b','))),
        "some decimal number is written with a comma: {text}"
    );
    // Asked otherwise, it is written otherwise.
    let (_, out, _) = classify(
        &fixture,
        &[
            "incidents.xlsx",
            "--sheet",
            "Meldingen",
            "--columns",
            "lwa",
            "--decimal",
            "point",
            "--bom",
            "no",
        ],
    );
    let text = String::from_utf8(out).unwrap();
    assert!(!text.starts_with('\u{feff}'));
    assert!(text.lines().next().unwrap().ends_with(";lwa"), "{text}");
}

/// The same over HTTP: a Mac file and a UTF-16 file as bodies.
#[tokio::test]
async fn http_reads_mac_and_utf16_files_the_same_way() {
    let base = crate::spawn_server(std::sync::Arc::new(wijkwijzer::http::AppState::new(
        wijkwijzer::resolve::Resolver::new(wijkwijzer::geodata::Geodata::embedded().unwrap()),
    )))
    .await;
    let client = reqwest::Client::new();
    for (body, expect_rows) in [(MAC.to_vec(), 3), (unicode_text(), 2)] {
        let r = client
            .post(format!("{base}/v1/classify?columns=lwa,status"))
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert_eq!(status, 200, "{text}");
        let text = text.trim_start_matches('\u{feff}');
        let rows = text.split(['\r', '\n']).filter(|l| !l.is_empty()).count();
        assert_eq!(rows, expect_rows + 1, "{text:?}");
    }
}

/// A title and a blank line above the header, as exports and colleagues' workbooks have them:
/// found, kept in the answer as they were, and named in the summary; `--header-row` and
/// `header_row=` choose another line.
#[tokio::test]
async fn title_rows_above_the_header_are_kept_and_the_header_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let file = "Meldingen november 2026;;\r\n;;\r\nid;lat;lon\r\n1;50,8514;5,6910\r\n";
    std::fs::write(dir.path().join("in.csv"), file).unwrap();
    let report = dir.path().join("report.json");
    let (code, out, err) = classify(
        dir.path(),
        &[
            "in.csv",
            "--columns",
            "lwa,status",
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "Meldingen november 2026;;\r\n;;\r\nid;lat;lon;lwa;status\r\n\
         1;50,8514;5,6910;lwa-centrum-zuid-west;ok\r\n"
    );
    assert!(err.contains("header taken from line 3"), "{err}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(summary["header_row"], 3);
    assert_eq!(summary["lines_above_header"], 2);
    // A line that is not there is refused with the lines there are.
    let (code, _, err) = classify(dir.path(), &["in.csv", "--header-row", "9"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--header-row") && err.contains("from 1 to 4"),
        "{err}"
    );
    // Naming the header line is the same as finding it.
    let (code, named, _) = classify(
        dir.path(),
        &["in.csv", "--columns", "lwa,status", "--header-row", "3"],
    );
    assert_eq!(code, 0);
    assert!(
        String::from_utf8(named)
            .unwrap()
            .contains("id;lat;lon;lwa;status")
    );

    let base = crate::spawn_server(std::sync::Arc::new(wijkwijzer::http::AppState::new(
        wijkwijzer::resolve::Resolver::new(wijkwijzer::geodata::Geodata::embedded().unwrap()),
    )))
    .await;
    let body = crate::post_csv(&base, "/v1/classify?columns=lwa,status", file.into()).await;
    assert!(
        body.starts_with("Meldingen november 2026;;\r\n;;\r\nid;lat;lon;lwa;status"),
        "{body}"
    );
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/classify?header_row=9"))
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    // The file has no such line: the request is fine, this file cannot be read so (422).
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("header_row="));
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/classify?header_row=three&columns=lwa"))
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // strict_inside is read from its text, as any flag of a query string.
    let r = reqwest::Client::new()
        .post(format!(
            "{base}/v1/classify?strict_inside=true&columns=lwa,status"
        ))
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

/// A report's own serial number (`Nr`, `Nummer`) is not a house number: an address that
/// carries its number keeps it; a house-number column that says another is a conflict per
/// row, never resolved in silence.
#[test]
fn a_serial_number_column_is_not_a_house_number() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("meldingen.csv"),
        "Nummer;straat\n3;Vrijthof 16\n78;Markt 2\n5;Markt\n",
    )
    .unwrap();
    let (code, out, err) = classify(
        dir.path(),
        &[
            "meldingen.csv",
            "--columns",
            "point_x,quality,status,message",
        ],
    );
    let out = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert!(rows[0].starts_with("3;Vrijthof 16;176275"), "{out}\n{err}");
    assert!(rows[0].contains("Vrijthof 16"), "{}", rows[0]);
    assert!(rows[1].starts_with("78;Markt 2;176344"), "{}", rows[1]);
    // No number of its own: the Nummer column is all there is, and it is used.
    assert!(rows[2].starts_with("5;Markt;176344"), "{}", rows[2]);
    assert_eq!(code, 0, "{err}");

    std::fs::write(
        dir.path().join("adressen.csv"),
        "huisnummer;straat\n3;Vrijthof 16\n16;Vrijthof 16\n",
    )
    .unwrap();
    let (code, out, err) = classify(dir.path(), &["adressen.csv", "--columns", "status,message"]);
    assert_eq!(code, 1, "a conflicting row is not placed: {err}");
    let out = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert!(
        rows[0].contains("bad_address") && rows[0].contains("16") && rows[0].contains("huisnummer"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].contains(";ok;"),
        "the same number twice agrees: {}",
        rows[1]
    );
}

/// Points just outside the generalised city boundary get the nearest area with their own
/// status, `near`; `--strict-inside` (and `strict_inside=true`) makes them `outside`, as the
/// general spatial tools place them.
#[test]
fn near_rows_have_their_own_status_and_strict_inside_turns_them_off() {
    let resolver =
        wijkwijzer::resolve::Resolver::new(wijkwijzer::geodata::Geodata::embedded().unwrap());
    // Walk out of the city from its reference point until a point is `near`.
    let mut near = None;
    let t = wijkwijzer::crs::transformer();
    for step in 0..40_000 {
        let lat = 50.8489 + step as f64 * 0.000_005;
        let rd = t.wgs84_to_rd(wijkwijzer::crs::Wgs84 { lat, lon: 5.6879 });
        let mut hits = resolver.hits_buffer();
        resolver.locate_into(rd, &mut hits);
        if hits
            .iter()
            .flatten()
            .any(|h| h.position == wijkwijzer::index::Position::Near)
        {
            near = Some(lat);
            break;
        }
    }
    let lat = near.expect("a near point north of the city");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("in.csv"),
        format!("id,lat,lon\n1,{lat:.7},5.6879\n2,50.8514,5.6910\n"),
    )
    .unwrap();
    let (code, out, err) = classify(dir.path(), &["in.csv", "--columns", "lwa,position,status"]);
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert!(
        rows[0].ends_with(",near,near") && rows[0].contains(",lwa-"),
        "{out}"
    );
    assert!(rows[1].ends_with(",inside,ok"), "{out}");
    assert!(err.contains("near"), "the summary counts them: {err}");
    let (code, out, _) = classify(
        dir.path(),
        &[
            "in.csv",
            "--columns",
            "lwa,position,status",
            "--strict-inside",
        ],
    );
    assert_eq!(code, 1, "an outside row is a row not placed");
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.lines().nth(1).unwrap().ends_with(",,outside,outside"),
        "{out}"
    );
}
