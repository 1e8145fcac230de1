//! The spatial index: which area of a layer contains a point, exactly, in tens of nanoseconds.
//!
//! Two paths give the same answer:
//! - [`LayerIndex::locate`], the fast path. A uniform grid over the layer: a cell that no
//!   boundary touches is wholly inside one area (or none) and answers with one memory read; a
//!   cell that boundaries cross keeps the edges that touch it (for the on-boundary test) and
//!   the candidate areas, whose inside test counts ray crossings only over the area's edges in
//!   the point's grid row. Cost is independent of how many vertices a boundary has elsewhere.
//! - [`LayerIndex::locate_reference`], the textbook path: an R-tree (rstar) over the areas'
//!   bounding boxes for candidates, then geo's exact `CoordinatePosition`. Tests use it as the
//!   oracle for the fast path; the benchmark shows why it is not the serving path.
//!
//! Both use exact orientation predicates (`robust`), so a point is `Boundary` only when it
//! lies exactly on an edge. Outside points get the nearest area from an R-tree over all edges.
//!
//! **Tie-break rule**, the same everywhere: a point strictly inside an area belongs to it
//! (with overlapping areas, which validation limits to 1 m², the one with the lowest id wins);
//! a point on the boundary of one or more areas and inside none belongs to the area with the
//! lowest id among them, with position `Boundary`. Areas are sorted by id, so lowest id is
//! lowest index.

use geo::{Coord, CoordinatePosition, Line, MultiPolygon, coordinate_position::CoordPos};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use serde::Serialize;

use crate::crs::Rd;

/// Where a point lies relative to an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    Inside,
    Boundary,
    /// Just outside the covered area, within the tolerance of generalised boundaries: answered
    /// with the nearest area.
    Near,
    Outside,
}

/// The area of a layer that a point belongs to (by index into the layer's sorted areas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub area: u32,
    pub position: Position,
}

/// The nearest area to a point outside every area of a layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    pub area: u32,
    pub distance_m: f64,
    /// The nearest point of the area's boundary.
    pub point: Rd,
}

#[derive(Debug, Clone, Copy)]
struct Seg {
    a: Coord<f64>,
    b: Coord<f64>,
    area: u32,
}

const EMPTY: u32 = u32::MAX;
const MIXED: u32 = 1 << 31;

#[derive(Debug, Clone, Copy)]
struct MixedCell {
    segs: (u32, u32),
    candidates: (u32, u32),
}

/// Per area: its edges bucketed by grid row, for crossing counts.
#[derive(Debug, Clone)]
struct AreaStrips {
    row_lo: usize,
    /// `offsets[r - row_lo]..offsets[r - row_lo + 1]` indexes `strip_segs` for row `r`.
    offsets: Vec<u32>,
    bbox: (Coord<f64>, Coord<f64>),
}

/// The grid geometry: origin, square cell size and dimensions.
#[derive(Debug, Clone, Copy)]
struct GridSpec {
    origin: Coord<f64>,
    cell: f64,
    inv_cell: f64,
    nx: usize,
    ny: usize,
}

impl GridSpec {
    fn covering(min: Coord<f64>, max: Coord<f64>, detail: Detail) -> GridSpec {
        let (w, h) = ((max.x - min.x).max(1.0), (max.y - min.y).max(1.0));
        let cell = (w * h / detail.target_cells()).sqrt().max(MIN_CELL_M);
        // One spare cell on every side keeps boundary points off the grid's own edge.
        GridSpec {
            origin: Coord {
                x: min.x - cell,
                y: min.y - cell,
            },
            cell,
            inv_cell: 1.0 / cell,
            nx: (w / cell).ceil() as usize + 3,
            ny: (h / cell).ceil() as usize + 3,
        }
    }

    #[inline]
    fn row_of(&self, y: f64) -> isize {
        ((y - self.origin.y) * self.inv_cell).floor() as isize
    }

