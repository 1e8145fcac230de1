//! Reading in chunks of whole records and the read → classify → write pipeline that keeps
//! both cores busy while memory stays flat.
//!
//! A chunk is about 1 MiB of whole records (a line break inside quotes does not end a
//! record), split into pieces of 4096 records for the workers. While the workers classify one
//! chunk on all cores ([`rayon`]), the previous chunk's output is written and the next is read.

use std::io::{Read, Write};

use rayon::prelude::*;

use super::ClassifyError;
use super::cell::Status;
use super::columns::SourceKind;

/// Runs read → classify → write from `first` on: while the workers classify one chunk (`work`
/// per piece, on all cores), the previous chunk's output is written and the next is read.
pub(crate) fn pipeline<R: Read, W: Write>(
    reader: &mut Chunker,
    first: Chunk,
    input: &mut R,
    output: &mut W,
    areas: usize,
    progress: &mut impl FnMut(u64, u64),
    work: impl Fn(&[u8], &mut Vec<u8>, &mut Counts) + Sync,
) -> Result<Counts, ClassifyError> {
    // Output buffers go back to this pool once written and input buffers to the reader's:
    // memory freed and asked for again per chunk came back from the kernel as fresh pages,
    // and zeroing those took a sixth of a run.
    let spare = std::sync::Mutex::new(Vec::<Vec<u8>>::new());
    // Rows are classified on other threads: they write their messages in the caller's language.
    let lang = crate::text::current();
    let classify = |chunk: &Chunk| -> Vec<(Vec<u8>, Counts)> {
        chunk
            .pieces()
            .par_iter()
            .map(|piece| {
                let mut bytes = spare
                    .lock()
                    .ok()
                    .and_then(|mut s| s.pop())
                    .unwrap_or_default();
                bytes.reserve(piece.len() * 8);
                let mut counts = Counts::new(areas);
                crate::text::sync_scope(lang, || work(piece, &mut bytes, &mut counts));
                (bytes, counts)
            })
            .collect()
    };
    let recycle = |pending: Vec<(Vec<u8>, Counts)>| {
        if let Ok(mut s) = spare.lock() {
            s.extend(pending.into_iter().map(|(mut bytes, _)| {
                bytes.clear();
                bytes
            }));
        }
    };
    let mut counts = Counts::new(areas);
    let mut pending: Vec<(Vec<u8>, Counts)> = Vec::new();
    let mut next = Some(first);
    while let Some(current) = next.take() {
        // The reader and writer need not be Send: they stay on this thread.
        let (io, parts) = std::thread::scope(|scope| {
            let worker = scope.spawn(|| classify(&current));
            let io = (|| -> Result<Option<Chunk>, ClassifyError> {
                for (bytes, _) in &pending {
                    output.write_all(bytes).map_err(ClassifyError::Write)?;
                }
                reader.next_chunk(input)
            })();
            (io, worker.join())
        });
        // A worker that panicked is a bug, not bad input: its panic goes on up (to the
        // HTTP layer's 500 or the CLI's crash report) instead of posing as a read error.
        let parts = parts.unwrap_or_else(|p| std::panic::resume_unwind(p));
        for (_, part) in &pending {
            counts.add(part);
        }
        progress(reader.consumed, counts.rows);
        // The workers stop between rows once cancelled (see `records`' callers); what they
        // made of the chunk is no answer.
        reader.cancel.check()?;
        next = io?;
        recycle(std::mem::replace(&mut pending, parts));
        reader.spare = Some(current.bytes);
    }
    for (bytes, part) in &pending {
        output.write_all(bytes).map_err(ClassifyError::Write)?;
        counts.add(part);
    }
    output.flush().map_err(ClassifyError::Write)?;
    progress(reader.consumed, counts.rows);
    Ok(counts)
}

/// Rows per status, per source and per base area, summed per worker and then over workers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counts {
    pub rows: u64,
    pub resolved: u64,
    pub status: [u64; <Status as strum::EnumCount>::COUNT],
    pub source: [u64; <SourceKind as strum::EnumCount>::COUNT],
    pub area: Vec<u64>,
}

