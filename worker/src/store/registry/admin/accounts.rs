//! `/accounts...`: create, list, view, update (a session rotated), delete, a new webhook
//! secret. The rules an account meets are `rules/registry.rs`'s, the ones `CLIENTS` meets.

use linkedin_inbox::{Country, LoginToken, Provider, WebhookSecret};
use serde_json::{json, Value};

use super::super::super::sql::Sql;
use super::super::records::AccountRow;
use super::input::{no_body, path_name, Body, Query};
use super::views::{account_view, page};
use super::{ok, Admin, Failure, Outcome};
use crate::rules::client_auth::account_digest;
use crate::rules::registry::{
    check_account, check_distinct, check_one_id, check_routes, check_sessions, Account,
};

/// The fields a create takes (a PATCH takes them but `id`, plus `disabled`).
const FIELDS: [&str; 8] = [
    "id",
    "label",
    "connectsafelyAccountId",
    "linkupLoginToken",
    "linkupAccountId",
    "linkupCountry",
    "listVia",
    "threadsVia",
];

/// The account `id` (a 400 if the id is malformed, a 404 if there is none).
fn existing<S: Sql>(admin: &Admin<'_, S>, id: &str) -> Result<AccountRow, Failure> {
    path_name(id, "id")?;
    admin
        .registry
        .account_row(id)?
        .ok_or_else(|| Failure::not_found(Some("id"), format!("no account {id}")))
}

/// Every rule of an account, on its own (400) and against the stored ones (409); `except`
/// is its own id when it is stored already.
pub(super) fn check<S: Sql>(
    admin: &Admin<'_, S>,
    account: &Account,
    except: &str,
) -> Result<(), Failure> {
    check_account(account).map_err(Failure::refused)?;
    check_routes(account).map_err(Failure::refused)?;
    if let Some(code) = &account.linkup_country {
        if code.parse::<Country>().is_err() {
            return Err(Failure::invalid(
                "linkupCountry",
                "linkupCountry is not a LinkupAPI country",
            ));
        }
    }
    let lookalikes = admin.registry.lookalikes(admin.keys, account, except)?;
    check_one_id(lookalikes.iter(), account).map_err(Failure::clash)?;
    check_sessions(lookalikes.iter(), account).map_err(Failure::clash)
}

/// Applies the body's fields to `account`; the names of those given.
fn apply(body: &mut Body, account: &mut Account) -> Result<Vec<&'static str>, Failure> {
    let given: Vec<&'static str> = FIELDS[1..]
        .iter()
        .copied()
        .filter(|f| body.has(f))
        .collect();
    if let Some(label) = body.nullable::<String>("label")? {
        account.label = label.unwrap_or_else(|| account.id.clone());
    }
    if let Some(v) = body.nullable::<String>("connectsafelyAccountId")? {
        account.connectsafely_account_id = v;
    }
    if let Some(v) = body.nullable::<String>("linkupLoginToken")? {
        account.linkup_login_token = v.map(LoginToken::new);
    }
    if let Some(v) = body.nullable::<String>("linkupAccountId")? {
        account.linkup_account_id = v;
    }
    if let Some(v) = body.nullable::<String>("linkupCountry")? {
        account.linkup_country = v;
    }
    if let Some(v) = body.nullable::<Provider>("listVia")? {
        account.list_via = v;
    }
    if let Some(v) = body.nullable::<Provider>("threadsVia")? {
        account.threads_via = v;
    }
    Ok(given)
}

/// `POST /accounts`.
pub(super) fn create<S: Sql>(admin: &mut Admin<'_, S>, query: &str, body: &[u8]) -> Outcome {
    Query::parse(query, &[])?;
    let mut body = Body::parse(body, &FIELDS)?;
    let id: String = body.required("id")?;
    let mut account = Account {
        id: id.clone(),
        label: id.clone(),
        connectsafely_account_id: None,
        linkup_login_token: None,
        linkup_account_id: None,
        linkup_country: None,
        list_via: None,
        threads_via: None,
        connectsafely_webhook_secret: None,
        linkup_webhook_secret: None,
    };
    let fields = apply(&mut body, &mut account)?;
    check_account(&account).map_err(Failure::refused)?;
    if admin.registry.account_row(&id)?.is_some() {
        return Err(Failure::conflict("id", format!("account {id} exists")));
    }
    check(admin, &account, "")?;
    let now = admin.now_ms;
    admin
        .registry
        .put_account(admin.keys, &account, false, now, now, admin.random)?;
    admin.audit("account.create", &id, json!({ "fields": fields }))?;
    reply(admin, 201, &id)
}

/// The account's view as stored now.
fn reply<S: Sql>(admin: &Admin<'_, S>, status: u16, id: &str) -> Outcome {
    let row = existing(admin, id)?;
    ok(status, account_view(admin.registry, &row)?)
}

