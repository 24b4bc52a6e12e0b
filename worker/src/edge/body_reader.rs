//! Request bodies read in bounded chunks: a body is never held past
//! [`request_body::MAX_BODY_BYTES`], whether it declares its length or comes chunked.

use futures_util::StreamExt;
use worker::Request;

use crate::rules::request_body::{self, MAX_BODY_BYTES};

/// Why a body was not read whole.
pub enum Unread {
    /// Over the cap (declared, or counted while reading).
    TooLarge,
    /// The stream broke before its end.
    Broken,
}

/// The raw body, at most [`MAX_BODY_BYTES`]: refused from its `Content-Length` before reading,
/// else read chunk by chunk and dropped as soon as it passes the cap.
pub async fn read_capped(req: &mut Request) -> Result<Vec<u8>, Unread> {
    let declared = req.headers().get("Content-Length").ok().flatten();
    if request_body::check_declared_length(declared.as_deref()).is_err() {
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
            return Err(Unread::TooLarge);
        }
    }
    Ok(body)
}