impl Counts {
    pub fn new(areas: usize) -> Counts {
        Counts {
            area: vec![0; areas],
            ..Counts::default()
        }
    }

    pub fn count(&mut self, status: Status, source: Option<SourceKind>, base: Option<u32>) {
        self.rows += 1;
        self.status[status as usize] += 1;
        if let Some(s) = source {
            self.source[s as usize] += 1;
        }
        if let Some(a) = base {
            self.resolved += 1;
            self.area[a as usize] += 1;
        }
    }

    pub fn add(&mut self, other: &Counts) {
        self.rows += other.rows;
        self.resolved += other.resolved;
        for (a, b) in self.status.iter_mut().zip(&other.status) {
            *a += b;
        }
        for (a, b) in self.source.iter_mut().zip(&other.source) {
            *a += b;
        }
        for (a, b) in self.area.iter_mut().zip(&other.area) {
            *a += b;
        }
    }
}

/// Bytes read per chunk: large enough for the workers, small enough to keep memory flat. An
/// answer row is about ten times its input row, and two chunks' answers are in flight: at 4 MiB
/// that was 250 MB peak for a 60 MiB file, at 1 MiB 130 MB, and 1 MiB was also faster (2.9 s
/// against 3.2 s, `wijkwijzer classify` of 2.2 M coordinate rows, three runs each).
const CHUNK: usize = 1 << 20;
/// Bytes asked of the reader at a time.
const READ_STEP: usize = 256 << 10;
/// Records per piece of a chunk handed to one worker.
const PIECE: usize = 4096;

/// Whole records, as read: the line break that ends each (`\n`, `\r\n`, or none at the very end
/// of the input) is part of it, and `cuts` split them into pieces for the workers.
#[derive(Debug, Default)]
pub(crate) struct Chunk {
    pub bytes: Vec<u8>,
    pub start: usize,
    /// Piece boundaries (record starts) after `start`, ending with `bytes.len()`.
    cuts: Vec<usize>,
    pub newline: Newline,
}

impl Chunk {
    /// The end of the first record and the length of its line break.
    pub fn first_record(&self) -> (usize, usize) {
        match records(&self.bytes[self.start..], true, self.newline).next() {
            Some((raw, ending)) => (self.start + raw.len() + ending.len(), ending.len()),
            None => (self.start, 0),
        }
    }

    /// Drops everything before `to` (the header).
    pub fn skip(&mut self, to: usize) {
        self.start = to;
        self.cuts.retain(|c| *c > to);
    }

    pub fn records(&self) -> &[u8] {
        &self.bytes[self.start..]
    }

    pub fn pieces(&self) -> Vec<&[u8]> {
        let mut from = self.start;
        let mut out = Vec::with_capacity(self.cuts.len());
        for &c in &self.cuts {
            if c > from {
                out.push(&self.bytes[from..c]);
                from = c;
            }
        }
        out
    }
}

/// How records end: `\n` (with or without a `\r` before it), or a lone `\r` as classic Mac
/// software still writes ("CSV (Macintosh)" in Excel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Newline {
    #[default]
    Lf,
    Cr,
}

impl Newline {
    fn byte(self) -> u8 {
        match self {
            Newline::Lf => b'\n',
            Newline::Cr => b'\r',
        }
    }

    /// Judged on the first bytes read: a lone `\r` ends lines only where no `\n` does.
    pub fn judge(bytes: &[u8]) -> Newline {
        if memchr::memchr(b'\n', bytes).is_none() && memchr::memchr(b'\r', bytes).is_some() {
            Newline::Cr
        } else {
            Newline::Lf
        }
    }
}

