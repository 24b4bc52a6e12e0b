//! Files sent with a message ([`DraftFile`]) and the limits every surface checks before any
//! upstream call: size, media type and count ([`check_file`]). One home for the media-type
//! allow-list, which the Worker's download also passes content types through.

use serde::{Deserialize, Serialize};

use crate::attachment::{Attachment, AttachmentKind};
use crate::error::{Error, Result};

/// The largest file sent or downloaded: 25 MB.
pub const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;

/// The most files one message carries.
pub const MAX_DRAFT_FILES: usize = 5;

/// The files of one send through the proxy together, at most (5 MiB): the Worker's cap, for
/// its memory (why: `worker/src/edge/multipart.rs`); the npm client checks it before sending.
pub const MAX_SEND_FILES_BYTES: u64 = 5 * 1024 * 1024;
const _: () = assert!(MAX_SEND_FILES_BYTES <= MAX_ATTACHMENT_BYTES);

/// Media types sent and passed through on download; anything else is refused on send and
/// downloaded as `application/octet-stream`.
pub const ALLOWED_MEDIA_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/zip",
    "video/mp4",
    "video/quicktime",
    "audio/mpeg",
    "audio/mp4",
    "audio/aac",
    "audio/ogg",
];

/// `media_type` without parameters, lower case, when it is on the allow-list.
pub fn allowed_media_type(media_type: &str) -> Option<&'static str> {
    let bare = media_type.split(';').next().unwrap_or("").trim();
    ALLOWED_MEDIA_TYPES
        .iter()
        .find(|t| t.eq_ignore_ascii_case(bare))
        .copied()
}

/// A file to send with a [`crate::Draft`], as the provider takes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DraftFile {
    /// File name as the recipient sees it.
    pub name: String,
    /// Media type, on [`ALLOWED_MEDIA_TYPES`].
    pub media_type: String,
    /// Size in bytes, at most [`MAX_ATTACHMENT_BYTES`].
    pub byte_size: u64,
    /// ConnectSafely: the `assetUrn` that `POST /conversations/upload-attachment` answered.
    #[serde(default)]
    pub asset_urn: Option<String>,
    /// LinkupAPI: a public link to the file (`media_link`).
    #[serde(default)]
    pub link: Option<String>,
    /// LinkupAPI: the bytes, base64 (`media_file.data`).
    #[serde(default)]
    pub data: Option<String>,
}

impl DraftFile {
    /// The file as the thread shows it once sent (no download reference yet).
    pub fn as_attachment(&self) -> Attachment {
        Attachment {
            kind: AttachmentKind::of_media_type(&self.media_type),
            name: Some(self.name.clone()),
            media_type: Some(self.media_type.clone()),
            size: Some(self.byte_size),
            width: None,
            height: None,
            provider_ref: None,
            sealed_ref: None,
        }
    }
}

/// The longest file name, in bytes of UTF-8 (what file systems count).
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// Whether `c` is an invisible Unicode format character (category Cf): bidirectional marks,
/// embeddings, overrides and isolates (U+200E/F, U+202A–E, U+2066–9, which can make
/// `exe.pdf` read as `fdp.exe`), zero-width characters, the BOM and the like.
pub fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{e0001}' | '\u{e0020}'..='\u{e007f}')
}

/// A file name as it may be shown, stored or offered for saving: its last path segment (no `/`
/// or `\\`), without control or format characters (`is_format_char`), trimmed, at most
/// [`MAX_FILE_NAME_BYTES`] bytes (cut at a character); empty when nothing is left.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_format_char(*c))
        .collect();
    let mut clean = clean.trim();
    while clean.len() > MAX_FILE_NAME_BYTES {
        let mut cut = MAX_FILE_NAME_BYTES;
        while !clean.is_char_boundary(cut) {
            cut -= 1;
        }
        clean = clean[..cut].trim_end();
    }
    clean.to_owned()
}

/// Checks one file's name, type and size (`field` names it in the error).
pub fn check_file(field: &'static str, name: &str, media_type: &str, size: u64) -> Result<()> {
    if name.trim().is_empty()
        || name.len() > MAX_FILE_NAME_BYTES
        || name.chars().any(char::is_control)
    {
        return Err(Error::invalid(
            field,
            format!("needs a file name of 1..={MAX_FILE_NAME_BYTES} bytes (UTF-8), without control characters"),
        ));
    }
    if allowed_media_type(media_type).is_none() {
        return Err(Error::invalid(
            field,
            format!("media type {media_type:?} is not allowed"),
        ));
    }
    if size == 0 || size > MAX_ATTACHMENT_BYTES {
        return Err(Error::invalid(
            field,
            format!("must be 1..={MAX_ATTACHMENT_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Checks a draft's files (count, then each).
pub(crate) fn check_files(files: &[DraftFile]) -> Result<()> {
    if files.len() > MAX_DRAFT_FILES {
        return Err(Error::invalid(
            "attachments",
            format!("at most {MAX_DRAFT_FILES} files"),
        ));
    }
    files
        .iter()
        .try_for_each(|f| check_file("attachments", &f.name, &f.media_type, f.byte_size))
}
