//! Rows written by every object of this isolate, as SQLite counts them for billing (index
//! entries included): the store adds each statement's count (`store/sql_storage.rs`), the edge
//! reports the sum to the benchmark (`BENCH_ROWS_WRITTEN`, `edge/router.rs`). Its own module so
//! the edge reads it without importing the store.

use std::cell::Cell;

thread_local! {
    static ROWS_WRITTEN: Cell<u64> = const { Cell::new(0) };
}

/// Rows written by the objects of this isolate since it started.
pub fn rows_written() -> u64 {
    ROWS_WRITTEN.with(Cell::get)
}

/// Counts `rows` more rows written.
pub fn add(rows: u64) {
    ROWS_WRITTEN.with(|n| n.set(n.get().saturating_add(rows)));
}
