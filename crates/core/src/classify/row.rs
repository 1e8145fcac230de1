//! One row: where its place is, what the answer for that place is, and the cells it adds.
//!
//! The answer comes from the same decisions as a lookup's: the place is assessed by
//! `Resolver::assess` (areas, position, overlays, certainty), an address found by
//! `On::find_address` with its spanning-street rule, the people by `On::contacts_at_area` with
//! the overlays of the place, the point by `PointOut::of`. What is the same for every row of an
//! area (codes, names, people) is escaped once and reused.

use std::borrow::Cow;
use std::sync::OnceLock;

pub use super::cell::Status;
use super::cell::{Encoding, field};
use super::columns::{Place, Places, SourceKind};
use super::output::{Added, Output};
use crate::address::{Failure, Query};
use crate::crs::{Crs, LocalWgs84ToRd, Rd};
use crate::index::{Hit, Position};
use crate::query::{QueryError, check_projected, check_wgs84, parse_number};
use crate::resolve::{AreaCertainty, Ask, Assessment, Level, On, PointOut, Resolver, Uncertainty};
use crate::roster::{Audience, Contact};
use crate::t;

/// A row that could not be placed: its status and what to fix, and for an ambiguous address
/// how sure the answer is of the area among its candidates (as a lookup's 300 says).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refusal {
    pub status: Status,
    pub message: String,
    pub certainty: Option<AreaCertainty>,
}

fn refuse(status: Status, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        message: message.into(),
        certainty: None,
    }
}

/// Where a row's place is and how it was found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Located {
    pub point: Rd,
    /// The point in WGS84 when the input gave it so (no inverse transformation needed).
    pub wgs84: Option<crate::crs::Wgs84>,
    pub source: SourceKind,
    /// `coordinates`, or the address match quality (`exact`, `fuzzy_street`, ...).
    pub quality: &'static str,
    /// How the place was read, e.g. `address Markt 1, 6211CH Maastricht`.
    pub note: String,
    /// Half the step of the notation's last digit, for a place read from text.
    pub notation_m: Option<f64>,
    /// The uncertainty the text states (`±25 m`, an AML push's radius).
    pub stated_m: Option<f64>,
    /// The spread of the address match (a corner between two houses).
    pub spread_m: Option<f64>,
    /// How far from a map view's centre the place may lie on the screen (a link to a view,
    /// not a place): the same radius a lookup gives it.
    pub view_m: Option<f64>,
}

/// The answer for one row, ready to be written by the CSV or GeoJSON writer.
pub(crate) struct Answer<'r> {
    pub status: Status,
    pub located: Option<Located>,
    /// What the resolver decided about the place, as for a lookup (none for a refused row).
    pub assessed: Option<Assessment<'r>>,
    pub message: String,
    /// How sure the answer is of its coverage area: the assessment's, or for an ambiguous
    /// address the candidates' (none for another refused row).
    pub certainty: Option<AreaCertainty>,
}

impl Answer<'_> {
    /// The coverage area (an index), for a covered place only: what the summary counts.
    pub fn area(&self) -> Option<u32> {
        self.assessed
            .as_ref()
            .filter(|s| s.covered())
            .and_then(Assessment::coverage_area)
    }
}

/// One added value.
pub(crate) enum Cell<'a> {
    Empty,
    /// A fixed word (status, quality, ...): never needs quoting.
    Word(&'static str),
    /// Text made once per area: as a CSV field (escaped, encoded) and as plain text.
    Cached(&'a [u8], &'a str),
    Text(std::borrow::Cow<'a, str>),
    Number(f64),
}

/// An area's text, made once: as a CSV field and as plain text.
#[derive(Debug, Clone)]
pub(crate) struct Made {
    csv: Vec<u8>,
    text: String,
}

impl Made {
    fn new(text: String, delimiter: u8, encoding: Encoding) -> Made {
        Made {
            csv: field(&text, delimiter, encoding),
            text,
        }
    }

    fn cell(&self) -> Cell<'_> {
        Cell::Cached(&self.csv, &self.text)
    }
}

