//! Validation of a loaded geodata set: geometry, layer topology, nesting and roster.
//!
//! Rules (each violation is one [`Problem`] naming file, feature and reason):
//! - every area's geometry is a valid (Multi)Polygon: closed rings of at least four points,
//!   no self-intersections, holes inside their shell, non-zero area;
//! - two areas of one layer overlap by at most [`OVERLAP_TOLERANCE_M2`];
//! - a parent link names an existing area of an existing layer, and the child lies inside it
//!   up to [`NESTING_TOLERANCE_M2`] (or a millionth of its area, whichever is larger);
//! - every area of the base layer (buurt) has a parent in the coverage layer (LWA), so every
//!   buurt lies inside exactly one LWA area;
//! - the roster names only known organisations and areas, every channel has a value, and every
//!   coverage area has a THOR senior wijkgebonden medewerker and a police coordinator;
//! - a declared positional accuracy (`accuracy_m`) is a distance of 0 m or more;
//! - the generations of one layer follow each other without gap or overlap, only the latest is
//!   open-ended, and the nesting and coverage rules hold in every period of the timeline (each
//!   period's generations are checked together, as the service will answer with them).

use geo::{Area as _, BooleanOps, BoundingRect, Intersects, Validation};

use super::{Area, Geodata, Problem};
use crate::roster;

/// Overlap allowed between two areas of one layer: the float noise of a dissolve, not more.
pub const OVERLAP_TOLERANCE_M2: f64 = 1.0;
/// How far a child may stick out of its parent.
pub const NESTING_TOLERANCE_M2: f64 = 1.0;

pub fn validate(data: &Geodata) -> Vec<Problem> {
    let mut problems = Vec::new();
    let m = &data.manifest;
    for id in [&m.coverage_layer, &m.base_layer] {
        if data.layer(id).is_none() {
            problems.push(Problem::new(
                "manifest.toml",
                None,
                format!("layer '{id}' is named but not listed under [[layers]]"),
            ));
        }
    }
    check_generations(m, &mut problems);
    // A positional accuracy is a distance: a negative or unreadable one would make every
    // certainty radius meaningless.
    let accuracies = std::iter::once((None, m.source.accuracy_m)).chain(
        m.layers
            .iter()
            .map(|l| (Some(l.file.as_str()), l.accuracy_m)),
    );
    for (file, accuracy) in accuracies {
        if let Some(a) = accuracy
            && !(a.is_finite() && a >= 0.0)
        {
            problems.push(Problem::new(
                "manifest.toml",
                file,
                format!("accuracy_m = {a}: give the boundaries' positional accuracy in metres, 0 or more"),
            ));
        }
    }
    for layer in data.generations() {
        let file = layer.info.file.as_str();
        for area in &layer.areas {
            check_geometry(file, area, &mut problems);
        }
        check_overlaps(file, &layer.areas, &mut problems);
    }
    for period in data.periods() {
        match data.view(&period) {
            Some(view) => {
                check_period(&view, &mut problems);
                check_overlays_inside(&view, &period, &mut problems);
            }
            None => problems.push(Problem::new(
                "manifest.toml",
                None,
                format!("in the period {period} some layer has no generation"),
            )),
        }
    }
    check_overlays(data, &mut problems);
    check_answering_layer(data, &mut problems);
    check_roster(data, &mut problems);
    for (id, reason) in data.situations.problems(&data.roster) {
        problems.push(Problem::new("situations.toml", Some(&id), reason));
    }
    // A rule broken in a file shared by several periods is reported once.
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| seen.insert(p.to_string()));
    problems
}

/// Nesting and coverage in one period's set of generations.
fn check_period(view: &Geodata, problems: &mut Vec<Problem>) {
    let m = &view.manifest;
    for layer in &view.layers {
        for area in &layer.areas {
            check_parents(view, &layer.info.file, area, problems);
        }
    }
    if let Some(base) = view.layer(&m.base_layer) {
        for area in &base.areas {
            if !area.parents.contains_key(&m.coverage_layer) {
                problems.push(Problem::new(
                    &base.info.file,
                    Some(&area.id),
                    format!("has no parent in coverage layer '{}'", m.coverage_layer),
                ));
            }
        }
    }
}

