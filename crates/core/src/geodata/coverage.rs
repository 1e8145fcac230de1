//! Buurten as a coverage: polygons that tile the gemeente without overlap, neighbours sharing
//! their edges exactly. [`check`] says whether a set of buurten is one (and which buurten break
//! it); [`dissolve`] merges members of a valid coverage into one area by dropping the edges they
//! share, so the result is made of the buurten's own vertices, exactly, at any precision.
//!
//! Not pairwise polygon union (geo's `BooleanOps`): that recomputes every vertex and, on
//! millimetre coordinates, leaves rings that touch or cross themselves once rounded for
//! writing. Dropping shared edges moves no vertex, so there is nothing to round.
//!
//! The edge bookkeeping, ring tracing and T-junction splitting are written here: geo has no
//! coverage union. geo supplies validity (`Validation`), areas, point-in-polygon and the
//! overlap measure; rstar the vertex index.

use std::collections::{BTreeSet, HashMap};

use geo::{
    Area as _, BooleanOps as _, BoundingRect as _, Contains as _, Coord, LineString, MultiPolygon,
    Polygon, Rect, Validation as _,
};
use rstar::{AABB, RTree, RTreeObject as _, primitives::GeomWithData};

/// How far a vertex may lie from a neighbour's edge and still count as lying on it (a
/// T-junction): float noise, far below the millimetre of the coordinates.
pub const ON_EDGE_M: f64 = 1e-6;
/// A vertex of one buurt this close to the outline of another (the edges the two do not
/// share), yet not on it, means the two draw their common boundary twice, slightly differently.
pub const NEAR_M: f64 = 0.01;
/// A hole in the whole coverage smaller than this, or thinner than [`GAP_WIDTH_M`], is a gap
/// between buurten that should touch, not a real hole (an enclave of another gemeente).
pub const GAP_M2: f64 = 10.0;
/// Mean width (twice the area over the perimeter) below which a hole is a sliver.
pub const GAP_WIDTH_M: f64 = 0.5;
/// Overlap between two buurten above this is refused; below it is the float noise of
/// measuring the overlap of two polygons that only share an edge.
pub const OVERLAP_M2: f64 = 0.01;

/// A coordinate as hashable bits; `+ 0.0` makes -0.0 and 0.0 one vertex.
type Key = (u64, u64);

fn key(c: Coord<f64>) -> Key {
    ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits())
}

/// A directed boundary edge and the member it belongs to.
#[derive(Clone, Copy, Debug)]
struct Edge {
    from: Coord<f64>,
    to: Coord<f64>,
    owner: usize,
}

/// A closed ring traced from the edges left after cancelling, with the members whose edges
/// make it up.
struct Ring {
    line: LineString<f64>,
    owners: BTreeSet<usize>,
    signed_area: f64,
}

type Vertex = GeomWithData<[f64; 2], usize>;

/// Every vertex of every member, with its member.
fn vertex_index(parts: &[&MultiPolygon<f64>]) -> RTree<Vertex> {
    let mut seen = std::collections::HashSet::new();
    let mut points = Vec::new();
    for (owner, mp) in parts.iter().enumerate() {
        for c in mp.0.iter().flat_map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .flat_map(|r| r.0.iter())
        }) {
            if seen.insert((key(*c), owner)) {
                points.push(GeomWithData::new([c.x, c.y], owner));
            }
        }
    }
    RTree::bulk_load(points)
}