/// A message rendered once, cut where the distance goes (see `Classifier::outside_where`).
type Split = Option<(String, String)>;

/// Role cells by (layer, area, overlays) of places whose people are not their base area's.
type OverlayPeople = std::collections::HashMap<(usize, u32, Vec<u32>), Vec<String>>;

pub(crate) struct Classifier<'a> {
    /// The resolver of the day asked for (its data are that day's generations).
    pub resolver: &'a Resolver,
    on: On<'a>,
    local: &'a LocalWgs84ToRd,
    near: &'a crate::query::Locality,
    pub places: Places,
    pub delimiter: u8,
    pub encoding: Encoding,
    audience: Audience,
    pub output: Output,
    base: usize,
    coverage: usize,
    pub layers: usize,
    /// Code and name of every area of every layer.
    names: Vec<Vec<[Made; 2]>>,
    /// The first contact of each role the municipality's profile makes a column (THOR senior,
    /// police coordinator) for each base-layer area, made when a row first falls in it (a
    /// small file or HTTP body pays for its own areas only).
    people: Vec<OnceLock<Vec<Made>>>,
    /// The same for a base-layer area with overlays (few rows lie in one).
    overlay_people: std::sync::Mutex<OverlayPeople>,
    outside_message: Made,
    /// The message of a row outside the coverage, per coverage area and compass direction,
    /// rendered the first time a row needs it with [`DISTANCE_MARK`] where the distance goes:
    /// the text before and after it (`None` if a translation does not say the distance once).
    outside_where: Vec<[OnceLock<Split>; 8]>,
    /// The words before a matched place's or address's label in a row's message, in the
    /// run's language (rendered once: every address row says one).
    said_place: String,
    said_address: String,
    /// Added numbers with a decimal comma (see [`super::Summary::decimal`]).
    pub decimal_comma: bool,
    /// Places just outside the boundary are `outside`, not the nearest area's (`near`).
    pub strict_inside: bool,
}

