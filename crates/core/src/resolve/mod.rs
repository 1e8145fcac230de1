//! Place -> areas -> responsibilities: the one function every interface calls.
//!
//! [`Resolver`] owns validated geodata and one spatial index per layer. Every answer is for one
//! moment, and so one day (`as_of`, or the day of `at` in Europe/Amsterdam, default now):
//! [`Resolver::on`] picks the period of the geodata's generations that holds on that day, and
//! the roster's validity periods decide the contacts. [`On`] is that choice made once
//! ([`Resolver::moment`]) and carried through a request or a batch, and every answering method
//! lives there once: [`On::lookup`] takes a [`crate::query::Place`] (a point, text read by the
//! grammar, or an address) as any door decided it and returns an [`Answer`]: the area of every
//! layer, the position, the contacts, the certainty, or, outside coverage, the nearest area and
//! the distance to it. HTTP and the CLI call it; batch classification calls the same functions
//! per row ([`Resolver::locate_into`], `certainty_at`, the contacts, the address search) without
//! building an `Answer`, and a property test compares the doors.
//!
//! Layers are made consistent through the base layer: the point's buurt is found first (with
//! the index's tie-break rule), and every layer the buurt nests in follows the buurt by parent
//! link, so a point on a boundary never gets a buurt from one LWA area and the other LWA area.
//!
//! Files: this one builds the resolvers and answers; `address` decides which address a query
//! stands for (or why it is ambiguous), `answer` holds what an answer is made of, `on` the view
//! of one moment.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use jiff::civil::Date;

use crate::address::{AddressIndex, Failure};
use crate::crs::Rd;
use crate::geodata::{Area, Geodata, Period, SourceInfo};
use crate::index::{Detail, Hit, Index, Position};
use crate::roster::{self, Audience, Contact};
use crate::situations::UnknownSituation;
use crate::t;
use crate::text::{self, Lang};

mod address;
mod answer;
mod assess;
mod certainty;
mod names;
mod on;
mod overlays;

pub use answer::*;
pub use assess::{Ask, Assessment};
pub use certainty::{AreaCertainty, AreaShare, Certainty, LIKELY_SHARE, Level, Uncertainty};
pub use on::{On, Parts, day_of};
pub use overlays::OverlayRef;

/// Validated geodata with its indexes: everything needed to answer.
#[derive(Debug)]
pub struct Resolver {
    data: Geodata,
    index: Index,
    base: usize,
    coverage: usize,
    /// For each base area, per layer: the index of its parent area in that layer, if any.
    parents: Vec<Vec<Option<u32>>>,
    /// Contacts depend only on the areas a point is in, the day and the audience, and a city
    /// has few such combinations: build each list once.
    contact_cache: RwLock<ContactCache>,
    addresses: Arc<AddressIndex>,
    /// The `data` block, for the day the resolver was built (answers carry their own day's).
    meta: Rendered<DataMeta>,
    /// The days this resolver's generations hold.
    period: Period,
    /// How far outside the covered area a place is still answered with the nearest area.
    near_m: f64,
    /// The positional accuracy of this period's coverage boundaries, in metres: part of every
    /// answer's certainty radius.
    accuracy_m: f64,
    /// Per coverage area, the messages of a place inside it and on its boundary in each
    /// language: rendered once, since most answers say one of them.
    area_messages: Vec<AreaMessages>,
    /// The earlier periods, oldest first (empty in those themselves).
    earlier: Vec<Earlier>,
    /// The grid every period's index is built with.
    detail: Detail,
}

/// An earlier period of the data, indexed the first time an answer asks for a day in it: a
/// one-shot lookup of today, and a service that is never asked about the past, index only the
/// current generations.
#[derive(Debug)]
struct Earlier {
    period: Period,
    /// Built with the addresses of the resolver that holds it.
    resolver: std::sync::OnceLock<Resolver>,
}

