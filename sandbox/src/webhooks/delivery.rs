//! Delivering webhook events: signing them as each provider does and POSTing them over plain
//! HTTP/1.1 (15 s to answer), counting the outcomes.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::faults::Endpoint;
use crate::state::{now_ms, AppState};
use crate::webhooks::HttpUrl;

/// How long a target has to answer, as ConnectSafely allows.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);
/// At most this much of an answer is read (only its status matters).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// One event for one target.
#[derive(Clone)]
pub struct Delivery {
    pub provider: Endpoint,
    pub url: String,
    pub target: HttpUrl,
    /// The key it is signed with (a wrong one for `badSignature`).
    pub signing_secret: String,
    pub body: Vec<u8>,
    /// ConnectSafely's `data.id`, LinkupAPI's `event_id`.
    pub event_id: String,
    /// Sent twice, the same bytes, as a provider's retry.
    pub twice: bool,
}

/// The deliveries of one simulate.
#[derive(Clone, Default)]
pub struct Batch {
    pub deliveries: Vec<Delivery>,
    /// Sent in the background after this long (0: at once, answered in the simulate).
    pub delay_ms: u64,
}

/// What became of a delivery: `delivered` (2xx), `rejected` (another status), `failed` (no
/// answer: refused, reset, timed out), or not yet sent: `held`, `scheduled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Delivered,
    Rejected,
    Failed,
    Held,
    Scheduled,
}

/// One line of a simulate's `deliveries`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryReport {
    pub provider: &'static str,
    pub url: String,
    /// The HTTP status the target answered; `null` when it did not (yet).
    pub status: Option<u16>,
    pub outcome: Outcome,
    pub event_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Held back by an earlier simulate (`hold`) and sent by this one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub released: bool,
}

impl Delivery {
    /// A report of this delivery that was not sent (yet).
    pub fn pending(&self, outcome: Outcome) -> DeliveryReport {
        DeliveryReport {
            provider: self.provider.as_str(),
            url: self.url.clone(),
            status: None,
            outcome,
            event_id: self.event_id.clone(),
            error: None,
            released: false,
        }
    }

    /// The signature headers, computed now (LinkupAPI signs the current time).
    fn signature_headers(&self) -> Vec<(&'static str, String)> {
        let secret = self.signing_secret.as_bytes();
        match self.provider {
            Endpoint::ConnectSafely => vec![(
                "X-Webhook-Signature",
                format!("sha256={}", hmac_sha256_hex(secret, &[&self.body])),
            )],
            Endpoint::Linkup => {
                let timestamp = (now_ms() / 1000).to_string();
                let signature = hmac_sha256_hex(secret, &[timestamp.as_bytes(), b".", &self.body]);
                vec![
                    ("X-Linkup-Timestamp", timestamp),
                    ("X-Linkup-Signature", format!("v1={signature}")),
                ]
            }
        }
    }
}

/// Lower-case hex HMAC-SHA256 of the concatenated `parts`.
pub fn hmac_sha256_hex(secret: &[u8], parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sends `batch` now, in order (each `twice` delivery twice in a row), and reports each POST.
pub async fn send(state: &AppState, batch: &Batch, released: bool) -> Vec<DeliveryReport> {
    let mut reports = Vec::new();
    for delivery in &batch.deliveries {
        let headers = delivery.signature_headers();
        for _ in 0..if delivery.twice { 2 } else { 1 } {
            let result = post(&delivery.target, &headers, &delivery.body).await;
            let report = DeliveryReport {
                status: result.as_ref().ok().copied(),
                outcome: match result {
                    Ok(200..=299) => Outcome::Delivered,
                    Ok(_) => Outcome::Rejected,
                    Err(_) => Outcome::Failed,
                },
                error: result.err(),
                released,
                ..delivery.pending(Outcome::Delivered)
            };
            state.lock().count_webhook(report.outcome);
            eprintln!(
                "sandbox: webhook {} {} status={}",
                report.provider,
                report.url,
                report.status.map_or_else(|| "-".into(), |s| s.to_string())
            );
            reports.push(report);
        }
    }
    reports
}

/// Sends `batch` at once (reports) or, with a delay, in the background (`scheduled`).
pub async fn send_or_schedule(
    state: &Arc<AppState>,
    batch: Batch,
    released: bool,
) -> Vec<DeliveryReport> {
    if batch.delay_ms == 0 {
        return send(state, &batch, released).await;
    }
    let reports = batch
        .deliveries
        .iter()
        .map(|d| DeliveryReport {
            released,
            ..d.pending(Outcome::Scheduled)
        })
        .collect();
    let state = Arc::clone(state);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(batch.delay_ms)).await;
        send(&state, &batch, released).await;
    });
    reports
}

/// One `POST` with a JSON body; the answer's status, or why there was none.
async fn post(target: &HttpUrl, headers: &[(&str, String)], body: &[u8]) -> Result<u16, String> {
    let exchange = async {
        let mut stream = TcpStream::connect(&target.address)
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", target.address))?;
        let mut head = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: linkedin-inbox-sandbox\r\n\
Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
            target.path,
            target.host_header,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let write = async {
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body).await?;
            stream.flush().await
        };
        write.await.map_err(|e| format!("sending failed: {e}"))?;
        read_status(&mut stream).await
    };
    tokio::time::timeout(ANSWER_TIMEOUT, exchange)
        .await
        .unwrap_or_else(|_| Err("no answer within 15 s".into()))
}

/// Reads an answer (its head, then the body its `Content-Length` announces, or up to the
/// close) and returns its status.
async fn read_status(stream: &mut TcpStream) -> Result<u16, String> {
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let mut expected_len: Option<usize> = None;
    loop {
        if let Some(len) = expected_len {
            if answer.len() >= len {
                break;
            }
        } else if let Some(end) = find(&answer, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
            let body_len = head.lines().find_map(|line| {
                line.strip_prefix("content-length:")
                    .and_then(|v| v.trim().parse::<usize>().ok())
            });
            let chunked = head.contains("transfer-encoding: chunked");
            match body_len {
                Some(len) => {
                    expected_len = Some(end + 4 + len);
                    continue;
                }
                None if chunked && answer.ends_with(b"0\r\n\r\n") => break,
                None => {}
            }
        }
        if answer.len() > MAX_ANSWER_BYTES {
            break;
        }
        match stream.read(&mut buffer).await {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
            Err(e) if answer.is_empty() => return Err(format!("no answer: {e}")),
            Err(_) => break,
        }
    }
    let status_line = answer.split(|b| *b == b'\n').next().unwrap_or_default();
    let status_line = String::from_utf8_lossy(status_line);
    let mut words = status_line.split_whitespace();
    match (
        words.next(),
        words.next().and_then(|s| s.parse::<u16>().ok()),
    ) {
        (Some(version), Some(status)) if version.starts_with("HTTP/") => Ok(status),
        _ if answer.is_empty() => Err("the connection closed without an answer".into()),
        _ => Err("the answer is not HTTP".into()),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            hmac_sha256_hex(b"Jefe", &[b"what do ya want ", b"for nothing?"]),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
