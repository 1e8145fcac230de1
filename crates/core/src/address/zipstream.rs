//! Reading a zip front to back from a stream, member by member, without seeking: how a zip
//! inside a zip (the national BAG extract's per-type zips) is read without unpacking it to
//! disk or memory.
//!
//! The `zip` crate's stream reader refuses members whose sizes follow the data in a "data
//! descriptor" (general purpose flag bit 3), and Kadaster writes its zips that way (the
//! GEM-WPL-RELATIE zip, for one). Deflate data ends by itself, so such a member can still be
//! read from a stream: inflate until the deflate stream ends, then read the descriptor and
//! check the CRC-32 and size it gives. Stored members need their size in the local header.

use std::io::{self, BufRead, Read};

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const DESCRIPTOR: u32 = 0x0807_4b50;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn invalid(reason: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, reason.into())
}

/// Counts and checksums what a member's reader hands out.
struct Checked<R> {
    inner: R,
    crc: crc32fast::Hasher,
    size: u64,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

/// Calls `member(name, reader)` for every file in the zip read from `input`, in order. Whatever
/// `member` leaves unread is read and checked before the next member. Ends at the central
/// directory.
pub fn for_each_member<E: From<io::Error>>(
    input: &mut dyn BufRead,
    mut member: impl FnMut(&str, &mut dyn Read) -> Result<(), E>,
) -> Result<(), E> {
    loop {
        let mut sig = [0u8; 4];
        match input.read_exact(&mut sig) {
            Ok(()) => {}
            // A zip cut right after a member: nothing more to read.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        match u32::from_le_bytes(sig) {
            LOCAL => {}
            CENTRAL | END => return Ok(()),
            other => return Err(invalid(format!("not a zip member header (0x{other:08x})")).into()),
        }
        let mut head = [0u8; 26];
        input.read_exact(&mut head)?;
        let flags = u16_at(&head, 2);
        let method = u16_at(&head, 4);
        let crc = u32_at(&head, 10);
        let compressed = u32_at(&head, 14);
        let size = u32_at(&head, 18);
        let name_len = usize::from(u16_at(&head, 22));
        let extra_len = usize::from(u16_at(&head, 24));
        let mut name = vec![0u8; name_len];
        input.read_exact(&mut name)?;
        let mut extra = vec![0u8; extra_len];
        input.read_exact(&mut extra)?;
        let name = String::from_utf8_lossy(&name).into_owned();
        if flags & 1 != 0 {
            return Err(invalid(format!("{name}: encrypted zip members are not supported")).into());
        }
        let zip64 = has_zip64(&extra);
        let descriptor = flags & 0b1000 != 0;
        let (read, actual) = match method {
            0 => {
                if descriptor || compressed == u32::MAX {
                    return Err(invalid(format!(
                        "{name}: a stored member without its size cannot be read from a stream"
                    ))
                    .into());
                }
                let mut body = Checked {
                    inner: (&mut *input).take(u64::from(compressed)),
                    crc: crc32fast::Hasher::new(),
                    size: 0,
                };
                member(&name, &mut body)?;
                io::copy(&mut body, &mut io::sink())?;
                (body.size, body.crc.finalize())
            }
            8 => {
                let mut body = Checked {
                    inner: flate2::bufread::DeflateDecoder::new(&mut *input),
                    crc: crc32fast::Hasher::new(),
                    size: 0,
                };
                member(&name, &mut body)?;
                io::copy(&mut body, &mut io::sink())?;
                (body.size, body.crc.finalize())
            }
            m => {
                return Err(invalid(format!(
                    "{name}: compression method {m} is not supported (only stored and deflate)"
                ))
                .into());
            }
        };
        let (crc, size) = if descriptor {
            read_descriptor(input, zip64)?
        } else {
            (crc, u64::from(size))
        };
        // With zip64 the local header's sizes are placeholders.
        let size_ok = size == read || (!descriptor && size == u64::from(u32::MAX));
        if crc != actual || !size_ok {
            return Err(invalid(format!(
                "{name}: damaged (read {read} bytes with CRC-32 {actual:08x}; the zip says {size} bytes, {crc:08x})"
            ))
            .into());
        }
    }
}

/// Whether a local header's extra field has the zip64 record (then sizes are 8 bytes).
fn has_zip64(extra: &[u8]) -> bool {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let id = u16_at(extra, at);
        let len = usize::from(u16_at(extra, at + 2));
        if id == 0x0001 {
            return true;
        }
        at += 4 + len;
    }
    false
}

/// The data descriptor after a member: an optional signature, CRC-32, then the sizes.
fn read_descriptor(input: &mut dyn BufRead, zip64: bool) -> io::Result<(u32, u64)> {
    let mut word = [0u8; 4];
    input.read_exact(&mut word)?;
    let crc = if u32::from_le_bytes(word) == DESCRIPTOR {
        input.read_exact(&mut word)?;
        u32::from_le_bytes(word)
    } else {
        u32::from_le_bytes(word)
    };
    if zip64 {
        let mut sizes = [0u8; 16];
        input.read_exact(&mut sizes)?;
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&sizes[8..]);
        Ok((crc, u64::from_le_bytes(eight)))
    } else {
        let mut sizes = [0u8; 8];
        input.read_exact(&mut sizes)?;
        Ok((crc, u64::from(u32_at(&sizes, 4))))
    }
}
