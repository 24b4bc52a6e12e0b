//! The gate's `/send` and `/mark` requests: the key checked, the budget reserved, the
//! attempt shared, the outcome answered (replayed when it is the key's first).

use futures_util::future::FutureExt;
use linkedin_inbox::{Draft, Error, ErrorCode, Provider, ServedError};
use worker::Response;

use super::{request_digest, scoped_key, settled_at, Attempt, Outcome, Writer, SKEW_MS};

use crate::gate::key_permits::Patience;
use crate::gate::protocol::{GateMark, GateSend};
use crate::gate::store_of;
use crate::gate::AccountGate;
use crate::respond;
use crate::rules::admission::Cost;
use crate::rules::page_plan::clamp_retry_after;
use crate::rules::registry::Account;
use crate::rules::send_caps::{SendCaps, SendKind};
use crate::rules::settings::Config;
use crate::store::{SendRecord, SendState};

impl AccountGate {
    /// `POST /send`: one message, at most once per idempotency key.
    pub(in crate::gate) async fn send(
        &self,
        config: &std::rc::Rc<Config>,
        client_name: &str,
        account: &Account,
        request: GateSend,
        now: u64,
    ) -> worker::Result<Response> {
        let GateSend {
            key,
            mut draft,
            files,
        } = request;
        if let Err(e) = draft.validate() {
            return respond::core_error(&e);
        }
        let Ok(backend) = self.backend(config, account) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        let Some(writer) = Writer::of(&backend) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        let storage = self.state.storage();
        let inbox = store_of(&storage)?;
        // The request as the client sent it (before the profile lookup below, which may change).
        let digest = request_digest(&draft, &files);
        // LinkupAPI sends to the other member's profile (v1 and v2): the stored conversation
        // knows it.
        if let (true, Some(id), None) = (
            backend.replies_need_profile_url(),
            &draft.conversation_id,
            &draft.profile_url,
        ) {
            let thread = linkedin_inbox::thread_id(id).unwrap_or(id);
            draft.profile_url = inbox
                .conversation(thread)?
                .and_then(|c| c.participants.into_iter().find_map(|p| p.profile_url));
        }
        let scoped = scoped_key(client_name, &key);
        if let Some(row) = inbox.send_record(&scoped)? {
            if let Err(error) = self
                .sync_for_first_message(config, account, &draft, &digest, &row, now)
                .await?
            {
                let served = clamp_retry_after(error, config.max_pause_secs).served();
                return Outcome::error(ServedError {
                    message: "an earlier send with this key may have reached LinkedIn, and the inbox could not be synced to find its conversation: retry with the same Idempotency-Key after Retry-After".into(),
                    // Still waiting: when to come back, whatever the failure said.
                    retry_after_secs: served
                        .retry_after_secs
                        .or(Some(config.send_settle_secs.max(1))),
                    ..served
                })
                .respond(false);
            }
        }
        // From here to the registration of the attempt nothing is awaited: no other request of
        // the account interleaves.
        let (check_first, spend) = match inbox.send_record(&scoped)? {
            Some(row) if row.digest != digest => {
                return respond::refuse(
                    ErrorCode::IdempotencyKeyReused,
                    "this Idempotency-Key was used for another message",
                )
            }
            Some(SendRecord {
                state: SendState::Sent,
                answer: Some(answer),
                ..
            }) => {
                return Outcome {
                    status: 200,
                    body: answer,
                    retry_after_secs: None,
                    credits: 0,
                }
                .respond(true)
            }
            Some(row) => {
                let running = self.sends.join(&scoped, now, None);
                if let Some(running) = running {
                    return running.await.respond(true);
                }
                // Pending with no call running (the object restarted) or unknown: look first.
                inbox.mark_send_pending(&scoped)?;
                (Some(row.created_at as i64), None)
            }
            None => {
                // To a member the store has a conversation with, the provider writes into it:
                // a reply, which ConnectSafely does not cap (only new conversations).
                let member_stored = match (&draft.conversation_id, &draft.profile_url) {
                    (None, Some(url)) => inbox.conversation_with(url)?.is_some(),
                    _ => false,
                };
                let kind = SendKind::of(draft.conversation_id.is_some(), member_stored);
                let caps = SendCaps::of(config);
                let spend =
                    match self
                        .ledger()?
                        .try_spend_sends(now, caps, kind, writer.provider())?
                    {
                        Ok(spend) => spend,
                        Err(refusal) => return respond::core_error(&refusal),
                    };
                inbox.record_send(&scoped, &digest, now)?;
                (None, Some(spend))
            }
        };
        let attempt = Attempt {
            storage,
            ledger: self.ledger()?,
            key: scoped.clone(),
            draft,
            files,
            writer,
            config: config.clone(),
            check_first,
            spend,
            account_digest: crate::rules::client_auth::account_digest(account),
            now,
        };
        let shared = attempt.run().boxed_local().shared();
        let lead = self.sends.lead(scoped.clone(), shared.clone(), now);
        let outcome = shared.await;
        lead.finish();
        outcome.respond(false)
    }

    /// Before a retry of a first message whose outcome is unknown, once it has settled: the
    /// head of the list is synced (unless it was since the try settled) when the store shows
    /// no conversation the message may be in, for the new conversation appears there.
    async fn sync_for_first_message(
        &self,
        config: &std::rc::Rc<Config>,
        account: &Account,
        draft: &Draft,
        digest: &str,
        row: &SendRecord,
        now: u64,
    ) -> worker::Result<Result<(), Error>> {
        let (None, Some(url)) = (&draft.conversation_id, &draft.profile_url) else {
            return Ok(Ok(()));
        };
        let began_at = row.created_at as i64;
        let settled = settled_at(config, began_at);
        let store = self.store()?;
        let synced_since = store
            .sync_state()?
            .is_some_and(|s| s.head_at as i64 >= settled);
        let needed = row.digest == digest
            && row.state != SendState::Sent
            && i64::try_from(now).unwrap_or(i64::MAX) >= settled
            && !synced_since
            && store.conversation_with(url)?.is_none()
            && store
                .conversation_sent_since(&draft.text, began_at.saturating_sub(SKEW_MS))?
                .is_none();
        if !needed {
            return Ok(Ok(()));
        }
        let generation = self.ledger()?.generation().await?;
        Ok(self
            .sync(config, account, generation, None, now, Patience::Client)
            .await?
            .map(|_| ()))
    }

    /// `POST /mark`: a conversation read or unread on LinkedIn (ConnectSafely only).
    pub(in crate::gate) async fn mark(
        &self,
        config: &Config,
        account: &Account,
        request: GateMark,
        now: u64,
    ) -> worker::Result<Response> {
        let Ok(backend) = self.backend(config, account) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        let request_upstream = match backend.build_mark(&request.conversation_id, request.read) {
            Ok(r) => r,
            Err(e) => return respond::core_error(&e),
        };
        // Only ConnectSafely has the call: one of its day's budget, not while it is paused.
        let cost = Cost::call(Provider::ConnectSafely, 0);
        let parse = |response: &_| backend.parse_mark(response);
        let result = self
            .connectsafely_action(config, &request_upstream, cost, &parse, now)
            .await?;
        if let Err(e) = result {
            return respond::core_error(&e);
        }
        let thread = linkedin_inbox::thread_id(&request.conversation_id)
            .unwrap_or(&request.conversation_id)
            .to_owned();
        store_of(&self.state.storage())?.record_read(&thread, request.read)?;
        respond::json(
            200,
            &serde_json::json!({ "conversationId": thread, "read": request.read }),
        )
    }
}
