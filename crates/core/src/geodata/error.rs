//! Why an import was refused: a file, a feature of a file, or the mapping. A leaf beside the
//! readers (`cbs`) and the import that drives them, so that neither imports the other back.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    #[error("{path}: feature {feature}: {reason}")]
    Feature {
        path: String,
        feature: String,
        reason: String,
    },
    #[error("the mapping does not match the CBS file:\n  - {}", .0.join("\n  - "))]
    Mapping(Vec<String>),
    /// Writing the result failed.
    #[error("{path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

pub(crate) fn write_err(path: &Path, source: std::io::Error) -> ImportError {
    ImportError::Write {
        path: path.display().to_string(),
        source,
    }
}

pub(crate) fn file_err(path: &Path, reason: impl ToString) -> ImportError {
    ImportError::File {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}
