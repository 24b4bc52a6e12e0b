//! The admin API (`/admin/v1/...`, `/work/admin-api-spec.md`) as one pure function: a request
//! in, a reply out, the registry written on success only. Every check runs before the first
//! write (the object's SQL commits one synchronous run's writes together, and there is no
//! transaction to roll back), so a refused request changes nothing. Each write is one audit
//! entry. The Worker checks the admin token before it calls [`handle`].
//! - `admin/input.rs`: bodies and query strings read, each refusal naming its field;
//! - `admin/views.rs`: the client and account views, pages;
//! - `admin/clients.rs`, `admin/accounts.rs`: the routes of each resource;
//! - `admin/import.rs`: `POST /import` (today's `CLIENTS`), `admin/upkeep.rs`: audit, reseal.

mod accounts;
mod clients;
mod import;
mod input;
mod upkeep;
mod views;

use serde_json::{json, Value};

use super::super::sql::{Sql, StoreError};
use super::Registry;
use crate::rules::credential_seal::CredentialKeys;
use crate::rules::registry::Refusal;

/// One admin request, as the Worker read it.
#[derive(Clone, Default)]
pub struct AdminRequest {
    pub method: String,
    /// The path after `/admin/v1`, e.g. `/clients/ana/token`.
    pub path: String,
    /// The query string, without `?`.
    pub query: String,
    pub body: Vec<u8>,
    /// The Worker's public origin (the webhook URLs it answers).
    pub origin: String,
    /// Who asks (recorded in the audit).
    pub actor: String,
}

/// The body can hold a LinkedIn session or a webhook secret: never printed.
impl std::fmt::Debug for AdminRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

/// The answer: a status and its JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminReply {
    pub status: u16,
    pub body: Value,
}

/// A refused or failed request: the error envelope's status, code, message and field.
#[derive(Debug)]
struct Failure {
    status: u16,
    code: &'static str,
    message: String,
    field: Option<String>,
}

impl Failure {
    fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            status: 400,
            code: "INVALID_INPUT",
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    fn not_found(field: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            status: 404,
            code: "NOT_FOUND",
            message: message.into(),
            field: field.map(str::to_owned),
        }
    }

    fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self {
            status: 409,
            code: "CONFLICT",
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    /// A stored rule broken by the input itself (400).
    fn refused(refusal: Refusal) -> Self {
        Self::invalid(refusal.field, refusal.message)
    }

    /// A rule broken against what is stored (409).
    fn clash(refusal: Refusal) -> Self {
        Self::conflict(refusal.field, refusal.message)
    }

    fn reply(self) -> AdminReply {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(field) = self.field {
            error["field"] = Value::String(field);
        }
        AdminReply {
            status: self.status,
            body: json!({ "error": error }),
        }
    }
}

impl From<StoreError> for Failure {
    /// The storage failed, or a credential did not open (a key missing from `REGISTRY_KEYS`):
    /// the operator's problem, said without the store's words (they could quote a row).
    fn from(error: StoreError) -> Self {
        let sealed = error.0.contains("sealed value");
        Self {
            // The Worker answers no 500: a storage failure is UNAVAILABLE, as everywhere.
            status: 503,
            code: if sealed {
                "PROXY_MISCONFIGURED"
            } else {
                "UNAVAILABLE"
            },
            message: if sealed {
                "a stored credential does not open with REGISTRY_KEYS".into()
            } else {
                "the registry's storage failed".into()
            },
            field: None,
        }
    }
}

type Outcome = Result<AdminReply, Failure>;

fn ok(status: u16, body: Value) -> Outcome {
    Ok(AdminReply { status, body })
}

/// What a route works with: the registry, the keys, the time, the random source, who asks.
struct Admin<'a, S: Sql> {
    registry: &'a Registry<S>,
    keys: &'a CredentialKeys,
    now_ms: u64,
    random: &'a mut dyn FnMut(&mut [u8]),
    actor: &'a str,
}

