//! The roster: who is responsible where.
//!
//! An assignment is an organisation (THOR, Politie, a Gebiedsteam partner) plus a role, an
//! optional theme, a scope (city-wide or a set of areas of any layer), a function title, an
//! optional person, contact channels and a validity period. Every channel is marked `public` or
//! `internal`; [`Audience::Public`] never sees an internal one.
//!
//! The shipped roster names functions, never people: the source document names no officers.
//! A municipality puts real names into its own `roster.toml`.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Who is asking: the public sees public channels only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Audience {
    /// The default: nothing internal unless the caller proved otherwise.
    #[default]
    Public,
    Internal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Public,
    Internal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Phone,
    Email,
    Web,
    Address,
}

/// One way to reach an organisation or function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub kind: ChannelKind,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub visibility: Visibility,
}

/// Roles, ordered by how prominently an answer lists them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// THOR's first point of contact for an LWA area.
    SeniorWijkgebondenMedewerker,
    /// The police's coordinating manager for an LWA area.
    Coordinator,
    Wijkagent,
    /// Police officer with a task focus (verkeer, zorg & veiligheid, ...) for an area.
    TaskFocus,
    /// THOR boa, usually with a city-wide theme.
    Boa,
    GebiedsteamPartner,
}

impl Role {
    /// One of the roles every coverage area must have ([`REQUIRED`]): the first to call.
    pub fn is_required(self) -> bool {
        REQUIRED.iter().any(|(r, _)| *r == self)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::SeniorWijkgebondenMedewerker => "senior wijkgebonden medewerker",
            Role::Coordinator => "coördinator",
            Role::Wijkagent => "wijkagent",
            Role::TaskFocus => "taakaccent",
            Role::Boa => "boa",
            Role::GebiedsteamPartner => "partner Gebiedsteam",
        }
    }
}

/// Where an assignment applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Scope {
    /// `scope = "city"`: the whole coverage.
    Keyword(CityWide),
    /// `scope = ["<area id>", ...]`: these areas (of any layer).
    Areas(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CityWide {
    City,
}

impl Scope {
    pub fn is_city(&self) -> bool {
        matches!(self, Scope::Keyword(CityWide::City))
    }

    pub fn area_ids(&self) -> &[String] {
        match self {
            Scope::Keyword(_) => &[],
            Scope::Areas(ids) => ids,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: String,
    #[serde(default)]
    pub channels: Vec<Channel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub organisation: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    pub scope: Scope,
    /// The function title, e.g. "Senior wijkgebonden medewerker THOR Noord-Oost".
    pub function: String,
    /// A person's name, only when the municipality's own roster supplies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// Who may see `person`: `internal` (key holders) unless the roster says `public`, as
    /// politie.nl does for wijkagenten.
    #[serde(default = "internal")]
    pub person_visibility: Visibility,
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// First day of the assignment: `2026-01-01` (a TOML date) or `"2026-01-01"`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date_or_text"
    )]
    pub valid_from: Option<Date>,
    /// Last day of the assignment, inclusive.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date_or_text"
    )]
    pub valid_until: Option<Date>,
    /// When the assignment holds within its days, e.g. `ma-vr 08:30-17:00` (see
    /// [`crate::hours`]); outside them another assignment (a night duty) answers. Absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// The assignment holds outside `hours` instead (evenings, weekends and public holidays of
    /// a night or weekend duty).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outside_hours: bool,
}

fn internal() -> Visibility {
    Visibility::Internal
}

/// A date as people write it in TOML: a native date (`2026-01-01`) or a string.
pub(crate) fn date_or_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Date>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Input {
        Native(toml::value::Datetime),
        Text(String),
    }
    let text = match Input::deserialize(d)? {
        Input::Native(dt) => match (dt.date, dt.time) {
            (Some(date), None) => date.to_string(),
            _ => {
                return Err(serde::de::Error::custom(format!(
                    "'{dt}' is not a date: write the day only, e.g. 2026-01-01"
                )));
            }
        },
        Input::Text(t) => t,
    };
    text.trim().parse::<Date>().map(Some).map_err(|_| {
        serde::de::Error::custom(format!(
            "'{text}' is not a date: write YYYY-MM-DD, e.g. 2026-01-01"
        ))
    })
}

