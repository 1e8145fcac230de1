//! Issue 33, 1 and 2: uploads are untrusted input. Workbooks that announce or expand to far more
//! than they hold are refused before they are expanded, by the real binary, which goes on
//! serving; what one client may have in flight, the memory of all uploads together and the time
//! one classification may take are bounded, and a classification nobody waits for stops.
//!
//! The hostile files are written here with the zip crate (the same shapes as
//! scripts/hostile_workbooks.py, which the hostile-client script sends at full size).

use std::io::Write;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{free_port, start};

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// An `.xlsx` with one sheet whose `<sheetData>` holds `rows`, and shared strings `shared`
/// announcing `unique` (if given).
fn xlsx(rows: &str, shared: &str, unique: Option<&str>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().large_file(true);
    let announced = unique.map_or(String::new(), |u| format!(" uniqueCount=\"{u}\""));
    for (name, text) in [
        (
            "xl/workbook.xml",
            format!(
                "<workbook xmlns=\"{MAIN}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Blad1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\"/></Relationships>".to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!("<worksheet xmlns=\"{MAIN}\"><sheetData>{rows}</sheetData></worksheet>"),
        ),
        (
            "xl/sharedStrings.xml",
            format!("<sst xmlns=\"{MAIN}\"{announced}>{shared}</sst>"),
        ),
    ] {
        w.start_file(name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// An `.ods` whose one table holds `rows`.
fn ods(rows: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    w.start_file("mimetype", opts).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    w.start_file("content.xml", opts).unwrap();
    write!(
        w,
        "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet><table:table table:name=\"Blad1\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    .unwrap();
    w.finish().unwrap().into_inner()
}

fn inline(r: &str, text: &str) -> String {
    format!("<c r=\"{r}\" t=\"inlineStr\"><is><t>{text}</t></is></c>")
}

/// Each bomb, and the limit it must be refused by.
fn bombs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let a1 = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>";
    let header = format!("<row r=\"1\">{}</row>", inline("A1", "lat"));
    let strings: String = "<si><t>a</t></si>".repeat(60_000);
    vec![
        (
            "1.7 KB announcing ten trillion shared strings",
            xlsx(a1, "<si><t>lat</t></si>", Some("10000000000000")),
            "workbook-max-strings",
        ),
        (
            "shared strings announced beyond any integer type",
            xlsx(a1, "<si><t>lat</t></si>", Some("1000000000000000000")),
            "workbook-max-strings",
        ),
        (
            "a cell at XFD1048576",
            xlsx(
                &format!("{header}<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>"),
                "",
                None,
            ),
            "workbook-max-columns",
        ),
        (
            "a cell at XFD4000",
            xlsx(
                &format!("{header}<row r=\"4000\"><c r=\"XFD4000\"><v>1</v></c></row>"),
                "",
                None,
            ),
            "workbook-max-columns",
        ),
        (
            "one OpenDocument cell over 16,384 columns and 1,000 rows",
            ods(
                "<table:table-row table:number-rows-repeated=\"1000\"><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>",
            ),
            "workbook-max-columns",
        ),
        (
            "one OpenDocument cell over 1,000 columns and a million rows",
            ods(
                "<table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell table:number-columns-repeated=\"1000\" office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>",
            ),
            "workbook-max-cells",
        ),
        (
            // Announces one string, holds 60,000 (the server runs with a limit of 50,000).
            "more shared strings than announced",
            xlsx(a1, &strings, Some("1")),
            "workbook-max-strings",
        ),
        (
            "a part that inflates a thousandfold",
            xlsx(&" ".repeat(32 << 20), "", None),
            "workbook-max-ratio",
        ),
    ]
}

fn peak_rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse::<u64>().ok())
        .unwrap()
        / 1024
}

fn serve(extra: &[&str]) -> (crate::Running, String) {
    let port = free_port();
    let mut args: Vec<String> = ["serve", "--listen", &format!("127.0.0.1:{port}")]
        .map(String::from)
        .to_vec();
    args.extend(extra.iter().map(|s| s.to_string()));
    let running = start(&args, &[], port);
    (running, format!("http://127.0.0.1:{port}"))
}

#[tokio::test]
async fn hostile_workbooks_are_refused_before_they_are_expanded_and_the_service_lives_on() {
    let (running, base) = serve(&["--workbook-max-strings", "50000"]);
    let client = reqwest::Client::new();
    for (what, bytes, limit) in bombs() {
        for multipart in [false, true] {
            let req = client.post(format!("{base}/v1/classify"));
            let req = if multipart {
                req.multipart(reqwest::multipart::Form::new().part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes.clone()).file_name("meldingen.xlsx"),
                ))
            } else {
                req.header("content-type", wijkwijzer::classify::workbook::XLSX)
                    .body(bytes.clone())
            };
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 413, "{what} (multipart: {multipart})");
            assert_eq!(
                res.headers()["content-type"],
                "application/problem+json",
                "{what}"
            );
            let p: serde_json::Value = res.json().await.unwrap();
            assert!(
                p["type"].as_str().unwrap().ends_with("workbook-too-large"),
                "{what}: {p}"
            );
            let detail = p["detail"].as_str().unwrap();
            assert!(detail.contains(limit), "{what}: {detail}");
            assert!(
                detail.contains(&format!("--{limit}")) && detail.contains("WIJKWIJZER_WORKBOOK_"),
                "{what}: the detail says how the limit is raised: {detail}"
            );
        }
        let live = client.get(format!("{base}/livez")).send().await.unwrap();
        assert_eq!(live.status(), 200, "the service died of {what}");
    }
    // None of them cost more than a request's worth of memory (the Deployment allows 256 MiB).
    let peak = peak_rss_mib(running.0.id());
    assert!(peak < 256, "peak RSS {peak} MiB");
    // An Excel 97-2003 file is refused with what to do instead.
    let res = client
        .post(format!("{base}/v1/classify"))
        .header("content-type", "application/vnd.ms-excel")
        .body([&[0xD0u8, 0xCF, 0x11, 0xE0][..], &[0u8; 600]].concat())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let p: serde_json::Value = res.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains(".xlsx"), "{p}");
}

fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .arg("classify")
        .args(args)
        .output()
        .unwrap()
}

/// The command line refuses the same files with the flag that raises the limit, and the flag
/// does raise it.
#[test]
fn the_command_line_names_the_flag_and_the_flag_raises_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (what, bytes, limit)) in bombs().into_iter().enumerate() {
        let path = dir.path().join(format!("bom-{i}.xlsx"));
        std::fs::write(&path, bytes).unwrap();
        let out = cli(&[path.to_str().unwrap(), "--workbook-max-strings", "50000"]);
        assert_eq!(out.status.code(), Some(2), "{what}");
        let said = String::from_utf8(out.stderr).unwrap();
        assert!(said.contains(&format!("--{limit} N")), "{what}: {said}");
        assert!(!said.contains("WIJKWIJZER_"), "{what}: {said}");
    }
    // A real table with a note far to the right, in column 1,500.
    let wide = xlsx(
        &format!(
            "<row r=\"1\">{}{}</row><row r=\"2\"><c r=\"A2\"><v>50.8489</v></c><c r=\"B2\"><v>5.6879</v></c></row><row r=\"3\">{}</row>",
            inline("A1", "lat"),
            inline("B1", "lon"),
            inline("BDR3", "opmerking")
        ),
        "",
        None,
    );
    let path = dir.path().join("breed.xlsx");
    std::fs::write(&path, wide).unwrap();
    let refused = cli(&[path.to_str().unwrap(), "--columns", "lwa,status"]);
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8(refused.stderr).unwrap();
    assert!(
        said.contains("column 1474") && said.contains("--workbook-max-columns N"),
        "{said}"
    );
    let raised = cli(&[
        path.to_str().unwrap(),
        "--columns",
        "lwa,status",
        "--workbook-max-columns",
        "2000",
    ]);
    let answer = String::from_utf8(raised.stdout).unwrap();
    let rows: Vec<&str> = answer.lines().collect();
    assert_eq!(rows.len(), 3, "{answer}");
    assert!(
        rows[1].starts_with("50,8489;5,6879;") && rows[1].ends_with(";lwa-centrum-zuid-west;ok"),
        "{}",
        rows[1]
    );
}

