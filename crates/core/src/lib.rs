//! wijkwijzer-core: for a place in a Dutch municipality, which area is it in and who is
//! responsible there, without a web server, PDF writer, SQLite or HTTP client.
//!
//! The model: area layers (the 4 LWA areas, CBS wijken and buurten, the 2022 stadsdelen, any
//! other scheme) loaded from [`geodata`], indexed by [`index`], joined with the [`roster`] of
//! responsible functions. Data flows one way:
//! input ([`query`]) -> point in RD New ([`crs`]) -> areas ([`index`]) -> answer ([`resolve`]).
//! Every door (the HTTP server, the command line, the batch classifier of [`classify`] behind
//! the `batch` feature, the sheet) reads its answers from [`resolve`]; the doors live in the
//! `wijkwijzer` crate above this one. What people read is in English or Dutch, from the messages
//! of [`text`].
//!
//! Features: `batch` (CSV, workbook and GeoJSON files in, the same files with answers out),
//! `geopackage` (reading the CBS GeoPackage, SQLite bundled), `download` (PDOK over HTTPS),
//! `clap` (the batch options as command-line arguments).
//!
//! ```
//! use wijkwijzer_core::{geodata::Geodata, resolve::Resolver, roster::Audience, crs::{transformer, Wgs84}};
//! let resolver = Resolver::new(Geodata::embedded().unwrap());
//! let vrijthof = transformer().wgs84_to_rd(Wgs84 { lat: 50.8489, lon: 5.6879 });
//! let answer = resolver.today().resolve(vrijthof, Audience::Public);
//! assert_eq!(answer.lwa.unwrap().name, "Centrum / Zuid-West");
//! assert_eq!(answer.buurt.unwrap().name, "Binnenstad");
//! ```

pub mod address;
#[cfg(feature = "batch")]
pub mod classify;
pub mod crs;
pub mod datafile;
pub mod encoding;
pub mod geodata;
pub mod hours;
pub mod index;
pub mod problem;
pub mod query;
pub mod resolve;
pub mod roster;
pub mod situations;
pub mod staging;
pub mod text;