/// The generations of each layer: one open-ended latest, the rest ending the day before the
/// next begins.
fn check_generations(m: &super::Manifest, problems: &mut Vec<Problem>) {
    let mut ids: Vec<&str> = m.layers.iter().map(|l| l.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    for (i, l) in m.layers.iter().enumerate() {
        if m.layers[..i].iter().any(|o| o.file == l.file) {
            problems.push(Problem::new(
                "manifest.toml",
                None,
                format!("file '{}' is listed twice", l.file),
            ));
        }
        if let (Some(from), Some(until)) = (l.valid_from, l.valid_until)
            && until < from
        {
            problems.push(Problem::new(
                "manifest.toml",
                None,
                format!(
                    "layer '{}' ({}): valid_until is before valid_from",
                    l.id, l.file
                ),
            ));
        }
    }
    for id in ids {
        let mut gens: Vec<&super::LayerInfo> = m.layers.iter().filter(|l| l.id == id).collect();
        gens.sort_by_key(|l| (l.valid_from.is_some(), l.valid_from));
        let open = gens.iter().filter(|l| l.valid_until.is_none()).count();
        if open != 1 {
            problems.push(Problem::new(
                "manifest.toml",
                None,
                format!(
                    "layer '{id}' has {open} generations without valid_until; exactly one, the latest, must stay open"
                ),
            ));
            continue;
        }
        for pair in gens.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let next_day = a.valid_until.and_then(|u| u.tomorrow().ok());
            match (next_day, b.valid_from) {
                (Some(n), Some(f)) if n == f => {}
                (Some(n), Some(f)) => problems.push(Problem::new(
                    "manifest.toml",
                    None,
                    format!(
                        "layer '{id}': {} ends {} but {} begins {f}; {} (the next generation must begin on {n})",
                        a.file,
                        a.valid_until.map(|d| d.to_string()).unwrap_or_default(),
                        b.file,
                        if f > n { "a gap" } else { "they overlap" },
                    ),
                )),
                _ => problems.push(Problem::new(
                    "manifest.toml",
                    None,
                    format!(
                        "layer '{id}': {} and {} both hold on the same days; give the earlier one valid_until and the later one valid_from",
                        a.file, b.file
                    ),
                )),
            }
        }
    }
}

fn check_geometry(file: &str, area: &Area, problems: &mut Vec<Problem>) {
    for polygon in &area.geometry.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            if ring.0.len() < 4 || !ring.is_closed() {
                problems.push(Problem::new(
                    file,
                    Some(&area.id),
                    "ring is not closed or has fewer than 4 points",
                ));
                return;
            }
        }
    }
    if let Err(e) = area.geometry.check_validation() {
        problems.push(Problem::new(
            file,
            Some(&area.id),
            format!("invalid geometry: {e}"),
        ));
        return;
    }
    if area.geometry.unsigned_area() <= 0.0 {
        problems.push(Problem::new(file, Some(&area.id), "area is zero"));
    }
}

/// Overlays: valid geometry, and an id no area has (a scope naming it must mean one thing).
fn check_overlays(data: &Geodata, problems: &mut Vec<Problem>) {
    for o in data.overlays.iter() {
        check_geometry(super::overlay::FILE, &o.area, problems);
        if let Some(a) = data.area(&o.area.id) {
            problems.push(Problem::new(
                super::overlay::FILE,
                Some(&o.area.id),
                format!(
                    "id is also the id of the {} area '{}': give the overlay an id of its own",
                    a.layer, a.name
                ),
            ));
        }
    }
}

