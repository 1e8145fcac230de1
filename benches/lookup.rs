//! Point lookups: the three layers lwa, wijk and buurt per point, over 1M seeded random points
//! in Maastricht's bounding box, on the shipped (generalised) areas and on the same areas
//! densified to a vertex every 5 m (full-resolution CBS boundaries have thousands of vertices
//! per area). Run: `cargo bench --bench lookup`. Throughput is points per second, one core.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wijkwijzer::crs::{Rd, Wgs84, transformer};
use wijkwijzer::geodata::Geodata;
use wijkwijzer::index::{Index, LayerIndex};
use wijkwijzer::resolve::Resolver;
use wijkwijzer::roster::Audience;

const POINTS: usize = 1_000_000;

/// A small deterministic generator, so every run measures the same points.
struct SplitMix(u64);

impl SplitMix {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn three_layers(data: &Geodata) -> Vec<Vec<geo::MultiPolygon<f64>>> {
    ["lwa", "wijk", "buurt"]
        .iter()
        .map(|id| {
            let layer = data.layer(id).expect("layer");
            layer.areas.iter().map(|a| a.geometry.clone()).collect()
        })
        .collect()
}

fn random_points(ix: &LayerIndex, n: usize) -> Vec<Rd> {
    let (lo, hi) = ix.extent();
    let mut rng = SplitMix(0x5EED);
    (0..n)
        .map(|_| Rd {
            x: lo.x + rng.next_f64() * (hi.x - lo.x),
            y: lo.y + rng.next_f64() * (hi.y - lo.y),
        })
        .collect()
}

fn bench_layers(c: &mut Criterion, label: &str, data: &Geodata) {
    let geoms = three_layers(data);
    let joint = Index::build(&geoms);
    let ix: Vec<LayerIndex> = geoms.iter().map(|g| LayerIndex::build(g)).collect();
    let vertices: usize = data
        .layers
        .iter()
        .flat_map(|l| &l.areas)
        .map(|a| geo::CoordsIter::coords_count(&a.geometry))
        .sum();
    let (cell, cells, mixed) = ix[2].stats();
    eprintln!(
        "{label}: {vertices} vertices in all layers; buurt grid {cells} cells of {cell:.1} m, {mixed} crossed by boundaries"
    );
    let points = random_points(&ix[0], POINTS);
    let mut group = c.benchmark_group(format!("locate_3_layers/{label}"));
    group.throughput(Throughput::Elements(POINTS as u64));
    group.sample_size(20);
    group.bench_function("joint_grid", |b| {
        b.iter(|| {
            let mut found = 0u32;
            let mut hits = [None; 3];
            for p in &points {
                joint.locate_all(black_box(*p), &mut hits);
                for h in hits.iter().flatten() {
                    found = found.wrapping_add(h.area);
                }
            }
            found
        })
    });
    group.bench_function("separate_grids", |b| {
        b.iter(|| {
            let mut found = 0u32;
            for p in &points {
                for layer in &ix {
                    if let Some(h) = layer.locate(black_box(*p)) {
                        found = found.wrapping_add(h.area);
                    }
                }
            }
            found
        })
    });
    group.finish();

    // The textbook route (R-tree over area envelopes + geo point-in-polygon) on fewer points.
    let few = &points[..POINTS / 20];
    let mut group = c.benchmark_group(format!("locate_3_layers_reference/{label}"));
    group.throughput(Throughput::Elements(few.len() as u64));
    group.sample_size(10);
    group.bench_function("rtree_then_pip", |b| {
        b.iter(|| {
            let mut found = 0u32;
            for p in few {
                for layer in &ix {
                    if let Some(h) = layer.locate_reference(black_box(*p)) {
                        found = found.wrapping_add(h.area);
                    }
                }
            }
            found
        })
    });
    group.finish();
}

fn lookups(c: &mut Criterion) {
    let shipped = Geodata::embedded().expect("embedded geodata");
    let dense = shipped.densified(5.0);
    bench_layers(c, "shipped", &shipped);
    bench_layers(c, "densified_5m", &dense);

    let resolver = Resolver::new(shipped);
    let mut group = c.benchmark_group("end_to_end");
    group.throughput(Throughput::Elements(1));
    group.bench_function("wgs84_to_rd", |b| {
        b.iter(|| {
            transformer().wgs84_to_rd(black_box(Wgs84 {
                lat: 50.8489,
                lon: 5.6879,
            }))
        })
    });
    let vrijthof = transformer().wgs84_to_rd(Wgs84 {
        lat: 50.8489,
        lon: 5.6879,
    });
    group.bench_function("resolve_full_answer", |b| {
        b.iter(|| {
            resolver
                .today()
                .resolve(black_box(vrijthof), Audience::Public)
        })
    });
    // The same place inside an overlay of the test fixture (the Vrijthof's July 2027 terrain
    // on a day it holds) with one assignment of its own: what drawing overlays costs.
    let with_overlay = {
        let roster = format!(
            "{}\n[[assignment]]\norganisation = \"politie\"\nrole = \"coordinator\"\nscope = [\"vrijthof-zomerconcerten\"]\nfunction = \"Coördinator evenementen\"\n",
            Geodata::embedded_files()
                .iter()
                .find(|(n, _)| *n == "roster.toml")
                .map(|(_, c)| *c)
                .unwrap_or_default()
        );
        let mut files: Vec<(&str, &str)> = Geodata::embedded_files()
            .iter()
            .map(|(n, c)| {
                (
                    *n,
                    if *n == "roster.toml" {
                        roster.as_str()
                    } else {
                        *c
                    },
                )
            })
            .collect();
        files.push((
            "overlays.geojson",
            include_str!("../tests/fixtures/overlays.geojson"),
        ));
        Resolver::new(Geodata::from_memory("bench", &files).expect("fixture data"))
    };
    let july = "2027-07-10".parse().expect("a date");
    group.bench_function("resolve_full_answer_in_overlay", |b| {
        let on = with_overlay.on(july).expect("covered");
        b.iter(|| on.resolve(black_box(vrijthof), Audience::Public))
    });
    group.bench_function("resolve_and_write_json", |b| {
        b.iter(|| {
            serde_json::to_vec(
                &resolver
                    .today()
                    .resolve(black_box(vrijthof), Audience::Public),
            )
            .map(|v| v.len())
        })
    });
    group.finish();
}

/// What a command pays before its first answer: parsing and validating the embedded data, and
/// indexing it, with the fine grid of `serve` and `classify` and the coarse one of `lookup`.
fn start_up(c: &mut Criterion) {
    let mut group = c.benchmark_group("start_up");
    group.sample_size(20);
    group.bench_function("load_embedded_geodata", |b| {
        b.iter(|| Geodata::embedded().expect("embedded geodata"))
    });
    let shipped = Geodata::embedded().expect("embedded geodata");
    group.bench_function("index_and_resolver", |b| {
        b.iter(|| Resolver::new(black_box(shipped.clone())))
    });
    group.bench_function("index_and_resolver_for_one_answer", |b| {
        b.iter(|| Resolver::for_one_answer(black_box(shipped.clone())))
    });
    group.finish();
}

criterion_group!(benches, lookups, start_up);
criterion_main!(benches);
