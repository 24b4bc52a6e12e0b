//! Pure rules of the proxy: no `worker` crate, no I/O, native unit tests. The fetch handler
//! and the account's object ask these what to do.

pub mod request_body;
pub mod route_table;