    #[inline]
    fn col_of(&self, x: f64) -> isize {
        ((x - self.origin.x) * self.inv_cell).floor() as isize
    }

    #[inline]
    fn cell_of(&self, p: Coord<f64>) -> Option<usize> {
        let (c, r) = (self.col_of(p.x), self.row_of(p.y));
        if c < 0 || r < 0 || c as usize >= self.nx || r as usize >= self.ny {
            return None;
        }
        Some(r as usize * self.nx + c as usize)
    }
}

/// The index of one layer.
pub struct LayerIndex {
    grid: GridSpec,
    cells: Vec<u32>,
    mixed: Vec<MixedCell>,
    cell_segs: Vec<Seg>,
    cell_candidates: Vec<u32>,
    strips: Vec<AreaStrips>,
    strip_segs: Vec<[Coord<f64>; 2]>,
    edges: RTree<GeomWithData<Line<f64>, u32>>,
    envelopes: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    geometries: Vec<MultiPolygon<f64>>,
    /// Per cell: how many cells (8-neighbour steps) away the nearest cell a boundary touches
    /// is; 0 for such cells. A point in a cell `k` steps away lies at least `(k - 1)` cells
    /// from every boundary. Computed on first use: a one-shot lookup inside an area needs it for
    /// the coverage layer only.
    clearance: std::sync::OnceLock<Vec<u16>>,
}

impl std::fmt::Debug for LayerIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayerIndex")
            .field("areas", &self.geometries.len())
            .field("cell_m", &self.grid.cell)
            .field("grid", &(self.grid.nx, self.grid.ny))
            .field("mixed_cells", &self.mixed.len())
            .finish()
    }
}

const MIN_CELL_M: f64 = 4.0;

/// How fine an index's grid is: what building it costs against what each point costs. Both
/// give the same answers (the grid only decides how much exact geometry a point needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// About 262,144 cells per layer: ~1 MB of cells, small enough to stay in cache for a
    /// city, fine enough that few points land in cells that boundaries cross. For a server and
    /// a batch, which answer many points from one index.
    #[default]
    Fine,
    /// About 16,384 cells per layer: built in a quarter of the time (most of the fine build is
    /// writing its cells), for a command that answers one place and exits.
    Coarse,
}

impl Detail {
    fn target_cells(self) -> f64 {
        match self {
            Detail::Fine => 262_144.0,
            Detail::Coarse => 16_384.0,
        }
    }
}

impl LayerIndex {
    /// Builds the index over a layer's areas, given in the layer's (id-sorted) order.
    pub fn build(geometries: &[MultiPolygon<f64>]) -> LayerIndex {
        let (min, max) = bounds(&collect_segments(geometries));
        Self::build_on(GridSpec::covering(min, max, Detail::Fine), geometries)
    }

    fn build_on(grid: GridSpec, geometries: &[MultiPolygon<f64>]) -> LayerIndex {
        let segs = collect_segments(geometries);
        let mut index = LayerIndex {
            grid,
            cells: vec![EMPTY; grid.nx * grid.ny],
            mixed: Vec::new(),
            cell_segs: Vec::new(),
            cell_candidates: Vec::new(),
            strips: Vec::new(),
            strip_segs: Vec::new(),
            edges: RTree::bulk_load(
                segs.iter()
                    .map(|s| GeomWithData::new(Line::new(s.a, s.b), s.area))
                    .collect(),
            ),
            envelopes: RTree::bulk_load(
                geometries
                    .iter()
                    .enumerate()
                    .filter_map(|(i, g)| {
                        use geo::BoundingRect;
                        g.bounding_rect().map(|r| {
                            GeomWithData::new(
                                Rectangle::from_corners(
                                    [r.min().x, r.min().y],
                                    [r.max().x, r.max().y],
                                ),
                                i as u32,
                            )
                        })
                    })
                    .collect(),
            ),
            geometries: geometries.to_vec(),
            clearance: std::sync::OnceLock::new(),
        };
        index.build_strips(geometries.len(), &segs);
        index.build_cells(&segs);
        index
    }

