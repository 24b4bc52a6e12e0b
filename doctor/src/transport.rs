//! Sending the core's requests: HTTPS through `ureq`, redirects left to the core's `Exchange`
//! (it follows one, to the same host only, as the product does).

use std::time::Duration;

use linkedin_inbox::{HttpRequest, HttpResponse};

/// Sends one request; `Err` says what kept it from being answered (never a URL or a header).
pub trait Transport {
    /// The answer, whatever its status.
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, String>;
}

/// The real transport: no redirects followed here, 30 s per call.
pub struct Ureq {
    agent: ureq::Agent,
}

impl Default for Ureq {
    fn default() -> Self {
        Self {
            agent: ureq::AgentBuilder::new()
                .redirects(0)
                .timeout(Duration::from_secs(30))
                .build(),
        }
    }
}

impl Transport for Ureq {
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, String> {
        let mut call = self.agent.request(request.method.as_str(), &request.url);
        for (name, value) in &request.headers {
            call = call.set(name, value);
        }
        let answered = match &request.body {
            Some(body) => call.send_string(body),
            None => call.call(),
        };
        let response = match answered {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(transport)) => {
                return Err(format!("{:?}", transport.kind()))
            }
        };
        let status = response.status();
        let headers = response
            .headers_names()
            .into_iter()
            .filter_map(|name| {
                let value = response.header(&name)?.to_owned();
                Some((name, value))
            })
            .collect();
        let body = response
            .into_string()
            .map_err(|e| format!("the answer could not be read: {:?}", e.kind()))?;
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        Ok(HttpResponse {
            status,
            headers,
            body,
        }
        .with_retry_after(now_ms))
    }
}
