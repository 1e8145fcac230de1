//! How far a workbook may expand before it is refused.
//!
//! A workbook is a ZIP of XML parts, and both layers can promise far more than they hold: a
//! 1.7 KB file may announce ten trillion shared strings, place one cell at XFD1048576, or repeat
//! one OpenDocument cell over a million rows. Every figure that decides how much is allocated or
//! written is checked against these limits before it is acted on, and the actual bytes and cells
//! are counted as they are read, whatever the file announced. Each limit is a flag of `classify`
//! and of `serve` (and a key of the config file), and its refusal names the limit and how to
//! raise it.

use serde::Serialize;

use crate::t;

/// The limits a workbook is read within.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::Args))]
pub struct Limits {
    /// Largest uncompressed size of one part of a workbook (a sheet, its shared strings), in MiB.
    #[cfg_attr(feature = "clap", arg(long = "workbook-max-unpacked-mib", default_value_t = Limits::DEFAULT.max_unpacked_mib))]
    pub max_unpacked_mib: u64,
    /// Largest ratio of a part's uncompressed to its compressed size (a ZIP bomb's is in the
    /// thousands; spreadsheet programs write 5 to 50).
    #[cfg_attr(feature = "clap", arg(long = "workbook-max-ratio", default_value_t = Limits::DEFAULT.max_ratio))]
    pub max_ratio: u64,
    /// Most shared strings an `.xlsx` may announce or hold.
    #[cfg_attr(feature = "clap", arg(long = "workbook-max-strings", default_value_t = Limits::DEFAULT.max_strings))]
    pub max_strings: u64,
    /// Most text the shared strings of an `.xlsx` may hold together, in MiB (kept in memory
    /// while the sheet is read).
    #[cfg_attr(feature = "clap", arg(long = "workbook-max-text-mib", default_value_t = Limits::DEFAULT.max_text_mib))]
    pub max_text_mib: u64,
    /// Most cells of the table a sheet expands to: its rows times its columns, counted from
    /// column A, blank cells between included (repeated OpenDocument cells count as often as
    /// they repeat).
    #[cfg_attr(feature = "clap", arg(long = "workbook-max-cells", default_value_t = Limits::DEFAULT.max_cells))]
    pub max_cells: u64,
    /// Most columns a sheet may use, counted from column A.
    #[cfg_attr(feature = "clap", arg(long = "workbook-max-columns", default_value_t = Limits::DEFAULT.max_columns))]
    pub max_columns: u32,
}

impl Limits {
    /// Sized for the 256 MiB the shipped Deployment gives the service: a 64 MiB upload, its
    /// shared strings and the pipeline's buffers fit together, and a workbook of a million rows
    /// of twenty columns is read.
    pub const DEFAULT: Limits = Limits {
        max_unpacked_mib: 1024,
        max_ratio: 200,
        max_strings: 2_000_000,
        max_text_mib: 48,
        max_cells: 24_000_000,
        max_columns: 1024,
    };

    pub(super) fn unpacked_bytes(&self) -> u64 {
        self.max_unpacked_mib.saturating_mul(1 << 20)
    }

    pub(super) fn text_bytes(&self) -> u64 {
        self.max_text_mib.saturating_mul(1 << 20)
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

/// Which limit a workbook reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "kebab-case")]
pub enum Limit {
    WorkbookMaxUnpackedMib,
    WorkbookMaxRatio,
    WorkbookMaxStrings,
    WorkbookMaxTextMib,
    WorkbookMaxCells,
    WorkbookMaxColumns,
}

impl Limit {
    /// The flag's and the config key's name: `workbook-max-cells`.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The environment variable `serve` reads it from.
    pub fn env(self) -> String {
        format!(
            "WIJKWIJZER_{}",
            self.name().replace('-', "_").to_uppercase()
        )
    }
}

/// A workbook that would expand beyond a limit: what it holds or announces, and the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge {
    pub limit: Limit,
    /// What the file holds or announces, in words ("the shared strings announce 10000000000000").
    pub found: String,
    /// The limit's value.
    pub max: u64,
}

impl TooLarge {
    pub(super) fn new(limit: Limit, found: String, max: u64) -> TooLarge {
        TooLarge { limit, found, max }
    }

    /// The refusal: what was found, the limit, and how the person at this door raises it (a
    /// flag on the command line; over HTTP the service's operator does).
    pub fn detail(&self, door: super::super::Door) -> String {
        let how = match door {
            super::super::Door::Cli => t!("workbook-raise-cli", flag = self.limit.name()),
            super::super::Door::Http => t!(
                "workbook-raise-http",
                flag = self.limit.name(),
                env = self.limit.env()
            ),
        };
        t!(
            "workbook-too-large",
            found = self.found.as_str(),
            limit = self.limit.name(),
            max = self.max,
            how = how
        )
    }
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail(super::super::Door::Cli))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_names_its_flag_and_variable() {
        for limit in <Limit as strum::IntoEnumIterator>::iter() {
            assert!(limit.name().starts_with("workbook-max-"), "{limit:?}");
            assert!(limit.env().starts_with("WIJKWIJZER_WORKBOOK_MAX_"));
            assert!(!limit.env().contains('-'));
        }
        assert_eq!(Limit::WorkbookMaxCells.name(), "workbook-max-cells");
    }
}
