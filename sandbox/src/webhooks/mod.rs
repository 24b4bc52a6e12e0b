//! Webhook delivery targets: where `/__sandbox/simulate` sends ConnectSafely's
//! `message.received` and LinkupAPI's `message_received` events. One target per (provider,
//! demo account), registered by `POST /__sandbox/webhooks`, `--webhook` or the config file.

pub mod delivery;
pub mod events;
pub mod simulate;

use std::fmt;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::faults::Endpoint;
use crate::respond::json_response;
use crate::state::AppState;

/// A webhook signing secret: printed as `[redacted]`, never listed.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct WebhookSecret(pub String);

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// One delivery target, as registered.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookTarget {
    pub provider: Endpoint,
    /// The demo account (its ConnectSafely id; the LinkupAPI v2 `lk_acc_` form is accepted).
    pub account: String,
    pub url: String,
    pub secret: WebhookSecret,
}

/// What `GET /__sandbox/webhooks` lists: a target without its secret.
#[derive(Serialize)]
pub struct ListedTarget<'a> {
    provider: &'static str,
    account: &'a str,
    url: &'a str,
}

/// An `http://host[:port]/path` URL, split for a plain HTTP/1.1 POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    /// `host:port`, what the socket connects to.
    pub address: String,
    /// The `Host` header.
    pub host_header: String,
    /// Path and query, at least `/`.
    pub path: String,
}

/// Parses a delivery URL: `http://` only (the sandbox speaks no TLS), a host, an optional
/// port, no user info, no fragment.
pub fn parse_http_url(url: &str) -> Result<HttpUrl, String> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Err(format!(
            "url {url:?}: the sandbox delivers over plain http only (e.g. http://127.0.0.1:8787/...)"
        ));
    }
    let Some(rest) = lower
        .starts_with("http://")
        .then(|| &url["http://".len()..])
    else {
        return Err(format!("url {url:?} must be an http:// URL"));
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) || url.contains('#') {
        return Err(format!(
            "url {url:?} must not contain spaces, control characters or a fragment"
        ));
    }
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_owned()),
        Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
        None => (rest, "/".to_owned()),
    };
    if authority.is_empty() || authority.contains('@') {
        return Err(format!(
            "url {url:?} needs a host (and no user info), e.g. http://127.0.0.1:8787/"
        ));
    }
    let (host, port) =
        split_host_port(authority).ok_or_else(|| format!("url {url:?} has a bad host or port"))?;
    Ok(HttpUrl {
        address: format!("{host}:{port}"),
        host_header: authority.to_owned(),
        path,
    })
}

/// `host`, `host:port`, `[v6]` or `[v6]:port` to (host as a socket address wants it, port).
fn split_host_port(authority: &str) -> Option<(&str, u16)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        let host = &authority[..v6.len() + 2];
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._[]:".contains(c));
    let port = match port {
        None => 80,
        Some(text) => text.parse::<u16>().ok().filter(|p| *p > 0)?,
    };
    valid_host.then_some((host, port))
}

/// The demo account `id` names (its ConnectSafely id, or the LinkupAPI v2 `lk_acc_<id>`).
pub fn account_id(state: &AppState, id: &str) -> Result<String, String> {
    let bare = id.strip_prefix("lk_acc_").unwrap_or(id);
    if state.account(bare).is_some() {
        return Ok(bare.to_owned());
    }
    let known: Vec<String> = state
        .lock()
        .accounts
        .iter()
        .map(|a| a.account_id.clone())
        .collect();
    Err(format!(
        "unknown account {id:?}; the demo accounts are {}",
        known.join(", ")
    ))
}

impl WebhookTarget {
    /// Checks the URL and secret and names the account by its ConnectSafely id.
    pub fn validated(mut self, state: &AppState) -> Result<Self, (&'static str, String)> {
        self.account = account_id(state, &self.account).map_err(|e| ("account", e))?;
        parse_http_url(&self.url).map_err(|e| ("url", e))?;
        if self.secret.0.is_empty() {
            return Err(("secret", "secret must not be empty".into()));
        }
        Ok(self)
    }
}

