//! ConnectSafely media (`shared/provider-contracts.md` §6, CS-mirror): `POST
//! /conversations/download-media {accountId, url}` for `/dms/prv/` and `media.licdn.com` URLs,
//! and `POST /conversations/upload-attachment?accountId&filename` with the raw file as body,
//! whose asset URN a send then names in `attachments[{file:{assetUrn, byteSize, mediaType, name}}]`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ConnectSafely;
use crate::attachment::is_media_url;
use crate::error::{Error, Result};
use crate::http::{url_with_query, HttpRequest, HttpResponse, Method};
use crate::outgoing_file::{check_file, DraftFile};
use crate::providers::response::{decode_json, error_from_response};
use crate::validate;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DownloadBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
    url: &'a str,
}

/// The upload answer: its field names are not documented; `assetUrn` (the name a send takes)
/// is read at the top level or under `data`, `attachment` or `file`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UploadAnswer {
    success: Option<bool>,
    asset_urn: Option<String>,
    data: Option<Value>,
    attachment: Option<Value>,
    file: Option<Value>,
}

impl ConnectSafely {
    /// Builds `POST /conversations/download-media` for `url`, refused (`INVALID_INPUT` on
    /// `ref`) unless it is a documented media location ([`crate::is_media_url`]). A 2xx answer's
    /// body is the file itself, or (its answer is not documented) JSON holding the file in base64
    /// or a media location: the Worker reads it (`worker/src/rules/media_ref.rs` `json_media`).
    pub fn build_download_media(&self, url: &str, account_id: Option<&str>) -> Result<HttpRequest> {
        if !is_media_url(url) {
            return Err(Error::invalid("ref", "not a documented LinkedIn media URL"));
        }
        let account_id = account_id.map(validate::account_id).transpose()?;
        let body = serde_json::to_string(&DownloadBody { account_id, url })
            .map_err(|e| Error::invalid("ref", e.to_string()))?;
        Ok(self.write(
            Method::Post,
            format!("{}/conversations/download-media", self.base_url),
            Some(body),
        ))
    }

    /// The error a non-2xx answer to [`Self::build_download_media`] of `url` stands for (a 2xx
    /// answer is not parsed here). The key and the media URL (signed: it is
    /// what the sealed ref keeps from clients) never appear in it, even if the provider echoes them.
    pub fn download_media_refusal(&self, response: &HttpResponse, url: &str) -> Error {
        let [key] = self.secrets();
        let unsigned = url.split('?').next().unwrap_or(url);
        error_from_response(response).scrub(&[key, url, unsigned])
    }

    /// Builds `POST /conversations/upload-attachment?accountId&filename` for a checked file.
    /// The transport sends the file's bytes as the raw body, with the `content-type` set here
    /// (the only request whose body the builder does not carry).
    pub fn build_upload_attachment(
        &self,
        name: &str,
        media_type: &str,
        byte_size: u64,
        account_id: Option<&str>,
    ) -> Result<HttpRequest> {
        check_file("attachments", name, media_type, byte_size)?;
        let account_id = account_id.map(validate::account_id).transpose()?;
        let url = url_with_query(
            format!("{}/conversations/upload-attachment", self.base_url),
            &[("accountId", account_id), ("filename", Some(name))],
        );
        let mut request = self.write(Method::Post, url, None);
        request
            .headers
            .push(("content-type".into(), media_type.to_owned()));
        Ok(request)
    }

    /// Parses the answer to [`Self::build_upload_attachment`]: the file, ready for a send.
    pub fn parse_upload_attachment(
        &self,
        name: &str,
        media_type: &str,
        byte_size: u64,
        response: &HttpResponse,
    ) -> Result<DraftFile> {
        let parse = || {
            if !(200..300).contains(&response.status) {
                return Err(error_from_response(response));
            }
            let answer: UploadAnswer = decode_json(response)?;
            let nested = [&answer.data, &answer.attachment, &answer.file]
                .into_iter()
                .flatten()
                .find_map(|v| v.get("assetUrn").and_then(Value::as_str).map(str::to_owned));
            let asset_urn = answer
                .asset_urn
                .or(nested)
                .filter(|_| answer.success != Some(false));
            let Some(asset_urn) = asset_urn.filter(|u| !u.is_empty()) else {
                return Err(error_from_response(response));
            };
            Ok(DraftFile {
                name: name.to_owned(),
                media_type: media_type.to_owned(),
                byte_size,
                asset_urn: Some(asset_urn),
                link: None,
                data: None,
            })
        };
        parse().map_err(|e| e.scrub(&self.secrets()))
    }
}
