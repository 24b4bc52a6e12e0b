//! A command as admin API requests: method, path and JSON body, nothing sent here.

use serde_json::{json, Map, Value};

use crate::command::{AccountFields, Command, NewClient};
use crate::error::Secret;

/// The page size of every walk (the API's most).
pub const PAGE_LIMIT: u32 = 100;

/// One admin API request, before the base URL and the headers are added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The path and query, from `/admin/v1/`.
    pub path: String,
    /// The JSON body, if any.
    pub body: Option<String>,
}

/// What a command asks of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// One request.
    One(ApiRequest),
    /// Every page of a collection (`/admin/v1/clients`, `.../accounts`, `.../audit`).
    AllPages(&'static str),
}

/// What the command needs read before it is sent: a LinkedIn session, or a registry to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Nothing.
    None,
    /// A LinkupAPI session (`account add --linkup-session-stdin`, `account rotate-session`).
    Session(Secret),
    /// The `CLIENTS` JSON text to import.
    Registry(String),
}

fn request(method: &'static str, path: String, body: Option<Value>) -> ApiRequest {
    ApiRequest {
        method,
        path,
        body: body.map(|body| body.to_string()),
    }
}

/// The request(s) for `command`, with what was read for it.
pub fn plan(command: &Command, input: Input) -> Plan {
    let clients = |name: &str| format!("/admin/v1/clients/{name}");
    let accounts = |id: &str| format!("/admin/v1/accounts/{id}");
    let (session, registry) = match input {
        Input::None => (None, None),
        Input::Session(session) => (Some(session), None),
        Input::Registry(text) => (None, Some(text)),
    };
    Plan::One(match command {
        Command::ClientList => return Plan::AllPages("/admin/v1/clients"),
        Command::AccountList => return Plan::AllPages("/admin/v1/accounts"),
        Command::Audit { .. } => return Plan::AllPages("/admin/v1/audit"),
        Command::ClientAdd(client) => {
            request("POST", "/admin/v1/clients".into(), Some(new_client(client)))
        }
        Command::ClientShow(name) => request("GET", clients(name), None),
        Command::ClientSetDisabled { name, disabled } => request(
            "PATCH",
            clients(name),
            Some(json!({ "disabled": disabled })),
        ),
        Command::ClientDelete(name) => request("DELETE", clients(name), None),
        Command::ClientRotateToken(name) => {
            request("POST", format!("{}/token", clients(name)), None)
        }
        Command::ClientRebuildIndex(name) => {
            request("POST", format!("{}/index/rebuild", clients(name)), None)
        }
        Command::ClientOrigins { name, origins } => request(
            "PATCH",
            clients(name),
            Some(json!({ "allowedOrigins": origins })),
        ),
        Command::AccountAdd { id, fields, .. } => {
            let mut body = account_fields(fields);
            body.insert("id".into(), json!(id));
            if let Some(session) = &session {
                body.insert("linkupLoginToken".into(), json!(session.expose()));
            }
            request(
                "POST",
                "/admin/v1/accounts".into(),
                Some(Value::Object(body)),
            )
        }
        Command::AccountShow(id) => request("GET", accounts(id), None),
        Command::AccountSetDisabled { id, disabled } => {
            request("PATCH", accounts(id), Some(json!({ "disabled": disabled })))
        }
        Command::AccountDelete { id, unlink } => {
            let query = if *unlink { "?unlink=true" } else { "" };
            request("DELETE", format!("{}{query}", accounts(id)), None)
        }
        Command::AccountRotateSession(id) => {
            let session = session.as_ref().map_or("", Secret::expose);
            request(
                "PATCH",
                accounts(id),
                Some(json!({ "linkupLoginToken": session })),
            )
        }
        Command::AccountWebhookSecret { id, provider } => request(
            "POST",
            format!("{}/webhook-secret/{}", accounts(id), provider.as_str()),
            None,
        ),
        Command::Link { client, account } => request(
            "PUT",
            format!("{}/accounts/{account}", clients(client)),
            None,
        ),
        Command::Unlink { client, account } => request(
            "DELETE",
            format!("{}/accounts/{account}", clients(client)),
            None,
        ),
        Command::Import(_) => ApiRequest {
            method: "POST",
            path: "/admin/v1/import".into(),
            body: registry,
        },
        Command::Reseal => request("POST", "/admin/v1/reseal".into(), None),
    })
}

fn new_client(client: &NewClient) -> Value {
    let mut body = Map::new();
    body.insert("name".into(), json!(client.name));
    if !client.origins.is_empty() {
        body.insert("allowedOrigins".into(), json!(client.origins));
    }
    if !client.accounts.is_empty() {
        body.insert("accounts".into(), json!(client.accounts));
    }
    if let Some(role) = client.role {
        body.insert("role".into(), json!(role.as_str()));
    }
    Value::Object(body)
}

fn account_fields(fields: &AccountFields) -> Map<String, Value> {
    let mut body = Map::new();
    let mut put = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            body.insert(key.into(), json!(value));
        }
    };
    put("label", fields.label.as_deref());
    put(
        "connectsafelyAccountId",
        fields.connectsafely_account_id.as_deref(),
    );
    put("linkupAccountId", fields.linkup_account_id.as_deref());
    put("linkupCountry", fields.linkup_country.as_deref());
    put("listVia", fields.list_via.map(|p| p.as_str()));
    put("threadsVia", fields.threads_via.map(|p| p.as_str()));
    body
}

/// One page of a collection: `after` is the last page's `next`.
pub fn page(collection: &str, after: Option<&str>) -> ApiRequest {
    let mut path = format!("{collection}?limit={PAGE_LIMIT}");
    if let Some(after) = after {
        path.push_str("&after=");
        path.push_str(&query_encoded(after));
    }
    request("GET", path, None)
}

/// Percent-encodes all but the URL's unreserved characters.
fn query_encoded(value: &str) -> String {
    let mut encoded = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
