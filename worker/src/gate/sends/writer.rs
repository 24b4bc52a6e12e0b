//! Who writes for the account: the provider the core chooses (`Backend::writer`), and the
//! reader that checks a thread through the same provider.

use super::{refusal_status, Failure};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use linkedin_inbox::{Backend, Draft, DraftFile, Error, Provider, Sent};

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

    /// The draft's files as the writer's provider takes them: ConnectSafely's uploaded (one
    /// `upload-attachment` call each, under a permit of the key, its answer read for the key
    /// and the account's health like any), LinkupAPI's as their bytes (`media_file`). Nothing
    /// is sent yet: any failure is a refusal.
    pub(super) async fn attach(
        &self,
        files: &[crate::gate::protocol::GateFile],
        ledger: &Ledger,
        timeout_ms: u64,
        max_pause_secs: u64,
    ) -> Result<Vec<DraftFile>, Failure> {
        let refused = |error: Error| Failure {
            error,
            refused: true,
        };
        let mut attached = Vec::new();
        for file in files {
            let bytes = STANDARD.decode(&file.data).map_err(|_| {
                refused(Error::InvalidInput {
                    field: "files",
                    reason: "not base64".into(),
                })
            })?;
            let size = bytes.len() as u64;
            let Backend::Direct {
                connectsafely: Some(cs),
                account_id,
                ..
            } = &self.backend
            else {
                attached.push(DraftFile {
                    name: file.name.clone(),
                    media_type: file.media_type.clone(),
                    byte_size: size,
                    data: Some(file.data.clone()),
                    ..DraftFile::default()
                });
                continue;
            };
            if self.provider != Provider::ConnectSafely {
                attached.push(DraftFile {
                    name: file.name.clone(),
                    media_type: file.media_type.clone(),
                    byte_size: size,
                    data: Some(file.data.clone()),
                    ..DraftFile::default()
                });
                continue;
            }
            let request = cs
                .build_upload_attachment(&file.name, &file.media_type, size, account_id.as_deref())
                .map_err(refused)?;
            let permit = ledger
                .permits()
                .take(Provider::ConnectSafely, Patience::Client)
                .await
                .map_err(refused)?;
            let response = crate::gate::media::upload(&request, bytes, timeout_ms).await;
            drop(permit);
            if let Ok(answer) = &response {
                ledger
                    .note_media_answer(Provider::ConnectSafely, answer, max_pause_secs)
                    .await;
            }
            let uploaded = cs.parse_upload_attachment(
                &file.name,
                &file.media_type,
                size,
                &response.map_err(refused)?,
            );
            attached.push(uploaded.map_err(refused)?);
        }
        Ok(attached)
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
