//! `InboxClient` writes: `sendMessage`, `markRead`, `markUnread`, through the Worker proxy.
//!
//! Every send carries an `Idempotency-Key` (the caller's, or one made here) and the client's
//! own retries reuse it: the proxy's account object keeps the keys, so a send whose answer was
//! lost is retried with no risk of a second message. Straight to a provider nothing can keep
//! that promise (a provider has no such key), so a client configured with provider keys does
//! not write: `NOT_SUPPORTED` (Rust users have the core's `Backend::build_send`).

use js_sys::{Function, Promise, Reflect};
use linkedin_inbox::{Backend, Draft, Error, ErrorCode, Proxy, Result};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::convert::{from_js, from_js_required, js_error, to_js};
use super::fetch::send;

#[wasm_bindgen(typescript_custom_section)]
const SEND_INPUT: &str = r#"
/** A message to send: to a conversation (`conversationId`) or a person (`profileUrl`). */
export interface SendInput {
    conversationId?: string;
    profileUrl?: string;
    /** Trimmed, 1..=8000 characters, no control characters but newlines and tabs. */
    text: string;
    /** One key per message the user means to send (made when absent); retries reuse it. */
    idempotencyKey?: string;
}
"#;

/// The files of a send (`SendInput.attachments`, sent by `js/send-files.js`): generated from
/// the core's allow-list and limits (`build.rs`).
#[wasm_bindgen(typescript_custom_section)]
const SEND_FILES: &str = include_str!(concat!(env!("OUT_DIR"), "/send_files.d.ts"));

/// What `sendMessage` takes (its `attachments` are taken off in `js/api.js`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SendInput {
    #[serde(default)]
    conversation_id: Option<String>,
    #[serde(default)]
    profile_url: Option<String>,
    text: String,
    #[serde(default)]
    idempotency_key: Option<String>,
    #[serde(default)]
    account: Option<String>,
}

/// What `markRead` / `markUnread` take besides the conversation.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MarkOptions {
    #[serde(default)]
    account: Option<String>,
}

/// `account` checked (the proxy's form of an account id).
/// The pauses before each retry of one send (the same key each time).
const RETRY_PAUSES_MS: [i32; 2] = [400, 1_600];

/// A fresh key: `crypto.randomUUID()` where the runtime has it (Node 20, browsers, workerd).
fn new_key() -> String {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).unwrap_or(JsValue::UNDEFINED);
    let uuid = Reflect::get(&crypto, &"randomUUID".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call0(&crypto).ok())
        .and_then(|v| v.as_string());
    uuid.unwrap_or_else(|| {
        let part = || format!("{:013x}", (js_sys::Math::random() * 2f64.powi(52)) as u64);
        format!("{}-{}-{}", part(), part(), js_sys::Date::now() as u64)
    })
}

async fn pause(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        let set_timeout = Reflect::get(&js_sys::global(), &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        if let Some(set_timeout) = set_timeout {
            let _ = set_timeout.call2(&JsValue::UNDEFINED, &resolve, &ms.into());
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Whether the proxy may be asked again with the same key: it answered nothing readable, or
/// said the outcome is unknown.
fn retryable(error: &Error) -> bool {
    matches!(
        error.code(),
        ErrorCode::Network
            | ErrorCode::Unavailable
            | ErrorCode::UpstreamError
            | ErrorCode::MalformedResponse
    )
}

/// The proxy of a client that may write.
fn writer(backend: &Backend) -> Result<&Proxy> {
    match backend {
        Backend::Proxy(proxy) => Ok(proxy),
        Backend::Direct { .. } => Err(Error::NotSupported {
            message: "sending and read state go through the proxy: it keeps the idempotency keys that make a send happen at most once".into(),
        }),
    }
}

pub fn send_message(backend: Backend, fetch: Function, input: JsValue) -> Promise {
    future_to_promise(async move {
        let proxy = writer(&backend).map_err(|e| js_error(&e))?;
        let input: SendInput = from_js_required(&input, "input").map_err(|e| js_error(&e))?;
        let draft = Draft {
            conversation_id: input.conversation_id,
            profile_url: input.profile_url,
            text: input.text,
            attachments: Vec::new(),
        };
        let key = input.idempotency_key.unwrap_or_else(new_key);
        let proxy = proxy
            .for_account(input.account.as_deref())
            .map_err(|e| js_error(&e))?;
        let request = proxy.build_send(&draft, &key).map_err(|e| js_error(&e))?;
        let mut tries = 0;
        let sent = loop {
            match attempt(&proxy, &fetch, &request).await {
                Err(error) if retryable(&error) && tries < RETRY_PAUSES_MS.len() => {
                    pause(RETRY_PAUSES_MS[tries]).await;
                    tries += 1;
                }
                outcome => break outcome.map_err(|e| js_error(&e))?,
            }
        };
        to_js(&sent)
    })
}

async fn attempt(
    proxy: &Proxy,
    fetch: &Function,
    request: &linkedin_inbox::HttpRequest,
) -> Result<linkedin_inbox::Sent> {
    let response = send(fetch, request).await?;
    proxy.parse_send(&response)
}

pub fn mark(
    backend: Backend,
    fetch: Function,
    conversation_id: String,
    options: Option<JsValue>,
    read: bool,
) -> Promise {
    future_to_promise(async move {
        let proxy = writer(&backend).map_err(|e| js_error(&e))?;
        let options: MarkOptions =
            from_js(&options.unwrap_or(JsValue::UNDEFINED), "options").map_err(|e| js_error(&e))?;
        let proxy = proxy
            .for_account(options.account.as_deref())
            .map_err(|e| js_error(&e))?;
        let request = proxy
            .build_mark(&conversation_id, read)
            .map_err(|e| js_error(&e))?;
        let response = send(&fetch, &request).await.map_err(|e| js_error(&e))?;
        proxy.parse_mark(&response).map_err(|e| js_error(&e))?;
        Ok(JsValue::UNDEFINED)
    })
}
