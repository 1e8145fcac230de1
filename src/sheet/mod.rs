//! The printable overview the source document promises ("De gezichten in de wijk"): a first
//! page with a map of the coverage areas, then one page per area with its map (its buurten
//! named) and the people who work there, grouped by role, each with their channels.
//!
//! [`Sheet::build`] decides the content once, from the same functions every answer uses
//! ([`On::contacts_for_area`], so vacancies, validity dates and visibility are as in a
//! lookup); `pdf` draws it with krilla and an embedded font (`wijkwijzer sheet`), `html` writes
//! it as a page with print CSS (`GET /sheet`). Both say the same things.

use geo::InteriorPoint;
use jiff::civil::Date;

use crate::geodata::Area;
use crate::resolve::On;
use crate::roster::{Audience, Contact, Visibility, WhyRule};
use crate::t;
use crate::text::{self, Lang};

pub mod html;
pub mod pdf;

/// The whole overview, in one language, for one audience and day.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub lang: Lang,
    /// With names and internal channels: the pages say so.
    pub internal: bool,
    pub day: Date,
    pub title: String,
    pub subtitle: String,
    /// The first page's map of every coverage area (none for one area alone).
    pub overview: Option<Map>,
    pub areas: Vec<AreaSheet>,
    /// Where the data come from, for the foot of every page.
    pub source: String,
    /// "Internal: not for distribution" or the public note, in the sheet's language.
    pub notice: String,
    /// The word after an area's heading on the pages it continues on.
    pub continued: String,
}

/// A map: shapes in RD New metres, each with a name to print at its interior point.
#[derive(Debug, Clone)]
pub struct Map {
    pub shapes: Vec<Shape>,
    /// RD New bounds of the shapes: `[min_x, min_y, max_x, max_y]`.
    pub bounds: [f64; 4],
}

#[derive(Debug, Clone)]
pub struct Shape {
    pub name: String,
    /// Rings (exterior and holes) of every polygon, RD New metres.
    pub rings: Vec<Vec<(f64, f64)>>,
    pub label_at: (f64, f64),
    /// Colour index (the area's place in the coverage layer); `None`: context, drawn grey.
    pub colour: Option<usize>,
    /// Whether the name is printed (context shapes are not named).
    pub labelled: bool,
}

/// One area's page.
#[derive(Debug, Clone)]
pub struct AreaSheet {
    pub id: String,
    pub heading: String,
    pub map: Map,
    /// The buurten in it, in words: "Buurten: Binnenstad, Jekerdal, …".
    pub buurten: String,
    pub groups: Vec<Group>,
    /// The municipality's overlays in the area on the day (an event terrain, a park), each a
    /// group titled with its name and period, with the people assigned to it: where
    /// responsibility does not follow the areas.
    pub overlays: Vec<Group>,
}

/// The people of one role group on an area's page.
#[derive(Debug, Clone)]
pub struct Group {
    pub title: String,
    /// Channels every person of the group has (printed once, under the title); each
    /// person's `channels` are then their own only.
    pub shared: Vec<String>,
    pub people: Vec<Person>,
}

#[derive(Debug, Clone)]
pub struct Person {
    /// The function as the roster names it, with its theme.
    pub function: String,
    /// The person's name: internal sheets only, and only where the roster has it.
    pub name: Option<String>,
    /// When the assignment holds, if not always (hours, validity).
    pub when: Option<String>,
    /// `label: value` per channel; internal channels are marked.
    pub channels: Vec<String>,
}

/// What `sheet` cannot make.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("{}", t!("sheet-unknown-area", id = .id, known = .known))]
    UnknownArea { id: String, known: String },
}

impl Sheet {
    /// The overview on `on`'s day for `audience`, in `lang`; `area`: that coverage area only.
    pub fn build(
        on: On<'_>,
        audience: Audience,
        lang: Lang,
        area: Option<&str>,
    ) -> Result<Sheet, SheetError> {
        text::sync_scope(lang, || Self::build_here(on, audience, lang, area))
    }

