//! Place -> areas -> responsibilities: the one function every interface calls.
//!
//! [`Resolver`] owns validated geodata and one spatial index per layer. [`Resolver::resolve`]
//! turns a point in RD into an [`Answer`]: the area of every layer, the position, the contacts
//! for that place, or, outside coverage, the nearest area and the distance to it. HTTP, the CLI
//! and batch classification are thin shells around it and never look areas up themselves.
//!
//! Every answer is for a day (`as_of`, default today): [`Resolver::on`] picks the period of the
//! geodata's generations that holds on that day, and the roster's validity periods decide the
//! contacts. [`On`] is that choice made once and carried through a request or a batch.
//!
//! Layers are made consistent through the base layer: the point's buurt is found first (with
//! the index's tie-break rule), and every layer the buurt nests in follows the buurt by parent
//! link, so a point on a boundary never gets a buurt from one LWA area and the other LWA area.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use jiff::civil::Date;
use serde::Serialize;

use crate::address::{
    self, AddressIndex, AddressMeta, Candidate, Failure, Found, MatchQuality, Query,
};
use crate::crs::{Rd, Wgs84, transformer};
use crate::geodata::{Area, Geodata, Period, SourceInfo};
use crate::index::{Hit, Index, Position};
use crate::roster::{self, Audience, Contact};
use crate::situations::{Handling, UnknownSituation};
use crate::t;
use crate::text::{self, Lang};

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
    /// Per coverage area, the messages of a place inside it and on its boundary in each
    /// language: rendered once, since most answers say one of them.
    area_messages: Vec<AreaMessages>,
    /// Resolvers of the earlier periods, oldest first (empty in those themselves).
    earlier: Vec<Resolver>,
}

/// Why `as_of` cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AsOfError {
    #[error("{}", t!("as-of-malformed", text = .0))]
    Malformed(String),
    #[error(transparent)]
    NotCovered(#[from] DayNotCovered),
}

/// A day no data answers for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", t!("as-of-before-the-data", day = day.to_string(), from = from.to_string()))]
pub struct DayNotCovered {
    pub day: Date,
    pub from: Date,
}

/// A shared value with its JSON written once. Most of an answer's bytes are its contacts and
/// its `data` block, and the same few lists and one block serve every lookup: an answer holds
/// two pointers and its serialisation copies bytes.
#[derive(Debug)]
pub struct Rendered<T> {
    value: Arc<T>,
    json: Arc<serde_json::value::RawValue>,
}

impl<T: Serialize> Rendered<T> {
    fn new(value: T) -> Rendered<T> {
        // Serialising plain data (strings, numbers, lists) cannot fail; `null` would say so.
        let json = serde_json::value::to_raw_value(&value)
            .map(Arc::from)
            .unwrap_or_else(|_| {
                Arc::from(
                    serde_json::value::RawValue::from_string("null".into()).expect("valid JSON"),
                )
            });
        Rendered {
            value: Arc::new(value),
            json,
        }
    }
}

impl<T> Clone for Rendered<T> {
    fn clone(&self) -> Self {
        Rendered {
            value: self.value.clone(),
            json: self.json.clone(),
        }
    }
}

impl<T> std::ops::Deref for Rendered<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Rendered<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Serialize for Rendered<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

/// A contact list as answers carry it.
pub type Contacts = Rendered<Vec<Contact>>;

/// Who asks, and the area (index) hit in each layer.
type ContactKey = (Audience, Vec<Option<u32>>);

#[derive(Debug, Default)]
struct ContactCache {
    lists: HashMap<(Date, ContactKey), Contacts>,
    metas: HashMap<Date, Rendered<DataMeta>>,
}

/// Entries kept before the cache starts over: many days of many area combinations.
const CACHE_LIMIT: usize = 20_000;

/// An area as answers name it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AreaRef {
    pub id: String,
    pub name: String,
}

/// A CBS area (wijk, buurt) as answers name it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CodeRef {
    pub code: String,
    pub name: String,
}

/// The area of one layer that a point belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LayerHit {
    pub layer: String,
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub position: Position,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PointOut {
    pub wgs84: Wgs84,
    pub rd: Rd,
}

impl PointOut {
    /// A point as every answer states it: WGS84 to 7 decimals (1 cm), RD to the millimetre.
    pub fn of(p: Rd) -> PointOut {
        PointOut::with_wgs84(p, transformer().rd_to_wgs84(p))
    }

