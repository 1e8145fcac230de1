//! How a text file a person saved is read: UTF-8 (with or without the BOM Excel writes) or
//! Windows-1252 (Excel's plain "CSV" on a Dutch Windows), and what is not text at all
//! (a workbook, UTF-16, binary data). A leaf: every loader (addresses, places, the geodata
//! directory, classification) judges files by these rules without importing the others.

use std::borrow::Cow;

/// Whether the bytes begin like a workbook: a ZIP (xlsx, ods) or an OLE file (xls).
pub fn looks_like_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The UTF-16 a byte-order mark announces (Excel's "Unicode text", tab-separated), if any.
pub fn utf16_bom(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    match head {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// Whether the bytes are binary (not a text table): more than a tenth of the first 8 KiB are
/// control bytes other than tab and line breaks. A stray NUL in a row of text does not make a
/// file binary (the row passes through as it was); UTF-16 text, half NULs, does.
pub fn looks_binary(head: &[u8]) -> bool {
    let head = &head[..head.len().min(8192)];
    let control = head
        .iter()
        .filter(|b| **b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        .count();
    control * 10 > head.len()
}

/// The text encodings data files are read in: UTF-8 (Excel's "CSV UTF-8" starts it with a
/// BOM) and Windows-1252 (Excel's plain "CSV" on a Dutch Windows), judged as `classify` judges
/// an upload: text that is valid UTF-8 is UTF-8, any other Windows-1252.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TextEncoding {
    #[default]
    Utf8,
    Windows1252,
}

/// How to mend a file in neither encoding, in the words of the programs that write them.
const SAVE_AS: &str = "save it as UTF-8 (in Excel: \"CSV UTF-8\")";

/// Bytes Windows-1252 leaves undefined: text holding them is in neither encoding.
pub const NOT_WINDOWS_1252: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }

    /// The encoding of `text` (a whole file, or the first row of a stream with more than
    /// ASCII in it); refused when it is in neither.
    pub fn judge(text: &[u8]) -> Result<TextEncoding, String> {
        if std::str::from_utf8(text).is_ok() {
            return Ok(TextEncoding::Utf8);
        }
        match text.iter().position(|b| NOT_WINDOWS_1252.contains(b)) {
            Some(at) => {
                // A row of a stream is named by its caller; a whole file names the line here.
                let line = if text.contains(&b'\n') {
                    let n = text[..at].iter().filter(|b| **b == b'\n').count() + 1;
                    format!(" on line {n}")
                } else {
                    String::new()
                };
                Err(format!(
                    "neither UTF-8 nor Windows-1252 (byte 0x{:02X}{line}): {SAVE_AS}",
                    text[at]
                ))
            }
            None => Ok(TextEncoding::Windows1252),
        }
    }

    pub fn decode(self, bytes: &[u8]) -> Cow<'_, str> {
        match self {
            TextEncoding::Utf8 => String::from_utf8_lossy(bytes),
            TextEncoding::Windows1252 => {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0
            }
        }
    }
}

/// Refuses a file that is not text at all, judged on its first bytes: a workbook, UTF-16 (what
/// Excel's "Unicode text" saves) or other binary data read as text would be rows of garbage.
pub fn refuse_binary(head: &[u8]) -> Result<(), String> {
    if looks_like_workbook(head) {
        return Err(format!("an Excel workbook, not text: {SAVE_AS}"));
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err(format!("UTF-16 text, not UTF-8 or Windows-1252: {SAVE_AS}"));
    }
    if looks_binary(head) {
        return Err(format!(
            "binary, not text in UTF-8 or Windows-1252: {SAVE_AS}"
        ));
    }
    Ok(())
}

/// A whole data file as text: UTF-8 without its BOM, or Windows-1252; the reason when it is
/// neither.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    refuse_binary(&bytes)?;
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let bytes = e.into_bytes();
            let encoding = TextEncoding::judge(&bytes)?;
            Ok(encoding.decode(&bytes).into_owned())
        }
    }
}
