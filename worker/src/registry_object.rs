//! `Registry`: the one Durable Object holding the stored registry (clients, accounts, links,
//! the audit log) in its SQLite, credentials sealed (`rules/credential_seal.rs`). It answers
//! the edge's and the objects' lookups (`directory.rs`) and the admin API
//! (`store/registry/admin`). Thin: the store and the admin API are pure and tested natively;
//! here the clock, the random bytes and the HTTP shape.

use std::cell::RefCell;

use linkedin_inbox::ErrorCode;
use serde_json::json;
use worker::{durable_object, DurableObject, Env, Request, Response, SqlStorage, State};

use crate::edge::admin::{AdminCall, RECHECKS_PER_WRITE, RECHECK_HEADER};
use crate::respond;
use crate::rules::registry_wire::{AccountWire, ClientWire};
use crate::store::registry::{self as registry_store, AdminRequest};

type RegistryStore = registry_store::Registry<SqlStorage>;

/// What an account's object reports when its health changes.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct HealthReport {
    pub account: String,
    pub health: serde_json::Value,
}

#[durable_object]
pub struct Registry {
    state: State,
    env: Env,
    /// The store, its schema brought up to date by this instance's first request.
    store: RefCell<Option<std::rc::Rc<RegistryStore>>>,
}

impl DurableObject for Registry {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            store: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let config = match crate::env::config(&self.env) {
            Ok(config) => config,
            Err(_) => return misconfigured(),
        };
        let store = self.store()?;
        let store = store.as_ref();
        let keys = config.registry_keys.as_ref();
        match req.path().as_str() {
            "/lookup" => {
                let url = req.url()?;
                let Some((kind, value)) = url.query_pairs().next() else {
                    return respond::refuse(ErrorCode::InvalidInput, "no lookup");
                };
                if !store.is_active()? {
                    return respond::json(200, &json!({ "active": false }));
                }
                let Some(keys) = keys else {
                    return misconfigured();
                };
                let answer = match kind.as_ref() {
                    "token" => {
                        let client = store.client_by_token_digest(keys, &value)?;
                        json!({ "active": true, "client": client.as_ref().map(ClientWire::from) })
                    }
                    "client" => {
                        let client = store.client_by_name(keys, &value)?;
                        json!({ "active": true, "client": client.as_ref().map(ClientWire::from) })
                    }
                    "account" => {
                        let account = store.account(keys, &value)?;
                        let accounts: Vec<AccountWire> =
                            account.iter().map(AccountWire::from).collect();
                        json!({ "active": true, "accounts": accounts })
                    }
                    "origin" => {
                        json!({ "active": true, "allowed": store.any_client_allows(&value)? })
                    }
                    _ => return respond::refuse(ErrorCode::InvalidInput, "no such lookup"),
                };
                respond::json(200, &answer)
            }
            "/admin" => {
                let Some(keys) = keys else {
                    return misconfigured();
                };
                let call: AdminCall = req.json().await?;
                let write = call.method != "GET";
                let touched = match write {
                    true => touched_gates(store, &call.path)?,
                    false => Vec::new(),
                };
                let request = AdminRequest {
                    method: call.method,
                    path: call.path,
                    query: call.query,
                    body: call.body.into_bytes(),
                    origin: call.origin,
                    actor: call.actor,
                };
                if getrandom::getrandom(&mut [0u8; 1]).is_err() {
                    return respond::refuse(ErrorCode::Unavailable, "no random source");
                }
                let now = worker::Date::now().as_millis();
                let reply = registry_store::handle(store, keys, request, now, &mut fill_random);
                let mut response = respond::json(reply.status, &reply.body)?;
                if write && reply.status < 300 && !touched.is_empty() {
                    let pairs: Vec<String> = touched
                        .iter()
                        .map(|(id, gate)| format!("{id} {gate}"))
                        .collect();
                    response
                        .headers_mut()
                        .set(RECHECK_HEADER, &pairs.join(","))?;
                }
                Ok(response)
            }
            "/health" => {
                // An account's object reports its health on every change (no credential).
                let Ok(report) = req.json::<HealthReport>().await else {
                    return respond::refuse(ErrorCode::InvalidInput, "not a health report");
                };
                let now = worker::Date::now().as_millis();
                store.record_health(&report.account, &report.health, now)?;
                Ok(Response::empty()?.with_status(204))
            }
            _ => respond::refuse(ErrorCode::NotFound, "no such route"),
        }
    }
}

impl Registry {
    fn store(&self) -> worker::Result<std::rc::Rc<RegistryStore>> {
        if let Some(store) = self.store.borrow().as_ref() {
            return Ok(store.clone());
        }
        let store = std::rc::Rc::new(RegistryStore::open(self.state.storage().sql())?);
        *self.store.borrow_mut() = Some(store.clone());
        Ok(store)
    }
}

/// Tells the registry object `account`'s health changed (`health`: as `/v1/accounts` shows
/// it), so the admin list reads it without asking every account's object. A deployment
/// without the registry binding has nobody to tell.
pub async fn report_health(
    env: &Env,
    config: &crate::rules::settings::Config,
    account: &str,
    health: serde_json::Value,
) -> worker::Result<()> {
    let Ok(namespace) = env.durable_object(&config.registry_binding) else {
        return Ok(());
    };
    let stub = namespace
        .id_from_name(crate::directory::REGISTRY_OBJECT)?
        .get_stub()?;
    let report = HealthReport {
        account: account.to_owned(),
        health,
    };
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post)
        .with_body(Some(serde_json::to_string(&report)?.into()));
    let request = Request::new_with_init("https://registry/health", &init)?;
    stub.fetch_with_request(request).await.map(drop)
}

/// The objects whose sockets a write to `path` may end (`id object-name` pairs): a client's
/// accounts, or the account; read before the write (a deleted client's links are gone after
/// it) and without opening a credential (a write must work when one does not open).
fn touched_gates(store: &RegistryStore, path: &str) -> worker::Result<Vec<(String, String)>> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    Ok(match segments.as_slice() {
        ["clients", name, ..] => store.gates_of(Some(name), None, RECHECKS_PER_WRITE)?,
        ["accounts", id, ..] => store.gates_of(None, Some(id), RECHECKS_PER_WRITE)?,
        _ => Vec::new(),
    })
}

/// Random bytes from the runtime's CSPRNG (`crypto.getRandomValues`), checked to work before
/// each admin call.
fn fill_random(buffer: &mut [u8]) {
    getrandom::getrandom(buffer).expect("the Workers runtime has crypto.getRandomValues");
}

fn misconfigured() -> worker::Result<Response> {
    worker::console_error!("configuration: REGISTRY_KEYS is not set (or the settings are broken)");
    respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured")
}
