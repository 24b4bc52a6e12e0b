//! The backends of an inbox and the operations they serve, sans-IO: `build` gives the request
//! to send, `parse` reads its response.

use serde::Serialize;

use crate::cursor::Provider;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::model::{ConversationPage, MessagePage};
use crate::providers::{ConnectSafely, Linkup};
use crate::proxy::Proxy;
use crate::query::{ConversationQuery, MessageQuery};

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
    /// The providers, one or both: which serves lists and which threads is `routes`.
    Direct {
        /// ConnectSafely client, when configured.
        connectsafely: Option<ConnectSafely>,
        /// LinkupAPI client, when configured.
        linkup: Option<Linkup>,
        /// The ConnectSafely account a list defaults to.
        account_id: Option<String>,
        /// Which provider serves lists and threads.
        routes: Routes,
    },
}

/// Which provider serves the inbox list and which the threads of an account. `None`: what
/// the credentials allow (lists by ConnectSafely, threads by LinkupAPI, when both are set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Routes {
    /// The provider of [`Operation::ListConversations`].
    pub list: Option<Provider>,
    /// The provider of [`Operation::ListMessages`].
    pub threads: Option<Provider>,
}

/// Who serves an operation, with the client to use.
pub(crate) enum Served<'a> {
    Proxy(&'a Proxy),
    ConnectSafely(&'a ConnectSafely, Option<&'a str>),
    Linkup(&'a Linkup),
}

fn missing(provider: Provider, operation: &Operation) -> Error {
    Error::InvalidInput {
        field: "config",
        reason: format!(
            "{} is routed to {} but the config has no `{}`",
            operation.name(),
            provider.as_str(),
            provider.as_str()
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

    /// Who serves `operation`: the proxy, or the provider its route names (by default the
    /// one the credentials allow, ConnectSafely first for lists and LinkupAPI for threads).
    pub(crate) fn served(&self, operation: &Operation) -> Result<Served<'_>> {
        let Self::Direct {
            connectsafely,
            linkup,
            account_id,
            routes,
        } = self
        else {
            let Self::Proxy(proxy) = self else {
                unreachable!("two variants")
            };
            return Ok(Served::Proxy(proxy));
        };
        let (route, preferred) = match operation {
            Operation::ListConversations(_) => (routes.list, Provider::ConnectSafely),
            Operation::ListMessages(_) => (routes.threads, Provider::Linkup),
        };
        let available = |p: Provider| match p {
            Provider::ConnectSafely => connectsafely.is_some(),
            Provider::Linkup => linkup.is_some(),
        };
        let other = match preferred {
            Provider::ConnectSafely => Provider::Linkup,
            Provider::Linkup => Provider::ConnectSafely,
        };
        let provider = route.unwrap_or(if available(preferred) || !available(other) {
            preferred
        } else {
            other
        });
        match provider {
            Provider::ConnectSafely => connectsafely
                .as_ref()
                .map(|c| Served::ConnectSafely(c, account_id.as_deref()))
                .ok_or_else(|| missing(provider, operation)),
            Provider::Linkup => linkup
                .as_ref()
                .map(Served::Linkup)
                .ok_or_else(|| missing(provider, operation)),
        }
    }

    /// The provider that serves `operation` directly (`None` through the proxy).
    pub fn provider_of(&self, operation: &Operation) -> Result<Option<Provider>> {
        Ok(match self.served(operation)? {
            Served::Proxy(_) => None,
            Served::ConnectSafely(..) => Some(Provider::ConnectSafely),
            Served::Linkup(_) => Some(Provider::Linkup),
        })
    }

    /// The request of `operation` (after [`Backend::prepare`]). One request: a ConnectSafely
    /// 307 and a list the provider cannot filter need [`crate::inbox::Exchange`].
    pub fn build(&self, operation: &Operation) -> Result<HttpRequest> {
        match (self.served(operation)?, operation) {
            (Served::Proxy(proxy), Operation::ListConversations(q)) => {
                proxy.build_list_conversations(q)
            }
            (Served::Proxy(proxy), Operation::ListMessages(q)) => proxy.build_list_messages(q),
            (Served::ConnectSafely(c, _), Operation::ListConversations(q)) => {
                c.build_list_conversations(q)
            }
            (Served::ConnectSafely(c, account), Operation::ListMessages(q)) => {
                c.build_thread_messages(q, account)
            }
            (Served::Linkup(l), Operation::ListConversations(q)) => l.build_inbox(q),
            (Served::Linkup(l), Operation::ListMessages(q)) => l.build_list_messages(q),
        }
    }

    /// Reads the response to [`Backend::build`] of the same `operation`. Every secret the
    /// backend holds is scrubbed from the error text (a provider may echo another's secret).
    pub fn parse(&self, operation: &Operation, response: &HttpResponse) -> Result<Page> {
        self.parse_answer(operation, response, false)
    }

    /// Like [`Backend::parse`]; `successor`: the ConnectSafely list came from the seed path's
    /// successor (after its 307, or built for it).
    pub(crate) fn parse_answer(
        &self,
        operation: &Operation,
        response: &HttpResponse,
        successor: bool,
    ) -> Result<Page> {
        self.parse_page(operation, response, successor)
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

    fn parse_page(
        &self,
        operation: &Operation,
        response: &HttpResponse,
        successor: bool,
    ) -> Result<Page> {
        Ok(match (self.served(operation)?, operation) {
            (Served::Proxy(proxy), Operation::ListConversations(_)) => {
                Page::Conversations(proxy.parse_list_conversations(response)?)
            }
            (Served::Proxy(proxy), Operation::ListMessages(_)) => {
                Page::Messages(proxy.parse_list_messages(response)?)
            }
            (Served::ConnectSafely(c, _), Operation::ListConversations(q)) => {
                Page::Conversations(match successor {
                    true => c.parse_conversations(q, response)?,
                    false => c.parse_list_conversations(q, response)?,
                })
            }
            (Served::ConnectSafely(c, _), Operation::ListMessages(q)) => {
                Page::Messages(c.parse_thread_messages(q, response)?)
            }
            (Served::Linkup(l), Operation::ListConversations(q)) => {
                Page::Conversations(l.parse_inbox(q, response)?)
            }
            (Served::Linkup(l), Operation::ListMessages(q)) => {
                Page::Messages(l.parse_list_messages(q, response)?)
            }
        })
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
            routes: Routes::default(),
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
    fn one_provider_serves_both_operations_and_a_route_to_a_missing_one_names_the_config() {
        let backend = direct_connectsafely_only();
        let operation = Operation::ListMessages(MessageQuery {
            conversation_id: Some("2-abc".into()),
            ..Default::default()
        });
        let thread = backend.build(&operation).unwrap();
        assert!(
            thread
                .url
                .starts_with("http://127.0.0.1:1/linkedin/conversations/urn%3Ali%3AmessagingThread%3A2-abc/messages?accountId=acct-1"),
            "{}",
            thread.url
        );
        let Backend::Direct {
            connectsafely,
            account_id,
            ..
        } = backend
        else {
            unreachable!()
        };
        let routed = Backend::Direct {
            connectsafely,
            linkup: None,
            account_id,
            routes: Routes {
                list: None,
                threads: Some(Provider::Linkup),
            },
        };
        let error = routed.build(&operation).unwrap_err();
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
            routes: Routes::default(),
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