/// Why `as_of` cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AsOfError {
    #[error("{}", t!("as-of-malformed", text = .0))]
    Malformed(String),
    #[error(transparent)]
    NotCovered(#[from] DayNotCovered),
    /// `as_of` and `at` name different days: one answer is for one day.
    #[error("{}", t!("as-of-at-two-days", as_of = as_of.to_string(), at = at.to_string()))]
    TwoDays { as_of: Date, at: Date },
}

/// A day no data answers for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", t!("as-of-before-the-data", day = day.to_string(), from = from.to_string()))]
pub struct DayNotCovered {
    pub day: Date,
    pub from: Date,
}

/// Who asks, the language (a contact's `why` is in words), the area (index) hit in each layer
/// and the overlays (indexes) the place lies in.
type ContactKey = (Audience, usize, Vec<Option<u32>>, Vec<u32>);

#[derive(Debug, Default)]
struct ContactCache {
    lists: HashMap<(Date, ContactKey), Contacts>,
    metas: HashMap<Date, Rendered<DataMeta>>,
}

/// Entries kept before the cache starts over: many days of many area combinations.
const CACHE_LIMIT: usize = 20_000;

/// Why an address query has no single answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AddressLookupError {
    #[error("{}", .0.reason())]
    Address(Failure),
    #[error(transparent)]
    Situation(#[from] UnknownSituation),
}

/// Generalised boundaries (a few vertices per buurt) can be off by tens of metres; a place that
/// close outside them is taken to lie in the nearest area. Full-resolution boundaries are taken
/// as drawn.
pub const NEAR_GENERALISED_M: f64 = 25.0;

/// Full-resolution boundaries (BRK, the municipality's own): about a metre.
pub const ACCURACY_FULL_RESOLUTION_M: f64 = 1.0;

/// The positional accuracy of the coverage boundaries of a generation: declared in the
/// manifest (per layer generation, or for the whole source), else judged from whether they are
/// generalised.
fn accuracy_m(data: &Geodata, coverage: usize) -> f64 {
    data.layers
        .get(coverage)
        .and_then(|l| l.info.accuracy_m)
        .or(data.manifest.source.accuracy_m)
        .unwrap_or(if data.manifest.source.generalized {
            NEAR_GENERALISED_M
        } else {
            ACCURACY_FULL_RESOLUTION_M
        })
}

fn near_tolerance_m(data: &Geodata) -> f64 {
    if data.manifest.source.generalized {
        NEAR_GENERALISED_M
    } else {
        0.0
    }
}

fn data_meta(data: &Geodata, addresses: &AddressIndex, period: Period, day: Date) -> DataMeta {
    let SourceInfo {
        mut name,
        mut year,
        generalized,
        accuracy_m: _,
        attribution,
        licence,
    } = data.manifest.source.clone();
    // An earlier generation of the base layer names its own source.
    if let Some(base) = data.layer(&data.manifest.base_layer) {
        name = base.info.source.clone().unwrap_or(name);
        year = base.info.year.unwrap_or(year);
    }
    DataMeta {
        as_of: day,
        valid_from: period.from,
        valid_until: period.until,
        near_tolerance_m: near_tolerance_m(data),
        boundary_accuracy_m: accuracy_m(
            data,
            data.layer_index(&data.manifest.coverage_layer)
                .unwrap_or_default(),
        ),
        // The areas' files and the addresses' own hash: either changing is new data.
        version: format!("{}-{}", data.version, addresses.version()),
        source: name,
        year,
        generalized,
        attribution,
        licence,
        coverage: data.manifest.coverage_name.clone(),
        addresses: Arc::new(addresses.meta(&data.municipality.code)),
    }
}

/// What an answer says of a place in one coverage area, per language ([`Lang::index`]).
#[derive(Debug)]
struct AreaMessages {
    inside: [String; 2],
    boundary: [String; 2],
}

fn area_messages(data: &Geodata, coverage: usize) -> Vec<AreaMessages> {
    let coverage_name = &data.manifest.coverage_name;
    let in_each = |say: &dyn Fn() -> String| Lang::ALL.map(|l| text::sync_scope(l, say));
    data.layers
        .get(coverage)
        .map(|l| &l.areas[..])
        .unwrap_or_default()
        .iter()
        .map(|a| AreaMessages {
            inside: in_each(&|| t!("answer-inside", area = &a.name, coverage = coverage_name)),
            boundary: in_each(&|| t!("answer-boundary", area = &a.name)),
        })
        .collect()
}

