//! `/clients...`: create, list, view, update, delete, a new token, link and unlink accounts.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

use super::super::super::sql::Sql;
use super::super::records::ClientRow;
use super::super::{Role, MAX_CLIENTS_PER_ACCOUNT, MAX_LINKED_ACCOUNTS_PER_CLIENT};
use super::input::{no_body, path_name, Body, Query};
use super::views::{client_view, page};
use super::{ok, Admin, Failure, Outcome};
use crate::rules::client_auth::{account_digest, token_sha256_hex};
use crate::rules::registry::{check_distinct, check_name, check_origins, Account};

/// The prefix of a client token.
const TOKEN_PREFIX: &str = "lic_";

/// The client `name` (a 400 if the name is malformed, a 404 if there is none).
fn existing<S: Sql>(admin: &Admin<'_, S>, name: &str) -> Result<ClientRow, Failure> {
    path_name(name, "name")?;
    admin
        .registry
        .client_row(name)?
        .ok_or_else(|| Failure::not_found(Some("name"), format!("no client {name}")))
}

/// Origins well-formed and each once.
fn checked_origins(origins: &[String]) -> Result<String, Failure> {
    check_origins(origins).map_err(Failure::refused)?;
    if let Some(position) = (1..origins.len()).find(|&i| origins[..i].contains(&origins[i])) {
        return Err(Failure::invalid(
            "allowedOrigins",
            format!("allowedOrigins[{position}] is listed twice"),
        ));
    }
    Ok(serde_json::to_string(origins).unwrap_or_else(|_| "[]".into()))
}

/// A new token and its digest.
fn new_token<S: Sql>(admin: &mut Admin<'_, S>) -> (String, String) {
    let token = format!(
        "{TOKEN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(admin.random_bytes(32))
    );
    let digest = token_sha256_hex(&token);
    (token, digest)
}

/// `POST /clients`.
pub(super) fn create<S: Sql>(admin: &mut Admin<'_, S>, query: &str, body: &[u8]) -> Outcome {
    Query::parse(query, &[])?;
    let mut body = Body::parse(body, &["name", "allowedOrigins", "accounts", "role"])?;
    let name: String = body.required("name")?;
    let origins: Vec<String> = body.optional("allowedOrigins")?.unwrap_or_default();
    let ids: Vec<String> = body.optional("accounts")?.unwrap_or_default();
    let role: Role = body.optional("role")?.unwrap_or(Role::Member);
    check_name(&name).map_err(Failure::refused)?;
    let origins_json = checked_origins(&origins)?;
    if ids.len() > MAX_LINKED_ACCOUNTS_PER_CLIENT {
        return Err(Failure::invalid(
            "accounts",
            format!("a client links at most {MAX_LINKED_ACCOUNTS_PER_CLIENT} accounts"),
        ));
    }
    let mut accounts: Vec<Account> = Vec::new();
    for id in &ids {
        path_name(id, "accounts")?;
        let row = admin
            .registry
            .account_row(id)?
            .ok_or_else(|| Failure::not_found(Some("accounts"), format!("no account {id}")))?;
        let account = row.open(admin.keys)?;
        check_distinct(&accounts, &account).map_err(Failure::refused)?;
        if admin.registry.client_count(id)? >= MAX_CLIENTS_PER_ACCOUNT {
            return Err(Failure::conflict(
                "accounts",
                format!("account {id} is linked to {MAX_CLIENTS_PER_ACCOUNT} clients already"),
            ));
        }
        accounts.push(account);
    }
    if admin.registry.client_row(&name)?.is_some() {
        return Err(Failure::conflict("name", format!("client {name} exists")));
    }
    let (token, digest) = new_token(admin);
    let row = ClientRow {
        name: name.clone(),
        token_sha256: digest,
        allowed_origins: origins_json,
        role: role.as_str().into(),
        disabled: 0.0,
        created_at: admin.now_ms as f64,
        updated_at: admin.now_ms as f64,
    };
    admin.registry.put_client(&row)?;
    for id in &ids {
        admin.registry.link(&name, id)?;
    }
    admin.audit(
        "client.create",
        &name,
        json!({"role": role.as_str(), "allowedOrigins": origins, "accounts": ids}),
    )?;
    let client = client_view(admin.registry, &row)?;
    ok(201, json!({"client": client, "token": token}))
}

/// `GET /clients?limit&after`.
pub(super) fn list<S: Sql>(admin: &mut Admin<'_, S>, query: &str) -> Outcome {
    let query = Query::parse(query, &["limit", "after"])?;
    let (limit, after) = (query.limit()?, query.after_name()?);
    let rows = admin.registry.client_rows_after(&after, limit + 1)?;
    let body = page(
        rows,
        limit,
        |row| row.name.clone(),
        |row| client_view(admin.registry, row),
    )?;
    ok(200, body)
}

/// `GET /clients/{name}`.
pub(super) fn get<S: Sql>(admin: &mut Admin<'_, S>, name: &str, query: &str) -> Outcome {
    Query::parse(query, &[])?;
    let row = existing(admin, name)?;
    ok(200, client_view(admin.registry, &row)?)
}

