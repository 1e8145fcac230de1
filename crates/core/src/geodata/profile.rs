//! The municipality a geodata directory describes: its code and name, its woonplaatsen, where
//! short plus codes are completed, which layers an answer names as its fixed members and which
//! roles batch writes as columns. Everything in the code that would otherwise name one city
//! reads it from here, so that any Dutch municipality is a matter of data.
//!
//! It is written by `wijkwijzer import` into `manifest.toml` (from `layers.toml`, or from the
//! CBS file for a municipality without a mapping). A directory made before the profile existed
//! gets one derived from its `coverage_name` (see [`Municipality::derived`]).

use serde::{Deserialize, Serialize};

use crate::roster::{Role, Roster};

/// `[municipality]` in `manifest.toml` and `layers.toml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Municipality {
    /// The CBS gemeente code, `GM` and four digits.
    pub code: String,
    /// The name people use: in texts, titles and the page.
    pub name: String,
    /// Its woonplaatsen (as the BAG names them). Each, typed alone, is the whole municipality;
    /// each completes a short plus code. Default: the name alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub towns: Vec<String>,
    /// Where short plus codes are completed, WGS84 degrees. Default: the middle of the covered
    /// area's bounding box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Reference>,
    /// What one area of the coverage layer is called before its name ("LWA-gebied"); none: the
    /// name alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_word: Option<String>,
    /// Which layer fills each fixed member of an answer.
    #[serde(default)]
    pub members: Members,
    /// The roles a classified file gets as columns, in order; each names a role the roster
    /// declares. Default: the columns of the built-in roles (directories made before the
    /// profile named its columns).
    #[serde(default = "default_columns")]
    pub columns: Vec<RoleColumn>,
}

/// A point in WGS84 degrees.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub lat: f64,
    pub lon: f64,
}

/// The layers behind an answer's `lwa`, `wijk` and `buurt` members; a member without a layer
/// is left out of every answer (the layer is still in `areas`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Members {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lwa: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wijk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buurt: Option<String>,
}

/// One column of a classified file: the first contact of `role` (declared in the roster's
/// `[roles]`) in the row's area.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoleColumn {
    pub column: String,
    pub role: Role,
}

/// The columns of a profile that names none: those of the built-in roles, as such
/// directories had them.
fn default_columns() -> Vec<RoleColumn> {
    vec![
        RoleColumn {
            column: "senior_wijkgebonden_medewerker".into(),
            role: Role::SeniorWijkgebondenMedewerker,
        },
        RoleColumn {
            column: "police_coordinator".into(),
            role: Role::Coordinator,
        },
    ]
}

impl Municipality {
    /// The profile of a municipality known only by its CBS code and name, with the CBS layers
    /// as members and the roles of the generic roster as columns: what an import without a
    /// mapping writes.
    pub fn generic(code: &str, name: &str) -> Municipality {
        Municipality {
            code: code.to_string(),
            name: name.to_string(),
            towns: Vec::new(),
            reference: None,
            area_word: None,
            members: Members {
                lwa: None,
                wijk: Some("wijk".into()),
                buurt: Some("buurt".into()),
            },
            columns: GENERIC_COLUMNS
                .iter()
                .map(|id| RoleColumn {
                    column: id.to_string(),
                    role: Role::new(id),
                })
                .collect(),
        }
    }

    /// For a directory whose manifest has no profile: the name and code from `coverage_name`
    /// ("Gemeente X (GM1234)"), and the members its layers' ids suggest.
    pub fn derived(coverage_name: &str, layer_ids: &[&str]) -> Municipality {
        let (before, code) = match coverage_name.rsplit_once(" (") {
            Some((b, c)) => (b, c.trim_end_matches(')').to_string()),
            None => (coverage_name, String::new()),
        };
        let name = before.strip_prefix("Gemeente ").unwrap_or(before).trim();
        let has = |id: &str| layer_ids.contains(&id).then(|| id.to_string());
        Municipality {
            area_word: has("lwa").map(|_| "LWA-gebied".to_string()),
            members: Members {
                lwa: has("lwa"),
                wijk: has("wijk"),
                buurt: has("buurt"),
            },
            // Such a directory predates declared roles: its roster has the built-in ones.
            columns: default_columns(),
            ..Municipality::generic(&code, name)
        }
    }

    /// The woonplaatsen, or the name when none are listed.
    pub fn towns(&self) -> Vec<&str> {
        if self.towns.is_empty() {
            vec![self.name.as_str()]
        } else {
            self.towns.iter().map(String::as_str).collect()
        }
    }

    /// What [`crate::query`] needs to read text near this municipality.
    pub fn locality(&self, centre: Reference) -> crate::query::Locality {
        let r = self.reference.unwrap_or(centre);
        crate::query::Locality::new(&self.name, &self.towns(), r.lat, r.lon)
    }

