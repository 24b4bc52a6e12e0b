//! The `account` option of proxy calls: which of the client's accounts a call is for, `"all"`
//! for every one (a conversation list then merges them), sent to the proxy as the `account`
//! query parameter by the core's proxy client ([`Proxy::for_account`]). The queries of the core
//! have no such field: it is read off the JS object here, the rest parsed as before. The types
//! of the whole multi-account and live surface are here too (`listAccounts`, `changes`,
//! `liveSockets` and `watch` are written in `js/api.js`).

use js_sys::{Object, Reflect};
use linkedin_inbox::{Backend, Error, Proxy, Result, ALL_ACCOUNTS};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const ACCOUNT_TYPES: &str = r#"
export interface ConversationQuery {
    /** Through the proxy: one of the client's account ids, or `"all"` (the default: every account, merged by last activity). */
    account?: string;
}
export interface MessageQuery {
    /** Through the proxy: the account of the conversation (found by the proxy when absent; needed with `profileUrl` when the client has several). */
    account?: string;
}
export interface SendInput {
    /** Through the proxy: the account to send from (found from `conversationId` when absent; needed with `profileUrl` when the client has several). */
    account?: string;
}
/** Options of `markRead` / `markUnread`. */
export interface MarkOptions {
    /** The account of the conversation (found by the proxy when absent). */
    account?: string;
}

/** What each account may still spend today (UTC); `null`: no such provider, or no limit. */
export interface BudgetLeftToday {
    connectsafelyCalls: number | null;
    linkupCredits: number | null;
    sends: number | null;
}

/** The states of an account's health (`AccountHealth.state`). */
export type AccountHealthState = "ok" | "session_expired" | "provider_paused" | "over_budget" | "disabled";

/**
 * An account's health, as its providers' answers show it: `session_expired` (the provider
 * refuses the account's LinkedIn session: it must be reconnected), `provider_paused` (an upstream
 * 429, until `until`), `over_budget` (a daily cap reached, until `until`, the UTC reset),
 * `disabled` (set by the operator).
 */
export interface AccountHealth {
    state: AccountHealthState;
    /** Since when, epoch ms (0: always). */
    since: number;
    /** When the state ends by itself, epoch ms (`provider_paused`, `over_budget`). */
    until?: number;
}

/** One LinkedIn account of a proxy client (`listAccounts`). */
export interface Account {
    /** Opaque id: what `account` takes. */
    id: string;
    label: string;
    /** `"connectsafely"` and/or `"linkup"`. */
    providers: string[];
    /** Unread conversations in the proxy's store; `null` before its first sync. */
    unreadTotal: number | null;
    budgetLeftToday: BudgetLeftToday;
    health: AccountHealth;
}

/** The parts of an `AbortSignal` that `watch` uses. */
export interface WatchSignal {
    readonly aborted: boolean;
    addEventListener(type: "abort", listener: () => void): void;
    removeEventListener(type: "abort", listener: () => void): void;
}

/** A WebSocket class, as browsers, Node 22+ and workerd have it (`globalThis.WebSocket`). */
export type WebSocketClass = new (url: string) => {
    addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
    send(data: string): void;
    close(code?: number): void;
};

/** Options of `changes`. */
export interface ChangesOptions {
    /** The `token` of the previous page; without it the page is a starting point (no conversations). */
    since?: string;
    /** One of the client's account ids, or `"all"` (the default). */
    account?: string;
    /** Aborts the request. */
    signal?: WatchSignal;
}

/** One page of the proxy's change feed (`GET /v1/changes`). */
export interface ChangesPage {
    /** `since` for the next call. */
    token: string;
    /** Unread conversations over the accounts (what a badge shows). */
    unreadTotal: number;
    /** Each account as it is now; a change of its health is a change (the token moves past it). */
    accounts: { id: string; unreadTotal: number | null; health: AccountHealth }[];
    /** Each conversation changed since `since`, as it is now (each with its `account`), oldest change first. */
    conversations: Conversation[];
    /** More changes wait: call again with `token`. */
    more: boolean;
    /** `since` no longer applies (a store was wiped): reload the list. */
    reset: boolean;
}

/** One socket of the push channel: the account it pushes and its URL (usable for 60 s). */
export interface LiveSocket {
    account: string;
    url: string;
}

/** Options of `watch`. */
export interface WatchOptions {
    /** Ends the iterator (no timer or socket is left behind). */
    signal?: WatchSignal;
    /** One of the client's account ids, or `"all"` (the default). */
    account?: string;
    /** Milliseconds between two polls of `changes` when there is no push channel (default 30000, at least 100). */
    interval?: number;
    /**
     * The WebSocket class for the push channel: `globalThis.WebSocket` by default (browsers,
     * Node 22+, Node 20 with `--experimental-websocket`); without one, or `null`, `watch` polls.
     */
    webSocket?: WebSocketClass | null;
}

