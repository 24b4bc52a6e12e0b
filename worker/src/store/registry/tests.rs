//! The registry on an in-memory SQLite: the admin API driven as the Worker drives it, the
//! request-path lookups read back, the tables read raw.

use serde_json::{json, Map, Value};

use super::super::sql::Sql;
use super::{handle, AdminReply, AdminRequest, Registry};
use crate::rules::credential_seal::CredentialKeys;

mod accounts;
mod clients;
mod health;
mod import;
mod limits;
mod lookups;
mod plans;
mod refusals;
mod scale;
mod upkeep;

/// A key of 32 bytes of `byte`, as `REGISTRY_KEYS` gives it.
pub(super) fn key(kid: &str, byte: u8) -> String {
    use base64::Engine;
    format!(
        "{kid}:{}",
        base64::engine::general_purpose::STANDARD.encode([byte; 32])
    )
}

/// A registry, its keys, the time and a deterministic random source.
pub(super) struct Fixture {
    pub registry: Registry<rusqlite::Connection>,
    pub keys: CredentialKeys,
    pub now_ms: u64,
    seed: u64,
}

pub(super) fn fixture() -> Fixture {
    Fixture {
        registry: Registry::open(rusqlite::Connection::open_in_memory().unwrap()).unwrap(),
        keys: CredentialKeys::parse(&key("k1", 1)).unwrap(),
        now_ms: 1_700_000_000_000,
        seed: 0x9E37_79B9_7F4A_7C15,
    }
}

impl Fixture {
    /// One admin request: `path` after `/admin/v1`, with its query after `?`.
    pub fn call(&mut self, method: &str, path: &str, body: Value) -> AdminReply {
        let body = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        self.call_raw(method, path, body)
    }

    pub fn call_raw(&mut self, method: &str, path: &str, body: Vec<u8>) -> AdminReply {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let request = AdminRequest {
            method: method.into(),
            path: path.into(),
            query: query.into(),
            body,
            origin: "https://proxy.example".into(),
            actor: "admin".into(),
        };
        self.now_ms += 1;
        let seed = &mut self.seed;
        let mut random = |out: &mut [u8]| {
            for byte in out.iter_mut() {
                // xorshift64*: distinct bytes, the same every run.
                *seed ^= *seed >> 12;
                *seed ^= *seed << 25;
                *seed ^= *seed >> 27;
                *byte = (seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8;
            }
        };
        handle(
            &self.registry,
            &self.keys,
            request,
            self.now_ms,
            &mut random,
        )
    }

    /// A call that must answer `status`; its body.
    pub fn ok(&mut self, method: &str, path: &str, body: Value, status: u16) -> Value {
        let reply = self.call(method, path, body);
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        reply.body
    }

    /// Every table's rows, raw, in a stable order.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for table in [
            "meta",
            "clients",
            "client_origins",
            "accounts",
            "links",
            "audit",
        ] {
            let rows: Vec<Map<String, Value>> = self
                .registry
                .sql()
                .rows(&format!("SELECT * FROM {table} ORDER BY 1, 2"), vec![])
                .unwrap();
            out.push_str(&format!("{table}: {}\n", json!(rows)));
        }
        out
    }
}

/// An account of ConnectSafely only.
pub(super) fn connectsafely(id: &str) -> Value {
    json!({"id": id, "label": format!("L {id}"), "connectsafelyAccountId": format!("cs-{id}")})
}

/// An account of both providers, with a session.
pub(super) fn both(id: &str) -> Value {
    json!({
        "id": id,
        "connectsafelyAccountId": format!("cs-{id}"),
        "linkupLoginToken": format!("li-session-{id}"),
        "linkupCountry": "FR",
        "listVia": "connectsafely",
        "threadsVia": "linkup",
    })
}

/// The error's field, for a refused request.
pub(super) fn field(reply: &AdminReply) -> &str {
    reply.body["error"]["field"].as_str().unwrap_or("")
}
