//! Who writes for the account: the provider the core chooses (`Backend::writer`), and the
//! reader that checks a thread through the same provider.

use super::{refusal_status, Failure};

use linkedin_inbox::{Backend, Draft, Error, Provider, Sent};

use crate::gate::key_permits::{Patience, Permit};
use crate::gate::ledger::Ledger;

/// The provider that writes for this account, with the backend that reaches it.
pub(super) struct Writer {
    backend: Backend,
    provider: Provider,
}

impl Writer {
    /// The account's writer; `None` when its backend has no provider to send with.
    pub(super) fn of(backend: &Backend) -> Option<Self> {
        backend.writer().map(|provider| Self {
            backend: backend.clone(),
            provider,
        })
    }

    /// The provider that writes (its pauses, its budget or credits).
    pub(super) fn provider(&self) -> Provider {
        self.provider
    }

    /// Sends `draft` under `permit`, one of the writer's key (a 429 pauses the key for every
    /// account; the answer is read for the account's health): the sent message, or the failure
    /// and whether the provider refused it.
    pub(super) async fn send(
        &self,
        draft: &Draft,
        ledger: &Ledger,
        permit: Permit,
        timeout_ms: u64,
        max_pause_secs: u64,
    ) -> Result<Sent, Failure> {
        // Straight to the provider: the idempotency key is ours, not sent upstream.
        let request = self
            .backend
            .build_send(draft, "-")
            .map_err(|error| Failure {
                error,
                refused: true,
            })?;
        let response = ledger
            .send_upstream(
                self.provider,
                Some(permit),
                Patience::Client,
                &request,
                timeout_ms,
                max_pause_secs,
            )
            .await
            .map_err(|error| Failure {
                // A refused session's hold: the call never left (any other failure may have).
                refused: matches!(error, Error::Unauthorized { .. }),
                error,
            })?;
        self.backend
            .parse_send(draft, &response)
            .map_err(|error| Failure {
                error,
                refused: refusal_status(response.status),
            })
    }

    /// The backend that reads threads through the writer's own provider (what it sent is
    /// there first), metered as that provider.
    pub(super) fn reader(&self) -> Backend {
        match self.backend.clone() {
            Backend::Direct {
                connectsafely,
                linkup,
                account_id,
                routes,
            } => Backend::Direct {
                connectsafely,
                linkup,
                account_id,
                routes: linkedin_inbox::Routes {
                    list: routes.list,
                    threads: Some(self.provider),
                },
            },
            other => other,
        }
    }
}
