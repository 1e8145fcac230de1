//! The BAG 2.0 Extract import against fixtures written in Kadaster's LVBAG XML layout:
//! the namespaces and element names of the published schemas (objecten, objecten-ref,
//! historie, gml 3.2, standlevering), `sl:stand` per voorkomen, nested zips per object type.

use std::io::Write;

use jiff::civil::date;
use wijkwijzer::address::bag;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<sl-bag-extract:bagStand xmlns:DatatypenNEN3610="www.kadaster.nl/schemas/lvbag/imbag/datatypennen3610/v20200601" xmlns:Objecten="www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:Historie="www.kadaster.nl/schemas/lvbag/imbag/historie/v20200601" xmlns:Objecten-ref="www.kadaster.nl/schemas/lvbag/imbag/objecten-ref/v20200601" xmlns:nen5825="www.kadaster.nl/schemas/lvbag/imbag/nen5825/v20200601" xmlns:KenmerkInOnderzoek="www.kadaster.nl/schemas/lvbag/imbag/kenmerkinonderzoek/v20200601" xmlns:selecties-extract="http://www.kadaster.nl/schemas/lvbag/extract-selecties/v20200601" xmlns:sl-bag-extract="http://www.kadaster.nl/schemas/lvbag/extract-deelbestand-lvc/v20200601" xmlns:sl="http://www.kadaster.nl/schemas/standlevering-generiek/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<sl:standBestand><sl:dataset>LVBAG</sl:dataset><sl:inhoud><sl:gebied>Gemeente</sl:gebied><sl:leveringsId>0000000001</sl:leveringsId><sl:objectTypen><sl:objectType>{TYPE}</sl:objectType></sl:objectTypen></sl:inhoud>
"#;
const TAIL: &str = "</sl:standBestand>\n</sl-bag-extract:bagStand>\n";

fn file(kind: &str, objects: &[String]) -> String {
    let mut s = HEAD.replace("{TYPE}", kind);
    for o in objects {
        s.push_str("<sl:stand><sl-bag-extract:bagObject>");
        s.push_str(o);
        s.push_str("</sl-bag-extract:bagObject></sl:stand>\n");
    }
    s.push_str(TAIL);
    s
}

/// `Historie:Voorkomen`: number, begin, optional end.
fn voorkomen(n: u32, begin: &str, end: Option<&str>) -> String {
    let end = end
        .map(|e| format!("<Historie:eindGeldigheid>{e}</Historie:eindGeldigheid>"))
        .unwrap_or_default();
    format!(
        "<Objecten:voorkomen><Historie:Voorkomen><Historie:voorkomenidentificatie>{n}</Historie:voorkomenidentificatie><Historie:beginGeldigheid>{begin}</Historie:beginGeldigheid>{end}<Historie:tijdstipRegistratie>{begin}T09:00:00.000</Historie:tijdstipRegistratie><Historie:BeschikbaarLV><Historie:tijdstipRegistratieLV>{begin}T09:00:01.000</Historie:tijdstipRegistratieLV></Historie:BeschikbaarLV></Historie:Voorkomen></Objecten:voorkomen>"
    )
}

fn document() -> &'static str {
    "<Objecten:geconstateerd>N</Objecten:geconstateerd><Objecten:documentdatum>2010-01-01</Objecten:documentdatum><Objecten:documentnummer>2010-BAG-0001</Objecten:documentnummer>"
}

fn woonplaats(id: &str, name: &str, status: &str) -> String {
    format!(
        "<Objecten:Woonplaats><Objecten:identificatie domein=\"NL.IMBAG.Woonplaats\">{id}</Objecten:identificatie><Objecten:naam>{name}</Objecten:naam><Objecten:geometrie><gml:MultiSurface srsName=\"urn:ogc:def:crs:EPSG::28992\"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList srsDimension=\"2\">170000 310000 185000 310000 185000 325000 170000 325000 170000 310000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></Objecten:geometrie><Objecten:status>{status}</Objecten:status>{}{}</Objecten:Woonplaats>",
        document(),
        voorkomen(1, "2010-01-01", None)
    )
}

fn openbare_ruimte(id: &str, name: &str, n: u32, begin: &str, end: Option<&str>) -> String {
    format!(
        "<Objecten:OpenbareRuimte><Objecten:identificatie domein=\"NL.IMBAG.Openbareruimte\">{id}</Objecten:identificatie><Objecten:naam>{name}</Objecten:naam><Objecten:type>Weg</Objecten:type><Objecten:status>Naamgeving uitgegeven</Objecten:status>{}{}<Objecten:ligtIn><Objecten-ref:WoonplaatsRef domein=\"NL.IMBAG.Woonplaats\">2331</Objecten-ref:WoonplaatsRef></Objecten:ligtIn><Objecten:verkorteNaam><nen5825:VerkorteNaamOpenbareRuimte><nen5825:verkorteNaam>{name}</nen5825:verkorteNaam></nen5825:VerkorteNaamOpenbareRuimte></Objecten:verkorteNaam></Objecten:OpenbareRuimte>",
        document(),
        voorkomen(n, begin, end)
    )
}

