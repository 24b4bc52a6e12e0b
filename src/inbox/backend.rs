//! The backends of an inbox and the operations they serve, sans-IO: `build` gives the request
//! to send, `parse` reads its response.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::model::{ConversationPage, MessagePage};
use crate::providers::{ConnectSafely, ConversationQuery, Linkup, MessageQuery};
use crate::proxy::Proxy;

/// One operation of an inbox, with its query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// A page of conversations, newest activity first.
    ListConversations(ConversationQuery),
    /// A page of one conversation's messages, newest first.
    ListMessages(MessageQuery),
}

impl Operation {
    /// The operation's name in the npm API (`listConversations`, `listMessages`).
    pub const fn name(&self) -> &'static str {
        match self {
            Self::ListConversations(_) => "listConversations",
            Self::ListMessages(_) => "listMessages",
        }
    }

    /// The same operation for the page at `cursor`.
    pub fn at_cursor(&self, cursor: Option<String>) -> Self {
        match self {
            Self::ListConversations(q) => Self::ListConversations(ConversationQuery {
                cursor,
                ..q.clone()
            }),
            Self::ListMessages(q) => Self::ListMessages(MessageQuery {
                cursor,
                ..q.clone()
            }),
        }
    }
}

/// The page an operation answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Page {
    /// For [`Operation::ListConversations`].
    Conversations(ConversationPage),
    /// For [`Operation::ListMessages`].
    Messages(MessagePage),
}

impl Page {
    /// The cursor of the next page, if any.
    pub fn next_cursor(&self) -> Option<&str> {
        match self {
            Self::Conversations(p) => p.next_cursor.as_deref(),
            Self::Messages(p) => p.next_cursor.as_deref(),
        }
    }

    /// The cursor of the next page, to rewrap (the Worker signs the cursors it hands out).
    pub fn next_cursor_mut(&mut self) -> &mut Option<String> {
        match self {
            Self::Conversations(p) => &mut p.next_cursor,
            Self::Messages(p) => &mut p.next_cursor,
        }
    }
}

/// Where operations go: the Worker proxy, or the providers directly (server-side).
#[derive(Debug, Clone)]
pub enum Backend {
    /// This project's Worker proxy (no provider secret on the caller's side).
    Proxy(Proxy),
    /// The providers: ConnectSafely lists, LinkupAPI reads threads.
    Direct {
        /// ConnectSafely client, when configured.
        connectsafely: Option<ConnectSafely>,
        /// LinkupAPI client, when configured.
        linkup: Option<Linkup>,
        /// The ConnectSafely account a list defaults to.
        account_id: Option<String>,
    },
}

fn missing(provider: &str, operation: &Operation) -> Error {
    Error::InvalidInput {
        field: "config",
        reason: format!(
            "{} needs `proxy` or `{provider}` in the config",
            operation.name()
        ),
    }
}

impl Backend {
    /// Fills defaults from the backend (the ConnectSafely account id).
    pub fn prepare(&self, operation: Operation) -> Operation {
        match (self, operation) {
            (
                Self::Direct {
                    account_id: Some(account),
                    ..
                },
                Operation::ListConversations(mut query),
            ) => {
                query.account_id.get_or_insert_with(|| account.clone());
                Operation::ListConversations(query)
            }
            (_, operation) => operation,
        }
    }

    /// The request of `operation` (after [`Backend::prepare`]).
    pub fn build(&self, operation: &Operation) -> Result<HttpRequest> {
        match (self, operation) {
            (Self::Proxy(proxy), Operation::ListConversations(q)) => {
                proxy.build_list_conversations(q)
            }
            (Self::Proxy(proxy), Operation::ListMessages(q)) => proxy.build_list_messages(q),
            (Self::Direct { connectsafely, .. }, Operation::ListConversations(q)) => connectsafely
                .as_ref()
                .ok_or_else(|| missing("connectsafely", operation))?
                .build_list_conversations(q),
            (Self::Direct { linkup, .. }, Operation::ListMessages(q)) => linkup
                .as_ref()
                .ok_or_else(|| missing("linkup", operation))?
                .build_list_messages(q),
        }
    }

