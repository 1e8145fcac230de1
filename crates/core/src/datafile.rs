//! A data file that could not be read, and where: the error every hand-edited file (roster,
//! meldkaart, manifest, layers, key file) is refused with. A leaf, so that the modules that
//! read those files need not import the geodata module that holds them.

use std::fmt;

/// A file that could not be read as its format, with the line where the parser stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub line: Option<usize>,
    pub reason: String,
}

impl FileError {
    /// A problem with the file's content as a whole (no line to point at).
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            line: None,
            reason: reason.into(),
        }
    }

    /// A TOML parse or schema error, with its line (from the byte span the parser reports).
    pub fn toml(text: &str, e: &toml::de::Error) -> Self {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        Self {
            line,
            reason: e.to_string(),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Parses TOML, keeping the line of an error.
pub fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, FileError> {
    toml::from_str(text).map_err(|e| FileError::toml(text, &e))
}
