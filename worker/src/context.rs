//! What every authenticated route gets: the settings and the calling client.

use std::rc::Rc;

use crate::config::{ClientEntry, Config};

pub struct Call {
    pub config: Rc<Config>,
    pub client_index: usize,
}

impl Call {
    pub fn client(&self) -> &ClientEntry {
        &self.config.clients[self.client_index]
    }
}
