//! Query strings and path ids of the proxy API into core queries. Anything the core would
//! reject, or an unknown parameter, is `INVALID_INPUT` naming the field.

use linkedin_inbox::{ConversationQuery, Error, MessageQuery};
use url::Url;

use crate::rules::route_table::{
    unknown_parameter, CONVERSATIONS_QUERY, PROFILE_THREAD_QUERY, THREAD_QUERY,
};

fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::InvalidInput {
        field,
        reason: reason.into(),
    }
}

/// The parameters of `url`, last value winning; names outside `allowed` are refused (the
/// fetch handler has refused them already, from the same route table).
fn params(url: &Url, allowed: &[&'static str]) -> Result<Vec<(&'static str, String)>, Error> {
    let mut found: Vec<(&'static str, String)> = Vec::new();
    for (name, value) in url.query_pairs() {
        let Some(known) = allowed.iter().find(|a| **a == name) else {
            return Err(unknown_parameter(&name, allowed));
        };
        found.retain(|(n, _)| n != known);
        found.push((known, value.into_owned()));
    }
    Ok(found)
}

/// Opens a presented cursor into the core's (the Worker checks its signature).
pub type Unseal<'a> = &'a dyn Fn(&str) -> Result<String, Error>;

fn cursor(params: &[(&'static str, String)], unseal: Unseal) -> Result<Option<String>, Error> {
    get(params, "cursor").map(|c| unseal(&c)).transpose()
}

fn get(params: &[(&'static str, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.clone())
}

fn count(params: &[(&'static str, String)]) -> Result<Option<u32>, Error> {
    get(params, "count")
        .map(|text| {
            // Digits only: no sign, no spaces (`+5` and ` 5` are refused, not read as 5).
            let digits =
                !text.is_empty() && text.len() <= 9 && text.bytes().all(|b| b.is_ascii_digit());
            digits
                .then(|| text.parse::<u32>().ok())
                .flatten()
                .ok_or_else(|| {
                    invalid(
                        "count",
                        format!(
                            "must be a whole number, got `{}`",
                            text.chars().take(20).collect::<String>()
                        ),
                    )
                })
        })
        .transpose()
}

/// `GET /v1/conversations?count=&keywords=&unread=&cursor=` for the client's account.
pub fn conversations(
    url: &Url,
    account_id: Option<&str>,
    unseal: Unseal,
) -> Result<ConversationQuery, Error> {
    let params = params(url, CONVERSATIONS_QUERY)?;
    let unread = match get(&params, "unread").as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(invalid("unread", "must be true or false")),
    };
    // The documented rules hold for the value as sent, spaces included (the core trims).
    if let Some(keywords) = get(&params, "keywords") {
        if keywords.chars().count() > linkedin_inbox::MAX_KEYWORDS_LEN {
            return Err(invalid(
                "keywords",
                format!(
                    "must be at most {} characters",
                    linkedin_inbox::MAX_KEYWORDS_LEN
                ),
            ));
        }
        if keywords.chars().any(char::is_control) {
            return Err(invalid("keywords", "must not hold control characters"));
        }
    }
    let query = ConversationQuery {
        account_id: account_id.map(str::to_owned),
        count: count(&params)?,
        keywords: get(&params, "keywords"),
        unread,
        cursor: cursor(&params, unseal)?,
        label_id: None,
    };
    query.cache_key()?;
    Ok(query)
}

/// `?person=`: a LinkedIn member's profile id (or a profile URN ending in it).
pub fn person(url: &Url) -> Result<Option<String>, Error> {
    let Some(value) = url
        .query_pairs()
        .filter(|(name, _)| name == "person")
        .last()
        .map(|(_, v)| v.into_owned())
    else {
        return Ok(None);
    };
    match crate::rules::people::member_id(&value) {
        Some(id) => Ok(Some(id.to_owned())),
        None => Err(invalid(
            "person",
            "must be a member's profile id (ACoAA…) or a profile URN ending in one",
        )),
    }
}

/// `?account=`: an account id of the registry's alphabet, or `all` (checked against the
/// client's accounts by the caller).
pub fn account(url: &Url) -> Result<Option<String>, Error> {
    let Some(value) = url
        .query_pairs()
        .filter(|(name, _)| name == "account")
        .last()
        .map(|(_, v)| v.into_owned())
    else {
        return Ok(None);
    };
    match crate::rules::registry::is_safe_name(&value) {
        true => Ok(Some(value)),
        false => Err(invalid(
            "account",
            "must be an account id (1 to 64 of A-Z a-z 0-9 . _ -) or all",
        )),
    }
}

/// A conversation id from the path, percent-decoded.
pub fn path_conversation_id(raw_id: &str) -> Result<String, Error> {
    if raw_id.len() > 3 * linkedin_inbox::MAX_ID_LEN {
        return Err(invalid("conversationId", "is too long"));
    }
    Ok(percent_encoding::percent_decode_str(raw_id)
        .decode_utf8()
        .map_err(|_| invalid("conversationId", "is not valid percent-encoded UTF-8"))?
        .into_owned())
}

/// The `Idempotency-Key` of a send: required, 1..=255 visible ASCII characters.
pub fn idempotency_key(value: Option<&str>) -> Result<String, Error> {
    const FIELD: &str = "Idempotency-Key";
    let Some(value) = value else {
        return Err(invalid(
            FIELD,
            "is required for a send (any unique string per message, reused on retries)",
        ));
    };
    if value.is_empty() || value.len() > 255 || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(FIELD, "must be 1..=255 visible ASCII characters"));
    }
    Ok(value.to_owned())
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReplyBody {
    text: String,
    /// `None` when absent; `Some(None)` when sent as `null` (refused like an empty string).
    #[serde(default, deserialize_with = "present")]
    profile_url: Option<Option<String>>,
}

/// A field that is there, even as `null`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    <Option<String> as serde::Deserialize>::deserialize(d).map(Some)
}

/// The documented rules of a message's text, for the text as sent (the core then trims it):
/// at most [`linkedin_inbox::MAX_MESSAGE_LEN`] characters, no control character but newlines
/// and tabs (a trailing `\r` is refused, not trimmed away).
fn text_as_sent(text: &str) -> Result<(), Error> {
    let max = linkedin_inbox::MAX_MESSAGE_LEN;
    if text.chars().count() > max {
        return Err(invalid(
            "text",
            format!("must be at most {max} characters as sent"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(invalid(
            "text",
            "must not hold control characters (newlines and tabs are fine)",
        ));
    }
    Ok(())
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewBody {
    profile_url: String,
    text: String,
}

/// A JSON body of `shape` (its size and encoding were checked as it was read).
fn json_body<T: serde::de::DeserializeOwned>(body: &str, shape: &str) -> Result<T, Error> {
    serde_json::from_str(body).map_err(|e| {
        let what = e.to_string();
        let shown: String = what.chars().take(120).collect();
        invalid("body", format!("must be JSON {shape}: {shown}"))
    })
}

/// `POST /v1/conversations/{id}/messages` `{text, profileUrl?}`: a reply, checked.
pub fn reply_draft(raw_id: &str, body: &str) -> Result<linkedin_inbox::Draft, Error> {
    let id = path_conversation_id(raw_id)?;
    let body: ReplyBody = json_body(body, "{\"text\": string, \"profileUrl\"?: string}")?;
    text_as_sent(&body.text)?;
    let profile_url = match body.profile_url {
        None => None,
        Some(Some(url)) if !url.trim().is_empty() => Some(url),
        Some(_) => {
            return Err(invalid(
                "profileUrl",
                "must be a LinkedIn profile URL when given (leave it out otherwise)",
            ))
        }
    };
    let draft = linkedin_inbox::Draft {
        conversation_id: Some(id),
        profile_url,
        text: body.text,
        attachments: Vec::new(),
    };
    draft.validate()?;
    Ok(draft)
}

/// `POST /v1/messages` `{profileUrl, text}`: a message to a person, checked.
pub fn new_draft(body: &str) -> Result<linkedin_inbox::Draft, Error> {
    let body: NewBody = json_body(body, "{\"profileUrl\": string, \"text\": string}")?;
    text_as_sent(&body.text)?;
    let draft = linkedin_inbox::Draft {
        conversation_id: None,
        profile_url: Some(body.profile_url),
        text: body.text,
        attachments: Vec::new(),
    };
    draft.validate()?;
    Ok(draft)
}

/// `GET /v1/conversations/{id}/messages?count=&cursor=` (the id percent-encoded in the path).
pub fn messages_by_id(url: &Url, raw_id: &str, unseal: Unseal) -> Result<MessageQuery, Error> {
    let id = path_conversation_id(raw_id)?;
    let params = params(url, THREAD_QUERY)?;
    checked(MessageQuery {
        conversation_id: Some(id),
        profile_url: None,
        count: count(&params)?,
        cursor: cursor(&params, unseal)?,
        since: None,
    })
}

/// `GET /v1/messages?profileUrl=&count=&cursor=`.
pub fn messages_by_profile(url: &Url, unseal: Unseal) -> Result<MessageQuery, Error> {
    let params = params(url, PROFILE_THREAD_QUERY)?;
    let profile_url =
        get(&params, "profileUrl").ok_or_else(|| invalid("profileUrl", "is required"))?;
    checked(MessageQuery {
        conversation_id: None,
        profile_url: Some(profile_url),
        count: count(&params)?,
        cursor: cursor(&params, unseal)?,
        since: None,
    })
}

fn checked(query: MessageQuery) -> Result<MessageQuery, Error> {
    query.cache_key()?;
    Ok(query)
}

#[cfg(test)]
mod tests;