    /// Whether every point within `r` metres of `p` is further than that from every boundary
    /// of the layer, judged from the grid alone (one read): `false` means "perhaps not", and
    /// the exact distance ([`LayerIndex::nearest`]) decides.
    #[inline]
    pub fn clear_of_boundaries(&self, p: Rd, r: f64) -> bool {
        let g = &self.grid;
        match g.cell_of(Coord { x: p.x, y: p.y }) {
            Some(cell) => {
                let k = self
                    .clearance
                    .get_or_init(|| clearance(&self.cells, g.nx, g.ny))[cell];
                k > 0 && f64::from(k - 1) * g.cell > r
            }
            // Off the grid: every boundary lies inside it, so its distance is a lower bound.
            None => {
                let (x0, y0) = (g.origin.x, g.origin.y);
                let (x1, y1) = (x0 + g.nx as f64 * g.cell, y0 + g.ny as f64 * g.cell);
                let dx = (x0 - p.x).max(p.x - x1).max(0.0);
                let dy = (y0 - p.y).max(p.y - y1).max(0.0);
                dx.hypot(dy) > r
            }
        }
    }

    fn row_of(&self, y: f64) -> isize {
        self.grid.row_of(y)
    }

    fn col_of(&self, x: f64) -> isize {
        self.grid.col_of(x)
    }

    /// Rows a segment touches, clamped to the grid.
    fn rows_of(&self, s: &Seg) -> std::ops::RangeInclusive<usize> {
        let lo = self.row_of(s.a.y.min(s.b.y) - 1e-7).max(0) as usize;
        let hi = (self.row_of(s.a.y.max(s.b.y) + 1e-7).max(0) as usize).min(self.grid.ny - 1);
        lo..=hi
    }

    fn build_strips(&mut self, n_areas: usize, segs: &[Seg]) {
        for area in 0..n_areas as u32 {
            let mine: Vec<&Seg> = segs.iter().filter(|s| s.area == area).collect();
            let (min, max) = bounds_of(mine.iter().copied());
            let row_lo = self.row_of(min.y).max(0) as usize;
            let row_hi = (self.row_of(max.y).max(0) as usize).min(self.grid.ny - 1);
            let mut rows: Vec<Vec<[Coord<f64>; 2]>> =
                vec![Vec::new(); row_hi + 1 - row_lo.min(row_hi)];
            for s in &mine {
                for r in self.rows_of(s) {
                    if (row_lo..=row_hi).contains(&r) {
                        rows[r - row_lo].push([s.a, s.b]);
                    }
                }
            }
            let mut offsets = Vec::with_capacity(rows.len() + 1);
            offsets.push(self.strip_segs.len() as u32);
            for row in rows {
                self.strip_segs.extend(row);
                offsets.push(self.strip_segs.len() as u32);
            }
            self.strips.push(AreaStrips {
                row_lo,
                offsets,
                bbox: (min, max),
            });
        }
    }