    /// The same, for a point whose WGS84 position is known already.
    pub fn with_wgs84(p: Rd, wgs84: Wgs84) -> PointOut {
        PointOut {
            wgs84: Wgs84 {
                lat: round_to(wgs84.lat, 7),
                lon: round_to(wgs84.lon, 7),
            },
            rd: Rd {
                x: round_to(p.x, 3),
                y: round_to(p.y, 3),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NearestOut {
    pub lwa: AreaRef,
    pub distance_m: f64,
}

/// Where the data comes from; part of every answer.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DataMeta {
    /// The day the answer is for (`as_of`, default today): which generation of the areas and
    /// which roster entries hold.
    #[schema(value_type = String, format = Date)]
    pub as_of: Date,
    /// First day the areas answered with hold (`null`: since always).
    #[schema(value_type = Option<String>, format = Date, required = true)]
    pub valid_from: Option<Date>,
    /// Last day they hold (`null`: until the data says otherwise).
    #[schema(value_type = Option<String>, format = Date, required = true)]
    pub valid_until: Option<Date>,
    /// How far outside the covered area a place is still answered with the nearest area
    /// (position `near`): the boundaries' generalisation error; 0 for full resolution.
    pub near_tolerance_m: f64,
    pub version: String,
    pub source: String,
    pub year: u16,
    pub generalized: bool,
    pub attribution: String,
    pub licence: String,
    pub coverage: String,
    /// The address index: how many addresses, from which source, how to load the full BAG.
    #[schema(value_type = AddressMeta)]
    pub addresses: Arc<AddressMeta>,
}

/// The answer for one place.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Answer {
    /// `inside`, `boundary` (exactly on a boundary of one of the returned areas), `near` (just
    /// outside the covered area, within `data.near_tolerance_m`: answered with the nearest
    /// area) or `outside`.
    pub position: Position,
    pub point: PointOut,
    /// Always present; `null` outside coverage.
    #[schema(required = true)]
    pub lwa: Option<AreaRef>,
    /// Always present; `null` outside coverage.
    #[schema(required = true)]
    pub wijk: Option<CodeRef>,
    /// Always present; `null` outside coverage.
    #[schema(required = true)]
    pub buurt: Option<CodeRef>,
    /// Every layer's area, including schemes beyond lwa/wijk/buurt (e.g. the 2022 stadsdelen).
    pub areas: Vec<LayerHit>,
    #[schema(value_type = Vec<Contact>)]
    pub contacts: Contacts,
    /// Always present; set outside coverage only: the nearest coverage area and the distance
    /// to its boundary, `null` inside.
    #[schema(required = true)]
    pub nearest: Option<NearestOut>,
    pub message: String,
    /// For free-text queries: how the text was read (notation, swapped or not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub understood: Option<crate::query::Understood>,
    /// When the place was written coarsely (whole minutes: ±930 m) and the areas within that
    /// precision differ: the other coverage areas it may lie in.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_possible: Vec<AreaRef>,
    /// With `situation=`: who handles it here and how to report it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub situation: Option<Handling>,
    /// For address queries: the address matched, how sure the match is, and the alternatives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressMatch>,
    /// When the text named a place (a museum, a shop, a school): which one, of what kind, from
    /// which source. `address` then holds its position and its own address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<crate::address::landmarks::PlaceRef>,
    #[schema(value_type = DataMeta)]
    pub data: Rendered<DataMeta>,
}

/// The address an address query was matched to.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AddressMatch {
    pub query: String,
    pub matched: address::Address,
    /// `exact`, `huisletter_ignored`, `toevoeging_ignored`, `number_range`, `fuzzy_street`,
    /// `postcode_ignored`, `street_ignored`, `street_only`, `postcode_only`, `postcode_area`,
    /// `place`, `fuzzy_place`: only `exact` means
    /// every part given was found as given.
    pub quality: MatchQuality,
    pub score: f64,
    /// The next candidates, best first.
    pub alternatives: Vec<Candidate>,
    /// How the text was read where words were left out ("'bij' read as near: …").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

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
        version: data.version.clone(),
        source: name,
        year,
        generalized,
        attribution,
        licence,
        coverage: data.manifest.coverage_name.clone(),
        addresses: Arc::new(addresses.meta()),
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

impl Resolver {
    /// Indexes every period of the data: the latest generations in this resolver, each
    /// earlier period in one of its own.
    pub fn new(data: Geodata) -> Resolver {
        let periods = data.periods();
        let (latest, earlier) = periods.split_last().expect("periods() is never empty");
        let earlier = earlier
            .iter()
            .filter_map(|p| data.view(p).map(|view| Resolver::single(view, *p)))
            .collect();
        let mut resolver = Resolver::single(data, *latest);
        resolver.earlier = earlier;
        resolver
    }

    /// One period's resolver, over `data.layers` only.
    fn single(data: Geodata, period: Period) -> Resolver {
        let geometries: Vec<Vec<_>> = data
            .layers
            .iter()
            .map(|l| l.areas.iter().map(|a| a.geometry.clone()).collect())
            .collect();
        let index = Index::build(&geometries);
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
            data,
            period,
            earlier: Vec::new(),
        }
    }

    /// The same resolver with another address index (default: the embedded one).
    pub fn with_addresses(mut self, addresses: Arc<AddressIndex>) -> Resolver {
        let addresses = match &self.data.places {
            Some(places) => AddressIndex::with_landmarks(addresses, places.clone()),
            None => addresses,
        };
        self.earlier = std::mem::take(&mut self.earlier)
            .into_iter()
            .map(|r| r.with_addresses(addresses.clone()))
            .collect();
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

    /// Answers as they hold on `day`: the period's generations and the roster of that day.
    pub fn on(&self, day: Date) -> Result<On<'_>, DayNotCovered> {
        std::iter::once(self)
            .chain(&self.earlier)
            .find(|r| r.period.contains(day))
            .map(|epoch| On { epoch, day })
            .ok_or(DayNotCovered {
                day,
                from: self.first_day().unwrap_or(day),
            })
    }

    /// `as_of` as every door takes it: absent is today, otherwise a `YYYY-MM-DD` date the data
    /// covers.
    pub fn as_of(&self, as_of: Option<&str>) -> Result<On<'_>, AsOfError> {
        match as_of.map(str::trim) {
            None => Ok(self.today()),
            Some(text) => {
                let day = parse_day(text).ok_or_else(|| AsOfError::Malformed(text.to_string()))?;
                Ok(self.on(day)?)
            }
        }
    }

