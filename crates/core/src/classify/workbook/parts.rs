//! The ZIP a workbook is packed in, opened within the [`Limits`].
//!
//! The zip crate reads the whole central directory at once and inflates a part for as long as
//! its deflate stream goes on, whatever size the entry declares. So the number of entries is
//! read from the end record before the archive is opened, and every part is read through a
//! counter that stops at the uncompressed limit and at the compression ratio limit, counting
//! the bytes that actually come out, not the ones declared.

use std::cell::RefCell;
use std::io::{Cursor, Read};
use std::rc::Rc;

use super::limits::{Limit, Limits, TooLarge};
use crate::classify::ClassifyError;
use crate::t;

/// More entries than any workbook has (a sheet, its relations and styles, a few dozen in all);
/// each costs the zip crate a few hundred bytes before anything is read.
const MAX_ENTRIES: u64 = 10_000;

/// Below this a part's ratio is not judged: tiny XML parts compress unevenly.
const RATIO_FLOOR: u64 = 1 << 20;

pub(super) struct Parts<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    limits: Limits,
    /// Set by a part's reader when it stops at a limit: the XML parser above it sees only an
    /// I/O error, and the refusal must name the limit.
    exceeded: Rc<RefCell<Option<TooLarge>>>,
}

impl<'a> Parts<'a> {
    pub(super) fn open(bytes: &'a [u8], limits: Limits) -> Result<Parts<'a>, ClassifyError> {
        let entries = entry_count(bytes).ok_or_else(not_a_workbook)?;
        if entries > MAX_ENTRIES {
            return Err(ClassifyError::NotATable(t!(
                "workbook-too-many-parts",
                parts = entries,
                max = MAX_ENTRIES
            )));
        }
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
        Ok(Parts {
            archive,
            limits,
            exceeded: Rc::default(),
        })
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// A part's bytes as they inflate, or `None` if there is no such part. Refused at once
    /// when its declared size or ratio is over the limits; stopped when its actual bytes are.
    pub(super) fn part(&mut self, name: &str) -> Result<Option<Bounded<'_>>, ClassifyError> {
        let Some(index) = self.archive.index_for_name(name) else {
            return Ok(None);
        };
        let file = self.archive.by_index(index).map_err(|_| not_a_workbook())?;
        let max = self.limits.unpacked_bytes();
        if file.size() > max {
            return Err(ClassifyError::Workbook(TooLarge::new(
                Limit::WorkbookMaxUnpackedMib,
                t!(
                    "workbook-found-unpacked",
                    part = name,
                    mib = file.size() >> 20
                ),
                self.limits.max_unpacked_mib,
            )));
        }
        let packed = file.compressed_size().max(1);
        if file.size() > RATIO_FLOOR && file.size() / packed > self.limits.max_ratio {
            return Err(ClassifyError::Workbook(TooLarge::new(
                Limit::WorkbookMaxRatio,
                t!(
                    "workbook-found-ratio",
                    part = name,
                    ratio = file.size() / packed
                ),
                self.limits.max_ratio,
            )));
        }
        self.exceeded.replace(None);
        Ok(Some(Bounded {
            name: name.to_string(),
            inner: Box::new(file),
            read: 0,
            packed,
            limits: self.limits,
            exceeded: self.exceeded.clone(),
        }))
    }

    /// What says, once reading a part has failed, why it failed (taken before the part is
    /// opened: the part borrows the archive).
    pub(super) fn failure(&self) -> Failure {
        Failure(self.exceeded.clone())
    }
}

/// Why reading a part failed: the limit it reached, or else a broken workbook.
pub(super) struct Failure(Rc<RefCell<Option<TooLarge>>>);

impl Failure {
    pub(super) fn error(&self) -> ClassifyError {
        match self.0.borrow().clone() {
            Some(too_large) => ClassifyError::Workbook(too_large),
            None => not_a_workbook(),
        }
    }
}

pub(super) fn not_a_workbook() -> ClassifyError {
    ClassifyError::NotATable(t!("classify-not-a-workbook"))
}

/// A part's reader that counts what comes out.
pub(super) struct Bounded<'z> {
    name: String,
    inner: Box<dyn Read + 'z>,
    read: u64,
    packed: u64,
    limits: Limits,
    exceeded: Rc<RefCell<Option<TooLarge>>>,
}

