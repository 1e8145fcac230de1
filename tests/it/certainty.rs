//! Certainty (issue 23): an answer is `certain` exactly when the disc of its uncertainty lies in
//! one coverage area, and the shares of a disc agree with a sampling oracle built here from the
//! shipped LWA file with geo's own point-in-polygon.

use std::sync::OnceLock;

use geo::{Contains, Distance, Euclidean};
use proptest::prelude::*;
use wijkwijzer::crs::Rd;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::resolve::{Level, Resolver};
use wijkwijzer::roster::Audience;

fn resolver() -> &'static Resolver {
    static R: OnceLock<Resolver> = OnceLock::new();
    R.get_or_init(|| Resolver::new(Geodata::embedded().unwrap()))
}

/// The shipped LWA areas and every edge of their boundaries.
struct Lwa {
    areas: Vec<(String, geo::Geometry<f64>)>,
    edges: Vec<geo::Line<f64>>,
}

fn lwa() -> &'static Lwa {
    static L: OnceLock<Lwa> = OnceLock::new();
    L.get_or_init(|| {
        use geo::CoordsIter;
        let areas = crate::shipped_lwa_areas();
        let mut edges = Vec::new();
        for (_, g) in &areas {
            let geo::Geometry::Polygon(p) = g else {
                let geo::Geometry::MultiPolygon(m) = g else {
                    panic!("an LWA area is not a polygon")
                };
                for p in m {
                    for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                        edges.extend(ring.lines());
                    }
                }
                continue;
            };
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                edges.extend(ring.lines());
            }
            assert!(p.coords_count() > 3);
        }
        Lwa { areas, edges }
    })
}

fn distance_to_boundary(p: geo::Point<f64>) -> f64 {
    lwa()
        .edges
        .iter()
        .map(|l| Euclidean.distance(&p, l))
        .fold(f64::INFINITY, f64::min)
}

/// The share of the disc in each LWA area, from a fine square grid over the disc.
fn oracle_shares(c: Rd, r: f64) -> Vec<(String, f64)> {
    const N: i32 = 120;
    let mut counts = vec![0u32; lwa().areas.len()];
    let mut total = 0u32;
    for i in 0..N {
        for j in 0..N {
            let dx = (f64::from(i) + 0.5) / f64::from(N) * 2.0 - 1.0;
            let dy = (f64::from(j) + 0.5) / f64::from(N) * 2.0 - 1.0;
            if dx * dx + dy * dy > 1.0 {
                continue;
            }
            total += 1;
            let p = geo::Point::new(c.x + r * dx, c.y + r * dy);
            if let Some(k) = lwa().areas.iter().position(|(_, g)| g.contains(&p)) {
                counts[k] += 1;
            }
        }
    }
    lwa()
        .areas
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|((id, _), n)| (id.clone(), f64::from(n) / f64::from(total)))
        .collect()
}

fn assert_shares_agree(c: Rd, r: f64, got: &[(String, f64)]) -> Result<(), TestCaseError> {
    let want = oracle_shares(c, r);
    for (id, share) in &want {
        let ours = got.iter().find(|(g, _)| g == id).map_or(0.0, |g| g.1);
        prop_assert!(
            (ours - share).abs() <= 0.02,
            "{id}: ours {ours:.3}, oracle {share:.3} at {c:?} r {r}"
        );
    }
    for (id, share) in got {
        prop_assert!(
            want.iter().any(|(w, _)| w == id) || *share <= 0.02,
            "{id} {share} is not in the disc at {c:?} r {r}"
        );
    }
    Ok(())
}

