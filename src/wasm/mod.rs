//! The JS boundary of the npm package (feature `wasm`): it converts types and calls the core,
//! nothing more. Values cross as JSON text (`JSON.parse`/`JSON.stringify` on the JS side),
//! which is smaller and faster here than walking objects field by field.

mod client;
mod config;
mod convert;
mod fetch;
mod iterate;
mod operation;
mod sans_io;

#[cfg(test)]
mod tests;
