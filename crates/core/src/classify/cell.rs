//! What the other files of `classify` share, one floor below them: a row's [`Status`], the
//! text encoding of a CSV file, and a value written as a CSV field in it.

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Encoding {
    Utf8,
    Windows1252,
}

pub(crate) fn decode(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// A value as a CSV field in the file's encoding, quoted when it must be.
pub(crate) fn field(value: &str, delimiter: u8, encoding: Encoding) -> Vec<u8> {
    let bytes = match encoding {
        Encoding::Utf8 => value.as_bytes().to_vec(),
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252.encode(value).0.into_owned(),
    };
    if bytes
        .iter()
        .any(|b| *b == delimiter || matches!(b, b'"' | b'\n' | b'\r'))
    {
        let mut q = Vec::with_capacity(bytes.len() + 2);
        q.push(b'"');
        for b in bytes {
            if b == b'"' {
                q.push(b'"');
            }
            q.push(b);
        }
        q.push(b'"');
        q
    } else {
        bytes
    }
}

/// What became of a row.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    strum::EnumCount,
    strum::EnumIter,
    strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Ok,
    /// Just outside the (generalised) boundary, within its tolerance: answered with the
    /// nearest area, as a lookup does; `strict_inside` makes it `outside`.
    Near,
    Outside,
    MissingPlace,
    BadCoordinate,
    BadAddress,
    AddressNotFound,
    AmbiguousAddress,
    /// GeoJSON only: a line or member that is not a Feature (passed through as it was).
    BadFeature,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
