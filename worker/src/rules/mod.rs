//! Pure rules of the proxy: no `worker` crate, no I/O, native unit tests. The fetch handler
//! (`edge`) and the account's object (`gate`) ask these what to do.

pub mod account_health;
pub mod admission;
pub mod budgets;
pub mod change_tokens;
pub mod client_auth;
pub mod contract_drift;
pub mod credential_seal;
pub mod doctor;
pub mod error_reply;
pub mod fts_query;
pub mod joined_work;
pub mod key_lease;
pub mod key_limits;
pub mod media_ref;
pub mod merged_walk;
pub mod page_body;
pub mod page_plan;
pub mod people;
pub mod query_params;
pub mod registry;
pub mod registry_wire;
pub mod request_body;
pub mod request_limits;
pub mod route_table;
pub mod seal;
pub mod send_caps;
pub mod settings;
pub mod star_mirror;
pub mod triage;
pub mod utc_day;
pub mod webhook_events;