/// The overlays holding in `period` lie inside the covered area as that period's generations
/// draw it: where the roster's people work.
fn check_overlays_inside(view: &Geodata, period: &super::Period, problems: &mut Vec<Problem>) {
    let coverage = view
        .layer(&view.manifest.coverage_layer)
        .map(|l| &l.areas[..])
        .unwrap_or_default();
    // Overlapping periods: neither ends before the other begins.
    let holds = |o: &&super::overlay::Overlay| {
        period
            .from
            .is_none_or(|f| o.valid_until.is_none_or(|u| f <= u))
            && period
                .until
                .is_none_or(|u| o.valid_from.is_none_or(|f| f <= u))
    };
    for o in view.overlays.iter().filter(holds) {
        // An invalid outline is reported by `check_overlays`; its area means nothing.
        if o.area.geometry.check_validation().is_err() {
            continue;
        }
        let own = o.area.geometry.unsigned_area();
        let inside: f64 = coverage
            .iter()
            .filter(|a| a.bbox().is_some_and(|b| b.intersects(&o.bbox)))
            .map(|a| a.geometry.intersection(&o.area.geometry).unsigned_area())
            .sum();
        let outside = own - inside;
        if outside > NESTING_TOLERANCE_M2.max(own * 1e-6) {
            problems.push(Problem::new(
                super::overlay::FILE,
                Some(&o.area.id),
                format!(
                    "lies {outside:.0} m² of its {own:.0} m² outside {}: an overlay is drawn inside the covered area",
                    view.manifest.coverage_name
                ),
            ));
        }
    }
}

fn check_overlaps(file: &str, areas: &[Area], problems: &mut Vec<Problem>) {
    let boxes: Vec<_> = areas.iter().map(|a| a.geometry.bounding_rect()).collect();
    for i in 0..areas.len() {
        for j in i + 1..areas.len() {
            let (Some(bi), Some(bj)) = (boxes[i], boxes[j]) else {
                continue;
            };
            if !bi.intersects(&bj) {
                continue;
            }
            let overlap = areas[i]
                .geometry
                .intersection(&areas[j].geometry)
                .unsigned_area();
            if overlap > OVERLAP_TOLERANCE_M2 {
                problems.push(Problem::new(
                    file,
                    Some(&areas[i].id),
                    format!(
                        "overlaps {} by {overlap:.1} m² (at most {OVERLAP_TOLERANCE_M2} m² allowed within a layer)",
                        areas[j].id
                    ),
                ));
            }
        }
    }
}

fn check_parents(data: &Geodata, file: &str, area: &Area, problems: &mut Vec<Problem>) {
    for (layer_id, parent_id) in &area.parents {
        let Some(layer) = data.layer(layer_id) else {
            problems.push(Problem::new(
                file,
                Some(&area.id),
                format!("parent layer '{layer_id}' does not exist"),
            ));
            continue;
        };
        let Some(parent) = layer.find(parent_id) else {
            problems.push(Problem::new(
                file,
                Some(&area.id),
                format!("parent '{parent_id}' does not exist in layer '{layer_id}'"),
            ));
            continue;
        };
        let outside = area.geometry.difference(&parent.geometry).unsigned_area();
        let allowed = NESTING_TOLERANCE_M2.max(area.geometry.unsigned_area() * 1e-6);
        if outside > allowed {
            problems.push(Problem::new(
                file,
                Some(&area.id),
                format!("lies {outside:.1} m² outside its parent {parent_id} (at most {allowed:.1} m² allowed)"),
            ));
        }
    }
}