/** A change of one account's inbox. */
export interface ChangeEvent {
    /** The account that changed (for a reset: the `account` watched). */
    account: string;
    /** That account's unread conversations now (for a reset: the watched total). */
    unreadTotal: number | null;
    /** Conversations updated since the last event, as the list shows them, each with its `account`. */
    conversations: Conversation[];
    /** The proxy's store was wiped: reload the list; `conversations` is then not a delta. */
    reset: boolean;
}

/** What `download` resolves to: the runtime's `Response` where it has `fetch` (the proxy's headers, `blob()`, `body`), else its common part. */
export type DownloadedFile = typeof globalThis extends { fetch: (...args: any[]) => Promise<infer R> }
    ? R
    : { ok: boolean; status: number; headers: { get(name: string): string | null }; arrayBuffer(): Promise<ArrayBuffer> };

export interface InboxClient {
    /** Marks a conversation read on LinkedIn, through the proxy (the proxy finds its account). */
    markRead(conversationId: string): Promise<void>;
    /** Marks a conversation unread on LinkedIn, through the proxy (the proxy finds its account). */
    markUnread(conversationId: string): Promise<void>;
    /** The accounts of this proxy client (`GET /v1/accounts`); `NOT_SUPPORTED` with provider keys. */
    listAccounts(): Promise<Account[]>;
    /**
     * The bytes of an attachment (`message.attachments[].ref`) through the proxy (`GET
     * /v1/media/{ref}`): the `Response` (`blob()`, `arrayBuffer()`, `body`). `NOT_FOUND` for
     * a ref that expired (read the thread again) or is not this client's. `NOT_SUPPORTED`
     * with provider keys.
     */
    download(ref: string, options?: { signal?: WatchSignal }): Promise<DownloadedFile>;
    /**
     * One page of the change feed after `since` (what `watch` polls), for callers that keep the
     * token themselves (a service worker stopped between checks). `INVALID_CURSOR`: a token
     * the proxy no longer takes. `NOT_SUPPORTED` with provider keys.
     */
    changes(options?: ChangesOptions): Promise<ChangesPage>;
    /** The push channel's sockets of `account` (`POST /v1/live`, what `watch` opens). `NOT_SUPPORTED` with provider keys. */
    liveSockets(options?: { account?: string; signal?: WatchSignal }): Promise<LiveSocket[]>;
    /**
     * Change events of the watched account(s), live through the proxy's push channel, else by
     * polling `changes`; reconnects with backoff, ends when `signal` aborts. `NOT_SUPPORTED`
     * with provider keys.
     */
    watch(options?: WatchOptions): AsyncIterableIterator<ChangeEvent>;
}
"#;

/// `value` without its `account` property, and that account (checked as the proxy's registry
/// allows ids); `value` itself when it has none (or is not an object).
pub fn split(value: &JsValue) -> Result<(JsValue, Option<String>)> {
    let key = JsValue::from_str("account");
    if !value.is_object() || !Reflect::has(value, &key).unwrap_or(false) {
        return Ok((value.clone(), None));
    }
    let account = Reflect::get(value, &key).unwrap_or(JsValue::UNDEFINED);
    let copy = Object::assign(&Object::new(), value.unchecked_ref());
    let _ = Reflect::delete_property(&copy, &key);
    let rest = JsValue::from(copy);
    if account.is_undefined() || account.is_null() {
        return Ok((rest, None));
    }
    let account = account.as_string().ok_or_else(|| Error::InvalidInput {
        field: "account",
        reason: "must be a string".into(),
    })?;
    Proxy::check_account(&account)?;
    Ok((rest, Some(account)))
}

/// `backend` for `account`: the proxy's requests name it (the core's [`Proxy::for_account`]:
/// every request of the operation, its next pages too); provider keys are one account, so only
/// `"all"` (that account) is accepted there, and nothing is sent.
pub fn scope(backend: &Backend, account: Option<&str>) -> Result<Backend> {
    match (backend, account) {
        (Backend::Proxy(proxy), Some(_)) => Ok(Backend::Proxy(proxy.for_account(account)?)),
        (Backend::Direct { .. }, Some(account)) if account != ALL_ACCOUNTS => {
            Err(Error::NotSupported {
                message: "accounts are the proxy's: provider keys serve one account".into(),
            })
        }
        _ => Ok(backend.clone()),
    }
}
