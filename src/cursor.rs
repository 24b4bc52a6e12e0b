//! Opaque, provider-tagged cursors bound to the filters of the query that produced them.
//!
//! Wire form: base64url (no padding) of `v1|<provider>|<fingerprint>|<upstream cursor>`, or
//! `v2|<provider>|<fingerprint>|<skip>|<upstream cursor>` for a position inside an upstream
//! page (a page filtered on our side stops where it has enough matches; the upstream cursor
//! is empty for the first upstream page).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Longest cursor accepted, in characters (upstream cursors are short).
pub const MAX_CURSOR_LEN: usize = 2048;
const VERSION: &str = "v1";

/// The upstream provider behind an operation or a cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// ConnectSafely (conversation lists).
    ConnectSafely,
    /// LinkupAPI (conversation messages).
    Linkup,
}

impl Provider {
    /// Stable lower-case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ConnectSafely => "connectsafely",
            Self::Linkup => "linkup",
        }
    }

    /// The provider named by [`Provider::as_str`] (`None` for any other name).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "connectsafely" => Some(Self::ConnectSafely),
            "linkup" => Some(Self::Linkup),
            _ => None,
        }
    }
}

/// A decoded cursor: which provider, which query, and the provider's own cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Provider that issued the upstream cursor.
    pub provider: Provider,
    /// Fingerprint of the query filters it belongs to.
    pub fingerprint: String,
    /// The provider's own cursor, verbatim ("" for the first upstream page, with `skip`).
    pub upstream: String,
    /// Items of that upstream page already handed out (a locally filtered walk).
    pub skip: u32,
}

impl Cursor {
    /// The opaque string handed to callers.
    pub fn encode(&self) -> String {
        let raw = match self.skip {
            0 if !self.upstream.is_empty() => format!(
                "{VERSION}|{}|{}|{}",
                self.provider.as_str(),
                self.fingerprint,
                self.upstream
            ),
            skip => format!(
                "v2|{}|{}|{skip}|{}",
                self.provider.as_str(),
                self.fingerprint,
                self.upstream
            ),
        };
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// A cursor of `provider` for an upstream cursor (no skip).
    pub(crate) fn upstream(provider: Provider, fingerprint: &str, upstream: String) -> Self {
        Self {
            provider,
            fingerprint: fingerprint.to_owned(),
            upstream,
            skip: 0,
        }
    }

    /// Decodes an opaque cursor; any malformed input is [`crate::ErrorCode::InvalidCursor`].
    pub fn decode(opaque: &str) -> Result<Self> {
        if opaque.is_empty() || opaque.len() > MAX_CURSOR_LEN {
            return Err(Error::cursor(format!(
                "must be 1..={MAX_CURSOR_LEN} characters"
            )));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(opaque)
            .map_err(|_| Error::cursor("not a cursor issued by this library"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::cursor("not a cursor issued by this library"))?;
        let garbage = || Error::cursor("not a cursor issued by this library");
        let (version, rest) = text.split_once('|').ok_or_else(garbage)?;
        let mut parts = rest.splitn(if version == "v2" { 4 } else { 3 }, '|');
        let (Some(provider), Some(fingerprint)) = (parts.next(), parts.next()) else {
            return Err(garbage());
        };
        let skip = match version {
            VERSION => 0,
            "v2" => parts
                .next()
                .and_then(|s| s.parse::<u32>().ok())
                .ok_or_else(garbage)?,
            _ => return Err(garbage()),
        };
        let upstream = parts.next().ok_or_else(garbage)?;
        let provider =
            Provider::from_name(provider).ok_or_else(|| Error::cursor("unknown provider"))?;
        if (upstream.is_empty() && version == VERSION) || upstream.chars().any(char::is_control) {
            return Err(Error::cursor("empty or unprintable upstream cursor"));
        }
        Ok(Self {
            provider,
            fingerprint: fingerprint.to_owned(),
            upstream: upstream.to_owned(),
            skip,
        })
    }

    /// Decodes `opaque` and checks it belongs to `provider` and a query with `fingerprint`.
    pub(crate) fn open(opaque: &str, provider: Provider, fingerprint: &str) -> Result<String> {
        Ok(Self::check(opaque, provider, fingerprint)?.upstream)
    }

    /// Like [`Cursor::open`], keeping the position inside the upstream page.
    pub(crate) fn check(opaque: &str, provider: Provider, fingerprint: &str) -> Result<Self> {
        let cursor = Self::decode(opaque)?;
        if cursor.provider != provider {
            return Err(Error::cursor(format!(
                "issued by {}, used with {}",
                cursor.provider.as_str(),
                provider.as_str()
            )));
        }
        if cursor.fingerprint != fingerprint {
            return Err(Error::cursor("issued for a query with other filters"));
        }
        Ok(cursor)
    }
}

/// A short digest of a query's filters (not its page size), so a cursor cannot cross queries.
pub(crate) fn query_fingerprint(fields: &[(&str, Option<&str>)]) -> String {
    let mut hasher = Sha256::new();
    for (name, value) in fields {
        hasher.update(name.as_bytes());
        match value {
            Some(value) => {
                hasher.update([1]);
                hasher.update((value.len() as u64).to_be_bytes());
                hasher.update(value.as_bytes());
            }
            None => hasher.update([0]),
        }
    }
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn a_provider_is_read_back_from_its_name_and_no_other() {
        for provider in [Provider::ConnectSafely, Provider::Linkup] {
            assert_eq!(Provider::from_name(provider.as_str()), Some(provider));
        }
        assert_eq!(
            (Provider::ConnectSafely.as_str(), Provider::Linkup.as_str()),
            ("connectsafely", "linkup")
        );
        for other in ["", "ConnectSafely", "linkupapi", "proxy"] {
            assert_eq!(Provider::from_name(other), None, "{other}");
        }
    }

    fn sample() -> Cursor {
        Cursor {
            provider: Provider::Linkup,
            fingerprint: "00ff".into(),
            upstream: "17|x|y".into(),
            skip: 0,
        }
    }

    #[test]
    fn round_trips_exactly_even_with_separators_in_the_upstream_cursor() {
        let cursor = sample();
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        for (upstream, skip) in [("17|x|y", 3), ("", 2), ("", 0)] {
            let inside = Cursor {
                upstream: upstream.into(),
                skip,
                ..sample()
            };
            assert_eq!(Cursor::decode(&inside.encode()).unwrap(), inside);
        }
    }

    #[test]
    fn rejects_another_provider_and_other_filters() {
        let opaque = sample().encode();
        let err = Cursor::open(&opaque, Provider::ConnectSafely, "00ff").unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidCursor);
        let err = Cursor::open(&opaque, Provider::Linkup, "1234").unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidCursor);
        assert_eq!(
            Cursor::open(&opaque, Provider::Linkup, "00ff").unwrap(),
            "17|x|y"
        );
    }

    #[test]
    fn rejects_garbage() {
        for garbage in ["", "!!!", "djE", "dj18fHg", &"a".repeat(MAX_CURSOR_LEN + 1)] {
            assert_eq!(
                Cursor::decode(garbage).unwrap_err().code(),
                ErrorCode::InvalidCursor,
                "{garbage}"
            );
        }
    }

    #[test]
    fn fingerprint_separates_missing_from_empty_and_fields_from_each_other() {
        let a = query_fingerprint(&[("k", None), ("r", Some("true"))]);
        let b = query_fingerprint(&[("k", Some("")), ("r", Some("true"))]);
        let c = query_fingerprint(&[("k", Some("true")), ("r", None)]);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 16);
    }
}
