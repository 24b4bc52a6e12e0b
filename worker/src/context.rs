//! What every authenticated route gets: the settings, the calling client and the time.

use std::rc::Rc;

use crate::config::{ClientEntry, Config};

pub struct Call {
    pub config: Rc<Config>,
    pub client_index: usize,
    pub now_ms: u64,
}

impl Call {
    pub fn client(&self) -> &ClientEntry {
        &self.config.clients[self.client_index]
    }
}