struct Num<'a> {
    id: &'a str,
    number: u32,
    letter: Option<&'a str>,
    toevoeging: Option<&'a str>,
    postcode: &'a str,
    street: &'a str,
    status: &'a str,
    v: (u32, &'a str, Option<&'a str>),
}

fn nummeraanduiding(n: &Num) -> String {
    let opt = |tag: &str, v: Option<&str>| {
        v.map(|v| format!("<Objecten:{tag}>{v}</Objecten:{tag}>"))
            .unwrap_or_default()
    };
    format!(
        "<Objecten:Nummeraanduiding><Objecten:identificatie domein=\"NL.IMBAG.Nummeraanduiding\">{}</Objecten:identificatie><Objecten:huisnummer>{}</Objecten:huisnummer>{}{}<Objecten:postcode>{}</Objecten:postcode><Objecten:typeAdresseerbaarObject>Verblijfsobject</Objecten:typeAdresseerbaarObject><Objecten:status>{}</Objecten:status>{}{}<Objecten:ligtAan><Objecten-ref:OpenbareRuimteRef domein=\"NL.IMBAG.Openbareruimte\">{}</Objecten-ref:OpenbareRuimteRef></Objecten:ligtAan></Objecten:Nummeraanduiding>",
        n.id,
        n.number,
        opt("huisletter", n.letter),
        opt("huisnummertoevoeging", n.toevoeging),
        n.postcode,
        n.status,
        document(),
        voorkomen(n.v.0, n.v.1, n.v.2),
        n.street
    )
}

fn adressen(hoofd: &str, neven: &[&str]) -> String {
    let mut s = format!(
        "<Objecten:heeftAlsHoofdadres><Objecten-ref:NummeraanduidingRef domein=\"NL.IMBAG.Nummeraanduiding\">{hoofd}</Objecten-ref:NummeraanduidingRef></Objecten:heeftAlsHoofdadres>"
    );
    for n in neven {
        s.push_str(&format!("<Objecten:heeftAlsNevenadres><Objecten-ref:NummeraanduidingRef domein=\"NL.IMBAG.Nummeraanduiding\">{n}</Objecten-ref:NummeraanduidingRef></Objecten:heeftAlsNevenadres>"));
    }
    s
}

fn verblijfsobject(
    id: &str,
    hoofd: &str,
    neven: &[&str],
    xy: (f64, f64),
    status: &str,
    v: (u32, &str, Option<&str>),
) -> String {
    format!(
        "<Objecten:Verblijfsobject>{}<Objecten:identificatie domein=\"NL.IMBAG.Verblijfsobject\">{id}</Objecten:identificatie><Objecten:geometrie><Objecten:punt><gml:Point srsName=\"urn:ogc:def:crs:EPSG::28992\" srsDimension=\"3\"><gml:pos>{:.3} {:.3} 0.0</gml:pos></gml:Point></Objecten:punt></Objecten:geometrie><Objecten:gebruiksdoel>winkelfunctie</Objecten:gebruiksdoel><Objecten:oppervlakte>120</Objecten:oppervlakte><Objecten:status>{status}</Objecten:status>{}{}<Objecten:maaktDeelUitVan><Objecten-ref:PandRef domein=\"NL.IMBAG.Pand\">0935100000000001</Objecten-ref:PandRef></Objecten:maaktDeelUitVan></Objecten:Verblijfsobject>",
        adressen(hoofd, neven),
        xy.0,
        xy.1,
        document(),
        voorkomen(v.0, v.1, v.2)
    )
}

/// A ligplaats or standplaats: a polygon ring of x y pairs.
fn plaats(element: &str, id: &str, hoofd: &str, ring: &[(f64, f64)]) -> String {
    let pos: Vec<String> = ring.iter().map(|(x, y)| format!("{x:.3} {y:.3}")).collect();
    format!(
        "<Objecten:{element}>{}<Objecten:identificatie domein=\"NL.IMBAG.{element}\">{id}</Objecten:identificatie><Objecten:status>Plaats aangewezen</Objecten:status><Objecten:geometrie><gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::28992\" srsDimension=\"2\"><gml:exterior><gml:LinearRing><gml:posList count=\"{}\">{}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></Objecten:geometrie>{}{}</Objecten:{element}>",
        adressen(hoofd, &[]),
        ring.len(),
        pos.join(" "),
        document(),
        voorkomen(1, "2012-05-01", None)
    )
}