    /// Reads the response to [`Backend::build`] of the same `operation`. Every secret the
    /// backend holds is scrubbed from the error text (a provider may echo another's secret).
    pub fn parse(&self, operation: &Operation, response: &HttpResponse) -> Result<Page> {
        self.parse_page(operation, response)
            .map_err(|e| e.scrub(&self.secrets()))
    }

    fn secrets(&self) -> Vec<&str> {
        match self {
            Self::Proxy(proxy) => vec![proxy.token()],
            Self::Direct {
                connectsafely,
                linkup,
                ..
            } => connectsafely
                .iter()
                .flat_map(|c| c.secrets())
                .chain(linkup.iter().flat_map(|l| l.secrets()))
                .collect(),
        }
    }

    fn parse_page(&self, operation: &Operation, response: &HttpResponse) -> Result<Page> {
        match (self, operation) {
            (Self::Proxy(proxy), Operation::ListConversations(_)) => proxy
                .parse_list_conversations(response)
                .map(Page::Conversations),
            (Self::Proxy(proxy), Operation::ListMessages(_)) => {
                proxy.parse_list_messages(response).map(Page::Messages)
            }
            (Self::Direct { connectsafely, .. }, Operation::ListConversations(q)) => connectsafely
                .as_ref()
                .ok_or_else(|| missing("connectsafely", operation))?
                .parse_list_conversations(q, response)
                .map(Page::Conversations),
            (Self::Direct { linkup, .. }, Operation::ListMessages(q)) => linkup
                .as_ref()
                .ok_or_else(|| missing("linkup", operation))?
                .parse_list_messages(q, response)
                .map(Page::Messages),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiKey, ClientToken, ErrorCode};

    fn direct_connectsafely_only() -> Backend {
        Backend::Direct {
            connectsafely: Some(
                ConnectSafely::with_base_url(ApiKey::new("k"), "http://127.0.0.1:1/linkedin")
                    .unwrap(),
            ),
            linkup: None,
            account_id: Some("acct-1".into()),
        }
    }

    #[test]
    fn direct_lists_fill_the_default_account() {
        let backend = direct_connectsafely_only();
        let operation = backend.prepare(Operation::ListConversations(ConversationQuery::default()));
        let request = backend.build(&operation).unwrap();
        assert!(request.url.contains("accountId=acct-1"), "{}", request.url);
    }

    #[test]
    fn a_missing_provider_names_the_config() {
        let backend = direct_connectsafely_only();
        let operation = Operation::ListMessages(MessageQuery {
            conversation_id: Some("2-abc".into()),
            ..Default::default()
        });
        let error = backend.build(&operation).unwrap_err();
        assert_eq!(
            (error.code(), error.field()),
            (ErrorCode::InvalidInput, Some("config"))
        );
        assert!(error.to_string().contains("listMessages"), "{error}");
    }

    #[test]
    fn every_secret_of_the_backend_is_scrubbed_from_errors() {
        let backend = Backend::Direct {
            connectsafely: Some(
                ConnectSafely::with_base_url(
                    ApiKey::new("cs-key-1234"),
                    "http://127.0.0.1:1/linkedin",
                )
                .unwrap(),
            ),
            linkup: Some(
                Linkup::with_base_url(
                    ApiKey::new("lk-key-5678"),
                    crate::LoginToken::new("li-at-session-9012"),
                    "http://127.0.0.1:1",
                )
                .unwrap(),
            ),
            account_id: None,
        };
        let echo = r#"{"error":"bad session li-at-session-9012 with lk-key-5678 and cs-key-1234"}"#;
        let list = Operation::ListConversations(ConversationQuery::default());
        let error = backend
            .parse(&list, &HttpResponse::new(500, echo))
            .unwrap_err();
        let text = format!("{error} {error:?}");
        for secret in ["li-at-session-9012", "lk-key-5678", "cs-key-1234"] {
            assert!(!text.contains(secret), "{text}");
        }
    }

    #[test]
    fn the_proxy_serves_both_operations() {
        let backend =
            Backend::Proxy(Proxy::new("https://p.example", ClientToken::new("t")).unwrap());
        let list = Operation::ListConversations(ConversationQuery::default());
        assert_eq!(
            backend.build(&list).unwrap().url,
            "https://p.example/v1/conversations"
        );
        let next = list.at_cursor(Some("c".into()));
        assert_eq!(
            backend.build(&next).unwrap().url,
            "https://p.example/v1/conversations?cursor=c"
        );
    }
}