/// `GET /accounts?limit&after`.
pub(super) fn list<S: Sql>(admin: &mut Admin<'_, S>, query: &str) -> Outcome {
    let query = Query::parse(query, &["limit", "after"])?;
    let (limit, after) = (query.limit()?, query.after_name()?);
    let rows = admin.registry.account_rows_after(&after, limit + 1)?;
    let body = page(
        rows,
        limit,
        |row| row.id.clone(),
        |row| account_view(admin.registry, row),
    )?;
    ok(200, body)
}

/// `GET /accounts/{id}`.
pub(super) fn get<S: Sql>(admin: &mut Admin<'_, S>, id: &str, query: &str) -> Outcome {
    Query::parse(query, &[])?;
    reply(admin, 200, id)
}

/// `PATCH /accounts/{id}`: any create field but `id` (`null` clears one), and `disabled`;
/// `linkupLoginToken` rotates the session.
pub(super) fn update<S: Sql>(
    admin: &mut Admin<'_, S>,
    id: &str,
    query: &str,
    body: &[u8],
) -> Outcome {
    Query::parse(query, &[])?;
    let mut body = Body::parse(body, &[&FIELDS[1..], &["disabled"]].concat())?;
    let row = existing(admin, id)?;
    let mut account = row.open(admin.keys)?;
    let identity = account_digest(&account);
    let mut fields = apply(&mut body, &mut account)?;
    let disabled: Option<bool> = body.optional("disabled")?;
    if disabled.is_some() {
        fields.push("disabled");
    }
    check(admin, &account, id)?;
    // Another LinkedIn account now: no client may list it twice under two ids.
    if account_digest(&account) != identity {
        for client in admin.registry.clients_of(id)? {
            let same = admin.registry.linked_with_identity(
                admin.keys,
                &client,
                &account_digest(&account),
            )?;
            let others: Vec<Account> = same.into_iter().filter(|a| a.id != id).collect();
            check_distinct(&others, &account).map_err(Failure::clash)?;
        }
    }
    let disabled = disabled.unwrap_or(row.disabled());
    let (created, now) = (row.created_at as u64, admin.now_ms);
    admin
        .registry
        .put_account(admin.keys, &account, disabled, created, now, admin.random)?;
    let action = if fields.contains(&"linkupLoginToken") {
        "account.rotate_session"
    } else {
        "account.update"
    };
    admin.audit(action, id, json!({ "fields": fields }))?;
    reply(admin, 200, id)
}

/// `DELETE /accounts/{id}[?unlink=true]`: refused while linked, unless unlinked with it.
pub(super) fn delete<S: Sql>(admin: &mut Admin<'_, S>, id: &str, query: &str) -> Outcome {
    let query = Query::parse(query, &["unlink"])?;
    let unlink = match query.get("unlink") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Failure::invalid("unlink", "unlink must be true or false")),
    };
    existing(admin, id)?;
    let clients = admin.registry.clients_of(id)?;
    if !clients.is_empty() && !unlink {
        return Err(Failure::conflict(
            "id",
            format!(
                "account {id} is linked to {} client(s); unlink it first or pass ?unlink=true",
                clients.len()
            ),
        ));
    }
    admin.registry.delete_account(id)?;
    admin.audit("account.delete", id, json!({ "unlinked": clients }))?;
    ok(200, json!({ "deleted": id }))
}

/// `POST /accounts/{id}/webhook-secret/{provider}`: a new secret, shown once, and the URL
/// the provider posts to.
pub(super) fn new_webhook_secret<S: Sql>(
    admin: &mut Admin<'_, S>,
    id: &str,
    provider: &str,
    origin: &str,
    query: &str,
    body: &[u8],
) -> Outcome {
    Query::parse(query, &[])?;
    no_body(body)?;
    let row = existing(admin, id)?;
    let provider = Provider::from_name(provider)
        .ok_or_else(|| Failure::invalid("provider", "provider must be connectsafely or linkup"))?;
    let mut account = row.open(admin.keys)?;
    let secret = hex::encode(admin.random_bytes(32));
    match provider {
        Provider::ConnectSafely => {
            account.connectsafely_webhook_secret = Some(WebhookSecret::new(secret.clone()));
        }
        Provider::Linkup => {
            account.linkup_webhook_secret = Some(WebhookSecret::new(secret.clone()))
        }
    }
    check_account(&account).map_err(|refusal| Failure::invalid("provider", refusal.message))?;
    let (created, now) = (row.created_at as u64, admin.now_ms);
    admin.registry.put_account(
        admin.keys,
        &account,
        row.disabled(),
        created,
        now,
        admin.random,
    )?;
    admin.audit(
        "account.rotate_webhook_secret",
        id,
        json!({ "provider": provider.as_str() }),
    )?;
    let row = existing(admin, id)?;
    let url = format!(
        "{}/v1/webhooks/{}/{id}",
        origin.trim_end_matches('/'),
        provider.as_str()
    );
    let view: Value = account_view(admin.registry, &row)?;
    ok(
        200,
        json!({ "account": view, "secret": secret, "url": url }),
    )
}
