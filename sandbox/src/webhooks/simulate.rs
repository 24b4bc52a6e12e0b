//! `POST /__sandbox/simulate`: an incoming (or own) message lands in the demo data, as the
//! newest of its account in every provider view, and its webhook events go to the account's
//! registered targets (twice, held back, late or badly signed on request).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::json;

use crate::data::{person, person_named, Account, Conversation, Message};
use crate::faults::Endpoint;
use crate::respond::json_response;
use crate::rng::Rng;
use crate::sending::{fnv1a, message_problem, new_thread_id};
use crate::state::{now_ms, AppState, Mutable};
use crate::webhooks::delivery::{self, Batch, Delivery, Outcome};
use crate::webhooks::events::{CsMessageReceived, LinkupMessageReceived};
use crate::webhooks::{account_id, bad_request, parse_http_url};
use crate::wire::CsThreadMessage;

/// The longest `delayMs` (10 minutes).
const MAX_DELAY_MS: u64 = 600_000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SimulateRequest {
    account: Option<String>,
    conversation: Option<String>,
    text: Option<String>,
    from: Option<String>,
    /// The message carries a generated file besides its text (a picture or a PDF).
    #[serde(default)]
    has_attachment: bool,
    deliver: Option<DeliverOptions>,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct DeliverOptions {
    twice: bool,
    hold: bool,
    delay_ms: u64,
    bad_signature: bool,
}

/// Who writes the simulated message.
enum Author {
    Owner,
    /// A participant of the conversation, by index.
    Participant(usize),
}

/// A 400 naming the request field at fault.
struct Invalid(&'static str, String);

/// `{account, conversation?, text, from?, hasAttachment?, deliver?}` → `{message, conversation, deliveries}`.
pub async fn simulate(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let request: SimulateRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            return bad_request(
                None,
                &format!(
                    "bad simulate request: {e} (expected {{\"account\", \"conversation\"?, \
\"text\", \"from\"?, \"hasAttachment\"?, \"deliver\"?: {{\"twice\"?, \"hold\"?, \"delayMs\"?, \"badSignature\"?}}}})"
                ),
            )
        }
    };
    let options = request.deliver.unwrap_or_default();
    let checked = check(&state, &request, options);
    let (account_id, text) = match checked {
        Ok(valid) => valid,
        Err(Invalid(field, message)) => return bad_request(Some(field), &message),
    };
    let (answer, own, released) = {
        let mut m = state.lock();
        let (answer, own) = match commit(&mut m, &account_id, &request, &text, options) {
            Ok(done) => done,
            Err(Invalid(field, message)) => return bad_request(Some(field), &message),
        };
        let released = std::mem::take(&mut m.held_deliveries);
        if options.hold {
            m.held_deliveries.push(own.clone());
        }
        (answer, own, released)
    };
    let mut reports = if options.hold {
        own.deliveries
            .iter()
            .map(|d| d.pending(Outcome::Held))
            .collect()
    } else {
        delivery::send_or_schedule(&state, own, false).await
    };
    for batch in released {
        reports.extend(delivery::send_or_schedule(&state, batch, true).await);
    }
    let mut answer = answer;
    answer["deliveries"] = json!(reports);
    json_response(200, &answer)
}

/// The request's account (by its ConnectSafely id) and text, or the field at fault.
fn check(
    state: &AppState,
    request: &SimulateRequest,
    options: DeliverOptions,
) -> Result<(String, String), Invalid> {
    let account = request
        .account
        .as_deref()
        .ok_or_else(|| Invalid("account", "account is required (a demo account id)".into()))?;
    let account = account_id(state, account).map_err(|e| Invalid("account", e))?;
    let text = request
        .text
        .as_deref()
        .ok_or_else(|| Invalid("text", "text is required (the message to simulate)".into()))?;
    if let Some(problem) = message_problem(text) {
        return Err(Invalid("text", problem.replacen("message", "text", 1)));
    }
    if request.from.as_deref().is_some_and(|f| f.trim().is_empty()) {
        return Err(Invalid(
            "from",
            "from must be a participant's name or \"owner\"".into(),
        ));
    }
    if options.delay_ms > MAX_DELAY_MS {
        return Err(Invalid(
            "deliver.delayMs",
            format!("deliver.delayMs must be at most {MAX_DELAY_MS}"),
        ));
    }
    Ok((account, text.to_owned()))
}

