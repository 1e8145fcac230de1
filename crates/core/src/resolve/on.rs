//! One moment's view of a resolver: the period of the geodata and the roster entries that hold
//! on one day, and the time of that day report routes and assignments by hours are chosen for,
//! decided once and carried through a request or a batch so that no answer mixes two days.

use jiff::civil::Date;
use jiff::{Timestamp, ZonedDateTime};

use super::{AddressLookupError, Answer, DataMeta, Rendered, Resolver, Uncertainty};
use crate::address::{Failure, Found, Query};
use crate::crs::Rd;
use crate::geodata::{Area, Geodata};
use crate::roster::{Audience, Contact};
use crate::situations::UnknownSituation;
use crate::t;

/// A resolver's answers as they hold at one moment: [`Resolver::on`], [`Resolver::moment`].
#[derive(Debug, Clone, Copy)]
pub struct On<'a> {
    /// The resolver of every period, to move to another day's period (see [`On::at`]).
    pub(super) root: &'a Resolver,
    pub(super) epoch: &'a Resolver,
    pub(super) day: Date,
    pub(super) moment: Moment,
    /// What of the answer the door asks for.
    pub(super) parts: Parts,
}

/// What of an answer a door asks for; what it does not ask for is not computed (a compact
/// `fields=lwa,buurt` needs neither the contacts nor the certainty's distance and reasons).
/// The areas, position and certainty level are always decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// `contacts`, and the people `situation` picks from.
    pub contacts: bool,
    /// The certainty's boundary distance, reasons, and the people of each possible area.
    pub certainty: bool,
    /// `message`.
    pub message: bool,
}

impl Parts {
    /// The whole answer.
    pub const ALL: Parts = Parts {
        contacts: true,
        certainty: true,
        message: true,
    };

    /// The parts the answer's members `members` (as `fields=` names them) need.
    pub fn for_members<S: AsRef<str>>(members: &[S]) -> Parts {
        let asked = |m: &str| members.iter().any(|f| f.as_ref() == m);
        Parts {
            contacts: asked("contacts") || asked("situation"),
            certainty: asked("certainty"),
            message: asked("message"),
        }
    }
}

/// The time of the day report routes and assignments by hours are chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Moment {
    /// Now: the day is today.
    Now,
    /// The current wall-clock time on the view's day: a day named without a time (`as_of`)
    /// gets that day's routes, never today's.
    WallClock,
    /// A moment named (`at`), on the view's day.
    At(Timestamp),
}

/// The day `at` falls on in Europe/Amsterdam: the day whose roster, overlays and areas answer
/// for it.
pub fn day_of(at: Timestamp) -> Date {
    at.to_zoned_datetime(crate::hours::amsterdam()).date()
}

impl<'a> On<'a> {
    pub fn day(&self) -> Date {
        self.day
    }

