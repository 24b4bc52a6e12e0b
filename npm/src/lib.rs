//! The JS boundary of the npm package: it converts types and calls the core (`linkedin_inbox`),
//! nothing more. Inputs cross as JSON text (`JSON.stringify` on the JS side); results as a
//! flat tape of numbers and string buffers that `js/boundary.js` turns into objects
//! (`convert`, `tape`); requests go out through a `fetch` function (`fetch`).

/// The wasm's allocator: talc instead of Rust's default dlmalloc. A page's parse allocates
/// and frees every string of the wire types and the model; talc does it in less time and
/// less code (docs/npm.md, "Build alternatives").
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
mod write;

#[cfg(test)]
mod tests;