    fn build_cells(&mut self, segs: &[Seg]) {
        // Which segments touch which cell: clip each segment to each row band it crosses and
        // take the columns of that piece, widened by a hair so that the test errs towards
        // "touches" (a false touch costs a little time, a missed one would cost correctness).
        let g = self.grid;
        let mut touches: Vec<(u32, u32)> = Vec::new();
        for (si, s) in segs.iter().enumerate() {
            for r in self.rows_of(s) {
                let y0 = g.origin.y + r as f64 * g.cell;
                let (x_lo, x_hi) = clip_x_range(s, y0, y0 + g.cell);
                let c_lo = self.col_of(x_lo - 1e-7).max(0) as usize;
                let c_hi = (self.col_of(x_hi + 1e-7).max(0) as usize).min(g.nx - 1);
                for c in c_lo..=c_hi {
                    touches.push(((r * g.nx + c) as u32, si as u32));
                }
            }
        }
        touches.sort_unstable();
        touches.dedup();

        let center = |cell: usize| Coord {
            x: g.origin.x + ((cell % g.nx) as f64 + 0.5) * g.cell,
            y: g.origin.y + ((cell / g.nx) as f64 + 0.5) * g.cell,
        };
        let total = self.cells.len();
        let mut t = 0;
        let mut next = 0;
        loop {
            let touched = touches.get(t).map_or(total, |&(cell, _)| cell as usize);
            // The untouched cells before it, a row's run at a time: no edge touches two
            // neighbouring whole cells, so none crosses the line between their centres and both
            // lie in the same area (or outside all). One point test per run, not per cell.
            while next < touched {
                let end = touched.min((next / g.nx + 1) * g.nx);
                let v = self.inside_any(center(next), &[]).unwrap_or(EMPTY);
                self.cells[next..end].fill(v);
                next = end;
            }
            if touched == total {
                break;
            }
            let start = t;
            while t < touches.len() && touches[t].0 as usize == touched {
                t += 1;
            }
            let seg_start = self.cell_segs.len() as u32;
            let mut candidates: Vec<u32> = Vec::new();
            for &(_, si) in &touches[start..t] {
                let s = segs[si as usize];
                self.cell_segs.push(s);
                candidates.push(s.area);
            }
            candidates.sort_unstable();
            candidates.dedup();
            // An area without edges here can still cover the whole cell (only where areas
            // overlap); keep it as a candidate so that the answer stays exact.
            if let Some(cover) = self.inside_any(center(touched), &candidates) {
                candidates.push(cover);
                candidates.sort_unstable();
            }
            let cand_start = self.cell_candidates.len() as u32;
            self.cell_candidates.extend(&candidates);
            self.cells[touched] = MIXED | self.mixed.len() as u32;
            self.mixed.push(MixedCell {
                segs: (seg_start, self.cell_segs.len() as u32),
                candidates: (cand_start, self.cell_candidates.len() as u32),
            });
            next = touched + 1;
        }
    }

    /// The lowest area (not in `skip`) whose interior contains `p`; `p` must not lie on any
    /// boundary of those areas.
    fn inside_any(&self, p: Coord<f64>, skip: &[u32]) -> Option<u32> {
        (0..self.strips.len() as u32).find(|a| !skip.contains(a) && self.crosses_odd(*a, p))
    }

    /// Crossing-number test over the area's edges in the point's row: true when a ray from `p`
    /// towards +x crosses the boundary an odd number of times. Half-open in y, exact sides.
    #[inline]
    fn crosses_odd(&self, area: u32, p: Coord<f64>) -> bool {
        let s = &self.strips[area as usize];
        if p.x < s.bbox.0.x || p.x > s.bbox.1.x || p.y < s.bbox.0.y || p.y > s.bbox.1.y {
            return false;
        }
        let r = self.row_of(p.y);
        if r < s.row_lo as isize || r as usize >= s.row_lo + s.offsets.len() - 1 {
            return false;
        }
        let k = r as usize - s.row_lo;
        let mut inside = false;
        for [a, b] in &self.strip_segs[s.offsets[k] as usize..s.offsets[k + 1] as usize] {
            if (a.y > p.y) == (b.y > p.y) || (a.x < p.x && b.x < p.x) {
                continue;
            }
            let o = orient(*a, *b, p);
            if (b.y > a.y) == (o > 0.0) {
                inside = !inside;
            }
        }
        inside
    }

    /// Which area contains `p`, under the module's tie-break rule; `None` when outside all.
    #[inline]
    pub fn locate(&self, p: Rd) -> Option<Hit> {
        let p = Coord { x: p.x, y: p.y };
        let cell = self.grid.cell_of(p)?;
        self.resolve_cell(self.cells[cell], p)
    }

    /// Turns a cell value into an answer: one read for whole cells, exact tests for mixed ones.
    #[inline]
    fn resolve_cell(&self, v: u32, p: Coord<f64>) -> Option<Hit> {
        if v == EMPTY {
            return None;
        }
        if v & MIXED == 0 {
            return Some(Hit {
                area: v,
                position: Position::Inside,
            });
        }
        self.locate_mixed(&self.mixed[(v & !MIXED) as usize], p)
    }

