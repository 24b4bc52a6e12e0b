//! The star of a conversation mirrored on LinkedIn (ConnectSafely's `PATCH
//! /conversations/{urn}/star` and `/unstar`): where a star holds (`starredOn`) and the mirror
//! under way or failed (`starMirror`). The store writes a changed star pending
//! (`store/triage.rs`), the gate asks ConnectSafely and settles it (`gate/star_mirror.rs`).

use linkedin_inbox::{Error, StarMirror, StarMirrorError};

use crate::rules::triage::TriageState;

/// `starredOn` of a star held by the proxy only.
pub const LOCAL: &str = "local";
/// `starredOn` of a star ConnectSafely's star took.
const LINKEDIN: &str = "linkedin";
/// `starMirror.state` while the call is under way, and after it failed.
pub const MIRROR_PENDING: &str = "pending";
pub const MIRROR_FAILED: &str = "failed";

/// The star to ask of LinkedIn after `before` became `after`: `Some(starred)` when the star
/// changed, `None` when it did not (the same request twice mirrors once).
pub fn star_to_mirror(before: &TriageState, after: &TriageState) -> Option<bool> {
    (before.starred != after.starred).then_some(after.starred)
}

/// `state` with its star's mirror under way.
pub fn mirror_pending(state: TriageState) -> TriageState {
    TriageState {
        star_mirror: Some(StarMirror {
            state: MIRROR_PENDING.to_owned(),
            starred: state.starred,
            error: None,
        }),
        ..state
    }
}

/// Whether `state`'s star waits for its mirror.
pub fn is_pending(state: &TriageState) -> bool {
    state
        .star_mirror
        .as_ref()
        .is_some_and(|m| m.state == MIRROR_PENDING)
}

/// Whether `state` waits for the mirror of `starred` (not superseded by a later star change).
pub fn awaits_mirror(state: &TriageState, starred: bool) -> bool {
    is_pending(state)
        && state
            .star_mirror
            .as_ref()
            .is_some_and(|m| m.starred == starred)
        && state.starred == starred
}

/// `state` once the mirror of its star answered: on LinkedIn, or local with the reason.
pub fn mirror_settled(state: TriageState, outcome: Result<(), &Error>) -> TriageState {
    let (starred_on, star_mirror) = match outcome {
        Ok(()) => (state.starred.then(|| LINKEDIN.to_owned()), None),
        Err(e) => {
            let served = e.served();
            let error = StarMirrorError {
                code: served.code.as_str().to_owned(),
                message: served.message,
            };
            (
                state.starred.then(|| LOCAL.to_owned()),
                Some(StarMirror {
                    state: MIRROR_FAILED.to_owned(),
                    starred: state.starred,
                    error: Some(error),
                }),
            )
        }
    };
    TriageState {
        starred_on,
        star_mirror,
        ..state
    }
}
