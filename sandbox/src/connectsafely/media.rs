//! ConnectSafely media (CS-mirror, `shared/provider-contracts.md` §6): `POST
//! /linkedin/conversations/download-media {accountId?, url}` answers a file of the account's
//! messages (or uploads) as raw bytes, for `/dms/prv/` and `media.licdn.com` URLs only; `POST
//! /linkedin/conversations/upload-attachment?accountId&filename` takes a raw body and answers
//! its `assetUrn`, which a send then names in `attachments[{file:{assetUrn, …}}]`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::actions::{invalid, open_action, Authorized};
use super::conversations::resolve;
use crate::call;
use crate::media::{media_type_of, MediaFile};
use crate::respond::{cs_error, labelled, ok_json};
use crate::route::Route;
use crate::state::{AppState, Mutable};

/// The largest upload the sandbox takes (the Worker's documented cap).
pub const MAX_UPLOAD_BYTES: usize = 25 * 1024 * 1024;

/// Whether `url` is on a documented media location (mirrors the core's check on purpose: the
/// stand-in refuses what the provider documents it refuses).
fn documented_media_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    host == "media.licdn.com"
        || ((host == "linkedin.com" || host.ends_with(".linkedin.com"))
            && path.starts_with("/dms/prv/"))
}

/// The account's file at `url`: a message's, or one it uploaded.
fn find_file(m: &Mutable, account_id: &str, url: &str) -> Option<MediaFile> {
    let account = m.accounts.iter().find(|a| a.account_id == account_id)?;
    let in_messages = account
        .conversations
        .iter()
        .flat_map(|c| &c.messages)
        .flat_map(|message| &message.files)
        .find(|f| f.url == url);
    let uploaded = || {
        m.uploads
            .values()
            .find(|(owner, f)| owner == account_id && f.url == url)
            .map(|(_, f)| f)
    };
    in_messages.or_else(uploaded).cloned()
}

/// `POST /linkedin/conversations/download-media {accountId?, url}`: the file's bytes.
pub async fn download_media(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    call::provider_latency(&state).await;
    let route = Route::CsDownloadMedia;
    let (Authorized { body, account, .. }, truncate) =
        match open_action(&state, route, &headers, &body).await {
            Ok(opened) => opened,
            Err(response) => return response,
        };
    let label = account.account_id.as_str();
    let url = match body.get("url") {
        Some(Value::String(url)) if documented_media_url(url) => url.as_str(),
        Some(Value::String(_)) => {
            let problem = "url must be a LinkedIn media URL (/dms/prv/ or media.licdn.com)";
            return labelled(invalid(problem), label);
        }
        _ => return labelled(invalid("url is required and must be a string"), label),
    };
    let Some(file) = find_file(&state.lock(), label, url) else {
        return labelled(cs_error(404, "MEDIA_NOT_FOUND", "Media not found"), label);
    };
    let mut bytes = file.bytes.to_vec();
    if truncate {
        bytes.truncate(bytes.len() / 2);
    }
    let mut response = bytes.into_response();
    let media_type = HeaderValue::from_str(&file.media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media_type);
    labelled(response, label)
}

/// `POST /linkedin/conversations/upload-attachment?accountId&filename` with the raw file:
/// `{success, assetUrn, fileName, mediaType, byteSize}`.
pub async fn upload_attachment(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let route = Route::CsUploadAttachment;
    let call = match resolve(&state, route, &headers, query.as_deref()).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let label = call.account.account_id.clone();
    let answer = || {
        let name = call
            .query
            .get("filename")
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| invalid("filename is required"))?;
        if body.is_empty() || body.len() > MAX_UPLOAD_BYTES {
            return Err(invalid("the body must be the file, 1 byte to 25 MB"));
        }
        let media_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .filter(|t| !t.is_empty() && *t != "application/octet-stream")
            .unwrap_or_else(|| media_type_of(name));
        let file = MediaFile::new(name, media_type, body.to_vec(), &label);
        let asset_urn = format!(
            "urn:li:digitalmediaAsset:{}",
            file.url.rsplit('/').nth(3).unwrap_or_default()
        );
        let answer = json!({
            "success": true,
            "assetUrn": asset_urn,
            "fileName": file.name,
            "mediaType": file.media_type,
            "byteSize": file.bytes.len(),
        });
        state
            .lock()
            .uploads
            .insert(asset_urn, (label.clone(), file));
        Ok(ok_json(&answer, call.truncate))
    };
    let response = answer().unwrap_or_else(|e| e);
    labelled(response, &label)
}

/// The files a send names (`attachments[{file:{assetUrn, …}}]`): each an asset this account
/// uploaded, else 400.
pub fn sent_files(
    m: &Mutable,
    account_id: &str,
    attachments: Option<&Value>,
) -> Result<Vec<MediaFile>, Response> {
    let items = match attachments {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid("attachments must be an array")),
    };
    items
        .iter()
        .map(|item| {
            let urn = item.pointer("/file/assetUrn").and_then(Value::as_str);
            urn.and_then(|urn| m.uploads.get(urn))
                .filter(|(owner, _)| owner == account_id)
                .map(|(_, file)| file.clone())
                .ok_or_else(|| invalid("attachments[].file.assetUrn must name an uploaded asset"))
        })
        .collect()
}
