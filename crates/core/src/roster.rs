//! The roster: who is responsible where.
//!
//! An assignment is an organisation plus a role, an optional theme, a scope (city-wide or a set
//! of areas of any layer), a function title, an optional person, contact channels and a
//! validity period. Every channel is marked `public` or `internal`; [`Audience::Public`] never
//! sees an internal one.
//!
//! The roles are the municipality's own: `[roles.<id>]` declares each one's label in Dutch and
//! English, whether every coverage area must have it, and where answers list it. An assignment
//! names a declared role. A roster without `[roles]` gets the shipped roster's declarations.
//!
//! The shipped roster names functions, never people: the source document names no officers.
//! A municipality puts real names into its own `roster.toml`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::text::Lang;

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

/// The id of a role, as `roster.toml` writes it (`wijkagent`, `wijkregisseur`): a key of
/// `[roles]`, the `role` of an assignment, of a meldkaart contact rule and of a batch column.
/// What a role is called, whether every area must have it and where answers list it is data:
/// the roster's [`RoleDecl`]s, never the code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, example = "wijkagent")]
pub struct Role(Cow<'static, str>);

/// The ids of the built-in declarations (see [`Roster::roles`]), for code and tests that work
/// with a roster written before rosters declared their roles. Named as the enum variants they
/// replace, so that such code reads as before.
#[allow(non_upper_case_globals)]
impl Role {
    pub const SeniorWijkgebondenMedewerker: Role =
        Role(Cow::Borrowed("senior_wijkgebonden_medewerker"));
    pub const Coordinator: Role = Role(Cow::Borrowed("coordinator"));
    pub const Wijkagent: Role = Role(Cow::Borrowed("wijkagent"));
    pub const TaskFocus: Role = Role(Cow::Borrowed("task_focus"));
    pub const Boa: Role = Role(Cow::Borrowed("boa"));
    pub const GebiedsteamPartner: Role = Role(Cow::Borrowed("gebiedsteam_partner"));
}

impl Role {
    /// The role with id `id` (not checked: [`Roster::parse`] checks the ids a file uses).
    pub fn new(id: &str) -> Role {
        // The built-in ids are shared rather than allocated for every contact of every answer.
        const BUILT_IN: [Role; 6] = [
            Role::SeniorWijkgebondenMedewerker,
            Role::Coordinator,
            Role::Wijkagent,
            Role::TaskFocus,
            Role::Boa,
            Role::GebiedsteamPartner,
        ];
        BUILT_IN
            .into_iter()
            .find(|r| r.as_str() == id)
            .unwrap_or_else(|| Role(Cow::Owned(id.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the id can be written where ids go: a TOML key, a JSON value, a column name.
    fn is_well_formed(&self) -> bool {
        let mut bytes = self.0.bytes();
        bytes.next().is_some_and(|b| b.is_ascii_lowercase())
            && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Role, D::Error> {
        let id = String::deserialize(d)?;
        Ok(Role::new(&id))
    }
}

/// A text of the roster in the two languages of the texts: `{ nl = "...", en = "..." }`.
/// Dutch is required (the municipality's own words); English falls back to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub nl: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Words {
    /// The text in `lang`, Dutch when there is no English.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) if !en.trim().is_empty() => en,
            _ => &self.nl,
        }
    }
}

/// `[roles.<id>]`: what a role is called and how the service treats it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleDecl {
    /// What one holder is called: an answer's `role_label`, CLI lines, vacancy texts.
    pub label: Words,
    /// Every coverage area must have a holder: `check` refuses data in which an area never
    /// has one, and warns of days on which dates leave it empty (answers then name the
    /// organisation's general channels, marked vacant).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// Where answers and the sheet list the role: lower first; roles without a rank come after
    /// those with one, by id. Explicit because a TOML table's order is not kept when read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// The sheet's heading over the role's group (a plural, "Wijkagenten"); default: the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Words>,
}

/// The declarations of a roster that has no `[roles]` (every roster written before rosters
/// declared them): those of the shipped roster, so that such a roster keeps its labels,
/// required roles and order.
static BUILT_IN_ROLES: LazyLock<BTreeMap<Role, RoleDecl>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    struct RolesOnly {
        roles: BTreeMap<Role, RoleDecl>,
    }
    match toml::from_str::<RolesOnly>(SHIPPED_ROSTER) {
        Ok(r) => r.roles,
        // The shipped roster is part of the source and loaded by every test run.
        Err(e) => panic!("the shipped roster.toml does not declare its roles: {e}"),
    }
});

