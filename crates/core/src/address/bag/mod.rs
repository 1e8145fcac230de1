//! `wijkwijzer import bag`: the BAG 2.0 Extract (Kadaster's LVBAG XML) to address records.
//!
//! The extract arrives as a zip holding one zip per object type (`…NUM…zip`, `…OPR…zip`,
//! `…WPL…zip`, `…VBO…zip`, `…LIG…zip`, `…STA…zip`), each holding numbered XML files with
//! `sl:stand` elements wrapping one `sl-bag-extract:bagObject` each. Objects are recognised by
//! element name (namespace prefixes are ignored, so any prefix binding works), whatever the file
//! names. Every file is streamed; only the fields needed are kept.
//!
//! Current records only: of all voorkomens of an object, the one that is valid today
//! (`beginGeldigheid` ≤ today, no `eindGeldigheid` or one in the future, not corrected away by
//! `eindRegistratie`), and only with a status that means the object exists (a nummeraanduiding
//! `Naamgeving uitgegeven`, a verblijfsobject not `ingetrokken`, `niet gerealiseerd` or
//! `ten onrechte opgevoerd`, a ligplaats/standplaats `Plaats aangewezen`). An address is placed
//! at the point of the object that has it as hoofdadres or nevenadres; ligplaatsen and
//! standplaatsen have a polygon and are placed at its centroid.

//!
//! Files: `options` (what to keep, progress, the counts), `read` (the passes over the inputs),
//! `object` (one object's XML).

mod object;
mod options;
mod read;

use std::path::Path;

use jiff::civil::Date;

pub use options::{BagOptions, BagStats, PASSES, Progress};
use read::{ALL, Collected, Pass, Reader, STAGES};

use super::AddressRecord;
use super::records::RecordError;

/// Reads an extract: a zip (zips inside are opened too), a folder, or one XML file.
pub fn import(path: &Path, today: Date) -> Result<(Vec<AddressRecord>, BagStats), RecordError> {
    import_with(
        &[path.to_path_buf()],
        &BagOptions {
            date: today,
            ..BagOptions::default()
        },
    )
}

/// Reads every input (zips, nested zips, folders, XML files) as one extract. Zips inside zips
/// are streamed, never unpacked to disk or memory; files of object types without addresses
/// (panden, inactive and `NietBag` objects) are skipped by name.
pub fn import_with(
    inputs: &[std::path::PathBuf],
    opts: &BagOptions,
) -> Result<(Vec<AddressRecord>, BagStats), RecordError> {
    let mut reader = Reader {
        today: opts.date,
        stats: BagStats::default(),
        collected: Collected::default(),
        stage: ALL,
        places: None,
        pass: Pass::Meta,
        gwr_places: std::collections::HashSet::new(),
        relation_seen: false,
        gemeente: opts.gemeente.clone(),
        progress: opts.progress.clone(),
    };
    reader.next_pass();
    for path in inputs {
        reader.path(path)?;
    }
    if let Some(g) = &opts.gemeente {
        if !reader.relation_seen {
            return Err(RecordError {
                file: inputs_label(inputs),
                line: None,
                io: None,
                reason: format!(
                    "--gemeente {g} needs the extract's GEM-WPL-RELATIE file (the national extract holds it as GEM-WPL-RELATIE-<date>.zip); none was found, give it as another input"
                ),
            });
        }
        let places = std::mem::take(&mut reader.gwr_places);
        if places.is_empty() {
            return Err(RecordError {
                file: "GEM-WPL-RELATIE".into(),
                line: None,
                io: None,
                reason: format!(
                    "gemeente {g} has no woonplaats on {} (status definitief): check the code (Maastricht is 0935) and --date",
                    opts.date
                ),
            });
        }
        let mut ids: Vec<u64> = places.iter().copied().collect();
        ids.sort_unstable();
        reader.stats.woonplaatsen = ids;
        reader.places = Some(places);
        reader.pass = Pass::Objects;
        for stage in STAGES {
            reader.stage = stage;
            reader.next_pass();
            for path in inputs {
                reader.path(path)?;
            }
        }
    } else {
        reader.pass = Pass::Objects;
        reader.next_pass();
        for path in inputs {
            reader.path(path)?;
        }
    }
    let (records, stats) = reader.finish();
    if records.is_empty() {
        return Err(RecordError {
            file: inputs_label(inputs),
            line: None,
            io: None,
            reason: empty_reason(&stats, opts),
        });
    }
    Ok((records, stats))
}

/// The inputs as one name for messages.
fn inputs_label(inputs: &[std::path::PathBuf]) -> String {
    inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why an import found no address, in the terms of the options the user can change.
fn empty_reason(stats: &BagStats, opts: &BagOptions) -> String {
    let read: usize = stats.read.values().sum();
    if read == 0 {
        return "no BAG objects found: the input holds no LVBAG XML (expected the extract zip, its folder or its XML files)".into();
    }
    let mut why = format!(
        "no current address: read {read} voorkomens; {} not current on {}, {} with an ended status",
        stats.not_current, opts.date, stats.invalid_status
    );
    if let Some(g) = &opts.gemeente {
        why.push_str(&format!(
            ", {} in other gemeenten than {g} (woonplaatsen {})",
            stats.other_gemeente,
            stats
                .woonplaatsen
                .iter()
                .map(|w| format!("{w:04}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        why.push_str(": the extract does not cover this gemeente, or --gemeente is wrong");
    } else {
        why.push_str(": check --date");
    }
    why
}
