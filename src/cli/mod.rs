//! The command line's handlers, one file per command; `main.rs` declares the commands and
//! dispatches to them.

pub(crate) mod classify;
pub(crate) mod import;
pub(crate) mod lookup;
pub(crate) mod roster;

use super::*;