impl<'a> Classifier<'a> {
    pub fn new(
        on: On<'a>,
        places: Places,
        delimiter: u8,
        encoding: Encoding,
        audience: Audience,
        output: Output,
    ) -> Classifier<'a> {
        let resolver = on.resolver();
        let data = resolver.data();
        let base = data
            .layer_index(&data.manifest.base_layer)
            .unwrap_or_default();
        let coverage = data
            .layer_index(&data.manifest.coverage_layer)
            .unwrap_or_default();
        let names = data
            .layers
            .iter()
            .map(|l| {
                l.areas
                    .iter()
                    .map(|a| {
                        [
                            Made::new(
                                a.code.clone().unwrap_or_else(|| a.id.clone()),
                                delimiter,
                                encoding,
                            ),
                            Made::new(a.name.clone(), delimiter, encoding),
                        ]
                    })
                    .collect()
            })
            .collect();
        Classifier {
            resolver,
            on,
            local: data.lattice(),
            near: &data.locality,
            places,
            delimiter,
            encoding,
            audience,
            output,
            base,
            coverage,
            layers: data.layers.len(),
            names,
            people: data.layers[base]
                .areas
                .iter()
                .map(|_| OnceLock::new())
                .collect(),
            overlay_people: Default::default(),
            decimal_comma: false,
            strict_inside: false,
            said_place: t!("row-place"),
            said_address: t!("row-address"),
            outside_where: (0..resolver.coverage_areas())
                .map(|_| std::array::from_fn(|_| OnceLock::new()))
                .collect(),
            outside_message: Made::new(
                t!("row-outside", coverage = &data.manifest.coverage_name),
                delimiter,
                encoding,
            ),
        }
    }

    /// How many coverage areas the summary counts rows of.
    pub fn coverage_areas(&self) -> usize {
        self.resolver.coverage_areas()
    }

    /// The name of coverage area `area` (for the summary).
    pub fn coverage_name_of(&self, area: u32) -> Option<&str> {
        self.resolver.data().layers[self.coverage]
            .areas
            .get(area as usize)
            .map(|a| a.name.as_str())
    }

    fn people(&self, base: u32) -> &[Made] {
        self.people[base as usize].get_or_init(|| {
            let area = &self.resolver.data().layers[self.base].areas[base as usize];
            self.role_cells(area, &[])
                .into_iter()
                .map(|cell| Made::new(cell, self.delimiter, self.encoding))
                .collect()
        })
    }

    /// The role column `r` of a covered place: its base area's people, made once per area,
    /// unless overlays or a gap in the base layer make the place's people its own.
    fn person<'s>(&'s self, assessed: &Assessment<'_>, r: usize) -> Cell<'s> {
        let overlays = &assessed.overlays[..];
        let base = assessed.base_area();
        if let (Some(base), true) = (base, overlays.is_empty()) {
            return self.people(base)[r].cell();
        }
        let data = self.resolver.data();
        // A place in a coverage area but in no base area (a sliver between generalised
        // layers) gets the coverage area's people, as a lookup gives it.
        let (layer, area) = match base {
            Some(b) => (self.base, b),
            None => match assessed.coverage_area() {
                Some(c) => (self.coverage, c),
                None => return Cell::Empty,
            },
        };
        let key = (layer, area, overlays.to_vec());
        let cached = self
            .overlay_people
            .lock()
            .ok()
            .and_then(|m| m.get(&key).map(|cells| cells[r].clone()));
        let cell = cached.unwrap_or_else(|| {
            let cells = self.role_cells(&data.layers[layer].areas[area as usize], overlays);
            let cell = cells[r].clone();
            if let Ok(mut m) = self.overlay_people.lock() {
                m.insert(key, cells);
            }
            cell
        });
        Cell::Text(cell.into())
    }

    /// The first contact of each role column for a place in `area` and `overlays`.
    fn role_cells(&self, area: &crate::geodata::Area, overlays: &[u32]) -> Vec<String> {
        let data = self.resolver.data();
        let contacts = self.on.contacts_at_area(area, overlays, self.audience);
        data.municipality
            .columns
            .iter()
            .map(|c| {
                contacts
                    .iter()
                    .find(|p| p.role == c.role)
                    .map(Contact::cell)
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The answer for a place (or a refusal), with `hits` as the buffer for the layers: the
    /// resolver's assessment of the place ([`Resolver::assess`]), asked for what the columns
    /// read.
    pub fn answer<'h>(
        &self,
        place: Result<Located, Refusal>,
        hits: &'h mut [Option<Hit>],
    ) -> Answer<'h> {
        let mut located = match place {
            Err(r) => {
                return Answer {
                    status: r.status,
                    located: None,
                    assessed: None,
                    message: r.message,
                    certainty: r.certainty,
                };
            }
            Ok(located) => located,
        };
        let needs = self.output.needs;
        let u = Uncertainty {
            notation_m: located.notation_m.filter(|m| *m >= 1.0),
            stated_m: located.stated_m.filter(|m| *m > 0.0),
            spread_m: located.spread_m,
            view_m: located.view_m,
            ..self.resolver.data_uncertainty()
        };
        let ask = Ask {
            certainty: needs.certainty,
            overlays: needs.overlays,
            strict_inside: self.strict_inside,
        };
        let mut assessed = self
            .resolver
            .assess(located.point, &u, self.on.day(), ask, hits);
        let certainty = assessed.certainty.take();
        let (status, message) = match assessed.position {
            Position::Outside => (
                Status::Outside,
                needs
                    .message
                    .then(|| self.outside_message_at(located.point))
                    .flatten()
                    .unwrap_or_default(),
            ),
            Position::Near => (Status::Near, std::mem::take(&mut located.note)),
            Position::Inside | Position::Boundary => {
                (Status::Ok, std::mem::take(&mut located.note))
            }
        };
        Answer {
            status,
            located: Some(located),
            assessed: Some(assessed),
            message,
            certainty,
        }
    }

    /// The message of a row outside the coverage: how far, which way and from which area, in
    /// the words a lookup uses ([`Resolver::outside_words`]). Only the distance differs from
    /// row to row, so the rest is rendered once per area and direction.
    fn outside_message_at(&self, p: Rd) -> Option<String> {
        let (area, direction, distance) = self.resolver.outside_of(p)?;
        let say = |distance: &str| {
            t!(
                "row-outside-where",
                coverage = &self.resolver.data().manifest.coverage_name,
                place = self.resolver.outside_where(area, direction, distance)
            )
        };
        let made = self.outside_where.get(area as usize)?[direction % 8].get_or_init(|| {
            let message = say(DISTANCE_MARK);
            let (before, after) = message.split_once(DISTANCE_MARK)?;
            (!after.contains(DISTANCE_MARK)).then(|| (before.to_string(), after.to_string()))
        });
        Some(match made {
            Some((before, after)) => {
                let mut text = String::with_capacity(before.len() + distance.len() + after.len());
                text.push_str(before);
                text.push_str(&distance);
                text.push_str(after);
                text
            }
            None => say(&distance),
        })
    }

    /// The added cells of an answer, in output order.
    pub fn cells<'s>(&'s self, a: &'s Answer<'_>, mut each: impl FnMut(Cell<'s>)) {
        let point = a
            .located
            .as_ref()
            .filter(|_| self.output.point)
            .map(|l| match l.wgs84 {
                // The input's own WGS84 (to 7 decimals) spares the inverse transformation.
                Some(w) => PointOut::with_wgs84(l.point, w),
                None => PointOut::of(l.point),
            });
        let assessed = a.assessed.as_ref();
        let covered = assessed.filter(|s| s.covered());
        for (column, _) in &self.output.columns {
            let cell = match column {
                // Areas of a place that is answered with them: an outside place names none,
                // even where a layer reaches further than the coverage.
                Added::Code(l) | Added::Name(l) => match covered.and_then(|s| s.area_of(*l)) {
                    Some(area) => {
                        let i = usize::from(matches!(column, Added::Name(_)));
                        self.names[*l][area as usize][i].cell()
                    }
                    None => Cell::Empty,
                },
                Added::Position => Cell::Word(match assessed.map(|s| s.position) {
                    Some(Position::Inside) => "inside",
                    Some(Position::Boundary) => "boundary",
                    Some(Position::Near) => "near",
                    Some(Position::Outside) => "outside",
                    None => "",
                }),
                Added::Role(r) => match covered {
                    Some(s) => self.person(s, *r),
                    None => Cell::Empty,
                },
                Added::Overlays => {
                    let overlays = &self.resolver.data().overlays;
                    let names: Vec<&str> = assessed
                        .map(|s| &s.overlays[..])
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|&i| overlays.get(i as usize))
                        .map(|o| o.area.name.as_str())
                        .collect();
                    if names.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(names.join(", ").into())
                    }
                }
                Added::Status => Cell::Word(a.status.as_str()),
                Added::Quality => match &a.located {
                    Some(l) => Cell::Word(l.quality),
                    None => Cell::Empty,
                },
                Added::Source => match &a.located {
                    Some(l) => Cell::Word(l.source.as_str()),
                    None => Cell::Empty,
                },
                Added::Lat | Added::Lon | Added::X | Added::Y => match &point {
                    Some(p) => Cell::Number(match column {
                        Added::Lat => p.wgs84.lat,
                        Added::Lon => p.wgs84.lon,
                        Added::X => p.rd.x,
                        _ => p.rd.y,
                    }),
                    None => Cell::Empty,
                },
                // One line per record: a message quoting a value with a line break stays on one.
                Added::Certainty => match &a.certainty {
                    Some(c) => Cell::Word(c.level.as_str()),
                    None => Cell::Empty,
                },
                Added::CertaintyRadius => match &a.certainty {
                    // To the decimetre, as a lookup states it.
                    Some(c) => Cell::Number((c.radius_m * 10.0).round() / 10.0),
                    None => Cell::Empty,
                },
                Added::AlsoPossible => match &a.certainty {
                    Some(c) if c.level != Level::Certain => {
                        let own = assessed.and_then(Assessment::coverage_area);
                        let names: Vec<&str> = c
                            .others(own)
                            .map(|o| self.names[self.coverage][o as usize][1].text.as_str())
                            .collect();
                        if names.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(names.join(", ").into())
                        }
                    }
                    _ => Cell::Empty,
                },
                Added::Message if a.message.contains(['\r', '\n']) => {
                    Cell::Text(a.message.replace(['\r', '\n'], " ").into())
                }
                Added::Message if a.status == Status::Outside && a.message.is_empty() => {
                    self.outside_message.cell()
                }
                Added::Message if a.message.is_empty() => Cell::Empty,
                Added::Message => Cell::Text(a.message.as_str().into()),
            };
            each(cell);
        }
    }

    /// Writes the added cells of an answer as CSV fields, each preceded by the delimiter.
    pub fn write_csv(&self, a: &Answer<'_>, out: &mut Vec<u8>) {
        let d = self.delimiter;
        let mut number = ryu::Buffer::new();
        self.cells(a, |cell| {
            out.push(d);
            match cell {
                Cell::Empty => {}
                Cell::Word(w) => out.extend_from_slice(w.as_bytes()),
                Cell::Cached(csv, _) => out.extend_from_slice(csv),
                Cell::Text(t) => out.extend(field(&t, d, self.encoding)),
                Cell::Number(v) => {
                    // Shortest round-trip digits, as a lookup's JSON; whole numbers without ".0".
                    let text = number.format_finite(v);
                    let text = text.strip_suffix(".0").unwrap_or(text);
                    match text.split_once('.') {
                        Some((whole, part)) if self.decimal_comma => {
                            // In a `,` file the comma must be quoted to stay one field.
                            let quote = d == b',';
                            if quote {
                                out.push(b'"');
                            }
                            out.extend_from_slice(whole.as_bytes());
                            out.push(b',');
                            out.extend_from_slice(part.as_bytes());
                            if quote {
                                out.push(b'"');
                            }
                        }
                        _ => out.extend_from_slice(text.as_bytes()),
                    }
                }
            }
        });
    }

    /// A CSV row's place, from the first kind of place the row has.
    pub fn place_row<'f>(&self, field: &dyn Fn(usize) -> Cow<'f, str>) -> Result<Located, Refusal> {
        let mut partial = None;
        // A place whose cells cannot be read gives way to the row's next place, with a note;
        // without one, the row is refused for it.
        let mut unreadable: Option<Refusal> = None;
        for place in &self.places.list {
            let filled = |i: &usize| !field(*i).is_empty();
            // A street that carries its own number needs no number column.
            let carries_number = matches!(place, Place::Street { street, .. }
                if own_number(&field(*street)).is_some());
            if carries_number || place.required().all(|i| filled(&i)) {
                match (self.place_from(place, field), &unreadable) {
                    (Err(r), None)
                        if matches!(r.status, Status::BadCoordinate | Status::BadAddress) =>
                    {
                        unreadable = Some(r);
                        continue;
                    }
                    (Ok(mut located), Some(r)) => {
                        located.note = t!(
                            "row-placed-from",
                            kind = place.kind().as_str(),
                            reason = &r.message,
                            note = located.note
                        )
                        .trim_end_matches([' ', ':'])
                        .to_string();
                        return Ok(located);
                    }
                    (result, None) => return result,
                    (Err(_), Some(_)) => continue,
                }
            }
            if partial.is_none()
                && let (Some(have), Some(empty)) = (
                    place.required().find(filled),
                    place.required().find(|i| !filled(i)),
                )
            {
                partial = Some(t!(
                    "row-column-half-empty",
                    empty = self.places.name(empty),
                    full = self.places.name(have),
                    value = field(have).into_owned()
                ));
            }
        }
        if let Some(r) = unreadable {
            return Err(r);
        }
        Err(refuse(
            Status::MissingPlace,
            partial.unwrap_or_else(|| {
                let kinds: Vec<String> = self
                    .places
                    .list
                    .iter()
                    .map(|p| {
                        p.required()
                            .map(|i| format!("'{}'", self.places.name(i)))
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .collect();
                let count = kinds.len();
                t!("row-no-place", columns = list_words(&kinds), count = count)
            }),
        ))
    }

    fn place_from<'f>(
        &self,
        place: &Place,
        field: &dyn Fn(usize) -> Cow<'f, str>,
    ) -> Result<Located, Refusal> {
        let number = |i: usize, example: &str| -> Result<f64, Refusal> {
            let text = field(i);
            // Most cells are plain numbers: parsed without the general reader's checks.
            if text
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
                && let Ok(v) = text.parse::<f64>()
            {
                return Ok(v);
            }
            parse_number("", &text).map_err(|_| {
                refuse(
                    Status::BadCoordinate,
                    t!(
                        "row-not-a-number",
                        column = self.places.name(i),
                        value = text.as_ref(),
                        example = example
                    ),
                )
            })
        };
        let coordinates = |point: Rd, source| Located {
            point,
            wgs84: None,
            source,
            quality: "coordinates",
            note: String::new(),
            notation_m: None,
            stated_m: None,
            spread_m: None,
            view_m: None,
        };
        match place {
            Place::LatLon { lat, lon } => {
                let (la, lo) = (number(*lat, "50.8514")?, number(*lon, "5.6910")?);
                let w = check_wgs84(la, lo).map_err(|e| {
                    let names = (self.places.name(*lat), self.places.name(*lon));
                    refuse(
                        Status::BadCoordinate,
                        in_columns(&e, names, Crs::Wgs84, self.near),
                    )
                })?;
                Ok(Located {
                    wgs84: Some(w),
                    ..coordinates(self.local.to_rd(w), SourceKind::LatLon)
                })
            }
            Place::Xy { x, y, crs } => {
                let (ex, ey) = match crs {
                    Crs::RdNew => ("176395.25", "317996.10"),
                    Crs::WebMercator => ("633519", "6595050"),
                    Crs::Wgs84 => ("5.6910", "50.8514"),
                };
                let (vx, vy) = (number(*x, ex)?, number(*y, ey)?);
                let p = check_projected(vx, vy, *crs).map_err(|e| {
                    let (nx, ny) = (self.places.name(*x), self.places.name(*y));
                    // In degrees the checks read y as the latitude.
                    let names = if *crs == Crs::Wgs84 {
                        (ny, nx)
                    } else {
                        (nx, ny)
                    };
                    refuse(
                        Status::BadCoordinate,
                        in_columns(&e, names, *crs, self.near),
                    )
                })?;
                Ok(coordinates(p, SourceKind::Xy))
            }
            Place::Postcode {
                postcode,
                number,
                letter,
                toevoeging,
            } => self.address(
                &Query::Parts {
                    postcode: field(*postcode).into_owned(),
                    huisnummer: field(*number).into_owned(),
                    huisletter: optional(field, *letter),
                    toevoeging: optional(field, *toevoeging),
                },
                SourceKind::Postcode,
            ),
            Place::Street {
                street,
                number,
                number_named,
                letter,
                toevoeging,
                woonplaats,
            } => {
                let street_cell = field(*street);
                let column = field(*number);
                let (name, huisnummer) = match own_number(&street_cell) {
                    // The address carries its own number: a house-number column that says
                    // another is a conflict to report, a serial column (`nr`) is not read.
                    Some((name, own)) => {
                        if *number_named && !column.is_empty() && !same_number(own, &column) {
                            return Err(refuse(
                                Status::BadAddress,
                                t!(
                                    "row-number-conflict",
                                    street = street_cell.as_ref(),
                                    own = own,
                                    column = self.places.name(*number),
                                    value = column.as_ref()
                                ),
                            ));
                        }
                        (name.to_string(), own.to_string())
                    }
                    None => (street_cell.into_owned(), column.into_owned()),
                };
                self.address(
                    &Query::Street {
                        street: name,
                        huisnummer,
                        huisletter: optional(field, *letter),
                        toevoeging: optional(field, *toevoeging),
                        woonplaats: optional(field, *woonplaats),
                    },
                    SourceKind::Street,
                )
            }
            Place::Text(i) => self.text(&field(*i)),
        }
    }

    /// Free text in any notation, as a lookup's `q=` reads it.
    pub fn text(&self, text: &str) -> Result<Located, Refusal> {
        match crate::query::parse(text, self.near) {
            Ok(crate::query::Input::Point(u)) => Ok(Located {
                point: u.rd,
                wgs84: None,
                source: SourceKind::Text,
                quality: "coordinates",
                note: u.understood_as,
                notation_m: u.precision_m,
                stated_m: u.stated_m,
                spread_m: None,
                view_m: u.view_m,
            }),
            Ok(crate::query::Input::Address(t)) => self.address(&Query::Text(t), SourceKind::Text),
            Err(e @ QueryError::Unreadable { .. }) => {
                Err(refuse(Status::BadAddress, e.to_string()))
            }
            Err(e) => Err(refuse(
                Status::BadAddress,
                in_columns(
                    &e,
                    (&t!("row-the-latitude"), &t!("row-the-longitude")),
                    Crs::Wgs84,
                    self.near,
                ),
            )),
        }
    }

    fn address(&self, q: &Query, source: SourceKind) -> Result<Located, Refusal> {
        match self.on.find_address(q) {
            Ok(f) => Ok(Located {
                point: f.best.address.rd,
                wgs84: None,
                source,
                quality: f.best.quality.as_str(),
                note: std::iter::once(format!(
                    "{} {}",
                    match &f.best.place {
                        Some(_) => &self.said_place,
                        None => &self.said_address,
                    },
                    f.best.address.label
                ))
                .chain(f.notes)
                .collect::<Vec<_>>()
                .join("; "),
                notation_m: None,
                stated_m: None,
                spread_m: f.spread_m,
                view_m: None,
            }),
            Err(Failure::Unreadable(r)) => Err(refuse(Status::BadAddress, r)),
            Err(Failure::NotFound { reason, .. }) => Err(refuse(Status::AddressNotFound, reason)),
            Err(Failure::Ambiguous { reason, candidates }) => Err(Refusal {
                certainty: Some(self.resolver.candidates_area_certainty(&candidates)),
                ..refuse(Status::AmbiguousAddress, reason)
            }),
        }
    }

    /// A point in `crs` (GeoJSON's own coordinates).
    pub fn point(&self, x: f64, y: f64, crs: Crs) -> Result<Located, Refusal> {
        let names = match crs {
            Crs::Wgs84 => (t!("row-the-latitude"), t!("row-the-longitude")),
            _ => ("x".to_string(), "y".to_string()),
        };
        let p = match crs {
            // RFC 7946: longitude, latitude.
            Crs::Wgs84 => check_wgs84(y, x).map(|w| self.local.to_rd(w)),
            other => check_projected(x, y, other),
        }
        .map_err(|e| {
            let names = (names.0.as_str(), names.1.as_str());
            refuse(Status::BadCoordinate, in_columns(&e, names, crs, self.near))
        })?;
        Ok(Located {
            point: p,
            wgs84: None,
            source: SourceKind::Geometry,
            quality: "coordinates",
            note: String::new(),
            notation_m: None,
            stated_m: None,
            spread_m: None,
            view_m: None,
        })
    }
}

