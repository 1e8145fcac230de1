//! `wijkwijzer import` without a subcommand: a geodata directory from CBS buurten, the
//! mapping of buurten to areas and the other sources, swapped in only when it passes `check`.

use std::path::PathBuf;
use std::process::ExitCode;

use wijkwijzer::geodata::mapping::Mapping;

use super::{built_in_mapping, import_failed};

/// "GM1234 (Name), GM5678": the gemeenten of a file, for a message.
fn gemeente_list(found: &std::collections::BTreeMap<String, Option<String>>) -> String {
    found
        .iter()
        .map(|(c, n)| match n {
            Some(n) => format!("GM{c} ({n})"),
            None => format!("GM{c}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `wijkwijzer import` without a subcommand: the geodata directory.
#[derive(clap::Args)]
pub(in crate::cli) struct ImportArgs {
    /// Folder with the raw public data, used for inputs not given by a flag.
    #[arg(long, default_value = "data/sources")]
    pub source_dir: PathBuf,
    /// CBS buurten: GeoJSON (generalised or full resolution; RD New or WGS84), the CBS
    /// Wijk- en buurtkaart GeoPackage, or a file from `wijkwijzer download buurten`.
    #[arg(long)]
    pub buurten: Option<PathBuf>,
    /// The GeoPackage table holding the buurten (default: the one named like "buurten").
    #[arg(long)]
    pub layer: Option<String>,
    /// CBS wijken, for the wijk names (default: a GeoPackage's own wijken table, or the
    /// buurten's wijknaam).
    #[arg(long)]
    pub wijken: Option<PathBuf>,
    /// NSGI rdcorr2018 grid (.zip as distributed, or the .txt); default: built in.
    #[arg(long)]
    pub grid: Option<PathBuf>,
    /// The human-edited mapping of buurten to areas (default: OUT/layers.toml if there is
    /// one; else, for the built-in mapping's gemeente, the mapping built in; else none: the
    /// gemeente's own buurten and wijken, with the whole gemeente as the covered area).
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The gemeente to import from --buurten, e.g. GM1234 (default: the one the file holds).
    #[arg(long)]
    pub gemeente: Option<String>,
    /// Its name, when the file does not carry one (`gemeentenaam`).
    #[arg(long)]
    pub gemeente_name: Option<String>,
    /// The OpenStreetMap address CSV to convert (default: the one in --source-dir when
    /// rebuilding the shipped data; otherwise an existing OUT/addresses.csv is kept).
    #[arg(long)]
    pub osm: Option<PathBuf>,
    /// The geodata directory to write (replaced only when the result passes `check`).
    #[arg(long, default_value = "geodata")]
    pub out: PathBuf,
    /// Name of the boundary source, for every answer's attribution.
    #[arg(long)]
    pub source_name: Option<String>,
    /// Attribution of the boundary source (default: CBS/Kadaster's).
    #[arg(long)]
    pub attribution: Option<String>,
    #[arg(long)]
    pub year: Option<u16>,
    /// Whether the boundaries are generalised (default: layers.toml, or detected).
    #[arg(long)]
    pub generalized: Option<bool>,
    /// The municipality's own areas, as the answering layer: a CSV with a header and one row
    /// per buurt of buurtcode, area id and area name (`buurtcode;gebied;naam`; `;`, `,` or tab;
    /// UTF-8 or Windows-1252). Written into OUT/layers.toml, so later imports keep them.
    #[arg(long, value_name = "FILE.csv")]
    pub areas: Option<PathBuf>,
    /// The id of the layer --areas makes, as answers' `areas`, the API and the files name it
    /// (default: gebied).
    #[arg(long, requires = "areas")]
    pub areas_layer: Option<String>,
    /// The title of that layer (default: "Gebieden").
    #[arg(long, requires = "areas")]
    pub areas_title: Option<String>,
}

/// Builds a geodata directory (see [`ImportArgs`]) and reports what it did.
pub(in crate::cli) fn import_geodata(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let ImportArgs {
        source_dir,
        buurten,
        layer,
        wijken,
        grid,
        mapping,
        gemeente,
        gemeente_name,
        osm,
        out,
        source_name,
        attribution,
        year,
        generalized,
        areas,
        areas_layer,
        areas_title,
    } = args;
    // Inputs given by flag must exist; defaults are taken from --source-dir where it
    // has them and from the binary otherwise.
    let given = [
        ("--buurten", &buurten),
        ("--wijken", &wijken),
        ("--grid", &grid),
        ("--mapping", &mapping),
        ("--osm", &osm),
        ("--areas", &areas),
    ];
    for (flag, path) in given {
        if let Some(p) = path.as_ref().filter(|p| !p.exists()) {
            anyhow::bail!("{flag} {}: no such file", p.display());
        }
    }
    let existing = |p: PathBuf| p.exists().then_some(p);
    let shipped = buurten.is_none();
    let mapping = mapping.or_else(|| existing(out.join("layers.toml")));
    let built_in = built_in_mapping()?;
    let chosen = gemeente
        .as_deref()
        .map(wijkwijzer::geodata::download::gemeente_digits)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    // Without a mapping, the gemeente of the buurten file decides: the built-in mapping's
    // own, or any other as itself (its buurten and wijken, the whole gemeente as coverage).
    let generic = match (&buurten, &mapping) {
        (Some(file), None) => {
            let found = match wijkwijzer::geodata::cbs::gemeenten(file, layer.as_deref()) {
                Ok(found) => found,
                // The file was read and refused: a finding, exit 1, as the import's own.
                Err(e) => {
                    eprintln!("wijkwijzer: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let code = match (&chosen, found.len()) {
                (Some(c), _) if found.contains_key(c) => c.clone(),
                (Some(c), _) => anyhow::bail!(
                    "{}: no buurten of gemeente GM{c}; the file holds {}",
                    file.display(),
                    gemeente_list(&found)
                ),
                (None, 1) => found.keys().next().cloned().unwrap_or_default(),
                // A national or regional file: the built-in mapping's gemeente, as always.
                (None, _) if found.contains_key(&built_in.gemeente_code) => {
                    built_in.gemeente_code.clone()
                }
                (None, 0) => anyhow::bail!("{}: no CBS buurten (codes BU…) found", file.display()),
                (None, _) => anyhow::bail!(
                    "{} holds buurten of {} gemeenten ({}): pick one with --gemeente GMxxxx",
                    file.display(),
                    found.len(),
                    gemeente_list(&found)
                ),
            };
            if code == built_in.gemeente_code {
                None
            } else {
                let name = gemeente_name
                    .clone()
                    .or_else(|| found.get(&code).cloned().flatten())
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "{} does not name gemeente GM{code} (no gemeentenaam): give its name with --gemeente-name",
                            file.display()
                        )
                    })?;
                Some(wijkwijzer::geodata::import::Gemeente { code, name })
            }
        }
        (_, Some(m)) => {
            if let Some(c) = &chosen {
                let text = std::fs::read_to_string(m)?;
                let mapped =
                    Mapping::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", m.display()))?;
                if &mapped.gemeente_code != c {
                    anyhow::bail!(
                        "--gemeente GM{c}, but the mapping {} is of GM{}: give the mapping of GM{c}, or none",
                        m.display(),
                        mapped.gemeente_code
                    );
                }
            }
            None
        }
        (None, None) => None,
    };
    // Answers credit the file that was imported, not the extract the project ships.
    let fallback_name = buurten.as_ref().map(|b| {
        format!(
            "CBS buurten ({})",
            b.file_name().unwrap_or_default().to_string_lossy()
        )
    });
    // Without --buurten, the shipped directory is rebuilt from the files the built-in
    // mapping names under --source-dir.
    let sources = built_in.shipped.clone().filter(|_| shipped);
    let from_sources = |p: &PathBuf| existing(source_dir.join(p));
    let buurten = match buurten {
        Some(b) => b,
        None => sources
            .as_ref()
            .and_then(|s| from_sources(&s.buurten))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no buurten to import: give --buurten FILE (CBS buurten as GeoJSON or the CBS Wijk- en buurtkaart GeoPackage; `wijkwijzer download buurten` fetches them), or run in a checkout, where {} holds the shipped sources",
                    source_dir.display()
                )
            })?,
    };
    let wijken = wijken.or_else(|| {
        sources
            .as_ref()
            .and_then(|s| s.wijken.as_ref())
            .and_then(from_sources)
    });
    let grid =
        grid.or_else(|| existing(source_dir.join("rdnaptrans2018-grids/rdcorr2018.txt.zip")));
    // The shipped address file is described by the mapping; one given by flag names itself.
    let osm_source = sources
        .as_ref()
        .filter(|_| osm.is_none())
        .and_then(|s| s.addresses_source.clone());
    let osm = osm.or_else(|| {
        sources
            .as_ref()
            .and_then(|s| s.addresses.as_ref())
            .and_then(from_sources)
    });
    // The named places come from the same OpenStreetMap export as the shipped addresses.
    let places: Vec<PathBuf> = sources
        .as_ref()
        .map(|s| s.places.iter().filter_map(from_sources).collect())
        .unwrap_or_default();
    let is_generic = generic.is_some();
    let opts = wijkwijzer::geodata::import::ImportOptions {
        buurten,
        buurten_layer: layer,
        wijken,
        grid,
        mapping,
        generic,
        osm_source,
        source_dir: source_dir.clone(),
        generations: shipped,
        places,
        out: out.clone(),
        source_name,
        fallback_name,
        attribution,
        year,
        generalized,
    };
    let own = areas.map(|table| wijkwijzer::geodata::import::OwnAreas {
        table,
        title: areas_title.unwrap_or_else(|| "Gebieden".into()),
        layer: areas_layer.unwrap_or_else(|| "gebied".into()),
    });
    let report = match wijkwijzer::geodata::import::import_dir_with_areas(
        &opts,
        osm.as_deref(),
        own.as_ref(),
    ) {
        Ok(r) => r,
        // Writing failed (a full disk, no permission): the run could not be done.
        Err(e) if e.writing() => {
            let full = e.full_disk();
            return Ok(import_failed(&out, &e, full));
        }
        // The input was read and refused (it does not pass `check`, the mapping does not
        // match): a finding, exit 1, like `check`'s own.
        Err(e) => {
            eprintln!("wijkwijzer: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    for (layer, n) in &report.layers.layers {
        out!("{layer:<10} {n:>3} areas");
    }
    if let Some((written, skipped)) = &report.osm {
        out!(
            "addresses  {} from OpenStreetMap ({} rows skipped, listed below)",
            written.addresses,
            skipped.len()
        );
        for s in skipped {
            out!("note: {s}");
        }
    }
    for note in &report.layers.notes {
        out!("note: {note}");
    }
    for f in &report.layers.files {
        out!("wrote {}", f.display());
    }
    // A generic import writes generic files (national channels, role placeholders, the
    // mapping it made), not the built-in municipality's: say which.
    for d in &report.defaults {
        let kind = match d.as_str() {
            _ if !is_generic => "built-in default",
            "roster.toml" | "situations.toml" => {
                "generic: national channels and role placeholders only"
            }
            "addresses.csv" | "addresses.toml" => {
                "generic: no addresses yet; addresses.toml says how to load the BAG"
            }
            "layers.toml" => "the mapping this import made",
            _ => "generic: empty",
        };
        out!(
            "wrote {} ({kind}: edit it, then run `wijkwijzer check {}`)",
            out.join(d).display(),
            out.display()
        );
    }
    out!("{} validates (version {})", out.display(), report.version);
    Ok(ExitCode::SUCCESS)
}
