//! Writes to the account's LinkedIn: sends, at most one per idempotency key, and read state.
//!
//! A send is recorded under its key (scoped to the client) before the upstream call and
//! settled after it, in the `sends` table: the same key and request again answer the stored
//! outcome with no upstream call; the same key with another request is 422; concurrent
//! requests with one key share one call (an in-memory future, registered before anything is
//! awaited). When the call's outcome is unknown (no answer, an unreadable one, a provider
//! 5xx), the key stays `unknown`: a retry first looks for the message in the thread upstream
//! and only sends when it is not there. A provider's refusal (4xx) releases the key.

use super::sql_values::{text, uint};
use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use linkedin_inbox::{
    Backend, Draft, Error, ErrorCode, Message, MessageQuery, Operation, Page, Sent, ServedError,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{Date, Response, Storage};

use super::exchange_driver::{fetch_page, Meter};
use super::inbox::Inbox;
use super::ledger::Ledger;
use super::pages::{migrated, Pages};
use super::AccountGate;
use crate::respond;
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::rules::utc_day::{secs_until, secs_until_reset};

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

/// Forgets keys older than [`KEY_RETENTION_MS`] (the retention alarm).
pub(super) fn prune(storage: &Storage, now: u64) -> worker::Result<()> {
    migrated(storage)?.exec(
        "DELETE FROM sends WHERE created_at < ?",
        vec![uint(now.saturating_sub(KEY_RETENTION_MS))],
    )?;
    Ok(())
}

/// How much earlier than the send began a message found in its thread may be dated (clock skew
/// between the proxy and the provider).
const SKEW_MS: i64 = 2 * 60_000;
/// Messages read from the thread when an earlier send's outcome is unknown.
const CHECK_COUNT: u32 = 20;

/// What reading the thread says about an earlier try whose outcome is unknown.
enum Check {
    /// The account's message with this text, sent since the try began.
    Found(Message),
    /// The thread, read back past the try, does not have it.
    Absent,
    /// The thread cannot tell (why, in the proxy's words).
    Unsure(&'static str),
}

/// A send that failed, and whether it certainly did not reach LinkedIn.
struct Failure {
    error: Error,
    /// Nothing was sent: the request could not be built, or the provider answered a refusal.
    refused: bool,
}

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

/// Whether the provider's HTTP answer refuses the send: a 4xx but 408, 409 and 425 (which a
/// provider may send while the message still goes out). A 2xx or 3xx that cannot be read, or
/// a 5xx, is an unknown outcome.
fn refusal_status(status: u16) -> bool {
    (400..500).contains(&status) && !matches!(status, 408 | 409 | 425)
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

    /// The ledger's name of the provider that writes (its pauses).
    fn provider(&self) -> &'static str {
        match self.is_connectsafely() {
            true => "connectsafely",
            false => "linkup",
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

    async fn send(&self, draft: &Draft, timeout_ms: u64) -> Result<Sent, Failure> {
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
    fn reader(&self) -> Backend {
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

/// Everything one send needs, owned (it runs in a future shared by its key's requests).
struct Attempt {
    storage: Storage,
    ledger: Ledger,
    /// The ledgers of the thread check: its walk's, and its own metering.
    check_ledgers: Option<(Ledger, Ledger)>,
    key: String,
    draft: Draft,
    writer: Writer,
    config: std::rc::Rc<Config>,
    /// Look for the message in the thread before sending (an earlier outcome is unknown).
    check_first: Option<i64>,
}

impl Attempt {
    async fn run(mut self) -> Outcome {
        if let Some(began_at) = self.check_first {
            let check_ledgers = self.check_ledgers.take();
            let now = Date::now().as_millis();
            let settled_at = began_at
                .saturating_add(i64::try_from(self.config.upstream_timeout_ms).unwrap_or(0))
                // The provider may still be finishing the first try this long after its timeout.
                .saturating_add(
                    i64::try_from(self.config.send_settle_secs.saturating_mul(1000)).unwrap_or(0),
                );
            let wait = |until: i64| secs_until(u64::try_from(until).unwrap_or(0), now).max(1);
            let unsure = |message: &str, retry_after_secs| {
                Outcome::error(ServedError {
                    retry_after_secs,
                    ..ServedError::new(ErrorCode::Unavailable, message)
                })
            };
            match self.find_sent(began_at, check_ledgers).await {
                Ok(Check::Found(message)) => return self.settle_sent(message, 0),
                // The first try may still be on its way: not sent again before it settles.
                Ok(Check::Absent) if i64::try_from(now).unwrap_or(i64::MAX) < settled_at => {
                    self.release(now);
                    return unsure(
                        "an earlier send with this key may still reach LinkedIn: retry with the same Idempotency-Key after Retry-After (the proxy looks in the thread first)",
                        Some(wait(settled_at)),
                    );
                }
                Ok(Check::Absent) => {}
                Ok(Check::Unsure(why)) => {
                    self.release(now);
                    return unsure(why, None);
                }
                Err(error) => {
                    self.release(now);
                    return Outcome::error(ServedError {
                        message: "an earlier send with this key may have reached LinkedIn, and its thread could not be checked: retry later with the same Idempotency-Key".into(),
                        ..error.served()
                    });
                }
            }
        }
        let ledger = &self.ledger;
        let now = Date::now().as_millis();
        // The provider asked this account to slow down: nothing is sent until the pause ends.
        let provider = self.writer.provider();
        let paused_until = ledger
            .paused_until(provider, self.config.clear_pauses_before_ms)
            .await
            .unwrap_or(0);
        if paused_until > now {
            self.release(now);
            return Outcome::error(
                Error::RateLimited {
                    retry_after_secs: Some(secs_until(paused_until, now)),
                }
                .served(),
            );
        }
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
                            retry_after_secs: Some(secs_until_reset(now)),
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
            Err(Failure {
                error,
                refused: true,
            }) => {
                if let Some(reservation) = reservation {
                    let _ = ledger.refund(reservation, arrived).await;
                }
                // A 429 pauses the provider for the account, as for reads.
                if let Error::RateLimited {
                    retry_after_secs: Some(pause),
                } = crate::rules::page_plan::clamp_retry_after(
                    error.clone(),
                    self.config.max_pause_secs,
                ) {
                    let until = arrived.saturating_add(pause.saturating_mul(1000));
                    let _ = ledger.pause_until(provider, arrived, until).await;
                }
                self.release(arrived);
                Outcome::error(error.served())
            }
            Err(Failure { error, .. }) => {
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

    /// Looks in the thread, through the provider that sent, for the account's own message with
    /// this text sent since the try began (skew allowed).
    async fn find_sent(
        &self,
        began_at: i64,
        ledgers: Option<(Ledger, Ledger)>,
    ) -> Result<Check, Error> {
        let Some((walk_ledger, ledger)) = ledgers else {
            return Ok(Check::Unsure("the thread could not be checked"));
        };
        let inbox = Inbox::open(&self.storage).map_err(storage_error)?;
        // The conversation: the one replied in, else the stored one with this member.
        let stored = match (&self.draft.conversation_id, &self.draft.profile_url) {
            (Some(id), _) => inbox
                .conversation(linkedin_inbox::thread_id(id).unwrap_or(id))
                .map_err(storage_error)?,
            (None, Some(url)) => inbox.conversation_with(url).map_err(storage_error)?,
            (None, None) => None,
        };
        let Some(conversation) = stored else {
            return Ok(Check::Unsure(
                "an earlier send with this key may have reached LinkedIn, and the proxy cannot find its conversation to check: look on LinkedIn before writing again",
            ));
        };
        // The check is an upstream call like any other: in today's budget or credit cap.
        let now = Date::now().as_millis();
        let credits = u64::from(linkedin_inbox::credit_cost(CHECK_COUNT));
        let until_reset = Some(secs_until_reset(now));
        let reservation = match self.writer.is_connectsafely() {
            true => {
                let allowed = ledger
                    .try_spend_call(now, u64::from(self.config.daily_limit))
                    .await
                    .map_err(storage_error)?;
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
                    .map_err(storage_error)?
                    .ok_or(Error::BudgetExhausted {
                        retry_after_secs: until_reset,
                    })?,
            ),
        };
        let query = MessageQuery {
            conversation_id: Some(conversation.id.clone()),
            count: Some(CHECK_COUNT),
            ..Default::default()
        };
        let meter = Meter {
            is_connectsafely: self.writer.is_connectsafely(),
            daily_limit: u64::from(self.config.daily_limit),
            credit_cap: self.config.linkup_daily_credit_cap,
            page_credits: credits,
        };
        let fetched = fetch_page(
            self.writer.reader(),
            Operation::ListMessages(query),
            self.config.upstream_timeout_ms,
            walk_ledger,
            meter,
        )
        .await;
        if let Some(reservation) = reservation {
            let _ = match &fetched {
                Err(e) if !crate::rules::page_plan::may_have_been_charged(e) => {
                    ledger.refund(reservation, Date::now().as_millis()).await
                }
                _ => ledger.settle(reservation, credits).await,
            };
        }
        let Page::Messages(page) = fetched?.0 else {
            return Ok(Check::Unsure("the thread could not be checked"));
        };
        let since = began_at.saturating_sub(SKEW_MS);
        let wanted = self.draft.text.trim();
        let others = &conversation.participants;
        let own = |m: &Message| {
            let id = m.sender.urn.as_deref().and_then(|u| u.rsplit(':').next());
            !others.iter().any(|p| {
                id.is_some_and(|id| p.profile_id == id)
                    || (m.sender.profile_url.is_some() && m.sender.profile_url == p.profile_url)
                    || (!m.sender.name.is_empty() && m.sender.name == p.name)
            })
        };
        if let Some(found) = page
            .items
            .iter()
            .find(|m| m.sent_at >= since && m.text.trim() == wanted && own(m))
        {
            return Ok(Check::Found(found.clone()));
        }
        // Absent only when the page reaches back past the try: else newer messages hid it.
        let covered =
            page.next_cursor.is_none() || page.items.last().is_some_and(|m| m.sent_at < since);
        Ok(match covered {
            true => Check::Absent,
            false => Check::Unsure(
                "an earlier send with this key may have reached LinkedIn, and too many messages came since to check: look on LinkedIn before writing again",
            ),
        })
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
            "UPDATE sends SET state = 'sent', answer = ? WHERE key = ?",
            vec![text(&body), text(&self.key)],
        );
        if let Err(e) = stored {
            worker::console_error!("send record failed: {e}");
        }
        if let Err(e) = Inbox::open(&self.storage).and_then(|inbox| inbox.record_sent(&message)) {
            worker::console_error!("inbox update after a send failed: {e}");
        }
        if let Some(pattern) = crate::rules::page_plan::thread_head_pattern(&conversation_id) {
            let spliced = migrated(&self.storage)
                .map(Pages::from_sql)
                .and_then(|pages| pages.splice_message(&pattern, &message));
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
        client_name: &str,
        account: &Account,
        request: GateSend,
        now: u64,
    ) -> worker::Result<Response> {
        let GateSend { key, mut draft } = request;
        if let Err(e) = draft.validate() {
            return respond::core_error(&e);
        }
        let Ok(backend) = config.backend(account) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        let Some(writer) = Writer::of(&backend) else {
            return respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured");
        };
        let storage = self.state.storage();
        let sql = migrated(&storage)?;
        let inbox = Inbox::open(&storage)?;
        // The request as the client sent it (before the profile lookup below, which may change).
        let digest = request_digest(&draft);
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
        let scoped = scoped_key(client_name, &key);
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
                        retry_after_secs: Some(secs_until_reset(now)),
                    });
                }
                sql.exec(
                    "INSERT INTO sends (key, digest, state, created_at) VALUES (?, ?, 'pending', ?)",
                    vec![text(&scoped), text(&digest), uint(now)],
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
            config: config.clone(),
            check_first,
        };
        let shared = attempt.run().boxed_local().shared();
        self.sends
            .borrow_mut()
            .insert(scoped.clone(), shared.clone());
        let outcome = shared.clone().await;
        let mut running = self.sends.borrow_mut();
        if running
            .get(&scoped)
            .is_some_and(|current| current.ptr_eq(&shared))
        {
            running.remove(&scoped);
        }
        drop(running);
        outcome.respond(false)
    }

    /// `POST /mark`: a conversation read or unread on LinkedIn (ConnectSafely only).
    pub(super) async fn mark(
        &self,
        config: &Config,
        account: &Account,
        request: GateMark,
        now: u64,
    ) -> worker::Result<Response> {
        let Ok(backend) = config.backend(account) else {
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
                retry_after_secs: Some(secs_until_reset(now)),
            });
        }
        let result = match crate::gate::upstream::send(
            &request_upstream,
            config.upstream_timeout_ms,
        )
        .await
        {
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

fn storage_error(error: worker::Error) -> Error {
    worker::console_error!("send store failed: {error}");
    Error::Unavailable {
        message: "the account's store failed".into(),
    }
}
