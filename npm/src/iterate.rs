//! Async iterators over every item of every page: the core's [`PageWalker`] decides which
//! page comes next and which items are new; this file only awaits `fetch` and hands out items.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use linkedin_inbox::{Backend, Operation, Page, PageWalker};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::client::run;
use super::convert::js_error;

struct Walk {
    buffer: VecDeque<JsValue>,
    walker: PageWalker,
}

/// An object implementing the async iterator protocol over every item of every page of
/// `operation`.
pub fn walk(backend: Backend, fetch: Function, operation: Operation) -> JsValue {
    let state = Rc::new(RefCell::new(Walk {
        buffer: VecDeque::new(),
        walker: PageWalker::new(),
    }));
    let operation = Rc::new(operation);
    let next: Rc<dyn Fn() -> Promise> = Rc::new(move || {
        let (state, backend, fetch, operation) = (
            state.clone(),
            backend.clone(),
            fetch.clone(),
            operation.clone(),
        );
        future_to_promise(async move { next_item(&state, &backend, &fetch, &operation).await })
    });
    iterator_object(next)
}

/// `{ next, [Symbol.asyncIterator] }`; the latter returns a fresh object over the same state,
/// so no JS value refers back to itself through wasm memory.
fn iterator_object(next: Rc<dyn Fn() -> Promise>) -> JsValue {
    let object = Object::new();
    let call_next = next.clone();
    let next_fn = Closure::<dyn Fn() -> Promise>::new(move || call_next()).into_js_value();
    let again =
        Closure::<dyn Fn() -> JsValue>::new(move || iterator_object(next.clone())).into_js_value();
    let _ = Reflect::set(&object, &JsValue::from_str("next"), &next_fn);
    let _ = Reflect::set(&object, &js_sys::Symbol::async_iterator(), &again);
    object.into()
}

fn result(value: JsValue, done: bool) -> JsValue {
    let object = Object::new();
    let _ = Reflect::set(&object, &JsValue::from_str("value"), &value);
    let _ = Reflect::set(
        &object,
        &JsValue::from_str("done"),
        &JsValue::from_bool(done),
    );
    object.into()
}

async fn next_item(
    state: &RefCell<Walk>,
    backend: &Backend,
    fetch: &Function,
    operation: &Operation,
) -> Result<JsValue, JsValue> {
    loop {
        let cursor = {
            let mut walk = state.borrow_mut();
            if let Some(item) = walk.buffer.pop_front() {
                return Ok(result(item, false));
            }
            if walk.walker.is_done() {
                return Ok(result(JsValue::UNDEFINED, true));
            }
            walk.walker.cursor().map(str::to_owned)
        };
        let page = run(backend, fetch, operation.at_cursor(cursor))
            .await
            .map_err(|e| js_error(&e))?;
        let mut walk = state.borrow_mut();
        let fresh = match page {
            Page::Conversations(p) => {
                // An `all` walk may hold one thread in two accounts: one item per account.
                let items: Vec<_> = p
                    .items
                    .into_iter()
                    .filter(|c| match &c.account {
                        Some(account) => walk.walker.admit(&format!("{account}\n{}", c.id)),
                        None => walk.walker.admit(&c.id),
                    })
                    .collect();
                walk.walker.advance(p.next_cursor.as_deref());
                super::convert::to_js(&items)?
            }
            Page::Messages(p) => {
                let items = walk.walker.accept(p.items, p.next_cursor.as_deref());
                super::convert::to_js(&items)?
            }
        };
        walk.buffer.extend(js_sys::Array::from(&fresh).iter());
    }
}
