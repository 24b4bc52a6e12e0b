//! Triage through the proxy (docs/triage.md): the views of `listConversations` and
//! `conversations()` (`view`, `label`, `waiting`, `quietDays`), read off the JS query like its
//! `account` and sent by the core's proxy client with every page ([`Proxy::with_view`]); the
//! types of the writes (`triage`, `archive`, `unarchive`, `snooze`, `star`, `label`, `note`,
//! `listLabels`, written in `js/api.js`).

use js_sys::{Object, Reflect};
use linkedin_inbox::{Backend, Error, ListView, Result};
use wasm_bindgen::prelude::*;

use super::convert::from_js_required;

#[wasm_bindgen(typescript_custom_section)]
const TRIAGE_TYPES: &str = r#"
export interface ConversationQuery {
    /** Through the proxy: a triage view; none (the default) is every conversation. */
    view?: "inbox" | "archived" | "snoozed" | "starred";
    /** Through the proxy: conversations with this label of the account. */
    label?: string;
    /** Through the proxy: `me`, the other person wrote last; `them`, the account wrote last and nothing came back for `quietDays` (default 3). */
    waiting?: "me" | "them";
    /** With `waiting: "them"`: days without an answer, 0 to 365. */
    quietDays?: number;
}
/** The changes of one `triage` call: any of these. */
export interface TriageChanges {
    archived?: boolean;
    /** An RFC 3339 time, epoch ms or a `Date`, after now and at most a year ahead; `null` wakes it. */
    snoozedUntil?: string | number | Date | null;
    starred?: boolean;
    /** Labels are created on first use (at most 50 per account); removing an unknown one is `INVALID_INPUT`. */
    labels?: { add?: string[]; remove?: string[] };
    /** Plain text, at most 2,000 characters; `null` removes it. */
    note?: string | null;
}
/** Options of the triage calls. */
export interface TriageOptions {
    /** The account of the conversation (found by the proxy when absent). */
    account?: string;
}
export interface InboxClient {
    /** Applies `changes` to a conversation's triage (idempotent); its triage after. `NOT_SUPPORTED` with provider keys. */
    triage(conversationId: string, changes: TriageChanges, options?: TriageOptions): Promise<Triage>;
    archive(conversationId: string, options?: TriageOptions): Promise<Triage>;
    unarchive(conversationId: string, options?: TriageOptions): Promise<Triage>;
    /** Out of the inbox until `until` (`null`: back now). */
    snooze(conversationId: string, until: string | number | Date | null, options?: TriageOptions): Promise<Triage>;
    star(conversationId: string, starred?: boolean, options?: TriageOptions): Promise<Triage>;
    label(conversationId: string, labels: { add?: string[]; remove?: string[] }, options?: TriageOptions): Promise<Triage>;
    note(conversationId: string, text: string | null, options?: TriageOptions): Promise<Triage>;
    /** The account's labels, oldest first (`account` is needed when the client has several). */
    listLabels(options?: { account?: string }): Promise<string[]>;
}
"#;

/// The names a view takes in a JS query.
const VIEW_KEYS: [&str; 4] = ["view", "label", "waiting", "quietDays"];

/// `value` without its view properties, and the view they make (`None` when it has none).
pub fn split_view(value: &JsValue) -> Result<(JsValue, Option<ListView>)> {
    let present: Vec<&str> = VIEW_KEYS
        .into_iter()
        .filter(|k| {
            value.is_object() && Reflect::has(value, &JsValue::from_str(k)).unwrap_or(false)
        })
        .collect();
    if present.is_empty() {
        return Ok((value.clone(), None));
    }
    let view = Object::new();
    let rest = Object::assign(&Object::new(), value.unchecked_ref());
    for key in present {
        let key = JsValue::from_str(key);
        let _ = Reflect::set(
            &view,
            &key,
            &Reflect::get(value, &key).unwrap_or(JsValue::UNDEFINED),
        );
        let _ = Reflect::delete_property(&rest, &key);
    }
    let view: ListView = from_js_required(&view.into(), "query")?;
    Ok((rest.into(), Some(view)))
}

/// `backend` with the view on its lists: the proxy's alone (provider keys have no triage).
pub fn with_view(backend: Backend, view: Option<ListView>) -> Result<Backend> {
    match (backend, view) {
        (backend, None) => Ok(backend),
        (Backend::Proxy(proxy), Some(view)) => Ok(Backend::Proxy(proxy.with_view(view))),
        (Backend::Direct { .. }, Some(_)) => Err(Error::NotSupported {
            message: "triage views are the proxy's: give the client { proxy }".into(),
        }),
    }
}
