//! Address lookup: the exact forms people write, free text, match qualities, not found and
//! ambiguous answers, the CSV import, and the HTTP and CLI interfaces.

use std::sync::Arc;

use serde_json::Value;
use wijkwijzer::address::records::{ImportOptions, import_csv};
use wijkwijzer::address::{AddressIndex, AddressSourceInfo, Failure, MatchQuality, Query};
use wijkwijzer::geodata::Geodata;
use wijkwijzer::http::AppState;
use wijkwijzer::resolve::Resolver;

fn text(q: &str) -> Query {
    Query::Text(q.into())
}

fn found(index: &AddressIndex, q: &str) -> (String, MatchQuality) {
    match index.find(&text(q)) {
        Ok(f) => (f.best.address.label, f.best.quality),
        Err(e) => panic!("'{q}': {e:?}"),
    }
}

#[test]
fn exact_forms_of_postcode_and_number() {
    let index = AddressIndex::embedded();
    for q in [
        "6216CG 45",
        "6216 cg 45",
        "6216CG45",
        "6216cg 45",
        " 6216 CG  45 ",
    ] {
        assert_eq!(
            found(&index, q),
            (
                "Brusselsepoort 45, 6216CG Maastricht".into(),
                MatchQuality::Exact
            ),
            "{q}"
        );
    }
    // Spilstraat 4C and 4D share 6211CP; the letter is read however it is written.
    for q in ["6211CP 4c", "6211CP 4 C", "6211cp4C", "6211CP 4-c"] {
        assert_eq!(
            found(&index, q),
            (
                "Spilstraat 4C, 6211CP Maastricht".into(),
                MatchQuality::Exact
            ),
            "{q}"
        );
    }
    // A toevoeging: Cortenstraat 2-2B has no postcode in OpenStreetMap.
    assert_eq!(
        found(&index, "Cortenstraat 2-2B"),
        ("Cortenstraat 2-2B, Maastricht".into(), MatchQuality::Exact)
    );
    let parts = Query::Parts {
        postcode: "6211CP".into(),
        huisnummer: "4".into(),
        huisletter: Some("d".into()),
        toevoeging: None,
    };
    let f = index.find(&parts).unwrap();
    assert_eq!(f.best.address.label, "Spilstraat 4D, 6211CP Maastricht");
    assert_eq!(f.best.quality, MatchQuality::Exact);
    assert_eq!(f.best.score, 1.0);
}

#[test]
fn a_suffix_that_does_not_exist_is_not_exact() {
    let index = AddressIndex::embedded();
    let (label, quality) = found(&index, "6216CG 45A");
    assert_eq!(label, "Brusselsepoort 45, 6216CG Maastricht");
    assert_eq!(quality, MatchQuality::HuisletterIgnored);
    assert_eq!(
        found(&index, "Brusselsepoort 45-2").1,
        MatchQuality::ToevoegingIgnored
    );
    assert_eq!(
        found(&index, "Brusselsepoort 45 bis").1,
        MatchQuality::ToevoegingIgnored
    );
    let f = index.find(&text("6216CG 45A")).unwrap();
    assert!(f.best.score < 1.0);
}

#[test]
fn free_text_forms() {
    let index = AddressIndex::embedded();
    for q in [
        "Brusselsepoort 45 Maastricht",
        "brusselsepoort 45",
        "BRUSSELSEPOORT 45, Maastricht",
        "Brusselsepoort 45, 6216 CG Maastricht",
        "Brusselsepoort45 Maastrcht",
    ] {
        assert_eq!(
            found(&index, q),
            (
                "Brusselsepoort 45, 6216CG Maastricht".into(),
                MatchQuality::Exact
            ),
            "{q}"
        );
    }
    // Sint as St., diacritics optional.
    for q in [
        "St. Pieterstraat 7",
        "st pieterstraat 7",
        "Sint-Pieterstraat 7",
    ] {
        assert_eq!(
            found(&index, q),
            (
                "Sint Pieterstraat 7, 6211JM Maastricht".into(),
                MatchQuality::Exact
            ),
            "{q}"
        );
    }
    assert_eq!(
        found(&index, "Corversplein 5"),
        (
            "Cörversplein 5, 6221EZ Maastricht".into(),
            MatchQuality::Exact
        )
    );
}

#[test]
fn typos_are_corrected_and_say_so() {
    let index = AddressIndex::embedded();
    for q in [
        "Brusselsepoot 45",
        "Brusel sepoort 45",
        "Brussselsepooort 45",
    ] {
        let f = index
            .find(&text(q))
            .unwrap_or_else(|e| panic!("{q}: {e:?}"));
        assert_eq!(
            f.best.address.label, "Brusselsepoort 45, 6216CG Maastricht",
            "{q}"
        );
        assert_ne!(f.best.quality, MatchQuality::Exact, "{q}");
        assert!(f.best.score < 1.0, "{q}");
    }
    // One edit from both Heggenstraat and Heksenstraat: not answered as either (issue 34),
    // both offered.
    let Err(Failure::NotFound { candidates, .. }) = index.find(&text("Hegsenstraat 2")) else {
        panic!("Hegsenstraat answered as one of two near streets")
    };
    let streets: Vec<&str> = candidates
        .iter()
        .map(|c| c.address.street.as_str())
        .collect();
    assert!(
        streets.contains(&"Heggenstraat") && streets.contains(&"Heksenstraat"),
        "{streets:?}"
    );
}

