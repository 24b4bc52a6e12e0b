//! The two operations, dispatched to the configured backend (sans-IO).

use serde::Serialize;

use super::config::Backend;
use crate::{
    ConversationPage, ConversationQuery, Error, HttpRequest, HttpResponse, MessagePage,
    MessageQuery, Result,
};

pub enum Operation {
    ListConversations(ConversationQuery),
    ListMessages(MessageQuery),
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum Page {
    Conversations(ConversationPage),
    Messages(MessagePage),
}

fn missing(provider: &str, operation: &str) -> Error {
    Error::InvalidInput {
        field: "config",
        reason: format!("{operation} needs `proxy` or `{provider}` in the config"),
    }
}

impl Backend {
    /// Fills defaults from the config (the ConnectSafely account id).
    pub fn prepare(&self, operation: Operation) -> Operation {
        match (self, operation) {
            (
                Backend::Direct {
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

    pub fn build(&self, operation: &Operation) -> Result<HttpRequest> {
        match (self, operation) {
            (Backend::Proxy(proxy), Operation::ListConversations(q)) => {
                proxy.build_list_conversations(q)
            }
            (Backend::Proxy(proxy), Operation::ListMessages(q)) => proxy.build_list_messages(q),
            (
                Backend::Direct {
                    connectsafely: Some(cs),
                    ..
                },
                Operation::ListConversations(q),
            ) => cs.build_list_conversations(q),
            (
                Backend::Direct {
                    linkup: Some(linkup),
                    ..
                },
                Operation::ListMessages(q),
            ) => linkup.build_list_messages(q),
            (Backend::Direct { .. }, Operation::ListConversations(_)) => {
                Err(missing("connectsafely", "listConversations"))
            }
            (Backend::Direct { .. }, Operation::ListMessages(_)) => {
                Err(missing("linkup", "listMessages"))
            }
        }
    }

    pub fn parse(&self, operation: &Operation, response: &HttpResponse) -> Result<Page> {
        match (self, operation) {
            (Backend::Proxy(proxy), Operation::ListConversations(_)) => proxy
                .parse_list_conversations(response)
                .map(Page::Conversations),
            (Backend::Proxy(proxy), Operation::ListMessages(_)) => {
                proxy.parse_list_messages(response).map(Page::Messages)
            }
            (
                Backend::Direct {
                    connectsafely: Some(cs),
                    ..
                },
                Operation::ListConversations(q),
            ) => cs
                .parse_list_conversations(q, response)
                .map(Page::Conversations),
            (
                Backend::Direct {
                    linkup: Some(linkup),
                    ..
                },
                Operation::ListMessages(q),
            ) => linkup.parse_list_messages(q, response).map(Page::Messages),
            (Backend::Direct { .. }, Operation::ListConversations(_)) => {
                Err(missing("connectsafely", "listConversations"))
            }
            (Backend::Direct { .. }, Operation::ListMessages(_)) => {
                Err(missing("linkup", "listMessages"))
            }
        }
    }
}

impl Page {
    /// Item ids (for de-duplication) and the next cursor.
    pub fn ids_and_cursor(&self) -> (Vec<&str>, Option<&str>) {
        match self {
            Page::Conversations(p) => (
                p.items.iter().map(|c| c.id.as_str()).collect(),
                p.next_cursor.as_deref(),
            ),
            Page::Messages(p) => (
                p.items.iter().map(|m| m.id.as_str()).collect(),
                p.next_cursor.as_deref(),
            ),
        }
    }
}