impl<S: Sql> Admin<'_, S> {
    /// `bytes` random bytes.
    fn random_bytes(&mut self, bytes: usize) -> Vec<u8> {
        let mut out = vec![0u8; bytes];
        (self.random)(&mut out);
        out
    }

    fn audit(&self, action: &str, target: &str, detail: Value) -> Result<(), Failure> {
        let detail = (!detail.is_null()).then_some(detail);
        Ok(self
            .registry
            .audit(self.now_ms, self.actor, action, target, detail)?)
    }
}

/// Answers one admin request: every route of the spec; a refusal changes nothing.
pub fn handle<S: Sql>(
    registry: &Registry<S>,
    keys: &CredentialKeys,
    request: AdminRequest,
    now_ms: u64,
    random: &mut dyn FnMut(&mut [u8]),
) -> AdminReply {
    let mut admin = Admin {
        registry,
        keys,
        now_ms,
        random,
        actor: &request.actor,
    };
    route(&mut admin, &request).unwrap_or_else(Failure::reply)
}

fn route<S: Sql>(admin: &mut Admin<'_, S>, request: &AdminRequest) -> Outcome {
    let segments: Vec<&str> = request
        .path
        .strip_prefix('/')
        .unwrap_or(&request.path)
        .split('/')
        .collect();
    let (method, query, body) = (request.method.as_str(), &request.query, &request.body);
    let allowed: &[&str] = match (method, segments.as_slice()) {
        ("POST", ["clients"]) => return clients::create(admin, query, body),
        ("GET", ["clients"]) => return clients::list(admin, query),
        (_, ["clients"]) => &["GET", "POST"],
        ("GET", ["clients", name]) => return clients::get(admin, name, query),
        ("PATCH", ["clients", name]) => return clients::update(admin, name, query, body),
        ("DELETE", ["clients", name]) => return clients::delete(admin, name, query),
        (_, ["clients", _]) => &["GET", "PATCH", "DELETE"],
        ("POST", ["clients", name, "token"]) => {
            return clients::rotate_token(admin, name, query, body)
        }
        (_, ["clients", _, "token"]) => &["POST"],
        ("PUT", ["clients", name, "accounts", id]) => {
            return clients::link(admin, name, id, query, body)
        }
        ("DELETE", ["clients", name, "accounts", id]) => {
            return clients::unlink(admin, name, id, query)
        }
        (_, ["clients", _, "accounts", _]) => &["PUT", "DELETE"],
        ("POST", ["accounts"]) => return accounts::create(admin, query, body),
        ("GET", ["accounts"]) => return accounts::list(admin, query),
        (_, ["accounts"]) => &["GET", "POST"],
        ("GET", ["accounts", id]) => return accounts::get(admin, id, query),
        ("PATCH", ["accounts", id]) => return accounts::update(admin, id, query, body),
        ("DELETE", ["accounts", id]) => return accounts::delete(admin, id, query),
        (_, ["accounts", _]) => &["GET", "PATCH", "DELETE"],
        ("POST", ["accounts", id, "webhook-secret", provider]) => {
            return accounts::new_webhook_secret(admin, id, provider, &request.origin, query, body)
        }
        (_, ["accounts", _, "webhook-secret", _]) => &["POST"],
        ("POST", ["import"]) => return import::import(admin, query, body),
        (_, ["import"]) => &["POST"],
        ("GET", ["audit"]) => return upkeep::audit(admin, query),
        (_, ["audit"]) => &["GET"],
        ("POST", ["reseal"]) => return upkeep::reseal(admin, query, body),
        (_, ["reseal"]) => &["POST"],
        _ => {
            return Err(Failure::not_found(
                None,
                "no such admin route (see the admin API's routes)",
            ))
        }
    };
    Err(Failure {
        status: 405,
        code: "METHOD_NOT_ALLOWED",
        message: format!("this route takes {}", allowed.join(", ")),
        field: None,
    })
}
