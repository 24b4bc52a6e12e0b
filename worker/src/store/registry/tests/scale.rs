use std::time::Instant;

use super::*;
use crate::rules::client_auth::token_sha256_hex;

const ACCOUNTS: usize = 10_000;
const CLIENTS: usize = 5_000;

#[test]
fn lookups_on_a_large_registry_answer_by_index() {
    let mut f = fixture();
    let start = Instant::now();
    for i in 0..ACCOUNTS {
        let account = if i % 10 == 0 {
            both(&format!("acct-{i:05}"))
        } else {
            connectsafely(&format!("acct-{i:05}"))
        };
        f.ok("POST", "/accounts", account, 201);
    }
    let mut digests = Vec::new();
    for i in 0..CLIENTS {
        let created = f.ok(
            "POST",
            "/clients",
            json!({
                "name": format!("client-{i:05}"),
                "allowedOrigins": [format!("https://c{i}.example")],
                "accounts": [format!("acct-{:05}", 2 * i + 1), format!("acct-{:05}", 2 * i)],
            }),
            201,
        );
        digests.push(token_sha256_hex(created["token"].as_str().unwrap()));
    }
    println!(
        "built {ACCOUNTS} accounts and {CLIENTS} clients through the admin API in {:?}",
        start.elapsed()
    );

    let probes = [0, 1, 2_500, 4_998, 4_999];
    let start = Instant::now();
    for &i in &probes {
        let client = f
            .registry
            .client_by_token_digest(&f.keys, &digests[i])
            .unwrap()
            .unwrap();
        assert_eq!(client.name, format!("client-{i:05}"));
        let ids: Vec<&str> = client.accounts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                format!("acct-{:05}", 2 * i + 1),
                format!("acct-{:05}", 2 * i)
            ]
        );
        if i % 5 == 0 {
            let session = client.accounts[1].linkup_login_token.as_ref().unwrap();
            assert_eq!(session.expose(), format!("li-session-acct-{:05}", 2 * i));
        }
    }
    println!(
        "client_by_token_digest: {:?} per lookup",
        start.elapsed() / probes.len() as u32
    );

    let start = Instant::now();
    for &i in &probes {
        let client = f
            .registry
            .client_by_name(&f.keys, &format!("client-{i:05}"))
            .unwrap()
            .unwrap();
        assert_eq!(client.token_sha256, digests[i]);
    }
    println!(
        "client_by_name: {:?} per lookup",
        start.elapsed() / probes.len() as u32
    );

    let start = Instant::now();
    for i in [0, 4_321, 9_999] {
        let account = f
            .registry
            .account(&f.keys, &format!("acct-{i:05}"))
            .unwrap()
            .unwrap();
        assert_eq!(
            account.connectsafely_account_id,
            Some(format!("cs-acct-{i:05}"))
        );
    }
    println!("account: {:?} per lookup", start.elapsed() / 3);

    let start = Instant::now();
    assert!(f
        .registry
        .any_client_allows("https://c4999.example")
        .unwrap());
    assert!(f.registry.any_client_allows("https://c0.example").unwrap());
    assert!(!f
        .registry
        .any_client_allows("https://c5000.example")
        .unwrap());
    println!("any_client_allows: {:?} per lookup", start.elapsed() / 3);

    let missing = "0".repeat(64);
    assert!(f
        .registry
        .client_by_token_digest(&f.keys, &missing)
        .unwrap()
        .is_none());
    let page = f.ok(
        "GET",
        "/accounts?limit=100&after=acct-09950",
        Value::Null,
        200,
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 49);
    assert_eq!(page["next"], Value::Null);
}
