//! Writes a synthetic extract in the layout of the national `lvbag-extract-nl.zip`, to measure
//! `wijkwijzer import bag --gemeente` at the country's size without downloading 3.6 GB:
//!
//! ```sh
//! cargo run --release --example lvbag_national -- /tmp/lvbag-nl.zip 10000000
//! /usr/bin/time -v target/release/wijkwijzer import bag /tmp/lvbag-nl.zip --gemeente 0935 \
//!     --date 2026-11-29 -o /tmp/maastricht.csv
//! ```
//!
//! A zip of per-type zips (`9999WPL…zip`, `9999OPR…zip`, `9999NUM…zip`, `9999VBO…zip`, a
//! `9999PND…zip` that the import must skip), each holding XML parts of 10,000 objects in
//! Kadaster's LVBAG 2.0 element layout, plus `GEM-WPL-RELATIE-…zip` and the Leveringsdocument.
//! Addresses are spread over 342 gemeenten with one woonplaats each; gemeente 0935 has
//! woonplaats 1406 (Maastricht) and about 1/342 of the addresses. Every nummeraanduiding is the
//! hoofdadres of one verblijfsobject; one in four has a voorkomen history (an ended first one).

use std::io::Write;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<sl-bag-extract:bagStand xmlns:DatatypenNEN3610="www.kadaster.nl/schemas/lvbag/imbag/datatypennen3610/v20200601" xmlns:Objecten="www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:Historie="www.kadaster.nl/schemas/lvbag/imbag/historie/v20200601" xmlns:Objecten-ref="www.kadaster.nl/schemas/lvbag/imbag/objecten-ref/v20200601" xmlns:sl-bag-extract="http://www.kadaster.nl/schemas/lvbag/extract-deelbestand-lvc/v20200601" xmlns:sl="http://www.kadaster.nl/schemas/standlevering-generiek/1.0">
<sl:standBestand><sl:dataset>LVBAG</sl:dataset>
"#;
const TAIL: &str = "</sl:standBestand>\n</sl-bag-extract:bagStand>\n";
const PART: usize = 10_000;
const GEMEENTEN: u64 = 342;

fn voorkomen(n: u32, begin: &str, end: Option<&str>) -> String {
    let end = end
        .map(|e| format!("<Historie:eindGeldigheid>{e}</Historie:eindGeldigheid>"))
        .unwrap_or_default();
    format!(
        "<Objecten:voorkomen><Historie:Voorkomen><Historie:voorkomenidentificatie>{n}</Historie:voorkomenidentificatie><Historie:beginGeldigheid>{begin}</Historie:beginGeldigheid>{end}<Historie:tijdstipRegistratie>{begin}T09:00:00.000</Historie:tijdstipRegistratie></Historie:Voorkomen></Objecten:voorkomen>"
    )
}

const DOC: &str = "<Objecten:geconstateerd>N</Objecten:geconstateerd><Objecten:documentdatum>2010-01-01</Objecten:documentdatum><Objecten:documentnummer>2010-BAG-0001</Objecten:documentnummer>";

/// The gemeente (1-based) and its woonplaats of address `i`.
fn gemeente_of(i: u64) -> (u64, u64) {
    let g = i % GEMEENTEN + 1;
    // Gemeente 0935 keeps its real woonplaats code; the others get 3000 + g.
    let g = if g == 342 { 935 } else { g };
    let w = if g == 935 { 1406 } else { 3000 + g };
    (g, w)
}

struct Parts<'a> {
    zip: zip::ZipWriter<std::io::Cursor<Vec<u8>>>,
    kind: &'a str,
    part: usize,
    in_part: usize,
    options: zip::write::SimpleFileOptions,
}