    /// The answers at the moment `at`: its day in Europe/Amsterdam decides the period, roster
    /// and overlays as well as the report routes (see [`crate::hours`]), so a moment on another
    /// day than this view's moves to that day. A day the data does not cover is answered with
    /// the earliest period, as [`Resolver::today`] does; [`Resolver::moment`] refuses it.
    pub fn at(self, at: Timestamp) -> On<'a> {
        let day = day_of(at);
        let on = if day == self.day {
            self
        } else {
            self.root.on_or_earliest(day)
        };
        On {
            moment: Moment::At(at),
            ..on
        }
    }

    /// The same view, computing only `parts` of its answers.
    pub fn asking(self, parts: Parts) -> On<'a> {
        On { parts, ..self }
    }

    /// This view's moment in Europe/Amsterdam.
    pub fn moment(&self) -> ZonedDateTime {
        match self.moment {
            Moment::At(at) => crate::hours::local(Some(at)),
            Moment::Now => crate::hours::local(None),
            Moment::WallClock => {
                let now = crate::hours::local(None);
                if now.date() == self.day {
                    return now;
                }
                // A wall-clock time skipped by daylight saving on that day is taken as the
                // time after the gap (jiff's "compatible" choice), still on that day.
                self.day
                    .to_datetime(now.time())
                    .to_zoned_datetime(crate::hours::amsterdam())
                    .unwrap_or(now)
            }
        }
    }

    /// The answer at this view's moment: contacts whose assignment holds only at certain hours
    /// are left out outside them (see [`crate::roster::Assignment::hours`]), and a situation
    /// gets the route that holds.
    fn timed(&self, mut answer: Answer) -> Answer {
        let local = self.moment();
        if let Some(t) = self.hours_matter() {
            answer.contacts = self.holding(&answer.contacts, &t);
            if let Some(h) = &mut answer.situation {
                h.handlers.retain(|c| c.holds_at(&t));
            }
            for a in &mut answer.certainty.areas {
                a.contacts = a.contacts.as_ref().map(|c| self.holding(c, &t));
            }
        }
        if let Some(h) = &mut answer.situation {
            self.epoch.data.situations.route(h, &local);
        }
        answer
    }

    /// The local time of this view's moment when the roster has assignments by hours (then
    /// contacts depend on it); `None` otherwise.
    fn hours_matter(&self) -> Option<jiff::civil::DateTime> {
        self.epoch
            .data
            .roster
            .has_hours()
            .then(|| self.moment().datetime())
    }

    /// The contacts of `list` whose assignments hold at local time `t`.
    fn holding(&self, list: &super::Contacts, t: &jiff::civil::DateTime) -> super::Contacts {
        if list.iter().all(|c| c.holds_at(t)) {
            return list.clone();
        }
        super::Contacts::new(list.iter().filter(|c| c.holds_at(t)).cloned().collect())
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

    /// The one entry of every door's lookup: the answer for a place on this day, with who
    /// handles `situation` there. A place is decided once from the door's input
    /// ([`crate::query::Place`]); this decides how it is answered.
    pub fn lookup(
        &self,
        place: crate::query::Place,
        situation: Option<&str>,
        audience: Audience,
    ) -> Result<Answer, super::AddressLookupError> {
        use crate::query::Place;
        match place {
            Place::Point(p) => Ok(self.resolve_situation(p, situation, audience)?),
            Place::Understood(u) => Ok(self.resolve_understood(u, situation, audience)?),
            Place::Address(q) => self.resolve_address(&q, situation, audience),
        }
    }

    /// The full answer for a point in RD New.
    pub fn resolve(&self, p: Rd, audience: Audience) -> Answer {
        self.timed(self.epoch.resolve_at(
            p,
            &self.epoch.data_uncertainty(),
            audience,
            self.day,
            self.parts,
        ))
    }

    /// The answer for a point, with who handles `situation` there (`None`: no situation).
    pub fn resolve_situation(
        &self,
        p: Rd,
        situation: Option<&str>,
        audience: Audience,
    ) -> Result<Answer, UnknownSituation> {
        self.epoch
            .resolve_situation_at(
                p,
                &self.epoch.data_uncertainty(),
                situation,
                audience,
                self.day,
                self.parts,
            )
            .map(|a| self.timed(a))
    }

    /// The answer for an address: the address found, then the same answer as for its point.
    pub fn resolve_address(
        &self,
        query: &Query,
        situation: Option<&str>,
        audience: Audience,
    ) -> Result<Answer, AddressLookupError> {
        self.epoch
            .resolve_address_at(query, situation, audience, self.day, self.parts)
            .map(|a| self.timed(a))
    }

    /// The answer for a place read from text: the point's answer, saying how it was read, and
    /// when the text was coarse (whole minutes), the other areas within its precision.
    pub fn resolve_understood(
        &self,
        understood: crate::query::Understood,
        situation: Option<&str>,
        audience: Audience,
    ) -> Result<Answer, UnknownSituation> {
        let s = situation
            .map(|id| self.epoch.data.situations.get(id))
            .transpose()?;
        let notation_m = understood.precision_m.filter(|m| *m >= 1.0);
        let u = Uncertainty {
            notation_m,
            stated_m: understood.stated_m.filter(|m| *m > 0.0),
            view_m: understood.view_m,
            ..self.epoch.data_uncertainty()
        };
        let mut answer = self
            .epoch
            .resolve_at(understood.rd, &u, audience, self.day, self.parts);
        answer.situation = s.map(|s| self.epoch.data.situations.for_place(s, &answer.contacts));
        if let Some(m) = notation_m
            && !answer.also_possible.is_empty()
        {
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
        answer.understood = Some(understood);
        Ok(self.timed(answer))
    }

    /// The address decision of every door (see [`Resolver::find_address`]), with this day's
    /// areas deciding whether a street spans more than one.
    pub fn find_address(&self, query: &Query) -> Result<Found, Failure> {
        self.epoch.find_address_here(query)
    }

    /// For an ambiguous answer (a 300): its certainty (the candidates' areas, with the share
    /// of the candidates and the people of each) and the area of each candidate, in order.
    pub fn candidates_certainty(
        &self,
        candidates: &[crate::address::Candidate],
        audience: Audience,
    ) -> (super::Certainty, Vec<Option<super::AreaRef>>) {
        let (mut certainty, areas) = self
            .epoch
            .candidates_certainty_at(candidates, audience, self.day);
        if let Some(t) = self.hours_matter() {
            for a in &mut certainty.areas {
                a.contacts = a.contacts.as_ref().map(|c| self.holding(c, &t));
            }
        }
        (certainty, areas)
    }

    /// The contacts that a point inside `area` gets on this day (its own and its parents'),
    /// each with its hours if it has any: what a map of the areas lists.
    pub fn contacts_for_area(&self, area: &Area, audience: Audience) -> Vec<Contact> {
        self.contacts_in(area, &[], audience)
    }

    /// [`On::contacts_for_area`] for a point also inside the overlays `overlays` (indexes, see
    /// [`Resolver::overlays_at`]): theirs first.
    pub fn contacts_in(&self, area: &Area, overlays: &[u32], audience: Audience) -> Vec<Contact> {
        let mut ids: Vec<&str> = vec![area.id.as_str()];
        ids.extend(area.parents.values().map(String::as_str));
        let data = self.data();
        ids.extend(
            overlays
                .iter()
                .filter_map(|&i| data.overlays.get(i as usize))
                .map(|o| o.area.id.as_str()),
        );
        self.epoch.contacts_for_ids(&ids, self.day, audience)
    }

    /// The contacts assigned to overlay `i` (an index of `data().overlays`) on this day: its
    /// own people, not those of the areas under it. What a map of the overlays lists.
    pub fn overlay_contacts(&self, i: u32, audience: Audience) -> Vec<Contact> {
        let Some(o) = self.data().overlays.get(i as usize) else {
            return Vec::new();
        };
        let mut contacts = self
            .epoch
            .contacts_for_ids(&[o.area.id.as_str()], self.day, audience);
        contacts.retain(|c| c.why.rule == crate::roster::WhyRule::Overlay);
        contacts
    }

    /// The contacts that a point inside `area` and the overlays `overlays` gets at this view's
    /// moment: those of [`On::contacts_in`] whose hours hold then, as a lookup's answer names
    /// them.
    pub fn contacts_at_area(
        &self,
        area: &Area,
        overlays: &[u32],
        audience: Audience,
    ) -> Vec<Contact> {
        let mut contacts = self.contacts_in(area, overlays, audience);
        if let Some(t) = self.hours_matter() {
            contacts.retain(|c| c.holds_at(&t));
        }
        contacts
    }
}