    /// Answers as they hold today. Data whose periods all begin later answers with its
    /// earliest period.
    pub fn today(&self) -> On<'_> {
        let day = roster::today();
        self.on(day).unwrap_or_else(|_| On {
            epoch: self.earlier.first().unwrap_or(self),
            day,
        })
    }

    /// The first day the data answers for (`None`: every day).
    pub fn first_day(&self) -> Option<Date> {
        self.earlier.first().unwrap_or(self).period.from
    }

    /// The periods of the data, oldest first, each with its own generations.
    pub fn periods(&self) -> Vec<Period> {
        self.earlier
            .iter()
            .chain(std::iter::once(self))
            .map(|r| r.period)
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

    pub fn data(&self) -> &Geodata {
        &self.data
    }

    pub fn index(&self) -> &Index {
        &self.index
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
        if hits[self.coverage].is_none()
            && self.near_m > 0.0
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

    /// The full answer for a point in RD New, today.
    pub fn resolve(&self, p: Rd, audience: Audience) -> Answer {
        self.today().resolve(p, audience)
    }

    fn resolve_at(&self, p: Rd, audience: Audience, day: Date) -> Answer {
        let hits = self.locate_all(p);
        let by_layer = |id: &str| {
            self.data
                .layer_index(id)
                .and_then(|i| self.area(i, hits[i]))
        };
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
        let covered = hits[self.coverage].is_some();
        let position = if !covered {
            Position::Outside
        } else if areas.iter().any(|a| a.position == Position::Near) {
            Position::Near
        } else if areas.iter().any(|a| a.position == Position::Boundary) {
            Position::Boundary
        } else {
            Position::Inside
        };
        let contacts = if covered {
            self.contacts(&hits, &areas, audience, day)
        } else {
            Contacts::new(Vec::new())
        };
        let nearest = if covered && position != Position::Near {
            None
        } else {
            self.index.layer(self.coverage).nearest(p).map(|n| {
                let a = &self.data.layers[self.coverage].areas[n.area as usize];
                NearestOut {
                    lwa: AreaRef {
                        id: a.id.clone(),
                        name: a.name.clone(),
                    },
                    distance_m: (n.distance_m * 10.0).round() / 10.0,
                }
            })
        };
        let coverage_name = &self.data.manifest.coverage_name;
        let message = match (&nearest, by_layer(&self.data.manifest.coverage_layer)) {
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
            (Some(n), None) => t!(
                "answer-outside-nearest",
                coverage = coverage_name,
                area = &n.lwa.name,
                distance = format!("{:.0}", n.distance_m)
            ),
            (None, None) => t!("answer-outside", coverage = coverage_name),
        };
        Answer {
            position,
            point: PointOut::of(p),
            lwa: by_layer("lwa").map(|a| AreaRef {
                id: a.id.clone(),
                name: a.name.clone(),
            }),
            wijk: by_layer("wijk").map(code_ref),
            buurt: by_layer("buurt").map(code_ref),
            areas,
            contacts,
            nearest,
            message,
            understood: None,
            also_possible: Vec::new(),
            situation: None,
            address: None,
            place: None,
            data: self.meta_on(day),
        }
    }

    fn contacts(
        &self,
        hits: &[Option<Hit>],
        areas: &[LayerHit],
        audience: Audience,
        day: Date,
    ) -> Contacts {
        let key = (
            day,
            (
                audience,
                hits.iter().map(|h| h.map(|h| h.area)).collect::<Vec<_>>(),
            ),
        );
        if let Ok(cache) = self.contact_cache.read()
            && let Some(list) = cache.lists.get(&key)
        {
            return list.clone();
        }
        let ids: Vec<&str> = areas.iter().map(|a| a.id.as_str()).collect();
        let list = Contacts::new(self.contacts_for_ids(&ids, day, audience));
        if let Ok(mut cache) = self.contact_cache.write() {
            if cache.lists.len() > CACHE_LIMIT {
                cache.lists.clear();
            }
            cache.lists.insert(key, list.clone());
        }
        list
    }

    /// The answer for a point today, with who handles `situation` there.
    pub fn resolve_situation(
        &self,
        p: Rd,
        situation: Option<&str>,
        audience: Audience,
    ) -> Result<Answer, UnknownSituation> {
        self.today().resolve_situation(p, situation, audience)
    }

    fn resolve_situation_at(
        &self,
        p: Rd,
        situation: Option<&str>,
        audience: Audience,
        day: Date,
    ) -> Result<Answer, UnknownSituation> {
        let s = situation
            .map(|id| self.data.situations.get(id))
            .transpose()?;
        let mut answer = self.resolve_at(p, audience, day);
        answer.situation = s.map(|s| self.data.situations.for_place(s, &answer.contacts));
        Ok(answer)
    }

    /// The answer for an address: the address found, then the same answer as for its point.
    ///
    /// A street or postcode without a number stands for all its addresses; it is answered only
    /// when they all lie in one coverage area, and is ambiguous otherwise (one candidate per
    /// area), so that a street crossing a boundary never gets a confident wrong answer.
    pub fn resolve_address(
        &self,
        query: &Query,
        situation: Option<&str>,
        audience: Audience,
    ) -> Result<Answer, AddressLookupError> {
        self.today().resolve_address(query, situation, audience)
    }

    fn resolve_address_at(
        &self,
        query: &Query,
        situation: Option<&str>,
        audience: Audience,
        day: Date,
    ) -> Result<Answer, AddressLookupError> {
        let found = self
            .find_address_here(query)
            .map_err(AddressLookupError::Address)?;
        let mut answer =
            self.resolve_situation_at(found.best.address.rd, situation, audience, day)?;
        answer.place = found.best.place.clone();
        answer.address = Some(AddressMatch {
            query: query_text(query),
            quality: found.best.quality,
            score: (found.best.score * 100.0).round() / 100.0,
            matched: found.best.address,
            alternatives: found.alternatives,
            notes: found.notes,
        });
        Ok(answer)
    }

    /// The address decision every interface uses (lookup, batch, the page): the address found,
    /// or why there is none. A street or postcode without a number stands for all its
    /// addresses and is ambiguous when they lie in more than one coverage area (one candidate
    /// per area), so that no interface answers it with one area's people.
    pub fn find_address(&self, query: &Query) -> Result<Found, Failure> {
        self.today().find_address(query)
    }

    fn find_address_here(&self, query: &Query) -> Result<Found, Failure> {
        let found = self.addresses.find(query)?;
        // A part left out as contradicting the rest must not move the answer to another
        // area's people silently: then neither reading is certain.
        if let Some(other) = &found.ignored {
            let area = |rd: Rd| self.locate_all(rd)[self.coverage].map(|h| h.area);
            let (here, there) = (area(found.best.address.rd), area(other.address.rd));
            if here != there {
                let name = |a: Option<u32>| match a {
                    Some(a) => self.data.layers[self.coverage].areas[a as usize]
                        .name
                        .clone(),
                    None => t!("outside-coverage"),
                };
                let (text, here, there) = (query_text(query), name(here), name(there));
                return Err(Failure::Ambiguous {
                    reason: match found.best.quality {
                        MatchQuality::StreetIgnored => t!(
                            "address-contradiction-street",
                            text = text,
                            here = here,
                            there = there
                        ),
                        _ => t!(
                            "address-contradiction-postcode",
                            text = text,
                            here = here,
                            there = there
                        ),
                    },
                    candidates: vec![found.best.clone(), other.clone()],
                });
            }
        }
        if found.members.is_empty() {
            return Ok(found);
        }
        let mut by_area: Vec<(Option<u32>, u32)> = Vec::new();
        for &row in &found.members {
            let area = self.locate_all(self.addresses.row_rd(row))[self.coverage].map(|h| h.area);
            if !by_area.iter().any(|(a, _)| *a == area) {
                by_area.push((area, row));
            }
        }
        if by_area.len() <= 1 {
            return Ok(found);
        }
        let names: Vec<String> = by_area
            .iter()
            .map(|(a, _)| match a {
                Some(a) => self.data.layers[self.coverage].areas[*a as usize]
                    .name
                    .clone(),
                None => t!("outside-coverage"),
            })
            .collect();
        Err(Failure::Ambiguous {
            reason: t!(
                "address-spans-areas",
                text = query_text(query),
                count = names.len(),
                areas = names.join(", ")
            ),
            candidates: by_area
                .iter()
                .map(|(_, row)| self.addresses.row_candidate(*row, found.best.quality))
                .collect(),
        })
    }

    /// The contacts that a point inside `area` would get today (its own and its parents').
    pub fn contacts_for_area(&self, area: &Area, audience: Audience) -> Vec<Contact> {
        self.today().contacts_for_area(area, audience)
    }

    /// The one way every door picks contacts: the roster's for these areas on `day`, plus a
    /// vacancy for each required role that dates leave empty in a coverage area.
    fn contacts_for_ids(&self, ids: &[&str], day: Date, audience: Audience) -> Vec<Contact> {
        let mut contacts = self.data.roster.contacts_for(ids, day, audience);
        let coverage = &self.data.layers[self.coverage];
        for id in ids.iter().filter(|id| coverage.find(id).is_some()) {
            for gap in self.data.roster.gaps(id, day) {
                contacts.push(self.data.roster.vacancy(&gap, audience));
            }
        }
        contacts.sort_by_key(|c| c.role);
        contacts
    }
}

/// A resolver's answers as they hold on one day: [`Resolver::on`].
#[derive(Debug, Clone, Copy)]
pub struct On<'a> {
    epoch: &'a Resolver,
    day: Date,
}

