//! What every surface (npm client, Worker, popup) shares above the providers: which backend
//! serves an operation, the build and parse of one operation, the one loop that drives its
//! requests over any transport, the page walker that follows cursors, and what an error means
//! to a person.

mod backend;
mod drive;
mod exchange;
mod explain;
mod walk;

pub use backend::{Backend, Operation, Page, Routes};
pub use drive::{drive, Transport};
pub use exchange::{Exchange, Step, MAX_FILTERED_PAGES};
pub use explain::{explain, Explanation, ExplanationKind};
pub use walk::{Identified, PageWalker, MAX_WALK_PAGES};