/// LibreOffice ends every sheet with blank rows repeated to the millionth and pads rows with
/// blank cells repeated to column 1024: those are positions, never cells, and the table is
/// what the sheet shows.
#[test]
fn a_libreoffice_sheet_with_its_repeated_blanks_is_read_as_it_shows() {
    let cell = |v: &str| {
        format!(
            "<table:table-cell office:value-type=\"float\" office:value=\"{v}\"><text:p>{v}</text:p></table:table-cell>"
        )
    };
    let text = |t: &str| {
        format!(
            "<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>"
        )
    };
    let blank_cells = "<table:table-cell table:number-columns-repeated=\"1021\"/>";
    let rows = format!(
        "<table:table-row>{}{}{}{blank_cells}</table:table-row>\
         <table:table-row>{}{}{}{blank_cells}</table:table-row>\
         <table:table-row table:number-rows-repeated=\"2\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>\
         <table:table-row>{}{}<table:table-cell office:value-type=\"date\" office:date-value=\"2026-12-01T09:30:00\"><text:p>01-12-26</text:p></table:table-cell>{blank_cells}</table:table-row>\
         <table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>",
        text("lat"),
        text("lon"),
        text("datum"),
        cell("50.8489"),
        cell("5.6879"),
        text("Markt &amp; Vrijthof<text:s text:c=\"2\"/>noord"),
        cell("50.8514"),
        cell("5.691"),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("meldingen.ods");
    std::fs::write(&path, ods(&rows)).unwrap();
    let out = cli(&[path.to_str().unwrap(), "--columns", "lwa,status"]);
    let answer = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = answer.lines().collect();
    assert_eq!(
        lines,
        [
            // A workbook's CSV answer is what Dutch Excel reads: BOM, `;`, decimal commas.
            "\u{feff}lat;lon;datum;lwa;status",
            "50,8489;5,6879;Markt & Vrijthof  noord;lwa-centrum-zuid-west;ok",
            ";;;;missing_place",
            ";;;;missing_place",
            "50,8514;5,691;2026-12-01 09:30:00;lwa-centrum-zuid-west;ok",
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Sends the head of a chunked upload from `from` and keeps the connection open: a
/// classification in flight for as long as the stream lives.
async fn hold_upload(base: &str, from: &str, length: Option<usize>) -> tokio::net::TcpStream {
    let addr: std::net::SocketAddr = base.trim_start_matches("http://").parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    let framing = match length {
        Some(n) => format!("content-length: {n}"),
        None => "transfer-encoding: chunked".to_string(),
    };
    stream
        .write_all(
            format!(
                "POST /v1/classify HTTP/1.1\r\nhost: x\r\ncontent-type: text/csv\r\n{framing}\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let first = "lat,lon\r\n";
    let piece = match length {
        Some(_) => first.to_string(),
        None => format!("{:x}\r\n{first}\r\n", first.len()),
    };
    stream.write_all(piece.as_bytes()).await.unwrap();
    stream
}

/// A one-row upload from `from` (127.0.0.2 is another client on the same machine).
async fn small_upload(base: &str, from: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .local_address(from.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
        .post(format!("{base}/v1/classify"))
        .header("content-type", "text/csv")
        .body("lat,lon\n50.8489,5.6879\n")
        .send()
        .await
        .unwrap()
}

async fn problem(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    let p: serde_json::Value = res.json().await.unwrap_or_default();
    (status, p["detail"].as_str().unwrap_or_default().to_string())
}

/// One client may have `classify-per-client` uploads in flight (429 beyond, with what to do);
/// another client is not held up by it.
#[tokio::test]
async fn a_client_has_only_its_share_of_uploads_in_flight() {
    let (_running, base) = serve(&["--classify-per-client", "2"]);
    let _a = hold_upload(&base, "127.0.0.1", None).await;
    let _b = hold_upload(&base, "127.0.0.1", None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let third = small_upload(&base, "127.0.0.1").await;
    assert_eq!(third.headers()["retry-after"], "5");
    let (status, detail) = problem(third).await;
    assert_eq!(status, 429);
    assert!(detail.contains("2 files"), "{detail}");
    // Another address is its own client.
    let other = small_upload(&base, "127.0.0.2").await;
    assert_eq!(other.status(), 200);
    // Done with one, the client may send again.
    drop(_a);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = small_upload(&base, "127.0.0.1").await;
    assert_eq!(again.status(), 200);
}

/// The memory of all uploads together is bounded: an upload that does not fit waits until one
/// in flight is done, then is answered.
#[tokio::test]
async fn an_upload_waits_for_room_in_the_memory_budget() {
    let (_running, base) = serve(&["--classify-memory-mib", "2"]);
    // Announces 1 MiB: with its own MiB of work it takes the whole budget.
    let mut big = hold_upload(&base, "127.0.0.1", Some(1 << 20)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let small = tokio::spawn({
        let base = base.clone();
        async move { small_upload(&base, "127.0.0.2").await.status() }
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !small.is_finished(),
        "the small upload did not wait for room"
    );
    // The big upload completes: rows of one point, up to its announced length.
    let left = (1 << 20) - "lat,lon\r\n".len();
    let rows = "50.8489,5.6879\r\n".repeat(left / 16 + 1);
    big.write_all(&rows.as_bytes()[..left]).await.unwrap();
    let mut head = [0u8; 12];
    big.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    assert_eq!(small.await.unwrap(), 200);
}

/// A classification has its own time limit, named in the 503; a lookup keeps its own. A
/// classification nobody waits for stops (the metric counts it).
#[tokio::test]
async fn a_classification_has_its_own_time_limit_and_stops_when_nobody_waits() {
    let (_running, base) = serve(&["--classify-timeout-secs", "2", "--timeout-secs", "30"]);
    let client = reqwest::Client::new();
    // 40,000 free-text addresses: far more than two seconds of work.
    let mut csv = String::from("id;adres\n");
    for i in 0..40_000 {
        csv.push_str(&format!("{i};Onbekendestraat {} Maastricht\n", i % 300 + 1));
    }
    let res = client
        .post(format!("{base}/v1/classify"))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let (status, detail) = problem(res).await;
    assert_eq!(status, 503);
    assert!(
        detail.contains("2 s") && detail.contains("classify-timeout-secs"),
        "{detail}"
    );
    let stopped =
        crate::hardening::metric_within(&base, "wijkwijzer_classify_cancelled_total 1", 20).await;
    assert!(stopped, "the classification went on after its 503");
    let lookup = client
        .get(format!("{base}/v1/lookup?lat=50.8489&lon=5.6879"))
        .send()
        .await
        .unwrap();
    assert_eq!(lookup.status(), 200);
}
