//! The JS boundary of the npm package: it converts types and calls the core (`linkedin_inbox`),
//! nothing more. Inputs cross as JSON text (`JSON.stringify` on the JS side); results as a
//! flat tape of numbers and string buffers that `js/boundary.js` turns into objects
//! (`convert`, `tape`); requests go out through a `fetch` function (`fetch`).

/// The wasm's allocator: talc instead of Rust's default dlmalloc, for size: 3.0 KB less gzip,
/// for a parse 2–4% slower in the measurements of docs/npm.md ("Build alternatives").
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod account;
mod client;
mod config;
mod convert;
mod fetch;
mod iterate;
mod sans_io;
mod shared;
#[cfg(not(any(
    feature = "boundary-swb",
    feature = "boundary-json-text",
    feature = "boundary-none"
)))]
mod tape;
mod triage;
mod write;

#[cfg(test)]
mod tests;
