//! Integration tests: one binary (see Cargo.toml `autotests = false`) with a module per area.

mod crs_validation;
mod index_oracle;
mod places;

use std::path::PathBuf;

/// A file in the raw public data beside the repository (`../shared/data`).
pub fn shared_data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(rel)
}
