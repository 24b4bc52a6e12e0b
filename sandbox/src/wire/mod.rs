//! The sandbox's own response shapes, field order as in the provider docs. Deliberately not
//! shared with the core crate, so a core parser bug cannot hide behind a shared type.

mod seed;
mod send;
mod successors;

pub use seed::*;
pub use send::*;
pub use successors::*;