    fn locate_mixed(&self, m: &MixedCell, p: Coord<f64>) -> Option<Hit> {
        let mut on_boundary: Option<u32> = None;
        for s in &self.cell_segs[m.segs.0 as usize..m.segs.1 as usize] {
            if on_segment(s.a, s.b, p) {
                on_boundary = Some(on_boundary.map_or(s.area, |b| b.min(s.area)));
            }
        }
        for &area in &self.cell_candidates[m.candidates.0 as usize..m.candidates.1 as usize] {
            let touches = on_boundary.is_some()
                && self.cell_segs[m.segs.0 as usize..m.segs.1 as usize]
                    .iter()
                    .any(|s| s.area == area && on_segment(s.a, s.b, p));
            if !touches && self.crosses_odd(area, p) {
                return Some(Hit {
                    area,
                    position: Position::Inside,
                });
            }
        }
        on_boundary.map(|area| Hit {
            area,
            position: Position::Boundary,
        })
    }

    /// The same answer as [`LayerIndex::locate`] by the textbook route (R-tree over area
    /// envelopes, then geo's exact point-in-polygon): the oracle in tests and benchmarks.
    pub fn locate_reference(&self, p: Rd) -> Option<Hit> {
        let mut candidates: Vec<u32> = self
            .envelopes
            .locate_all_at_point(&[p.x, p.y])
            .map(|g| g.data)
            .collect();
        candidates.sort_unstable();
        let c = Coord { x: p.x, y: p.y };
        let mut boundary = None;
        for area in candidates {
            match self.geometries[area as usize].coordinate_position(&c) {
                CoordPos::Inside => {
                    return Some(Hit {
                        area,
                        position: Position::Inside,
                    });
                }
                CoordPos::OnBoundary => {
                    boundary.get_or_insert(Hit {
                        area,
                        position: Position::Boundary,
                    });
                }
                CoordPos::Outside => {}
            }
        }
        boundary
    }

    /// The nearest area and the distance to its boundary in metres.
    pub fn nearest(&self, p: Rd) -> Option<Nearest> {
        self.edges
            .nearest_neighbor_iter_with_distance_2(&geo::Point::new(p.x, p.y))
            .next()
            .map(|(g, d2)| {
                use geo::ClosestPoint;
                let q = geo::Point::new(p.x, p.y);
                let on = match g.geom().closest_point(&q) {
                    geo::Closest::Intersection(c) | geo::Closest::SinglePoint(c) => c,
                    geo::Closest::Indeterminate => q,
                };
                Nearest {
                    area: g.data,
                    distance_m: d2.sqrt(),
                    point: Rd {
                        x: on.x(),
                        y: on.y(),
                    },
                }
            })
    }

    /// Grid statistics, for reports and benchmarks: (cell size m, cells, mixed cells).
    pub fn stats(&self) -> (f64, usize, usize) {
        (self.grid.cell, self.cells.len(), self.mixed.len())
    }

    /// The extent of the layer's boundaries in RD: (min, max).
    pub fn extent(&self) -> (Rd, Rd) {
        let env = self.edges.root().envelope();
        let (lo, hi) = (env.lower(), env.upper());
        (
            Rd {
                x: lo.x(),
                y: lo.y(),
            },
            Rd {
                x: hi.x(),
                y: hi.y(),
            },
        )
    }
}

