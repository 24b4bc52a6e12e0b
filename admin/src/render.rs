//! Answers as text for a person: short confirmations, views as `key: value` lines, lists as
//! aligned tables. Every value from the API is printed through [`printable`]; tokens and
//! secrets only where the command's whole point is to show them once.

use serde_json::Value;

use crate::command::Command;
use crate::table::{table, utc_time};

/// `text` with control characters (a terminal's escape sequences) shown as `?`.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn text(value: &Value, key: &str) -> String {
    match &value[key] {
        Value::String(s) => printable(s),
        Value::Null => String::new(),
        other => printable(&other.to_string()),
    }
}

fn joined(value: &Value, key: &str) -> String {
    let names: Vec<String> = value[key]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_str().map_or_else(|| item.to_string(), printable))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        "-".into()
    } else {
        names.join(", ")
    }
}

fn state(value: &Value) -> &'static str {
    if value["disabled"].as_bool() == Some(true) {
        "disabled"
    } else {
        "enabled"
    }
}

fn time(value: &Value, key: &str) -> String {
    value[key].as_i64().map(utc_time).unwrap_or_default()
}

/// An account's `health` in a few words: `state`, and `until` when it ends.
pub fn health(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(state) => printable(state),
        Value::Object(_) => {
            let mut words = text(value, "state");
            if let Some(until) = value["until"].as_i64() {
                words.push_str(" until ");
                words.push_str(&utc_time(until));
            }
            words
        }
        other => printable(&other.to_string()),
    }
}

fn lines(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(key, _)| key.len()).max().unwrap_or(0) + 2;
    pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{:width$}{value}\n", format!("{key}:")))
        .collect()
}

/// A client view as `key: value` lines.
pub fn client_view(client: &Value) -> String {
    lines(&[
        ("client", text(client, "name")),
        ("role", text(client, "role")),
        ("state", state(client).into()),
        ("accounts", joined(client, "accounts")),
        ("origins", joined(client, "allowedOrigins")),
        ("created", time(client, "createdAt")),
        ("updated", time(client, "updatedAt")),
    ])
}

/// An account view as `key: value` lines (which credentials are set, never their values).
pub fn account_view(account: &Value) -> String {
    let set = |on: bool| if on { "set" } else { "not set" };
    let webhooks = &account["webhooks"];
    lines(&[
        ("account", text(account, "id")),
        ("label", text(account, "label")),
        ("providers", joined(account, "providers")),
        (
            "connectsafely account",
            text(account, "connectsafelyAccountId"),
        ),
        ("linkup account", text(account, "linkupAccountId")),
        ("linkup country", text(account, "linkupCountry")),
        (
            "linkup session",
            set(account["hasLinkupLoginToken"].as_bool() == Some(true)).into(),
        ),
        ("list via", text(account, "listVia")),
        ("threads via", text(account, "threadsVia")),
        (
            "webhook secrets",
            format!(
                "connectsafely {}, linkup {}",
                set(webhooks["connectsafely"].as_bool() == Some(true)),
                set(webhooks["linkup"].as_bool() == Some(true))
            ),
        ),
        ("clients", joined(account, "clients")),
        ("state", state(account).into()),
        ("health", health(&account["health"])),
        ("created", time(account, "createdAt")),
        ("updated", time(account, "updatedAt")),
    ])
}

