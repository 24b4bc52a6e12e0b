//! `GET /audit` (every write, oldest first) and `POST /reseal` (every credential not under the
//! current key sealed again under it).

use serde::Deserialize;
use serde_json::{json, Value};

use super::super::super::sql::{int, uint, Result, Sql};
use super::super::records::{nonce, seal_context};
use super::super::Registry;
use super::input::{no_body, Query};
use super::views::page;
use super::{ok, Admin, Failure, Outcome};

#[derive(Deserialize)]
struct AuditRow {
    seq: f64,
    at: f64,
    actor: String,
    action: String,
    target: String,
    detail: Option<String>,
}

impl<S: Sql> Registry<S> {
    /// Audit entries after `after` (the audit's primary key, `seq`).
    fn audit_after(&self, after: u64, limit: usize) -> Result<Vec<AuditRow>> {
        self.sql.rows(
            "SELECT seq, at, actor, action, target, detail FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
            vec![uint(after), int(limit as i64)],
        )
    }
}

/// `GET /audit?limit&after=<seq>`.
pub(super) fn audit<S: Sql>(admin: &mut Admin<'_, S>, query: &str) -> Outcome {
    let query = Query::parse(query, &["limit", "after"])?;
    let limit = query.limit()?;
    let after = match query.get("after") {
        None => 0,
        Some(after) => after
            .parse::<u64>()
            .map_err(|_| Failure::invalid("after", "after must be an audit seq"))?,
    };
    let rows = admin.registry.audit_after(after, limit + 1)?;
    let body = page(
        rows,
        limit,
        |row| (row.seq as u64).to_string(),
        |row| {
            let mut item = json!({
                "seq": row.seq as u64,
                "at": row.at as u64,
                "actor": row.actor,
                "action": row.action,
                "target": row.target,
            });
            if let Some(detail) = &row.detail {
                item["detail"] = serde_json::from_str(detail).unwrap_or(Value::Null);
            }
            Ok(item)
        },
    )?;
    ok(200, body)
}

/// `POST /reseal` → `{"resealed": n}`. Every value is opened before the first is written:
/// one that does not open (its key left `REGISTRY_KEYS`) stops it with nothing changed.
pub(super) fn reseal<S: Sql>(admin: &mut Admin<'_, S>, query: &str, body: &[u8]) -> Outcome {
    Query::parse(query, &[])?;
    no_body(body)?;
    let mut stale: Vec<(String, &'static str, &'static str, String)> = Vec::new();
    for row in admin.registry.account_rows_after("", 0)? {
        for (column, field, sealed) in row.sealed() {
            let Some(sealed) = sealed.filter(|s| !admin.keys.is_current(s)) else {
                continue;
            };
            let plaintext = admin
                .keys
                .open(&seal_context(&row.id, field), sealed)
                .map_err(|e| {
                    super::super::super::sql::StoreError(format!("account {} {field}: {e}", row.id))
                })?;
            stale.push((row.id.clone(), column, field, plaintext));
        }
    }
    for (id, column, field, plaintext) in &stale {
        let sealed = admin
            .keys
            .seal(&seal_context(id, field), plaintext, nonce(admin.random));
        admin.registry.set_sealed(id, column, &sealed)?;
    }
    admin.audit(
        "registry.reseal",
        "registry",
        json!({ "resealed": stale.len(), "kid": admin.keys.current_kid() }),
    )?;
    ok(200, json!({ "resealed": stale.len() }))
}