impl Parts<'_> {
    fn object(&mut self, xml: &str) -> std::io::Result<()> {
        if self.in_part == 0 {
            self.part += 1;
            self.zip
                .start_file(
                    format!("9999{}29112026-{:06}.xml", self.kind, self.part),
                    self.options,
                )
                .map_err(std::io::Error::other)?;
            self.zip.write_all(HEAD.as_bytes())?;
        }
        self.zip
            .write_all(b"<sl:stand><sl-bag-extract:bagObject>")?;
        self.zip.write_all(xml.as_bytes())?;
        self.zip
            .write_all(b"</sl-bag-extract:bagObject></sl:stand>\n")?;
        self.in_part += 1;
        if self.in_part == PART {
            self.zip.write_all(TAIL.as_bytes())?;
            self.in_part = 0;
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<Vec<u8>> {
        if self.in_part > 0 {
            self.zip.write_all(TAIL.as_bytes())?;
        }
        Ok(self
            .zip
            .finish()
            .map_err(std::io::Error::other)?
            .into_inner())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .ok_or("usage: lvbag_national OUT.zip [ADDRESSES]")?;
    let n: u64 = args
        .get(2)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(10_000_000);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut outer = zip::ZipWriter::new(std::fs::File::create(out)?);
    let parts = |kind| Parts {
        zip: zip::ZipWriter::new(std::io::Cursor::new(Vec::new())),
        kind,
        part: 0,
        in_part: 0,
        options,
    };
    let mut put = |name: String, bytes: Vec<u8>| -> std::io::Result<()> {
        outer
            .start_file(name, stored.large_file(bytes.len() > u32::MAX as usize / 2))
            .map_err(std::io::Error::other)?;
        outer.write_all(&bytes)
    };
    let streets_per_gemeente = (n / GEMEENTEN / 30).max(1);
    let started = std::time::Instant::now();

    let mut wpl = parts("WPL");
    for g in 1..=GEMEENTEN {
        let (g, w) = gemeente_of(g - 1);
        let name = if g == 935 {
            "Maastricht".to_string()
        } else {
            format!("Plaats{g:04}")
        };
        wpl.object(&format!("<Objecten:Woonplaats><Objecten:identificatie domein=\"NL.IMBAG.Woonplaats\">{w:04}</Objecten:identificatie><Objecten:naam>{name}</Objecten:naam><Objecten:status>Woonplaats aangewezen</Objecten:status>{DOC}{}</Objecten:Woonplaats>", voorkomen(1, "2010-01-01", None)))?;
    }
    put("9999WPL29112026.zip".into(), wpl.finish()?)?;

    let mut opr = parts("OPR");
    for g in 1..=GEMEENTEN {
        let (g, w) = gemeente_of(g - 1);
        for s in 0..streets_per_gemeente {
            opr.object(&format!("<Objecten:OpenbareRuimte><Objecten:identificatie domein=\"NL.IMBAG.Openbareruimte\">{g:04}3{s:011}</Objecten:identificatie><Objecten:naam>Straat {s}</Objecten:naam><Objecten:type>Weg</Objecten:type><Objecten:status>Naamgeving uitgegeven</Objecten:status>{DOC}{}<Objecten:ligtIn><Objecten-ref:WoonplaatsRef domein=\"NL.IMBAG.Woonplaats\">{w:04}</Objecten-ref:WoonplaatsRef></Objecten:ligtIn></Objecten:OpenbareRuimte>", voorkomen(1, "2010-01-01", None)))?;
        }
    }
    put("9999OPR29112026.zip".into(), opr.finish()?)?;
    eprintln!("woonplaatsen and streets in {:.0?}", started.elapsed());

    let mut num = parts("NUM");
    for i in 0..n {
        let (g, _) = gemeente_of(i);
        let s = (i / GEMEENTEN) % streets_per_gemeente;
        let number = (i / GEMEENTEN / streets_per_gemeente) % 400 + 1;
        let pc = 1000 + (i / GEMEENTEN) % 9000;
        let letters = [b'A' + (i % 26) as u8, b'A' + ((i / 26) % 26) as u8];
        let letters = std::str::from_utf8(&letters)?;
        let history = if i % 4 == 0 {
            format!(
                "<Objecten:Nummeraanduiding><Objecten:identificatie domein=\"NL.IMBAG.Nummeraanduiding\">{g:04}2{i:011}</Objecten:identificatie><Objecten:huisnummer>{number}</Objecten:huisnummer><Objecten:postcode>{pc}{letters}</Objecten:postcode><Objecten:typeAdresseerbaarObject>Verblijfsobject</Objecten:typeAdresseerbaarObject><Objecten:status>Naamgeving uitgegeven</Objecten:status>{DOC}{}<Objecten:ligtAan><Objecten-ref:OpenbareRuimteRef domein=\"NL.IMBAG.Openbareruimte\">{g:04}3{s:011}</Objecten-ref:OpenbareRuimteRef></Objecten:ligtAan></Objecten:Nummeraanduiding>",
                voorkomen(1, "2010-01-01", Some("2015-01-01"))
            )
        } else {
            String::new()
        };
        if !history.is_empty() {
            num.object(&history)?;
        }
        num.object(&format!("<Objecten:Nummeraanduiding><Objecten:identificatie domein=\"NL.IMBAG.Nummeraanduiding\">{g:04}2{i:011}</Objecten:identificatie><Objecten:huisnummer>{number}</Objecten:huisnummer><Objecten:postcode>{pc}{letters}</Objecten:postcode><Objecten:typeAdresseerbaarObject>Verblijfsobject</Objecten:typeAdresseerbaarObject><Objecten:status>Naamgeving uitgegeven</Objecten:status>{DOC}{}<Objecten:ligtAan><Objecten-ref:OpenbareRuimteRef domein=\"NL.IMBAG.Openbareruimte\">{g:04}3{s:011}</Objecten-ref:OpenbareRuimteRef></Objecten:ligtAan></Objecten:Nummeraanduiding>", voorkomen(if history.is_empty() { 1 } else { 2 }, "2015-01-01", None)))?;
    }
    put("9999NUM29112026.zip".into(), num.finish()?)?;
    eprintln!("nummeraanduidingen in {:.0?}", started.elapsed());

    let mut vbo = parts("VBO");
    for i in 0..n {
        let (g, _) = gemeente_of(i);
        // Maastricht's addresses inside the city, the rest across the country.
        let (x, y) = if g == 935 {
            (
                174_000.0 + (i % 7919) as f64 * 0.7,
                315_000.0 + (i % 6007) as f64 * 0.9,
            )
        } else {
            (
                20_000.0 + (i % 240_000) as f64,
                310_000.0 + (i % 300_000) as f64,
            )
        };
        vbo.object(&format!("<Objecten:Verblijfsobject><Objecten:heeftAlsHoofdadres><Objecten-ref:NummeraanduidingRef domein=\"NL.IMBAG.Nummeraanduiding\">{g:04}2{i:011}</Objecten-ref:NummeraanduidingRef></Objecten:heeftAlsHoofdadres><Objecten:identificatie domein=\"NL.IMBAG.Verblijfsobject\">{g:04}0{i:011}</Objecten:identificatie><Objecten:geometrie><Objecten:punt><gml:Point srsName=\"urn:ogc:def:crs:EPSG::28992\" srsDimension=\"3\"><gml:pos>{x:.3} {y:.3} 0.0</gml:pos></gml:Point></Objecten:punt></Objecten:geometrie><Objecten:gebruiksdoel>woonfunctie</Objecten:gebruiksdoel><Objecten:oppervlakte>90</Objecten:oppervlakte><Objecten:status>Verblijfsobject in gebruik</Objecten:status>{DOC}{}<Objecten:maaktDeelUitVan><Objecten-ref:PandRef domein=\"NL.IMBAG.Pand\">{g:04}1{i:011}</Objecten-ref:PandRef></Objecten:maaktDeelUitVan></Objecten:Verblijfsobject>", voorkomen(1, "2015-01-01", None)))?;
    }
    put("9999VBO29112026.zip".into(), vbo.finish()?)?;
    eprintln!("verblijfsobjecten in {:.0?}", started.elapsed());

    // Panden carry no address: the import must not even open them.
    let mut pnd = parts("PND");
    for i in 0..(n / 10) {
        pnd.object(&format!("<Objecten:Pand><Objecten:identificatie domein=\"NL.IMBAG.Pand\">00011{i:011}</Objecten:identificatie><Objecten:status>Pand in gebruik</Objecten:status>{}</Objecten:Pand>", voorkomen(1, "2015-01-01", None)))?;
    }
    put("9999PND29112026.zip".into(), pnd.finish()?)?;

    let mut rel = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    rel.start_file("GEM-WPL-RELATIE-29112026-000001.xml", options)?;
    rel.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><gwr-bestand:BAG-GWR-Deelbestand-LVC xmlns:gwr-bestand=\"www.kadaster.nl/schemas/lvbag/gem-wpl-rel/gwr-deelbestand-lvc/v20200601\" xmlns:gwr-product=\"www.kadaster.nl/schemas/lvbag/gem-wpl-rel/gwr-producten-lvc/v20200601\" xmlns:bagtypes=\"www.kadaster.nl/schemas/lvbag/gem-wpl-rel/bag-types/v20200601\"><gwr-bestand:Product><gwr-product:GemeenteWoonplaatsRelatieProduct>")?;
    for g in 1..=GEMEENTEN {
        let (g, w) = gemeente_of(g - 1);
        write!(
            rel,
            "<gwr-product:GemeenteWoonplaatsRelatie><gwr-product:tijdvakgeldigheid><bagtypes:begindatumTijdvakGeldigheid>2010-01-01</bagtypes:begindatumTijdvakGeldigheid></gwr-product:tijdvakgeldigheid><gwr-product:gerelateerdeWoonplaats><gwr-product:identificatie>{w:04}</gwr-product:identificatie></gwr-product:gerelateerdeWoonplaats><gwr-product:gerelateerdeGemeente><gwr-product:identificatie>{g:04}</gwr-product:identificatie></gwr-product:gerelateerdeGemeente><gwr-product:status>definitief</gwr-product:status></gwr-product:GemeenteWoonplaatsRelatie>"
        )?;
    }
    rel.write_all(b"</gwr-product:GemeenteWoonplaatsRelatieProduct></gwr-bestand:Product></gwr-bestand:BAG-GWR-Deelbestand-LVC>")?;
    put(
        "GEM-WPL-RELATIE-29112026.zip".into(),
        rel.finish()?.into_inner(),
    )?;
    put("Leveringsdocument-BAG-Extract.xml".into(), b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><xb:BAG-Extract-Levering xmlns:xb=\"http://www.kadaster.nl/schemas/lvbag/extract-levering/v20200601\" xmlns:selecties-extract=\"http://www.kadaster.nl/schemas/lvbag/extract-selecties/v20200601\"><xb:SelectieGegevens><selecties-extract:LVC-Extract><selecties-extract:StandTechnischeDatum>2026-11-29</selecties-extract:StandTechnischeDatum></selecties-extract:LVC-Extract></xb:SelectieGegevens></xb:BAG-Extract-Levering>".to_vec())?;
    outer.finish()?;
    eprintln!(
        "wrote {out}: {n} addresses in {GEMEENTEN} gemeenten in {:.0?}",
        started.elapsed()
    );
    Ok(())
}
