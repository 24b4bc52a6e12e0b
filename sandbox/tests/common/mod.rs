//! Test harness: runs the real sandbox binary on a free loopback port and talks HTTP to it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use linkedin_inbox::{HttpRequest, HttpResponse};
use serde_json::Value;

mod receiver;
mod shape;
mod walks;
#[allow(unused_imports)] // not every test binary delivers webhooks
pub use receiver::{Received, Receiver};
#[allow(unused_imports)] // not every test binary compares with a documented example
pub use shape::{assert_documented_shape, documented, shape};
#[allow(unused_imports)] // not every test binary walks a listing
pub use walks::*;

pub const CS_KEY: &str = "demo-connectsafely-key";
pub const LINKUP_KEY: &str = "demo-linkup-key";
pub const DOC_ACCOUNT: &str = "696ce9e780e0483585e4e553";
pub const TITOUAN_TOKEN: &str = "demo-login-token-titouan";
pub const DOC_PROFILE_URL: &str = "https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/";
pub const ALEX_TOKEN: &str = "demo-login-token-alex";
pub const TITOUAN_ACCOUNT: &str = "5f1b2c3d4e5f60718293a4b5";
pub const PRIYA_ACCOUNT: &str = "6a7b8c9d0e1f2a3b4c5d6e7f";
pub const DOC_THREAD: &str = "2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==";
pub const LINKUP_DOC_THREAD: &str = "2-OTFjNWU3YWMtN2IwNi00ZWUwLWE1YzYtNTg4OGNkMGU2ZGRhXzAxMw==";
/// LinkupAPI v2 ids of the three demo accounts, and the inactive one.
pub const V2_DOC_ACCOUNT: &str = "lk_acc_696ce9e780e0483585e4e553";
pub const V2_TITOUAN_ACCOUNT: &str = "lk_acc_5f1b2c3d4e5f60718293a4b5";
pub const V2_INACTIVE_ACCOUNT: &str = "lk_acc_inactive";

/// A sandbox process, killed when dropped.
pub struct Sandbox {
    child: Child,
    pub base: String,
}

impl Sandbox {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> Self {
        let mut args = vec!["--test-controls"];
        args.extend_from_slice(extra);
        Self::start_bare(&args)
    }

    /// The sandbox with exactly `args` (no `--test-controls` unless given).
    pub fn start_bare(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sandbox binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("sandbox listening on ")
            .expect("the sandbox prints its URL")
            .to_owned();
        Self { child, base }
    }

    pub fn cs_base(&self) -> String {
        format!("{}/linkedin", self.base)
    }

    /// GET recent-messages with a raw query string and a key.
    pub fn recent(&self, query: &str, key: Option<&str>) -> (u16, Value) {
        let mut request = agent().get(&format!(
            "{}/linkedin/messaging/recent-messages?{query}",
            self.base
        ));
        if let Some(key) = key {
            request = request.set("authorization", &format!("Bearer {key}"));
        }
        json_of(request.call())
    }

    /// POST conversation with a JSON body and a key.
    pub fn conversation(&self, body: &Value, key: Option<&str>) -> (u16, Value) {
        let mut request = agent()
            .post(&format!("{}/v1/messages/conversation", self.base))
            .set("content-type", "application/json");
        if let Some(key) = key {
            request = request.set("x-api-key", key);
        }
        json_of(request.send_string(&body.to_string()))
    }

    /// GET a ConnectSafely path under `/linkedin` (with its query) and a key.
    pub fn cs_get(&self, path_and_query: &str, key: Option<&str>) -> (u16, Value) {
        let mut request = agent().get(&format!("{}/linkedin{path_and_query}", self.base));
        if let Some(key) = key {
            request = request.set("authorization", &format!("Bearer {key}"));
        }
        json_of(request.call())
    }

    /// POST a JSON body to a ConnectSafely path under `/linkedin` with a key.
    pub fn cs_post(&self, path: &str, body: &Value, key: Option<&str>) -> (u16, Value) {
        json_of(self.cs_post_raw(path, &body.to_string(), key))
    }

    /// POST a raw body to a ConnectSafely path under `/linkedin`: the whole result, for
    /// headers and transport errors.
    #[allow(clippy::result_large_err)] // ureq's own error type
    pub fn cs_post_raw(
        &self,
        path: &str,
        body: &str,
        key: Option<&str>,
    ) -> Result<ureq::Response, ureq::Error> {
        let mut request = agent()
            .post(&format!("{}/linkedin{path}", self.base))
            .set("content-type", "application/json");
        if let Some(key) = key {
            request = request.set("authorization", &format!("Bearer {key}"));
        }
        request.send_string(body)
    }