/// A point at `offset` metres from a point on an LWA boundary edge, along the edge's normal.
fn near_an_edge() -> impl Strategy<Value = (Rd, f64)> {
    let n = lwa().edges.len();
    (0..n, 0.0f64..1.0, -80.0f64..80.0).prop_map(|(e, t, offset)| {
        let l = lwa().edges[e];
        let (dx, dy) = (l.end.x - l.start.x, l.end.y - l.start.y);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        (
            Rd {
                x: l.start.x + t * dx - dy / len * offset,
                y: l.start.y + t * dy + dx / len * offset,
            },
            offset.abs(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Certain exactly when the distance to the nearest LWA boundary exceeds the radius; the
    /// reported distance is that distance; shares agree with the oracle.
    #[test]
    fn certain_exactly_when_the_disc_stays_in_one_area((p, _) in near_an_edge()) {
        let a = resolver().today().resolve(p, Audience::Public);
        let c = &a.certainty;
        let d = distance_to_boundary(geo::Point::new(p.x, p.y));
        let reported = c.boundary_distance_m.unwrap();
        prop_assert!((reported - d).abs() <= 0.051, "reported {reported}, exact {d}");
        // The shipped boundaries are generalised: 25 m.
        prop_assert_eq!(c.radius_m, 25.0);
        // Away from the rounding of the reported figures, the level follows the distance.
        if d > c.radius_m + 0.05 {
            prop_assert_eq!(c.level, Level::Certain, "{} m from a boundary", d);
            prop_assert!(a.also_possible.is_empty());
        } else if d < c.radius_m - 0.05 {
            prop_assert_ne!(c.level, Level::Certain, "{} m from a boundary", d);
            let got: Vec<(String, f64)> =
                c.areas.iter().map(|s| (s.id.clone(), s.share)).collect();
            assert_shares_agree(p, c.radius_m, &got)?;
            // Every area named has its people, and the others are also_possible.
            for s in &c.areas {
                prop_assert!(s.contacts.as_ref().is_some_and(|c| !c.is_empty()), "{}", s.id);
            }
            let own = a.lwa.as_ref().map(|l| l.id.clone());
            let others: Vec<&str> = c
                .areas
                .iter()
                .filter(|s| Some(&s.id) != own.as_ref())
                .map(|s| s.id.as_str())
                .collect();
            let also: Vec<&str> = a.also_possible.iter().map(|s| s.id.as_str()).collect();
            prop_assert_eq!(also, others);
            let top = c.areas.first().map_or(0.0, |s| s.share);
            prop_assert_eq!(c.level == Level::Likely, top >= wijkwijzer::resolve::LIKELY_SHARE);
        }
    }

    /// Discs of any size, anywhere around the city: the shares agree with the oracle.
    #[test]
    fn disc_shares_agree_with_the_oracle(
        x in 172_000f64..182_000.0,
        y in 312_000f64..324_000.0,
        r in 5.0f64..1500.0,
    ) {
        let r_ = resolver();
        let c = Rd { x, y };
        let coverage = r_.data().layer("lwa").unwrap();
        let got: Vec<(String, f64)> = r_
            .disc_shares(c, r)
            .into_iter()
            .map(|(a, s)| (coverage.areas[a as usize].id.clone(), s))
            .collect();
        assert_shares_agree(c, r, &got)?;
    }
}

/// The answer says how sure it is in words too, in both languages; and a point on the outer
/// edge is never certain although it has one area.
#[test]
fn an_uncertain_answer_says_so_and_names_both_areas() {
    let lwa = lwa();
    // A point 5 m from an internal boundary: find one from the edges whose two sides differ.
    let on = resolver().today();
    let mut found = None;
    'search: for l in &lwa.edges {
        let (dx, dy) = (l.end.x - l.start.x, l.end.y - l.start.y);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 50.0 {
            continue;
        }
        let mid = Rd {
            x: l.start.x + dx / 2.0,
            y: l.start.y + dy / 2.0,
        };
        let side = |o: f64| Rd {
            x: mid.x - dy / len * o,
            y: mid.y + dx / len * o,
        };
        let (a, b) = (
            on.resolve(side(5.0), Audience::Public),
            on.resolve(side(-5.0), Audience::Public),
        );
        if let (Some(la), Some(lb)) = (&a.lwa, &b.lwa)
            && la.id != lb.id
        {
            found = Some((a, b));
            break 'search;
        }
    }
    let (a, b) = found.expect("no internal LWA boundary in the shipped data");
    for ans in [&a, &b] {
        assert_ne!(ans.certainty.level, Level::Certain);
        assert_eq!(ans.certainty.areas.len(), 2, "{:?}", ans.certainty);
        assert_eq!(ans.also_possible.len(), 1);
        assert!(ans.message.contains("may also lie in"), "{}", ans.message);
        assert!(
            ans.certainty.reasons[0].contains("generalised"),
            "{:?}",
            ans.certainty.reasons
        );
    }
    assert_eq!(a.also_possible[0].id, b.lwa.as_ref().unwrap().id);
    let json = serde_json::to_value(&a).unwrap();
    assert!(
        json["certainty"]["areas"][1]["contacts"].is_array(),
        "{json}"
    );
    // Dutch on request.
    let nl = wijkwijzer::text::sync_scope(wijkwijzer::text::Lang::Nl, || {
        on.resolve(
            Rd {
                x: a.point.rd.x,
                y: a.point.rd.y,
            },
            Audience::Public,
        )
    });
    assert!(
        nl.message.contains("kan de plaats ook in"),
        "{}",
        nl.message
    );
    assert!(nl.certainty.reasons[0].contains("vereenvoudigd"));
}
