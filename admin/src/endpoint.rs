//! Where the admin token may be sent: the Worker's base URL, checked.

use crate::error::CliError;

/// The Worker's base URL without a trailing `/`, if it is `https://`, or `http://` to this
/// computer (a local `wrangler dev`); the admin token would otherwise cross the network in
/// clear. The same rule as the doctor's, and a user-info part (`http://localhost@host`) is
/// refused: the request would go to the host after `@`.
pub fn checked_base_url(url: &str) -> Result<String, CliError> {
    // The URL is repeated only up to its first `@`: a password pasted there is never echoed.
    let shown = url.split('@').next().unwrap_or_default();
    let refuse = |why: &str| {
        Err(CliError::setting(format!(
            "--url {}{}: {why}",
            crate::render::printable(shown),
            if shown.len() < url.len() { "@…" } else { "" }
        )))
    };
    let (secure, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else {
        return refuse(
            "the Worker's URL starts with https:// (http:// only to 127.0.0.1 or localhost)",
        );
    };
    if rest.contains(['?', '#']) {
        return refuse("a base URL has no query or fragment");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return refuse("a host is needed, with no user name or password in it");
    }
    if !secure && !is_loopback(authority) {
        return refuse(
            "the admin token goes only over https:// (plain http:// only to 127.0.0.1 or localhost)",
        );
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// `127.0.0.1`, `localhost` or `[::1]`, with or without a port.
fn is_loopback(authority: &str) -> bool {
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}