/// `connectsafely:<account>=<url>` or `linkup:<account>=<url>` (the `--webhook` flag).
pub fn parse_webhook_flag(spec: &str) -> Result<(Endpoint, &str, &str), String> {
    let usage = || {
        format!(
            "--webhook {spec:?} must be connectsafely:<account>=<url> or linkup:<account>=<url>"
        )
    };
    let (provider, rest) = spec.split_once(':').ok_or_else(usage)?;
    let (account, url) = rest.split_once('=').ok_or_else(usage)?;
    let provider = match provider {
        "connectsafely" => Endpoint::ConnectSafely,
        "linkup" => Endpoint::Linkup,
        _ => return Err(usage()),
    };
    if account.is_empty() {
        return Err(usage());
    }
    Ok((provider, account, url))
}

/// Adds `target`, replacing the one of the same provider and account.
pub fn register(targets: &mut Vec<WebhookTarget>, target: WebhookTarget) {
    targets.retain(|t| !(t.provider == target.provider && t.account == target.account));
    targets.push(target);
}

fn listing(state: &AppState) -> Response {
    let m = state.lock();
    let listed: Vec<ListedTarget<'_>> = m
        .webhooks
        .iter()
        .map(|t| ListedTarget {
            provider: t.provider.as_str(),
            account: &t.account,
            url: &t.url,
        })
        .collect();
    json_response(200, &json!({ "webhooks": listed }))
}

/// A 400 of the controls: `{"error": "...", "field"?}`.
pub fn bad_request(field: Option<&str>, message: &str) -> Response {
    match field {
        Some(field) => json_response(400, &json!({"error": message, "field": field})),
        None => json_response(400, &json!({ "error": message })),
    }
}

/// `GET /__sandbox/webhooks`: the targets, without secrets.
pub async fn list(State(state): State<Arc<AppState>>) -> Response {
    listing(&state)
}

/// `POST /__sandbox/webhooks {provider, account, url, secret}`: registers (replaces) a target.
pub async fn add(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let target: WebhookTarget = match serde_json::from_slice(&body) {
        Ok(target) => target,
        Err(e) => {
            return bad_request(
                None,
                &format!(
                    "bad webhook: {e} (expected {{\"provider\": \"connectsafely\"|\"linkup\", \
\"account\", \"url\", \"secret\"}})"
                ),
            )
        }
    };
    let target = match target.validated(&state) {
        Ok(target) => target,
        Err((field, message)) => return bad_request(Some(field), &message),
    };
    register(&mut state.lock().webhooks, target);
    listing(&state)
}

/// `DELETE /__sandbox/webhooks`: forgets every target and every held delivery.
pub async fn clear(State(state): State<Arc<AppState>>) -> Response {
    {
        let mut m = state.lock();
        m.webhooks.clear();
        m.held_deliveries.clear();
    }
    listing(&state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let url = parse_http_url("http://127.0.0.1:8787/v1/webhooks/linkup/alex?x=1").unwrap();
        assert_eq!(url.address, "127.0.0.1:8787");
        assert_eq!(url.host_header, "127.0.0.1:8787");
        assert_eq!(url.path, "/v1/webhooks/linkup/alex?x=1");
        let url = parse_http_url("HTTP://localhost").unwrap();
        assert_eq!(
            (url.address.as_str(), url.path.as_str()),
            ("localhost:80", "/")
        );
        let url = parse_http_url("http://[::1]:9000?a").unwrap();
        assert_eq!(
            (url.address.as_str(), url.path.as_str()),
            ("[::1]:9000", "/?a")
        );
        for bad in [
            "https://example.com/",
            "ftp://x/",
            "127.0.0.1:80/",
            "http://",
            "http://user@host/",
            "http://host:0/",
            "http://host:99999/",
            "http://host/a b",
            "http://host/#frag",
        ] {
            assert!(parse_http_url(bad).is_err(), "{bad}");
        }
    }
}