#[test]
fn street_or_postcode_alone() {
    let index = AddressIndex::embedded();
    let f = index.find(&text("Brusselsepoort")).unwrap();
    assert_eq!(f.best.quality, MatchQuality::StreetOnly);
    assert!(f.members.len() >= 9, "{}", f.members.len());
    let f = index.find(&text("6216CG")).unwrap();
    assert_eq!(f.best.quality, MatchQuality::PostcodeOnly);
    assert_eq!(f.best.address.postcode.as_deref(), Some("6216CG"));
}

#[test]
fn not_found_and_ambiguous_carry_candidates() {
    let index = AddressIndex::embedded();
    let Err(Failure::NotFound { reason, candidates }) = index.find(&text("Brusselsepoort 999"))
    else {
        panic!()
    };
    assert!(
        reason.contains("Brusselsepoort 999 does not exist"),
        "{reason}"
    );
    assert_eq!(
        candidates[0].address.label,
        "Brusselsepoort 66, 6216CG Maastricht"
    );
    assert!(
        candidates
            .iter()
            .all(|c| c.quality == MatchQuality::OtherNumber)
    );
    // 4 exists on Spilstraat only as 4C and 4D.
    let Err(Failure::Ambiguous { reason, candidates }) = index.find(&text("Spilstraat 4")) else {
        panic!()
    };
    assert!(reason.contains("only as 4C, 4D"), "{reason}");
    assert_eq!(candidates.len(), 2);
    assert!(matches!(
        index.find(&text("Nergensstraat 1")),
        Err(Failure::NotFound { .. })
    ));
    assert!(matches!(
        index.find(&text("45")),
        Err(Failure::Unreadable(_))
    ));
    assert!(matches!(
        index.find(&text("Brusselsepoort 0")),
        Err(Failure::Unreadable(_))
    ));
    // A woonplaats that is not known is not ignored silently.
    let Err(Failure::NotFound { reason, candidates }) =
        index.find(&text("Brusselsepoort 45 Amsterdam"))
    else {
        panic!()
    };
    assert!(reason.contains("Amsterdam"), "{reason}");
    assert_eq!(
        candidates[0].address.label,
        "Brusselsepoort 45, 6216CG Maastricht"
    );
    assert!(matches!(
        index.find(&text("0000XX 1")),
        Err(Failure::NotFound { .. }) | Err(Failure::Unreadable(_))
    ));
}

fn test_index(csv: &str) -> AddressIndex {
    let outcome = import_csv(csv.as_bytes(), "test.csv", &ImportOptions::default()).unwrap();
    assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
    let info = AddressSourceInfo {
        name: "test".into(),
        licence: "-".into(),
        attribution: String::new(),
        complete: true,
        note: String::new(),
        date: None,
    };
    AddressIndex::build(outcome.records, info).unwrap().0
}

#[test]
fn the_same_street_in_two_places_needs_the_place() {
    let index = test_index(
        "straat;huisnummer;postcode;woonplaats;x;y\n\
         Kerkstraat;1;6301AA;Valkenburg;186000;319000\n\
         Kerkstraat;1;6211AA;Maastricht;176400;317900\n\
         Kerkstraat;3;6211AA;Maastricht;176410;317900\n",
    );
    let Err(Failure::Ambiguous { candidates, reason }) = index.find(&text("Kerkstraat 1")) else {
        panic!()
    };
    assert_eq!(candidates.len(), 2, "{reason}");
    assert_eq!(
        found(&index, "Kerkstraat 1 Valkenburg").0,
        "Kerkstraat 1, 6301AA Valkenburg"
    );
    assert_eq!(
        found(&index, "Kerkstraat 1, Maastricht").0,
        "Kerkstraat 1, 6211AA Maastricht"
    );
    assert_eq!(
        found(&index, "kerkstraat 1 maastrict").0,
        "Kerkstraat 1, 6211AA Maastricht"
    );
    assert_eq!(
        found(&index, "Kerkstraat 3").0,
        "Kerkstraat 3, 6211AA Maastricht"
    );
}