/// Stands for the distance in a message rendered once for many rows (a character no name or
/// translation has).
const DISTANCE_MARK: &str = "\u{FFFC}";

pub(crate) fn bad_coordinate(message: impl Into<String>) -> Refusal {
    refuse(Status::BadCoordinate, message)
}

pub(crate) fn missing(message: impl Into<String>) -> Refusal {
    refuse(Status::MissingPlace, message)
}

/// A street cell that carries its own house number (`Vrijthof 16`, `Markt 78a`): the name
/// and the number as written. The number starts at the first word after the name's first that
/// begins with a digit and from which the rest reads as a house number.
pub(crate) fn own_number(street: &str) -> Option<(&str, &str)> {
    let street = street.trim();
    let mut at = 0;
    for word in street.split_whitespace() {
        let start = street[at..].find(word).map(|i| at + i)?;
        at = start + word.len();
        if start > 0
            && word.starts_with(|c: char| c.is_ascii_digit())
            && crate::address::normalize::HouseNumber::parse(&street[start..]).is_ok()
        {
            let name = street[..start].trim_end_matches([' ', ',']);
            return (!name.is_empty()).then_some((name, &street[start..]));
        }
    }
    None
}

/// Whether two house numbers as written name the same number (`16` and `16 `; `16a` and
/// `16 A`): compared on their readings.
fn same_number(a: &str, b: &str) -> bool {
    use crate::address::normalize::HouseNumber;
    match (HouseNumber::parse(a), HouseNumber::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.trim().eq_ignore_ascii_case(b.trim()),
    }
}

