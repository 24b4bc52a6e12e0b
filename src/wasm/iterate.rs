//! Async iterators that follow cursors to the end and yield each item once.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::client::run;
use super::config::Backend;
use super::convert::js_error;
use super::operation::{Operation, Page};

/// Upper bound of pages one walk may fetch (a guard against a provider that loops).
const MAX_PAGES: usize = 10_000;

struct Walk {
    buffer: VecDeque<JsValue>,
    seen: HashSet<String>,
    cursor: Option<String>,
    pages: usize,
    done: bool,
}

type PageFor = dyn Fn(Option<String>) -> Operation;

/// An object implementing the async iterator protocol over every item of every page.
pub fn walk(
    backend: Backend,
    fetch: Function,
    page_for: impl Fn(Option<String>) -> Operation + 'static,
) -> JsValue {
    let state = Rc::new(RefCell::new(Walk {
        buffer: VecDeque::new(),
        seen: HashSet::new(),
        cursor: None,
        pages: 0,
        done: false,
    }));
    let page_for: Rc<PageFor> = Rc::new(page_for);
    let next: Rc<dyn Fn() -> Promise> = Rc::new(move || {
        let (state, backend, fetch, page_for) = (
            state.clone(),
            backend.clone(),
            fetch.clone(),
            page_for.clone(),
        );
        future_to_promise(
            async move { next_item(&state, &backend, &fetch, page_for.as_ref()).await },
        )
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
    page_for: &PageFor,
) -> Result<JsValue, JsValue> {
    loop {
        let cursor = {
            let mut walk = state.borrow_mut();
            if let Some(item) = walk.buffer.pop_front() {
                return Ok(result(item, false));
            }
            if walk.done {
                return Ok(result(JsValue::UNDEFINED, true));
            }
            walk.cursor.clone()
        };
        let page = run(backend, fetch, page_for(cursor.clone()))
            .await
            .map_err(|e| js_error(&e))?;
        let items = page_items(&page)?;
        let (ids, next_cursor) = page.ids_and_cursor();
        let mut walk = state.borrow_mut();
        walk.pages += 1;
        for (id, item) in ids.into_iter().zip(items) {
            if walk.seen.insert(id.to_owned()) {
                walk.buffer.push_back(item);
            }
        }
        let stuck = next_cursor.is_some() && next_cursor == cursor.as_deref();
        walk.done = next_cursor.is_none() || stuck || walk.pages >= MAX_PAGES;
        walk.cursor = next_cursor.map(str::to_owned);
    }
}

fn page_items(page: &Page) -> Result<Vec<JsValue>, JsValue> {
    let items = match page {
        Page::Conversations(p) => super::convert::to_js(&p.items)?,
        Page::Messages(p) => super::convert::to_js(&p.items)?,
    };
    Ok(js_sys::Array::from(&items).iter().collect())
}