impl Assignment {
    /// Whether it holds in the coverage area `area`: named there, or city-wide (a required
    /// role filled for the whole municipality is filled in each area).
    pub fn covers(&self, area: &str) -> bool {
        self.scope.is_city() || self.scope.area_ids().iter().any(|id| id == area)
    }

    pub fn is_valid_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|from| from <= day)
            && self.valid_until.is_none_or(|until| day <= until)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterMeta {
    /// Where the roster comes from and who maintains it.
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The parsed `roster.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roster {
    pub meta: RosterMeta,
    pub organisations: BTreeMap<String, Organisation>,
    #[serde(rename = "assignment")]
    pub assignments: Vec<Assignment>,
}

/// A contact as an answer shows it: resolved organisation, channels filtered for the audience.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub organisation: String,
    pub organisation_name: String,
    pub role: Role,
    pub role_label: &'static str,
    pub theme: Option<String>,
    /// The function; a person's name is in `person` when the roster has one.
    pub name: String,
    pub person: Option<String>,
    /// `city` or the ids of the areas the assignment covers.
    pub scope: Scope,
    pub channels: Vec<Channel>,
    /// Why this contact is named for this place.
    pub why: Why,
}

/// Why a contact is named: the assignment that applies, the area of the place its scope names,
/// and when it holds.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Why {
    /// How the assignment reached the place: `area` (its scope names an area the place lies
    /// in), `overlay` (its scope names an overlay the place lies in), `city` (city-wide), or `vacant` (nobody holds a required role; the organisation
    /// stands in).
    pub rule: WhyRule,
    /// The area of the place the scope names (`area` and `vacant`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<WhyArea>,
    /// The assignment's hours (`ma-vr 08:30-17:00`), when it holds only then (or, with
    /// `outside_hours`, only outside them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub outside_hours: bool,
    /// The assignment's validity period; absent ends are open.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_from: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_until: Option<Date>,
    /// The same in words, in the caller's language.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WhyRule {
    Area,
    /// The scope names an overlay the place lies in (an event terrain, a park): listed first.
    Overlay,
    City,
    Vacant,
}

/// An area as `why` names it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WhyArea {
    pub id: String,
    pub name: String,
    /// The layer's id (`lwa`, `buurt`, ...).
    pub layer: String,
}

impl Contact {
    /// One line for a table cell: the function (and person), then the first channel.
    pub fn cell(&self) -> String {
        let mut s = self.to_string();
        if let Some(ch) = self.channels.first() {
            s.push_str(&format!(" ({})", ch.value));
        }
        s
    }
}

impl fmt::Display for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        if let Some(p) = &self.person {
            write!(f, " ({p})")?;
        }
        Ok(())
    }
}

impl Contact {
    /// Whether the contact's assignment holds at local time `at` (always, without hours).
    pub fn holds_at(&self, at: &jiff::civil::DateTime) -> bool {
        self.why.hours.as_deref().is_none_or(|h| {
            crate::hours::Hours::parse(h).is_ok_and(|h| h.holds(at) != self.why.outside_hours)
        })
    }
}

impl Roster {
    /// Whether any assignment holds only at certain hours: answers then depend on the moment.
    pub fn has_hours(&self) -> bool {
        self.assignments.iter().any(|a| a.hours.is_some())
    }

    /// Parses `roster.toml`; unknown keys are errors so that typos do not silently drop data.
    pub fn parse(text: &str) -> Result<Roster, crate::datafile::FileError> {
        crate::datafile::parse_toml(text)
    }

    /// The contacts for a place inside the areas `area_ids` (one per layer), valid on `day`,
    /// with channels the audience may see. Assignment channels come first, then the
    /// organisation's general ones.
    pub fn contacts_for(&self, area_ids: &[&str], day: Date, audience: Audience) -> Vec<Contact> {
        let mut out: Vec<(usize, Contact)> = self
            .assignments
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_valid_on(day))
            .filter(|(_, a)| {
                a.scope.is_city()
                    || a.scope
                        .area_ids()
                        .iter()
                        .any(|id| area_ids.contains(&id.as_str()))
            })
            .map(|(i, a)| {
                let matched = a
                    .scope
                    .area_ids()
                    .iter()
                    .find(|id| area_ids.contains(&id.as_str()))
                    .cloned();
                (i, self.contact(a, audience, matched))
            })
            .collect();
        // Stable order: by role, then as written in the roster.
        out.sort_by_key(|(i, c)| (c.role, *i));
        out.into_iter().map(|(_, c)| c).collect()
    }

    /// `matched`: the id of the place's area that the assignment's scope names (none: city-wide).
    /// The names and words of `why` are filled in by whoever knows the areas (`resolve`).
    fn contact(&self, a: &Assignment, audience: Audience, matched: Option<String>) -> Contact {
        let org = self.organisations.get(&a.organisation);
        let visible =
            |c: &&Channel| audience == Audience::Internal || c.visibility == Visibility::Public;
        let channels = a
            .channels
            .iter()
            .chain(org.into_iter().flat_map(|o| o.channels.iter()))
            .filter(visible)
            .cloned()
            .collect();
        Contact {
            organisation: a.organisation.clone(),
            organisation_name: org.map(|o| o.name.clone()).unwrap_or_default(),
            role: a.role,
            role_label: a.role.label(),
            theme: a.theme.clone(),
            name: a.function.clone(),
            person: a.person.clone().filter(|_| {
                audience == Audience::Internal || a.person_visibility == Visibility::Public
            }),
            scope: a.scope.clone(),
            channels,
            why: Why {
                rule: if matched.is_some() {
                    WhyRule::Area
                } else {
                    WhyRule::City
                },
                area: matched.map(|id| WhyArea {
                    id,
                    name: String::new(),
                    layer: String::new(),
                }),
                hours: a.hours.clone(),
                outside_hours: a.outside_hours,
                valid_from: a.valid_from,
                valid_until: a.valid_until,
                text: String::new(),
            },
        }
    }
}

/// Today's date (UTC), for validity periods.
pub fn today() -> Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[meta]
source = "test"

[organisations.thor]
name = "THOR"
channels = [{ kind = "phone", value = "14 043", visibility = "public" }]

[[assignment]]
organisation = "thor"
role = "senior_wijkgebonden_medewerker"
scope = ["lwa-a"]
function = "Senior A"
channels = [{ kind = "email", value = "senior-a@example.invalid", visibility = "internal" }]

[[assignment]]
organisation = "thor"
role = "boa"
theme = "parkeren"
scope = "city"
function = "Boa parkeren"

[[assignment]]
organisation = "thor"
role = "senior_wijkgebonden_medewerker"
scope = ["lwa-b"]
function = "Senior B (old)"
valid_until = "2020-01-01"
"#;

    #[test]
    fn selects_by_scope_and_validity_and_hides_internal_channels() {
        let r = Roster::parse(SAMPLE).unwrap();
        let day = Date::constant(2026, 1, 1);
        let a = r.contacts_for(&["lwa-a"], day, Audience::Public);
        assert_eq!(
            a.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["Senior A", "Boa parkeren"]
        );
        assert!(
            a[0].channels
                .iter()
                .all(|c| c.visibility == Visibility::Public)
        );
        assert_eq!(a[0].channels[0].value, "14 043");
        let internal = r.contacts_for(&["lwa-a"], day, Audience::Internal);
        assert_eq!(internal[0].channels[0].value, "senior-a@example.invalid");
        let b = r.contacts_for(&["lwa-b"], day, Audience::Public);
        assert_eq!(b.len(), 1, "expired assignment must not show: {b:?}");
        let b_then = r.contacts_for(&["lwa-b"], Date::constant(2019, 6, 1), Audience::Public);
        assert_eq!(b_then.len(), 2);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = SAMPLE.replace(
            "function = \"Boa parkeren\"",
            "function = \"x\"\nfuncton = \"typo\"",
        );
        let err = Roster::parse(&text).unwrap_err();
        assert!(err.reason.contains("funct"), "{err}");
        // The parser's line is where the unknown key stands, so the log and an admin can go to it.
        let line = text.lines().position(|l| l.starts_with("functon")).unwrap() + 1;
        assert_eq!(err.line, Some(line), "{err}");
    }
}

/// The roles every coverage area must have: a gap in one is reported, not refused.
pub const REQUIRED: [(Role, &str); 2] = [
    (
        Role::SeniorWijkgebondenMedewerker,
        "THOR senior wijkgebonden medewerker",
    ),
    (Role::Coordinator, "police coordinator"),
];

/// A required role left empty on a day by an assignment that ended or has not begun: planning
/// to be done, not broken data. The service keeps serving and says the role is vacant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub area: String,
    pub role: Role,
    pub role_label: &'static str,
    /// The day after the last assignment ended, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
    /// The assignment that ended (its function and last day), or the one that will begin.
    pub entry: String,
    /// The organisation whose general channels stand in.
    pub organisation: String,
}

impl Roster {
    /// Whether any assignment, on any day, holds `role` in `area`.
    pub fn ever_assigned(&self, area: &str, role: Role) -> bool {
        self.assignments
            .iter()
            .any(|a| a.role == role && a.covers(area))
    }

    /// The required roles of `area` that nobody holds on `day`.
    pub fn gaps(&self, area: &str, day: Date) -> Vec<Gap> {
        let mut out = Vec::new();
        for (role, _) in REQUIRED {
            let holders: Vec<&Assignment> = self
                .assignments
                .iter()
                .filter(|a| a.role == role && a.covers(area))
                .collect();
            if holders.is_empty() || holders.iter().any(|a| a.is_valid_on(day)) {
                continue;
            }
            let ended = holders
                .iter()
                .filter(|a| a.valid_until.is_some_and(|u| u < day))
                .max_by_key(|a| a.valid_until);
            let next = holders
                .iter()
                .filter(|a| a.valid_from.is_some_and(|f| f > day))
                .min_by_key(|a| a.valid_from);
            let (since, entry) = match (ended, next) {
                (Some(a), _) => (
                    a.valid_until.and_then(|u| u.tomorrow().ok()),
                    format!(
                        "'{}' ended {}",
                        a.function,
                        a.valid_until.map(|u| u.to_string()).unwrap_or_default()
                    ),
                ),
                (None, Some(a)) => (
                    None,
                    format!(
                        "'{}' begins {}",
                        a.function,
                        a.valid_from.map(|f| f.to_string()).unwrap_or_default()
                    ),
                ),
                (None, None) => (None, String::new()),
            };
            out.push(Gap {
                area: area.to_string(),
                role,
                role_label: role.label(),
                since,
                entry,
                organisation: holders[0].organisation.clone(),
            });
        }
        out
    }

    /// The stand-in for a vacant role: the organisation's general channels, marked vacant.
    pub fn vacancy(&self, gap: &Gap, audience: Audience) -> Contact {
        let org = self.organisations.get(&gap.organisation);
        Contact {
            organisation: gap.organisation.clone(),
            organisation_name: org.map(|o| o.name.clone()).unwrap_or_default(),
            role: gap.role,
            role_label: gap.role.label(),
            theme: None,
            name: format!(
                "Vacant: {}{} (ask the organisation)",
                gap.role.label(),
                gap.since.map(|s| format!(" since {s}")).unwrap_or_default()
            ),
            person: None,
            scope: Scope::Areas(vec![gap.area.clone()]),
            channels: org
                .into_iter()
                .flat_map(|o| o.channels.iter())
                .filter(|c| audience == Audience::Internal || c.visibility == Visibility::Public)
                .cloned()
                .collect(),
            why: Why {
                rule: WhyRule::Vacant,
                area: Some(WhyArea {
                    id: gap.area.clone(),
                    name: String::new(),
                    layer: String::new(),
                }),
                hours: None,
                outside_hours: false,
                valid_from: gap.since,
                valid_until: None,
                text: String::new(),
            },
        }
    }
}