/// Where `p` projects onto segment `a`-`b` (0 at `a`, 1 at `b`) and how far it lies from it.
fn project(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> (f64, f64) {
    let d = b - a;
    let len2 = d.x * d.x + d.y * d.y;
    if len2 == 0.0 {
        return (0.0, (p - a).x.hypot((p - a).y));
    }
    let t = ((p - a).x * d.x + (p - a).y * d.y) / len2;
    let q = a + d * t.clamp(0.0, 1.0);
    (t, (p - q).x.hypot((p - q).y))
}

fn envelope(a: Coord<f64>, b: Coord<f64>, margin: f64) -> AABB<[f64; 2]> {
    AABB::from_corners(
        [a.x.min(b.x) - margin, a.y.min(b.y) - margin],
        [a.x.max(b.x) + margin, a.y.max(b.y) + margin],
    )
}

/// The members' boundaries as directed edges, shells counter-clockwise and holes clockwise
/// (the area always on the left), each edge split at every vertex of any member lying on it,
/// so that a neighbour's extra vertex on a shared edge does not keep the edge from cancelling.
fn edges(parts: &[&MultiPolygon<f64>], vertices: &RTree<Vertex>) -> Vec<Edge> {
    let mut out = Vec::new();
    for (owner, mp) in parts.iter().enumerate() {
        for p in &mp.0 {
            let rings = std::iter::once((p.exterior(), true))
                .chain(p.interiors().iter().map(|r| (r, false)));
            for (ring, shell) in rings {
                let ccw = Polygon::new(ring.clone(), vec![]).signed_area() > 0.0;
                let mut coords: Vec<Coord<f64>> = ring.0.clone();
                if ccw != shell {
                    coords.reverse();
                }
                for w in coords.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    if key(a) == key(b) {
                        continue;
                    }
                    let mut on: Vec<(f64, Coord<f64>)> = vertices
                        .locate_in_envelope_intersecting(&envelope(a, b, ON_EDGE_M))
                        .map(|v| Coord {
                            x: v.geom()[0],
                            y: v.geom()[1],
                        })
                        .filter(|c| key(*c) != key(a) && key(*c) != key(b))
                        .filter_map(|c| {
                            let (t, d) = project(c, a, b);
                            (t > 0.0 && t < 1.0 && d <= ON_EDGE_M).then_some((t, c))
                        })
                        .collect();
                    on.sort_by(|x, y| x.0.total_cmp(&y.0));
                    on.dedup_by_key(|(_, c)| key(*c));
                    let mut from = a;
                    for (_, c) in on.into_iter().chain(std::iter::once((1.0, b))) {
                        out.push(Edge { from, to: c, owner });
                        from = c;
                    }
                }
            }
        }
    }
    out
}

/// Cancels each edge against one running the other way; returns what is left (the boundary of
/// the union, in input order) and the edges that occur twice in the same direction (two
/// members with area on the same side of one edge: an overlap).
fn cancel(edges: &[Edge]) -> (Vec<Edge>, Vec<(Edge, Edge)>) {
    let mut by_key: HashMap<(Key, Key), Vec<usize>> = HashMap::new();
    for (i, e) in edges.iter().enumerate() {
        by_key.entry((key(e.from), key(e.to))).or_default().push(i);
    }
    let mut doubled = Vec::new();
    for same in by_key.values() {
        for w in same.windows(2) {
            doubled.push((edges[w[0]], edges[w[1]]));
        }
    }
    let mut keep = vec![true; edges.len()];
    for (i, e) in edges.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        if let Some(back) = by_key.get(&(key(e.to), key(e.from)))
            && let Some(&j) = back.iter().find(|&&j| keep[j])
        {
            keep[j] = false;
            keep[i] = false;
        }
    }
    let left = edges
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(e, _)| *e)
        .collect();
    (left, doubled)
}

/// Chains the remaining edges into simple closed rings. Where more than two boundary edges
/// meet (two areas touching at a point, a hole touching its shell), the walk turns to the
/// outgoing edge first met rotating clockwise from the way it came, which keeps the area on the
/// left; the closed walk is then cut at every vertex it visits twice, so no ring touches itself.
fn trace(left: &[Edge]) -> Vec<Ring> {
    let mut outgoing: HashMap<Key, Vec<usize>> = HashMap::new();
    for (i, e) in left.iter().enumerate() {
        outgoing.entry(key(e.from)).or_default().push(i);
    }
    let mut used = vec![false; left.len()];
    let mut rings = Vec::new();
    for start in 0..left.len() {
        if used[start] {
            continue;
        }
        let mut walk = vec![(left[start].from, left[start].owner)];
        let mut cur = start;
        loop {
            used[cur] = true;
            let e = left[cur];
            walk.push((e.to, e.owner));
            let back = (e.from.y - e.to.y).atan2(e.from.x - e.to.x);
            let next = outgoing.get(&key(e.to)).and_then(|out| {
                out.iter().copied().filter(|&j| !used[j]).min_by(|&i, &j| {
                    let turn = |k: usize| {
                        let d = left[k].to - left[k].from;
                        let t = (back - d.y.atan2(d.x)).rem_euclid(std::f64::consts::TAU);
                        if t == 0.0 { std::f64::consts::TAU } else { t }
                    };
                    turn(i).total_cmp(&turn(j))
                })
            });
            match next {
                Some(j) => cur = j,
                None => break,
            }
        }
        split_walk(&walk, &mut rings);
    }
    rings
}

