//! `linkedin-inbox-admin`: the operator's command line for the Worker's admin API
//! (`/admin/v1/`, see docs/admin.md). Each layer is testable without HTTP: the command line
//! becomes a typed [`Command`] ([`parse`]), a command becomes requests ([`plan`], [`page`]),
//! an answer becomes text ([`render`]); [`run`] ties them over a [`Transport`].
#![warn(missing_docs)]

mod args;
mod command;
mod endpoint;
mod error;
mod help;
mod parse_account;
mod parse_client;
pub mod render;
mod request;
mod run;
mod table;
mod transport;

pub use args::GlobalOptions;
pub use command::{
    parse, AccountFields, Command, ImportSource, NewClient, Parsed, Provider, Role,
    DEFAULT_AUDIT_LIMIT,
};
pub use endpoint::checked_base_url;
pub use error::{CliError, HelpTopic, Secret};
pub use help::usage;
pub use request::{page, plan, ApiRequest, Input, Plan, PAGE_LIMIT};
pub use run::{read_answer, run, Environment, Streams};
pub use table::{table, utc_time};
pub use transport::{Answer, Transport, Ureq};