const UITGEGEVEN: &str = "Naamgeving uitgegeven";

/// The hand-made extract: one of every case the import must handle.
fn small_extract() -> Vec<(&'static str, String)> {
    let nums = [
        Num {
            id: "0935200000000001",
            number: 45,
            letter: None,
            toevoeging: None,
            postcode: "6216CG",
            street: "0935300000000001",
            status: UITGEGEVEN,
            v: (1, "2010-01-01", None),
        },
        // A nevenadres of the same verblijfsobject.
        Num {
            id: "0935200000000002",
            number: 45,
            letter: Some("A"),
            toevoeging: None,
            postcode: "6216CG",
            street: "0935300000000001",
            status: UITGEGEVEN,
            v: (1, "2010-01-01", None),
        },
        // History: renumbered from 46 to 47-2 in 2019.
        Num {
            id: "0935200000000003",
            number: 46,
            letter: None,
            toevoeging: None,
            postcode: "6216CG",
            street: "0935300000000001",
            status: UITGEGEVEN,
            v: (1, "2010-01-01", Some("2019-03-01")),
        },
        Num {
            id: "0935200000000003",
            number: 47,
            letter: None,
            toevoeging: Some("2"),
            postcode: "6216CG",
            street: "0935300000000001",
            status: UITGEGEVEN,
            v: (2, "2019-03-01", None),
        },
        Num {
            id: "0935200000000004",
            number: 12,
            letter: None,
            toevoeging: None,
            postcode: "6211AL",
            street: "0935300000000002",
            status: UITGEGEVEN,
            v: (1, "2012-05-01", None),
        },
        Num {
            id: "0935200000000005",
            number: 14,
            letter: None,
            toevoeging: None,
            postcode: "6211AL",
            street: "0935300000000002",
            status: UITGEGEVEN,
            v: (1, "2012-05-01", None),
        },
        // Withdrawn, and one whose object is withdrawn.
        Num {
            id: "0935200000000006",
            number: 49,
            letter: None,
            toevoeging: None,
            postcode: "6216CG",
            street: "0935300000000001",
            status: "Naamgeving ingetrokken",
            v: (1, "2010-01-01", None),
        },
        Num {
            id: "0935200000000007",
            number: 51,
            letter: None,
            toevoeging: None,
            postcode: "6216CG",
            street: "0935300000000001",
            status: UITGEGEVEN,
            v: (1, "2010-01-01", None),
        },
        // Not yet valid on the import date.
        Num {
            id: "0935200000000008",
            number: 53,
            letter: None,
            toevoeging: None,
            postcode: "6216CG",
            street: "0935300000000001",
            status: UITGEGEVEN,
            v: (1, "2031-01-01", None),
        },
    ];
    vec![
        (
            "0935WPL15112026.xml",
            file(
                "WPL",
                &[
                    woonplaats("2331", "Maastricht", "Woonplaats aangewezen"),
                    woonplaats("9999", "Oudplaats", "Woonplaats ingetrokken"),
                ],
            ),
        ),
        (
            "0935OPR15112026.xml",
            file(
                "OPR",
                &[
                    openbare_ruimte(
                        "0935300000000001",
                        "Brusselse Poort",
                        1,
                        "2000-01-01",
                        Some("2015-01-01"),
                    ),
                    openbare_ruimte("0935300000000001", "Brusselsepoort", 2, "2015-01-01", None),
                    openbare_ruimte("0935300000000002", "Bassin", 1, "2000-01-01", None),
                ],
            ),
        ),
        (
            "0935NUM15112026.xml",
            file(
                "NUM",
                &nums.iter().map(nummeraanduiding).collect::<Vec<_>>(),
            ),
        ),
        (
            "0935VBO15112026.xml",
            file(
                "VBO",
                &[
                    verblijfsobject(
                        "0935010000000001",
                        "0935200000000001",
                        &["0935200000000002"],
                        (174564.74, 317884.54),
                        "Verblijfsobject in gebruik",
                        (1, "2010-01-01", None),
                    ),
                    verblijfsobject(
                        "0935010000000002",
                        "0935200000000003",
                        &[],
                        (174570.0, 317880.0),
                        "Verblijfsobject in gebruik",
                        (1, "2010-01-01", Some("2019-03-01")),
                    ),
                    verblijfsobject(
                        "0935010000000002",
                        "0935200000000003",
                        &[],
                        (174571.5, 317879.25),
                        "Verblijfsobject in gebruik",
                        (2, "2019-03-01", None),
                    ),
                    verblijfsobject(
                        "0935010000000003",
                        "0935200000000007",
                        &[],
                        (174580.0, 317870.0),
                        "Verblijfsobject ingetrokken",
                        (1, "2010-01-01", None),
                    ),
                ],
            ),
        ),
        (
            "0935LIG15112026.xml",
            file(
                "LIG",
                &[plaats(
                    "Ligplaats",
                    "0935020000000001",
                    "0935200000000004",
                    &[
                        (176600.0, 317500.0),
                        (176620.0, 317500.0),
                        (176620.0, 317510.0),
                        (176600.0, 317510.0),
                        (176600.0, 317500.0),
                    ],
                )],
            ),
        ),
        (
            "0935STA15112026.xml",
            file(
                "STA",
                &[plaats(
                    "Standplaats",
                    "0935030000000001",
                    "0935200000000005",
                    &[
                        (176700.0, 317400.0),
                        (176730.0, 317400.0),
                        (176700.0, 317430.0),
                        (176700.0, 317400.0),
                    ],
                )],
            ),
        ),
    ]
}

