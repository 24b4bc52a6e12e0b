//! What every authenticated route gets: the settings and the calling client.

use std::rc::Rc;

use crate::rules::registry::{Account, Client};
use crate::rules::settings::Config;

pub struct Call {
    pub config: Rc<Config>,
    pub client_index: usize,
}

impl Call {
    pub fn client(&self) -> &Client {
        &self.config.clients[self.client_index]
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
