//! Sending a request: HTTPS through `ureq` (plain HTTP only to loopback, checked before).

use std::time::Duration;

/// An HTTP answer, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

/// One request sent; `Err` says what kept it from being answered (never a header value).
pub trait Transport {
    /// Sends `body` (JSON) with `headers` to `url` by `method`.
    fn send(
        &mut self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Result<Answer, String>;
}

/// The real transport: no redirect followed (the token stays with the host it was meant
/// for), 30 s per call.
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
    fn send(
        &mut self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Result<Answer, String> {
        let mut call = self.agent.request(method, url);
        for (name, value) in headers {
            call = call.set(name, value);
        }
        let answered = match body {
            Some(body) => call.send_string(body),
            None => call.call(),
        };
        let response = match answered {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(transport)) => {
                return Err(format!(
                    "{} ({})",
                    transport.kind(),
                    transport_detail(&transport)
                ))
            }
        };
        let status = response.status();
        let body = response
            .into_string()
            .map_err(|e| format!("the answer could not be read: {:?}", e.kind()))?;
        Ok(Answer { status, body })
    }
}

/// The transport error's own words without its URL (which is the operator's own anyway).
fn transport_detail(transport: &ureq::Transport) -> String {
    transport
        .message()
        .map_or_else(|| "no detail".to_owned(), str::to_owned)
}