const SHIPPED_ROSTER: &str = include_str!("../../../geodata/roster.toml");

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
    /// A role declared in `[roles]`.
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    pub scope: Scope,
    /// The function title, e.g. "Wijkregisseur Heerlen-Noord".
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
pub fn date_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
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
    /// `[roles.<id>]`; none: the built-in declarations (see [`Roster::roles`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<Role, RoleDecl>,
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
    /// The role's declared label, in the caller's language.
    pub role_label: String,
    /// Whether the roster declares the role required (the first to call when an answer is
    /// uncertain); the role's declaration says so, not the answer.
    #[serde(skip)]
    pub required: bool,
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

    /// Parses `roster.toml`; unknown keys are errors so that typos do not silently drop data,
    /// and so is a role that `[roles]` does not declare.
    pub fn parse(text: &str) -> Result<Roster, crate::datafile::FileError> {
        let roster: Roster = crate::datafile::parse_toml(text)?;
        roster.check_roles(text)?;
        Ok(roster)
    }

    /// The declared roles and the roles the assignments name.
    fn check_roles(&self, text: &str) -> Result<(), crate::datafile::FileError> {
        use crate::datafile::FileError;
        for (id, decl) in &self.roles {
            if !id.is_well_formed() {
                return Err(FileError::new(format!(
                    "[roles.{id}]: a role id is written in lowercase letters, digits and _, beginning with a letter (e.g. wijkregisseur)"
                )));
            }
            let empty = |w: &Words| w.nl.trim().is_empty();
            if empty(&decl.label) || decl.group.as_ref().is_some_and(empty) {
                return Err(FileError::new(format!(
                    "[roles.{id}]: the label (and group, when given) needs its Dutch text: label = {{ nl = \"...\", en = \"...\" }}"
                )));
            }
        }
        let Some((i, a)) = self
            .assignments
            .iter()
            .enumerate()
            .find(|(_, a)| !self.roles().contains_key(&a.role))
        else {
            return Ok(());
        };
        let declared = if self.roles.is_empty() {
            "this roster declares none, so the built-in ones hold"
        } else {
            "declared are"
        };
        // The line of the assignment's `[[assignment]]`, so that an admin can go to it.
        let line = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("[[assignment]]"))
            .nth(i)
            .map(|(n, _)| n + 1);
        Err(FileError {
            line,
            reason: format!(
                "assignment #{} ({}): role '{}' is not declared in [roles]: {declared}: {}; add [roles.{}] with a label, or fix the spelling",
                i + 1,
                a.function,
                a.role,
                self.ordered_roles()
                    .iter()
                    .map(|(r, _)| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                a.role
            ),
        })
    }

    /// The declared roles: the roster's `[roles]`, or the built-in ones when it declares none.
    pub fn roles(&self) -> &BTreeMap<Role, RoleDecl> {
        if self.roles.is_empty() {
            &BUILT_IN_ROLES
        } else {
            &self.roles
        }
    }

    /// The declared roles in the order answers and the sheet list them.
    pub fn ordered_roles(&self) -> Vec<(&Role, &RoleDecl)> {
        let mut out: Vec<(&Role, &RoleDecl)> = self.roles().iter().collect();
        out.sort_by_key(|(id, d)| (d.rank.is_none(), d.rank, *id));
        out
    }

    /// Where `role` stands in [`Roster::ordered_roles`] (an undeclared one last): the order of
    /// contacts in an answer.
    pub fn rank(&self, role: &Role) -> usize {
        self.ordered_roles()
            .iter()
            .position(|(r, _)| *r == role)
            .unwrap_or(usize::MAX)
    }

    /// The roles every coverage area must have, in order.
    pub fn required_roles(&self) -> Vec<(&Role, &RoleDecl)> {
        self.ordered_roles()
            .into_iter()
            .filter(|(_, d)| d.required)
            .collect()
    }

    /// What `role` is called in `lang`: its declared label (its id, were it not declared).
    pub fn role_label(&self, role: &Role, lang: Lang) -> String {
        self.roles()
            .get(role)
            .map_or_else(|| role.to_string(), |d| d.label.get(lang).to_string())
    }

    /// The sheet's heading over `role`'s group in `lang`: its declared group, or its label.
    pub fn role_group(&self, role: &Role, lang: Lang) -> String {
        match self.roles().get(role) {
            Some(RoleDecl { group: Some(g), .. }) => g.get(lang).to_string(),
            _ => self.role_label(role, lang),
        }
    }

    fn is_required(&self, role: &Role) -> bool {
        self.roles().get(role).is_some_and(|d| d.required)
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
        out.sort_by_cached_key(|(i, c)| (self.rank(&c.role), *i));
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
            role: a.role.clone(),
            role_label: self.role_label(&a.role, crate::text::current()),
            required: self.is_required(&a.role),
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

/// Today's date in the Netherlands (Europe/Amsterdam, the zone every time rule is read in),
/// for validity periods: the same day `Resolver::today` answers for, so an assignment that
/// starts on 1 January starts at midnight there, not an hour later (UTC), and a warning and an
/// answer never disagree about which day it is.
pub fn today() -> Date {
    crate::hours::local(None).date()
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

    const DECLARED: &str = r#"
[meta]
source = "test"

[roles.wijkregisseur]
label = { nl = "Wijkregisseur", en = "Neighbourhood manager" }
required = true
rank = 2

[roles.jongerenwerker]
label = { nl = "Jongerenwerker" }

[roles.wijkagent]
label = { nl = "Wijkagent", en = "Community police officer" }
group = { nl = "Wijkagenten" }
rank = 1

[organisations.gemeente]
name = "Gemeente"

[[assignment]]
organisation = "gemeente"
role = "wijkregisseur"
scope = "city"
function = "Wijkregisseur"

[[assignment]]
organisation = "gemeente"
role = "wijkagent"
scope = "city"
function = "Wijkagent"
"#;

    #[test]
    fn declared_roles_give_labels_order_and_the_required_set() {
        let r = Roster::parse(DECLARED).unwrap();
        let ids: Vec<&str> = r
            .ordered_roles()
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(ids, ["wijkagent", "wijkregisseur", "jongerenwerker"]);
        let required: Vec<&str> = r
            .required_roles()
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(required, ["wijkregisseur"]);
        let role = Role::new("wijkregisseur");
        assert_eq!(r.role_label(&role, Lang::Nl), "Wijkregisseur");
        assert_eq!(r.role_label(&role, Lang::En), "Neighbourhood manager");
        // No English: the Dutch; no group: the label.
        let jw = Role::new("jongerenwerker");
        assert_eq!(r.role_label(&jw, Lang::En), "Jongerenwerker");
        assert_eq!(r.role_group(&jw, Lang::Nl), "Jongerenwerker");
        assert_eq!(r.role_group(&Role::Wijkagent, Lang::En), "Wijkagenten");
        // Contacts in the declared order, the required one marked.
        let c = r.contacts_for(&[], Date::constant(2026, 1, 1), Audience::Public);
        let got: Vec<(&str, bool)> = c.iter().map(|c| (c.role.as_str(), c.required)).collect();
        assert_eq!(got, [("wijkagent", false), ("wijkregisseur", true)]);
    }

    #[test]
    fn an_undeclared_role_or_a_bad_declaration_is_refused() {
        let text = DECLARED.replacen("role = \"wijkagent\"", "role = \"wijkagnet\"", 1);
        let err = Roster::parse(&text).unwrap_err();
        assert!(
            err.reason.contains("assignment #2 (Wijkagent): role 'wijkagnet' is not declared in [roles]: declared are: wijkagent, wijkregisseur, jongerenwerker; add [roles.wijkagnet] with a label, or fix the spelling"),
            "{err}"
        );
        let line = text
            .lines()
            .enumerate()
            .filter(|(_, l)| *l == "[[assignment]]")
            .nth(1)
            .unwrap()
            .0
            + 1;
        assert_eq!(err.line, Some(line));
        let text = DECLARED.replace("[roles.jongerenwerker]", "[roles.Jongeren-werker]");
        let err = Roster::parse(&text).unwrap_err();
        assert!(err.reason.contains("lowercase letters"), "{err}");
        let text = DECLARED.replace(
            "label = { nl = \"Jongerenwerker\" }",
            "label = { nl = \" \" }",
        );
        assert!(Roster::parse(&text).unwrap_err().reason.contains("Dutch"));
        let text = DECLARED.replace("rank = 1", "rank = 1\nrequird = true");
        assert!(Roster::parse(&text).unwrap_err().reason.contains("requird"));
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

/// A required role left empty on a day by an assignment that ended or has not begun: planning
/// to be done, not broken data. The service keeps serving and says the role is vacant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub area: String,
    pub role: Role,
    /// The role's declared label, in the current language.
    pub role_label: String,
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
    pub fn ever_assigned(&self, area: &str, role: &Role) -> bool {
        self.assignments
            .iter()
            .any(|a| a.role == *role && a.covers(area))
    }

    /// The required roles of `area` that nobody holds on `day`.
    pub fn gaps(&self, area: &str, day: Date) -> Vec<Gap> {
        let mut out = Vec::new();
        for (role, _) in self.required_roles() {
            let holders: Vec<&Assignment> = self
                .assignments
                .iter()
                .filter(|a| a.role == *role && a.covers(area))
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
                role: role.clone(),
                role_label: self.role_label(role, crate::text::current()),
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
            role: gap.role.clone(),
            role_label: gap.role_label.clone(),
            required: self.is_required(&gap.role),
            theme: None,
            name: match gap.since {
                Some(since) => crate::t!(
                    "roster-vacant-since",
                    role = gap.role_label.as_str(),
                    since = since.to_string()
                ),
                None => crate::t!("roster-vacant", role = gap.role_label.as_str()),
            },
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