/// The text for a command's one answer.
pub fn answer(command: &Command, answer: &Value) -> String {
    let client = &answer["client"];
    match command {
        Command::ClientAdd(_) => format!(
            "client {} added\n{}\ntoken: {}\nThis token will not be shown again: give it to the \
             client now (it is their Authorization: Bearer token).\n",
            text(client, "name"),
            client_view(client),
            text(answer, "token")
        ),
        Command::ClientRotateToken(name) => format!(
            "client {name}: new token (the old one no longer works)\ntoken: {}\nThis token will \
             not be shown again: give it to the client now.\n",
            text(answer, "token")
        ),
        Command::ClientRebuildIndex(name) => format!(
            "client {name}: merged index rebuilding from the accounts' stores (nothing is lost; \
             merged pages answer 503 with Retry-After until every account is in)\n"
        ),
        Command::ClientShow(_) => client_view(answer),
        Command::ClientSetDisabled { name, disabled } => {
            format!(
                "client {name} {}\n",
                if *disabled { "disabled" } else { "enabled" }
            )
        }
        Command::ClientDelete(_) => format!("client {} deleted\n", text(answer, "deleted")),
        Command::ClientOrigins { name, .. } => {
            format!(
                "client {name} origins: {}\n",
                joined(answer, "allowedOrigins")
            )
        }
        Command::AccountAdd { .. } => format!(
            "account {} added\n{}",
            text(answer, "id"),
            account_view(answer)
        ),
        Command::AccountShow(_) => account_view(answer),
        Command::AccountSetDisabled { id, disabled } => {
            format!(
                "account {id} {}\n",
                if *disabled { "disabled" } else { "enabled" }
            )
        }
        Command::AccountDelete { .. } => format!("account {} deleted\n", text(answer, "deleted")),
        Command::AccountRotateSession(id) => format!("account {id}: LinkedIn session replaced\n"),
        Command::AccountWebhookSecret { id, provider } => format!(
            "account {id}: new {} webhook secret (the old one no longer verifies)\nsecret: {}\n\
             webhook URL: {}\nPaste both into {}'s webhook settings now: this secret will not be \
             shown again.\n",
            provider.display_name(),
            text(answer, "secret"),
            text(answer, "url"),
            provider.display_name()
        ),
        Command::Link { client, account } => {
            format!("client {client} linked to account {account}\n")
        }
        Command::Unlink { client, account } => {
            format!("client {client} unlinked from account {account}\n")
        }
        Command::Import(_) => format!(
            "imported {} clients and {} accounts\n",
            text(answer, "clients"),
            text(answer, "accounts")
        ),
        Command::Reseal => format!(
            "re-sealed {} credentials under the current key\n",
            text(answer, "resealed")
        ),
        Command::ClientList | Command::AccountList | Command::Audit { .. } => list(command, &[]),
    }
}

/// The table for a list command's items (every page).
pub fn list(command: &Command, items: &[Value]) -> String {
    if items.is_empty() {
        return match command {
            Command::ClientList => "no clients\n",
            Command::AccountList => "no accounts\n",
            _ => "no audit entries\n",
        }
        .into();
    }
    match command {
        Command::ClientList => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|c| {
                    let row = [text(c, "name"), text(c, "role"), state(c).into()];
                    let row = row
                        .into_iter()
                        .chain([joined(c, "accounts"), joined(c, "allowedOrigins")]);
                    row.collect()
                })
                .collect();
            table(&["NAME", "ROLE", "STATE", "ACCOUNTS", "ORIGINS"], &rows)
        }
        Command::AccountList => {
            let with_health = items.iter().any(|a| !a["health"].is_null());
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|a| {
                    let mut row = vec![
                        text(a, "id"),
                        text(a, "label"),
                        joined(a, "providers"),
                        state(a).into(),
                        joined(a, "clients"),
                    ];
                    if with_health {
                        row.push(health(&a["health"]));
                    }
                    row
                })
                .collect();
            let header = ["ID", "LABEL", "PROVIDERS", "STATE", "CLIENTS", "HEALTH"];
            table(&header[..if with_health { 6 } else { 5 }], &rows)
        }
        _ => {
            // `actor` (from X-Admin-Actor) is shown when the API records it.
            let with_actor = items.iter().any(|e| !e["actor"].is_null());
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|e| {
                    let at = e["at"].as_i64().map(utc_time).unwrap_or_default();
                    let mut row = vec![text(e, "seq"), at];
                    if with_actor {
                        row.push(text(e, "actor"));
                    }
                    row.extend([text(e, "action"), text(e, "target"), text(e, "detail")]);
                    row
                })
                .collect();
            if with_actor {
                table(&["SEQ", "AT", "ACTOR", "ACTION", "TARGET", "DETAIL"], &rows)
            } else {
                table(&["SEQ", "AT", "ACTION", "TARGET", "DETAIL"], &rows)
            }
        }
    }
}
