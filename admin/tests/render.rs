//! Answers as text: views, tables, the once-shown secrets, health, control characters.

use linkedin_inbox_admin::render::{account_view, answer, health, list, printable};
use linkedin_inbox_admin::{table, utc_time, Command, Provider};
use serde_json::json;

#[test]
fn tables_align_their_columns() {
    let rows = vec![
        vec!["a".into(), "member".into(), "x".into()],
        vec!["longer".into(), "op".into(), "".into()],
    ];
    assert_eq!(
        table(&["NAME", "ROLE", "LAST"], &rows),
        "NAME    ROLE    LAST\na       member  x\nlonger  op\n"
    );
}

#[test]
fn times_in_utc() {
    assert_eq!(utc_time(0), "1970-01-01 00:00 UTC");
    assert_eq!(utc_time(1_796_560_496_000), "2026-12-06 12:34 UTC");
    assert_eq!(utc_time(951_782_400_000), "2000-02-29 00:00 UTC");
}

#[test]
fn account_list_has_a_health_column_only_when_given() {
    let account = |id: &str, health: serde_json::Value| json!({"id": id, "label": "L", "providers": ["connectsafely", "linkup"], "clients": ["team"], "disabled": id == "b", "health": health});
    let plain = list(&Command::AccountList, &[account("a", json!(null))]);
    assert_eq!(plain, "ID  LABEL  PROVIDERS              STATE    CLIENTS\na   L      connectsafely, linkup  enabled  team\n");
    let with = list(
        &Command::AccountList,
        &[
            account("a", json!({"state": "ok"})),
            account("b", json!({"state": "paused", "until": 0})),
        ],
    );
    assert!(
        with.starts_with("ID  LABEL  PROVIDERS              STATE     CLIENTS  HEALTH\n"),
        "{with}"
    );
    assert!(with.ends_with("b   L      connectsafely, linkup  disabled  team     paused until 1970-01-01 00:00 UTC\n"), "{with}");
    assert_eq!(health(&json!("degraded")), "degraded");
    assert_eq!(list(&Command::AccountList, &[]), "no accounts\n");
    assert_eq!(list(&Command::ClientList, &[]), "no clients\n");
}

#[test]
fn an_account_view_says_which_credentials_are_set() {
    let view = account_view(&json!({
        "id": "alex", "label": "Alex", "providers": ["linkup"], "linkupAccountId": "lk_1",
        "hasLinkupLoginToken": true, "webhooks": {"connectsafely": false, "linkup": true},
        "clients": [], "disabled": false, "createdAt": 0, "updatedAt": 0
    }));
    assert!(view.contains("linkup session:        set\n"), "{view}");
    assert!(
        view.contains("webhook secrets:       connectsafely not set, linkup set\n"),
        "{view}"
    );
    assert!(view.contains("clients:               -\n"), "{view}");
    assert!(!view.contains("connectsafely account:"), "{view}");
}

#[test]
fn secrets_shown_once_say_so() {
    let text = answer(
        &Command::AccountWebhookSecret {
            id: "alex".into(),
            provider: Provider::Linkup,
        },
        &json!({"account": {}, "secret": "ab12", "url": "https://w.example/v1/webhooks/linkup/alex"}),
    );
    assert!(
        text.contains("secret: ab12\nwebhook URL: https://w.example/v1/webhooks/linkup/alex\n"),
        "{text}"
    );
    assert!(text.contains("will not be shown again"));
    let text = answer(
        &Command::ClientRotateToken("team".into()),
        &json!({"client": {}, "token": "lic_x"}),
    );
    assert!(
        text.contains("token: lic_x\nThis token will not be shown again"),
        "{text}"
    );
}

#[test]
fn short_confirmations() {
    let cases = [
        (
            Command::ClientSetDisabled {
                name: "t".into(),
                disabled: true,
            },
            json!({}),
            "client t disabled\n",
        ),
        (
            Command::ClientDelete("t".into()),
            json!({"deleted": "t"}),
            "client t deleted\n",
        ),
        (
            Command::ClientRebuildIndex("t".into()),
            json!({"client": "t", "index": "rebuilding"}),
            "client t: merged index rebuilding from the accounts' stores (nothing is lost; \
             merged pages answer 503 with Retry-After until every account is in)\n",
        ),
        (
            Command::AccountDelete {
                id: "a".into(),
                unlink: true,
            },
            json!({"deleted": "a"}),
            "account a deleted\n",
        ),
        (
            Command::Link {
                client: "t".into(),
                account: "a".into(),
            },
            json!({}),
            "client t linked to account a\n",
        ),
        (
            Command::Unlink {
                client: "t".into(),
                account: "a".into(),
            },
            json!({}),
            "client t unlinked from account a\n",
        ),
        (
            Command::ClientOrigins {
                name: "t".into(),
                origins: vec![],
            },
            json!({"allowedOrigins": []}),
            "client t origins: -\n",
        ),
    ];
    for (command, value, text) in cases {
        assert_eq!(answer(&command, &value), text);
    }
}

#[test]
fn control_characters_never_reach_the_terminal() {
    assert_eq!(printable("a\u{1b}[31mb\n"), "a?[31mb?");
    let text = list(
        &Command::ClientList,
        &[json!({"name": "x\u{1b}]0;evil\u{7}", "accounts": [], "allowedOrigins": []})],
    );
    assert!(!text.contains('\u{1b}'));
}
