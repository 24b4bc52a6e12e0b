//! `POST /import`: today's `CLIENTS` JSON (both forms), read by `rules::registry::parse` (its
//! rules, its errors), checked against what is stored, then written all at once.

use serde_json::json;

use super::super::super::sql::Sql;
use super::super::records::ClientRow;
use super::super::MAX_CLIENTS_PER_ACCOUNT;
use super::input::Query;
use super::{ok, Admin, Failure, Outcome};
use crate::rules::registry::{check_one_id, check_sessions, parse, Account};

/// `POST /import` → `{"clients": n, "accounts": m}`; a name, digest or id already stored is a
/// 409 naming it.
pub(super) fn import<S: Sql>(admin: &mut Admin<'_, S>, query: &str, body: &[u8]) -> Outcome {
    Query::parse(query, &[])?;
    let json =
        std::str::from_utf8(body).map_err(|_| Failure::invalid("body", "the body is not UTF-8"))?;
    let clients = parse(json).map_err(|e| Failure::invalid("body", e.0))?;
    let mut accounts: Vec<(&Account, usize)> = Vec::new();
    for client in &clients {
        let name = &client.name;
        if admin.registry.client_row(name)?.is_some() {
            return Err(Failure::conflict("name", format!("client {name} exists")));
        }
        let digest = client.token_sha256.trim().to_ascii_lowercase();
        if admin.registry.client_row_by_digest(&digest)?.is_some() {
            return Err(Failure::conflict(
                "tokenSha256",
                format!("the tokenSha256 of client {name} is a stored client's"),
            ));
        }
        for account in &client.accounts {
            let id = &account.id;
            if let Some((first, clients)) = accounts.iter_mut().find(|(a, _)| a.id == *id) {
                // The registry keeps one account per id.
                if !first.same_credentials(account) {
                    return Err(Failure::invalid(
                        "body",
                        format!("account {id} is given twice with other provider fields"),
                    ));
                }
                *clients += 1;
                if *clients > MAX_CLIENTS_PER_ACCOUNT {
                    return Err(Failure::invalid(
                        "body",
                        format!(
                            "account {id} is listed by more than {MAX_CLIENTS_PER_ACCOUNT} clients"
                        ),
                    ));
                }
                continue;
            }
            if admin.registry.account_row(id)?.is_some() {
                return Err(Failure::conflict("id", format!("account {id} exists")));
            }
            let stored = admin.registry.lookalikes(admin.keys, account, "")?;
            check_one_id(stored.iter(), account).map_err(Failure::clash)?;
            check_sessions(stored.iter(), account).map_err(Failure::clash)?;
            accounts.push((account, 1));
        }
    }
    let now = admin.now_ms;
    for (account, _) in &accounts {
        admin
            .registry
            .put_account(admin.keys, account, false, now, now, admin.random)?;
    }
    for client in &clients {
        admin.registry.put_client(&ClientRow {
            name: client.name.clone(),
            token_sha256: client.token_sha256.trim().to_ascii_lowercase(),
            allowed_origins: serde_json::to_string(&client.allowed_origins)
                .unwrap_or_else(|_| "[]".into()),
            role: "member".into(),
            disabled: 0.0,
            created_at: now as f64,
            updated_at: now as f64,
        })?;
        for account in &client.accounts {
            admin.registry.link(&client.name, &account.id)?;
        }
    }
    let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
    let ids: Vec<&str> = accounts.iter().map(|(a, _)| a.id.as_str()).collect();
    admin.audit(
        "registry.import",
        "registry",
        json!({ "clients": names, "accounts": ids }),
    )?;
    ok(
        200,
        json!({ "clients": names.len(), "accounts": ids.len() }),
    )
}
