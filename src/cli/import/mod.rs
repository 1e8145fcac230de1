//! `wijkwijzer import` (a geodata directory; `bag` and `addresses`, an address file) and
//! `wijkwijzer download buurten`: reports and progress around the library's readers, and what
//! the three share: refusing an output that would destroy something, and saying what an
//! import that could not be written left behind.

use std::path::PathBuf;
use std::process::ExitCode;

use wijkwijzer::geodata::mapping::Mapping;

mod addresses;
mod download;
mod geodata;

pub(super) use addresses::{ImportWhat, import_addresses};
pub(super) use download::{DownloadWhat, download};
pub(super) use geodata::{ImportArgs, import_geodata};

/// Refuses, before the work, an `--out` the staged file could not replace without destroying
/// something: a directory, device or FIFO, or one of the inputs (the address file or the
/// `.toml` written beside it).
pub(super) fn check_out(out: &std::path::Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    use wijkwijzer::staging::FileId;
    wijkwijzer::staging::replaceable(out)?;
    let written = [
        FileId::of_path(out),
        FileId::of_path(&out.with_extension("toml")),
    ];
    for input in inputs {
        if let Some(id) = FileId::of_path(input)
            && written.contains(&Some(id))
        {
            anyhow::bail!(
                "--out {} would replace the input {}: name another output file",
                out.display(),
                input.display()
            );
        }
    }
    Ok(())
}

/// An import whose result could not be written (exit 2): what went wrong, that the previous data is as it
/// was (imports write beside it and swap only a checked result in), and, when the disk is
/// full (`full`, told by the I/O error's kind), how much room there is and how much the data
/// takes.
pub(super) fn import_failed(
    target: &std::path::Path,
    error: &dyn std::fmt::Display,
    full: bool,
) -> ExitCode {
    eprintln!("wijkwijzer: {error}");
    let kept = if target.exists() {
        format!("{} is as it was", target.display())
    } else {
        format!("Nothing was written to {}", target.display())
    };
    if let Some(room) = full
        .then(|| wijkwijzer::geodata::staging::room_for(target))
        .flatten()
    {
        eprintln!(
            "wijkwijzer: the disk is full: {room}. {kept}, and the partly written copy was removed. Make room and run the import again."
        );
    } else {
        eprintln!("wijkwijzer: {kept}.");
    }
    ExitCode::from(2)
}

/// The mapping built into the binary (`geodata/layers.toml`).
pub(super) fn built_in_mapping() -> anyhow::Result<Mapping> {
    Mapping::parse(wijkwijzer::geodata::import::EMBEDDED_MAPPING)
        .map_err(|e| anyhow::anyhow!("the built-in layers.toml: {e}"))
}
