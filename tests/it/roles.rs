//! Issue 34, part 2: a municipality's own roles are data. A Heerlen-like roster (wijkregisseur,
//! wijkagent, jongerenwerker) over the shipped areas: every door (the HTTP lookup in both
//! languages, the CLI, batch role columns, the sheet, `check`) says the declared labels, and
//! nothing printed names Maastricht's roles or organisations. A roster without `[roles]` keeps
//! the built-in six; a role nobody declared is refused with how to fix it.

use std::path::Path;

use serde_json::Value;

use crate::cli::wijkwijzer;
use crate::{free_port, start};

/// The coverage areas of the shipped data (both generations hold the same ids).
const AREAS: [&str; 4] = [
    "lwa-centrum-zuid-west",
    "lwa-noord-oost",
    "lwa-noord-west",
    "lwa-zuid-oost",
];

const WIJKREGISSEUR_EN: &str = "Neighbourhood manager";

/// A roster as Heerlen would write it: a wijkregisseur per area (required), a city-wide
/// wijkagent and jongerenwerker. `without`: an area left without its wijkregisseur.
fn heerlen_roster(without: Option<&str>) -> String {
    let mut r = String::from(
        r#"[meta]
source = "Testrooster in de vorm van een Heerlens wijkteam (rollen zonder namen)"

[roles.wijkregisseur]
label = { nl = "Wijkregisseur", en = "Neighbourhood manager" }
group = { nl = "Wijkregisseurs", en = "Neighbourhood managers" }
required = true
rank = 1

[roles.wijkagent]
label = { nl = "Wijkagent", en = "Community police officer" }
group = { nl = "Wijkagenten", en = "Community police officers" }
rank = 2

[roles.jongerenwerker]
label = { nl = "Jongerenwerker", en = "Youth worker" }
rank = 3

[organisations.gemeente]
name = "Gemeente (wijkteam)"
channels = [{ kind = "phone", value = "14 045", visibility = "public" }]

[organisations.politie]
name = "Politie"
channels = [{ kind = "phone", value = "0900-8844", visibility = "public" }]

[organisations.welzijn]
name = "Welzijnsorganisatie"
channels = [{ kind = "web", value = "https://welzijn.example.invalid", visibility = "public" }]

[[assignment]]
organisation = "politie"
role = "wijkagent"
scope = "city"
function = "Wijkagent van het wijkteam"

[[assignment]]
organisation = "welzijn"
role = "jongerenwerker"
scope = "city"
function = "Jongerenwerker van het wijkteam"
"#,
    );
    for area in AREAS.iter().filter(|a| Some(**a) != without) {
        r.push_str(&format!(
            "\n[[assignment]]\norganisation = \"gemeente\"\nrole = \"wijkregisseur\"\nscope = [\"{area}\"]\nfunction = \"Wijkregisseur {area}\"\n"
        ));
    }
    r
}

const SITUATIONS: &str = r#"[meta]
source = "Testmeldkaart"

[channels.politie-geen-spoed]
label = "Politie, geen spoed"
kind = "phone"
value = "0900-8844"

[[situation]]
id = "overlast"
name = "Overlast"
description = "Overlast op straat."
urgency = "normal"
handled_by = ["gemeente", "politie"]
report = ["politie-geen-spoed"]
advice = "Meld het."
contacts = [
  { organisation = "gemeente", role = "wijkregisseur" },
  { organisation = "politie", role = "wijkagent" },
]
"#;

/// The shipped data with `roster`, the Heerlen meldkaart and a `wijkregisseur` batch column.
fn data_dir(roster: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    crate::copy_dir(&src, dir.path());
    std::fs::write(dir.path().join("roster.toml"), roster).unwrap();
    std::fs::write(dir.path().join("situations.toml"), SITUATIONS).unwrap();
    let manifest = std::fs::read_to_string(dir.path().join("manifest.toml")).unwrap();
    let old = "[[municipality.columns]]\ncolumn = \"thor_senior\"\nrole = \"senior_wijkgebonden_medewerker\"\n\n[[municipality.columns]]\ncolumn = \"police_coordinator\"\nrole = \"coordinator\"\n";
    assert!(
        manifest.contains(old),
        "the shipped manifest's columns moved"
    );
    let manifest = manifest.replace(
        old,
        "[[municipality.columns]]\ncolumn = \"wijkregisseur\"\nrole = \"wijkregisseur\"\n",
    );
    std::fs::write(dir.path().join("manifest.toml"), manifest).unwrap();
    dir
}

/// Words of Maastricht's roles and organisations that the Heerlen data never says.
fn names_no_maastricht_role(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for word in ["senior wijkgebonden", "thor", "coördinator", "coordinator"] {
        assert!(!lower.contains(word), "{what} says '{word}': {text}");
    }
}

