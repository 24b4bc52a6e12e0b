//! Sealed media references (`GET /v1/media/{ref}`). A message's attachment leaves the Worker
//! with `ref` instead of the provider's URL: the URL, the account it belongs to (its digest),
//! the message, the attachment's place and an expiry, encrypted and authenticated
//! with AES-256-GCM. The key is derived from `CURSOR_SECRET` by HMAC-SHA256 under its own label
//! (a cursor's tag and a media ref never stand for each other); the nonce is an HMAC of the
//! claim under a second derived key (deterministic, so a nonce repeats only with its claim).
//! A client learns nothing from a ref and cannot forge, alter, move or prolong one: the Worker
//! never fetches a URL a client chose. Pure: the clock comes from the caller.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use linkedin_inbox::{is_media_url, Message};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How long a ref opens after it was sealed: 90 days, the default retention of stored thread
/// pages (`RETENTION_DAYS`), since an older history page is stored once with its refs and never
/// fetched again. A ref still needs the client's token for an account the client holds.
pub const MEDIA_REF_TTL_MS: u64 = 90 * 24 * 3_600_000;
/// The derivation label: a key for anything else is another key.
const LABEL: &[u8] = b"linkedin-inbox media ref v1\n";
/// The associated data of every sealed ref.
const AAD: &[u8] = b"media-ref";
/// The version prefix of a ref.
const VERSION: &str = "m1.";
/// The longest ref opened (a longer one is refused unread).
pub const MAX_REF_LEN: usize = 4096;

/// What a ref stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaClaim {
    /// [`crate::rules::client_auth::account_digest`] of the account the message belongs to:
    /// the client must hold that account, and a re-linked account's refs no longer open.
    #[serde(rename = "d")]
    pub digest: String,
    /// The message's id.
    #[serde(rename = "m")]
    pub message: String,
    /// The attachment's place in the message.
    #[serde(rename = "i")]
    pub index: u32,
    /// The provider's URL of the bytes (a documented media location).
    #[serde(rename = "u")]
    pub url: String,
    /// The media type the provider listed.
    #[serde(rename = "t", default)]
    pub media_type: Option<String>,
    /// The file name the provider listed.
    #[serde(rename = "n", default)]
    pub name: Option<String>,
    /// Epoch ms after which it no longer opens.
    #[serde(rename = "x")]
    pub expires_ms: u64,
}

/// Why a ref did not open (each answered 404: which one is not told).
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a ref this proxy sealed (forged, altered, another key, garbage).
    NotSealed,
    /// Sealed, but past its expiry.
    Expired,
}

/// The media key (derived from `CURSOR_SECRET`); never printed.
#[derive(Clone)]
pub struct MediaKey {
    cipher: Aes256Gcm,
    nonce_key: [u8; 32],
}

impl std::fmt::Debug for MediaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MediaKey([redacted])")
    }
}

