//! What a person asked about, decided once from any door's input ([`Place`]): a point in
//! known numbers, text read by the grammar, or an address. Every door (HTTP, the CLI) makes
//! one and hands it to `On::lookup`.

use super::{Input, QueryError, Understood};
use crate::crs::Rd;

/// What a person asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum AddressQuery {
    /// Free text: `Brusselsepoort 45` with or without its woonplaats, `6216CG 45`, `St. Pieterstraat 5`.
    Text(String),
    /// The separate fields of a form.
    Parts {
        postcode: String,
        huisnummer: String,
        huisletter: Option<String>,
        toevoeging: Option<String>,
    },
    /// Street and number as separate fields (a file's `straat;huisnummer` columns), with the
    /// woonplaats when known: no text to split, so a street name holding digits stays whole.
    Street {
        street: String,
        huisnummer: String,
        huisletter: Option<String>,
        toevoeging: Option<String>,
        woonplaats: Option<String>,
    },
}

/// A place to look up.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// A point given as numbers in a known CRS (`lat`/`lon`, `x`/`y` with `crs`).
    Point(Rd),
    /// Text the grammar read as a point, with how it was written.
    Understood(Understood),
    /// An address: free text, form fields, or street and number.
    Address(AddressQuery),
}

impl Place {
    /// Text as a person typed it: a point in any notation, or else an address.
    pub fn from_text(text: &str, near: &super::Locality) -> Result<Place, QueryError> {
        Ok(match super::parse(text, near)? {
            Input::Point(u) => Place::Understood(u),
            Input::Address(t) => Place::Address(AddressQuery::Text(t)),
        })
    }
}