impl Read for Bounded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let over = if self.read > self.limits.unpacked_bytes() {
            Some(TooLarge::new(
                Limit::WorkbookMaxUnpackedMib,
                t!(
                    "workbook-found-unpacked-more",
                    part = self.name.as_str(),
                    mib = self.read >> 20
                ),
                self.limits.max_unpacked_mib,
            ))
        } else if self.read > RATIO_FLOOR && self.read / self.packed > self.limits.max_ratio {
            Some(TooLarge::new(
                Limit::WorkbookMaxRatio,
                t!(
                    "workbook-found-ratio",
                    part = self.name.as_str(),
                    ratio = self.read / self.packed
                ),
                self.limits.max_ratio,
            ))
        } else {
            None
        };
        match over {
            Some(too_large) => {
                self.exceeded.replace(Some(too_large));
                Err(std::io::Error::other("a workbook limit was reached"))
            }
            None => Ok(n),
        }
    }
}

/// The number of entries the ZIP's end record announces (ZIP64 included), or `None` if there is
/// no end record.
fn entry_count(bytes: &[u8]) -> Option<u64> {
    const END: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const LOCATOR: [u8; 4] = [0x50, 0x4b, 0x06, 0x07];
    const END64: [u8; 4] = [0x50, 0x4b, 0x06, 0x06];
    // The end record is 22 bytes and a comment of at most 65,535 follows it.
    let from = bytes.len().saturating_sub(22 + 65_535);
    let at = (from..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&i| bytes[i..i + 4] == END)?;
    let u16_at = |i: usize| -> Option<u64> {
        Some(u16::from_le_bytes(bytes.get(i..i + 2)?.try_into().ok()?) as u64)
    };
    let entries = u16_at(at + 10)?;
    if entries != 0xFFFF {
        return Some(entries);
    }
    // ZIP64: the locator right before the end record points at the ZIP64 end record.
    let locator = at.checked_sub(20)?;
    if bytes.get(locator..locator + 4)? != LOCATOR {
        return Some(entries);
    }
    let offset = u64::from_le_bytes(bytes.get(locator + 8..locator + 16)?.try_into().ok()?);
    let record = usize::try_from(offset).ok()?;
    if bytes.get(record..record + 4)? != END64 {
        return None;
    }
    Some(u64::from_le_bytes(
        bytes.get(record + 32..record + 40)?.try_into().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in parts {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn the_entry_count_is_read_from_the_end_record() {
        let bytes = zip_of(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        assert_eq!(entry_count(&bytes), Some(3));
        assert_eq!(entry_count(b"PK\x03\x04 no end record"), None);
    }

    #[test]
    fn a_part_that_inflates_beyond_the_ratio_is_stopped_while_it_is_read() {
        let zeros = vec![b'0'; 8 << 20];
        let bytes = zip_of(&[("xl/big.xml", &zeros)]);
        let limits = Limits {
            max_ratio: 20,
            ..Limits::DEFAULT
        };
        let mut parts = Parts::open(&bytes, limits).unwrap();
        // The declared size already tells: refused before a byte is inflated.
        let Err(ClassifyError::Workbook(e)) = parts.part("xl/big.xml") else {
            panic!("not refused by its declared ratio");
        };
        assert_eq!(e.limit, Limit::WorkbookMaxRatio);
        let limits = Limits {
            max_unpacked_mib: 4,
            ..Limits::DEFAULT
        };
        let mut parts = Parts::open(&bytes, limits).unwrap();
        assert!(matches!(
            parts.part("xl/big.xml"),
            Err(ClassifyError::Workbook(TooLarge {
                limit: Limit::WorkbookMaxUnpackedMib,
                ..
            }))
        ));
        assert!(parts.part("missing.xml").unwrap().is_none());
    }
}
