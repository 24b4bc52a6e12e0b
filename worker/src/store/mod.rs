//! The account object's SQLite store: its schema and migrations (pure SQL text and the
//! migration order, tested natively).

pub mod schema;
