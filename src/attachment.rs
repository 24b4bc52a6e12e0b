//! Attachments of a message: the model ([`Attachment`]), its tolerant parse from the providers'
//! `attachments[]` (ConnectSafely thread reads and webhooks), and which download URLs are the
//! providers' documented media hosts.
//!
//! Provenance (`shared/provider-contracts.md` §6): ConnectSafely thread messages and webhooks
//! carry `attachments[]`, whose item fields are not documented; the webhook is "the same shape
//! Unipile uses" (`type` img|video|audio|file, `url`, `mimetype`, `file_name`, `file_size`,
//! `size{width,height}`); the upload and send side name files `{assetUrn, byteSize, mediaType,
//! name}`. Both spellings are read. Media downloads go through `POST /conversations/download-media`
//! for `/dms/prv/` URLs of LinkedIn and `media.licdn.com`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What an attachment is, for showing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum AttachmentKind {
    /// A picture (shown inline).
    Image,
    /// A video.
    Video,
    /// A voice note or other audio.
    Audio,
    /// Anything else (documents, and kinds this version does not know).
    File,
}

impl AttachmentKind {
    /// The kind of a media type's family (`image/*` is an image...).
    pub fn of_media_type(media_type: &str) -> Self {
        Self::from_upstream(None, Some(media_type))
    }

    /// The kind an upstream `type` names, or else its media type's family; `File` otherwise.
    fn from_upstream(kind: Option<&str>, media_type: Option<&str>) -> Self {
        let family = media_type.and_then(|t| t.split('/').next());
        match kind.map(str::to_ascii_lowercase).as_deref() {
            Some("img" | "image" | "photo" | "picture") => Self::Image,
            Some("video") => Self::Video,
            Some("audio" | "voice" | "voice_message") => Self::Audio,
            Some(_) => Self::File,
            None => match family {
                Some("image") => Self::Image,
                Some("video") => Self::Video,
                Some("audio") => Self::Audio,
                _ => Self::File,
            },
        }
    }
}

/// One file or picture carried by a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// Kind, normalized (unknown kinds are `file`).
    pub kind: AttachmentKind,
    /// File name, when the provider gave one.
    pub name: Option<String>,
    /// Media type (`image/png`, `application/pdf`), when given.
    pub media_type: Option<String>,
    /// Size in bytes, when given.
    pub size: Option<u64>,
    /// Width in pixels (images, videos), when given.
    pub width: Option<u32>,
    /// Height in pixels, when given.
    pub height: Option<u32>,
    /// The provider's reference to the bytes (a download URL or an asset URN): the core's
    /// clients use it directly; the Worker keeps it server-side and answers `ref` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub provider_ref: Option<String>,
    /// The Worker's sealed reference for `GET /v1/media/{ref}` (proxy answers only).
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub sealed_ref: Option<String>,
}

/// The longest text field kept (names, media types, references): longer values are dropped.
const MAX_FIELD_LEN: usize = 2048;

fn text(item: &Value, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| item.get(*n).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= MAX_FIELD_LEN)
        .map(str::to_owned)
}

fn number(item: &Value, names: &[&str]) -> Option<u64> {
    names.iter().find_map(|n| match item.get(*n)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn dimension(item: &Value, name: &str) -> Option<u32> {
    let nested = item.get("size").filter(|s| s.is_object());
    [Some(item), nested]
        .into_iter()
        .flatten()
        .find_map(|v| number(v, &[name]))
        .and_then(|n| u32::try_from(n).ok())
}

/// One upstream attachment item, or `None` when it is not an object. `file{…}` wrappers (the
/// send side's shape) are read through.
fn parse_one(item: &Value) -> Option<Attachment> {
    let item = item.get("file").filter(|f| f.is_object()).unwrap_or(item);
    if !item.is_object() {
        return None;
    }
    let media_type = text(item, &["mediaType", "mimetype", "mimeType", "contentType"]);
    let kind = text(item, &["type", "kind"]);
    Some(Attachment {
        kind: AttachmentKind::from_upstream(kind.as_deref(), media_type.as_deref()),
        name: text(item, &["name", "file_name", "fileName", "filename"]),
        media_type,
        size: number(item, &["byteSize", "file_size", "fileSize", "size"]),
        width: dimension(item, "width"),
        height: dimension(item, "height"),
        provider_ref: text(item, &["url", "downloadUrl", "assetUrn", "id"]),
        sealed_ref: None,
    })
}

/// The attachments of an upstream `attachments` value: an array of items, or one item as an
/// object (Unipile's documented webhook example); absent, null or anything else: none.
pub fn parse_attachments(value: Option<&Value>) -> Vec<Attachment> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(parse_one).collect(),
        Some(item @ Value::Object(_)) => parse_one(item).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Whether `url` is one of the providers' documented media locations: `https` on
/// `media.licdn.com`, or a `/dms/prv/` path on `linkedin.com` (or a subdomain). No user info,
/// no port: anything else is refused before a call (no open proxy).
pub fn is_media_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    if authority.contains(['@', ':', '\\']) || path.contains('\\') {
        return false;
    }
    let host = authority.to_ascii_lowercase();
    let linkedin = host == "linkedin.com" || host.ends_with(".linkedin.com");
    host == "media.licdn.com" || (linkedin && path.starts_with("/dms/prv/"))
}

#[cfg(test)]
#[path = "attachment_tests.rs"]
mod tests;
