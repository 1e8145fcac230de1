//! Integration tests: one binary (see Cargo.toml `autotests = false`) with a module per area.

// Helpers outside #[test] functions unwrap too: a failed setup should fail the test loudly.
#![allow(clippy::unwrap_used)]

mod browser;
mod cli;
mod crs_validation;
mod geodata;
mod http;
mod index_oracle;
mod notations;
mod places;
mod situations;
mod trust;

use std::path::PathBuf;

/// A file in the raw public data beside the repository (`../shared/data`).
pub fn shared_data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(rel)
}
