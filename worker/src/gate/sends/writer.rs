//! Who writes for the account: the provider the core chooses (ConnectSafely when the account
//! has it, else LinkupAPI), and the reader that checks a thread through the same provider.

use super::{refusal_status, Failure};

use linkedin_inbox::{Backend, Draft, Sent};

/// The provider that writes for this account (the core's choice: ConnectSafely when the
/// account has it, else LinkupAPI).
pub(super) struct Writer(Backend);

impl Writer {
    pub(super) fn of(backend: &Backend) -> Option<Self> {
        match backend {
            Backend::Direct {
                connectsafely: Some(_),
                ..
            }
            | Backend::Direct {
                linkup: Some(_), ..
            } => Some(Self(backend.clone())),
            _ => None,
        }
    }

    /// The ledger's name of the provider that writes (its pauses).
    pub(super) fn provider(&self) -> &'static str {
        match self.is_connectsafely() {
            true => "connectsafely",
            false => "linkup",
        }
    }

    pub(super) fn is_connectsafely(&self) -> bool {
        matches!(
            self.0,
            Backend::Direct {
                connectsafely: Some(_),
                ..
            }
        )
    }

    pub(super) async fn send(&self, draft: &Draft, timeout_ms: u64) -> Result<Sent, Failure> {
        // Straight to the provider: the idempotency key is ours, not sent upstream.
        let request = self.0.build_send(draft, "-").map_err(|error| Failure {
            error,
            refused: true,
        })?;
        let response = crate::gate::upstream::send(&request, timeout_ms)
            .await
            .map_err(|error| Failure {
                error,
                refused: false,
            })?;
        self.0
            .parse_send(draft, &response)
            .map_err(|error| Failure {
                error,
                refused: refusal_status(response.status),
            })
    }

    /// The backend that reads threads through the writer's own provider (what it sent is
    /// there first), metered as that provider.
    pub(super) fn reader(&self) -> Backend {
        let provider = match self.is_connectsafely() {
            true => linkedin_inbox::Provider::ConnectSafely,
            false => linkedin_inbox::Provider::Linkup,
        };
        match self.0.clone() {
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
                    threads: Some(provider),
                },
            },
            other => other,
        }
    }
}
