//! Benchmarks only: see `normalize.rs` and the Node scripts beside it.
