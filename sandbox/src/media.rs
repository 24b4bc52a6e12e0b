//! The sandbox's attachments: deterministic files (a PNG picture or a PDF, chosen and filled
//! from the message URN), their download URLs on LinkedIn's documented media path
//! (`https://www.linkedin.com/dms/prv/…`), and their item in `attachments[]` (the shape
//! ConnectSafely's webhook says it shares with Unipile: `id, type, url, mimetype, file_name,
//! file_size, size{width,height}`).

use std::sync::Arc;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A 1×1 PNG (a valid image; every generated picture starts with these bytes).
const PNG_1X1: [u8; 67] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// One file a message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    pub name: String,
    pub media_type: String,
    pub bytes: Arc<[u8]>,
    /// Pixels, for pictures.
    pub dimensions: Option<(u32, u32)>,
    /// Where `POST /conversations/download-media` finds it.
    pub url: String,
}

fn digest_hex(parts: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    parts.iter().for_each(|p| hash.update(p));
    hash.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl MediaFile {
    /// A file with `bytes` under a URL derived from `seed` and the bytes.
    pub fn new(name: &str, media_type: &str, bytes: Vec<u8>, seed: &str) -> Self {
        let id = digest_hex(&[seed.as_bytes(), &bytes]);
        let family = if media_type.starts_with("image/") {
            "image"
        } else {
            "file"
        };
        let dimensions =
            (media_type == "image/png" && bytes.starts_with(&PNG_1X1)).then_some((1, 1));
        Self {
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            bytes: bytes.into(),
            dimensions,
            url: format!(
                "https://www.linkedin.com/dms/prv/{family}/v2/{id}/messaging-attachment/0/1"
            ),
        }
    }

    /// The file of a generated message: a picture for every other URN, a PDF otherwise; the
    /// URN is in the bytes, so every message's file is its own.
    pub fn generated(message_urn: &str) -> Self {
        let pick = digest_hex(&[message_urn.as_bytes()]);
        if pick.ends_with(['0', '2', '4', '6', '8', 'a', 'c', 'e']) {
            // Bytes after IEND are ignored by decoders: the picture stays valid and unique.
            let mut bytes = PNG_1X1.to_vec();
            bytes.extend_from_slice(message_urn.as_bytes());
            return Self::new("photo.png", "image/png", bytes, message_urn);
        }
        let pdf = format!(
            "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n% {message_urn}\ntrailer <</Root 1 0 R>>\n%%EOF\n"
        );
        Self::new(
            "document.pdf",
            "application/pdf",
            pdf.into_bytes(),
            message_urn,
        )
    }

    /// Its item in `attachments[]`.
    pub fn item(&self) -> Value {
        let kind = match self.media_type.split('/').next() {
            Some("image") => "img",
            Some("video") => "video",
            Some("audio") => "audio",
            _ => "file",
        };
        let mut item = json!({
            "id": self.url.rsplit('/').nth(3).unwrap_or_default(),
            "type": kind,
            "url": self.url,
            "mimetype": self.media_type,
            "file_name": self.name,
            "file_size": self.bytes.len(),
            "unavailable": false,
        });
        if let Some((width, height)) = self.dimensions {
            item["size"] = json!({"width": width, "height": height});
        }
        item
    }
}

/// The `attachments[]` of files.
pub fn items(files: &[MediaFile]) -> Vec<Value> {
    files.iter().map(MediaFile::item).collect()
}

/// The media type a file name's extension implies (`application/octet-stream` otherwise).
pub fn media_type_of(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("mp4") => "video/mp4",
        _ => "application/octet-stream",
    }
}

/// A LinkupAPI send's file (v1 and v2 alike, "priority link > file"): `media_link` (a URL:
/// the sandbox fetches nothing, the link's text stands for the bytes) or `media_file
/// {data (base64), filename}`. `Err` words what is wrong.
pub fn linkup_file(
    link: Option<&Value>,
    file: Option<&Value>,
) -> Result<Option<MediaFile>, String> {
    use base64::Engine;
    if let Some(link) = link.filter(|v| !v.is_null()) {
        let url = link
            .as_str()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .ok_or("media_link must be a URL")?;
        let name = url
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("file");
        let file = MediaFile::new(name, media_type_of(name), url.as_bytes().to_vec(), url);
        return Ok(Some(file));
    }
    let Some(file) = file.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let (Some(data), Some(name)) = (
        file.get("data").and_then(Value::as_str),
        file.get("filename").and_then(Value::as_str),
    ) else {
        return Err("media_file must be {data (base64), filename}".into());
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|_| "media_file.data must be base64")?;
    Ok(Some(MediaFile::new(name, media_type_of(name), bytes, name)))
}