fn derive(secret: &[u8], purpose: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(LABEL);
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

impl MediaKey {
    /// The key derived from `secret` (the checked `CURSOR_SECRET`).
    pub fn derive(secret: &str) -> Self {
        let secret = secret.trim().as_bytes();
        let cipher = Aes256Gcm::new((&derive(secret, b"aead")).into());
        Self {
            cipher,
            nonce_key: derive(secret, b"nonce"),
        }
    }

    /// The ref of `claim`.
    pub fn seal(&self, claim: &MediaClaim) -> String {
        let plain = serde_json::to_vec(claim).expect("a claim serializes");
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.nonce_key).expect("HMAC takes any key");
        mac.update(&plain);
        let nonce_bytes = mac.finalize().into_bytes();
        let nonce = Nonce::from_slice(&nonce_bytes[..12]);
        let sealed = self
            .cipher
            .encrypt(
                nonce,
                Payload {
                    msg: &plain,
                    aad: AAD,
                },
            )
            .expect("AES-GCM seals any message this size");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// The claim of `presented`, if this proxy sealed it and it has not expired at `now_ms`.
    pub fn open(&self, presented: &str, now_ms: u64) -> Result<MediaClaim, Refused> {
        if presented.len() > MAX_REF_LEN {
            return Err(Refused::NotSealed);
        }
        let body = presented.strip_prefix(VERSION).ok_or(Refused::NotSealed)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| Refused::NotSealed)?;
        if bytes.len() < 12 + 16 {
            return Err(Refused::NotSealed);
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: AAD,
                },
            )
            .map_err(|_| Refused::NotSealed)?;
        let claim: MediaClaim = serde_json::from_slice(&plain).map_err(|_| Refused::NotSealed)?;
        match now_ms < claim.expires_ms {
            true => Ok(claim),
            false => Err(Refused::Expired),
        }
    }

    /// Every attachment of `messages` leaves with a ref for the account of `digest` instead of
    /// the provider's reference; one that is not a documented media URL leaves with neither.
    pub fn seal_messages(&self, messages: &mut [Message], digest: &str, now_ms: u64) {
        for message in messages {
            for (index, attachment) in message.attachments.iter_mut().enumerate() {
                let url = attachment.provider_ref.take().filter(|u| is_media_url(u));
                attachment.sealed_ref = url.map(|url| {
                    self.seal(&MediaClaim {
                        digest: digest.to_owned(),
                        message: message.id.clone(),
                        index: u32::try_from(index).unwrap_or(u32::MAX),
                        url,
                        media_type: attachment.media_type.clone(),
                        name: attachment.name.clone(),
                        expires_ms: now_ms.saturating_add(MEDIA_REF_TTL_MS),
                    })
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;

/// What an answer to a download is, by who gave it (`hops`: the redirects followed to it, 0 for
/// ConnectSafely's own answer) and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaAnswer {
    /// The file: a 2xx that is not JSON (no allowed media type is).
    File,
    /// ConnectSafely's 2xx in JSON: the file in base64, a media location to fetch, or an error
    /// that forgot its status (read by [`json_media`]).
    Json,
    /// A refusal to read as ConnectSafely's, with its status. Its 429 pauses the account's
    /// ConnectSafely calls.
    Refusal { status: u16 },
    /// The media CDN's 429 (after a redirect): ConnectSafely's call succeeded; the client
    /// waits, the account is not paused.
    CdnBusy,
    /// Any other answer of the media location that is not the file (an expired signed URL's
    /// 401/403, a 404, a 5xx, JSON): ConnectSafely's call succeeded, the location refused.
    CdnRefused { status: u16 },
}

/// Reads an answer to a download (see [`MediaAnswer`]).
pub fn media_answer(hops: usize, status: u16, content_type: Option<&str>) -> MediaAnswer {
    let json = content_type.is_some_and(|t| {
        let bare = t
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        bare == "application/json" || bare.ends_with("+json")
    });
    match (status, hops) {
        (200..=299, _) if !json => MediaAnswer::File,
        (200..=299, 0) => MediaAnswer::Json,
        (_, 0) => MediaAnswer::Refusal { status },
        (429, _) => MediaAnswer::CdnBusy,
        _ => MediaAnswer::CdnRefused { status },
    }
}

/// What ConnectSafely's 2xx JSON answer to a download holds. Its shape is not documented
/// (`shared/provider-contracts.md` §6 names the request only): the names read are assumed.
#[derive(Debug, PartialEq, Eq)]
pub enum JsonMedia {
    /// The file, decoded from base64, with the media type the answer names.
    Bytes {
        bytes: Vec<u8>,
        media_type: Option<String>,
    },
    /// A media location to fetch (the caller checks it as a redirect's).
    Url(String),
    /// `success: false`, or neither: ConnectSafely's error.
    Refused,
    /// The decoded file is larger than the cap.
    TooLarge,
}

/// The fields read for the file (a string of base64, or of a URL when it starts `https://`;
/// also a `data:` URL's payload), at the top level or under `data`, `file`, `media` or `result`.
const FILE_FIELDS: [&str; 10] = [
    "data",
    "base64",
    "content",
    "fileData",
    "file",
    "url",
    "downloadUrl",
    "mediaUrl",
    "signedUrl",
    "fileUrl",
];
/// The fields read for the file's media type.
const TYPE_FIELDS: [&str; 4] = ["mimeType", "mediaType", "contentType", "mimetype"];

/// Reads ConnectSafely's 2xx JSON answer to a download, the file capped at `max_bytes`.
pub fn json_media(body: &str, max_bytes: u64) -> JsonMedia {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use serde_json::Value;
    let Ok(top) = serde_json::from_str::<Value>(body) else {
        return JsonMedia::Refused;
    };
    if top.get("success") == Some(&Value::Bool(false)) {
        return JsonMedia::Refused;
    }
    let nested = ["data", "file", "media", "result"].map(|k| top.get(k));
    let places = std::iter::once(Some(&top)).chain(nested).flatten();
    let places: Vec<&Value> = places.filter(|v| v.is_object()).collect();
    let text = |fields: &[&str]| {
        places.iter().find_map(|place| {
            fields
                .iter()
                .find_map(|f| place.get(*f).and_then(Value::as_str))
                .filter(|s| !s.trim().is_empty())
        })
    };
    let Some(found) = text(&FILE_FIELDS) else {
        return JsonMedia::Refused;
    };
    let found = found.trim();
    if found.starts_with("https://") || found.starts_with("http://") {
        return JsonMedia::Url(found.to_owned());
    }
    let (data_type, payload) = match found.strip_prefix("data:").and_then(|d| d.split_once(',')) {
        Some((head, payload)) => (head.strip_suffix(";base64"), payload),
        None => (None, found),
    };
    // Base64 is 4 characters for 3 bytes: a longer text is too large unread.
    if payload.len() as u64 / 4 * 3 > max_bytes.saturating_add(3) {
        return JsonMedia::TooLarge;
    }
    let clean: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
    let decoded = STANDARD
        .decode(&clean)
        .or_else(|_| STANDARD_NO_PAD.decode(&clean));
    match decoded {
        Ok(bytes) if bytes.len() as u64 > max_bytes => JsonMedia::TooLarge,
        Ok(bytes) if !bytes.is_empty() => JsonMedia::Bytes {
            bytes,
            media_type: text(&TYPE_FIELDS)
                .or(data_type.filter(|t| !t.is_empty()))
                .map(str::to_owned),
        },
        _ => JsonMedia::Refused,
    }
}

/// The headers of a download: the provider's content type when it is on the allow-list (else
/// `application/octet-stream`), inline for pictures only (`attachment` with the file name
/// otherwise, made safe: `linkedin_inbox::safe_file_name`), never sniffed, kept by the browser
/// only.
pub fn download_headers(
    upstream_type: Option<&str>,
    listed_type: Option<&str>,
    name: Option<&str>,
) -> Vec<(&'static str, String)> {
    let allowed = upstream_type
        .and_then(linkedin_inbox::allowed_media_type)
        .or_else(|| listed_type.and_then(linkedin_inbox::allowed_media_type));
    let media_type = allowed.unwrap_or("application/octet-stream");
    let inline = media_type.starts_with("image/");
    let disposition = match (inline, name) {
        (true, _) => "inline".to_owned(),
        (false, None) => "attachment".to_owned(),
        (false, Some(name)) => match linkedin_inbox::safe_file_name(name) {
            name if name.is_empty() => "attachment".to_owned(),
            name => {
                // RFC 6266: an ASCII `filename` for old agents, the exact name in `filename*`.
                let ascii: String = name
                    .chars()
                    .map(|c| match c {
                        ' '..='~' if c != '"' && c != '\\' && c != ';' && c != '%' => c,
                        _ => '_',
                    })
                    .collect();
                let encoded = linkedin_inbox::encode_component(&name);
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
            }
        },
    };
    vec![
        ("Content-Type", media_type.to_owned()),
        ("Content-Disposition", disposition),
        ("X-Content-Type-Options", "nosniff".to_owned()),
        ("Cache-Control", "private, max-age=3600".to_owned()),
        (
            "Content-Security-Policy",
            "default-src 'none'; sandbox".to_owned(),
        ),
    ]
}