#[test]
fn csv_import_reads_the_usual_shapes_and_reports_bad_rows() {
    // Dutch Excel: semicolons, BOM, lat/lon with decimal commas, split suffix columns.
    let csv = "\u{feff}Postcode;Huisnummer;Huisletter;Toevoeging;Straat;Woonplaats;Lat;Lon\n\
               6216CG;45;;;Brusselsepoort;Maastricht;50,8504616;5,6650032\n\
               6211CP;4;C;;Spilstraat;Maastricht;50.8514;5.6910\n\
               6211CP;x;;;Spilstraat;Maastricht;50.8514;5.6910\n\
               62CP;4;;;Spilstraat;Maastricht;50.8514;5.6910\n\
               6211CP;4;;;Spilstraat;Maastricht;5.6910;50.8514\n";
    let out = import_csv(csv.as_bytes(), "gemeente.csv", &ImportOptions::default()).unwrap();
    assert_eq!(out.records.len(), 2);
    let b = &out.records[0];
    assert_eq!(
        (b.street.as_str(), b.number, b.postcode.unwrap().to_string()),
        ("Brusselsepoort", 45, "6216CG".into())
    );
    assert!(
        (b.rd.x - 174_564.7).abs() < 1.0 && (b.rd.y - 317_884.5).abs() < 1.0,
        "{:?}",
        b.rd
    );
    assert_eq!(out.records[1].suffix.letter(), Some('C'));
    let lines: Vec<String> = out.skipped.iter().map(|e| e.to_string()).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("gemeente.csv: line 4:") && lines[0].contains("'x'"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("line 5") && lines[1].contains("postcode '62CP'"),
        "{lines:?}"
    );
    assert!(
        lines[2].contains("line 6") && lines[2].contains("swapped"),
        "{lines:?}"
    );

    // Tabs, RD, a combined number column.
    let tsv = "straatnaam\thuisnummer\tx\ty\tplaats\nBoschstraat\t103a\t176356.852\t318119.661\tMaastricht\n";
    let out = import_csv(tsv.as_bytes(), "t.tsv", &ImportOptions::default()).unwrap();
    assert_eq!(out.records[0].suffix.letter(), Some('A'));
    // A file without a street column is refused, naming the columns it has.
    let err = import_csv(
        "a,b,x,y\n1,2,3,4\n".as_bytes(),
        "bad.csv",
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no house number column"), "{err}");
}

#[test]
fn suggestions_complete_streets_and_postcodes() {
    let index = AddressIndex::embedded();
    let s = index.suggest("brusselsep", 5);
    assert_eq!(s[0].kind, "street");
    assert_eq!(s[0].label, "Brusselsepoort, Maastricht");
    let s = index.suggest("Brusselsepoort 4", 10);
    assert!(
        s.iter()
            .all(|x| x.kind == "address" && x.label.starts_with("Brusselsepoort 4")),
        "{s:?}"
    );
    assert!(
        s.iter().any(|x| x.label.starts_with("Brusselsepoort 45,")),
        "{s:?}"
    );
    let s = index.suggest("6216 c", 3);
    assert_eq!(s.len(), 3);
    assert!(s.iter().all(|x| x.label.contains("6216C")), "{s:?}");
    assert!(
        index
            .suggest("6216CG 4", 10)
            .iter()
            .all(|x| x.label.contains(" 4"))
    );
    assert!(index.suggest("zzzz", 10).is_empty());
    assert!(index.suggest("", 10).is_empty());
    // Every suggestion's query finds that very address.
    for x in index.suggest("6211", 20) {
        assert_eq!(
            found(&index, &x.query),
            (x.label.clone(), MatchQuality::Exact)
        );
    }
}

#[test]
fn the_embedded_default_says_what_it_is() {
    // As answers give it: the hint names the served municipality's code.
    let meta = Resolver::new(Geodata::embedded().unwrap()).address_meta();
    assert!(meta.count > 700, "{}", meta.count);
    assert!(meta.source.attribution.contains("OpenStreetMap"));
    assert_eq!(meta.source.licence, "ODbL 1.0");
    assert!(!meta.source.complete);
    assert!(meta.how_to_load_bag.contains("0935"));
}

async fn server() -> String {
    let state = Arc::new(AppState::new(Resolver::new(Geodata::embedded().unwrap())));
    crate::spawn_server(state).await
}

async fn get(base: &str, path: &str) -> (u16, String, Value) {
    let res = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, res.json().await.unwrap())
}