fn optional<'f>(field: &dyn Fn(usize) -> Cow<'f, str>, column: Option<usize>) -> Option<String> {
    column
        .map(field)
        .filter(|v| !v.is_empty())
        .map(Cow::into_owned)
}

/// `a`, `a and b`, `a, b and c`.
fn list_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => t!("list-and", first = rest.join(", "), last = last),
    }
}

/// A coordinate problem said in terms of the two columns (or parts) that hold the pair:
/// `names` are the names for the values the checks call lat (or x) and lon (or y), and `crs`
/// is how they were read.
fn in_columns(
    e: &QueryError,
    names: (&str, &str),
    crs: Crs,
    near: &crate::query::Locality,
) -> String {
    let (a, b) = names;
    match e {
        QueryError::OutOfRange {
            param,
            value,
            min,
            max,
        } => {
            let name = if matches!(*param, "lat" | "x") { a } else { b };
            t!(
                "row-out-of-range",
                name = name,
                value = value.to_string(),
                min = min.to_string(),
                max = max.to_string(),
                crs = crs.to_string()
            )
        }
        QueryError::LooksSwapped { lat, lon, .. } => t!(
            "row-swapped",
            a = a,
            b = b,
            va = lat.to_string(),
            vb = lon.to_string(),
            municipality = near.name.as_str(),
            lat = format!("{:.2}", near.lat),
            lon = format!("{:.2}", near.lon)
        ),
        QueryError::LooksLikeRd { a: va, b: vb } => t!(
            "row-looks-like-rd",
            a = a,
            b = b,
            va = va.to_string(),
            vb = vb.to_string()
        ),
        QueryError::LooksLikeWebMercator { a: va, b: vb } => t!(
            "row-looks-like-web-mercator",
            a = a,
            b = b,
            va = va.to_string(),
            vb = vb.to_string()
        ),
        QueryError::LooksLikeDegrees { x, y } => t!(
            "row-looks-like-degrees",
            a = a,
            b = b,
            va = x.to_string(),
            vb = y.to_string(),
            crs = crs.to_string()
        ),
        other => other.to_string(),
    }
}
