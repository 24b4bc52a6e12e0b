//! Request bodies read in bounded chunks: a body is never held past
//! [`request_body::MAX_BODY_BYTES`], whether it declares its length or comes chunked.

use std::pin::pin;
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use worker::{Delay, Request};

use crate::rules::request_body::{self, MAX_BODY_BYTES};

/// How much of a body over the cap is still read (and dropped) before the refusal, so a
/// sender a little over the cap has finished sending and reads the 413 instead of a
/// connection reset; past this the connection is simply closed under the sender.
const DRAINED_BYTES: usize = 4 * MAX_BODY_BYTES;

/// How long a body may take to arrive: a sender trickling bytes does not hold the request
/// open longer than this.
const READ_DEADLINE: Duration = Duration::from_secs(10);

/// Why a body was not read whole.
pub enum Unread {
    /// Over the cap (declared, or counted while reading).
    TooLarge,
    /// The stream broke before its end.
    Broken,
}

/// The raw body, at most [`MAX_BODY_BYTES`]: refused from its `Content-Length` before reading,
/// else read chunk by chunk and dropped as soon as it passes the cap; cut off (`Broken`) when
/// it has not arrived within [`READ_DEADLINE`].
pub async fn read_capped(req: &mut Request) -> Result<Vec<u8>, Unread> {
    let read = pin!(read_within_cap(req));
    let deadline = pin!(Delay::from(READ_DEADLINE));
    match select(read, deadline).await {
        Either::Left((read, _)) => read,
        Either::Right(_) => Err(Unread::Broken),
    }
}

async fn read_within_cap(req: &mut Request) -> Result<Vec<u8>, Unread> {
    let declared = req.headers().get("Content-Length").ok().flatten();
    let drain_declared = declared
        .as_deref()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .is_some_and(|n| n <= DRAINED_BYTES);
    if request_body::check_declared_length(declared.as_deref()).is_err() {
        if drain_declared {
            drain(req, 0).await;
        }
        return Err(Unread::TooLarge);
    }
    let Ok(mut stream) = req.stream() else {
        // No body at all.
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.map_err(|_| Unread::Broken)?);
        if body.len() > MAX_BODY_BYTES {
            let read = body.len();
            drop(body);
            drain_stream(&mut stream, read).await;
            return Err(Unread::TooLarge);
        }
    }
    Ok(body)
}

/// Reads and drops what is left of a body, up to [`DRAINED_BYTES`] in all.
async fn drain(req: &mut Request, read: usize) {
    if let Ok(mut stream) = req.stream() {
        drain_stream(&mut stream, read).await;
    }
}

async fn drain_stream(stream: &mut worker::ByteStream, mut read: usize) {
    while read <= DRAINED_BYTES {
        match stream.next().await {
            Some(Ok(chunk)) => read += chunk.len(),
            _ => return,
        }
    }
}
