//! Sends with files: `multipart/form-data` on `POST /v1/conversations/{id}/messages` and `POST
//! /v1/messages`, with the parts `text`, `profileUrl` (as the JSON body's fields) and one
//! `files` part per file. Everything is checked here, before the account's object and any
//! upstream call: at most [`MAX_DRAFT_FILES`] files, each named and of an allowed type,
//! [`MAX_SEND_FILES_BYTES`] together (400 naming `files`); the whole body at most
//! [`MAX_MULTIPART_BYTES`] (413), its length declared (400 naming `body`). The files travel to the account's
//! object in one JSON body (base64), copied several times on the way (the form, the bytes, the
//! base64, the JSON, the object's parse and decode): 5 MiB together keeps those copies well
//! inside a Worker's 128 MB of memory. Streaming the raw body to the object would lift the cap;
//! until then a larger file is refused before any upstream call, never half-sent.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use linkedin_inbox::{
    check_file, safe_file_name, Draft, Error, ErrorCode, ServedError, MAX_DRAFT_FILES,
};
use wasm_bindgen::JsCast;
use worker::{FormEntry, Request};

use crate::gate::protocol::GateFile;
use crate::rules::request_body::{check_json_headers, MAX_BODY_BYTES};

/// The files of one send together, at most (5 MiB; see above): the core's constant, which the
/// npm client checks too.
pub use linkedin_inbox::MAX_SEND_FILES_BYTES;

/// The largest multipart body read: the files' cap together, and the JSON fields' cap.
pub const MAX_MULTIPART_BYTES: u64 = MAX_SEND_FILES_BYTES + MAX_BODY_BYTES as u64;

/// The parts a multipart send may have: the draft's fields, and its files under either name.
pub const KNOWN_PARTS: [&str; 4] = ["text", "profileUrl", "files", "attachments"];
/// The names a file part may have (`files` documented; `attachments` as the JSON draft says it).
const FILE_PARTS: [&str; 2] = ["files", "attachments"];

/// The first part name of `form` not in [`KNOWN_PARTS`].
fn unknown_part(form: worker::FormData) -> (worker::FormData, Option<String>) {
    let js = wasm_bindgen::JsValue::from(form);
    let keys = worker::js_sys::Reflect::get(&js, &"keys".into())
        .ok()
        .and_then(|f| f.dyn_into::<worker::js_sys::Function>().ok())
        .and_then(|f| f.call0(&js).ok())
        .and_then(|it| worker::js_sys::try_iter(&it).ok().flatten());
    let unknown = keys.into_iter().flatten().find_map(|key| {
        let key = key.ok()?.as_string()?;
        (!KNOWN_PARTS.contains(&key.as_str())).then_some(key)
    });
    (worker::FormData::from(js), unknown)
}

/// Whether `content_type` is a multipart form.
pub fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|t| {
        t.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    })
}

fn invalid(field: &'static str, reason: impl Into<String>) -> ServedError {
    Error::InvalidInput {
        field,
        reason: reason.into(),
    }
    .served()
}

/// The draft (`draft` reads it from the fields as JSON) and the files of a multipart send.
pub async fn read(
    req: &mut Request,
    draft: impl FnOnce(&str) -> Result<Draft, Error>,
) -> worker::Result<Result<(Draft, Vec<GateFile>), ServedError>> {
    // Encoded bodies are refused as for JSON (the proxy decodes none).
    let encoding = req.headers().get("Content-Encoding")?;
    if let Err(served) = check_json_headers(Some("application/json"), encoding.as_deref()) {
        return Ok(Err(served));
    }
    let declared = req.headers().get("Content-Length")?;
    let declared = declared.and_then(|v| v.trim().parse::<u64>().ok());
    // A body of undeclared length would be read whole before it could be measured.
    if declared.is_none() {
        return Ok(Err(invalid(
            "body",
            "a multipart body must declare its Content-Length",
        )));
    }
    if declared.is_some_and(|n| n > MAX_MULTIPART_BYTES) {
        let mut served = ServedError::new(
            ErrorCode::PayloadTooLarge,
            format!("a multipart body must be at most {MAX_MULTIPART_BYTES} bytes"),
        );
        served.field = Some("body");
        return Ok(Err(served));
    }
    let Ok(form) = req.form_data().await else {
        return Ok(Err(invalid(
            "body",
            "is not a readable multipart/form-data body",
        )));
    };
    let (form, unknown) = unknown_part(form);
    if let Some(part) = unknown {
        let shown: String = part.chars().take(40).collect();
        return Ok(Err(invalid(
            "body",
            format!(
                "unknown part {shown:?}: a send takes {}",
                KNOWN_PARTS.join(", ")
            ),
        )));
    }
    let mut fields = serde_json::Map::new();
    for (part, name) in [("text", "text"), ("profileUrl", "profileUrl")] {
        match form.get(part) {
            None => {}
            Some(FormEntry::Field(value)) => {
                fields.insert(name.into(), value.into());
            }
            Some(FormEntry::File(_)) => {
                return Ok(Err(invalid(
                    "body",
                    format!("`{part}` must be a text part"),
                )))
            }
        }
    }
    let draft = match draft(&serde_json::Value::Object(fields).to_string()) {
        Ok(draft) => draft,
        Err(refused) => return Ok(Err(refused.served())),
    };
    let entries: Vec<FormEntry> = FILE_PARTS
        .iter()
        .flat_map(|part| form.get_all(part).unwrap_or_default())
        .collect();
    if entries.len() > MAX_DRAFT_FILES {
        return Ok(Err(invalid(
            "files",
            format!("at most {MAX_DRAFT_FILES} files"),
        )));
    }
    // Every file's name, type and size before any is read.
    let mut checked = Vec::new();
    for entry in entries {
        let FormEntry::File(file) = entry else {
            return Ok(Err(invalid("files", "each `files` part must be a file")));
        };
        let media_type = file.type_();
        // The name as the recipient sees it: no path, no control characters, 255 bytes at most.
        let name = safe_file_name(&file.name());
        if let Err(refused) = check_file("files", &name, &media_type, file.size() as u64) {
            return Ok(Err(refused.served()));
        }
        checked.push((file, name, media_type));
    }
    let together: u64 = checked.iter().map(|(f, _, _)| f.size() as u64).sum();
    if together > MAX_SEND_FILES_BYTES {
        return Ok(Err(invalid(
            "files",
            format!("the files together must be at most {MAX_SEND_FILES_BYTES} bytes"),
        )));
    }
    let mut files = Vec::new();
    for (file, name, media_type) in checked {
        let bytes = file.bytes().await?;
        files.push(GateFile {
            name,
            media_type: linkedin_inbox::allowed_media_type(&media_type)
                .unwrap_or_default()
                .to_owned(),
            data: STANDARD.encode(bytes),
        });
    }
    Ok(Ok((draft, files)))
}