/// Adds the message to the account and prepares its deliveries; the answer without them.
fn commit(
    m: &mut Mutable,
    account_id: &str,
    request: &SimulateRequest,
    text: &str,
    options: DeliverOptions,
) -> Result<(serde_json::Value, Batch), Invalid> {
    let sequence = m.simulated + 1;
    let account = m
        .account_mut(account_id)
        .ok_or_else(|| Invalid("account", format!("unknown account {account_id:?}")))?;
    let wants_owner = request
        .from
        .as_deref()
        .is_some_and(|f| is_owner(account, f));
    let is_new = request.conversation.is_none();
    let (index, author) = match request.conversation.as_deref() {
        Some(id) => {
            let index = account.find_thread_index(id).ok_or_else(|| {
                Invalid(
                    "conversation",
                    format!("no conversation {id:?} in account {account_id}"),
                )
            })?;
            let author = if wants_owner {
                Author::Owner
            } else {
                participant(&account.conversations[index], request.from.as_deref())?
            };
            (index, author)
        }
        None => {
            let named = request.from.as_deref().filter(|_| !wants_owner);
            let conversation = new_conversation(account, named, sequence);
            account.conversations.push(conversation);
            let author = if wants_owner {
                Author::Owner
            } else {
                Author::Participant(0)
            };
            (account.conversations.len() - 1, author)
        }
    };
    // Strictly newer than anything in the account: first in every listing.
    let newest = account
        .conversations
        .iter()
        .map(Conversation::last_activity_at)
        .max()
        .unwrap_or(0);
    let timestamp = now_ms().max(newest + 1);
    let owner_id = account.owner.profile_id.clone();
    let conversation = &mut account.conversations[index];
    let id = STANDARD.encode(format!("{timestamp}{sequence:x}-200"));
    let urn = format!("urn:li:msg_message:(urn:li:fsd_profile:{owner_id},2-{id})");
    let files = match request.has_attachment {
        true => vec![crate::media::MediaFile::generated(&urn)],
        false => Vec::new(),
    };
    let message = Message {
        urn,
        backend_urn: format!("urn:li:messagingMessage:2-{id}"),
        text: text.to_owned(),
        timestamp,
        sender: match author {
            Author::Owner => None,
            Author::Participant(i) => Some(i),
        },
        kind: "TEXT",
        has_attachment: request.has_attachment,
        files,
    };
    conversation.messages.insert(0, message.clone());
    if is_new {
        conversation.created_at = timestamp;
        conversation.last_read_at = timestamp - 1;
    }
    match author {
        Author::Participant(_) => {
            conversation.unread_count += 1;
            conversation.last_seen_at = None;
            conversation.last_seen_message = None;
        }
        // The owner writing in a conversation reads it, as a send through the API does.
        Author::Owner => crate::sending::mark_read(conversation, timestamp),
    }
    let thread_id = conversation.thread_id.clone();
    account.sort();
    m.simulated = sequence;
    let account = m
        .accounts
        .iter()
        .find(|a| a.account_id == account_id)
        .expect("the account was just edited");
    let conversation = account
        .find_thread(&thread_id)
        .expect("the conversation was just edited");
    let batch = deliveries(m, account, conversation, &message, sequence, options);
    let answer = json!({
        "message": CsThreadMessage::new(account, conversation, &message),
        "conversation": thread_id,
    });
    Ok((answer, batch))
}

fn is_owner(account: &Account, from: &str) -> bool {
    let from = from.trim();
    from.eq_ignore_ascii_case("owner") || from.to_lowercase() == account.owner.name().to_lowercase()
}

/// The participant `from` names (default the first), or the field at fault.
fn participant(conversation: &Conversation, from: Option<&str>) -> Result<Author, Invalid> {
    let Some(from) = from.map(str::trim) else {
        return Ok(Author::Participant(0));
    };
    let wanted = from.to_lowercase();
    let names: Vec<String> = conversation.participants.iter().map(|p| p.name()).collect();
    names
        .iter()
        .position(|name| name.to_lowercase() == wanted)
        .map(Author::Participant)
        .ok_or_else(|| {
            Invalid(
                "from",
                format!(
                    "no participant named {from:?} in conversation {}; use one of {names:?} or \"owner\"",
                    conversation.thread_id
                ),
            )
        })
}

/// A new 1:1 conversation with a new member, named `named` or generated: the same account
/// and sequence number give the same member and thread id (after a reset too).
fn new_conversation(account: &Account, named: Option<&str>, sequence: u64) -> Conversation {
    let seed = fnv1a(&[&account.account_id, "\nsimulate\n", &sequence.to_string()]);
    let mut rng = Rng::new(seed);
    let member = match named.map(str::trim) {
        Some(name) => {
            let (first, last) = name.split_once(' ').unwrap_or((name, ""));
            person_named(&mut rng, first.to_owned(), last.trim().to_owned())
        }
        None => person(&mut rng),
    };
    Conversation {
        thread_id: new_thread_id(seed),
        owner_profile_id: account.owner.profile_id.clone(),
        participants: vec![member],
        messages: Vec::new(),
        unread_count: 0,
        created_at: 0,
        last_read_at: 0,
        state: None,
        last_seen_at: None,
        last_seen_message: None,
    }
}

/// One delivery per registered target of the account, signed with its secret (or a wrong
/// one for `badSignature`).
fn deliveries(
    m: &Mutable,
    account: &Account,
    conversation: &Conversation,
    message: &Message,
    sequence: u64,
    options: DeliverOptions,
) -> Batch {
    let deliveries = m
        .webhooks
        .iter()
        .filter(|t| t.account == account.account_id)
        .filter_map(|t| {
            let (body, event_id) = match t.provider {
                Endpoint::ConnectSafely => {
                    let event = CsMessageReceived::new(account, conversation, message);
                    (serde_json::to_vec(&event).ok()?, event.id().to_owned())
                }
                Endpoint::Linkup => {
                    let event =
                        LinkupMessageReceived::new(account, conversation, message, sequence);
                    (serde_json::to_vec(&event).ok()?, event.event_id.clone())
                }
            };
            Some(Delivery {
                provider: t.provider,
                url: t.url.clone(),
                target: parse_http_url(&t.url).ok()?,
                signing_secret: if options.bad_signature {
                    format!("wrong-{}", t.secret.0)
                } else {
                    t.secret.0.clone()
                },
                body,
                event_id,
                twice: options.twice,
            })
        })
        .collect();
    Batch {
        deliveries,
        delay_ms: options.delay_ms,
    }
}
