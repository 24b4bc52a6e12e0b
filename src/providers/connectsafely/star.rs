//! ConnectSafely's star (`shared/provider-contracts.md` §6, CS-mirror): `PATCH
//! /conversations/{urn}/star` and `PATCH /conversations/{urn}/unstar`. The mirror documents the
//! method and the path only. The rest follows `PATCH /conversations/{urn}/mark-unread` (its
//! documented sibling): no body, the account as `?accountId=` when known, errors as every
//! ConnectSafely action words them. Assumed answers, both read: `{"success": true, ...}`
//! (optionally `starred`/`isStarred`), a 2xx with no body or one that is not JSON (`OK`);
//! `{"success": false, ...}` on a 2xx is a refusal.

use percent_encoding::utf8_percent_encode;
use serde_json::Value;

use super::ConnectSafely;
use crate::error::{Error, Result};
use crate::http::{url_with_query, HttpRequest, HttpResponse, Method, QUERY_VALUE};
use crate::providers::response::error_from_response;
use crate::redact::body_excerpt;
use crate::validate;

impl ConnectSafely {
    /// Builds `PATCH /conversations/{urn}/star` (`starred`) or `/unstar` for a conversation,
    /// its URN percent-encoded as the other conversation calls do.
    pub fn build_star(
        &self,
        conversation_id: &str,
        starred: bool,
        account_id: Option<&str>,
    ) -> Result<HttpRequest> {
        let urn = self.conversation_urn(validate::conversation_id(conversation_id)?);
        let account_id = account_id.map(validate::account_id).transpose()?;
        let action = if starred { "star" } else { "unstar" };
        let path = format!(
            "{}/conversations/{}/{action}",
            self.base_url,
            utf8_percent_encode(&urn, QUERY_VALUE)
        );
        Ok(self.write(
            Method::Patch,
            url_with_query(path, &[("accountId", account_id)]),
            None,
        ))
    }

    /// Parses the answer to [`Self::build_star`] of `starred`: done, or the refusal. A JSON
    /// answer that states the other star state is malformed (the call did not do what was
    /// asked).
    pub fn parse_star(&self, response: &HttpResponse, starred: bool) -> Result<()> {
        let parse = || {
            if !(200..300).contains(&response.status) {
                return Err(error_from_response(response));
            }
            if response.body.trim().is_empty() {
                return Ok(());
            }
            // Read as a JSON value (the parse the error envelopes use): three optional flags
            // need no type of their own in the wasm.
            let malformed = |path: &str, reason: String| Error::MalformedResponse {
                status: response.status,
                path: path.into(),
                reason,
                body_excerpt: body_excerpt(&response.body),
            };
            // A 2xx that is not JSON (`OK`) says nothing against the star: done, as with no
            // body (the answer's form is not documented).
            let Ok(answer) = crate::json::from_str::<Value>(&response.body) else {
                return Ok(());
            };
            let flag = |name: &str| answer.get(name).and_then(Value::as_bool);
            if flag("success") == Some(false) {
                return Err(error_from_response(response));
            }
            match flag("starred").or_else(|| flag("isStarred")) {
                Some(stated) if stated != starred => Err(malformed(
                    ".starred",
                    format!("says starred is {stated} after asking for {starred}"),
                )),
                _ => Ok(()),
            }
        };
        parse().map_err(|e| e.scrub(&self.secrets()))
    }
}