/// Cuts a closed walk into simple rings at the vertices it visits more than once.
fn split_walk(walk: &[(Coord<f64>, usize)], rings: &mut Vec<Ring>) {
    let mut stack: Vec<(Coord<f64>, usize)> = Vec::new();
    let mut at: HashMap<Key, usize> = HashMap::new();
    for &(c, owner) in walk {
        if let Some(&p) = at.get(&key(c)) {
            let mut coords: Vec<Coord<f64>> = stack[p..].iter().map(|(c, _)| *c).collect();
            coords.push(c);
            let owners = stack[p + 1..]
                .iter()
                .map(|(_, o)| *o)
                .chain(std::iter::once(owner))
                .collect();
            for (c, _) in stack.drain(p + 1..) {
                at.remove(&key(c));
            }
            if coords.len() >= 4 {
                let line = LineString::new(coords);
                let signed_area = Polygon::new(line.clone(), vec![]).signed_area();
                rings.push(Ring {
                    line,
                    owners,
                    signed_area,
                });
            }
        } else {
            at.insert(key(c), stack.len());
            stack.push((c, owner));
        }
    }
}

/// Starts a closed ring one vertex before its smallest (lowest x, then y), so that output does
/// not depend on where the walk began; the vertex before rather than the smallest itself is
/// what the earlier union wrote, so re-importing the shipped data reproduces its files.
fn canonical(line: LineString<f64>) -> LineString<f64> {
    let mut c = line.0;
    c.pop();
    let start = (0..c.len())
        .min_by(|&i, &j| c[i].x.total_cmp(&c[j].x).then(c[i].y.total_cmp(&c[j].y)))
        .unwrap_or(0);
    let n = c.len();
    if n > 0 {
        c.rotate_left((start + n - 1) % n);
    }
    if let Some(&first) = c.first() {
        c.push(first);
    }
    LineString::new(c)
}

/// The middle of a ring's first edge: on the ring, and on no other ring of the same trace.
fn first_midpoint(line: &LineString<f64>) -> Coord<f64> {
    Coord {
        x: (line.0[0].x + line.0[1].x) / 2.0,
        y: (line.0[0].y + line.0[1].y) / 2.0,
    }
}

/// Shells (counter-clockwise rings) with the holes (clockwise rings) each lies in.
fn assemble(rings: Vec<Ring>) -> MultiPolygon<f64> {
    let (shells, holes): (Vec<Ring>, Vec<Ring>) =
        rings.into_iter().partition(|r| r.signed_area > 0.0);
    let shell_polys: Vec<(Polygon<f64>, Option<Rect<f64>>)> = shells
        .iter()
        .map(|s| {
            let p = Polygon::new(s.line.clone(), vec![]);
            let r = p.bounding_rect();
            (p, r)
        })
        .collect();
    let mut inner: Vec<Vec<LineString<f64>>> = vec![Vec::new(); shells.len()];
    for h in holes.into_iter().filter(|h| h.signed_area < 0.0) {
        // A point on the hole's first edge lies strictly inside the shell around it (each
        // remaining edge belongs to one ring) and outside any island within the hole.
        let m = first_midpoint(&h.line);
        let around = shell_polys
            .iter()
            .enumerate()
            .filter(|(_, (p, r))| {
                r.is_some_and(|r| {
                    r.min().x <= m.x && m.x <= r.max().x && r.min().y <= m.y && m.y <= r.max().y
                }) && p.contains(&m)
            })
            .min_by(|a, b| shells[a.0].signed_area.total_cmp(&shells[b.0].signed_area))
            .map(|(i, _)| i);
        if let Some(i) = around {
            inner[i].push(canonical(h.line));
        }
    }
    let mut polys: Vec<Polygon<f64>> = shells
        .into_iter()
        .zip(inner)
        .map(|(s, mut holes)| {
            holes.sort_by(|a, b| {
                let area = |l: &LineString<f64>| Polygon::new(l.clone(), vec![]).unsigned_area();
                area(b).total_cmp(&area(a))
            });
            Polygon::new(canonical(s.line), holes)
        })
        .collect();
    // By smallest vertex, as the earlier union ordered them.
    polys.sort_by(|a, b| {
        let low = |p: &Polygon<f64>| {
            p.exterior()
                .0
                .iter()
                .copied()
                .min_by(|c, d| c.x.total_cmp(&d.x).then(c.y.total_cmp(&d.y)))
        };
        match (low(a), low(b)) {
            (Some(c), Some(d)) => c.x.total_cmp(&d.x).then(c.y.total_cmp(&d.y)),
            _ => std::cmp::Ordering::Equal,
        }
    });
    MultiPolygon(polys)
}

