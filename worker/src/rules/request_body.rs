//! What a write route reads as its body: JSON (`application/json`, UTF-8), not encoded, at
//! most [`MAX_BODY_BYTES`]. Refusals happen before anything is sent or recorded: 415 for
//! another type or an encoding, 413 over the cap (even for a chunked body: the edge keeps no
//! more than the cap and drops what follows, `edge/body_reader.rs`), 400 for bytes that are
//! not UTF-8.

use linkedin_inbox::{ErrorCode, ServedError};

/// The longest body a write route or a webhook reads, in bytes as sent.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The refusal of a body whose declared `Content-Length` is over the cap (read no further).
pub fn check_declared_length(content_length: Option<&str>) -> Result<(), ServedError> {
    let declared = content_length.and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > MAX_BODY_BYTES as u64 => Err(too_large()),
        _ => Ok(()),
    }
}

/// 413 `PAYLOAD_TOO_LARGE`, naming the cap.
pub fn too_large() -> ServedError {
    let mut served = ServedError::new(
        ErrorCode::PayloadTooLarge,
        format!("the body must be at most {MAX_BODY_BYTES} bytes"),
    );
    served.field = Some("body");
    served
}

/// Checks `Content-Type` and `Content-Encoding` of a JSON write: `application/json`, with no
/// parameter but `charset=utf-8`; no encoding but `identity` (the proxy decodes none).
pub fn check_json_headers(
    content_type: Option<&str>,
    content_encoding: Option<&str>,
) -> Result<(), ServedError> {
    let unsupported = |field: &'static str, message: &str| {
        let mut served = ServedError::new(ErrorCode::UnsupportedMediaType, message);
        served.field = Some(field);
        served
    };
    if let Some(encoding) = content_encoding.map(str::trim).filter(|e| !e.is_empty()) {
        if !encoding.eq_ignore_ascii_case("identity") {
            return Err(unsupported(
                "Content-Encoding",
                "the body must not be encoded (send it uncompressed, without Content-Encoding)",
            ));
        }
    }
    let expected = "the body must be JSON: send Content-Type: application/json";
    let Some(content_type) = content_type else {
        return Err(unsupported("Content-Type", expected));
    };
    let mut parts = content_type.split(';');
    let media_type = parts.next().unwrap_or_default().trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return Err(unsupported("Content-Type", expected));
    }
    for parameter in parts.map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = parameter.split_once('=').unwrap_or((parameter, ""));
        let value = value.trim().trim_matches('"');
        let utf8 = name.trim().eq_ignore_ascii_case("charset")
            && (value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8"));
        if !utf8 {
            return Err(unsupported(
                "Content-Type",
                "the body must be JSON in UTF-8: application/json takes no parameter but charset=utf-8",
            ));
        }
    }
    Ok(())
}

/// The body as text: 400 naming `body` when it is not UTF-8 (never read with replacement
/// characters, which would send something the person did not write).
pub fn utf8_text(bytes: Vec<u8>) -> Result<String, linkedin_inbox::Error> {
    String::from_utf8(bytes).map_err(|e| linkedin_inbox::Error::InvalidInput {
        field: "body",
        reason: format!(
            "is not valid UTF-8 (invalid bytes at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<(), ServedError>) -> Option<(u16, &'static str)> {
        result.err().map(|s| (s.status, s.field.unwrap_or("-")))
    }

    #[test]
    fn json_in_utf8_is_read_and_nothing_else() {
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
            "application/json; charset=utf8;",
        ] {
            assert_eq!(check_json_headers(Some(ok), None), Ok(()), "{ok}");
        }
        for (content_type, refused) in [
            (None, "Content-Type"),
            (Some(""), "Content-Type"),
            (Some("text/plain"), "Content-Type"),
            (Some("application/x-www-form-urlencoded"), "Content-Type"),
            (Some("multipart/form-data; boundary=x"), "Content-Type"),
            (Some("application/json-patch+json"), "Content-Type"),
            (Some("application/jsonx"), "Content-Type"),
            (Some("application/json; charset=latin1"), "Content-Type"),
            (Some("application/json; boundary=x"), "Content-Type"),
            (Some("garbage"), "Content-Type"),
        ] {
            assert_eq!(
                code(check_json_headers(content_type, None)),
                Some((415, refused)),
                "{content_type:?}"
            );
        }
    }

    #[test]
    fn encoded_bodies_are_refused_and_identity_is_not_an_encoding() {
        let json = Some("application/json");
        for encoding in ["gzip", "br", "deflate", "gzip, identity", "x"] {
            assert_eq!(
                code(check_json_headers(json, Some(encoding))),
                Some((415, "Content-Encoding")),
                "{encoding}"
            );
        }
        for encoding in ["identity", "IDENTITY", " ", ""] {
            assert_eq!(
                check_json_headers(json, Some(encoding)),
                Ok(()),
                "{encoding}"
            );
        }
    }

    #[test]
    fn a_declared_length_over_the_cap_is_413() {
        assert_eq!(check_declared_length(None), Ok(()));
        assert_eq!(check_declared_length(Some("65536")), Ok(()));
        assert_eq!(
            code(check_declared_length(Some("65537"))),
            Some((413, "body"))
        );
        assert_eq!(
            code(check_declared_length(Some(" 99999999999 "))),
            Some((413, "body"))
        );
        assert_eq!(too_large().code, ErrorCode::PayloadTooLarge);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_not_replaced() {
        assert_eq!(
            utf8_text(b"{\"text\":\"a\"}".to_vec()).unwrap(),
            "{\"text\":\"a\"}"
        );
        let refused = utf8_text(b"{\"text\":\"a\xffb\"}".to_vec()).unwrap_err();
        assert_eq!(refused.field(), Some("body"));
        assert!(refused.to_string().contains("offset 10"), "{refused}");
    }
}
