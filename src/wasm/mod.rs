//! The JS boundary of the npm package (feature `wasm`): it converts types and calls the core,
//! nothing more. Inputs cross as JSON text (`JSON.stringify` on the JS side); results as a
//! flat tape of numbers and string buffers that `npm/src/boundary.js` turns into objects
//! (`convert`, `tape`).

mod client;
mod config;
mod convert;
mod fetch;
mod iterate;
mod operation;
mod sans_io;
#[cfg(not(any(
    feature = "boundary-swb",
    feature = "boundary-json-text",
    feature = "boundary-none"
)))]
mod tape;

#[cfg(test)]
mod tests;