    /// Problems with the profile, against the layer ids the directory has.
    pub fn check(&self, layer_ids: &[&str]) -> Vec<String> {
        let mut problems = Vec::new();
        let code_ok = self.code.len() == 6
            && self.code.starts_with("GM")
            && self.code[2..].bytes().all(|b| b.is_ascii_digit());
        if !code_ok {
            problems.push(format!(
                "municipality.code '{}' is not a CBS gemeente code: write GM and four digits",
                self.code
            ));
        }
        if self.name.trim().is_empty() {
            problems.push("municipality.name is empty".into());
        }
        if let Some(r) = self.reference
            && !(50.0..=54.0).contains(&r.lat) | !(3.0..=7.5).contains(&r.lon)
        {
            problems.push(format!(
                "municipality.reference ({}, {}) is not in the Netherlands: give lat and lon in degrees",
                r.lat, r.lon
            ));
        }
        for (member, layer) in [
            ("lwa", &self.members.lwa),
            ("wijk", &self.members.wijk),
            ("buurt", &self.members.buurt),
        ] {
            if let Some(l) = layer
                && !layer_ids.contains(&l.as_str())
            {
                problems.push(format!(
                    "municipality.members.{member} names layer '{l}', which the directory does not have (layers: {})",
                    layer_ids.join(", ")
                ));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for c in &self.columns {
            if c.column.trim().is_empty() || !seen.insert(c.column.to_ascii_lowercase()) {
                problems.push(format!(
                    "municipality.columns: '{}' is empty or given twice",
                    c.column
                ));
            }
        }
        problems
    }
}

/// The roles of the generic roster (`generic/roster.toml`) that a classified file gets as
/// columns, named as the roles.
const GENERIC_COLUMNS: [&str; 2] = ["contactpersoon", "wijkagent"];

impl Municipality {
    /// Problems with the role columns against the roles `roster` declares.
    pub fn check_roles(&self, roster: &Roster) -> Vec<String> {
        let declared = roster.roles();
        self.columns
            .iter()
            .filter(|c| !declared.contains_key(&c.role))
            .map(|c| {
                format!(
                    "municipality.columns: column '{}' names role '{}', which roster.toml does not declare (declared: {}): name a declared role, or add [roles.{}] to roster.toml",
                    c.column,
                    c.role,
                    roster
                        .ordered_roles()
                        .iter()
                        .map(|(r, _)| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    c.role
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_manifest_gets_a_profile_from_its_coverage_name() {
        let m = Municipality::derived("Gemeente Testdorp (GM9999)", &["lwa", "wijk", "buurt"]);
        assert_eq!((m.code.as_str(), m.name.as_str()), ("GM9999", "Testdorp"));
        assert_eq!(m.members.lwa.as_deref(), Some("lwa"));
        assert_eq!(m.towns(), ["Testdorp"]);
        assert!(m.check(&["lwa", "wijk", "buurt"]).is_empty());
        let m = Municipality::derived("Gemeente Testdorp (GM9999)", &["wijk", "buurt"]);
        assert_eq!(m.members.lwa, None);
    }

    #[test]
    fn the_generic_profile_names_the_generic_roles() {
        let text = include_str!("generic/roster.toml").replace("{{name}}", "Testdorp");
        let roster = Roster::parse(&text).unwrap();
        let m = Municipality::generic("GM9999", "Testdorp");
        assert!(
            m.check_roles(&roster).is_empty(),
            "{:?}",
            m.check_roles(&roster)
        );
        let lower = text.to_lowercase();
        for word in ["thor", "senior", "coördinator", "coordinator", "lwa"] {
            assert!(!lower.contains(word), "the generic roster says '{word}'");
        }
        // Maastricht's roster does not declare them: its data would refuse these columns.
        let shipped = Roster::parse(include_str!("../../../../geodata/roster.toml")).unwrap();
        let problems = m.check_roles(&shipped).join("\n");
        assert!(
            problems.contains("column 'contactpersoon' names role 'contactpersoon', which roster.toml does not declare"),
            "{problems}"
        );
    }

    #[test]
    fn a_bad_profile_is_described() {
        let mut m = Municipality::generic("9999", "");
        m.reference = Some(Reference {
            lat: 5.7,
            lon: 50.8,
        });
        m.members.lwa = Some("gebied".into());
        let problems = m.check(&["wijk", "buurt"]).join("\n");
        for words in [
            "GM and four digits",
            "name is empty",
            "not in the Netherlands",
            "'gebied'",
        ] {
            assert!(problems.contains(words), "{words}: {problems}");
        }
    }
}
