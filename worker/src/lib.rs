//! linkedin-inbox Worker proxy: holds the provider keys and LinkedIn sessions, authenticates
//! its own clients, normalizes through the core crate and caches pages.
//!
//! Pure modules (settings, planning, query parsing, error replies, client auth) build on every
//! target and carry native unit tests; the runtime modules (router, routes, account gate,
//! store, transport) build for wasm32 only.

mod auth;
mod config;
mod limits;
mod merge;
mod plan;
mod query;
mod registry;
mod reply;
mod rules;
mod schema;
mod seal;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod search;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod tokens;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod webhook;

#[cfg(target_arch = "wasm32")]
mod body;
#[cfg(target_arch = "wasm32")]
mod context;
#[cfg(target_arch = "wasm32")]
mod env;
#[cfg(target_arch = "wasm32")]
mod gate;
#[cfg(target_arch = "wasm32")]
mod live;
#[cfg(target_arch = "wasm32")]
mod respond;
#[cfg(target_arch = "wasm32")]
mod router;
#[cfg(target_arch = "wasm32")]
mod routes;
#[cfg(target_arch = "wasm32")]
mod unibox;
#[cfg(target_arch = "wasm32")]
mod upstream;

#[cfg(target_arch = "wasm32")]
pub use gate::AccountGate;
