use super::*;

const DIGEST_1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const DIGEST_2: &str = "2222222222222222222222222222222222222222222222222222222222222222";

fn client(name: &str, digest: &str, accounts: &str) -> String {
    format!(r#"{{"name":"{name}","tokenSha256":"{digest}","accounts":[{accounts}]}}"#)
}

fn account(id: &str, cs: &str) -> String {
    format!(
        r#"{{"id":"{id}","label":"L {id}","connectsafelyAccountId":"{cs}","connectsafelyWebhookSecret":"whsec-{id}"}}"#
    )
}

#[test]
fn a_client_lists_its_accounts_in_order_and_shares_them_by_id() {
    let json = format!(
        "[{},{}]",
        client(
            "team",
            DIGEST_1,
            &format!("{},{}", account("a", "cs-a"), account("b", "cs-b"))
        ),
        client("solo", DIGEST_2, &account("b", "cs-b")),
    );
    let clients = parse(&json).unwrap();
    let ids: Vec<&str> = clients[0].accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(clients[1].accounts[0], clients[0].accounts[1]);
    assert_eq!(
        clients[0].accounts[0].providers(),
        [Provider::ConnectSafely]
    );
    let debug = format!("{clients:?}");
    assert!(
        !debug.contains("whsec-") && !debug.contains("cs-a"),
        "{debug}"
    );
}

#[test]
fn the_single_account_form_may_stand_beside_a_chosen_id_of_the_same_account() {
    let json = format!(
        r#"[{{"name":"old","tokenSha256":"{DIGEST_2}","connectsafelyAccountId":"cs-a"}},{}]"#,
        client("team", DIGEST_1, &account("a", "cs-a"))
    );
    let clients = parse(&json).unwrap();
    assert_eq!(
        crate::rules::client_auth::account_digest(&clients[0].accounts[0]),
        crate::rules::client_auth::account_digest(&clients[1].accounts[0]),
        "one LinkedIn account: one object"
    );
}

#[test]
fn the_single_account_form_gets_a_digest_id_and_the_client_name_as_label() {
    let json =
        format!(r#"[{{"name":"me","tokenSha256":"{DIGEST_1}","connectsafelyAccountId":"cs-1"}}]"#);
    let clients = parse(&json).unwrap();
    let only = &clients[0].accounts[0];
    assert_eq!(only.label, "me");
    assert_eq!(only.id, crate::rules::client_auth::account_digest(only));
}

#[test]
fn a_registry_that_could_mix_up_accounts_is_refused() {
    let cases = [
        (
            format!(
                "[{}]",
                client(
                    "t",
                    DIGEST_1,
                    &format!("{},{}", account("a", "x"), account("a", "y"))
                )
            ),
            "lists this id twice",
        ),
        (
            format!(
                "[{}]",
                client(
                    "t",
                    DIGEST_1,
                    &format!("{},{}", account("a", "x"), account("b", "x"))
                )
            ),
            "already listed as account a",
        ),
        (
            format!(
                "[{},{}]",
                client("t", DIGEST_1, &account("a", "x")),
                client("u", DIGEST_2, &account("a", "other"))
            ),
            "elsewhere with other provider fields",
        ),
        (
            format!(
                "[{},{}]",
                client("t", DIGEST_1, &account("a", "x")),
                client("u", DIGEST_2, &account("b", "x"))
            ),
            "listed elsewhere as account a",
        ),
        (
            // A chosen id that is another account's digest id.
            format!(
                r#"[{{"name":"u","tokenSha256":"{DIGEST_2}","connectsafelyAccountId":"x"}},{}]"#,
                client("t", DIGEST_1, &account(&crate::rules::client_auth::account_digest(&parse(&format!(r#"[{{"name":"v","tokenSha256":"{DIGEST_1}","connectsafelyAccountId":"x"}}]"#)).unwrap()[0].accounts[0]), "y"))
            ),
            "is listed elsewhere",
        ),
        (
            format!(
                "[{}]",
                client(
                    "t",
                    DIGEST_1,
                    r#"{"id":"a","label":"A","linkupLoginToken":"tok","connectsafelyWebhookSecret":"s"}"#
                )
            ),
            "needs connectsafelyAccountId",
        ),
        (
            format!("[{}]", client("t", DIGEST_1, &account("all", "x"))),
            "not \"all\"",
        ),
        (
            format!("[{}]", client("t", DIGEST_1, &account("a b", "x"))),
            "id must be",
        ),
        (
            format!("[{}]", client("t", DIGEST_1, "")),
            "accounts must list",
        ),
        (
            format!(
                r#"[{{"name":"t","tokenSha256":"{DIGEST_1}","connectsafelyAccountId":"x","accounts":[{}]}}]"#,
                account("a", "x")
            ),
            "not both",
        ),
    ];
    for (json, expected) in cases {
        let err = parse(&json).unwrap_err();
        assert!(err.0.contains(expected), "{} / {expected}", err.0);
    }
    let many: Vec<String> = (0..=MAX_ACCOUNTS_PER_CLIENT)
        .map(|i| account(&format!("a{i}"), &format!("cs-{i}")))
        .collect();
    let err = parse(&format!("[{}]", client("t", DIGEST_1, &many.join(",")))).unwrap_err();
    assert!(err.0.contains("accounts must list"), "{}", err.0);
}