/// The union of members of a valid coverage ([`check`]): their boundaries without the edges
/// they share. Output vertices are input vertices; shells run counter-clockwise, holes
/// clockwise.
pub fn dissolve(parts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    let vertices = vertex_index(parts);
    let (left, _) = cancel(&edges(parts, &vertices));
    assemble(trace(&left))
}

/// What [`check`] found: problems that make the buurten no coverage, each naming the buurten
/// involved, and notes on what is allowed but worth saying.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CoverageReport {
    pub problems: Vec<String>,
    pub notes: Vec<String>,
}

fn at(c: Coord<f64>) -> String {
    format!("({:.3}, {:.3})", c.x, c.y)
}

/// Whether `members` (buurt code, geometry) form a valid coverage: each geometry valid, no two
/// overlapping, no gaps between them that are not real holes, and every common boundary drawn
/// the same way on both sides (the same vertices, or vertices on the other's edge).
pub fn check(members: &[(&str, &MultiPolygon<f64>)]) -> CoverageReport {
    let mut report = CoverageReport::default();
    for (code, g) in members {
        if let Some(e) = g.validation_errors().first() {
            report
                .problems
                .push(format!("buurt {code}: invalid geometry: {e}"));
        }
    }
    if !report.problems.is_empty() {
        return report;
    }
    let parts: Vec<&MultiPolygon<f64>> = members.iter().map(|(_, g)| *g).collect();
    let name = |i: usize| members[i].0;
    let vertices = vertex_index(&parts);
    let all = edges(&parts, &vertices);
    let (left, doubled) = cancel(&all);

    let mut overlapping = BTreeSet::new();
    for (a, b) in doubled {
        if a.owner != b.owner {
            overlapping.insert((a.owner.min(b.owner), a.owner.max(b.owner)));
        }
    }
    // Crossing boundaries share no edge; measure the overlap of every pair whose boxes meet.
    let boxes: Vec<GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, usize>> = parts
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            g.bounding_rect().map(|r| {
                GeomWithData::new(
                    rstar::primitives::Rectangle::from_corners(
                        [r.min().x, r.min().y],
                        [r.max().x, r.max().y],
                    ),
                    i,
                )
            })
        })
        .collect();
    let tree = RTree::bulk_load(boxes.clone());
    let mut overlaps = Vec::new();
    for b in &boxes {
        for o in tree.locate_in_envelope_intersecting(&b.geom().envelope()) {
            let (i, j) = (b.data, o.data);
            if i >= j {
                continue;
            }
            let area = parts[i].intersection(parts[j]).unsigned_area();
            if area > OVERLAP_M2 || overlapping.contains(&(i, j)) {
                overlaps.push((i, j, area));
            }
        }
    }
    for (i, j, area) in overlaps {
        report.problems.push(format!(
            "buurten {} and {} overlap ({area:.3} m²)",
            name(i),
            name(j)
        ));
    }

    // An edge still on the union's boundary with another buurt's vertex just beside it: the
    // two draw their common boundary differently (a sliver gap or overlap between them).
    // A vertex one short boundary edge away from an end of the edge is the boundary's own
    // next turn, however close: full-resolution data has edges of a few millimetres.
    let linked: std::collections::HashSet<(Key, Key)> = left
        .iter()
        .flat_map(|e| [(key(e.from), key(e.to)), (key(e.to), key(e.from))])
        .collect();
    let mut near = BTreeSet::new();
    for e in &left {
        for v in vertices.locate_in_envelope_intersecting(&envelope(e.from, e.to, NEAR_M)) {
            if v.data == e.owner {
                continue;
            }
            let c = Coord {
                x: v.geom()[0],
                y: v.geom()[1],
            };
            if key(c) == key(e.from)
                || key(c) == key(e.to)
                || linked.contains(&(key(c), key(e.from)))
                || linked.contains(&(key(c), key(e.to)))
            {
                continue;
            }
            let (_, d) = project(c, e.from, e.to);
            if d > ON_EDGE_M && d < NEAR_M {
                let pair = (e.owner.min(v.data), e.owner.max(v.data));
                if near.insert(pair) {
                    report.problems.push(format!(
                        "buurten {} and {} draw their common boundary differently: a vertex of {} lies {:.1} mm from an edge of {} at {} without being on it",
                        name(pair.0),
                        name(pair.1),
                        name(v.data),
                        d * 1000.0,
                        name(e.owner),
                        at(c)
                    ));
                }
            }
        }
    }

    // A hole's free area is what the rings inside it (islands, their holes, ...) leave open:
    // a buurt that does not quite fill the hole it sits in leaves a thin gap around itself.
    let rings = trace(&left);
    let length = |l: &LineString<f64>| geo::Length::length(&geo::Euclidean, l);
    for hole in rings.iter().filter(|r| r.signed_area < 0.0) {
        let outline = Polygon::new(hole.line.clone(), vec![]);
        let inside: Vec<&Ring> = rings
            .iter()
            .filter(|r| !std::ptr::eq(*r, hole) && outline.contains(&first_midpoint(&r.line)))
            .collect();
        let area = -hole.signed_area - inside.iter().map(|r| r.signed_area).sum::<f64>();
        let perimeter = length(&hole.line) + inside.iter().map(|r| length(&r.line)).sum::<f64>();
        let width = 2.0 * area / perimeter;
        let codes: Vec<&str> = hole
            .owners
            .iter()
            .chain(inside.iter().flat_map(|r| r.owners.iter()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|&i| name(i))
            .collect();
        if area < GAP_M2 || width < GAP_WIDTH_M {
            report.problems.push(format!(
                "a gap of {area:.3} m² near {} between buurten {}: neighbours should share their boundary",
                at(hole.line.0[0]),
                codes.join(", ")
            ));
        } else {
            report.notes.push(format!(
                "the buurten leave a hole of {:.0} m² near {} (around it: {}): taken as a real hole, not part of the gemeente",
                area,
                at(hole.line.0[0]),
                codes.join(", ")
            ));
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s), (x: x, y: y)
        ]])
    }

    fn grid(x0: f64, y0: f64, s: f64) -> Vec<MultiPolygon<f64>> {
        vec![
            square(x0, y0, s),
            square(x0 + s, y0, s),
            square(x0, y0 + s, s),
            square(x0 + s, y0 + s, s),
        ]
    }

    #[test]
    fn a_grid_at_millimetre_precision_dissolves_to_one_square() {
        let g = grid(176_000.123, 317_000.456_7, 250.0004);
        let refs: Vec<&MultiPolygon<f64>> = g.iter().collect();
        let d = dissolve(&refs);
        assert!(d.is_valid(), "{:?}", d.validation_errors());
        assert_eq!(d.0.len(), 1);
        assert!(d.0[0].interiors().is_empty());
        let sum: f64 = g.iter().map(|p| p.unsigned_area()).sum();
        assert!((d.unsigned_area() - sum).abs() / sum < 1e-9);
        // The corners of the whole and the middles of its sides, no other vertex.
        assert_eq!(d.0[0].exterior().0.len(), 9);
        assert!(
            check(&[("a", &g[0]), ("b", &g[1]), ("c", &g[2]), ("d", &g[3])])
                .problems
                .is_empty()
        );
    }

    #[test]
    fn a_neighbours_extra_vertex_on_a_shared_edge_still_cancels() {
        let a = square(0.0, 0.0, 2.0);
        // b's left edge runs from (2,0) to (2,2) through (2,1): a has no vertex there.
        let b = MultiPolygon(vec![polygon![
            (x: 2.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 2.0), (x: 2.0, y: 2.0), (x: 2.0, y: 1.0), (x: 2.0, y: 0.0)
        ]]);
        let d = dissolve(&[&a, &b]);
        assert_eq!(d.0.len(), 1);
        assert!(d.0[0].interiors().is_empty());
        assert_eq!(d.unsigned_area(), 8.0);
        assert!(check(&[("a", &a), ("b", &b)]).problems.is_empty());
    }

    #[test]
    fn a_ring_of_buurten_leaves_a_hole_and_an_island_stays_apart() {
        // Eight squares around a missing middle one.
        let ring: Vec<MultiPolygon<f64>> = (0..3)
            .flat_map(|i| (0..3).map(move |j| (i, j)))
            .filter(|&(i, j)| (i, j) != (1, 1))
            .map(|(i, j)| square(f64::from(i), f64::from(j), 1.0))
            .collect();
        let refs: Vec<&MultiPolygon<f64>> = ring.iter().collect();
        let d = dissolve(&refs);
        assert!(d.is_valid(), "{:?}", d.validation_errors());
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].interiors().len(), 1);
        assert_eq!(d.unsigned_area(), 8.0);
        // A small one inside the hole is a polygon of its own.
        let island = square(1.25, 1.25, 0.5);
        let mut with: Vec<&MultiPolygon<f64>> = refs.clone();
        with.push(&island);
        let d = dissolve(&with);
        assert_eq!(d.0.len(), 2);
        assert_eq!(d.unsigned_area(), 8.25);
    }

    #[test]
    fn squares_touching_at_a_corner_stay_two_simple_polygons() {
        let (a, b) = (square(0.0, 0.0, 1.0), square(1.0, 1.0, 1.0));
        let d = dissolve(&[&a, &b]);
        assert!(d.is_valid(), "{:?}", d.validation_errors());
        assert_eq!(d.0.len(), 2);
        // Four around a point, two of them missing diagonally: a pinch in the union.
        let c = square(1.0, 0.0, 1.0);
        let d = dissolve(&[&a, &b, &c]);
        assert!(d.is_valid(), "{:?}", d.validation_errors());
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.unsigned_area(), 3.0);
    }

    #[test]
    fn a_hole_touching_its_shell_at_a_point_is_a_hole() {
        // A U of three squares' worth around a triangle whose tip touches the bottom edge.
        let outer = MultiPolygon(vec![polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 2.0, y: 0.0), (x: 1.0, y: 1.0), (x: 3.0, y: 1.0), (x: 2.0, y: 0.0)]],
        ]]);
        assert!(outer.is_valid(), "{:?}", outer.validation_errors());
        let d = dissolve(&[&outer]);
        assert!(d.is_valid(), "{:?}", d.validation_errors());
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].interiors().len(), 1);
        assert_eq!(d.unsigned_area(), 15.0);
    }

    #[test]
    fn overlaps_gaps_and_near_misses_are_named() {
        let a = square(0.0, 0.0, 10.0);
        let over = square(9.0, 0.0, 10.0);
        let r = check(&[("BU1", &a), ("BU2", &over)]);
        assert!(
            r.problems.iter().any(|p| p.contains("BU1 and BU2 overlap")),
            "{r:?}"
        );
        let beside = square(10.004, 0.0, 10.0);
        let r = check(&[("BU1", &a), ("BU2", &beside)]);
        assert!(
            r.problems
                .iter()
                .any(|p| p.contains("BU1 and BU2 draw their common boundary differently")),
            "{r:?}"
        );
        // A frame with a buurt inside it that does not fill its hole.
        let frame = MultiPolygon(vec![Polygon::new(
            square(0.0, 0.0, 30.0).0[0].exterior().clone(),
            vec![square(10.0, 10.0, 10.0).0[0].exterior().clone()],
        )]);
        let inner = square(10.02, 10.02, 9.96);
        let r = check(&[("BU1", &frame), ("BU2", &inner)]);
        assert!(
            r.problems
                .iter()
                .any(|p| p.contains("gap") && p.contains("BU1")),
            "{r:?}"
        );
        // Two buurten whose outer boundary turns within millimetres where they meet.
        let left = MultiPolygon(vec![polygon![
            (x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0), (x: 0.0, y: 0.0)
        ]]);
        let right = MultiPolygon(vec![polygon![
            (x: 10.0, y: 0.0), (x: 10.003, y: 0.002), (x: 20.0, y: 0.0), (x: 20.0, y: 10.0), (x: 10.0, y: 10.0), (x: 10.0, y: 0.0)
        ]]);
        assert_eq!(
            check(&[("BU1", &left), ("BU2", &right)]),
            CoverageReport::default()
        );
        let filled = square(10.0, 10.0, 10.0);
        assert_eq!(
            check(&[("BU1", &frame), ("BU2", &filled)]),
            CoverageReport::default()
        );
    }
}
