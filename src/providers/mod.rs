//! The upstream providers, one module each (`wire.rs` mirrors the upstream JSON, `normalize.rs`
//! maps it onto the model), and the response decoding they share.

pub(crate) mod connectsafely;
pub(crate) mod linkup;
pub(crate) mod response;

pub use connectsafely::{ConnectSafely, CONNECTSAFELY_BASE_URL};
pub use linkup::{credit_cost, send_credit_cost, Linkup, LINKUP_BASE_URL};
