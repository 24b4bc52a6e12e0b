//! Writes to the account's LinkedIn: sends, at most one per idempotency key, and read state.
//!
//! A send is recorded under its key (scoped to the client) before the upstream call and
//! settled after it, in the `sends` table: the same key and request again answer the stored
//! outcome with no upstream call; the same key with another request is 422; concurrent
//! requests with one key share one call (an in-memory future, registered before anything is
//! awaited). When the call's outcome is unknown (no answer, an unreadable one, a provider
//! 5xx), the key stays `unknown`: a retry first looks for the message in the thread upstream
//! and only sends when it is not there. A provider's refusal (4xx) releases the key.

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use linkedin_inbox::{
    Backend, Draft, Error, ErrorCode, Message, MessageQuery, Operation, Page, Sent, ServedError,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{Date, Response, SqlStorageValue, Storage};

use super::inbox::Inbox;
use super::ledger::{next_reset_ms, Ledger};
use super::pages::{migrated, Pages};
use super::walk::{fetch_page, Meter};
use super::AccountGate;
use crate::config::{ClientEntry, Config};
use crate::respond;

/// What the Worker sends the gate for a send.
#[derive(Serialize, Deserialize)]
pub struct GateSend {
    /// The client's `Idempotency-Key`.
    pub key: String,
    pub draft: Draft,
}

/// What the Worker sends the gate to change a conversation's read state.
#[derive(Serialize, Deserialize)]
pub struct GateMark {
    pub conversation_id: String,
    pub read: bool,
}

/// How long a send's key is kept: a retry within it never sends twice.
const KEY_RETENTION_MS: u64 = 7 * 86_400_000;

/// Forgets settled keys older than [`KEY_RETENTION_MS`] (the retention alarm).
pub(super) fn prune(storage: &Storage, now: u64) -> worker::Result<()> {
    migrated(storage)?.exec(
        "DELETE FROM sends WHERE created_at < ? AND state != 'pending'",
        vec![int(now.saturating_sub(KEY_RETENTION_MS))],
    )?;
    Ok(())
}

/// How long a sent message is looked for in its thread after the send began (clock skew
/// between the proxy and the provider included).
const FOUND_WINDOW_MS: i64 = 10 * 60_000;
/// Messages read from the thread when an earlier send's outcome is unknown.
const CHECK_COUNT: u32 = 20;

/// The answer to a send, shared by every request with its key.
#[derive(Clone)]
pub(super) struct Outcome {
    status: u16,
    body: String,
    retry_after_secs: Option<u64>,
    credits: u64,
}

pub(super) type SendFuture = Shared<LocalBoxFuture<'static, Outcome>>;

impl Outcome {
    fn error(served: ServedError) -> Self {
        Self {
            status: served.status,
            body: served.body(),
            retry_after_secs: served.retry_after_secs,
            credits: 0,
        }
    }

    fn respond(self, replayed: bool) -> worker::Result<Response> {
        let mut response = Response::ok(self.body)?.with_status(self.status);
        let headers = response.headers_mut();
        headers.set("Content-Type", "application/json")?;
        headers.set("Cache-Control", "no-store")?;
        headers.set("X-Credits-Spent", &self.credits.to_string())?;
        if let Some(secs) = self.retry_after_secs {
            headers.set("Retry-After", &secs.to_string())?;
        }
        if replayed {
            headers.set("Idempotency-Replayed", "true")?;
        }
        Ok(response)
    }
}

#[derive(Deserialize)]
struct Row {
    digest: String,
    state: String,
    answer: Option<String>,
    created_at: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer<'a> {
    message: &'a Message,
    conversation_id: &'a str,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key as stored: the client's key, scoped to the client (two clients of one account may
/// pick the same key).
fn scoped_key(client: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(client.as_bytes());
    hasher.update([0]);
    hasher.update(key.as_bytes());
    hex(&hasher.finalize())
}

/// What makes two sends the same request: where to, and the text as sent.
fn request_digest(draft: &Draft) -> String {
    let conversation = draft
        .conversation_id
        .as_deref()
        .map(|id| linkedin_inbox::thread_id(id).unwrap_or(id).to_owned());
    let canonical = serde_json::json!({
        "conversation": conversation,
        "profileUrl": draft.profile_url.as_deref().map(str::trim),
        "text": draft.text.trim(),
    });
    hex(&Sha256::digest(canonical.to_string().as_bytes()))
}

fn text(value: &str) -> SqlStorageValue {
    SqlStorageValue::String(value.to_owned())
}

fn int(value: u64) -> SqlStorageValue {
    SqlStorageValue::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

/// Whether a failed send certainly did not reach LinkedIn: the provider answered and refused.
fn refused(error: &Error) -> bool {
    match error {
        Error::UpstreamError { status, .. } => *status < 500,
        Error::Network { .. } | Error::MalformedResponse { .. } | Error::Unavailable { .. } => {
            false
        }
        _ => true,
    }
}

/// The provider that writes for this account (the core's choice: ConnectSafely when the
/// account has it, else LinkupAPI).
struct Writer(Backend);

impl Writer {
    fn of(backend: &Backend) -> Option<Self> {
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

    fn is_connectsafely(&self) -> bool {
        matches!(
            self.0,
            Backend::Direct {
                connectsafely: Some(_),
                ..
            }
        )
    }

    /// The LinkupAPI v2 client, when it is the one that writes.
    fn linkup_v2(&self) -> bool {
        match &self.0 {
            Backend::Direct {
                connectsafely: None,
                linkup: Some(lk),
                ..
            } => lk.v2_account_id().is_some(),
            _ => false,
        }
    }

    async fn send(&self, draft: &Draft, timeout_ms: u64) -> Result<Sent, Error> {
        // Straight to the provider: the idempotency key is ours, not sent upstream.
        let request = self.0.build_send(draft, "-")?;
        let response = crate::upstream::send(&request, timeout_ms).await?;
        self.0.parse_send(draft, &response)
    }
}

/// Everything one send needs, owned (it runs in a future shared by its key's requests).
struct Attempt {
    storage: Storage,
    ledger: Ledger,
    /// The ledgers of the thread check: its walk's, and its own metering.
    check_ledgers: Option<(Ledger, Ledger)>,
    key: String,
    draft: Draft,
    writer: Writer,
    backend: Backend,
    config: std::rc::Rc<Config>,
    /// Look for the message in the thread before sending (an earlier outcome is unknown).
    check_first: Option<i64>,
}

impl Attempt {
    async fn run(mut self) -> Outcome {
        if let Some(began_at) = self.check_first {
            let check_ledgers = self.check_ledgers.take();
            match self.find_sent(began_at, check_ledgers).await {
                Ok(Some(message)) => return self.settle_sent(message, 0),
                Ok(None) => {}
                Err(error) => {
                    self.release(Date::now().as_millis());
                    return Outcome::error(ServedError {
                        message: "an earlier send with this key may have reached LinkedIn, and its thread could not be checked: retry later with the same Idempotency-Key".into(),
                        ..error.served()
                    });
                }
            }
        }
        let ledger = &self.ledger;
        let now = Date::now().as_millis();
        let reservation = match self.writer.is_connectsafely() {
            true => None,
            false => match ledger
                .reserve_credits(now, 1, self.config.linkup_daily_credit_cap)
                .await
            {
                Ok(Some(reservation)) => Some(reservation),
                Ok(None) => {
                    self.release(now);
                    return Outcome::error(
                        Error::BudgetExhausted {
                            retry_after_secs: Some((next_reset_ms(now) - now).div_ceil(1000)),
                        }
                        .served(),
                    );
                }
                Err(e) => return self.store_failed(e),
            },
        };
        let result = self
            .writer
            .send(&self.draft, self.config.upstream_timeout_ms)
            .await;
        let arrived = Date::now().as_millis();
        match result {
            Ok(sent) => {
                if let Some(reservation) = reservation {
                    let _ = ledger
                        .settle(reservation, u64::from(sent.credit_cost))
                        .await;
                }
                let mut message = sent.message;
                if message.sent_at == 0 {
                    message.sent_at = i64::try_from(arrived).unwrap_or(i64::MAX);
                }
                self.settle_sent(message, u64::from(sent.credit_cost))
            }
            Err(error) if refused(&error) => {
                if let Some(reservation) = reservation {
                    let _ = ledger.refund(reservation, arrived).await;
                }
                self.release(arrived);
                Outcome::error(error.served())
            }
            Err(error) => {
                if let Some(reservation) = reservation {
                    let _ = ledger.settle(reservation, 1).await;
                }
                let _ = self.storage.sql().exec(
                    "UPDATE sends SET state = 'unknown' WHERE key = ?",
                    vec![text(&self.key)],
                );
                Outcome::error(ServedError {
                    message: "the send may or may not have reached LinkedIn: retry with the same Idempotency-Key (the proxy looks for the message in the thread before sending again)".into(),
                    ..error.served()
                })
            }
        }
    }

    /// The message, when the thread shows one with this text sent since the send began.
    async fn find_sent(
        &self,
        began_at: i64,
        ledgers: Option<(Ledger, Ledger)>,
    ) -> Result<Option<Message>, Error> {
        let Some((walk_ledger, ledger)) = ledgers else {
            return Ok(None);
        };
        // The check is an upstream call like any other: in today's budget or credit cap.
        let now = Date::now().as_millis();
        let credits = u64::from(linkedin_inbox::credit_cost(CHECK_COUNT));
        let until_reset = Some((next_reset_ms(now) - now).div_ceil(1000));
        let storage_failed = |_| Error::Unavailable {
            message: "the account's ledger failed".into(),
        };
        let reservation = match self.writer.is_connectsafely() {
            true => {
                let allowed = ledger
                    .try_spend_call(now, u64::from(self.config.daily_limit))
                    .await
                    .map_err(storage_failed)?;
                if !allowed {
                    return Err(Error::BudgetExhausted {
                        retry_after_secs: until_reset,
                    });
                }
                None
            }
            false => Some(
                ledger
                    .reserve_credits(now, credits, self.config.linkup_daily_credit_cap)
                    .await
                    .map_err(storage_failed)?
                    .ok_or(Error::BudgetExhausted {
                        retry_after_secs: until_reset,
                    })?,
            ),
        };
        let query = MessageQuery {
            conversation_id: self.draft.conversation_id.clone(),
            profile_url: match self.draft.conversation_id {
                Some(_) => None,
                None => self.draft.profile_url.clone(),
            },
            count: Some(CHECK_COUNT),
            ..Default::default()
        };
        let meter = Meter {
            is_connectsafely: self.writer.is_connectsafely(),
            daily_limit: u64::from(self.config.daily_limit),
            credit_cap: self.config.linkup_daily_credit_cap,
            page_credits: u64::from(query.credit_cost().unwrap_or(2)),
        };
        let fetched = fetch_page(
            self.backend.clone(),
            Operation::ListMessages(query),
            self.config.upstream_timeout_ms,
            walk_ledger,
            meter,
        )
        .await;
        if let Some(reservation) = reservation {
            let _ = match &fetched {
                Err(e) if !crate::plan::may_have_been_charged(e) => {
                    ledger.refund(reservation, Date::now().as_millis()).await
                }
                _ => ledger.settle(reservation, credits).await,
            };
        }
        let page = fetched?;
        let Page::Messages(page) = page.0 else {
            return Ok(None);
        };
        let wanted = self.draft.text.trim();
        Ok(page
            .items
            .into_iter()
            .find(|m| m.text.trim() == wanted && m.sent_at >= began_at - FOUND_WINDOW_MS))
    }

    /// Records the sent message: the key's answer, the thread and the list at once.
    fn settle_sent(&self, message: Message, credits: u64) -> Outcome {
        let conversation_id = message.conversation_id.clone();
        let body = serde_json::to_string(&Answer {
            message: &message,
            conversation_id: &conversation_id,
        })
        .unwrap_or_else(|_| "{}".into());
        let stored = self.storage.sql().exec(
            "UPDATE sends SET state = 'sent', answer = ?, conversation_id = ? WHERE key = ?",
            vec![text(&body), text(&conversation_id), text(&self.key)],
        );
        if let Err(e) = stored {
            worker::console_error!("send record failed: {e}");
        }
        if let Err(e) = Inbox::open(&self.storage).and_then(|inbox| inbox.record_sent(&message)) {
            worker::console_error!("inbox update after a send failed: {e}");
        }
        if let Some(pattern) = crate::plan::thread_head_pattern(&conversation_id) {
            let spliced = migrated(&self.storage)
                .map(Pages::from_sql)
                .and_then(|pages| pages.splice_sent(&pattern, &message));
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
    fn release(&self, now: u64) {
        let sql = self.storage.sql();
        let _ = match self.check_first {
            None => {
                let _ = self.ledger.give_back_send(now);
                sql.exec("DELETE FROM sends WHERE key = ?", vec![text(&self.key)])
            }
            Some(_) => sql.exec(
                "UPDATE sends SET state = 'unknown' WHERE key = ?",
                vec![text(&self.key)],
            ),
        };
    }

    fn store_failed(&self, error: worker::Error) -> Outcome {
        worker::console_error!("send ledger failed: {error}");
        self.release(Date::now().as_millis());
        Outcome::error(ServedError::new(
            ErrorCode::Unavailable,
            "the account's store failed; nothing was sent",
        ))
    }
}

impl AccountGate {
    /// `POST /send`: one message, at most once per idempotency key.
    pub(super) async fn send(
        &self,
        config: &std::rc::Rc<Config>,
        client: &ClientEntry,
        request: GateSend,
        now: u64,
    ) -> worker::Result<Response> {
        let GateSend { key, mut draft } = request;
        if let Err(e) = draft.validate() {
            return respond::core_error(&e);
        }
        let Ok(backend) = config.backend(client) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        let Some(writer) = Writer::of(&backend) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        let storage = self.state.storage();
        let sql = migrated(&storage)?;
        let inbox = Inbox::open(&storage)?;
        // LinkupAPI v2 sends to the other member's profile: the stored conversation knows it.
        if let (true, Some(id), None) = (
            writer.linkup_v2(),
            &draft.conversation_id,
            &draft.profile_url,
        ) {
            let thread = linkedin_inbox::thread_id(id).unwrap_or(id);
            draft.profile_url = inbox
                .conversation(thread)?
                .and_then(|c| c.participants.into_iter().find_map(|p| p.profile_url));
        }
        let scoped = scoped_key(&client.name, &key);
        let digest = request_digest(&draft);
        // From here to the registration of the attempt nothing is awaited: no other request of
        // the account interleaves.
        let row = sql
            .exec(
                "SELECT digest, state, answer, created_at FROM sends WHERE key = ?",
                vec![text(&scoped)],
            )?
            .to_array::<Row>()?
            .into_iter()
            .next();
        let check_first = match row {
            Some(row) if row.digest != digest => {
                return respond::refuse(
                    ErrorCode::IdempotencyKeyReused,
                    "this Idempotency-Key was used for another message",
                )
            }
            Some(Row {
                state,
                answer: Some(answer),
                ..
            }) if state == "sent" => {
                return Outcome {
                    status: 200,
                    body: answer,
                    retry_after_secs: None,
                    credits: 0,
                }
                .respond(true)
            }
            Some(row) => {
                let running = self.sends.borrow().get(&scoped).cloned();
                if let Some(running) = running {
                    return running.await.respond(true);
                }
                // Pending with no call running (the object restarted) or unknown: look first.
                sql.exec(
                    "UPDATE sends SET state = 'pending' WHERE key = ?",
                    vec![text(&scoped)],
                )?;
                Some(row.created_at as i64)
            }
            None => {
                let ledger = Ledger::of(&self.state);
                if !ledger.try_spend_send(now, config.send_daily_limit)? {
                    return respond::core_error(&Error::BudgetExhausted {
                        retry_after_secs: Some((next_reset_ms(now) - now).div_ceil(1000)),
                    });
                }
                sql.exec(
                    "INSERT INTO sends (key, digest, state, conversation_id, profile_url, text, created_at) VALUES (?, ?, 'pending', ?, ?, ?, ?)",
                    vec![
                        text(&scoped),
                        text(&digest),
                        draft.conversation_id.as_deref().map_or(SqlStorageValue::Null, text),
                        draft.profile_url.as_deref().map_or(SqlStorageValue::Null, text),
                        text(draft.text.trim()),
                        int(now),
                    ],
                )?;
                None
            }
        };
        let attempt = Attempt {
            storage,
            ledger: Ledger::of(&self.state),
            check_ledgers: Some((Ledger::of(&self.state), Ledger::of(&self.state))),
            key: scoped.clone(),
            draft,
            writer,
            backend,
            config: config.clone(),
            check_first,
        };
        let shared = attempt.run().boxed_local().shared();
        self.sends
            .borrow_mut()
            .insert(scoped.clone(), shared.clone());
        let outcome = shared.await;
        self.sends.borrow_mut().remove(&scoped);
        outcome.respond(false)
    }

    /// `POST /mark`: a conversation read or unread on LinkedIn (ConnectSafely only).
    pub(super) async fn mark(
        &self,
        config: &Config,
        client: &ClientEntry,
        request: GateMark,
        now: u64,
    ) -> worker::Result<Response> {
        let Ok(backend) = config.backend(client) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        let request_upstream = match backend.build_mark(&request.conversation_id, request.read) {
            Ok(r) => r,
            Err(e) => return respond::core_error(&e),
        };
        let ledger = Ledger::of(&self.state);
        if !ledger
            .try_spend_call(now, u64::from(config.daily_limit))
            .await?
        {
            return respond::core_error(&Error::BudgetExhausted {
                retry_after_secs: Some((next_reset_ms(now) - now).div_ceil(1000)),
            });
        }
        let result =
            match crate::upstream::send(&request_upstream, config.upstream_timeout_ms).await {
                Ok(response) => backend.parse_mark(&response),
                Err(e) => Err(e),
            };
        if let Err(e) = result {
            return respond::core_error(&e);
        }
        let thread = linkedin_inbox::thread_id(&request.conversation_id)
            .unwrap_or(&request.conversation_id)
            .to_owned();
        Inbox::open(&self.state.storage())?.record_read(&thread, request.read)?;
        respond::json(
            200,
            &serde_json::json!({ "conversationId": thread, "read": request.read }),
        )
    }
}