    fn build_here(
        on: On<'_>,
        audience: Audience,
        lang: Lang,
        only: Option<&str>,
    ) -> Result<Sheet, SheetError> {
        let data = on.data();
        let m = &data.manifest;
        let coverage = data
            .layer(&m.coverage_layer)
            .map(|l| &l.areas[..])
            .unwrap_or_default();
        let base = data
            .layer(&m.base_layer)
            .map(|l| &l.areas[..])
            .unwrap_or_default();
        let picked: Vec<(usize, &Area)> = match only {
            None => coverage.iter().enumerate().collect(),
            Some(id) => {
                let found = coverage.iter().enumerate().find(|(_, a)| a.id == id);
                vec![found.ok_or_else(|| {
                    SheetError::UnknownArea {
                        id: id.to_string(),
                        known: coverage
                            .iter()
                            .map(|a| a.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    }
                })?]
            }
        };
        let word = data.municipality.area_word.as_deref();
        let heading = |a: &Area| match word {
            Some(w) => format!("{w} {}", a.name),
            None => a.name.clone(),
        };
        let overview = only.is_none().then(|| {
            map(coverage
                .iter()
                .enumerate()
                .map(|(i, a)| shape(a, Some(i), true))
                .collect())
        });
        let areas = picked
            .into_iter()
            .map(|(i, a)| {
                let inside: Vec<&Area> = base
                    .iter()
                    .filter(|b| b.parents.get(&m.coverage_layer) == Some(&a.id))
                    .collect();
                let mut shapes: Vec<Shape> = base
                    .iter()
                    .filter(|b| b.parents.get(&m.coverage_layer) != Some(&a.id))
                    .map(|b| shape(b, None, false))
                    .collect();
                shapes.extend(inside.iter().map(|b| shape(b, Some(i), true)));
                AreaSheet {
                    id: a.id.clone(),
                    heading: heading(a),
                    map: map(shapes),
                    buurten: t!(
                        "sheet-buurten",
                        names = inside
                            .iter()
                            .map(|b| b.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    groups: groups(on, a, &inside, audience),
                    overlays: overlays(on, a, audience),
                }
            })
            .collect();
        let internal = audience == Audience::Internal;
        let meta = on.meta();
        Ok(Sheet {
            lang,
            internal,
            day: on.day(),
            title: t!("sheet-title"),
            subtitle: t!(
                "sheet-subtitle",
                municipality = data.municipality.name.as_str(),
                day = on.day().to_string()
            ),
            overview,
            areas,
            source: t!(
                "sheet-source",
                source = meta.source.as_str(),
                roster = data.roster.meta.source.as_str(),
                day = on.day().to_string()
            ),
            notice: if internal {
                t!("sheet-internal")
            } else {
                t!("sheet-public")
            },
            continued: t!("sheet-continued"),
        })
    }

    /// The whole text of the sheet, in reading order: what the PDF and the page both print
    /// (tests compare the two doors with it).
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.title.clone(), self.subtitle.clone()];
        if let Some(o) = &self.overview {
            out.extend(
                o.shapes
                    .iter()
                    .filter(|s| s.labelled)
                    .map(|s| s.name.clone()),
            );
        }
        for a in &self.areas {
            out.push(a.heading.clone());
            out.push(a.buurten.clone());
            for g in a.groups.iter().chain(&a.overlays) {
                out.push(g.title.clone());
                out.extend(g.shared.iter().cloned());
                for p in &g.people {
                    out.push(p.function.clone());
                    out.extend(p.name.clone());
                    out.extend(p.when.clone());
                    out.extend(p.channels.iter().cloned());
                }
            }
        }
        out
    }
}

/// The people of an area's page: every contact a place in any of its buurten gets that day
/// (the area's own, its buurten's wijkagenten, city-wide themes and partners), once each.
fn groups(on: On<'_>, area: &Area, inside: &[&Area], audience: Audience) -> Vec<Group> {
    let mut all: Vec<Contact> = Vec::new();
    let places: Vec<&Area> = if inside.is_empty() {
        vec![area]
    } else {
        inside.to_vec()
    };
    for b in places {
        for c in on.contacts_for_area(b, audience) {
            let same = |o: &Contact| {
                o.organisation == c.organisation
                    && o.role == c.role
                    && o.name == c.name
                    && o.scope == c.scope
                    && o.why.hours == c.why.hours
            };
            if !all.iter().any(same) {
                all.push(c);
            }
        }
    }
    // One group per declared role, in the roster's order, headed by its declared group title.
    let roster = &on.data().roster;
    roster
        .ordered_roles()
        .into_iter()
        .filter_map(|(role, _)| {
            let mut people: Vec<Person> =
                all.iter().filter(|c| c.role == *role).map(person).collect();
            // Thirteen wijkagenten reached by the same three public channels: say them once.
            let shared: Vec<String> = match people.first() {
                Some(first) if people.len() > 1 => first
                    .channels
                    .iter()
                    .filter(|ch| people.iter().all(|p| p.channels.contains(ch)))
                    .cloned()
                    .collect(),
                _ => Vec::new(),
            };
            for p in &mut people {
                p.channels.retain(|ch| !shared.contains(ch));
            }
            (!people.is_empty()).then(|| Group {
                title: roster.role_group(role, text::current()),
                shared,
                people,
            })
        })
        .collect()
}

/// The overlays of the day that lie (partly) in `area`, with the people assigned to each.
fn overlays(on: On<'_>, area: &Area, audience: Audience) -> Vec<Group> {
    use geo::{Area as _, BooleanOps};
    let data = on.data();
    // Overlapping, not merely touching along an edge.
    let inside = |o: &crate::geodata::overlay::Overlay| {
        o.area.geometry.intersection(&area.geometry).unsigned_area() > 1.0
    };
    data.overlays
        .iter()
        .enumerate()
        .filter(|(_, o)| o.holds_on(on.day()) && inside(o))
        .map(|(i, o)| {
            let people = on
                .overlay_contacts(i as u32, audience)
                .iter()
                .map(person)
                .collect();
            let period = match (o.valid_from, o.valid_until) {
                (None, None) => String::new(),
                (Some(f), Some(u)) => format!(
                    ", {}",
                    t!("sheet-between", from = f.to_string(), until = u.to_string())
                ),
                (None, Some(u)) => format!(", {}", t!("sheet-until", day = u.to_string())),
                (Some(f), None) => format!(", {}", t!("sheet-from", day = f.to_string())),
            };
            Group {
                title: t!(
                    "sheet-overlay",
                    name = o.area.name.as_str(),
                    period = period
                ),
                shared: Vec::new(),
                people,
            }
        })
        .collect()
}

fn person(c: &Contact) -> Person {
    let mut when = Vec::new();
    if let Some(h) = &c.why.hours {
        when.push(if c.why.outside_hours {
            t!("sheet-outside-hours", hours = h.as_str())
        } else {
            h.clone()
        });
    }
    match (c.why.valid_from, c.why.valid_until, c.why.rule) {
        (_, _, WhyRule::Vacant) => {}
        (Some(f), Some(u), _) => when.push(t!(
            "sheet-between",
            from = f.to_string(),
            until = u.to_string()
        )),
        (None, Some(u), _) => when.push(t!("sheet-until", day = u.to_string())),
        _ => {}
    }
    Person {
        function: match &c.theme {
            Some(theme) if !c.name.to_lowercase().contains(&theme.to_lowercase()) => {
                format!("{} ({theme})", c.name)
            }
            _ => c.name.clone(),
        },
        name: c.person.clone(),
        when: (!when.is_empty()).then(|| when.join("; ")),
        channels: c
            .channels
            .iter()
            .map(|ch| {
                let mark = if ch.visibility == Visibility::Internal {
                    format!(" [{}]", t!("sheet-internal-channel"))
                } else {
                    String::new()
                };
                match &ch.label {
                    Some(l) => format!("{l}: {}{mark}", ch.value),
                    None => format!("{}{mark}", ch.value),
                }
            })
            .collect(),
    }
}

fn shape(a: &Area, colour: Option<usize>, labelled: bool) -> Shape {
    let rings = a
        .geometry
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| r.0.iter().map(|c| (c.x, c.y)).collect())
        .collect();
    // The largest polygon's interior point: a buurt of several parts is named once.
    let largest = a.geometry.iter().max_by(|p, q| {
        use geo::Area as _;
        p.unsigned_area().total_cmp(&q.unsigned_area())
    });
    let label_at = largest
        .and_then(|p| p.interior_point())
        .map(|p| (p.x(), p.y()))
        .unwrap_or_default();
    Shape {
        name: a.name.clone(),
        rings,
        label_at,
        colour,
        labelled,
    }
}

