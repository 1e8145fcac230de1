//! Batch as analysts have their files: an Excel export with coordinates for some rows and an
//! address for others, street + number without a postcode, swapped columns, a lean column
//! choice, one-column files, and the HTTP door's form uploads and parameter hints.

use std::sync::Arc;

use wijkwijzer::address::{AddressIndex, MatchQuality, Query};
use wijkwijzer::classify::{ColumnArgs, Options, Summary, classify_csv};
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

fn resolver() -> &'static Resolver {
    static R: std::sync::OnceLock<Resolver> = std::sync::OnceLock::new();
    R.get_or_init(|| Resolver::new(Geodata::embedded().unwrap()))
}

fn run(input: &str, opts: &Options) -> (Vec<csv::StringRecord>, csv::StringRecord, Summary) {
    let mut out = Vec::new();
    let summary = classify_csv(resolver(), input.as_bytes(), &mut out, opts, |_, _| {}).unwrap();
    let delimiter = if summary.delimiter == ";" { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(out.as_slice());
    let header = reader.headers().unwrap().clone();
    let rows = reader.records().map(Result::unwrap).collect();
    (rows, header, summary)
}

fn col(header: &csv::StringRecord, name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// Shipped addresses that a street + number and a postcode + number both name exactly.
fn shipped_addresses() -> Vec<(String, String, String, wijkwijzer::crs::Rd)> {
    let index = AddressIndex::embedded();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/addresses.csv"),
    )
    .unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for r in reader.deserialize::<std::collections::HashMap<String, String>>() {
        let r = r.unwrap();
        let (street, number, postcode) = (&r["straat"], &r["huisnummer"], &r["postcode"]);
        if postcode.is_empty() || !r["huisletter"].is_empty() || !r["toevoeging"].is_empty() {
            continue;
        }
        let by_street = index.find(&Query::Street {
            street: street.clone(),
            huisnummer: number.clone(),
            huisletter: None,
            toevoeging: None,
            woonplaats: None,
        });
        let by_postcode = index.find(&Query::Parts {
            postcode: postcode.clone(),
            huisnummer: number.clone(),
            huisletter: None,
            toevoeging: None,
        });
        if let (Ok(a), Ok(b)) = (by_street, by_postcode)
            && a.best.quality == MatchQuality::Exact
            && b.best.quality == MatchQuality::Exact
            && a.best.address == b.best.address
        {
            out.push((
                street.clone(),
                number.clone(),
                postcode.clone(),
                a.best.address.rd,
            ));
        }
    }
    out
}

/// The case: `datum;omschrijving;straat;huisnummer;postcode;x;y`, 500 rows, some with
/// x/y, some with only street + number, some with only postcode + number: every row is placed,
/// without flags, from the first place it has, and the summary counts rows per source.
#[test]
fn an_excel_export_places_every_row_that_has_a_place() {
    let addresses = shipped_addresses();
    assert!(addresses.len() > 100, "{}", addresses.len());
    let mut csv = String::from("datum;omschrijving;straat;huisnummer;postcode;x;y\r\n");
    let mut expected = Vec::new();
    for i in 0..500 {
        let (street, number, postcode, rd) = &addresses[i % addresses.len()];
        let (row, source) = match i % 4 {
            // Coordinates (with a decimal comma, as Dutch Excel writes them) and the address.
            0 => (
                format!(
                    "{street};{number};{postcode};{};{}",
                    format!("{:.2}", rd.x).replace('.', ","),
                    format!("{:.2}", rd.y).replace('.', ",")
                ),
                "x/y",
            ),
            1 => (format!("{street};{number};;;"), "street"),
            2 => (format!(";{number};{postcode};;"), "postcode"),
            _ => (format!("{street};{number};{postcode};;"), "postcode"),
        };
        csv.push_str(&format!("1-11-2026;melding {i};{row}\r\n"));
        expected.push((source, *rd));
    }
    let (rows, header, summary) = run(&csv, &Options::default());
    assert_eq!(summary.rows, 500);
    assert_eq!(
        summary.per_status.get("ok").copied().unwrap_or(0)
            + summary.per_status.get("outside").copied().unwrap_or(0),
        500,
        "{summary:?}"
    );
    assert_eq!(summary.per_source["x/y"], 125, "{summary:?}");
    assert_eq!(summary.per_source["street"], 125, "{summary:?}");
    assert_eq!(summary.per_source["postcode"], 250, "{summary:?}");
    assert_eq!(
        summary.columns,
        "x/y (EPSG:28992) from 'x', 'y'; then postcode from 'postcode', 'huisnummer'; then street from 'straat', 'huisnummer'"
    );
    let (source, x, y, lwa) = (
        col(&header, "source"),
        col(&header, "point_x"),
        col(&header, "point_y"),
        col(&header, "lwa"),
    );
    for (row, (want_source, rd)) in rows.iter().zip(&expected) {
        assert_eq!(&row[source], *want_source, "{row:?}");
        // The file writes decimal commas, and so does the answer.
        let got = (
            row[x].replace(',', ".").parse::<f64>().unwrap(),
            row[y].replace(',', ".").parse::<f64>().unwrap(),
        );
        assert!(
            (got.0 - rd.x).abs() < 0.01 && (got.1 - rd.y).abs() < 0.01,
            "{row:?} vs {rd:?}"
        );
        // The area is the lookup's for the same point.
        let answer = resolver()
            .today()
            .resolve(*rd, wijkwijzer::roster::Audience::Public);
        assert_eq!(
            &row[lwa],
            answer.lwa.map(|l| l.id).unwrap_or_default(),
            "{row:?}"
        );
    }
}

#[test]
fn a_file_with_street_and_number_only_is_classified() {
    let (rows, header, summary) = run(
        "straat,huisnummer,woonplaats\nBrusselsepoort,45,Maastricht\nBrusselsepoort,45,Amsterdam\nBrusselsepoort,,\n",
        &Options::default(),
    );
    let (status, quality, message) = (
        col(&header, "status"),
        col(&header, "quality"),
        col(&header, "message"),
    );
    assert_eq!(&rows[0][status], "ok", "{:?}", rows[0]);
    assert_eq!(&rows[0][quality], "exact");
    assert_eq!(&rows[0][col(&header, "buurt")], "BU09350200");
    assert_eq!(&rows[0][col(&header, "buurt_name")], "Brusselsepoort");
    assert_ne!(&rows[1][status], "ok", "{:?}", rows[1]);
    assert_eq!(&rows[2][status], "missing_place");
    assert_eq!(
        &rows[2][message],
        "column 'huisnummer' is empty while 'straat' holds 'Brusselsepoort'"
    );
    assert_eq!(summary.per_source["street"], 1, "{summary:?}");
}

#[test]
fn swapped_columns_are_judged_once_per_file() {
    // The latitudes are in the column called lon: every row is read swapped, with a note.
    let (rows, header, summary) = run(
        "naam,lat,lon\nVrijthof,5.6879,50.8489\nStation,5.7053,50.8497\nfout,5.7,abc\n",
        &Options::default(),
    );
    assert!(
        summary.notes[0].contains("'lat' and 'lon' hold each other's values"),
        "{summary:?}"
    );
    assert_eq!(&rows[0][col(&header, "buurt_name")], "Binnenstad");
    assert_eq!(&rows[1][col(&header, "buurt_name")], "Wyck");
    // A bad cell is named by its column, with an example of what belongs there (here the
    // latitude, which this file keeps in 'lon').
    assert_eq!(
        &rows[2][col(&header, "message")],
        "column 'lon' holds 'abc', which is not a number; it should look like 50.8514"
    );
    // RD x/y swapped.
    let (rows, header, summary) = run("x,y\n317996,176395\n", &Options::default());
    assert_eq!(&rows[0][col(&header, "status")], "ok", "{summary:?}");
    assert!(summary.notes[0].contains("read swapped"), "{summary:?}");
    // One row alone that looks swapped (the file does not) is refused in column terms.
    let (rows, header, _) = run(
        "lat,lon\n50.8489,5.6879\n50.8497,5.7053\n5.69,50.85\n",
        &Options::default(),
    );
    assert_eq!(
        &rows[2][col(&header, "message")],
        "'lat' = 5.69 and 'lon' = 50.85 look swapped in this row: Maastricht lies at latitude 50.85, longitude 5.69"
    );
}

#[test]
fn columns_choose_what_is_added_and_one_column_files_keep_commas() {
    let opts = Options {
        columns: ColumnArgs {
            columns: Some("codes".into()),
            ..ColumnArgs::default()
        },
        ..Options::default()
    };
    let mut out = Vec::new();
    classify_csv(
        resolver(),
        "adres\nBrusselsepoort 45\n".as_bytes(),
        &mut out,
        &opts,
        |_, _| {},
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "adres,lwa,wijk,buurt,stadsdeel,status\nBrusselsepoort 45,lwa-noord-west,WK093502,BU09350200,sd-west,ok\n"
    );
    let bad = Options {
        columns: ColumnArgs {
            columns: Some("lwa,buurtnaam".into()),
            ..ColumnArgs::default()
        },
        ..Options::default()
    };
    let e = classify_csv(
        resolver(),
        "adres\nx\n".as_bytes(),
        Vec::new(),
        &bad,
        |_, _| {},
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with(
            "--columns: there is no column 'buurtnaam' to add; did you mean 'buurt_name'?"
        ),
        "{e}"
    );
}

/// `curl -F file=@incidents.csv` works; unknown parameters get "did you mean"; the 4xx details
/// name parameters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_takes_form_uploads_and_hints_at_parameters() {
    let base = crate::spawn_server(Arc::new(AppState::new(Resolver::new(
        Geodata::embedded().unwrap(),
    ))))
    .await;
    let client = reqwest::Client::new();
    let form = reqwest::multipart::Form::new()
        .text("columns", "lwa,status")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"naam;x;y\r\nVrijthof;176177;317717\r\n".to_vec())
                .file_name("incidents.csv"),
        );
    let res = client
        .post(format!("{base}/v1/classify"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv");
    assert_eq!(
        res.text().await.unwrap(),
        "naam;x;y;lwa;status\r\nVrijthof;176177;317717;lwa-centrum-zuid-west;ok\r\n"
    );
    // A form without a file says how to send one.
    let res = client
        .post(format!("{base}/v1/classify"))
        .multipart(reqwest::multipart::Form::new().text("lat", "breedte"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(
        v["detail"].as_str().unwrap().contains("curl -F file=@"),
        "{v}"
    );
    // A typo in a parameter: did you mean, and the list of parameters.
    let res = client
        .post(format!("{base}/v1/classify?postcod=pc"))
        .header("content-type", "text/csv")
        .body("pc,huisnummer\n6216CG,45\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let v: serde_json::Value = res.json().await.unwrap();
    let detail = v["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("unknown parameter 'postcod'; did you mean 'postcode'?")
            && detail.contains("straat, woonplaats, address, columns"),
        "{detail}"
    );
    // A column option naming a missing column: said as a parameter.
    let res = client
        .post(format!("{base}/v1/classify?postcode=pc6"))
        .header("content-type", "text/csv")
        .body("pc,huisnummer\n6216CG,45\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .starts_with("postcode= names column 'pc6', but the header has no such column"),
        "{v}"
    );
}

/// Issue 25, 1-3: rows shorter and longer than the header, Excel's `sep=;` line and decimal
/// commas, the same through the CLI and HTTP, each row's area the lookup's for its point.
#[tokio::test]
async fn ragged_rows_sep_lines_and_decimal_commas_keep_every_column_in_place() {
    // As Excel writes a `;` export: the `sep=` line, CRLF, decimal commas, a short row (only
    // an address) and a long one (two cells past the header).
    let input = "sep=;\r\nNr;Adres;X;Y\r\n1;Vrijthof 16\r\n2;Markt;176297,45;317946,1;extra1;extra2\r\n3;;177403,02;317811,37\r\n";
    let opts = Options {
        columns: ColumnArgs {
            columns: Some("lwa,point_x,status,message".into()),
            ..ColumnArgs::default()
        },
        ..Options::default()
    };
    let mut out = Vec::new();
    let summary = classify_csv(resolver(), input.as_bytes(), &mut out, &opts, |_, _| {}).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(summary.delimiter, ";");
    assert_eq!(summary.decimal, "comma");
    assert_eq!(summary.rows, 3, "the sep= line is no row: {summary:?}");
    let lines: Vec<&str> = out.split("\r\n").collect();
    assert_eq!(lines[0], "sep=;");
    assert_eq!(lines[1], "Nr;Adres;X;Y;lwa;point_x;status;message");
    let cells = |line: &str| -> Vec<String> {
        csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .flexible(true)
            .from_reader(line.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect()
    };
    // The short row is padded: its added columns stand under their names.
    let short = cells(lines[2]);
    assert_eq!(short.len(), 8, "{short:?}");
    assert_eq!(&short[..4], ["1", "Vrijthof 16", "", ""]);
    assert_eq!(short[6], "ok");
    assert!(
        short[7].contains("2") && short[7].contains("4"),
        "{short:?}"
    );
    // The long row keeps its extra cells, after the added columns.
    let long = cells(lines[3]);
    assert_eq!(long.len(), 10, "{long:?}");
    assert_eq!(&long[8..], ["extra1", "extra2"]);
    assert_eq!(long[5], "176297,45", "decimal comma in, decimal comma out");
    assert!(long[7].contains("extra"), "the message says so: {long:?}");
    // Each row's area is the lookup's for its point.
    for (line, point) in [
        (lines[3], (176297.45, 317946.1)),
        (lines[4], (177403.02, 317811.37)),
    ] {
        let row = cells(line);
        let answer = resolver().today().resolve(
            wijkwijzer::crs::Rd {
                x: point.0,
                y: point.1,
            },
            wijkwijzer::roster::Audience::Public,
        );
        assert_eq!(row[4], answer.lwa.unwrap().id, "{row:?}");
    }
    // `decimal=point` overrides.
    let mut out = Vec::new();
    let point = Options {
        columns: ColumnArgs {
            decimal: Some("point".into()),
            ..opts.columns.clone()
        },
        ..Options::default()
    };
    classify_csv(resolver(), input.as_bytes(), &mut out, &point, |_, _| {}).unwrap();
    assert!(String::from_utf8(out).unwrap().contains(";176297.45;ok;"));

    // HTTP gives the same bytes.
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    let base = crate::spawn_server(state).await;
    let body = crate::post_csv(
        &base,
        "/v1/classify?columns=lwa,point_x,status,message",
        input.to_string(),
    )
    .await;
    assert_eq!(body, out_again(input, &opts));
    // A bad `decimal` is the request's fault.
    let res = reqwest::Client::new()
        .post(format!("{base}/v1/classify?decimal=semicolon"))
        .header("content-type", "text/csv")
        .body(input)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let p: serde_json::Value = res.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("decimal"), "{p}");
    // And the CLI.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.csv");
    std::fs::write(&file, input).unwrap();
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .args(["classify", "--columns", "lwa,point_x,status,message"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(cli.stdout).unwrap(), body);
}

fn out_again(input: &str, opts: &Options) -> String {
    let mut out = Vec::new();
    classify_csv(resolver(), input.as_bytes(), &mut out, opts, |_, _| {}).unwrap();
    String::from_utf8(out).unwrap()
}

/// Issue 25, 5: column names with accents (`X-coördinaat`, `Coördinaten`) are found like their
/// plain forms; `6211-AD`, `3.0` and `103 A` in postcode and number columns are read; a column
/// of degrees, minutes and seconds is read like `q=`. Through HTTP the bytes are the same.
#[tokio::test]
async fn accented_columns_and_spreadsheet_forms_of_postcodes_and_numbers_are_read() {
    let input = "Postcode;Huisnummer;X-coördinaat;Y-coördinaat;Coördinaten\r\n\
                 6211-AD;3.0;;;\r\n\
                 6211 AW;103 A;;;\r\n\
                 ;;176297,45;317946,1;\r\n\
                 ;;;;50°51'05\"N 5°41'28\"E\r\n";
    let opts = Options {
        columns: ColumnArgs {
            columns: Some("source,quality,status,point_x,point_y".into()),
            ..ColumnArgs::default()
        },
        ..Options::default()
    };
    let (rows, header, summary) = run(input, &opts);
    assert_eq!(summary.resolved, 4, "{summary:?}");
    let (source, quality, x, y) = (
        col(&header, "source"),
        col(&header, "quality"),
        col(&header, "point_x"),
        col(&header, "point_y"),
    );
    let sources: Vec<&str> = rows.iter().map(|r| &r[source]).collect();
    assert_eq!(sources, ["postcode", "postcode", "x/y", "text"]);
    assert_eq!(&rows[0][quality], "exact");
    assert_eq!(&rows[1][quality], "exact");
    // The addresses' points as the shipped address file has them.
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/addresses.csv"
    ))
    .unwrap();
    for (row, line) in [
        (0, ",6211AD,3,,,Biesenwal,"),
        (1, ",6211AW,103,A,,Boschstraat,"),
    ] {
        let record = shipped
            .lines()
            .find(|l| l.starts_with(line))
            .unwrap_or_else(|| panic!("{line} is not in the shipped addresses"));
        let fields: Vec<&str> = record.split(',').collect();
        let want = (
            fields[7].parse::<f64>().unwrap(),
            fields[8].parse::<f64>().unwrap(),
        );
        let got = (
            rows[row][x].replace(',', ".").parse::<f64>().unwrap(),
            rows[row][y].replace(',', ".").parse::<f64>().unwrap(),
        );
        assert!(
            (got.0 - want.0).abs() < 0.01 && (got.1 - want.1).abs() < 0.01,
            "row {row}: {got:?} vs {want:?}"
        );
    }
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    let base = crate::spawn_server(state).await;
    let body = crate::post_csv(
        &base,
        "/v1/classify?columns=source,quality,status,point_x,point_y",
        input.to_string(),
    )
    .await;
    assert_eq!(body, out_again(input, &opts));
}

/// Issue 25, 6: a row outside the city says how far outside and which way, in the words a
/// lookup of the same point says it.
#[test]
fn rows_outside_say_how_far_and_which_way_as_a_lookup_does() {
    // 3.5 km due south of the municipality's southern tip, and 10 km west of it.
    let input = "x;y\n176000;310000\n166000;316000\n";
    let opts = Options {
        columns: ColumnArgs {
            columns: Some("status,message".into()),
            ..ColumnArgs::default()
        },
        ..Options::default()
    };
    let (rows, header, _) = run(input, &opts);
    let (status, message) = (col(&header, "status"), col(&header, "message"));
    assert_eq!(&rows[0][status], "outside");
    assert!(
        rows[0][message].contains("3.5 km south of Zuid-Oost"),
        "{rows:?}"
    );
    assert!(rows[1][message].contains(" west of "), "{rows:?}");
    for (row, (x, y)) in rows
        .iter()
        .zip([(176000.0, 310000.0), (166000.0, 316000.0)])
    {
        let answer = resolver().today().resolve(
            wijkwijzer::crs::Rd { x, y },
            wijkwijzer::roster::Audience::Public,
        );
        let words = row[message].split_once("): ").unwrap().1;
        assert!(
            answer.message.contains(words),
            "lookup: {} / row: {words}",
            answer.message
        );
    }
}

/// Issue 25, 4: workbooks as spreadsheet programs write them (openpyxl and odfpy, see
/// scripts/make-test-workbooks.py), through the CLI and HTTP: a sheet chosen by name, every input
/// cell kept in place with its type in an `.xlsx` answer, each row's area the lookup's, and a
/// file that is no table refused in one sentence, never with its bytes.
#[tokio::test]
async fn workbooks_are_read_and_written_keeping_every_cell() {
    use calamine::{Data, Reader};
    let fixture = |name: &str| {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    };
    let dir = tempfile::tempdir().unwrap();
    let answer = dir.path().join("met-gebied.xlsx");
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
            .arg("classify")
            .args(args)
            .output()
            .unwrap()
    };
    let xlsx = fixture("incidents.xlsx");
    let out = cli(&[
        xlsx.to_str().unwrap(),
        "--sheet",
        "Meldingen",
        "--columns",
        "lwa,status,point_x",
        "-o",
        answer.to_str().unwrap(),
    ]);
    // One row lies outside: exit 1, as for any file with rows not placed.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut input = calamine::open_workbook_auto(&xlsx).unwrap();
    let given = input.worksheet_range("Meldingen").unwrap();
    let mut written = calamine::open_workbook_auto(&answer).unwrap();
    assert_eq!(written.sheet_names(), ["Meldingen"]);
    let got = written.worksheet_range("Meldingen").unwrap();
    assert_eq!(got.height(), given.height());
    assert_eq!(got.width(), given.width() + 3);
    for (r, (want, have)) in given.rows().zip(got.rows()).enumerate() {
        for (c, cell) in want.iter().enumerate() {
            let same = match (cell, &have[c]) {
                (Data::DateTime(a), Data::DateTime(b)) => (a.as_f64() - b.as_f64()).abs() < 1e-9,
                (Data::Int(a), Data::Float(b)) => (*a as f64 - b).abs() < 1e-9,
                (a, b) => a == b,
            };
            assert!(same, "row {r} column {c}: {cell:?} became {:?}", have[c]);
        }
    }
    let n = given.width();
    assert_eq!(got.get((0, n)), Some(&Data::String("lwa".into())));
    let statuses: Vec<String> = got.rows().skip(1).map(|r| r[n + 1].to_string()).collect();
    assert_eq!(statuses, ["ok", "ok", "ok", "outside"]);
    // The added point is a number, and each row's area is the lookup's for it.
    for row in got.rows().skip(1) {
        let Data::Float(x) = row[n + 2] else {
            panic!("point_x is not a number: {row:?}");
        };
        if let (Data::Float(px), Data::Float(py)) = (&row[3], &row[4]) {
            assert!((x - px).abs() < 0.01);
            let lookup = resolver().today().resolve(
                wijkwijzer::crs::Rd { x: *px, y: *py },
                wijkwijzer::roster::Audience::Public,
            );
            assert_eq!(
                row[n].to_string(),
                lookup.lwa.map(|l| l.id).unwrap_or_default()
            );
        }
    }

    // The OpenDocument file gives the same areas.
    let ods = cli(&[
        fixture("incidents.ods").to_str().unwrap(),
        "--columns",
        "lwa,status,point_x",
    ]);
    let ods_csv = String::from_utf8(ods.stdout).unwrap();
    let csv_answer = cli(&[
        xlsx.to_str().unwrap(),
        "--sheet",
        "Meldingen",
        "--columns",
        "lwa,status,point_x",
    ]);
    let xlsx_csv = String::from_utf8(csv_answer.stdout).unwrap();
    let tail = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| l.rsplitn(4, ',').take(3).collect::<Vec<_>>().join(","))
            .collect()
    };
    assert_eq!(tail(&ods_csv), tail(&xlsx_csv));

    // HTTP: the workbook's media type or a form upload, CSV back, or a workbook when asked.
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    let base = crate::spawn_server(state).await;
    let bytes = std::fs::read(&xlsx).unwrap();
    let client = reqwest::Client::new();
    let url = format!("{base}/v1/classify?sheet=Meldingen&columns=lwa,status,point_x");
    let res = client
        .post(&url)
        .header("content-type", wijkwijzer::classify::workbook::XLSX)
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv");
    assert_eq!(res.text().await.unwrap(), xlsx_csv);
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name("incidents.xlsx"),
        )
        .text("sheet", "Meldingen")
        .text("columns", "lwa,status,point_x");
    let res = client
        .post(format!("{base}/v1/classify"))
        .multipart(form)
        .header("accept", wijkwijzer::classify::workbook::XLSX)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        wijkwijzer::classify::workbook::XLSX
    );
    let back = res.bytes().await.unwrap().to_vec();
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(back)).unwrap();
    let range = book.worksheet_range("Meldingen").unwrap();
    assert_eq!(range.get((1, n + 1)), Some(&Data::String("ok".into())));

    // No table at all: one sentence, never the bytes.
    let mut junk = b"PK\x03\x04".to_vec();
    junk.extend((0..600u32).map(|i| (i * 7 % 251) as u8));
    for (body, media) in [
        (junk.clone(), "text/csv"),
        (vec![0u8, 159, 146, 150, 1, 2, 3, 0, 4], "text/csv"),
        (junk, wijkwijzer::classify::workbook::XLSX),
    ] {
        let res = client
            .post(format!("{base}/v1/classify"))
            .header("content-type", media)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let p: serde_json::Value = res.json().await.unwrap();
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.len() < 400 && !detail.contains("PK"), "{detail}");
        assert!(!detail.contains('\u{fffd}'), "{detail}");
    }
    let junk_file = dir.path().join("kapot.xlsx");
    std::fs::write(&junk_file, b"PK\x03\x04not a workbook at all").unwrap();
    let out = cli(&[junk_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(said.contains("no workbook"), "{said}");
}
