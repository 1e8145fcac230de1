//! The fast grid index against the textbook oracle (R-tree + geo point-in-polygon) on the real
//! layers, shipped and densified, with the fine grid of the server and the coarse one of a
//! one-shot lookup: random points, every vertex, every edge midpoint.

use std::sync::OnceLock;

use geo::MultiPolygon;
use proptest::prelude::*;
use wijkwijzer::crs::Rd;
use wijkwijzer::geodata::Geodata;
use wijkwijzer::index::{Detail, Hit, Index, LayerIndex, Position};

struct Fixture {
    layers: Vec<Vec<MultiPolygon<f64>>>,
    index: Index,
    buurt: usize,
}

fn fixture(data: &Geodata, detail: Detail) -> Fixture {
    let layers: Vec<Vec<MultiPolygon<f64>>> = data
        .layers
        .iter()
        .map(|l| l.areas.iter().map(|a| a.geometry.clone()).collect())
        .collect();
    let index = Index::build_with(&layers, detail);
    let buurt = data.layer_index("buurt").unwrap();
    Fixture {
        layers,
        index,
        buurt,
    }
}

fn shipped() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| fixture(&Geodata::embedded().unwrap(), Detail::Fine))
}

/// The shipped layers on the grid `wijkwijzer lookup` builds.
fn coarse() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| fixture(&Geodata::embedded().unwrap(), Detail::Coarse))
}

fn densified() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| fixture(&Geodata::embedded().unwrap().densified(5.0), Detail::Fine))
}

fn check_point(f: &Fixture, p: Rd) -> Vec<Option<Hit>> {
    let mut joint = vec![None; f.index.len()];
    f.index.locate_all(p, &mut joint);
    for (i, expected) in joint.iter().enumerate() {
        let layer: &LayerIndex = f.index.layer(i);
        assert_eq!(
            layer.locate(p),
            *expected,
            "layer {i}: joint and single-layer disagree at {p:?}"
        );
        assert_eq!(
            layer.locate_reference(p),
            *expected,
            "layer {i}: fast and oracle disagree at {p:?}"
        );
    }
    joint
}

fn extent() -> (Rd, Rd) {
    shipped().index.layer(0).extent()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    #[test]
    fn random_points_match_the_oracle(fx in 0.0f64..1.0, fy in 0.0f64..1.0) {
        let (lo, hi) = extent();
        let p = Rd { x: lo.x - 200.0 + fx * (hi.x - lo.x + 400.0), y: lo.y - 200.0 + fy * (hi.y - lo.y + 400.0) };
        let fine = check_point(shipped(), p);
        prop_assert_eq!(fine, check_point(coarse(), p));
    }

    #[test]
    fn random_points_match_the_oracle_on_dense_boundaries(fx in 0.0f64..1.0, fy in 0.0f64..1.0) {
        let (lo, hi) = extent();
        let p = Rd { x: lo.x + fx * (hi.x - lo.x), y: lo.y + fy * (hi.y - lo.y) };
        check_point(densified(), p);
    }
}

/// Visits every vertex (`true`) and every edge midpoint (`false`). Midpoints of edges with
/// non-integer ends may round off the edge, so only vertices are certain to be on a boundary.
fn each_vertex_and_midpoint(f: &Fixture, step: usize, mut visit: impl FnMut(Rd, bool)) {
    for layer in &f.layers {
        for mp in layer {
            for poly in &mp.0 {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    for w in ring.0.windows(2).step_by(step) {
                        visit(
                            Rd {
                                x: w[0].x,
                                y: w[0].y,
                            },
                            true,
                        );
                        visit(
                            Rd {
                                x: (w[0].x + w[1].x) / 2.0,
                                y: (w[0].y + w[1].y) / 2.0,
                            },
                            false,
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn every_vertex_and_edge_midpoint_is_boundary_in_its_layer_and_matches_the_oracle() {
    // On the densified copy, neighbours densify a shared edge from opposite ends, so a vertex
    // of one can be a hair inside the other (and "inside" wins): only the oracle applies there.
    // The densified copy has ~90,000 vertices: every 17th keeps the oracle's time bounded.
    for (f, vertices_on_boundary, step) in [
        (shipped(), true, 1),
        (coarse(), true, 1),
        (densified(), false, 17),
    ] {
        let mut n = 0;
        each_vertex_and_midpoint(f, step, |p, is_vertex| {
            let hits = check_point(f, p);
            n += 1;
            assert!(
                !(is_vertex && vertices_on_boundary)
                    || hits
                        .iter()
                        .flatten()
                        .any(|h| h.position == Position::Boundary),
                "{p:?} is a vertex or on an edge but no layer says boundary: {hits:?}"
            );
        });
        assert!(n > 1000, "too few boundary points checked: {n}");
    }
}

#[test]
fn boundary_points_get_the_lowest_id() {
    // Vertices shared by two buurten: both areas touch it, the lower index must win.
    let f = shipped();
    let buurt = f.buurt;
    let geoms = &f.layers[buurt];
    let mut shared = 0;
    for a in geoms {
        for c in a.0[0].exterior().0.iter() {
            let owners: Vec<u32> = geoms
                .iter()
                .enumerate()
                .filter(|(_, g)| g.0.iter().any(|p| p.exterior().0.contains(c)))
                .map(|(i, _)| i as u32)
                .collect();
            if owners.len() > 1 {
                let hit = f.index.layer(buurt).locate(Rd { x: c.x, y: c.y }).unwrap();
                assert_eq!(
                    hit,
                    Hit {
                        area: owners[0],
                        position: Position::Boundary
                    },
                    "vertex of {owners:?}"
                );
                shared += 1;
            }
        }
    }
    assert!(shared > 50, "expected many shared vertices, found {shared}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5_000, ..ProptestConfig::default() })]

    /// The data keeps its promise: a point lies strictly inside at most one area per layer, and
    /// the index's answer is stable (same point, same answer, whichever way it is asked).
    #[test]
    fn a_point_is_inside_at_most_one_area_per_layer(fx in 0.0f64..1.0, fy in 0.0f64..1.0) {
        use geo::{CoordinatePosition, coordinate_position::CoordPos};
        let f = shipped();
        let (lo, hi) = extent();
        let p = Rd { x: lo.x + fx * (hi.x - lo.x), y: lo.y + fy * (hi.y - lo.y) };
        let c = geo::Coord { x: p.x, y: p.y };
        for (i, layer) in f.layers.iter().enumerate() {
            let inside = layer.iter().filter(|g| g.coordinate_position(&c) == CoordPos::Inside).count();
            prop_assert!(inside <= 1, "layer {}: {} areas contain {:?}", i, inside, p);
            let first = f.index.layer(i).locate(p);
            prop_assert_eq!(first, f.index.layer(i).locate(p));
        }
    }
}