/// A map framed on its named shapes: on an area's page, its own buurten; the unnamed
/// neighbours are context, cut off at the frame.
fn map(shapes: Vec<Shape>) -> Map {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    let named = shapes.iter().filter(|s| s.labelled);
    for (x, y) in named.flat_map(|s| s.rings.iter().flatten()) {
        b = [b[0].min(*x), b[1].min(*y), b[2].max(*x), b[3].max(*y)];
    }
    Map { shapes, bounds: b }
}

impl Map {
    /// A transform from RD New into a box `w` × `h` (y down, as pages and SVG have it), the
    /// map centred and its aspect kept: (scale, offset x, offset y).
    pub fn fit(&self, w: f64, h: f64) -> impl Fn(f64, f64) -> (f64, f64) + use<> {
        let [x0, y0, x1, y1] = self.bounds;
        let (dx, dy) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
        let s = (w / dx).min(h / dy);
        let ox = (w - dx * s) / 2.0;
        let oy = (h - dy * s) / 2.0;
        move |x, y| (ox + (x - x0) * s, oy + (y1 - y) * s)
    }
}

/// A name placed on a map: its middle `x`, the middle of its line `y` (box coordinates, y
/// down), and the text size.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub name: String,
}

impl Map {
    /// The names of the labelled shapes for a box `w` × `h`: each at its shape's interior
    /// point, moved up or down by a line where it would cover a name placed before it (small
    /// buurten side by side), and kept inside the box.
    pub fn labels(&self, w: f64, h: f64) -> Vec<Label> {
        let many = self.shapes.iter().filter(|s| s.labelled).count() > 12;
        let size = w * if many { 0.013 } else { 0.02 };
        let line = size * 1.25;
        let fit = self.fit(w, h);
        let mut placed: Vec<(Label, f64)> = Vec::new();
        for s in self.shapes.iter().filter(|s| s.labelled) {
            let half = text_width(true, size, &s.name) / 2.0;
            let (x, y) = fit(s.label_at.0, s.label_at.1);
            let x = x.clamp(half.min(w / 2.0), (w - half).max(w / 2.0));
            let free = |y: f64| {
                placed.iter().all(|(l, lh)| {
                    (l.x - x).abs() >= lh + half + size * 0.5 || (l.y - y).abs() >= line
                })
            };
            let y = [0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0]
                .iter()
                .map(|k| (y + k * line).clamp(line / 2.0, h - line / 2.0))
                .find(|y| free(*y))
                .unwrap_or(y);
            placed.push((
                Label {
                    x,
                    y,
                    size,
                    name: s.name.clone(),
                },
                half,
            ));
        }
        placed.into_iter().map(|(l, _)| l).collect()
    }
}

