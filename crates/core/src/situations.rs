//! The meldkaart: situations, who handles them at a place, and how to report them.
//!
//! `situations.toml` lists situations (geluidsoverlast, drugshandel, ...) with the
//! organisations that handle them, the reporting channels in the order to use them, the
//! urgency, and rules that pick the responsible people from the place's roster contacts
//! (e.g. "THOR boa, theme milieu"). [`Situations::for_place`] applies those rules to the
//! contacts of one place, so the answer names *this* area's people.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::roster::{ChannelKind, Contact, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Danger now: 112.
    Emergency,
    /// Today.
    Urgent,
    Normal,
}

impl Urgency {
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Emergency => "emergency",
            Urgency::Urgent => "urgent",
            Urgency::Normal => "normal",
        }
    }
}

/// A public reporting channel (112, 0900-8844, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportChannel {
    pub label: String,
    pub kind: ChannelKind,
    pub value: String,
    /// When the channel is staffed (`ma-vr 08:30-17:00`, see [`crate::hours`]); absent: at
    /// any time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// In an answer, for a channel with hours: whether it is open at the moment asked.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// In an answer, for a channel closed at the moment asked: when it next opens (RFC 3339,
    /// within two weeks).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub opens: Option<String>,
}

/// Picks roster contacts: same organisation and role, and the theme when given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactRule {
    pub organisation: String,
    pub role: Role,
    #[serde(default)]
    pub theme: Option<String>,
}

impl ContactRule {
    fn matches_parts(&self, organisation: &str, role: &Role, theme: Option<&String>) -> bool {
        organisation == self.organisation
            && *role == self.role
            && self.theme.as_ref().is_none_or(|t| theme == Some(t))
    }

    fn matches(&self, c: &Contact) -> bool {
        self.matches_parts(&c.organisation, &c.role, c.theme.as_ref())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Situation {
    pub id: String,
    pub name: String,
    pub description: String,
    pub urgency: Urgency,
    /// Organisation kinds handling it: `thor`, `politie`, `partner`.
    pub handled_by: Vec<String>,
    /// Channel ids, in the order to use them.
    pub report: Vec<String>,
    pub advice: String,
    pub contacts: Vec<ContactRule>,
    /// Routes by time, in order: the first whose `hours` hold at the moment asked about
    /// applies, one without `hours` always; none holding (or none given): `report`.
    #[serde(default, rename = "route", skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
}

/// A report route that holds at certain times (see [`crate::hours`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// `ma-vr 08:30-17:00`; absent: at any time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// Channel ids, in the order to use them then.
    pub report: Vec<String>,
    /// What to do then, when it differs from the situation's advice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

/// Which route held at the moment an answer is for, and until when.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RouteOut {
    /// The moment asked about (`at`, default now), RFC 3339 in Europe/Amsterdam.
    pub at: String,
    /// The hours of the route that applies; absent: the route for all other times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// The first moment another route applies (within two weeks), RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SituationsMeta {
    pub source: String,
}

/// The parsed `situations.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Situations {
    pub meta: SituationsMeta,
    pub channels: BTreeMap<String, ReportChannel>,
    #[serde(rename = "situation")]
    pub situations: Vec<Situation>,
}

/// A situation with its reporting channels resolved, as `GET /v1/situations` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SituationOut {
    pub id: String,
    pub name: String,
    pub description: String,
    pub urgency: Urgency,
    pub handled_by: Vec<String>,
    pub report: Vec<ReportChannel>,
    pub advice: String,
    /// In an answer for a situation with routes by time: which applied, and until when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<RouteOut>,
}

/// Who handles a situation at one place, and how to report it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Handling {
    #[serde(flatten)]
    pub situation: SituationOut,
    /// The place's contacts that handle this situation, in the order of the rules.
    pub handlers: Vec<Contact>,
}

/// A situation id that does not exist.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", crate::t!("situation-unknown", id = id, known = known))]
pub struct UnknownSituation {
    pub id: String,
    pub known: String,
}

impl Situations {
    pub fn parse(text: &str) -> Result<Situations, crate::datafile::FileError> {
        crate::datafile::parse_toml(text)
    }

