//! Each lookup's queries, as SQLite plans them: by index, never a scan of a table.

use std::cell::RefCell;

use serde::de::DeserializeOwned;

use super::super::super::sql::{Result, Value as Bound};
use super::*;
use crate::rules::client_auth::token_sha256_hex;

/// An in-memory SQLite that also records the plan of every query it reads.
struct Planned {
    connection: rusqlite::Connection,
    plans: RefCell<Vec<String>>,
}

#[derive(serde::Deserialize)]
struct Step {
    detail: String,
}

impl Sql for Planned {
    fn run(&self, statement: &str, values: Vec<Bound>) -> Result<()> {
        self.connection.run(statement, values)
    }

    fn rows<T: DeserializeOwned>(&self, statement: &str, values: Vec<Bound>) -> Result<Vec<T>> {
        let steps: Vec<Step> = self
            .connection
            .rows(&format!("EXPLAIN QUERY PLAN {statement}"), values.clone())?;
        let plan: Vec<String> = steps.into_iter().map(|s| s.detail).collect();
        self.plans.borrow_mut().push(plan.join("; "));
        self.connection.rows(statement, values)
    }
}

#[test]
fn every_lookup_reads_by_index() {
    let registry = Registry::open(Planned {
        connection: rusqlite::Connection::open_in_memory().unwrap(),
        plans: RefCell::new(Vec::new()),
    })
    .unwrap();
    let keys = CredentialKeys::parse(&key("k1", 1)).unwrap();
    let mut counter = 0u8;
    let mut random = |out: &mut [u8]| {
        for byte in out.iter_mut() {
            counter = counter.wrapping_add(1);
            *byte = counter;
        }
    };
    let mut call = |method: &str, path: &str, body: Value| {
        let request = AdminRequest {
            method: method.into(),
            path: path.into(),
            body: body.to_string().into_bytes(),
            ..AdminRequest::default()
        };
        handle(&registry, &keys, request, 1, &mut random)
    };
    call("POST", "/accounts", both("a"));
    let created = call(
        "POST",
        "/clients",
        json!({"name": "ana", "allowedOrigins": ["https://app.example"], "accounts": ["a"]}),
    );
    let digest = token_sha256_hex(created.body["token"].as_str().unwrap());
    registry.sql().plans.borrow_mut().clear();
    assert!(registry.is_active().unwrap());
    assert!(registry
        .client_by_token_digest(&keys, &digest)
        .unwrap()
        .is_some());
    assert!(registry.client_by_name(&keys, "ana").unwrap().is_some());
    assert!(registry.account(&keys, "a").unwrap().is_some());
    assert!(registry.any_client_allows("https://app.example").unwrap());
    let plans = registry.sql().plans.borrow();
    assert_eq!(plans.len(), 7, "one or two queries per lookup: {plans:#?}");
    for plan in plans.iter() {
        assert!(
            plan.split("; ")
                .all(|step| !step.starts_with("SCAN") && !step.contains("TEMP B-TREE")),
            "{plan}"
        );
    }
    println!("{plans:#?}");
}