fn check_roster(data: &Geodata, problems: &mut Vec<Problem>) {
    const FILE: &str = "roster.toml";
    let r = &data.roster;
    let label =
        |i: usize, a: &roster::Assignment| format!("assignment #{} ({})", i + 1, a.function);
    for (name, org) in &r.organisations {
        for c in &org.channels {
            if c.value.trim().is_empty() {
                problems.push(Problem::new(
                    FILE,
                    Some(name),
                    "channel with an empty value",
                ));
            }
        }
    }
    for (i, a) in r.assignments.iter().enumerate() {
        let id = label(i, a);
        if let Some(Err(e)) = a.hours.as_deref().map(crate::hours::Hours::parse) {
            problems.push(Problem::new(FILE, Some(&id), format!("hours {e}")));
        }
        if a.outside_hours && a.hours.is_none() {
            problems.push(Problem::new(
                FILE,
                Some(&id),
                "outside_hours = true needs the hours it holds outside of (hours = \"ma-vr 08:30-17:00\")",
            ));
        }
        if !r.organisations.contains_key(&a.organisation) {
            problems.push(Problem::new(
                FILE,
                Some(&id),
                format!(
                    "organisation '{}' is not defined under [organisations]",
                    a.organisation
                ),
            ));
        }
        if a.function.trim().is_empty() {
            problems.push(Problem::new(FILE, Some(&id), "function is empty"));
        }
        if let roster::Scope::Areas(ids) = &a.scope {
            if ids.is_empty() {
                problems.push(Problem::new(
                    FILE,
                    Some(&id),
                    "scope lists no areas (use scope = \"city\")",
                ));
            }
            for area in ids {
                if data.area(area).is_none() && data.overlay(area).is_none() {
                    problems.push(Problem::new(
                        FILE,
                        Some(&id),
                        format!(
                            "scope names unknown area '{area}': not the id of an area of any layer, nor of an overlay in overlays.geojson"
                        ),
                    ));
                }
            }
        }
        for c in &a.channels {
            if c.value.trim().is_empty() {
                problems.push(Problem::new(FILE, Some(&id), "channel with an empty value"));
            }
        }
        if let (Some(from), Some(until)) = (a.valid_from, a.valid_until)
            && until < from
        {
            problems.push(Problem::new(
                FILE,
                Some(&id),
                "valid_until is before valid_from",
            ));
        }
    }
    // A role nobody ever held is missing data; one left empty by dates is a gap, reported by
    // `check` and /healthz while the service keeps serving.
    let mut coverage_areas: Vec<&Area> = data
        .generations()
        .filter(|l| l.info.id == data.manifest.coverage_layer)
        .flat_map(|l| &l.areas)
        .collect();
    coverage_areas.sort_by(|a, b| a.id.cmp(&b.id));
    coverage_areas.dedup_by(|a, b| a.id == b.id);
    for area in coverage_areas {
        // The roles the roster declares `required`; none required, no such rule.
        for (role, _) in r.required_roles() {
            if !r.ever_assigned(&area.id, role) {
                problems.push(Problem::new(
                    FILE,
                    Some(&area.id),
                    format!(
                        "coverage area '{}' has no {} at all ([roles.{role}] is required): add an [[assignment]] with role = \"{role}\" and scope = [\"{}\"] or scope = \"city\"",
                        area.name,
                        r.role_label(role, crate::text::current()),
                        area.id
                    ),
                ));
            }
        }
    }
}

/// The layer an answer names is the layer its certainty is measured on (issue 34, 3): the
/// coverage layer. Refused: an area member (`municipality.members.lwa`) naming another layer,
/// and a coverage of one area (the whole gemeente) beside a layer of the municipality's own
/// that divides it, where answers would name the whole municipality and call a place certain
/// beside the boundary of two of its areas.
fn check_answering_layer(data: &Geodata, problems: &mut Vec<Problem>) {
    let m = &data.manifest;
    let coverage = &m.coverage_layer;
    if let Some(lwa) = &data.municipality.members.lwa
        && lwa != coverage
    {
        problems.push(Problem::new(
            "manifest.toml",
            None,
            format!(
                "municipality.members.lwa names layer '{lwa}', but answers are measured and named on the coverage layer '{coverage}': set members.lwa = \"{coverage}\", or make '{lwa}' the coverage (coverage_layer = \"{lwa}\" in layers.toml, or `wijkwijzer import --areas`) and import again"
            ),
        ));
    }
    let Some(cover) = data.layer(coverage).filter(|l| l.areas.len() == 1) else {
        return;
    };
    let Some(base) = data.layer(&m.base_layer) else {
        return;
    };
    let members = &data.municipality.members;
    let cbs = [
        Some(m.base_layer.as_str()),
        Some("wijk"),
        members.wijk.as_deref(),
        members.buurt.as_deref(),
    ];
    for layer in &data.layers {
        let id = layer.info.id.as_str();
        if id == cover.info.id || cbs.contains(&Some(id)) || layer.areas.len() < 2 {
            continue;
        }
        if base.areas.iter().all(|b| b.parents.contains_key(id)) {
            problems.push(Problem::new(
                "manifest.toml",
                None,
                format!(
                    "coverage layer '{coverage}' is the whole municipality in one area, but layer '{id}' divides it into {} areas: answers would name the whole municipality, and call a place beside the boundary of two of them certain. Make '{id}' the answering layer: import with `--areas TABLE.csv --areas-layer {id}`, or set coverage_layer = \"{id}\" and municipality.members.lwa = \"{id}\" in layers.toml and import again",
                    layer.areas.len()
                ),
            ));
        }
    }
}