/// Packs files as Kadaster does: one zip per object type inside the extract's zip.
fn nested_zip(files: &[(&str, String)], path: &std::path::Path) {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut outer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, xml) in files {
        let mut inner_bytes = std::io::Cursor::new(Vec::new());
        let mut inner = zip::ZipWriter::new(&mut inner_bytes);
        inner
            .start_file(
                format!("{}-000001.xml", name.trim_end_matches(".xml")),
                options,
            )
            .unwrap();
        inner.write_all(xml.as_bytes()).unwrap();
        inner.finish().unwrap();
        outer
            .start_file(name.replace(".xml", ".zip"), options)
            .unwrap();
        outer.write_all(inner_bytes.get_ref()).unwrap();
    }
    outer.finish().unwrap();
}

#[test]
fn the_sample_extract_gives_exactly_the_current_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("BAGGEM0935L-15112026.zip");
    nested_zip(&small_extract(), &zip_path);
    let (mut records, stats) = bag::import(&zip_path, date(2026, 11, 29)).unwrap();
    records.sort_by_key(|r| r.id);
    let got: Vec<String> = records
        .iter()
        .map(|r| {
            format!(
                "{:016} {} {}{} {} {} {:.3} {:.3}",
                r.id.unwrap(),
                r.street,
                r.number,
                wijkwijzer::address::normalize::format_number(0, r.suffix).trim_start_matches('0'),
                r.postcode.unwrap(),
                r.place,
                r.rd.x,
                r.rd.y
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "0935200000000001 Brusselsepoort 45 6216CG Maastricht 174564.740 317884.540",
            "0935200000000002 Brusselsepoort 45A 6216CG Maastricht 174564.740 317884.540",
            "0935200000000003 Brusselsepoort 47-2 6216CG Maastricht 174571.500 317879.250",
            // The ligplaats's square and the standplaats's triangle, at their centroids.
            "0935200000000004 Bassin 12 6211AL Maastricht 176610.000 317505.000",
            "0935200000000005 Bassin 14 6211AL Maastricht 176710.000 317410.000",
        ]
    );
    assert_eq!(stats.files, 6);
    assert_eq!(stats.nevenadressen, 1);
    assert_eq!(stats.read["nummeraanduiding"], 9);
    assert_eq!(stats.read["verblijfsobject"], 4);
    // Ended voorkomens (NUM 46, VBO 2 v1, OPR "Brusselse Poort") and the one not yet valid.
    assert_eq!(stats.not_current, 4);
    // Ingetrokken: NUM 49, VBO 3, woonplaats Oudplaats.
    assert_eq!(stats.invalid_status, 3);
    // NUM 51 (its object is withdrawn).
    assert_eq!(stats.without_object, 1);

    // The same files unzipped in a folder give the same addresses.
    let folder = dir.path().join("xml");
    std::fs::create_dir(&folder).unwrap();
    for (name, xml) in small_extract() {
        std::fs::write(folder.join(name), xml).unwrap();
    }
    let (again, _) = bag::import(&folder, date(2026, 11, 29)).unwrap();
    assert_eq!(again.len(), records.len());

    // On an earlier date the history answers: 46 was current in 2018, and in 2014 the street
    // still had its old name.
    let (then, _) = bag::import(&zip_path, date(2018, 6, 1)).unwrap();
    assert!(
        then.iter()
            .any(|r| r.number == 46 && r.street == "Brusselsepoort")
    );
    let (before, _) = bag::import(&zip_path, date(2014, 6, 1)).unwrap();
    assert!(
        before
            .iter()
            .any(|r| r.number == 45 && r.street == "Brusselse Poort")
    );
    assert!(!then.iter().any(|r| r.number == 47));
}

