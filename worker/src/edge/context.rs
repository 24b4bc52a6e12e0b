//! What every authenticated route gets: the settings and the calling client, the Workers
//! `Env`, and the conversation id of its path.

use std::rc::Rc;

use worker::Env;

use crate::rules::registry::{Account, Client};
use crate::rules::settings::Config;

/// A route's call: what the route table's dispatch hands each route's `async fn`.
pub struct RouteContext<D> {
    pub env: Env,
    pub data: D,
    /// The `{conversationId}` segment of the path, as sent (percent-encoded).
    pub conversation_id: Option<String>,
}

impl<D> RouteContext<D> {
    /// The path parameter `name` (`conversationId` is the only one).
    pub fn param(&self, name: &str) -> Option<&String> {
        match name {
            "conversationId" => self.conversation_id.as_ref(),
            _ => None,
        }
    }
}

pub struct Call {
    pub config: Rc<Config>,
    /// The calling client, as the registry gave it for this request.
    pub client: Rc<Client>,
}

impl Call {
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The client's accounts, in its order.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.client().accounts.iter()
    }

    /// The account `id` if the client lists it.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts().find(|a| a.id == id)
    }
}
