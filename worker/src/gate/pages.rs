//! Stored pages as answers: a fresh page is a HIT, an old one within its stale window is STALE
//! (the page cache's SQL is in `store/pages.rs`).

use crate::respond::page_response;
use crate::rules::page_plan::{Plan, Source};
pub use crate::store::Stored;

/// A stored page answered to the client.
pub trait PageAnswer {
    /// The page as a fresh HIT; the plan's credits are what the upstream call would have cost.
    fn hit(self, plan: &Plan) -> worker::Result<worker::Response>;
    /// The page as STALE (served because the provider failed or the budget is spent).
    fn stale(self) -> worker::Result<worker::Response>;
}

impl PageAnswer for Stored {
    fn hit(self, plan: &Plan) -> worker::Result<worker::Response> {
        page_response(
            worker::ResponseBody::Body(self.body.into_bytes()),
            Source::Hit,
            plan.browser_max_age(self.remaining_secs),
            Some(self.age_secs),
            0,
            plan.credits,
        )
    }

    fn stale(self) -> worker::Result<worker::Response> {
        page_response(
            worker::ResponseBody::Body(self.body.into_bytes()),
            Source::Stale,
            0,
            Some(self.age_secs),
            0,
            0,
        )
    }
}
