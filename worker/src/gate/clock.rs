//! The object's one clock read. A request or alarm reads the time once where it enters the
//! object (`fetch`, `alarm`) and passes that `now` down; after an await, what needs the time
//! something arrived (an upstream answer, or the next upstream page of a walk) reads it here.

/// The time now, epoch ms: when a request, an alarm or an upstream answer arrived.
pub fn arrival_ms() -> u64 {
    worker::Date::now().as_millis()
}
