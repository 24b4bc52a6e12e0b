//! The Workers `Env` read into the pure [`Config`], once per isolate: every request of the
//! isolate (and every Durable Object instance in it) shares the parsed settings.

use std::cell::RefCell;
use std::rc::Rc;

use worker::Env;

use crate::rules::settings::{Config, ConfigError};

thread_local! {
    static CONFIG: RefCell<Option<Result<Rc<Config>, ConfigError>>> = const { RefCell::new(None) };
}

fn lookup(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
}

/// The isolate's settings, parsed on first use (bindings do not change within an isolate).
pub fn config(env: &Env) -> Result<Rc<Config>, ConfigError> {
    CONFIG.with(|cell| {
        cell.borrow_mut()
            .get_or_insert_with(|| Config::from_lookup(&|name| lookup(env, name)).map(Rc::new))
            .clone()
    })
}
