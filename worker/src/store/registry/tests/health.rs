//! The accounts' health as their objects report it, in the admin views.

use serde_json::{json, Value};

use super::{both, fixture};

#[test]
fn the_last_reported_health_is_in_the_view_and_a_disabled_account_says_so() {
    let mut f = fixture();
    f.ok("POST", "/accounts", both("a"), 201);
    let fresh = f.ok("GET", "/accounts/a", Value::Null, 200);
    assert!(
        fresh.get("health").is_none(),
        "nothing reported yet: {fresh}"
    );
    let expired = json!({ "state": "session_expired", "since": 1_700_000_000_000u64 });
    f.registry.record_health("a", &expired, f.now_ms).unwrap();
    assert_eq!(
        f.ok("GET", "/accounts/a", Value::Null, 200)["health"],
        expired
    );
    let ok = json!({ "state": "ok" });
    f.registry.record_health("a", &ok, f.now_ms + 1).unwrap();
    let listed = f.ok("GET", "/accounts", Value::Null, 200);
    assert_eq!(
        listed["items"][0]["health"], ok,
        "the newest report replaces the last"
    );
    f.ok("PATCH", "/accounts/a", json!({ "disabled": true }), 200);
    let disabled = f.ok("GET", "/accounts/a", Value::Null, 200);
    assert_eq!(disabled["health"]["state"], "disabled");
}
