//! wijkwijzer: for a place in a Dutch municipality (the data it ships with describes one), which
//! area is it in and who is responsible there; the doors to the answer.
//!
//! The answering core (geodata, index, query, resolve, roster, the batch classifier) is the
//! crate `wijkwijzer-core`, re-exported here under the same module names. This crate adds the
//! faces above it: the HTTP server ([`http`]) with its keys ([`auth`]) and settings
//! ([`config`]), the sheet ([`sheet`], [`render`]) and the command line (`src/cli`). Each is a
//! thin shell over [`resolve`].
//!
//! ```
//! use wijkwijzer::{geodata::Geodata, resolve::Resolver, roster::Audience, crs::{transformer, Wgs84}};
//! let resolver = Resolver::new(Geodata::embedded().unwrap());
//! let vrijthof = transformer().wgs84_to_rd(Wgs84 { lat: 50.8489, lon: 5.6879 });
//! let answer = resolver.today().resolve(vrijthof, Audience::Public);
//! assert_eq!(answer.buurt.unwrap().name, "Binnenstad");
//! ```

pub use wijkwijzer_core::{
    address, classify, crs, datafile, encoding, geodata, hours, index, problem, query, resolve,
    roster, situations, staging, t, text,
};

pub mod auth;
pub mod config;
pub mod http;
pub mod render;
pub mod sheet;

#[cfg(test)]
mod text_tests;
