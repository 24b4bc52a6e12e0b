//! The views the admin API answers: a client (never its token or digest), an account (never
//! a credential: which are set), and pages of either.

use linkedin_inbox::Provider;
use serde_json::{json, Value};

use super::super::super::sql::{Result, Sql};
use super::super::records::{AccountRow, ClientRow};
use super::super::Registry;

/// A client's view.
pub(super) fn client_view<S: Sql>(registry: &Registry<S>, row: &ClientRow) -> Result<Value> {
    Ok(json!({
        "name": row.name,
        "allowedOrigins": row.origins(),
        "accounts": registry.linked_ids(&row.name)?,
        "role": row.role().as_str(),
        "disabled": row.disabled(),
        "createdAt": row.created_at as u64,
        "updatedAt": row.updated_at as u64,
    }))
}

/// An account's view.
pub(super) fn account_view<S: Sql>(registry: &Registry<S>, row: &AccountRow) -> Result<Value> {
    let mut providers = Vec::new();
    if row.connectsafely_account_id.is_some() {
        providers.push(Provider::ConnectSafely.as_str());
    }
    if row.linkup_login_token.is_some() || row.linkup_account_id.is_some() {
        providers.push(Provider::Linkup.as_str());
    }
    let mut view = json!({
        "id": row.id,
        "label": row.label,
        "providers": providers,
        "hasLinkupLoginToken": row.linkup_login_token.is_some(),
        "webhooks": {
            "connectsafely": row.connectsafely_webhook_secret.is_some(),
            "linkup": row.linkup_webhook_secret.is_some(),
        },
        "clients": registry.clients_of(&row.id)?,
        "disabled": row.disabled(),
        "createdAt": row.created_at as u64,
        "updatedAt": row.updated_at as u64,
    });
    for (key, value) in [
        ("connectsafelyAccountId", &row.connectsafely_account_id),
        ("linkupAccountId", &row.linkup_account_id),
        ("linkupCountry", &row.linkup_country),
        ("listVia", &row.list_via),
        ("threadsVia", &row.threads_via),
    ] {
        if let Some(value) = value {
            view[key] = Value::String(value.clone());
        }
    }
    // A disabled account is that whatever it last reported; else its object's last report.
    let health = match row.disabled() {
        true => Some(json!({ "state": "disabled", "since": row.updated_at as u64 })),
        false => registry.health_of(&row.id)?,
    };
    if let Some(health) = health {
        view["health"] = health;
    }
    Ok(view)
}

/// A page: `limit` of the rows read (`limit + 1` were asked for, to know if more follow),
/// each viewed, `next` the last one's key when more follow.
pub(super) fn page<T>(
    mut rows: Vec<T>,
    limit: usize,
    key: impl Fn(&T) -> String,
    view: impl Fn(&T) -> Result<Value>,
) -> Result<Value> {
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(&key) } else { None };
    let items = rows.iter().map(view).collect::<Result<Vec<_>>>()?;
    Ok(json!({"items": items, "next": next}))
}
