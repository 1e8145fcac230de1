//! What to keep from an extract, how far an import has come, and what it found.

use jiff::civil::Date;

/// What an extract contained and what was kept, for the person running the import.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BagStats {
    pub files: usize,
    /// Voorkomens read per object type.
    pub read: std::collections::BTreeMap<&'static str, usize>,
    pub not_current: usize,
    pub invalid_status: usize,
    pub addresses: usize,
    pub nevenadressen: usize,
    /// Nummeraanduidingen that no current object has as hoofdadres or nevenadres.
    pub without_object: usize,
    /// References to objects missing from the extract, with an example.
    pub unresolved: Vec<String>,
    /// With a gemeente filter: its woonplaatsen on the date (from `GEM-WPL-RELATIE`), and the
    /// current voorkomens left out because they lie elsewhere.
    pub woonplaatsen: Vec<u64>,
    pub other_gemeente: usize,
    /// The extract's date (`StandTechnischeDatum` of the Leveringsdocument), when it has one.
    pub stand: Option<Date>,
}

/// What to keep from an extract.
#[derive(Debug, Clone, Default)]
pub struct BagOptions {
    /// The date that decides which voorkomen is current.
    pub date: Date,
    /// Keep only the woonplaatsen of this gemeente (four digits) according to the extract's
    /// own `GEM-WPL-RELATIE` file on `date`: how the national extract is cut to one gemeente.
    pub gemeente: Option<String>,
    /// Bytes read from the input files so far and the pass (1-based) reading them, for a
    /// progress bar; a gemeente filter reads the input in [`PASSES`] passes.
    pub progress: Option<std::sync::Arc<Progress>>,
}

/// How far an import has come; shared with whoever shows it.
#[derive(Debug, Default)]
pub struct Progress {
    pub bytes: std::sync::atomic::AtomicU64,
    pub pass: std::sync::atomic::AtomicU64,
}

/// Passes over the input with a gemeente filter (without one: 2, the first reading only the
/// small relation and delivery files).
pub const PASSES: u64 = 4;
