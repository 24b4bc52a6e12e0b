//! The stateless fetch handler: the route table's checks, authentication, the routes, the
//! merged view of a client's accounts, webhooks in, the change feed and the push channel's
//! tickets. It reaches an account's store only through its object (`account_object.rs`, the
//! one client of it).

pub mod account_object;
pub mod admin;
pub mod all_accounts;
pub mod body_reader;
pub mod context;
pub mod index_changes;
pub mod live_feed;
pub mod live_sockets;
pub mod media;
pub mod merged_list;
pub mod multipart;
pub mod people;
mod router;
pub mod routes;
pub mod triage;
