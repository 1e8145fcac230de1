//! The input grammar: a table of real-world notations, and a property test that formatting a
//! point in each notation and parsing it back lands within 1 m.

use crate::parse;
use proptest::prelude::*;
use wijkwijzer::crs::{Rd, Wgs84, transformer};
use wijkwijzer::query::notation::format;
use wijkwijzer::query::{Input, Notation, QueryError};

enum Expect {
    /// lat, lon, notation, swapped
    Point(f64, f64, Notation, bool),
    Rd(f64, f64, bool),
    Address,
    /// The error kind slug and a fragment of its message.
    Error(&'static str, &'static str),
}

use Expect::*;
use Notation::*;

const MARKT: (f64, f64) = (50.8514, 5.6910);
/// 50°51'05"N 5°41'28"E
const DMS: (f64, f64) = (
    50.0 + 51.0 / 60.0 + 5.0 / 3600.0,
    5.0 + 41.0 / 60.0 + 28.0 / 3600.0,
);
/// N 50° 51.083 E 5° 41.467
const DDM: (f64, f64) = (50.0 + 51.083 / 60.0, 5.0 + 41.467 / 60.0);

fn cases() -> Vec<(&'static str, Expect)> {
    let (la, lo) = MARKT;
    let (dla, dlo) = DMS;
    let (mla, mlo) = DDM;
    vec![
        // Decimal degrees, lat first, every separator.
        ("50.8514, 5.6910", Point(la, lo, DecimalDegrees, false)),
        ("50.8514,5.6910", Point(la, lo, DecimalDegrees, false)),
        ("50.8514 5.6910", Point(la, lo, DecimalDegrees, false)),
        ("50.8514;5.6910", Point(la, lo, DecimalDegrees, false)),
        ("50.8514 ; 5.6910", Point(la, lo, DecimalDegrees, false)),
        ("  50.8514\t5.6910  ", Point(la, lo, DecimalDegrees, false)),
        ("+50.8514, +5.6910", Point(la, lo, DecimalDegrees, false)),
        (
            "50.85140000,5.69100000",
            Point(la, lo, DecimalDegrees, false),
        ),
        // Swapped, decided by range and reported.
        ("5.6910, 50.8514", Point(la, lo, DecimalDegrees, true)),
        ("5.6910 50.8514", Point(la, lo, DecimalDegrees, true)),
        ("5.6910;50.8514", Point(la, lo, DecimalDegrees, true)),
        // Dutch decimal commas.
        ("50,8514 5,6910", Point(la, lo, DecimalDegrees, false)),
        ("50,8514; 5,6910", Point(la, lo, DecimalDegrees, false)),
        ("50,8514;5,6910", Point(la, lo, DecimalDegrees, false)),
        ("5,6910 50,8514", Point(la, lo, DecimalDegrees, true)),
        ("50,8514,5,6910", Point(la, lo, DecimalDegrees, false)),
        // Degrees, minutes, seconds.
        (
            "50°51'05\"N 5°41'28\"E",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50°51'05\"N, 5°41'28\"E",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50° 51' 05\" N 5° 41' 28\" E",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "N 50° 51' 05\" E 5° 41' 28\"",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "N50°51'05\" E5°41'28\"",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50°51′05″N 5°41′28″E",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50°51’05”N 5°41’28”E",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50º51'05''N 5º41'28''E",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50˚51'05\"N 5˚41'28\"E",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "5°41'28\"E 50°51'05\"N",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50°51'05\"N 5°41'28\"O",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50 51 05 N 5 41 28 E",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50 51 05 5 41 28",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50°51'05\" 5°41'28\"",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50°51'5.0\"N 5°41'28.0\"E",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "50d51m05\"N 5d41m28\"E",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        (
            "n 50°51'05\" e 5°41'28\"",
            Point(dla, dlo, DegreesMinutesSeconds, false),
        ),
        // Degrees and decimal minutes.
        (
            "N 50° 51.083 E 5° 41.467",
            Point(mla, mlo, DegreesDecimalMinutes, false),
        ),
        (
            "N50 51.083 E5 41.467",
            Point(mla, mlo, DegreesDecimalMinutes, false),
        ),
        (
            "50°51.083'N 5°41.467'E",
            Point(mla, mlo, DegreesDecimalMinutes, false),
        ),
        (
            "50°51,083'N 5°41,467'E",
            Point(mla, mlo, DegreesDecimalMinutes, false),
        ),
        (
            "50 51.083 5 41.467",
            Point(mla, mlo, DegreesDecimalMinutes, false),
        ),
        (
            "50°51.083' 5°41.467'",
            Point(mla, mlo, DegreesDecimalMinutes, false),
        ),
        // Decimal degrees with marks and hemispheres.
        ("50.8514°N 5.6910°E", Point(la, lo, DecimalDegrees, false)),
        (
            "50.8514° N, 5.6910° E",
            Point(la, lo, DecimalDegrees, false),
        ),
        ("N50.8514 E5.6910", Point(la, lo, DecimalDegrees, false)),
        ("5.6910E 50.8514N", Point(la, lo, DecimalDegrees, false)),
        ("50.8514°, 5.6910°", Point(la, lo, DecimalDegrees, false)),
        // RD New, recognised by range.
        ("176395 317996", Rd(176395.0, 317996.0, false)),
        ("176395.12 317996.34", Rd(176395.12, 317996.34, false)),
        ("176395,317996", Rd(176395.0, 317996.0, false)),
        ("176395; 317996", Rd(176395.0, 317996.0, false)),
        ("317996 176395", Rd(176395.0, 317996.0, true)),
        ("176395,12 317996,34", Rd(176395.12, 317996.34, false)),
        ("x=176395 y=317996", Rd(176395.0, 317996.0, false)),
        ("X: 176395, Y: 317996", Rd(176395.0, 317996.0, false)),
        // Labelled degrees.
        (
            "lat 50.8514 lon 5.6910",
            Point(la, lo, DecimalDegrees, false),
        ),
        (
            "lat=50.8514&lon=5.6910",
            Point(la, lo, DecimalDegrees, false),
        ),
        (
            "Latitude: 50.8514, Longitude: 5.6910",
            Point(la, lo, DecimalDegrees, false),
        ),
        (
            "lng 5.6910 lat 50.8514",
            Point(la, lo, DecimalDegrees, false),
        ),
        // Links.
        (
            "https://www.google.com/maps/place/Markt,+Maastricht/@50.8512,5.6905,17z/data=!3m1!4b1!4m6!3m5!1s0x47c0e9b3:0x1!8m2!3d50.8514!4d5.6910!16s",
            Point(la, lo, GoogleMapsLink, false),
        ),
        (
            "https://www.google.com/maps/@50.8514,5.6910,17z",
            Point(la, lo, GoogleMapsLink, false),
        ),
        (
            "https://www.google.nl/maps/@50.8514,5.691,15.5z?entry=ttu",
            Point(la, lo, GoogleMapsLink, false),
        ),
        (
            "https://www.google.com/maps?q=50.8514,5.6910",
            Point(la, lo, GoogleMapsLink, false),
        ),
        (
            "https://maps.google.com/?q=50.8514%2C5.6910",
            Point(la, lo, GoogleMapsLink, false),
        ),
        (
            "https://maps.google.com/maps?ll=50.8514,5.6910&z=16",
            Point(la, lo, GoogleMapsLink, false),
        ),
        (
            "https://www.google.com/maps/search/?api=1&query=50.8514,5.6910",
            Point(la, lo, GoogleMapsLink, false),
        ),
        (
            "https://www.google.com/maps/dir/?api=1&destination=50.8514,5.6910",
            Point(la, lo, GoogleMapsLink, false),
        ),
        (
            "https://www.openstreetmap.org/#map=18/50.8514/5.6910",
            Point(la, lo, OpenStreetMapLink, false),
        ),
        (
            "https://www.openstreetmap.org/?mlat=50.8514&mlon=5.6910#map=17/50.8500/5.6900",
            Point(la, lo, OpenStreetMapLink, false),
        ),
        (
            "https://osm.org/#map=16/50.8514/5.6910",
            Point(la, lo, OpenStreetMapLink, false),
        ),
        (
            "https://www.openstreetmap.org/search?query=x#map=19/50.8514/5.6910&layers=N",
            Point(la, lo, OpenStreetMapLink, false),
        ),
        (
            "https://maps.apple.com/?ll=50.8514,5.6910&q=Markt",
            Point(la, lo, AppleMapsLink, false),
        ),
        ("geo:50.8514,5.6910", Point(la, lo, GeoUri, false)),
        ("geo:50.8514,5.6910;u=35", Point(la, lo, GeoUri, false)),
        ("geo:50.8514,5.6910,48?z=17", Point(la, lo, GeoUri, false)),
        ("GEO:50.8514,5.6910", Point(la, lo, GeoUri, false)),
        // Addresses, for the address index.
        ("6211CK 78", Address),
        ("6211 ck 78a", Address),
        ("Brusselsepoort 45", Address),
        ("Sint Pieterstraat 5, Maastricht", Address),
        ("Markt 78", Address),
        // Four digits are a postcode area ("ergens in 6221"), never a coordinate.
        ("6221", Address),
        // Errors that say what was understood.
        ("", Error("unreadable-coordinate", "empty")),
        (
            "50.8514",
            Error("unreadable-coordinate", "found one number"),
        ),
        (
            "50.85 5.69 7.1",
            Error("unreadable-coordinate", "found 3 numbers"),
        ),
        (
            "50°51'05\"N 50°51'05\"S",
            Error("unreadable-coordinate", "both angles are latitudes"),
        ),
        (
            "50°75'05\"N 5°41'28\"E",
            Error("unreadable-coordinate", "below 60"),
        ),
        ("50 # 5", Error("unreadable-coordinate", "'#'")),
        (
            "https://maps.app.goo.gl/AbCdEf",
            Error("unreadable-coordinate", "shortened"),
        ),
        (
            "https://www.google.com/maps/search/Vrijthof",
            Error("unreadable-coordinate", "holds no coordinates"),
        ),
        (
            "https://www.openstreetmap.org/way/123",
            Error("unreadable-coordinate", "holds no coordinates"),
        ),
        (
            "https://example.com/?q=50.85,5.69",
            Error("unreadable-coordinate", "Google Maps, OpenStreetMap"),
        ),
        ("geo:abc", Error("unreadable-coordinate", "geo:lat,lon")),
        (
            "999999 999999",
            Error("unreadable-coordinate", "neither degrees"),
        ),
        ("lat 50.8514", Error("missing-parameter", "lon")),
        ("lat 50.85 lon abc", Error("not-a-number", "abc")),
        (
            "x=5.69 y=50.85",
            Error("degrees-given-as-projected", "lat=50.85"),
        ),
    ]
}

fn rd_of(lat: f64, lon: f64) -> Rd {
    transformer().wgs84_to_rd(Wgs84 { lat, lon })
}

fn dist(a: Rd, b: Rd) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

#[test]
fn real_world_notations() {
    let cases = cases();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    for (text, expect) in cases {
        let got = parse(text);
        match (&expect, got) {
            (Point(lat, lon, notation, swapped), Ok(Input::Point(u))) => {
                let d = dist(u.rd, rd_of(*lat, *lon));
                assert!(d < 1.0, "{text:?}: {d:.2} m off ({u:?})");
                assert_eq!(u.notation, *notation, "{text:?}");
                assert_eq!(u.swapped, *swapped, "{text:?}");
                if *swapped {
                    assert!(
                        u.understood_as.contains("turned round"),
                        "{text:?}: {}",
                        u.understood_as
                    );
                }
            }
            (Rd(x, y, swapped), Ok(Input::Point(u))) => {
                assert!(
                    dist(u.rd, wijkwijzer::crs::Rd { x: *x, y: *y }) < 1e-6,
                    "{text:?}: {u:?}"
                );
                assert_eq!(u.notation, RdNew, "{text:?}");
                assert_eq!(u.swapped, *swapped, "{text:?}");
            }
            (Address, Ok(Input::Address(a))) => assert_eq!(a, text.trim()),
            (Error(kind, fragment), Err(e)) => {
                assert_eq!(e.kind().describe().1, *kind, "{text:?}: {e}");
                assert!(
                    e.to_string().contains(fragment),
                    "{text:?}: '{e}' lacks '{fragment}'"
                );
            }
            (_, got) => panic!("{text:?}: unexpected {got:?}"),
        }
    }
}

#[test]
fn unreadable_errors_name_the_whole_text_and_give_examples() {
    let e = parse("50.85 5.69 7.1").unwrap_err();
    let QueryError::Unreadable { text, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(text, "50.85 5.69 7.1");
    // The examples are written at the served municipality's reference point ...
    assert!(
        e.to_string()
            .contains("Examples: 50.8489, 5.6879 · 50°50'56\"N 5°41'16\"E · "),
        "{e}"
    );
    // ... never at another city's (issue 34, 5): near Zwolle, Zwolle's.
    let elsewhere = wijkwijzer::query::Locality::new("Testdorp", &[], 52.5164, 6.0994);
    let e = wijkwijzer::query::parse("50.85 5.69 7.1", &elsewhere).unwrap_err();
    let said = e.to_string();
    assert!(said.contains("Examples: 52.5164, 6.0994 · "), "{said}");
    assert!(said.contains("geo:52.5164,6.0994"), "{said}");
    assert!(
        !said.contains("50.8489") && !said.contains("5.6879"),
        "{said}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// Anywhere in the Netherlands' range, in every notation, back within 1 m.
    #[test]
    fn format_then_parse_round_trips_within_a_metre(lat in 50.6f64..53.6, lon in 3.3f64..7.2, k in 0usize..Notation::ALL.len()) {
        let notation = Notation::ALL[k];
        // A plus code names a cell metres wide, not a point: tested on its own.
        prop_assume!(notation != Notation::PlusCode);
        let p = Wgs84 { lat, lon };
        let text = format(p, notation);
        let Ok(Input::Point(u)) = parse(&text) else {
            return Err(TestCaseError::fail(format!("{text:?} did not parse as a point: {:?}", parse(&text))));
        };
        let d = dist(u.rd, transformer().wgs84_to_rd(p));
        prop_assert!(d < 1.0, "{:?}: {} m off", text, d);
        prop_assert_eq!(u.notation, notation, "{:?}", text);
        prop_assert!(!u.swapped, "{:?}", text);
    }

    /// Whatever is typed, parse answers or refuses; it never panics.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
        let _ = parse(&text);
    }
}

/// A Google Maps place link: the place in its path is the pin, the `@` after it only where the
/// map looked; a link with only `@` is answered with that centre, and says so.
#[test]
fn google_maps_pin_before_map_centre() {
    // The link: pin 50°50'54.6"N 5°41'54.6"E (Wyck), map centred on the Vrijthof.
    let link = "https://www.google.com/maps/place/50%C2%B050'54.6%22N+5%C2%B041'54.6%22E/@50.8489,5.6879,15z";
    let Ok(Input::Point(u)) = parse(link) else {
        panic!("{link}")
    };
    let pin = rd_of(
        50.0 + 50.0 / 60.0 + 54.6 / 3600.0,
        5.0 + 41.0 / 60.0 + 54.6 / 3600.0,
    );
    assert!(dist(u.rd, pin) < 0.01, "{u:?}");
    assert!(!u.understood_as.contains("centre"), "{}", u.understood_as);
    // The pin and the centre lie in different buurten: the answer is the pin's.
    let resolver =
        wijkwijzer::resolve::Resolver::new(wijkwijzer::geodata::Geodata::embedded().unwrap());
    let at = |rd| {
        resolver
            .today()
            .resolve(rd, wijkwijzer::roster::Audience::Public)
            .buurt
            .unwrap()
            .name
    };
    assert_eq!(at(u.rd), "Wyck");
    assert_eq!(at(rd_of(50.8489, 5.6879)), "Binnenstad");

    let Ok(Input::Point(c)) = parse("https://www.google.com/maps/@50.8489,5.6879,15z") else {
        panic!()
    };
    assert!(dist(c.rd, rd_of(50.8489, 5.6879)) < 0.01);
    assert!(
        c.understood_as.contains("centre of the map view"),
        "{}",
        c.understood_as
    );
}

/// Plus codes as Google Maps shows them: full, and short with the town; the expected points
/// are the cells' centres worked out by hand from the format (see `query::pluscode`).
#[test]
fn plus_codes_full_and_short() {
    for (text, lat, lon) in [
        ("9F27VM64+JC", 50.861_562_5, 5.656_062_5),
        ("RQ2Q+H5 Maastricht", 50.801_437_5, 5.787_937_5),
        ("rq2q+h5", 50.801_437_5, 5.787_937_5),
    ] {
        let Ok(Input::Point(u)) = parse(text) else {
            panic!("{text}: {:?}", parse(text))
        };
        assert_eq!(u.notation, Notation::PlusCode, "{text}");
        assert!(dist(u.rd, rd_of(lat, lon)) < 0.01, "{text}: {u:?}");
        assert!(
            u.understood_as.contains("within 7 m"),
            "{}",
            u.understood_as
        );
    }
    let e = parse("RQ2Q+H5 Amsterdam").unwrap_err().to_string();
    assert!(e.contains("only Maastricht is covered"), "{e}");
}

/// Whole minutes give a place to about ±930 m: the answer says so and names the other LWA
/// areas within that square, found here from the shipped LWA file by our own test.
#[test]
fn a_coarse_notation_states_its_precision_and_the_areas_it_may_mean() {
    use geo::Contains;
    let Ok(Input::Point(u)) = parse("50°51'N 5°41'E") else {
        panic!()
    };
    assert_eq!(u.precision_m, Some(930.0));
    let areas = crate::shipped_lwa_areas();
    let mut within: Vec<String> = Vec::new();
    for i in -20..=20 {
        for j in -20..=20 {
            let p = geo::Point::new(
                u.rd.x + 930.0 * f64::from(i) / 20.0,
                u.rd.y + 930.0 * f64::from(j) / 20.0,
            );
            for (id, g) in &areas {
                if g.contains(&p) && !within.contains(id) {
                    within.push(id.clone());
                }
            }
        }
    }
    let resolver =
        wijkwijzer::resolve::Resolver::new(wijkwijzer::geodata::Geodata::embedded().unwrap());
    let answer = resolver
        .today()
        .resolve_understood(u, None, wijkwijzer::roster::Audience::Public)
        .unwrap();
    let own = answer.lwa.as_ref().unwrap().id.clone();
    let mut got: Vec<String> = answer.also_possible.iter().map(|a| a.id.clone()).collect();
    got.push(own);
    got.sort();
    within.sort();
    assert!(
        within.len() > 1,
        "the example must cross a boundary: {within:?}"
    );
    assert_eq!(got, within);
    assert!(answer.message.contains("±930 m"), "{}", answer.message);

    // Seconds: about ±15 m, no other areas here.
    let Ok(Input::Point(fine)) = parse("50°51'05\"N 5°41'28\"E") else {
        panic!()
    };
    assert_eq!(fine.precision_m, Some(15.0));
    let answer = resolver
        .today()
        .resolve_understood(fine, None, wijkwijzer::roster::Audience::Public)
        .unwrap();
    assert!(answer.also_possible.is_empty());
}

/// What control rooms receive (issue 23): every form reads as the same place, with the radius
/// it states, and says so in English and Dutch.
#[test]
fn what_control_rooms_receive() {
    use wijkwijzer::text::{Lang, sync_scope};
    let here = rd_of(50.8489, 5.6879);
    // (text, stated radius, notation, a fragment of how it was understood in en, in nl)
    let forms: [(&str, Option<f64>, Notation, &str, &str); 16] = [
        (
            "A\"ML=1;lt=+50.84890;lg=+005.68790;rd=25;top=20261203142501;lc=68;pm=G;si=204081234567890;ei=356938035643809;mcc=204;mnc=08;ml=124",
            Some(25.0),
            Aml,
            "within 25 m at 68 % confidence, by gnss, fixed at 2026-12-03T14:25:01Z",
            "binnen 25 m met 68 % zekerheid",
        ),
        (
            "geo:50.8489,5.6879;u=2500",
            Some(2500.0),
            GeoUri,
            "states an uncertainty of 2500 m",
            "onzekerheid van 2500 m",
        ),
        (
            "lat=50.8489;lon=5.6879;radius=2500",
            Some(2500.0),
            DecimalDegrees,
            "2500 m",
            "2500 m",
        ),
        (
            "lat=50.8489&lon=5.6879&accuracy=30",
            Some(30.0),
            DecimalDegrees,
            "30 m",
            "30 m",
        ),
        (
            "50.8489, 5.6879 ±25 m",
            Some(25.0),
            DecimalDegrees,
            "25 m",
            "25 m",
        ),
        (
            "50.8489, 5.6879 nauwkeurigheid 40 meter",
            Some(40.0),
            DecimalDegrees,
            "40 m",
            "40 m",
        ),
        (
            "lat 50,8489 lon 5,6879",
            None,
            DecimalDegrees,
            "lat 50.848900",
            "lat 50.848900",
        ),
        (
            "Latitude: 50,8489 Longitude: 5,6879",
            None,
            DecimalDegrees,
            "lon 5.687900",
            "lon 5.687900",
        ),
        (
            "breedtegraad 50.8489 lengtegraad 5.6879",
            None,
            DecimalDegrees,
            "lat 50.848900",
            "lat 50.848900",
        ),
        ("RD: 176178, 317717", None, RdNew, "x 176178", "x 176178"),
        ("RD 176178 317717", None, RdNew, "x 176178", "x 176178"),
        (
            "RD-coördinaten 176178 317717",
            None,
            RdNew,
            "y 317717",
            "y 317717",
        ),
        (
            "EPSG:28992 176178 317717",
            None,
            RdNew,
            "x 176178",
            "x 176178",
        ),
        ("176178/317717", None, RdNew, "x 176178", "x 176178"),
        (
            "50.8489 NB 5.6879 OL",
            None,
            DegreesDecimalMinutes,
            "lat 50.8489",
            "lat 50.8489",
        ),
        (
            "50.8489,5.6879,17z",
            None,
            DecimalDegrees,
            "lat 50.8489",
            "lat 50.8489",
        ),
    ];
    for (text, stated, notation, en, nl) in forms {
        for (lang, fragment) in [(Lang::En, en), (Lang::Nl, nl)] {
            let got = sync_scope(lang, || parse(text));
            let Ok(Input::Point(u)) = got else {
                panic!("{text:?} ({lang:?}): {got:?}")
            };
            // RD is given to the metre, degrees to 1e-4 (about 7 m).
            assert!(dist(u.rd, here) < 8.0, "{text:?}: {u:?}");
            assert_eq!(u.stated_m, stated, "{text:?}");
            if notation != DegreesDecimalMinutes {
                assert_eq!(u.notation, notation, "{text:?}");
            }
            assert!(
                u.understood_as.contains(fragment),
                "{text:?} ({lang:?}): '{}' lacks '{fragment}'",
                u.understood_as
            );
        }
    }
    // Degrees-minutes-seconds with the Dutch abbreviations.
    let Ok(Input::Point(u)) = parse("50°50'56\" N.B. 5°41'16\" O.L.") else {
        panic!()
    };
    assert!(dist(u.rd, here) < 10.0, "{u:?}");
    // The stated radius reaches the answer's certainty, and the AML's details the answer.
    let resolver =
        wijkwijzer::resolve::Resolver::new(wijkwijzer::geodata::Geodata::embedded().unwrap());
    let Ok(Input::Point(u)) = parse("geo:50.8489,5.6879;u=2500") else {
        panic!()
    };
    let a = resolver
        .today()
        .resolve_understood(u, None, wijkwijzer::roster::Audience::Public)
        .unwrap();
    assert!(a.certainty.radius_m >= 2500.0);
    assert_ne!(a.certainty.level, wijkwijzer::resolve::Level::Certain);
    assert!(
        a.certainty.reasons.iter().any(|r| r.contains("2500 m")),
        "{:?}",
        a.certainty.reasons
    );
    let Ok(Input::Point(u)) =
        parse("A\"ML=1;lt=+50.84890;lg=+005.68790;rd=25;top=20261203142501;lc=68;pm=G")
    else {
        panic!()
    };
    let json = serde_json::to_value(
        resolver
            .today()
            .resolve_understood(u, None, wijkwijzer::roster::Audience::Public)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(json["understood"]["aml"]["confidence_pct"], 68, "{json}");
    assert_eq!(json["understood"]["stated_m"], 25.0);
    // An AML push without a location is a clear refusal, not a place.
    let e = parse("A\"ML=1;lt=;lg=;rd=;top=20261203142501;lc=0;pm=N").unwrap_err();
    assert!(e.to_string().contains("no location"), "{e}");
    // A country after a place is left out, and said to be.
    let Ok(Input::Address(a)) = parse("Vrijthof 16, 6211 LD Maastricht, Nederland") else {
        panic!()
    };
    assert_eq!(a, "Vrijthof 16, 6211 LD Maastricht");
}