#[test]
fn a_broken_extract_is_refused_with_file_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = small_extract();
    files[2].1 = files[2].1.replace(
        "<Objecten:huisnummer>45</Objecten:huisnummer>",
        "<Objecten:huisnummer>vijf</Objecten:huisnummer>",
    );
    let path = dir.path().join("broken.zip");
    nested_zip(&files, &path);
    let err = bag::import(&path, date(2026, 11, 29))
        .unwrap_err()
        .to_string();
    assert!(err.contains("0935NUM15112026-000001.xml"), "{err}");
    assert!(
        err.contains("nummeraanduiding 0935200000000001: no valid huisnummer"),
        "{err}"
    );

    std::fs::write(dir.path().join("cut.xml"), &small_extract()[2].1[..900]).unwrap();
    let err = bag::import(&dir.path().join("cut.xml"), date(2026, 11, 29))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cut.xml"), "{err}");
}

/// A larger extract in the same layout: 2,000 streets of 10 numbers, every third address with a
/// nevenadres, every tenth nummeraanduiding with an ended earlier voorkomen.
#[test]
fn a_generated_extract_imports_completely() {
    let streets = 2_000;
    let mut opr = Vec::new();
    let mut num = Vec::new();
    let mut vbo = Vec::new();
    let mut n = 0u64;
    let id = |prefix: &str, i: u64| format!("0935{prefix}{i:010}");
    for s in 0..streets {
        opr.push(openbare_ruimte(
            &id("30", s),
            &format!("Teststraat {s}"),
            1,
            "2001-01-01",
            None,
        ));
        for h in 1..=10u32 {
            n += 1;
            let nid = id("20", n);
            let pc = format!(
                "{}{}{}",
                6200 + s / 100,
                (b'A' + (s % 26) as u8) as char,
                (b'A' + (h % 26) as u8) as char
            );
            if n.is_multiple_of(10) {
                num.push(nummeraanduiding(&Num {
                    id: &nid,
                    number: h + 100,
                    letter: None,
                    toevoeging: None,
                    postcode: &pc,
                    street: &id("30", s),
                    status: UITGEGEVEN,
                    v: (1, "2001-01-01", Some("2020-01-01")),
                }));
            }
            num.push(nummeraanduiding(&Num {
                id: &nid,
                number: h,
                letter: None,
                toevoeging: None,
                postcode: &pc,
                street: &id("30", s),
                status: UITGEGEVEN,
                v: (2, "2020-01-01", None),
            }));
            let neven_id = id("20", 1_000_000 + n);
            let neven: Vec<&str> = if n.is_multiple_of(3) {
                num.push(nummeraanduiding(&Num {
                    id: &neven_id,
                    number: h,
                    letter: Some("B"),
                    toevoeging: None,
                    postcode: &pc,
                    street: &id("30", s),
                    status: UITGEGEVEN,
                    v: (1, "2001-01-01", None),
                }));
                vec![neven_id.as_str()]
            } else {
                vec![]
            };
            vbo.push(verblijfsobject(
                &id("01", n),
                &nid,
                &neven,
                (170_000.0 + n as f64, 310_000.0 + s as f64),
                "Verblijfsobject in gebruik",
                (1, "2001-01-01", None),
            ));
        }
    }
    let files = vec![
        (
            "9999WPL.xml",
            file(
                "WPL",
                &[woonplaats("2331", "Maastricht", "Woonplaats aangewezen")],
            ),
        ),
        ("9999OPR.xml", file("OPR", &opr)),
        ("9999NUM.xml", file("NUM", &num)),
        ("9999VBO.xml", file("VBO", &vbo)),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("generated.zip");
    nested_zip(&files, &path);
    let (records, stats) = bag::import(&path, date(2026, 11, 29)).unwrap();
    let total = streets * 10;
    assert_eq!(stats.nevenadressen, (total / 3) as usize);
    assert_eq!(records.len(), (total + total / 3) as usize);
    assert_eq!(stats.not_current, (total / 10) as usize);
    assert!(
        records.iter().all(|r| r.number <= 10),
        "no ended voorkomen leaked"
    );
    let r = records
        .iter()
        .find(|r| r.id == Some(935_200_000_000_020))
        .unwrap();
    assert_eq!(
        (r.street.as_str(), r.number, r.rd.x),
        ("Teststraat 1", 10, 170_020.0)
    );
}
