//! wijkwijzer: for a place in a Dutch municipality (the data it ships with describes one), which area is it in and who is responsible there.
//!
//! The model: area layers (the 4 LWA areas, CBS wijken and buurten, the 2022 stadsdelen, any
//! other scheme) loaded from [`geodata`], indexed by [`index`], joined with the [`roster`] of
//! responsible functions. Data flows one way:
//! input ([`query`]) -> point in RD New ([`crs`]) -> areas ([`index`]) -> answer ([`resolve`]).
//! The HTTP server ([`http`]) and the command line are thin shells over [`resolve`].
//! What people read is in English or Dutch, from the messages of [`text`].
//!
//! ```
//! use wijkwijzer::{geodata::Geodata, resolve::Resolver, roster::Audience, crs::{transformer, Wgs84}};
//! let resolver = Resolver::new(Geodata::embedded().unwrap());
//! let vrijthof = transformer().wgs84_to_rd(Wgs84 { lat: 50.8489, lon: 5.6879 });
//! let answer = resolver.today().resolve(vrijthof, Audience::Public);
//! assert_eq!(answer.lwa.unwrap().name, "Centrum / Zuid-West");
//! assert_eq!(answer.buurt.unwrap().name, "Binnenstad");
//! ```

pub mod address;
pub mod auth;
pub mod classify;
pub mod config;
pub mod crs;
pub mod datafile;
pub mod encoding;
pub mod geodata;
pub mod hours;
pub mod http;
pub mod index;
pub mod query;
pub mod render;
pub mod resolve;
pub mod roster;
pub mod sheet;
pub mod situations;
pub mod staging;
pub mod text;