impl<'a> On<'a> {
    pub fn day(&self) -> Date {
        self.day
    }

    /// The resolver of the period holding this day: its data are the generations of that day.
    pub fn resolver(&self) -> &'a Resolver {
        self.epoch
    }

    pub fn data(&self) -> &'a Geodata {
        &self.epoch.data
    }

    /// The `data` block of answers for this day.
    pub fn meta(&self) -> Rendered<DataMeta> {
        self.epoch.meta_on(self.day)
    }

    /// The full answer for a point in RD New.
    pub fn resolve(&self, p: Rd, audience: Audience) -> Answer {
        self.epoch.resolve_at(p, audience, self.day)
    }

    /// The answer for a point, with who handles `situation` there (`None`: no situation).
    pub fn resolve_situation(
        &self,
        p: Rd,
        situation: Option<&str>,
        audience: Audience,
    ) -> Result<Answer, UnknownSituation> {
        self.epoch
            .resolve_situation_at(p, situation, audience, self.day)
    }

    /// The answer for an address: the address found, then the same answer as for its point.
    pub fn resolve_address(
        &self,
        query: &Query,
        situation: Option<&str>,
        audience: Audience,
    ) -> Result<Answer, AddressLookupError> {
        self.epoch
            .resolve_address_at(query, situation, audience, self.day)
    }

    /// The answer for a place read from text: the point's answer, saying how it was read, and
    /// when the text was coarse (whole minutes), the other areas within its precision.
    pub fn resolve_understood(
        &self,
        understood: crate::query::Understood,
        situation: Option<&str>,
        audience: Audience,
    ) -> Result<Answer, UnknownSituation> {
        let mut answer = self.resolve_situation(understood.rd, situation, audience)?;
        if let Some(m) = understood.precision_m.filter(|m| *m >= 1.0) {
            let r = self.epoch;
            let own = answer.lwa.as_ref().map(|a| a.id.clone());
            let mut seen: Vec<u32> = Vec::new();
            // A 9 × 9 grid over the square the text may mean: enough to see every area that a
            // square kilometre of this city reaches.
            const N: i32 = 4;
            for i in -N..=N {
                for j in -N..=N {
                    let p = Rd {
                        x: understood.rd.x + m * f64::from(i) / f64::from(N),
                        y: understood.rd.y + m * f64::from(j) / f64::from(N),
                    };
                    if let Some(h) = r.locate_all(p)[r.coverage]
                        && !seen.contains(&h.area)
                    {
                        seen.push(h.area);
                    }
                }
            }
            let coverage = &r.data.layers[r.coverage];
            answer.also_possible = seen
                .iter()
                .map(|&a| &coverage.areas[a as usize])
                .filter(|a| Some(&a.id) != own.as_ref())
                .map(|a| AreaRef {
                    id: a.id.clone(),
                    name: a.name.clone(),
                })
                .collect();
            if !answer.also_possible.is_empty() {
                let also = t!(
                    "answer-also-possible",
                    metres = format!("{m:.0}"),
                    areas = answer
                        .also_possible
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                answer.message = format!("{} {also}", answer.message);
            }
        }
        answer.understood = Some(understood);
        Ok(answer)
    }

    /// The address decision of every door (see [`Resolver::find_address`]), with this day's
    /// areas deciding whether a street spans more than one.
    pub fn find_address(&self, query: &Query) -> Result<Found, Failure> {
        self.epoch.find_address_here(query)
    }

    /// The contacts that a point inside `area` gets on this day (its own and its parents').
    pub fn contacts_for_area(&self, area: &Area, audience: Audience) -> Vec<Contact> {
        let mut ids: Vec<&str> = vec![area.id.as_str()];
        ids.extend(area.parents.values().map(String::as_str));
        self.epoch.contacts_for_ids(&ids, self.day, audience)
    }
}

/// A calendar date written `YYYY-MM-DD`, nothing else: `2021-6-1` or a timestamp is refused
/// rather than guessed.
fn parse_day(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    shape.then(|| text.parse::<Date>().ok()).flatten()
}

fn query_text(q: &Query) -> String {
    match q {
        Query::Text(t) => t.trim().to_string(),
        Query::Parts {
            postcode,
            huisnummer,
            huisletter,
            toevoeging,
        } => {
            let mut s = format!("{postcode} {huisnummer}");
            for part in [huisletter, toevoeging].into_iter().flatten() {
                s.push(' ');
                s.push_str(part);
            }
            s
        }
        Query::Street {
            street,
            huisnummer,
            huisletter,
            toevoeging,
            woonplaats,
        } => {
            let mut s = format!("{} {}", street.trim(), huisnummer.trim());
            for part in [huisletter, toevoeging, woonplaats].into_iter().flatten() {
                if !part.trim().is_empty() {
                    s.push(' ');
                    s.push_str(part.trim());
                }
            }
            s
        }
    }
}

fn code_ref(a: &Area) -> CodeRef {
    CodeRef {
        code: a.code.clone().unwrap_or_else(|| a.id.clone()),
        name: a.name.clone(),
    }
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}
