//! linkedin-inbox Worker proxy: holds the provider keys and LinkedIn sessions, authenticates
//! its own clients, normalizes through the core crate and keeps each account's inbox.
//!
//! Sorted by where code runs:
//! - `rules`: pure decisions (settings, registry, auth digests, the route table, query
//!   parameters, page plans, sealed cursors and tokens, webhook signatures and events, error
//!   replies); no `worker` crate, native unit tests (`cargo test -p linkedin-inbox-worker`).
//! - `store`: the account object's SQLite: schema, migrations and the SQL of each table group,
//!   behind a small trait so its tests run it natively on an in-memory SQLite.
//! - `edge` (wasm32): the stateless fetch handler: routes, the merged view of several
//!   accounts, webhooks in, the change feed and push channel tickets. It never touches SQL.
//! - `gate` (wasm32): `AccountGate`, the account's Durable Object: its store, upstream calls,
//!   budget, sends and live sockets.
//! - `key_gate` (wasm32): `KeyGate`, one Durable Object per provider API key: the rates the
//!   provider states per key, kept for every account that shares it.
//! - `registry_object` (wasm32): `Registry`, the one Durable Object of the stored registry
//!   (clients, accounts, links, audit; credentials sealed) and the admin API; `directory`
//!   (wasm32): every lookup of a client or account, from it or the `CLIENTS` secret, cached.
//! - `index_object` (wasm32): `InboxIndex`, one Durable Object per client: its merged inbox over
//!   every account it lists, fed by the accounts' objects (`store/inbox_index/`).
//! - `env` and `respond` (wasm32): the runtime's bindings and responses, shared by edge and gate;
//!   `rows_meter` (wasm32): the rows the objects wrote, which the store counts and the edge reports.

mod rules;
mod store;

#[cfg(target_arch = "wasm32")]
mod directory;
#[cfg(target_arch = "wasm32")]
mod edge;
#[cfg(target_arch = "wasm32")]
mod env;
#[cfg(target_arch = "wasm32")]
mod gate;
#[cfg(target_arch = "wasm32")]
mod index_object;
#[cfg(target_arch = "wasm32")]
mod key_gate;
#[cfg(target_arch = "wasm32")]
mod registry_object;
#[cfg(target_arch = "wasm32")]
mod respond;
#[cfg(target_arch = "wasm32")]
mod rows_meter;

/// Once per wasm instance (and again after worker-build's reset that follows a panic): a
/// panic's message and place go to the log, where the tests look for them.
#[cfg(target_arch = "wasm32")]
#[worker::event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[cfg(target_arch = "wasm32")]
pub use gate::AccountGate;
#[cfg(target_arch = "wasm32")]
pub use index_object::InboxIndex;
#[cfg(target_arch = "wasm32")]
pub use key_gate::KeyGate;
#[cfg(target_arch = "wasm32")]
pub use registry_object::Registry;