    pub fn get(&self, id: &str) -> Result<&Situation, UnknownSituation> {
        self.situations
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| UnknownSituation {
                id: id.to_string(),
                known: self
                    .situations
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    pub fn describe(&self, s: &Situation) -> SituationOut {
        SituationOut {
            id: s.id.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            urgency: s.urgency,
            handled_by: s.handled_by.clone(),
            report: s
                .report
                .iter()
                .filter_map(|c| self.channels.get(c).cloned())
                .collect(),
            advice: s.advice.clone(),
            route: None,
        }
    }

    /// How `h` is reported at `at`, the one step every door's answer takes (see
    /// `On::timed`): the route by time that holds (see [`Situations::route_by_time`]), then
    /// the channels open at `at` first (see [`open_first`]).
    pub fn route(&self, h: &mut Handling, at: &jiff::ZonedDateTime) {
        self.route_by_time(h, at);
        open_first(&mut h.situation, at);
    }

    /// The route of `h`'s situation that holds at `at`: its channels and advice replace the
    /// situation's, and `route` says which applied and until when.
    fn route_by_time(&self, h: &mut Handling, at: &jiff::ZonedDateTime) {
        let Ok(s) = self.get(&h.situation.id) else {
            return;
        };
        if s.routes.is_empty() {
            return;
        }
        let hours: Vec<Option<crate::hours::Hours>> = s
            .routes
            .iter()
            .map(|r| {
                r.hours
                    .as_deref()
                    .and_then(|t| crate::hours::Hours::parse(t).ok())
            })
            .collect();
        // Index of the route holding at a local time; `routes.len()`: none, the default.
        let which = |t: &jiff::civil::DateTime| {
            s.routes
                .iter()
                .zip(&hours)
                .position(|(r, h)| match (&r.hours, h) {
                    (None, _) => true,
                    (Some(_), Some(h)) => h.holds(t),
                    // Refused by `check`; never taken.
                    (Some(_), None) => false,
                })
                .unwrap_or(s.routes.len())
        };
        let i = which(&at.datetime());
        let until = crate::hours::next_change(at, hours.iter().flatten(), which);
        let stamp = |z: &jiff::ZonedDateTime| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        let (report, advice, hours_text) = match s.routes.get(i) {
            Some(r) => (
                &r.report,
                r.advice.clone().unwrap_or_else(|| s.advice.clone()),
                r.hours.clone(),
            ),
            None => (&s.report, s.advice.clone(), None),
        };
        h.situation.report = report
            .iter()
            .filter_map(|c| self.channels.get(c).cloned())
            .collect();
        h.situation.advice = advice;
        h.situation.route = Some(RouteOut {
            at: stamp(at),
            hours: hours_text,
            valid_until: until.as_ref().map(stamp),
        });
    }

    /// Channels whose hours cannot be read: each as (channel id, what is wrong).
    pub fn channel_problems(&self) -> Vec<(String, String)> {
        self.channels
            .iter()
            .filter_map(|(id, c)| {
                let e = c.hours.as_deref().map(crate::hours::Hours::parse)?.err()?;
                Some((id.clone(), format!("[channels.{id}] hours {e}")))
            })
            .collect()
    }

    pub fn list(&self) -> Vec<SituationOut> {
        self.situations.iter().map(|s| self.describe(s)).collect()
    }

    /// Applies a situation's rules to the contacts of one place.
    pub fn for_place(&self, s: &Situation, place_contacts: &[Contact]) -> Handling {
        let mut handlers: Vec<Contact> = Vec::new();
        for rule in &s.contacts {
            for c in place_contacts.iter().filter(|c| rule.matches(c)) {
                if !handlers.contains(c) {
                    handlers.push(c.clone());
                }
            }
        }
        Handling {
            situation: self.describe(s),
            handlers,
        }
    }

    /// Structural problems: unknown channels and organisations, rules that match no
    /// assignment in the roster, duplicate ids.
    pub fn problems(&self, roster: &crate::roster::Roster) -> Vec<(String, String)> {
        let mut out = self.channel_problems();
        for (i, s) in self.situations.iter().enumerate() {
            if self.situations[..i].iter().any(|o| o.id == s.id) {
                out.push((s.id.clone(), "situation id used twice".to_string()));
            }
            if s.id.is_empty()
                || !s
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                out.push((
                    s.id.clone(),
                    "id must be lowercase letters, digits and '-'".to_string(),
                ));
            }
            if s.report.is_empty() {
                out.push((s.id.clone(), "no reporting channel".to_string()));
            }
            for c in &s.report {
                if !self.channels.contains_key(c) {
                    out.push((
                        s.id.clone(),
                        format!("report channel '{c}' is not defined under [channels]"),
                    ));
                }
            }
            for (i, r) in s.routes.iter().enumerate() {
                let which = format!("[[situation.route]] {}", i + 1);
                if let Some(Err(e)) = r.hours.as_deref().map(crate::hours::Hours::parse) {
                    out.push((s.id.clone(), format!("{which}: hours {e}")));
                }
                if r.report.is_empty() {
                    out.push((s.id.clone(), format!("{which}: no reporting channel")));
                }
                for c in r.report.iter().filter(|c| !self.channels.contains_key(*c)) {
                    out.push((
                        s.id.clone(),
                        format!("{which}: report channel '{c}' is not defined under [channels]"),
                    ));
                }
            }
            for rule in &s.contacts {
                let found = roster
                    .assignments
                    .iter()
                    .any(|a| rule.matches_parts(&a.organisation, &a.role, a.theme.as_ref()));
                if !found {
                    out.push((
                        s.id.clone(),
                        format!(
                            "contact rule {} / {}{} matches no assignment in roster.toml",
                            rule.organisation,
                            rule.role,
                            rule.theme
                                .as_deref()
                                .map(|t| format!(" / {t}"))
                                .unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        out
    }
}

/// Orders `s`'s channels for the moment `at`: those open (or without hours) first, in their
/// order, then those closed, each marked with when it opens; the advice then begins by saying
/// which are closed and what to use now, or, when none is open, when the first opens. Nothing
/// is dropped: 112 has no hours and stays where the data puts it.
pub fn open_first(s: &mut SituationOut, at: &jiff::ZonedDateTime) {
    let local = at.datetime();
    let stamp = |z: &jiff::ZonedDateTime| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let mut open = Vec::new();
    // Closed channels, with when each opens (local time).
    let mut closed: Vec<(ReportChannel, Option<jiff::ZonedDateTime>)> = Vec::new();
    for mut c in std::mem::take(&mut s.report) {
        // Hours that cannot be read are refused by `check` (see `channel_problems`); such a
        // channel is taken as always open rather than hidden.
        match c
            .hours
            .as_deref()
            .and_then(|h| crate::hours::Hours::parse(h).ok())
        {
            None => open.push(c),
            Some(h) if h.holds(&local) => {
                c.open = Some(true);
                open.push(c);
            }
            Some(h) => {
                let opens =
                    crate::hours::next_change(at, std::iter::once(&h), |t| usize::from(h.holds(t)));
                c.open = Some(false);
                c.opens = opens.as_ref().map(stamp);
                closed.push((c, opens));
            }
        }
    }
    if closed.is_empty() {
        s.report = open;
        return;
    }
    let listed = closed
        .iter()
        .map(|(c, when)| match when {
            Some(w) => crate::t!(
                "situation-channel-opens",
                channel = c.label.as_str(),
                value = c.value.as_str(),
                when = crate::hours::spoken(&w.datetime())
            ),
            None => crate::t!(
                "situation-channel-closed",
                channel = c.label.as_str(),
                value = c.value.as_str()
            ),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let note = match open.first() {
        Some(now) => crate::t!(
            "situation-closed-use-now",
            closed = listed,
            now = format!("{} ({})", now.label, now.value)
        ),
        None => {
            let first = closed.iter().filter_map(|(_, w)| w.as_ref()).min();
            match first {
                Some(w) => crate::t!(
                    "situation-none-open",
                    closed = listed,
                    when = crate::hours::spoken(&w.datetime())
                ),
                None => crate::t!("situation-none-open-soon", closed = listed),
            }
        }
    };
    s.advice = format!("{note} {}", s.advice);
    s.report = open
        .into_iter()
        .chain(closed.into_iter().map(|(c, _)| c))
        .collect();
}