/// The embedded fonts: what the PDF embeds and what widths are measured with.
pub(crate) const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The width of `text` at `size` (in the size's units), from the font's advance widths.
pub(crate) fn text_width(bold: bool, size: f64, text: &str) -> f64 {
    use skrifa::MetadataProvider;
    let Ok(font) = skrifa::FontRef::new(if bold { BOLD } else { REGULAR }) else {
        return 0.0;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(
        skrifa::instance::Size::new(size as f32),
        skrifa::instance::LocationRef::default(),
    );
    text.chars()
        .map(|c| {
            f64::from(
                metrics
                    .advance_width(charmap.map(c).unwrap_or_default())
                    .unwrap_or(size as f32 / 2.0),
            )
        })
        .sum()
}

/// Fills, one per coverage area (cycled): light enough to print names on, distinct in grey.
pub const PALETTE: [(u8, u8, u8); 6] = [
    (166, 206, 227),
    (178, 223, 138),
    (253, 191, 111),
    (202, 178, 214),
    (251, 154, 153),
    (255, 255, 153),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn square(name: &str, x: f64) -> Shape {
        Shape {
            name: name.to_string(),
            rings: vec![vec![
                (x, 0.0),
                (x + 10.0, 0.0),
                (x + 10.0, 10.0),
                (x, 10.0),
                (x, 0.0),
            ]],
            label_at: (x + 5.0, 5.0),
            colour: Some(0),
            labelled: true,
        }
    }

    #[test]
    fn names_of_neighbouring_small_areas_do_not_cover_each_other() {
        let shapes: Vec<Shape> = (0..4)
            .map(|i| square(&format!("Boschstraatkwartier {i}"), f64::from(i) * 10.0))
            .collect();
        let map = map(shapes);
        let labels = map.labels(400.0, 100.0);
        assert_eq!(labels.len(), 4);
        for (i, a) in labels.iter().enumerate() {
            let wa = text_width(true, a.size, &a.name);
            assert!(
                a.x - wa / 2.0 >= 0.0 && a.x + wa / 2.0 <= 400.0,
                "{a:?} leaves the box"
            );
            for b in &labels[i + 1..] {
                let wb = text_width(true, b.size, &b.name);
                let apart_x = (a.x - b.x).abs() >= (wa + wb) / 2.0;
                let apart_y = (a.y - b.y).abs() >= a.size;
                assert!(apart_x || apart_y, "{a:?} covers {b:?}");
            }
        }
        // Without neighbours a name stays where its area is.
        let lone = super::map(vec![square("Wyck", 0.0)]).labels(400.0, 100.0);
        let (x, y) = super::map(vec![square("Wyck", 0.0)]).fit(400.0, 100.0)(5.0, 5.0);
        assert_eq!((lone[0].x, lone[0].y), (x, y));
    }
}