#[test]
fn check_accepts_the_declared_roles_and_names_a_missing_required_one() {
    let dir = data_dir(&heerlen_roster(None));
    let (code, out, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    names_no_maastricht_role("check", &format!("{out}{err}"));

    let dir = data_dir(&heerlen_roster(Some("lwa-noord-oost")));
    let (code, out, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    for words in [
        "lwa-noord-oost",
        "has no Neighbourhood manager at all",
        "[roles.wijkregisseur] is required",
        "add an [[assignment]] with role = \"wijkregisseur\" and scope = [\"lwa-noord-oost\"] or scope = \"city\"",
    ] {
        assert!(err.contains(words), "{words}: {err}");
    }
    // Only the area that lacks one is named.
    assert!(!err.contains("feature lwa-noord-west"), "{err}");
    names_no_maastricht_role("check", &err);
}

#[test]
fn an_undeclared_role_is_refused_with_the_declared_ones() {
    let roster = heerlen_roster(None).replace(
        "role = \"wijkregisseur\"\nscope = [\"lwa-zuid-oost\"]",
        "role = \"wijkregiseur\"\nscope = [\"lwa-zuid-oost\"]",
    );
    let dir = data_dir(&roster);
    let (code, out, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    for words in [
        "roster.toml",
        "(Wijkregisseur lwa-zuid-oost)",
        "role 'wijkregiseur' is not declared in [roles]: declared are: wijkregisseur, wijkagent, jongerenwerker; add [roles.wijkregiseur] with a label, or fix the spelling",
    ] {
        assert!(err.contains(words), "{words}: {err}");
    }
    // A batch column naming a role nobody declared is refused as well.
    let dir = data_dir(&heerlen_roster(None));
    let manifest = std::fs::read_to_string(dir.path().join("manifest.toml"))
        .unwrap()
        .replace("role = \"wijkregisseur\"\n", "role = \"coordinator\"\n");
    std::fs::write(dir.path().join("manifest.toml"), manifest).unwrap();
    let (code, out, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("column 'wijkregisseur' names role 'coordinator', which roster.toml does not declare (declared: wijkregisseur, wijkagent, jongerenwerker)"),
        "{err}"
    );
}

#[test]
fn a_roster_without_roles_keeps_the_built_in_six() {
    // The shipped roster with its [roles] block cut out: what every roster written before
    // this change looks like.
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/roster.toml"))
            .unwrap();
    let start = shipped.find("# ---- The roles").unwrap();
    let end = shipped.find("[organisations.").unwrap();
    let old = format!("{}{}", &shipped[..start], &shipped[end..]);
    assert!(!old.contains("[roles"));
    let legacy = wijkwijzer::roster::Roster::parse(&old).unwrap();
    let current = wijkwijzer::roster::Roster::parse(&shipped).unwrap();
    assert!(legacy.roles.is_empty());
    assert_eq!(legacy.roles(), current.roles());
    let ids = |r: &wijkwijzer::roster::Roster| -> Vec<String> {
        r.ordered_roles()
            .iter()
            .map(|(id, _)| id.to_string())
            .collect()
    };
    assert_eq!(
        ids(&legacy),
        [
            "senior_wijkgebonden_medewerker",
            "coordinator",
            "wijkagent",
            "task_focus",
            "boa",
            "gebiedsteam_partner"
        ]
    );
    let required: Vec<String> = legacy
        .required_roles()
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    assert_eq!(required, ["senior_wijkgebonden_medewerker", "coordinator"]);
    // And such a directory passes `check` with the same answers as the shipped one.
    let dir = tempfile::tempdir().unwrap();
    crate::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata"),
        dir.path(),
    );
    std::fs::write(dir.path().join("roster.toml"), &old).unwrap();
    let (code, out, err) = wijkwijzer(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let lookup = |geodata: &str| {
        let (code, out, err) =
            wijkwijzer(&["lookup", "--geodata", geodata, "50°51'05\"N", "5°41'28\"E"]);
        assert_eq!(code, 0, "{err}");
        // The data's version (a hash of its files) differs; everything else must not.
        out.lines()
            .filter(|l| !l.starts_with("Data "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let shipped_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    assert_eq!(
        lookup(dir.path().to_str().unwrap()),
        lookup(shipped_dir.to_str().unwrap())
    );
    // A role the built-in six do not have is refused, saying the roster declares none.
    let err = wijkwijzer::roster::Roster::parse(&old.replacen(
        "role = \"boa\"",
        "role = \"wijkregisseur\"",
        1,
    ))
    .unwrap_err();
    assert!(
        err.reason.contains("role 'wijkregisseur' is not declared in [roles]: this roster declares none, so the built-in ones hold: senior_wijkgebonden_medewerker, coordinator,"),
        "{err}"
    );
    assert!(err.line.is_some(), "{err:?}");
}

#[tokio::test]
async fn every_door_says_the_declared_labels() {
    let dir = data_dir(&heerlen_roster(None));
    let geodata = dir.path().to_str().unwrap();

    // The command line: a lookup names the wijkregisseur by its label.
    let (code, out, err) =
        wijkwijzer(&["lookup", "--geodata", geodata, "50°51'05\"N", "5°41'28\"E"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("{WIJKREGISSEUR_EN}: Wijkregisseur lwa-")),
        "{out}"
    );
    assert!(
        out.contains("Youth worker: Jongerenwerker van het wijkteam"),
        "{out}"
    );
    names_no_maastricht_role("lookup", &out);
    let (code, out, err) = wijkwijzer(&["roster", "--geodata", geodata]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!(
            "{WIJKREGISSEUR_EN:<32} Wijkregisseur lwa-noord-oost"
        )),
        "{out}"
    );
    names_no_maastricht_role("roster", &out);

    let port = free_port();
    let _server = start(
        &[
            "serve".into(),
            "--geodata".into(),
            geodata.to_string(),
            "--listen".into(),
            format!("127.0.0.1:{port}"),
        ],
        &[],
        port,
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let get = |path: &str, lang: &str| {
        let r = client
            .get(format!("{base}{path}"))
            .header("accept-language", lang)
            .send();
        async move {
            let r = r.await.unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        }
    };

    // HTTP: the contacts carry the declared label in the caller's language, in the declared
    // order (the required wijkregisseur first).
    // Borgharen, in Noord-Oost.
    let q = "/v1/lookup?x=176448&y=321000";
    for (lang, wijkregisseur, jongerenwerker) in [
        ("nl", "Wijkregisseur", "Jongerenwerker"),
        ("en", WIJKREGISSEUR_EN, "Youth worker"),
    ] {
        let (status, body) = get(q, lang).await;
        assert_eq!(status, 200, "{body}");
        let a: Value = serde_json::from_str(&body).unwrap();
        let contacts = a["contacts"].as_array().unwrap();
        let roles: Vec<(&str, &str)> = contacts
            .iter()
            .map(|c| {
                (
                    c["role"].as_str().unwrap(),
                    c["role_label"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            roles,
            [
                ("wijkregisseur", wijkregisseur),
                (
                    "wijkagent",
                    if lang == "nl" {
                        "Wijkagent"
                    } else {
                        "Community police officer"
                    }
                ),
                ("jongerenwerker", jongerenwerker),
            ],
            "{lang}: {body}"
        );
        assert_eq!(
            contacts[0]["name"], "Wijkregisseur lwa-noord-oost",
            "{body}"
        );
        names_no_maastricht_role(q, &body);
        // OGC items carry the same contacts and labels.
        let (status, body) = get("/ogc/collections/lwa/items", lang).await;
        assert_eq!(status, 200, "{body}");
        assert!(
            body.contains(&format!("\"role_label\":\"{wijkregisseur}\"")),
            "{lang}: {body}"
        );
        names_no_maastricht_role("ogc", &body);
    }

    // Batch: the manifest's column names a declared role; its cells are that role's holder.
    let csv = "id;x;y\n1;176448;321000\n2;176000;317500\n".to_string();
    let body = crate::post_csv(&base, "/v1/classify?crs=EPSG:28992", csv).await;
    let mut lines = body.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let col = header
        .iter()
        .position(|h| *h == "wijkregisseur")
        .unwrap_or_else(|| panic!("no wijkregisseur column: {body}"));
    for line in lines {
        let cells: Vec<&str> = line.split(';').collect();
        assert!(cells[col].starts_with("Wijkregisseur lwa-"), "{line}");
    }
    names_no_maastricht_role("classify", &body);

    // The sheet: one group per declared role, headed by its declared group title.
    for (lang, headings) in [
        ("nl", ["Wijkregisseurs", "Wijkagenten", "Jongerenwerker"]),
        (
            "en",
            [
                "Neighbourhood managers",
                "Community police officers",
                "Youth worker",
            ],
        ),
    ] {
        let (status, html) = get(&format!("/sheet/lwa-noord-oost?lang={lang}"), "nl").await;
        assert_eq!(status, 200, "{html}");
        let at: Vec<usize> = headings
            .iter()
            .map(|h| {
                html.find(&format!(">{h}<"))
                    .unwrap_or_else(|| panic!("{lang}: no heading {h}: {html}"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{lang}: order {at:?}");
        names_no_maastricht_role("sheet", &html);
    }
}