    /// PATCH a ConnectSafely path under `/linkedin` (with its query), no body.
    pub fn cs_patch(&self, path_and_query: &str, key: Option<&str>) -> (u16, Value) {
        let mut request =
            agent().request("PATCH", &format!("{}/linkedin{path_and_query}", self.base));
        if let Some(key) = key {
            request = request.set("authorization", &format!("Bearer {key}"));
        }
        json_of(request.call())
    }

    /// POST a JSON body to a LinkupAPI path with a key.
    pub fn linkup_post(&self, path: &str, body: &Value, key: Option<&str>) -> (u16, Value) {
        let mut request = agent()
            .post(&format!("{}{path}", self.base))
            .set("content-type", "application/json");
        if let Some(key) = key {
            request = request.set("x-api-key", key);
        }
        json_of(request.send_string(&body.to_string()))
    }

    /// POST `/v2/messages` with the demo key.
    pub fn v2(&self, account_id: &str, action: &str, params: Value) -> (u16, Value) {
        let body =
            serde_json::json!({"account_id": account_id, "action": action, "params": params});
        self.linkup_post("/v2/messages", &body, Some(LINKUP_KEY))
    }

    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let request = agent().request(method, &format!("{}/__sandbox/{path}", self.base));
        let response = match body {
            Some(body) => request.send_string(&body.to_string()),
            None => request.call(),
        };
        json_of(response).1
    }

    /// A control call's status and JSON body (`null` when the body is not JSON).
    pub fn control_status(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        let request = agent().request(method, &format!("{}/__sandbox/{path}", self.base));
        let result = match body {
            Some(body) => request
                .set("content-type", "application/json")
                .send_string(body),
            None => request.call(),
        };
        let (status, text) = status_text(result);
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `POST /__sandbox/simulate` with `body`: status and answer.
    pub fn simulate(&self, body: Value) -> (u16, Value) {
        self.control_status("POST", "simulate", Some(&body.to_string()))
    }

    pub fn stats(&self) -> Value {
        self.control("GET", "stats", None)
    }

    pub fn calls(&self, endpoint: &str) -> u64 {
        self.stats()["calls"][endpoint].as_u64().unwrap()
    }

    pub fn fault(&self, spec: Value) {
        self.control("POST", "faults", Some(spec));
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An agent that reports redirects instead of following them.
pub fn no_redirect_agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(20))
        .redirects(0)
        .build()
}

/// Status, one header and body text of a finished call (any status).
pub fn status_header_text(
    result: Result<ureq::Response, ureq::Error>,
    header: &str,
) -> (u16, Option<String>, String) {
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let value = response.header(header).map(str::to_owned);
    (response.status(), value, response.into_string().unwrap())
}

/// Epoch ms of `YYYY-MM-DDTHH:MM:SS.mmmZ` (days from civil, the inverse of what the sandbox
/// computes, so a wrong conversion there cannot agree with this one by accident).
pub fn iso_to_ms(text: &str) -> i64 {
    let b = text.as_bytes();
    assert!(
        text.len() == 24
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[19] == b'.'
            && b[23] == b'Z',
        "not ISO-8601 with ms: {text}"
    );
    let n = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400_000 + n(11..13) * 3_600_000 + n(14..16) * 60_000 + n(17..19) * 1_000 + n(20..23)
}

pub fn urlencode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(20))
        .build()
}

pub fn json_of(result: Result<ureq::Response, ureq::Error>) -> (u16, Value) {
    let (status, text) = status_text(result);
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub fn status_text(result: Result<ureq::Response, ureq::Error>) -> (u16, String) {
    match result {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
        Err(e) => panic!("transport error: {e}"),
    }
}

/// The small native HTTP client of the tests: sends a core `HttpRequest` for real.
pub fn send(request: &HttpRequest) -> HttpResponse {
    send_with(&agent(), request)
}

pub fn send_with(agent: &ureq::Agent, request: &HttpRequest) -> HttpResponse {
    let mut call = agent.request(request.method.as_str(), &request.url);
    for (name, value) in &request.headers {
        call = call.set(name, value);
    }
    let result = match &request.body {
        Some(body) => call.send_string(body),
        None => call.call(),
    };
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|n| response.header(&n).map(|v| (n.clone(), v.to_owned())))
        .collect();
    HttpResponse {
        status,
        headers,
        body: response.into_string().unwrap(),
    }
}

/// The documented example bodies, parsed with their key order kept.
pub fn doc_fixture(name: &str) -> Value {
    let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