#[tokio::test]
async fn http_address_lookup() {
    let base = server().await;
    let (status, _, a) = get(&base, "/v1/lookup?address=Brusselsepoort%2045").await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["address"]["quality"], "exact");
    assert_eq!(
        a["address"]["matched"]["label"],
        "Brusselsepoort 45, 6216CG Maastricht"
    );
    assert_eq!(a["buurt"]["name"], "Brusselsepoort");
    assert_eq!(a["lwa"]["name"], "Noord-West");
    let roles: Vec<&str> = a["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    assert!(
        roles.contains(&"senior_wijkgebonden_medewerker") && roles.contains(&"coordinator"),
        "{roles:?}"
    );
    assert!(a["data"]["addresses"]["count"].as_u64().unwrap() > 700);
    assert_eq!(a["data"]["addresses"]["licence"], "ODbL 1.0");

    let (status, _, b) = get(&base, "/v1/lookup?postcode=6216cg&huisnummer=45").await;
    assert_eq!(status, 200);
    assert_eq!(b["address"]["matched"], a["address"]["matched"]);
    let (_, _, b) = get(&base, "/v1/lookup?q=Brusselsepoot%2045").await;
    assert_eq!(b["address"]["quality"], "fuzzy_street");
    assert_eq!(b["lwa"]["name"], "Noord-West");
    let (_, _, b) = get(
        &base,
        "/v1/lookup?postcode=6216CG&huisnummer=45&huisletter=A",
    )
    .await;
    assert_eq!(b["address"]["quality"], "huisletter_ignored");

    let (status, ct, p) = get(&base, "/v1/lookup?address=Brusselsepoort%20999").await;
    assert_eq!((status, ct.as_str()), (404, "application/problem+json"));
    assert_eq!(p["type"], "urn:wijkwijzer:problem:address-not-found");
    assert!(!p["candidates"].as_array().unwrap().is_empty());
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("not the complete register"),
        "{p}"
    );
    // 4C and 4D, one building in one area: the area is certain, the letter is not.
    let (status, _, a) = get(&base, "/v1/lookup?address=Spilstraat%204").await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["address"]["quality"], "huisletter_ignored");
    assert_eq!(a["address"]["alternatives"].as_array().unwrap().len(), 1);
    assert!(
        a["address"]["notes"][0]
            .as_str()
            .unwrap()
            .contains("all lie in Centrum / Zuid-West"),
        "{a}"
    );
    let (status, _, p) = get(&base, "/v1/lookup?postcode=6216&huisnummer=45").await;
    assert_eq!(status, 400);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("four digits and two letters"),
        "{p}"
    );
    let (status, _, _) = get(&base, "/v1/lookup?postcode=6216CG").await;
    assert_eq!(status, 400, "huisnummer is required with postcode");
    let (status, _, _) = get(&base, "/v1/lookup?address=x&lat=50.8").await;
    assert_eq!(status, 400);
    let (status, _, _) = get(
        &base,
        "/v1/lookup?address=Brusselsepoort%2045&situation=nope",
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn http_suggest() {
    let base = server().await;
    let (status, _, s) = get(&base, "/v1/addresses/suggest?q=brusselsepoort%204&limit=2").await;
    assert_eq!(status, 200);
    let list = s["suggestions"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let (_, _, more) = get(&base, "/v1/addresses/suggest?q=6216&limit=3").await;
    assert_eq!(more["suggestions"].as_array().unwrap().len(), 3);
    assert!(
        list.iter()
            .all(|x| x["label"].as_str().unwrap().starts_with("Brusselsepoort 4"))
    );
    let (status, _, _) = get(&base, "/v1/addresses/suggest?q=a&limit=0").await;
    assert_eq!(status, 400);
    let (status, _, _) = get(&base, "/v1/addresses/suggest").await;
    assert_eq!(status, 400);
}

#[test]
fn cli_address_lookup() {
    let (code, out, err) = crate::cli::wijkwijzer(&["lookup", "Brusselsepoort 45"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Brusselsepoort 45, 6216CG Maastricht (exact"),
        "{out}"
    );
    assert!(out.contains("Buurt      Brusselsepoort"), "{out}");
    assert!(out.contains("LWA        Noord-West"), "{out}");
    assert!(
        out.contains("senior wijkgebonden medewerker") && out.contains("coördinator"),
        "{out}"
    );
    let (code, out, _) = crate::cli::wijkwijzer(&["lookup", "Brusselsepoot", "45"]);
    assert_eq!(code, 0);
    assert!(out.contains("(fuzzy_street"), "{out}");
    let (code, out, err) = crate::cli::wijkwijzer(&["lookup", "Spilstraat 4"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Spilstraat 4C") && out.contains("Spilstraat 4D"),
        "{out}"
    );
    // The whole municipality is every area: a refusal with each of them.
    let (code, _, err) = crate::cli::wijkwijzer(&["lookup", "Maastricht"]);
    assert_eq!(code, 1);
    assert!(err.contains("the whole municipality"), "{err}");
    for area in [
        "Centrum / Zuid-West",
        "Noord-Oost",
        "Noord-West",
        "Zuid-Oost",
    ] {
        assert!(err.contains(area), "{err}");
    }
    let (code, _, err) = crate::cli::wijkwijzer(&["lookup", "Nergensstraat 12"]);
    assert_eq!(code, 1);
    assert!(err.contains("not the complete register"), "{err}");
}

#[test]
fn address_files_round_trip_through_import_and_load() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    std::fs::write(
        &input,
        "postcode,huisnummer,toevoeging,straat,woonplaats,x,y\n6216CG,45,,Brusselsepoort,Maastricht,174564.74,317884.54\n6216CG,47,2,Brusselsepoort,Maastricht,174571.5,317879.25\n",
    )
    .unwrap();
    let out = dir.path().join("addresses.csv");
    let (code, stdout, err) = crate::cli::wijkwijzer(&[
        "import",
        "addresses",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--source-name",
        "Gemeente test",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("2 addresses"), "{stdout}");
    let index = AddressIndex::load(&out).unwrap();
    assert_eq!(index.len(), 2);
    assert_eq!(index.info().name, "Gemeente test");
    assert_eq!(found(&index, "6216CG 47-2").1, MatchQuality::Exact);
    let (code, stdout, _) = crate::cli::wijkwijzer(&[
        "lookup",
        "--addresses",
        out.to_str().unwrap(),
        "Brusselsepoort 47-2",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("Brusselsepoort 47-2, 6216CG Maastricht (exact"),
        "{stdout}"
    );
}

/// A postcode that contradicts the street (or a street that contradicts the postcode) is said
/// so in the quality, with the part that was used; never `exact`.
#[test]
fn a_part_that_contradicts_the_others_is_never_exact() {
    let index = AddressIndex::embedded();
    // Markt 1 is 6211CH: the postcode typed is another part of the Markt.
    assert_eq!(
        found(&index, "Markt 1 6211CK"),
        (
            "Markt 1, 6211CH Maastricht".to_string(),
            MatchQuality::PostcodeIgnored
        )
    );
    // 6211CK 33 is Markt 33: the street typed is not the postcode's.
    assert_eq!(
        found(&index, "Vrijthof 33 6211CK"),
        (
            "Markt 33, 6211CK Maastricht".to_string(),
            MatchQuality::StreetIgnored
        )
    );
    // All three agreeing is exact; a typo in the street that still means the postcode's
    // street is a correction, not a contradiction.
    assert_eq!(found(&index, "Markt 33 6211CK").1, MatchQuality::Exact);
    assert_eq!(found(&index, "Mark 33 6211CK").1, MatchQuality::Exact);
    assert_eq!(MatchQuality::PostcodeIgnored.as_str(), "postcode_ignored");
}

/// Onze Lieve Vrouwe as Maastricht's signs and people write it.
#[test]
fn onze_lieve_vrouwe_in_every_spelling() {
    let index = AddressIndex::embedded();
    for q in [
        "Onze Lieve Vrouweplein 2",
        "OLV-plein 2",
        "O.L.V.-plein 2",
        "O.L. Vrouweplein 2",
        "olv plein 2",
    ] {
        assert_eq!(
            found(&index, q),
            (
                "Onze Lieve Vrouweplein 2, Maastricht".to_string(),
                MatchQuality::Exact
            ),
            "{q}"
        );
    }
}

/// Four digits name a postcode area: answered when its addresses lie in one LWA area, and
/// otherwise ambiguous with one candidate per area, as a street without a number.
#[test]
fn a_four_digit_postcode_is_an_area() {
    use wijkwijzer::address::Query;
    let resolver = Resolver::new(Geodata::embedded().unwrap());
    let one = resolver
        .today()
        .find_address(&Query::Text("6216".into()))
        .unwrap();
    assert_eq!(one.best.quality, MatchQuality::PostcodeArea);
    assert_eq!(one.best.address.number, 0);
    assert!(
        one.best.address.label.starts_with("postcode area 6216, "),
        "{}",
        one.best.address.label
    );
    assert!(
        one.members.len() > 1
            && one.members.iter().all(|r| {
                let a = resolver
                    .addresses()
                    .row_candidate(*r, MatchQuality::PostcodeOnly);
                a.address
                    .postcode
                    .as_deref()
                    .is_some_and(|p| p.starts_with("6216"))
            })
    );
    match resolver.today().find_address(&Query::Text("6221".into())) {
        Err(Failure::Ambiguous { reason, candidates }) => {
            assert!(reason.starts_with("'6221' spans 2 areas"), "{reason}");
            assert_eq!(candidates.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    match resolver.today().find_address(&Query::Text("1012".into())) {
        Err(Failure::NotFound { reason, .. }) => {
            assert!(reason.contains("starting with 1012"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

/// An unknown woonplaats is named as the problem, before the number.
#[test]
fn an_unknown_woonplaats_is_the_first_thing_said() {
    let index = AddressIndex::embedded();
    match index.find(&text("Stationsstraat 1 Amsterdam")) {
        Err(Failure::NotFound { reason, .. }) => assert!(
            reason.starts_with(
                "no woonplaats named 'Amsterdam' is among the loaded addresses (Maastricht)"
            ),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
}

/// "bij Markt 1": the near-word is read as such and said; a street that starts with the same
/// letters is not cut.
#[test]
fn a_word_for_near_is_read_and_said() {
    let index = AddressIndex::embedded();
    for (q, word) in [
        ("bij Markt 1", "bij"),
        ("Tegenover het Vrijthof 16", "Tegenover"),
        ("naast de Markt 1", "naast"),
    ] {
        let f = index.find(&text(q)).unwrap();
        assert_eq!(f.best.quality, MatchQuality::Exact, "{q}");
        assert!(
            f.notes
                .iter()
                .any(|n| n.starts_with(&format!("'{word}' read as near"))),
            "{q}: {:?}",
            f.notes
        );
    }
    assert!(index.find(&text("Markt 1")).unwrap().notes.is_empty());
    // Not a near-word: "Bijlestraat" stays a street name (and is not in the shipped data).
    assert!(matches!(
        index.find(&text("Bijlestraat 1")),
        Err(Failure::NotFound { .. })
    ));
}

/// "Brusselsepoort 11-14", "11 t/m 14", ...: the first number of the range that the address
/// file holds, with quality `number_range` and a note; in the index, over HTTP and in batch.
/// The numbers are taken from the shipped file, not from the search.
#[tokio::test]
async fn a_range_of_numbers_is_its_first_existing_number() {
    let csv = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/addresses.csv"
    ))
    .unwrap();
    let numbers: std::collections::BTreeSet<u32> = csv
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[5] == "Brusselsepoort" && f[3].is_empty() && f[4].is_empty())
                .then(|| f[2].parse().ok())
                .flatten()
        })
        .collect();
    // Two numbers on the street with a gap between them: the range from just after the first
    // to the second starts with numbers that do not exist.
    let v: Vec<u32> = numbers.iter().copied().collect();
    let (a, b) = v
        .windows(2)
        .map(|w| (w[0], w[1]))
        .find(|(a, b)| b - a >= 2 && b - a <= 50)
        .expect("a gap on Brusselsepoort");
    let index = AddressIndex::embedded();
    for q in [
        format!("Brusselsepoort {}-{b}", a + 1),
        format!("Brusselsepoort {} - {b}", a + 1),
        format!("Brusselsepoort {} t/m {b}", a + 1),
        format!("Brusselsepoort {} tot en met {b}", a + 1),
        format!("Brusselsepoort {}/{b}", a + 1),
    ] {
        let f = index.find(&text(&q)).unwrap();
        assert_eq!(f.best.address.number, b, "{q}");
        assert_eq!(f.best.quality, MatchQuality::NumberRange, "{q}");
        assert!(f.best.score < 1.0, "{q}");
        assert!(
            f.notes.iter().any(|n| n.contains("range")),
            "{q}: {:?}",
            f.notes
        );
    }
    // A range whose first number exists: that number.
    let f = index
        .find(&text(&format!("Brusselsepoort {a}-{}", a + 1)))
        .unwrap();
    assert_eq!(f.best.address.number, a);
    // No number of the range exists: not found, with candidates on the street.
    let empty = (1..1000u32)
        .find(|n| (*n..=n + 2).all(|k| !numbers.contains(&k)))
        .unwrap();
    assert!(matches!(
        index.find(&text(&format!("Brusselsepoort {empty}-{}", empty + 2))),
        Err(Failure::NotFound { .. })
    ));

    // HTTP and batch give the same.
    let base = server().await;
    let q = format!("Brusselsepoort {} t/m {b}", a + 1);
    let (status, _, answer) = get(
        &base,
        &format!("/v1/lookup?q={}", q.replace(' ', "%20").replace('/', "%2F")),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["address"]["quality"], "number_range");
    assert_eq!(answer["address"]["matched"]["number"], b);
    let body = crate::post_csv(
        &base,
        "/v1/classify?columns=quality,buurt",
        format!("id,adres\n1,{q}\n"),
    )
    .await;
    assert_eq!(
        body.lines().nth(1).unwrap(),
        format!(
            "1,{q},number_range,{}",
            answer["buurt"]["code"].as_str().unwrap()
        ),
        "{body}"
    );
}

/// A street whose name holds a number (Plein 1992, in the shipped file): the number belongs to
/// the name, the next one is the house number.
#[test]
fn a_street_name_with_a_number_in_it() {
    let csv = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/addresses.csv"
    ))
    .unwrap();
    let row = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f[5] == "Plein 1992" && f[3].is_empty() && f[4].is_empty())
        .expect("Plein 1992 in the shipped addresses");
    let (postcode, number) = (row[1], row[2]);
    let index = AddressIndex::embedded();
    for q in [
        format!("Plein 1992 {number}"),
        format!("Plein 1992 {number} {postcode}"),
        format!("{postcode} Plein 1992 {number}"),
        format!("plein 1992 {number}, Maastricht"),
    ] {
        let f = index.find(&text(&q)).unwrap();
        assert_eq!(f.best.quality, MatchQuality::Exact, "{q}");
        assert_eq!(f.best.address.street, "Plein 1992", "{q}");
        assert_eq!(f.best.address.number.to_string(), number, "{q}");
    }
    // The street alone is the street, not number 1992 of a street "Plein".
    let f = index.find(&text("Plein 1992")).unwrap();
    assert_eq!(f.best.quality, MatchQuality::StreetOnly);
    assert_eq!(f.best.address.street, "Plein 1992");
}

/// A street or postcode without a number is answered at a point of its own (the one of its
/// addresses nearest to their mean), labelled as the street, without a house number. The
/// expected rows come from the shipped address file.
#[test]
fn a_street_alone_is_answered_at_its_representative_point() {
    use wijkwijzer::address::Query;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/addresses.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let rows: Vec<(f64, f64)> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[5] == "Vrijthof")
        .map(|r| (r[7].parse().unwrap(), r[8].parse().unwrap()))
        .collect();
    let n = rows.len() as f64;
    let (mx, my) = (
        rows.iter().map(|r| r.0).sum::<f64>() / n,
        rows.iter().map(|r| r.1).sum::<f64>() / n,
    );
    let nearest = rows
        .iter()
        .min_by(|a, b| {
            (a.0 - mx)
                .hypot(a.1 - my)
                .total_cmp(&(b.0 - mx).hypot(b.1 - my))
        })
        .unwrap();
    let resolver = Resolver::new(Geodata::embedded().unwrap());
    let answer = resolver
        .today()
        .resolve_address(
            &Query::Text("Vrijthof".into()),
            None,
            wijkwijzer::roster::Audience::Public,
        )
        .unwrap();
    let m = answer.address.unwrap();
    assert_eq!(m.quality, MatchQuality::StreetOnly);
    assert_eq!(m.matched.number, 0);
    assert_eq!(
        m.matched.label,
        format!("Vrijthof, Maastricht (street, {} addresses)", rows.len())
    );
    assert!((m.matched.rd.x - nearest.0).abs() < 0.01 && (m.matched.rd.y - nearest.1).abs() < 0.01);
    assert!((answer.point.rd.x - nearest.0).abs() < 0.01);
}

/// Street and number against a postcode of another LWA area: neither reading is certain, so
/// the answer is a 300 with both, in every door. Where both lie in one area, the street and
/// number answer with `postcode_ignored`. The areas are found here from the shipped address
/// and LWA files.
#[tokio::test]
async fn contradicting_parts_in_two_areas_are_ambiguous() {
    use geo::Contains;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    let areas = crate::shipped_lwa_areas();
    let lwa_at = |x: f64, y: f64| -> String {
        areas
            .iter()
            .find(|(_, g)| g.contains(&geo::Point::new(x, y)))
            .map(|(id, _)| id.clone())
            .unwrap()
    };
    let mut reader = csv::Reader::from_path(dir.join("addresses.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let lwa_of = |pred: &dyn Fn(&csv::StringRecord) -> bool| -> Vec<String> {
        let mut v: Vec<String> = rows
            .iter()
            .filter(|r| pred(r))
            .map(|r| lwa_at(r[7].parse().unwrap(), r[8].parse().unwrap()))
            .collect();
        v.dedup();
        v
    };
    let street = lwa_of(&|r| &r[5] == "Brusselsepoort" && &r[2] == "45");
    let postcode = lwa_of(&|r| &r[1] == "6211CK");
    assert_eq!(street.len(), 1);
    assert_eq!(postcode.len(), 1);
    assert_ne!(street, postcode, "the example must cross areas");

    let state = std::sync::Arc::new(wijkwijzer::http::AppState::new(Resolver::new(
        Geodata::embedded().unwrap(),
    )));
    let base = crate::spawn_server(state).await;
    let res = reqwest::get(format!("{base}/v1/lookup?q=Brusselsepoort%2045%206211CK"))
        .await
        .unwrap();
    assert_eq!(res.status(), 300);
    let p: serde_json::Value = res.json().await.unwrap();
    assert!(
        p["detail"].as_str().unwrap().contains("contradicts itself"),
        "{p}"
    );
    let qualities: Vec<&str> = p["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["quality"].as_str().unwrap())
        .collect();
    assert_eq!(qualities, ["postcode_ignored", "postcode_only"]);
    // The body is the one the OpenAPI document declares for a 300: every required member.
    let doc: serde_json::Value = reqwest::get(format!("{base}/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let declared = &doc["paths"]["/v1/lookup"]["get"]["responses"]["300"]["content"]["application/problem+json"]
        ["schema"]["$ref"];
    assert_eq!(declared, "#/components/schemas/AddressProblem");
    let schema = &doc["components"]["schemas"]["AddressProblem"];
    for member in schema["required"].as_array().unwrap() {
        let member = member.as_str().unwrap();
        assert!(!p[member].is_null(), "{member} missing from the 300: {p}");
    }
    for c in p["candidates"].as_array().unwrap() {
        assert!(
            c["wgs84"]["lat"].is_f64() && c["address"].is_object(),
            "{c}"
        );
    }

    // Both in one area: answered by street and number, the postcode said to be ignored.
    assert_eq!(
        lwa_of(&|r| &r[5] == "Markt" && &r[2] == "1"),
        postcode,
        "Markt 1 and 6211CK share an area"
    );
    let res = reqwest::get(format!("{base}/v1/lookup?q=Markt%201%206211CK"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let a: serde_json::Value = res.json().await.unwrap();
    assert_eq!(a["address"]["quality"], "postcode_ignored");

    // Batch: the same decision.
    let csv = crate::post_csv(
        &base,
        "/v1/classify?columns=lwa,status",
        "id,adres\n1,Brusselsepoort 45 6211CK\n2,Markt 1 6211CK\n".into(),
    )
    .await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[1].ends_with(",ambiguous_address"), "{csv}");
    assert!(lines[2].ends_with(&format!("{},ok", postcode[0])), "{csv}");
}

/// Issue 23: text as people type it, names they give to areas, and ambiguity only where it
/// changes the answer; on the shipped data, through the one address decision of every door.
#[test]
fn what_people_type_and_the_names_they_give() {
    use wijkwijzer::address::{Failure, Query};
    use wijkwijzer::resolve::{AddressLookupError, Level};
    use wijkwijzer::roster::Audience;
    use wijkwijzer::text::{Lang, sync_scope};
    let r = wijkwijzer::resolve::Resolver::new(Geodata::embedded().unwrap());
    let on = r.today();
    let ask = |t: &str| on.resolve_address(&Query::Text(t.into()), None, Audience::Public);
    let answered = |t: &str| ask(t).unwrap_or_else(|e| panic!("{t}: {e:?}"));
    // (text, LWA area, matched label, quality)
    for (text, lwa, label, quality) in [
        // A swap of two neighbouring letters is one typing error.
        (
            "Linchreie",
            "Centrum / Zuid-West",
            "Lincherie",
            "fuzzy_place",
        ),
        ("Hendrkis", "Noord-West", "Hendriks", "fuzzy_place"),
        // The register spells the street both ways; number 3 is on the other spelling.
        (
            "Dominikanerkerkstraat 3",
            "Centrum / Zuid-West",
            "Dominicanerkerkstraat 3",
            "fuzzy_street",
        ),
        // Written as on a letter or a web page.
        (
            "Maastricht, Vrijthof 16",
            "Centrum / Zuid-West",
            "Vrijthof 16",
            "exact",
        ),
        (
            "Vrijthof 16 te Maastricht",
            "Centrum / Zuid-West",
            "Vrijthof 16",
            "exact",
        ),
        (
            "Markt 1 (stadhuis)",
            "Centrum / Zuid-West",
            "Markt 1",
            "exact",
        ),
        (
            "Vrijthof nummer 16",
            "Centrum / Zuid-West",
            "Vrijthof 16",
            "exact",
        ),
        // Names of areas.
        ("Borgharen", "Noord-Oost", "Borgharen", "area"),
        ("Wyck", "Centrum / Zuid-West", "Wyck", "area"),
        ("Randwyck", "Zuid-Oost", "Randwyck", "area"),
        ("Heer", "Zuid-Oost", "Heer", "area"),
        ("Amby", "Noord-Oost", "Amby", "area"),
        ("Malberg", "Noord-West", "Malberg", "area"),
        ("Noord-Oost", "Noord-Oost", "Noord-Oost", "area"),
        // Candidates that all lie in one area: the area is certain, the letter is not.
        (
            "Spilstraat 4",
            "Centrum / Zuid-West",
            "Spilstraat 4C",
            "huisletter_ignored",
        ),
        ("6227CT 7", "Zuid-Oost", "De Leim 7A", "huisletter_ignored"),
        // The contradiction between postcode and street is found in every order.
        (
            "6211CH 1 Vrijthof",
            "Centrum / Zuid-West",
            "Markt 1",
            "street_ignored",
        ),
        (
            "Vrijthof 6211CH 1",
            "Centrum / Zuid-West",
            "Markt 1",
            "street_ignored",
        ),
        (
            "Vrijthof 1 6211CH",
            "Centrum / Zuid-West",
            "Markt 1",
            "street_ignored",
        ),
        // Corners.
        (
            "hoek Wycker Brugstraat / Rechtstraat",
            "Centrum / Zuid-West",
            "Wycker Brugstraat / Rechtstraat",
            "corner",
        ),
        (
            "Rechtstraat hoek Wycker Brugstraat",
            "Centrum / Zuid-West",
            "Rechtstraat / Wycker Brugstraat",
            "corner",
        ),
        (
            "kruising Rechtstraat en Wycker Brugstraat",
            "Centrum / Zuid-West",
            "Rechtstraat / Wycker Brugstraat",
            "corner",
        ),
        (
            "Rechtstraat x Wycker Brugstraat",
            "Centrum / Zuid-West",
            "Rechtstraat / Wycker Brugstraat",
            "corner",
        ),
    ] {
        let a = answered(text);
        assert_eq!(a.lwa.as_ref().unwrap().name, lwa, "{text}");
        let m = a.address.as_ref().unwrap();
        assert!(
            m.matched.label.starts_with(label),
            "{text}: {}",
            m.matched.label
        );
        assert_eq!(m.quality.as_str(), quality, "{text}");
    }
    // A corner's certainty includes how far apart its two houses are.
    let corner = answered("hoek Wycker Brugstraat / Rechtstraat");
    assert!(corner.certainty.radius_m > 25.0, "{:?}", corner.certainty);
    assert!(
        corner
            .certainty
            .reasons
            .iter()
            .any(|r| r.contains("from the point answered")),
        "{:?}",
        corner.certainty.reasons
    );
    // What was left out is said, in English and in Dutch.
    let notes =
        |lang, t: &str| sync_scope(lang, || ask(t).unwrap().address.unwrap().notes.join(" "));
    assert!(
        notes(Lang::En, "Markt 1 (stadhuis)")
            .contains("left out as not part of the address: (stadhuis)")
    );
    assert!(notes(Lang::Nl, "Markt 1 (stadhuis)").contains("weggelaten"));
    assert!(notes(Lang::En, "Spilstraat 4").contains("all lie in Centrum / Zuid-West"));
    assert!(notes(Lang::Nl, "Spilstraat 4").contains("liggen allemaal in Centrum / Zuid-West"));
    assert!(notes(Lang::Nl, "Wyck").contains("is de naam van een gebied"));
    // The municipality's own name is every area, never a shop named after it.
    let Err(AddressLookupError::Address(Failure::Ambiguous { reason, candidates })) =
        ask("Maastricht")
    else {
        panic!("Maastricht is not every area")
    };
    assert!(reason.contains("the whole municipality"), "{reason}");
    assert_eq!(candidates.len(), 4);
    assert!(candidates.iter().all(|c| c.quality.as_str() == "area"));
    // Namesakes in two areas: which one is not said by the text.
    let Err(AddressLookupError::Address(Failure::Ambiguous { candidates, .. })) =
        ask("Bonnefantenmuseum")
    else {
        panic!("the two entrances lie in two areas")
    };
    assert_eq!(candidates.len(), 2);
    // Another town's name is never a 200, whatever shop is named like it ("Heeren").
    for town in ["Heerlen", "Amsterdam", "Valkenburg aan de Geul", "Lanaken"] {
        let Err(AddressLookupError::Address(Failure::NotFound { reason, .. })) = ask(town) else {
            panic!("{town} was answered as a place")
        };
        assert!(reason.contains("is another town"), "{reason}");
    }
    let nl = sync_scope(Lang::Nl, || ask("Heerlen").unwrap_err().to_string());
    assert!(nl.contains("is een andere plaats"), "{nl}");
    // Two streets that do not meet are not a corner.
    let Err(AddressLookupError::Address(Failure::NotFound { reason, .. })) =
        ask("hoek Rechtstraat / Brusselsepoort")
    else {
        panic!()
    };
    assert!(reason.contains("do not meet"), "{reason}");
    // The corner's radius reaches no boundary here: its area is certain.
    assert_eq!(corner.certainty.level, Level::Certain);
    // A street without a number is anywhere along it: its addresses' reach is in the radius.
    let street = answered("Wycker Brugstraat");
    assert_eq!(
        street.address.as_ref().unwrap().quality.as_str(),
        "street_only"
    );
    assert!(street.certainty.radius_m > 100.0, "{:?}", street.certainty);
    // A plus code with the town and the country after it.
    let Ok(wijkwijzer::query::Input::Point(u)) = crate::parse("VM64+JC Maastricht, Nederland")
    else {
        panic!()
    };
    assert!(u.understood_as.contains("Nederland"), "{}", u.understood_as);
    assert_eq!(u.precision_m.map(f64::round), Some(7.0));
}
