//! The upstream providers, one module each (`wire.rs` mirrors the upstream JSON, `normalize.rs`
//! maps it onto the model), and the response decoding they share.

pub(crate) mod connectsafely;
pub(crate) mod linkup;
pub(crate) mod response;

pub use connectsafely::{ConnectSafely, ConversationQuery, CONNECTSAFELY_BASE_URL};
pub use linkup::{credit_cost, Linkup, MessageQuery, MessageTarget, LINKUP_BASE_URL};