/// Steps (8-neighbour) from every cell to the nearest mixed cell: the chessboard distance,
/// which two raster passes of a 3x3 mask give exactly (each cell from its already-visited
/// neighbours, forward then backward), O(cells) without a queue.
fn clearance(cells: &[u32], nx: usize, ny: usize) -> Vec<u16> {
    let mut d: Vec<u16> = cells
        .iter()
        .map(|v| {
            if *v != EMPTY && v & MIXED != 0 {
                0
            } else {
                u16::MAX
            }
        })
        .collect();
    let step = |a: u16| a.saturating_add(1);
    for r in 0..ny {
        for c in 0..nx {
            let i = r * nx + c;
            let mut m = d[i];
            if c > 0 {
                m = m.min(step(d[i - 1]));
            }
            if r > 0 {
                let up = i - nx;
                m = m.min(step(d[up]));
                if c > 0 {
                    m = m.min(step(d[up - 1]));
                }
                if c + 1 < nx {
                    m = m.min(step(d[up + 1]));
                }
            }
            d[i] = m;
        }
    }
    for r in (0..ny).rev() {
        for c in (0..nx).rev() {
            let i = r * nx + c;
            let mut m = d[i];
            if c + 1 < nx {
                m = m.min(step(d[i + 1]));
            }
            if r + 1 < ny {
                let down = i + nx;
                m = m.min(step(d[down]));
                if c + 1 < nx {
                    m = m.min(step(d[down + 1]));
                }
                if c > 0 {
                    m = m.min(step(d[down - 1]));
                }
            }
            d[i] = m;
        }
    }
    d
}

/// Several layers on one shared grid, cells interleaved, so that locating a point in all of
/// them costs one memory read for the common case instead of one per layer.
#[derive(Debug)]
pub struct Index {
    grid: GridSpec,
    layers: Vec<LayerIndex>,
    joint: Vec<u32>,
}

impl Index {
    /// Builds one [`LayerIndex`] per layer (each given as its id-sorted area geometries).
    pub fn build(layers: &[Vec<MultiPolygon<f64>>]) -> Index {
        Index::build_with(layers, Detail::Fine)
    }