/// `PATCH /clients/{name}` `{"allowedOrigins"?, "role"?, "disabled"?}`.
pub(super) fn update<S: Sql>(
    admin: &mut Admin<'_, S>,
    name: &str,
    query: &str,
    body: &[u8],
) -> Outcome {
    Query::parse(query, &[])?;
    let mut body = Body::parse(body, &["allowedOrigins", "role", "disabled"])?;
    let origins: Option<Vec<String>> = body.optional("allowedOrigins")?;
    let role: Option<Role> = body.optional("role")?;
    let disabled: Option<bool> = body.optional("disabled")?;
    let origins_json = origins.as_deref().map(checked_origins).transpose()?;
    let mut row = existing(admin, name)?;
    let mut fields = Vec::new();
    if let Some(origins_json) = origins_json {
        row.allowed_origins = origins_json;
        fields.push("allowedOrigins");
    }
    if let Some(role) = role {
        row.role = role.as_str().into();
        fields.push("role");
    }
    if let Some(disabled) = disabled {
        row.disabled = f64::from(u8::from(disabled));
        fields.push("disabled");
    }
    row.updated_at = admin.now_ms as f64;
    admin.registry.put_client(&row)?;
    admin.audit(
        "client.update",
        name,
        json!({"fields": fields, "allowedOrigins": origins, "role": role.map(Role::as_str), "disabled": disabled}),
    )?;
    ok(200, client_view(admin.registry, &row)?)
}

/// `DELETE /clients/{name}`.
pub(super) fn delete<S: Sql>(admin: &mut Admin<'_, S>, name: &str, query: &str) -> Outcome {
    Query::parse(query, &[])?;
    existing(admin, name)?;
    let accounts = admin.registry.linked_ids(name)?;
    admin.registry.delete_client(name)?;
    admin.audit("client.delete", name, json!({"accounts": accounts}))?;
    ok(200, json!({"deleted": name}))
}

/// `POST /clients/{name}/token`: a new token; the old one stops working.
pub(super) fn rotate_token<S: Sql>(
    admin: &mut Admin<'_, S>,
    name: &str,
    query: &str,
    body: &[u8],
) -> Outcome {
    Query::parse(query, &[])?;
    no_body(body)?;
    let mut row = existing(admin, name)?;
    let (token, digest) = new_token(admin);
    row.token_sha256 = digest;
    row.updated_at = admin.now_ms as f64;
    admin.registry.put_client(&row)?;
    admin.audit("client.rotate_token", name, serde_json::Value::Null)?;
    let client = client_view(admin.registry, &row)?;
    ok(200, json!({"client": client, "token": token}))
}

/// `PUT /clients/{name}/accounts/{id}`: linked after the client's other accounts (nothing
/// written if it is linked already).
pub(super) fn link<S: Sql>(
    admin: &mut Admin<'_, S>,
    name: &str,
    id: &str,
    query: &str,
    body: &[u8],
) -> Outcome {
    Query::parse(query, &[])?;
    no_body(body)?;
    let mut row = existing(admin, name)?;
    path_name(id, "id")?;
    let account_row = admin
        .registry
        .account_row(id)?
        .ok_or_else(|| Failure::not_found(Some("id"), format!("no account {id}")))?;
    if admin.registry.is_linked(name, id)? {
        return ok(200, client_view(admin.registry, &row)?);
    }
    if admin.registry.link_count(name)? >= MAX_LINKED_ACCOUNTS_PER_CLIENT {
        return Err(Failure::conflict(
            "accounts",
            format!("a client links at most {MAX_LINKED_ACCOUNTS_PER_CLIENT} accounts"),
        ));
    }
    if admin.registry.client_count(id)? >= MAX_CLIENTS_PER_ACCOUNT {
        return Err(Failure::conflict(
            "id",
            format!("an account is linked to at most {MAX_CLIENTS_PER_ACCOUNT} clients"),
        ));
    }
    let account = account_row.open(admin.keys)?;
    let same = admin
        .registry
        .linked_with_identity(admin.keys, name, &account_digest(&account))?;
    check_distinct(&same, &account).map_err(Failure::clash)?;
    admin.registry.link(name, id)?;
    row.updated_at = admin.now_ms as f64;
    admin.registry.put_client(&row)?;
    admin.audit("client.link", name, json!({"account": id}))?;
    ok(200, client_view(admin.registry, &row)?)
}

/// `DELETE /clients/{name}/accounts/{id}`.
pub(super) fn unlink<S: Sql>(
    admin: &mut Admin<'_, S>,
    name: &str,
    id: &str,
    query: &str,
) -> Outcome {
    Query::parse(query, &[])?;
    let mut row = existing(admin, name)?;
    path_name(id, "id")?;
    if !admin.registry.is_linked(name, id)? {
        return Err(Failure::not_found(
            Some("id"),
            format!("client {name} does not link account {id}"),
        ));
    }
    admin.registry.unlink(name, id)?;
    row.updated_at = admin.now_ms as f64;
    admin.registry.put_client(&row)?;
    admin.audit("client.unlink", name, json!({"account": id}))?;
    ok(200, client_view(admin.registry, &row)?)
}