/// The records of a piece (which holds whole records only).
pub(crate) fn records(
    piece: &[u8],
    quotes: bool,
    newline: Newline,
) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= piece.len() {
            return None;
        }
        let end = record_end(piece, at, quotes, newline).unwrap_or(piece.len());
        let next = (end + 1).min(piece.len());
        let body_end =
            if newline == Newline::Lf && end < piece.len() && end > at && piece[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
        let item = (&piece[at..body_end], &piece[body_end..next]);
        at = next;
        Some(item)
    })
}

/// The position of the line break that ends the record starting at `from`: with `quotes` (CSV)
/// the first line break with an even number of quotes before it in the record, else the first.
fn record_end(bytes: &[u8], from: usize, quotes: bool, newline: Newline) -> Option<usize> {
    let nl = newline.byte();
    if !quotes {
        return memchr::memchr(nl, &bytes[from..]).map(|i| from + i);
    }
    let mut quoted = false;
    let mut at = from;
    while let Some(i) = memchr::memchr2(b'"', nl, &bytes[at..]) {
        let i = at + i;
        if bytes[i] == b'"' {
            quoted = !quoted;
        } else if !quoted {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

/// Reads the input in chunks of whole records: a line break ends a record unless it is
/// inside quotes, so quoted fields may hold delimiters and line breaks.
#[derive(Default)]
pub(crate) struct Chunker {
    /// CSV: quotes may hide line breaks. Newline-delimited JSON: every line break ends a record.
    pub quotes: bool,
    pub carry: Vec<u8>,
    pub consumed: u64,
    pub eof: bool,
    /// A finished chunk's buffer, to read the next one into.
    pub spare: Option<Vec<u8>>,
    /// Nobody waits for the answer any more: no further chunk is read.
    pub cancel: super::Cancel,
    /// How lines end, judged on the first bytes read (before any record is cut, so that a
    /// file of `\r` lines is not read whole as one record).
    pub newline: Option<Newline>,
}

impl Chunker {
    pub fn next_chunk<R: Read>(&mut self, input: &mut R) -> Result<Option<Chunk>, ClassifyError> {
        let mut bytes = match self.spare.take() {
            Some(mut spare) => {
                spare.clear();
                spare.append(&mut self.carry);
                spare
            }
            None => std::mem::take(&mut self.carry),
        };
        loop {
            // Read until the buffer holds a chunk's worth (or the input ends).
            while !self.eof && bytes.len() < CHUNK {
                // Grow in steps: a small file (or HTTP body) never costs a whole chunk.
                let old = bytes.len();
                bytes.resize(old + READ_STEP, 0);
                let n = loop {
                    match input.read(&mut bytes[old..]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(ClassifyError::Read(e)),
                    }
                };
                bytes.truncate(old + n);
                self.consumed += n as u64;
                self.eof = n == 0;
            }
            if bytes.is_empty() {
                return Ok(None);
            }
            let newline = *self.newline.get_or_insert_with(|| Newline::judge(&bytes));
            let mut cuts = Vec::new();
            let mut at = 0;
            let mut in_piece = 0;
            let mut whole = 0;
            while let Some(end) = record_end(&bytes, at, self.quotes, newline) {
                at = end + 1;
                whole = at;
                in_piece += 1;
                if in_piece == PIECE {
                    cuts.push(at);
                    in_piece = 0;
                }
            }
            if self.eof {
                // The last record may end without a line break.
                cuts.push(bytes.len());
                return Ok(Some(Chunk {
                    bytes,
                    start: 0,
                    cuts,
                    newline,
                }));
            }
            if whole > 0 {
                self.carry = bytes.split_off(whole);
                if cuts.last() != Some(&whole) {
                    cuts.push(whole);
                }
                return Ok(Some(Chunk {
                    bytes,
                    start: 0,
                    cuts,
                    newline,
                }));
            }
            // One record longer than the buffer: read on until it ends.
            let old = bytes.len();
            bytes.reserve(old);
            let mut more = vec![0; old.max(CHUNK)];
            let n = input.read(&mut more).map_err(ClassifyError::Read)?;
            self.consumed += n as u64;
            self.eof = n == 0;
            bytes.extend_from_slice(&more[..n]);
        }
    }
}