    /// [`Index::build`] with a grid of the given detail.
    pub fn build_with(layers: &[Vec<MultiPolygon<f64>>], detail: Detail) -> Index {
        let all: Vec<MultiPolygon<f64>> = layers.iter().flatten().cloned().collect();
        let (min, max) = bounds(&collect_segments(&all));
        let grid = GridSpec::covering(min, max, detail);
        // One thread per layer: start-up is what a one-shot command waits for.
        let layers: Vec<LayerIndex> = std::thread::scope(|scope| {
            let building: Vec<_> = layers
                .iter()
                .map(|g| scope.spawn(move || LayerIndex::build_on(grid, g)))
                .collect();
            building
                .into_iter()
                .map(|b| {
                    b.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        let n = layers.len();
        let mut joint = vec![EMPTY; grid.nx * grid.ny * n];
        for (l, layer) in layers.iter().enumerate() {
            for (cell, v) in layer.cells.iter().enumerate() {
                joint[cell * n + l] = *v;
            }
        }
        Index {
            grid,
            layers,
            joint,
        }
    }

    pub fn layer(&self, i: usize) -> &LayerIndex {
        &self.layers[i]
    }

    pub fn len(&self) -> usize {
        self.layers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Locates `p` in every layer; `out[i]` is layer `i`'s answer (same rule as
    /// [`LayerIndex::locate`]).
    #[inline]
    pub fn locate_all(&self, p: Rd, out: &mut [Option<Hit>]) {
        let c = Coord { x: p.x, y: p.y };
        let n = self.layers.len();
        match self.grid.cell_of(c) {
            None => out[..n].fill(None),
            Some(cell) => {
                let values = &self.joint[cell * n..cell * n + n];
                for ((slot, layer), v) in out.iter_mut().zip(&self.layers).zip(values) {
                    *slot = layer.resolve_cell(*v, c);
                }
            }
        }
    }
}

#[inline]
fn orient(a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> f64 {
    robust::orient2d(
        robust::Coord { x: a.x, y: a.y },
        robust::Coord { x: b.x, y: b.y },
        robust::Coord { x: p.x, y: p.y },
    )
}

#[inline]
fn on_segment(a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> bool {
    p.x >= a.x.min(b.x)
        && p.x <= a.x.max(b.x)
        && p.y >= a.y.min(b.y)
        && p.y <= a.y.max(b.y)
        && orient(a, b, p) == 0.0
}

/// The x extent of the part of `s` with y in [y0, y1].
fn clip_x_range(s: &Seg, y0: f64, y1: f64) -> (f64, f64) {
    let (a, b) = (s.a, s.b);
    if a.y == b.y {
        return (a.x.min(b.x), a.x.max(b.x));
    }
    let at = |y: f64| a.x + (b.x - a.x) * ((y - a.y) / (b.y - a.y));
    let (lo_y, hi_y) = (a.y.min(b.y).max(y0), a.y.max(b.y).min(y1));
    let (xa, xb) = (at(lo_y), at(hi_y));
    (xa.min(xb), xa.max(xb))
}

fn collect_segments(geometries: &[MultiPolygon<f64>]) -> Vec<Seg> {
    let mut segs = Vec::new();
    for (i, mp) in geometries.iter().enumerate() {
        for poly in &mp.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for w in ring.0.windows(2) {
                    if w[0] != w[1] {
                        segs.push(Seg {
                            a: w[0],
                            b: w[1],
                            area: i as u32,
                        });
                    }
                }
            }
        }
    }
    segs
}

fn bounds(segs: &[Seg]) -> (Coord<f64>, Coord<f64>) {
    bounds_of(segs.iter())
}

fn bounds_of<'a>(segs: impl Iterator<Item = &'a Seg>) -> (Coord<f64>, Coord<f64>) {
    let mut min = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut max = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for s in segs {
        for c in [s.a, s.b] {
            min.x = min.x.min(c.x);
            min.y = min.y.min(c.y);
            max.x = max.x.max(c.x);
            max.y = max.y.max(c.y);
        }
    }
    if !min.x.is_finite() {
        return (Coord { x: 0.0, y: 0.0 }, Coord { x: 1.0, y: 1.0 });
    }
    (min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The clearance grid against the textbook breadth-first search from every mixed cell.
    #[test]
    fn clearance_is_the_breadth_first_step_count() {
        fn by_search(cells: &[u32], nx: usize, ny: usize) -> Vec<u16> {
            let mut out = vec![u16::MAX; cells.len()];
            let mut queue = std::collections::VecDeque::new();
            for (i, v) in cells.iter().enumerate() {
                if *v != EMPTY && v & MIXED != 0 {
                    out[i] = 0;
                    queue.push_back(i);
                }
            }
            while let Some(i) = queue.pop_front() {
                let (c, r) = ((i % nx) as isize, (i / nx) as isize);
                for (dc, dr) in (-1..=1).flat_map(|a| (-1..=1).map(move |b| (a, b))) {
                    let (cc, rr) = (c + dc, r + dr);
                    if cc < 0 || rr < 0 || cc as usize >= nx || rr as usize >= ny {
                        continue;
                    }
                    let j = rr as usize * nx + cc as usize;
                    if out[j] > out[i] + 1 {
                        out[j] = out[i] + 1;
                        queue.push_back(j);
                    }
                }
            }
            out
        }
        let mut seed = 7u64;
        for (nx, ny, mixed_in) in [
            (1, 1, 2),
            (17, 5, 9),
            (40, 31, 60),
            (64, 64, 400),
            (9, 50, 1000),
        ] {
            let cells: Vec<u32> = (0..nx * ny)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    match (seed >> 33) % mixed_in {
                        0 => MIXED | 3,
                        1 => EMPTY,
                        _ => 1,
                    }
                })
                .collect();
            assert_eq!(
                clearance(&cells, nx, ny),
                by_search(&cells, nx, ny),
                "{nx}x{ny}"
            );
        }
    }
    use geo::{MultiPolygon, polygon};

    fn rd(x: f64, y: f64) -> Rd {
        Rd { x, y }
    }

    /// Two unit squares side by side (ids 0 and 1), the second with a hole, and a third area
    /// inside that hole: boundary, vertex, hole and outside cases in one layer.
    fn layer() -> LayerIndex {
        let left = polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)];
        let right = polygon!(
            exterior: [(x: 100.0, y: 0.0), (x: 200.0, y: 0.0), (x: 200.0, y: 100.0), (x: 100.0, y: 100.0)],
            interiors: [[(x: 140.0, y: 40.0), (x: 160.0, y: 40.0), (x: 160.0, y: 60.0), (x: 140.0, y: 60.0)]],
        );
        let island = polygon![(x: 140.0, y: 40.0), (x: 160.0, y: 40.0), (x: 160.0, y: 60.0), (x: 140.0, y: 60.0)];
        LayerIndex::build(&[
            MultiPolygon(vec![left]),
            MultiPolygon(vec![right]),
            MultiPolygon(vec![island]),
        ])
    }

    fn both(ix: &LayerIndex, p: Rd) -> Option<Hit> {
        let fast = ix.locate(p);
        assert_eq!(
            fast,
            ix.locate_reference(p),
            "fast and reference disagree at {p:?}"
        );
        fast
    }

    #[test]
    fn inside_boundary_vertex_hole_outside() {
        let ix = layer();
        let hit = |area, position| Some(Hit { area, position });
        assert_eq!(both(&ix, rd(50.0, 50.0)), hit(0, Position::Inside));
        assert_eq!(both(&ix, rd(120.0, 10.0)), hit(1, Position::Inside));
        // Shared edge: both areas touch it, the lower id wins.
        assert_eq!(both(&ix, rd(100.0, 50.0)), hit(0, Position::Boundary));
        // Shared vertex.
        assert_eq!(both(&ix, rd(100.0, 100.0)), hit(0, Position::Boundary));
        // Outer edge and outer vertex of one area only.
        assert_eq!(both(&ix, rd(200.0, 30.0)), hit(1, Position::Boundary));
        assert_eq!(both(&ix, rd(0.0, 0.0)), hit(0, Position::Boundary));
        // Inside the hole is the island, not the holed area.
        assert_eq!(both(&ix, rd(150.0, 50.0)), hit(2, Position::Inside));
        // The hole's edge is the boundary of both the holed area and the island.
        assert_eq!(both(&ix, rd(140.0, 50.0)), hit(1, Position::Boundary));
        assert_eq!(both(&ix, rd(-1.0, 50.0)), None);
        assert_eq!(both(&ix, rd(250.0, 250.0)), None);
        assert_eq!(both(&ix, rd(-1e9, 1e9)), None);
    }

    #[test]
    fn nearest_reports_distance_to_the_closest_edge() {
        let ix = layer();
        let n = ix.nearest(rd(-30.0, 50.0)).unwrap();
        assert_eq!(n.area, 0);
        assert!((n.distance_m - 30.0).abs() < 1e-9);
        let n = ix.nearest(rd(203.0, 104.0)).unwrap();
        assert_eq!(n.area, 1);
        assert!((n.distance_m - 5.0).abs() < 1e-9);
    }

    #[test]
    fn hole_without_island_is_outside() {
        let holed = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 1000.0, y: 0.0), (x: 1000.0, y: 1000.0), (x: 0.0, y: 1000.0)],
            interiors: [[(x: 400.0, y: 400.0), (x: 600.0, y: 400.0), (x: 500.0, y: 600.0)]],
        );
        let ix = LayerIndex::build(&[MultiPolygon(vec![holed])]);
        assert_eq!(both(&ix, rd(500.0, 450.0)), None);
        assert_eq!(
            both(&ix, rd(500.0, 400.0)).unwrap().position,
            Position::Boundary
        );
        assert_eq!(
            both(&ix, rd(450.0, 500.0)).unwrap().position,
            Position::Boundary
        );
        assert_eq!(
            both(&ix, rd(100.0, 100.0)).unwrap().position,
            Position::Inside
        );
    }
}
