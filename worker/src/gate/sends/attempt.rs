//! One send, run once for its key (a future shared by the key's concurrent requests): the
//! upstream call, and the outcome recorded before and after it.

use linkedin_inbox::{Draft, ErrorCode, Message, ServedError};
use worker::Storage;

use super::{settled_at, Answer, Check, Failure, Outcome, Writer};

use crate::gate::clock::arrival_ms;
use crate::gate::key_permits::Patience;
use crate::gate::ledger::{Admitted, Ledger};
use crate::gate::store_of;
use crate::rules::admission::{Billing, Cost, Limits};
use crate::rules::page_plan::clamp_retry_after;
use crate::rules::send_caps::SendSpend;
use crate::rules::settings::Config;
use linkedin_inbox::retry_after_secs_for;

/// Everything one send needs, owned (it runs in a future shared by its key's requests).
pub(super) struct Attempt {
    pub(super) storage: Storage,
    pub(super) ledger: Ledger,
    pub(super) key: String,
    pub(super) draft: Draft,
    /// The files to upload (ConnectSafely) or pass (LinkupAPI) with it, once, inside the attempt.
    pub(super) files: Vec<crate::gate::protocol::GateFile>,
    pub(super) writer: Writer,
    pub(super) config: std::rc::Rc<Config>,
    /// Look for the message in the thread before sending (an earlier outcome is unknown).
    pub(super) check_first: Option<i64>,
    /// What a first try took from the day's send counts (given back if nothing is sent).
    pub(super) spend: Option<SendSpend>,
    /// The account's digest (where its pages are stored).
    pub(super) account_digest: String,
    /// When the send's request arrived, epoch ms.
    pub(super) now: u64,
}

impl Attempt {
    pub(super) async fn run(mut self) -> Outcome {
        let mut now = self.now;
        if let Some(began_at) = self.check_first {
            let settled_at = settled_at(&self.config, began_at);
            let settling = i64::try_from(now).unwrap_or(i64::MAX) < settled_at;
            let wait = |until: i64| {
                retry_after_secs_for(u64::try_from(until).unwrap_or(0).saturating_sub(now))
            };
            let unsure = |message: &str, retry_after_secs| {
                Outcome::error(ServedError {
                    retry_after_secs,
                    ..ServedError::new(ErrorCode::Unavailable, message)
                })
            };
            match self.find_sent(began_at, now).await {
                Ok(Check::Found(message)) => return self.settle_sent(message, 0),
                // The first try may still be on its way: not sent again before it settles.
                Ok(Check::Absent | Check::Unfound | Check::Unverifiable) if settling => {
                    self.release(now);
                    return unsure(
                        "an earlier send with this key may still reach LinkedIn: retry with the same Idempotency-Key after Retry-After (the proxy looks in the thread first)",
                        Some(wait(settled_at)),
                    );
                }
                // Settled, and the conversation a first message would have opened is not in
                // the list synced since: it cannot be checked, so it is never sent again with
                // this key (the key stays unknown: a later retry looks again).
                Ok(Check::Unfound) => {
                    self.release(now);
                    return Outcome::error(ServedError::new(
                        ErrorCode::NotFound,
                        "an earlier send with this key may have reached LinkedIn, and the conversation it would have opened is not in the inbox: nothing more is sent with this key; look on LinkedIn, and write again with a new Idempotency-Key if the message is not there",
                    ));
                }
                // Settled, and too many messages since to tell: like a conversation that cannot
                // be found, never sent again with this key (which stays unknown).
                Ok(Check::Unverifiable) => {
                    self.release(now);
                    return Outcome::error(ServedError::new(
                        ErrorCode::NotFound,
                        "an earlier send with this key may have reached LinkedIn, and more messages came since than the proxy can check: nothing more is sent with this key; look on LinkedIn, and write again with a new Idempotency-Key if the message is not there",
                    ));
                }
                // The thread was read upstream: the send is admitted as of its answer.
                Ok(Check::Absent) => now = arrival_ms(),
                // The thread could not be read now: a retry after a settle period reads it.
                Ok(Check::Unsure(why)) => {
                    self.release(now);
                    return unsure(why, Some(self.config.send_settle_secs.max(1)));
                }
                Err(error) => {
                    self.release(now);
                    let error = clamp_retry_after(error, self.config.max_pause_secs);
                    return Outcome::error(ServedError {
                        message: "an earlier send with this key may have reached LinkedIn, and its thread could not be checked: retry later with the same Idempotency-Key".into(),
                        ..error.served()
                    });
                }
            }
        }
        let ledger = &self.ledger;
        // Not while the provider asked this account to slow down, nor past LinkupAPI's credit
        // cap.
        let mut cost =
            Cost::send(self.writer.provider()).billed(Billing::of(&self.writer.reader()));
        // With files, one admission for the whole intent, before any upstream call: LinkupAPI
        // takes 2 credits with media (v1 and v2); ConnectSafely's uploads are calls of the
        // day's budget, one per file (the send itself is counted by the send caps).
        match self.writer.provider() {
            _ if self.files.is_empty() => {}
            linkedin_inbox::Provider::Linkup if cost.units > 0 => cost.units = 2,
            linkedin_inbox::Provider::Linkup => {}
            linkedin_inbox::Provider::ConnectSafely => cost.units += self.files.len() as u64,
        }
        // Refused by the account's limits or the writer's key (or its gate unreachable),
        // nothing is spent or sent and the key of this send is free for a retry.
        // Not while the provider refuses the account's session (one try a minute: health.rs).
        match ledger.session_hold(self.writer.provider(), now) {
            Ok(Some(wait)) => {
                self.release(now);
                return Outcome::error(ServedError {
                    message: "the provider refused this LinkedIn account's session: it must be reconnected".into(),
                    retry_after_secs: Some(wait),
                    ..ServedError::new(ErrorCode::UpstreamError, "")
                });
            }
            Ok(None) => {}
            Err(e) => return self.store_failed(e, now),
        }
        let limits = Limits::of(&self.config);
        let Admitted { permit, admission } = match ledger
            .admit_call(cost, &limits, Patience::Client, now)
            .await
        {
            Ok(Ok(admitted)) => admitted,
            Ok(Err(refusal)) => {
                self.release(now);
                return Outcome::error(refusal.served());
            }
            Err(e) => return self.store_failed(e, now),
        };
        // The files go up inside the shared attempt: concurrent requests with the key share
        // one upload as they share one send. A failed upload sent nothing: refunded, released.
        if !self.files.is_empty() {
            let attached = self
                .writer
                .attach(
                    &self.files,
                    ledger,
                    self.config.upstream_timeout_ms,
                    self.config.max_pause_secs,
                )
                .await;
            match attached {
                Ok(files) => self.draft.attachments = files,
                Err(Failure { error, .. }) => {
                    let arrived = arrival_ms();
                    let _ = ledger.settle(admission, Err(&error), arrived);
                    self.release(arrived);
                    let error = clamp_retry_after(error, self.config.max_pause_secs);
                    return Outcome::error(error.served());
                }
            }
        }
        let ledger = &self.ledger;
        let result = self
            .writer
            .send(
                &self.draft,
                ledger,
                permit,
                self.config.upstream_timeout_ms,
                self.config.max_pause_secs,
            )
            .await;
        let arrived = arrival_ms();
        match result {
            Ok(sent) => {
                let _ = ledger.settle(admission, Ok(u64::from(sent.credit_cost)), arrived);
                let mut message = sent.message;
                if message.sent_at == 0 {
                    message.sent_at = i64::try_from(arrived).unwrap_or(i64::MAX);
                }
                self.settle_sent(message, u64::from(sent.credit_cost))
            }
            Err(Failure {
                error,
                refused: true,
            }) => {
                // Refunded; a 429 pauses the provider for the account, as for reads.
                let _ = ledger.settle(admission, Err(&error), arrived);
                self.release(arrived);
                // A provider's Retry-After reaches the client no longer than any pause.
                Outcome::error(clamp_retry_after(error, self.config.max_pause_secs).served())
            }
            Err(Failure { error, .. }) => {
                // It may have reached LinkedIn: charged in full.
                let _ = ledger.settle(admission, Ok(cost.units), arrived);
                let _ = store_of(&self.storage)
                    .and_then(|store| Ok(store.mark_send_unknown(&self.key)?));
                let error = clamp_retry_after(error, self.config.max_pause_secs);
                Outcome::error(ServedError {
                    message: "the send may or may not have reached LinkedIn: retry with the same Idempotency-Key (the proxy looks for the message in the thread before sending again)".into(),
                    ..error.served()
                })
            }
        }
    }