/// The direction from `from` to `to` on an eight-point compass, 0 north, clockwise (RD New's x
/// runs east and y north).
fn compass(from: Rd, to: Rd) -> usize {
    let degrees = (to.x - from.x)
        .atan2(to.y - from.y)
        .to_degrees()
        .rem_euclid(360.0);
    ((degrees + 22.5) / 45.0) as usize % 8
}

/// A distance as the words of an outside place say it: metres below a kilometre.
fn distance_words(m: f64) -> String {
    if m >= 1000.0 {
        format!("{:.1} km", m / 1000.0)
    } else {
        format!("{m:.0} m")
    }
}

/// A direction of [`compass`] in words, in the current language.
fn compass_words(direction: usize) -> String {
    match direction {
        0 => t!("compass-n"),
        1 => t!("compass-ne"),
        2 => t!("compass-e"),
        3 => t!("compass-se"),
        4 => t!("compass-s"),
        5 => t!("compass-sw"),
        6 => t!("compass-w"),
        _ => t!("compass-nw"),
    }
}

impl Resolver {
    /// Indexes every period of the data: the latest generations in this resolver, each
    /// earlier period in one of its own.
    pub fn new(data: Geodata) -> Resolver {
        Resolver::with_detail(data, Detail::Fine)
    }

    /// A resolver for a command that answers one place and exits: the same answers, from an
    /// index that is quicker to build and slower per point ([`Detail::Coarse`]).
    pub fn for_one_answer(data: Geodata) -> Resolver {
        Resolver::with_detail(data, Detail::Coarse)
    }

    fn with_detail(data: Geodata, detail: Detail) -> Resolver {
        let periods = data.periods();
        let (latest, earlier) = periods.split_last().expect("periods() is never empty");
        let earlier = earlier
            .iter()
            .filter(|p| data.has_view(p))
            .map(|p| Earlier {
                period: *p,
                resolver: std::sync::OnceLock::new(),
            })
            .collect();
        let mut resolver = Resolver::single(data, *latest, detail);
        resolver.earlier = earlier;
        resolver
    }

    /// One period's resolver, over `data.layers` only.
    fn single(data: Geodata, period: Period, detail: Detail) -> Resolver {
        let geometries: Vec<Vec<_>> = data
            .layers
            .iter()
            .map(|l| l.areas.iter().map(|a| a.geometry.clone()).collect())
            .collect();
        let index = Index::build_with(&geometries, detail);
        // Validation guarantees both layers exist.
        let base = data.layer_index(&data.manifest.base_layer).unwrap_or(0);
        let coverage = data.layer_index(&data.manifest.coverage_layer).unwrap_or(0);
        let parents = data.layers[base]
            .areas
            .iter()
            .map(|area| {
                data.layers
                    .iter()
                    .map(|layer| {
                        let pid = area.parents.get(&layer.info.id)?;
                        layer
                            .areas
                            .iter()
                            .position(|a| &a.id == pid)
                            .map(|i| i as u32)
                    })
                    .collect()
            })
            .collect();
        let addresses = match &data.places {
            Some(places) => AddressIndex::with_landmarks(AddressIndex::embedded(), places.clone()),
            None => AddressIndex::embedded(),
        };
        let area_messages = area_messages(&data, coverage);
        Resolver {
            index,
            base,
            coverage,
            parents,
            area_messages,
            contact_cache: RwLock::new(ContactCache::default()),
            meta: Rendered::new(data_meta(&data, &addresses, period, roster::today())),
            addresses,
            near_m: near_tolerance_m(&data),
            accuracy_m: accuracy_m(&data, coverage),
            data,
            period,
            earlier: Vec::new(),
            detail,
        }
    }

