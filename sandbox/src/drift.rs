//! Drift switches: the sandbox answers in the providers' documented shapes; each switch turns
//! one part of an answer into another form that a provider could plausibly send (most of them
//! the forms this project once assumed), so the product is tested against both and the
//! doctor can be shown to name each one. `--drift a,b` or `/__sandbox/settings {"drift": [...]}`.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::AppState;

/// One drift from the documented shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Drift {
    /// LinkupAPI v1 and v2 inbox `unread` as `true`/`false` instead of `0`/`1`.
    UnreadBoolean,
    /// LinkupAPI v1 inbox `last_message.sender` as the sender's name instead of an object.
    SenderName,
    /// LinkupAPI v2 `list_inbox` `conversation_id` as a bare `2-…` id instead of its URN.
    BareIds,
    /// LinkupAPI v2 `get_conversation` paged by `has_next_page` with no `next_cursor`.
    PageFlag,
    /// ConnectSafely's list under `items` instead of `conversations`.
    ListRenamed,
}

impl Drift {
    /// Every drift, by its name.
    pub const ALL: [Self; 5] = [
        Self::UnreadBoolean,
        Self::SenderName,
        Self::BareIds,
        Self::PageFlag,
        Self::ListRenamed,
    ];

    /// The switch's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::UnreadBoolean => "unread-boolean",
            Self::SenderName => "sender-name",
            Self::BareIds => "bare-ids",
            Self::PageFlag => "page-flag",
            Self::ListRenamed => "list-renamed",
        }
    }

    /// A comma-separated list of names.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, String> {
        text.split(',')
            .filter(|name| !name.trim().is_empty())
            .map(|name| {
                Self::ALL
                    .into_iter()
                    .find(|d| d.name() == name.trim())
                    .ok_or_else(|| {
                        let known: Vec<&str> = Self::ALL.iter().map(|d| d.name()).collect();
                        format!("--drift: unknown {name}; known: {}", known.join(", "))
                    })
            })
            .collect()
    }

    /// Reshapes the answer of `path` (`action`: a v2 answer's `metadata.action`).
    fn apply(self, path: &str, action: Option<&str>, answer: &mut Value) {
        let linkup_inbox = path == "/v1/messages/inbox" || action == Some("list_inbox");
        match self {
            Self::UnreadBoolean if linkup_inbox => {
                for item in conversations(answer) {
                    let unread = item["unread"].as_u64().unwrap_or(0) > 0;
                    item["unread"] = Value::Bool(unread);
                }
            }
            Self::SenderName if path == "/v1/messages/inbox" => {
                for item in conversations(answer) {
                    let name = item["last_message"]["sender"]["name"].take();
                    item["last_message"]["sender"] = name;
                }
            }
            Self::BareIds if action == Some("list_inbox") => {
                for item in conversations(answer) {
                    let bare = item["conversation_id"].as_str().map(bare_thread_id);
                    if let Some(bare) = bare {
                        item["conversation_id"] = Value::String(bare);
                    }
                }
            }
            Self::PageFlag if action == Some("get_conversation") => {
                if let Some(Value::Object(data)) = answer.get_mut("data") {
                    let more = data
                        .remove("next_cursor")
                        .is_some_and(|cursor| !cursor.is_null());
                    data.insert("has_next_page".into(), Value::Bool(more));
                }
            }
            Self::ListRenamed if path == "/linkedin/conversations" => {
                if let Value::Object(map) = answer {
                    if let Some(list) = map.remove("conversations") {
                        map.insert("items".into(), list);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A LinkupAPI inbox answer's conversations.
fn conversations(answer: &mut Value) -> impl Iterator<Item = &mut Value> {
    answer
        .pointer_mut("/data/conversations")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

/// `urn:li:msg_conversation:(urn:li:fsd_profile:X,2-abc)` → `2-abc`.
fn bare_thread_id(urn: &str) -> String {
    let inner = urn.trim_end_matches(')');
    inner.rsplit([',', ':']).next().unwrap_or(inner).to_owned()
}

/// The middleware: a successful JSON answer passes through the drifts switched on.
pub async fn reshape(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let drifts = state.lock().drift.clone();
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if drifts.is_empty() || !json || response.status() != 200 {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut answer) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes)); // a truncated answer stays so
    };
    let action = answer
        .pointer("/metadata/action")
        .and_then(Value::as_str)
        .map(str::to_owned);
    for drift in drifts {
        drift.apply(&path, action.as_deref(), &mut answer);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(answer.to_string()))
}
