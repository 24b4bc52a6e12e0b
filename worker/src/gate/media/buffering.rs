//! At most one download held whole in memory per account (one of unannounced length or
//! encoded, or ConnectSafely's JSON answer): up to the file's cap in a buffer and its copy, so
//! that a few at once stay within the isolate's memory. A second waits (429, `Retry-After: 1`).

use linkedin_inbox::Error;

thread_local! {
    /// The accounts (digests) with a download held whole in memory right now: at most one each,
    /// so that a few at once stay within the isolate's memory.
    static BUFFERING: std::cell::RefCell<std::collections::HashSet<String>> =
        std::cell::RefCell::default();
}

/// The account's one buffered download, released when dropped.
pub(super) struct Buffering(String);

impl Buffering {
    pub(super) fn busy(digest: &str) -> bool {
        BUFFERING.with(|b| b.borrow().contains(digest))
    }

    /// The account's turn to buffer, or the client's wait of a second.
    pub(super) fn take(digest: &str) -> Result<Self, Error> {
        let taken = BUFFERING.with(|b| b.borrow_mut().insert(digest.to_owned()));
        match taken {
            true => Ok(Self(digest.to_owned())),
            false => Err(Error::RateLimited {
                retry_after_secs: Some(1),
            }),
        }
    }
}

impl Drop for Buffering {
    fn drop(&mut self) {
        BUFFERING.with(|b| b.borrow_mut().remove(&self.0));
    }
}
