//! `InboxClient`: list conversations and messages through the configured backend.

use js_sys::{Function, Promise};
use linkedin_inbox::{
    drive, Backend, ConversationQuery, Exchange, HttpRequest, HttpResponse, MessageQuery,
    Operation, Page, Result, Transport,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::account;
use super::config::InboxConfig;
use super::convert::{from_js, from_js_required, js_error, to_js};
use super::fetch::{pick_fetch, send};
use super::iterate::walk;

/// A client of one inbox: through the Worker proxy (`{ proxy }`), or straight to the providers
/// (`{ connectsafely, linkup }`, server-side only).
#[wasm_bindgen]
pub struct InboxClient {
    backend: Backend,
    fetch: Function,
}

#[wasm_bindgen(typescript_custom_section)]
const NO_QUERY_OVERLOADS: &str = r#"
export interface InboxClient {
    /** The first page of the whole inbox. */
    listConversations(): Promise<ConversationPage>;
    /** Every conversation of the whole inbox. */
    conversations(): AsyncIterableIterator<Conversation>;
}
"#;

/// Runs one operation: the core's [`Exchange`] says what to send (a redirect followed, more
/// pages of a list filtered here) and the core's [`drive`] sends it with `fetch`, until the
/// exchange answers. A failure after a filtered walk gathered something answers with that
/// (and a cursor).
pub async fn run(backend: &Backend, fetch: &Function, operation: Operation) -> Result<Page> {
    // The keyword filter lowercases with JS's mapping: the core's own is left out for size.
    linkedin_inbox::set_lowercase(js_lowercase);
    let (exchange, request) = Exchange::start(backend.clone(), operation)?;
    drive(exchange, request, &mut Fetch { fetch }).await
}

/// `String.prototype.toLowerCase`: Unicode's full lowercase mapping, as `str::to_lowercase`.
fn js_lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// The page's (or the caller's) `fetch`.
struct Fetch<'a> {
    fetch: &'a Function,
}

impl Transport for Fetch<'_> {
    async fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse> {
        send(self.fetch, request).await
    }
}

/// An operation read from a JS query object (`parse` reads all but its `account`), and the
/// backend for that account (see [`account::scope`]).
pub fn scoped<T>(
    backend: &Backend,
    query: &JsValue,
    parse: impl FnOnce(&JsValue) -> Result<T>,
) -> Result<(T, Backend)> {
    let (rest, account) = account::split(query)?;
    Ok((parse(&rest)?, account::scope(backend, account.as_deref())?))
}

/// A conversation query read from JS: its triage view and account split off (the backend
/// sends them with every page), the rest parsed.
fn viewed(backend: &Backend, query: &JsValue) -> Result<(ConversationQuery, Backend)> {
    let (rest, view) = super::triage::split_view(query)?;
    let (query, backend) = scoped(backend, &rest, |q| from_js::<ConversationQuery>(q, "query"))?;
    Ok((query, super::triage::with_view(backend, view)?))
}

fn promise(fetch: Function, operation: Result<(Operation, Backend)>) -> Promise {
    future_to_promise(async move {
        let (operation, backend) = operation.map_err(|e| js_error(&e))?;
        let page = run(&backend, &fetch, operation)
            .await
            .map_err(|e| js_error(&e))?;
        to_js(&page)
    })
}

#[wasm_bindgen]
impl InboxClient {
    /// Checks the config; throws an `InboxError` (`INVALID_INPUT`) when it is unusable.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "InboxConfig")] config: JsValue,
    ) -> Result<InboxClient, JsValue> {
        let fetch = pick_fetch(&config).map_err(|e| js_error(&e))?;
        let parsed: InboxConfig = from_js_required(&config, "config").map_err(|e| js_error(&e))?;
        let backend = parsed.backend().map_err(|e| js_error(&e))?;
        Ok(InboxClient { backend, fetch })
    }

    /// One page of conversations, newest activity first.
    #[wasm_bindgen(js_name = listConversations, unchecked_return_type = "Promise<ConversationPage>")]
    pub fn list_conversations(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConversationQuery")] query: Option<JsValue>,
    ) -> Promise {
        let query = query.unwrap_or(JsValue::UNDEFINED);
        let operation = viewed(&self.backend, &query)
            .map(|(operation, backend)| (Operation::ListConversations(operation), backend));
        promise(self.fetch.clone(), operation)
    }

    /// One page of messages of a conversation (by `conversationId` or `profileUrl`), newest first.
    #[wasm_bindgen(js_name = listMessages, unchecked_return_type = "Promise<MessagePage>")]
    pub fn list_messages(
        &self,
        #[wasm_bindgen(unchecked_param_type = "MessageQuery")] query: JsValue,
    ) -> Promise {
        let operation = scoped(&self.backend, &query, |q| {
            from_js_required::<MessageQuery>(q, "query").map(Operation::ListMessages)
        });
        promise(self.fetch.clone(), operation)
    }

    /// Sends a message through the proxy (`{ conversationId | profileUrl, text,
    /// idempotencyKey? }`): at most once per key, whatever the retries (this client retries a
    /// lost answer with the same key). `NOT_SUPPORTED` with provider keys.
    #[wasm_bindgen(js_name = sendMessage, unchecked_return_type = "Promise<Sent>")]
    pub fn send_message(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendInput")] input: JsValue,
    ) -> Promise {
        super::write::send_message(self.backend.clone(), self.fetch.clone(), input)
    }

    /// Marks a conversation read on LinkedIn, through the proxy (`NOT_SUPPORTED` for a
    /// LinkupAPI-only account, or with provider keys).
    #[wasm_bindgen(js_name = markRead, unchecked_return_type = "Promise<void>")]
    pub fn mark_read(
        &self,
        conversation_id: String,
        #[wasm_bindgen(unchecked_param_type = "MarkOptions")] options: Option<JsValue>,
    ) -> Promise {
        super::write::mark(
            self.backend.clone(),
            self.fetch.clone(),
            conversation_id,
            options,
            true,
        )
    }

    /// Marks a conversation unread on LinkedIn, through the proxy (as `markRead`).
    #[wasm_bindgen(js_name = markUnread, unchecked_return_type = "Promise<void>")]
    pub fn mark_unread(
        &self,
        conversation_id: String,
        #[wasm_bindgen(unchecked_param_type = "MarkOptions")] options: Option<JsValue>,
    ) -> Promise {
        super::write::mark(
            self.backend.clone(),
            self.fetch.clone(),
            conversation_id,
            options,
            false,
        )
    }

    /// Every conversation, following cursors to the end, each once.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterableIterator<Conversation>")]
    pub fn conversations(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConversationQuery")] query: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let (query, backend) = viewed(&self.backend, &query.unwrap_or(JsValue::UNDEFINED))
            .map_err(|e| js_error(&e))?;
        Ok(walk(
            backend,
            self.fetch.clone(),
            Operation::ListConversations(query),
        ))
    }

    /// Every message of a conversation, newest first, following cursors to the end, each once.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterableIterator<Message>")]
    pub fn messages(
        &self,
        #[wasm_bindgen(unchecked_param_type = "MessageQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (query, backend) = scoped(&self.backend, &query, |q| {
            from_js_required::<MessageQuery>(q, "query")
        })
        .map_err(|e| js_error(&e))?;
        query.target().map_err(|e| js_error(&e))?;
        Ok(walk(
            backend,
            self.fetch.clone(),
            Operation::ListMessages(query),
        ))
    }
}