    /// Records the sent message: the key's answer, the thread and the list at once.
    pub(super) fn settle_sent(&self, mut message: Message, credits: u64) -> Outcome {
        // Its files are recorded and answered with sealed refs only.
        let digest = &self.account_digest;
        let sealed = std::slice::from_mut(&mut message);
        self.config
            .media_key
            .seal_messages(sealed, digest, self.now);
        let conversation_id = message.conversation_id.clone();
        let body = serde_json::to_string(&Answer {
            message: &message,
            conversation_id: &conversation_id,
        })
        .unwrap_or_else(|_| "{}".into());
        let stored =
            store_of(&self.storage).and_then(|store| Ok(store.mark_send_sent(&self.key, &body)?));
        if let Err(e) = stored {
            worker::console_error!("send record failed: {e}");
        }
        let recorded = store_of(&self.storage).and_then(|store| {
            let opened = self.opened(&store, &message);
            // Whether the store knew the member before this conversation is stored under them.
            let first_with_member = match (&opened, &self.draft.profile_url) {
                (Some(_), Some(url)) => store.conversation_with(url)?.is_none(),
                _ => false,
            };
            store.record_sent(&message, opened.as_ref())?;
            match first_with_member {
                true => self.store_new_thread(&store, &message),
                false => Ok(()),
            }
        });
        if let Err(e) = recorded {
            worker::console_error!("inbox update after a send failed: {e}");
        }
        if let Some(pattern) = crate::rules::page_plan::thread_head_pattern(&conversation_id) {
            let spliced = store_of(&self.storage)
                .and_then(|store| Ok(store.splice_message(&pattern, &message)?));
            if let Err(e) = spliced {
                worker::console_error!("thread update after a send failed: {e}");
            }
        }
        Outcome {
            status: 200,
            body,
            retry_after_secs: None,
            credits,
        }
    }

    /// Nothing was sent now. A first try frees the key and gives today's send back; a retry of
    /// a send whose outcome is unknown keeps it unknown (that first try may still have reached
    /// LinkedIn).
    pub(super) fn release(&self, now: u64) {
        let store = store_of(&self.storage);
        let _ = match self.check_first {
            None => {
                if let Some(spend) = self.spend {
                    let _ = self.ledger.give_back_send(now, spend);
                }
                store.and_then(|store| Ok(store.forget_send(&self.key)?))
            }
            Some(_) => store.and_then(|store| Ok(store.mark_send_unknown(&self.key)?)),
        };
    }

    pub(super) fn store_failed(&self, error: worker::Error, now: u64) -> Outcome {
        worker::console_error!("send ledger failed: {error}");
        self.release(now);
        Outcome::error(ServedError::new(
            ErrorCode::Unavailable,
            "the account's store failed; nothing was sent",
        ))
    }
}
