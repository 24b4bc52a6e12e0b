//! Test harness: runs the real sandbox binary on a free loopback port and talks HTTP to it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use linkedin_inbox::{HttpRequest, HttpResponse};
use serde_json::Value;

pub const CS_KEY: &str = "demo-connectsafely-key";
pub const LINKUP_KEY: &str = "demo-linkup-key";
pub const DOC_ACCOUNT: &str = "696ce9e780e0483585e4e553";
pub const TITOUAN_TOKEN: &str = "demo-login-token-titouan";
pub const DOC_PROFILE_URL: &str = "https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/";

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
        let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
            .args(["--port", "0", "--test-controls"])
            .args(extra)
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

    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let request = agent().request(method, &format!("{}/__sandbox/{path}", self.base));
        let response = match body {
            Some(body) => request.send_string(&body.to_string()),
            None => request.call(),
        };
        json_of(response).1
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

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(20))
        .build()
}

fn json_of(result: Result<ureq::Response, ureq::Error>) -> (u16, Value) {
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
