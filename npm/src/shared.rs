//! Core helpers every JS surface uses instead of its own copy (the popup among them): message
//! merge, the page walker, what an error means to a person, what counts as unread and which
//! message an id names.

use js_sys::{Array, Reflect};
use linkedin_inbox::{Conversation, ErrorCode, Message};
use wasm_bindgen::prelude::*;

use super::convert::{from_js_required, js_error, to_js};
use super::sans_io::read_response;

/// Merges two lists of messages: one per id (the first seen wins), newest first, ties by id.
#[wasm_bindgen(js_name = mergeMessages, unchecked_return_type = "Message[]")]
pub fn merge_messages(
    #[wasm_bindgen(unchecked_param_type = "Message[]")] existing: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Message[]")] incoming: JsValue,
) -> Result<JsValue, JsValue> {
    let existing: Vec<Message> =
        from_js_required(&existing, "existing").map_err(|e| js_error(&e))?;
    let incoming: Vec<Message> =
        from_js_required(&incoming, "incoming").map_err(|e| js_error(&e))?;
    to_js(&linkedin_inbox::merge_messages(&existing, &incoming))
}

/// Whether `conversation` counts as unread: it has unread messages, or it is not marked read
/// (the one definition the proxy's `unread` filter and counts apply).
#[wasm_bindgen(js_name = isUnread)]
pub fn is_unread(
    #[wasm_bindgen(unchecked_param_type = "Conversation")] conversation: JsValue,
) -> Result<bool, JsValue> {
    let conversation: Conversation =
        from_js_required(&conversation, "conversation").map_err(|e| js_error(&e))?;
    Ok(conversation.is_unread())
}

/// The LinkedIn message id inside any form of a message id (`urn:li:msg_message:(<owner>,<id>)`,
/// `urn:li:messagingMessage:<id>`, a bare id): two ids name one message exactly when their
/// `messageId`s are equal (a pushed message and the same message synced later).
#[wasm_bindgen(js_name = messageId)]
pub fn message_id(id: &str) -> String {
    linkedin_inbox::message_id(id).to_owned()
}

#[wasm_bindgen(typescript_custom_section)]
const EXPLAIN_OPTIONS: &str = r#"
/** How an error is explained: `cached`, whether what was loaded before is still shown. */
export interface ExplainOptions { cached?: boolean }
"#;

#[wasm_bindgen]
extern "C" {
    /// The options of [`explain_error`].
    #[wasm_bindgen(typescript_type = "ExplainOptions")]
    pub type ExplainOptions;
}

/// `{ kind, text }` for an error of this package (or anything with a `code`): what it means
/// to a person. Unknown codes are explained as a generic failure. `options.cached`: whether
/// what was loaded before is still shown (the offline text then says so; default false).
#[wasm_bindgen(js_name = explainError, unchecked_return_type = "Explanation")]
pub fn explain_error(error: JsValue, options: Option<ExplainOptions>) -> Result<JsValue, JsValue> {
    let text = |name: &str| {
        Reflect::get(&error, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    let code = text("code")
        .and_then(|c| ErrorCode::from_code(&c))
        .unwrap_or(ErrorCode::UpstreamError);
    let retry_after = Reflect::get(&error, &JsValue::from_str("retryAfter"))
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| s as u64);
    let message = text("message").unwrap_or_default();
    let cached = options
        .and_then(|o| Reflect::get(&o, &JsValue::from_str("cached")).ok())
        .is_some_and(|v| v.is_truthy());
    to_js(&linkedin_inbox::explain(
        code,
        text("field").as_deref(),
        retry_after,
        &message,
        cached,
    ))
}

/// The `InboxError` a failed proxy response means (`{ status, headers?, body }`, as for
/// `parseResponse`), for callers that made a request themselves.
#[wasm_bindgen(js_name = errorFromResponse, unchecked_return_type = "InboxError")]
pub fn error_from_response(
    #[wasm_bindgen(unchecked_param_type = "ReceivedResponse")] response: JsValue,
) -> JsValue {
    match read_response(&response) {
        Ok(response) => js_error(&linkedin_inbox::proxy_error(&response)),
        Err(e) => js_error(&e),
    }
}

/// Follows a list's cursors and lets each item through once (the core's `PageWalker`), for
/// UIs that load page by page ("load more").
#[wasm_bindgen]
#[derive(Default)]
pub struct PageWalker(linkedin_inbox::PageWalker);

#[wasm_bindgen]
impl PageWalker {
    /// A walk that starts at the first page.
    #[wasm_bindgen(constructor)]
    pub fn new() -> PageWalker {
        PageWalker(linkedin_inbox::PageWalker::new())
    }

    /// The cursor of the next page (`undefined` for the first page or when done).
    #[wasm_bindgen(getter)]
    pub fn cursor(&self) -> Option<String> {
        (!self.0.is_done())
            .then(|| self.0.cursor().map(str::to_owned))
            .flatten()
    }

    /// Whether there is no next page.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.0.is_done()
    }

    /// How many items have been let through.
    #[wasm_bindgen(getter)]
    pub fn seen(&self) -> usize {
        self.0.seen()
    }

    /// The items of `page` (`{ items, nextCursor }`) that are new to this walk, in order;
    /// advances to the page's `nextCursor`.
    #[wasm_bindgen(unchecked_return_type = "Array<Conversation | Message>")]
    pub fn accept(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ConversationPage | MessagePage")] page: JsValue,
    ) -> Result<Array, JsValue> {
        let get = |target: &JsValue, name: &str| Reflect::get(target, &JsValue::from_str(name));
        let items = get(&page, "items")?;
        if !Array::is_array(&items) {
            return Err(js_error(&linkedin_inbox::Error::InvalidInput {
                field: "page",
                reason: "must have an items array".into(),
            }));
        }
        let fresh = Array::new();
        for item in Array::from(&items).iter() {
            // The same thread may be in two accounts of an `all` walk: one item per account.
            let mut id = get(&item, "id")?.as_string().unwrap_or_default();
            if let Some(account) = get(&item, "account")?.as_string() {
                id = format!("{account}\n{id}");
            }
            if self.0.admit(&id) {
                fresh.push(&item);
            }
        }
        self.0
            .advance(get(&page, "nextCursor")?.as_string().as_deref());
        Ok(fresh)
    }
}