    /// The same resolver with another address index (default: the embedded one).
    pub fn with_addresses(mut self, addresses: Arc<AddressIndex>) -> Resolver {
        let addresses = match &self.data.places {
            Some(places) => AddressIndex::with_landmarks(addresses, places.clone()),
            None => addresses,
        };
        // One built before holds the previous addresses.
        for e in &mut self.earlier {
            e.resolver = std::sync::OnceLock::new();
        }
        self.meta = Rendered::new(data_meta(
            &self.data,
            &addresses,
            self.period,
            roster::today(),
        ));
        if let Ok(mut cache) = self.contact_cache.write() {
            cache.metas.clear();
        }
        self.addresses = addresses;
        self
    }

    /// Answers as they hold on `day`: the period's generations and the roster of that day, with
    /// report routes for the current wall-clock time on that day.
    pub fn on(&self, day: Date) -> Result<On<'_>, DayNotCovered> {
        let epoch = if self.period.contains(day) {
            Some(self)
        } else {
            self.earlier
                .iter()
                .find(|e| e.period.contains(day))
                .map(|e| self.earlier_resolver(e))
        };
        epoch
            .map(|epoch| On {
                root: self,
                epoch,
                day,
                moment: on::Moment::WallClock,
                parts: Parts::ALL,
            })
            .ok_or(DayNotCovered {
                day,
                from: self.first_day().unwrap_or(day),
            })
    }

    /// [`Resolver::on`], or for a day no period covers, that day's roster on the earliest
    /// period's areas.
    fn on_or_earliest(&self, day: Date) -> On<'_> {
        self.on(day).unwrap_or_else(|_| On {
            root: self,
            epoch: self.earliest(),
            day,
            moment: on::Moment::WallClock,
            parts: Parts::ALL,
        })
    }

    /// `as_of` as every door takes it (read by [`parse_as_of`]): absent is today, otherwise a
    /// day the data covers.
    pub fn as_of(&self, as_of: Option<Date>) -> Result<On<'_>, AsOfError> {
        match as_of {
            None => Ok(self.today()),
            Some(day) => Ok(self.on(day)?),
        }
    }

    /// The one moment of an answer from a door's `as_of` and `at`: `at` names the day (in
    /// Europe/Amsterdam) as well as the time, `as_of` alone the day at the current wall-clock
    /// time, neither now. Both naming different days are refused, as is a day the data does
    /// not cover.
    pub fn moment(
        &self,
        as_of: Option<Date>,
        at: Option<jiff::Timestamp>,
    ) -> Result<On<'_>, AsOfError> {
        let Some(at) = at else {
            return self.as_of(as_of);
        };
        let day = day_of(at);
        let on = match as_of {
            None => self.on(day)?,
            Some(as_of) => self.on(as_of)?,
        };
        if on.day != day {
            return Err(AsOfError::TwoDays {
                as_of: on.day,
                at: day,
            });
        }
        Ok(on.at(at))
    }

    /// Answers as they hold now, on today's date in Europe/Amsterdam (the day of the roster
    /// and of the report routes alike). Data whose periods all begin later answers with its
    /// earliest period.
    pub fn today(&self) -> On<'_> {
        On {
            moment: on::Moment::Now,
            ..self.on_or_earliest(day_of(jiff::Timestamp::now()))
        }
    }

    /// The first day the data answers for (`None`: every day).
    pub fn first_day(&self) -> Option<Date> {
        self.earlier.first().map_or(self.period, |e| e.period).from
    }

    /// The resolver of an earlier period, indexed on first use.
    fn earlier_resolver<'s>(&'s self, e: &'s Earlier) -> &'s Resolver {
        e.resolver.get_or_init(|| {
            let view = (self.data.view(&e.period))
                .expect("new() keeps only periods every layer has a generation for");
            Resolver::single(view, e.period, self.detail).with_addresses(self.addresses.clone())
        })
    }

    /// The resolver of the earliest period (this one when there is no other).
    fn earliest(&self) -> &Resolver {
        self.earlier
            .first()
            .map_or(self, |e| self.earlier_resolver(e))
    }

    /// The periods of the data, oldest first, each with its own generations.
    pub fn periods(&self) -> Vec<Period> {
        self.earlier
            .iter()
            .map(|e| e.period)
            .chain(std::iter::once(self.period))
            .collect()
    }

    /// The days this resolver's own generations hold.
    pub fn period(&self) -> Period {
        self.period
    }

    /// The `data` block of an answer for `day`, written once per day.
    fn meta_on(&self, day: Date) -> Rendered<DataMeta> {
        if self.meta.as_of == day {
            return self.meta.clone();
        }
        if let Ok(cache) = self.contact_cache.read()
            && let Some(meta) = cache.metas.get(&day)
        {
            return meta.clone();
        }
        let meta = Rendered::new(DataMeta {
            as_of: day,
            ..(*self.meta).clone()
        });
        if let Ok(mut cache) = self.contact_cache.write() {
            if cache.metas.len() > CACHE_LIMIT {
                cache.metas.clear();
            }
            cache.metas.insert(day, meta.clone());
        }
        meta
    }

    pub fn addresses(&self) -> &Arc<AddressIndex> {
        &self.addresses
    }

    /// What answers say of the address index, with how to load this municipality's register.
    pub fn address_meta(&self) -> crate::address::AddressMeta {
        self.addresses.meta(&self.data.municipality.code)
    }

    pub fn data(&self) -> &Geodata {
        &self.data
    }

    /// The area of every layer for a point, made consistent through the base layer.
    pub fn locate_all(&self, p: Rd) -> Vec<Option<Hit>> {
        let mut hits: Vec<Option<Hit>> = vec![None; self.index.len()];
        self.locate_into(p, &mut hits);
        hits
    }

    /// [`Resolver::locate_all`] into a caller's buffer (one slot per layer), for bulk work
    /// that should not allocate per point.
    pub fn locate_into(&self, p: Rd, hits: &mut [Option<Hit>]) {
        self.index.locate_all(p, hits);
        // Most points outside lie far from the coverage: the grid says so in one read, and the
        // edge search (the cost of an outside point) is left for those within reach.
        if hits[self.coverage].is_none()
            && self.near_m > 0.0
            && !self
                .index
                .layer(self.base)
                .clear_of_boundaries(p, self.near_m)
            && let Some(n) = self.index.layer(self.base).nearest(p)
            && n.distance_m <= self.near_m
        {
            hits.fill(None);
            hits[self.base] = Some(Hit {
                area: n.area,
                position: Position::Near,
            });
        }
        if let Some(base_hit) = hits[self.base] {
            for (layer, parent) in self.parents[base_hit.area as usize].iter().enumerate() {
                if let Some(parent) = *parent
                    && layer != self.base
                {
                    let own = hits[layer];
                    let position = match own {
                        _ if base_hit.position == Position::Near => Position::Near,
                        Some(h) if h.area == parent => h.position,
                        _ => Position::Boundary,
                    };
                    hits[layer] = Some(Hit {
                        area: parent,
                        position,
                    });
                }
            }
        }
    }

    /// Scratch space for [`Resolver::coverage_area`]: one slot per layer.
    pub fn hits_buffer(&self) -> Vec<Option<Hit>> {
        vec![None; self.index.len()]
    }

    /// The coverage area a point is answered with (inside, on the boundary or near), with the
    /// same layer consistency as an answer, located into the caller's `hits` so that a loop
    /// over many points does not allocate per point.
    pub(super) fn coverage_area(&self, p: Rd, hits: &mut [Option<Hit>]) -> Option<u32> {
        self.locate_into(p, hits);
        hits[self.coverage].map(|h| h.area)
    }

    /// The base layer's entry of [`Resolver::locate_all`]'s answer.
    pub fn base_hit(&self, hits: &[Option<Hit>]) -> Option<Hit> {
        hits.get(self.base).copied().flatten()
    }

    fn area(&self, layer: usize, hit: Option<Hit>) -> Option<&Area> {
        hit.map(|h| &self.data.layers[layer].areas[h.area as usize])
    }

    /// Where the data comes from, as every answer's `data` block says.
    pub fn meta(&self) -> &DataMeta {
        &self.meta
    }

    /// How a point outside the coverage lies from it: the words "1.2 km north-east of <area>"
    /// that a lookup's message and a batch row's say alike.
    pub fn outside_words(&self, p: Rd) -> Option<String> {
        let n = self.index.layer(self.coverage).nearest(p)?;
        Some(self.words_from(&n, p))
    }

    /// [`Resolver::outside_words`] for a nearest boundary already found.
    fn words_from(&self, n: &crate::index::Nearest, p: Rd) -> String {
        self.outside_where(n.area, compass(n.point, p), &distance_words(n.distance_m))
    }

    /// Where a place outside the coverage lies from it, undecided into words: the nearest
    /// coverage area, the direction from it (see [`Resolver::outside_where`]) and the distance
    /// in words. Bulk work renders the words of each area and direction once.
    pub fn outside_of(&self, p: Rd) -> Option<(u32, usize, String)> {
        let n = self.index.layer(self.coverage).nearest(p)?;
        Some((n.area, compass(n.point, p), distance_words(n.distance_m)))
    }

    /// The words of [`Resolver::outside_words`] for coverage area `area`, compass direction
    /// `direction` (0 north, clockwise, of eight) and `distance` in words.
    pub fn outside_where(&self, area: u32, direction: usize, distance: &str) -> String {
        let area = &self.data.layers[self.coverage].areas[area as usize];
        t!(
            "outside-where",
            distance = distance,
            direction = compass_words(direction),
            area = &area.name
        )
    }

    /// The number of coverage areas.
    pub fn coverage_areas(&self) -> usize {
        self.data.layers[self.coverage].areas.len()
    }

    fn resolve_at(
        &self,
        p: Rd,
        u: &Uncertainty,
        audience: Audience,
        day: Date,
        parts: Parts,
    ) -> Answer {
        let mut buffer = self.hits_buffer();
        let ask = Ask {
            certainty: true,
            overlays: true,
            strict_inside: false,
        };
        let assessed = self.assess(p, u, day, ask, &mut buffer);
        let hits = assessed.hits;
        let by_layer = |id: &str| {
            self.data
                .layer_index(id)
                .and_then(|i| self.area(i, hits[i]))
        };
        // The answer's fixed members name the layers the municipality's profile gives them.
        let members = &self.data.municipality.members;
        let member = |layer: &Option<String>| layer.as_deref().and_then(by_layer);
        let areas: Vec<LayerHit> = hits
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let h = (*h)?;
                let a = &self.data.layers[i].areas[h.area as usize];
                Some(LayerHit {
                    layer: self.data.layers[i].info.id.clone(),
                    id: a.id.clone(),
                    name: a.name.clone(),
                    code: a.code.clone(),
                    position: h.position,
                })
            })
            .collect();
        let covered = assessed.covered();
        let position = assessed.position;
        // The overlays the answer names: those the place lies in (the assessment's, whose
        // people it gets) and those whose edge lies within the place's own uncertainty.
        // Overlays are drawn by the municipality at full resolution: the place's uncertainty
        // decides, not the generalised areas' boundary accuracy.
        let overlays = if covered {
            let own_m = Uncertainty {
                data_m: ACCURACY_FULL_RESOLUTION_M,
                ..*u
            };
            self.overlay_refs(p, day, own_m.radius_m())
        } else {
            Vec::new()
        };
        let inside_overlays = &assessed.overlays;
        let contacts = if covered && parts.contacts {
            let mut ids: Vec<&str> = areas.iter().map(|a| a.id.as_str()).collect();
            ids.extend(
                inside_overlays
                    .iter()
                    .map(|&i| self.data.overlays[i as usize].area.id.as_str()),
            );
            self.contacts_cached(hits, inside_overlays, &ids, audience, day)
        } else {
            Contacts::new(Vec::new())
        };
        let own = assessed.coverage_area();
        let certainty = self.certainty_at(p, &assessed, u, audience, day, parts.certainty);
        let also_possible: Vec<AreaRef> = if certainty.level == Level::Certain {
            Vec::new()
        } else {
            let own_id = own.map(|a| {
                self.data.layers[self.coverage].areas[a as usize]
                    .id
                    .as_str()
            });
            certainty
                .areas
                .iter()
                .filter(|a| Some(a.id.as_str()) != own_id)
                .map(|a| AreaRef {
                    id: a.id.clone(),
                    name: a.name.clone(),
                })
                .collect()
        };
        let hit = if covered && position != Position::Near {
            None
        } else {
            self.index.layer(self.coverage).nearest(p)
        };
        let nearest = hit.as_ref().map(|n| {
            let a = &self.data.layers[self.coverage].areas[n.area as usize];
            NearestOut {
                lwa: AreaRef {
                    id: a.id.clone(),
                    name: a.name.clone(),
                },
                distance_m: (n.distance_m * 10.0).round() / 10.0,
            }
        });
        let coverage_name = &self.data.manifest.coverage_name;
        let message = match (&nearest, by_layer(&self.data.manifest.coverage_layer)) {
            _ if !parts.message => String::new(),
            (Some(n), Some(a)) if position == Position::Near => t!(
                "answer-near",
                distance = format!("{:.0}", n.distance_m),
                tolerance = format!("{:.0}", self.near_m),
                area = &a.name,
                coverage = coverage_name
            ),
            (_, Some(_)) => {
                let said = hits[self.coverage]
                    .and_then(|h| self.area_messages.get(h.area as usize))
                    .map(|m| {
                        if position == Position::Boundary {
                            &m.boundary
                        } else {
                            &m.inside
                        }
                    });
                said.map(|m| m[text::current().index()].clone())
                    .unwrap_or_default()
            }
            (Some(_), None) => t!(
                "answer-outside-nearest",
                coverage = coverage_name,
                place = hit
                    .as_ref()
                    .map(|n| self.words_from(n, p))
                    .unwrap_or_default()
            ),
            (None, None) => t!("answer-outside", coverage = coverage_name),
        };
        // The notation's own words say it when the text was coarse (see `On::resolve_understood`).
        let message = if also_possible.is_empty() || u.notation_m.is_some() || !parts.message {
            message
        } else {
            let also = t!(
                "answer-uncertain",
                level = certainty.level.words(),
                metres = format!("{:.0}", certainty.radius_m),
                areas = also_possible
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            format!("{message} {also}")
        };
        Answer {
            position,
            point: PointOut::of(p),
            lwa: member(&members.lwa).map(|a| AreaRef {
                id: a.id.clone(),
                name: a.name.clone(),
            }),
            wijk: member(&members.wijk).map(code_ref),
            buurt: member(&members.buurt).map(code_ref),
            areas,
            contacts,
            overlays: overlays.into_iter().map(|(_, o)| o).collect(),
            nearest,
            message,
            understood: None,
            certainty,
            also_possible,
            situation: None,
            address: None,
            place: None,
            data: self.meta_on(day),
        }
    }

    /// The contacts for the areas `ids`, which `hits` located: built once per combination of
    /// areas, day and audience.
    fn contacts_cached(
        &self,
        hits: &[Option<Hit>],
        overlays: &[u32],
        ids: &[&str],
        audience: Audience,
        day: Date,
    ) -> Contacts {
        let key = (
            day,
            (
                audience,
                text::current().index(),
                hits.iter().map(|h| h.map(|h| h.area)).collect::<Vec<_>>(),
                overlays.to_vec(),
            ),
        );
        if let Ok(cache) = self.contact_cache.read()
            && let Some(list) = cache.lists.get(&key)
        {
            return list.clone();
        }
        let list = Contacts::new(self.contacts_for_ids(ids, day, audience));
        if let Ok(mut cache) = self.contact_cache.write() {
            if cache.lists.len() > CACHE_LIMIT {
                cache.lists.clear();
            }
            cache.lists.insert(key, list.clone());
        }
        list
    }

    fn resolve_situation_at(
        &self,
        p: Rd,
        u: &Uncertainty,
        situation: Option<&str>,
        audience: Audience,
        day: Date,
        parts: Parts,
    ) -> Result<Answer, UnknownSituation> {
        let s = situation
            .map(|id| self.data.situations.get(id))
            .transpose()?;
        let mut answer = self.resolve_at(p, u, audience, day, parts);
        answer.situation = s.map(|s| self.data.situations.for_place(s, &answer.contacts));
        Ok(answer)
    }

    /// The one way every door picks contacts: the roster's for these areas and overlays on
    /// `day`, plus a vacancy for each required role that dates leave empty in a coverage area.
    /// Those assigned to an overlay the place lies in come first: that is where
    /// responsibility does not follow the areas.
    fn contacts_for_ids(&self, ids: &[&str], day: Date, audience: Audience) -> Vec<Contact> {
        use crate::roster::WhyRule;
        let mut contacts = self.data.roster.contacts_for(ids, day, audience);
        let coverage = &self.data.layers[self.coverage];
        for id in ids.iter().filter(|id| coverage.find(id).is_some()) {
            for gap in self.data.roster.gaps(id, day) {
                contacts.push(self.data.roster.vacancy(&gap, audience));
            }
        }
        for c in &mut contacts {
            self.explain(&mut c.why, day);
        }
        let roster = &self.data.roster;
        contacts.sort_by_cached_key(|c| (c.why.rule != WhyRule::Overlay, roster.rank(&c.role)));
        contacts
    }

    /// Names the area (or overlay) in `why` and says it in words, in the current language.
    fn explain(&self, why: &mut crate::roster::Why, day: Date) {
        use crate::roster::WhyRule;
        if let Some(a) = &mut why.area {
            if let Some((layer, area)) = self
                .data
                .layers
                .iter()
                .find_map(|l| l.find(&a.id).map(|area| (l, area)))
            {
                a.name = area.name.clone();
                a.layer = layer.info.id.clone();
            } else if let Some(o) = self.overlay_on(&a.id, day) {
                a.name = o.area.name.clone();
                a.layer = crate::geodata::overlay::LAYER.to_string();
                if why.rule == WhyRule::Area {
                    why.rule = WhyRule::Overlay;
                }
            }
        }
        let mut period = match (why.valid_from, why.valid_until) {
            (None, None) => String::new(),
            (Some(f), None) => t!("why-from", day = f.to_string()),
            (None, Some(u)) => t!("why-until", day = u.to_string()),
            (Some(f), Some(u)) => t!("why-between", from = f.to_string(), until = u.to_string()),
        };
        if let Some(h) = &why.hours {
            period.push_str(&if why.outside_hours {
                t!("why-outside-hours", hours = h.as_str())
            } else {
                t!("why-hours", hours = h.as_str())
            });
        }
        let area = why
            .area
            .as_ref()
            .map(|a| format!("{} ({})", a.name, a.id))
            .unwrap_or_default();
        why.text = match why.rule {
            WhyRule::Area => t!("why-area", area = area, period = period),
            WhyRule::Overlay => t!("why-overlay", area = area, period = period),
            WhyRule::City => t!(
                "why-city",
                municipality = self.data.municipality.name.as_str(),
                period = period
            ),
            WhyRule::Vacant => t!("why-vacant", area = area, period = period),
        };
    }
}

/// A door's `as_of` (`--as-of`, `?as_of=`): `YYYY-MM-DD`, or what is wrong with it.
pub fn parse_as_of(text: &str) -> Result<Date, AsOfError> {
    let text = text.trim();
    parse_day(text).ok_or_else(|| AsOfError::Malformed(text.to_string()))
}

/// A calendar date written `YYYY-MM-DD`, nothing else: `2021-6-1` or a timestamp is refused
/// rather than guessed.
pub fn parse_day(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    shape.then(|| text.parse::<Date>().ok()).flatten()
}

fn code_ref(a: &Area) -> CodeRef {
    CodeRef {
        code: a.code.clone().unwrap_or_else(|| a.id.clone()),
        name: a.name.clone(),
    }
}
