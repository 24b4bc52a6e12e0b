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
    // The documented maximum holds for the value as sent, spaces included.
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

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
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
    #[serde(default)]
    profile_url: Option<String>,
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
    let draft = linkedin_inbox::Draft {
        conversation_id: Some(id),
        profile_url: body.profile_url,
        text: body.text,
    };
    draft.validate()?;
    Ok(draft)
}

/// `POST /v1/messages` `{profileUrl, text}`: a message to a person, checked.
pub fn new_draft(body: &str) -> Result<linkedin_inbox::Draft, Error> {
    let body: NewBody = json_body(body, "{\"profileUrl\": string, \"text\": string}")?;
    let draft = linkedin_inbox::Draft {
        conversation_id: None,
        profile_url: Some(body.profile_url),
        text: body.text,
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
mod tests {
    use super::*;
    use linkedin_inbox::ErrorCode;

    fn plain(cursor: &str) -> Result<String, Error> {
        Ok(cursor.to_owned())
    }

    fn url(query: &str) -> Url {
        Url::parse(&format!("https://proxy.example/v1/x{query}")).unwrap()
    }

    #[test]
    fn sends_need_a_key_and_a_checked_body() {
        assert_eq!(
            idempotency_key(None).unwrap_err().field(),
            Some("Idempotency-Key")
        );
        assert_eq!(
            idempotency_key(Some("")).unwrap_err().field(),
            Some("Idempotency-Key")
        );
        assert_eq!(
            idempotency_key(Some("a b")).unwrap_err().field(),
            Some("Idempotency-Key")
        );
        assert!(idempotency_key(Some(&"k".repeat(256))).is_err());
        assert_eq!(idempotency_key(Some("9f1c-42")).unwrap(), "9f1c-42");
        let draft = reply_draft("2-abc", r#"{"text": " hi <b>there</b> "}"#).unwrap();
        assert_eq!(
            (draft.conversation_id.as_deref(), draft.text.as_str()),
            (Some("2-abc"), " hi <b>there</b> ")
        );
        for (body, field) in [
            ("", "body"),
            ("{}", "body"),
            (r#"{"text": "hi", "extra": 1}"#, "body"),
            (r#"{"text": "   "}"#, "text"),
            (r#"{"text": "a\u0000b"}"#, "text"),
        ] {
            assert_eq!(
                reply_draft("2-abc", body).unwrap_err().field(),
                Some(field),
                "{body}"
            );
        }
        assert_eq!(
            reply_draft("nope", r#"{"text": "hi"}"#)
                .unwrap_err()
                .field(),
            Some("conversationId")
        );
        let new =
            new_draft(r#"{"profileUrl": "https://www.linkedin.com/in/ana/", "text": "Hello"}"#)
                .unwrap();
        assert_eq!(
            new.profile_url.as_deref(),
            Some("https://www.linkedin.com/in/ana/")
        );
        assert_eq!(
            new_draft(r#"{"profileUrl": "https://evil.example/in/ana", "text": "x"}"#)
                .unwrap_err()
                .field(),
            Some("profileUrl")
        );
        assert_eq!(
            new_draft(r#"{"text": "x"}"#).unwrap_err().field(),
            Some("body")
        );
    }

    #[test]
    fn an_empty_profile_url_names_profile_url() {
        for body in [
            r#"{"profileUrl": "", "text": "x"}"#,
            r#"{"profileUrl": "   ", "text": "x"}"#,
        ] {
            assert_eq!(
                new_draft(body).unwrap_err().field(),
                Some("profileUrl"),
                "{body}"
            );
        }
    }

    #[test]
    fn numbers_are_digits_only_and_keywords_within_their_length_as_sent() {
        for bad in [
            "?count=%2B5",
            "?count=+5",
            "?count=%205",
            "?count=5%20",
            "?count=",
            "?count=5.0",
            "?count=0x5",
        ] {
            let error = conversations(&url(bad), None, &plain).unwrap_err();
            assert_eq!(
                (error.code(), error.field()),
                (ErrorCode::InvalidInput, Some("count")),
                "{bad}"
            );
        }
        assert_eq!(
            conversations(&url("?count=05"), None, &plain)
                .unwrap()
                .count,
            Some(5)
        );
        let long = format!(
            "?keywords={}{}",
            "a".repeat(linkedin_inbox::MAX_KEYWORDS_LEN),
            "%20%20"
        );
        let error = conversations(&url(&long), None, &plain).unwrap_err();
        assert_eq!(error.field(), Some("keywords"));
        let exact = format!("?keywords={}", "a".repeat(linkedin_inbox::MAX_KEYWORDS_LEN));
        assert!(conversations(&url(&exact), None, &plain).is_ok());
        let control = conversations(&url("?keywords=a%07b"), None, &plain).unwrap_err();
        assert_eq!(control.field(), Some("keywords"));
    }

    #[test]
    fn conversation_filters_are_read_for_the_clients_account() {
        let q = conversations(
            &url("?count=5&unread=true&keywords=R%26D"),
            Some("acct-1"),
            &plain,
        )
        .unwrap();
        assert_eq!(
            (
                q.account_id.as_deref(),
                q.count,
                q.unread,
                q.keywords.as_deref()
            ),
            (Some("acct-1"), Some(5), Some(true), Some("R&D"))
        );
    }

    #[test]
    fn bad_parameters_name_their_field() {
        let cases = [
            ("?unread=yes", "unread"),
            ("?count=ten", "count"),
            ("?count=0", "count"),
            ("?acount=1", "query"),
        ];
        for (query, field) in cases {
            let err = conversations(&url(query), Some("acct"), &plain).unwrap_err();
            assert_eq!(
                (err.code(), err.field()),
                (ErrorCode::InvalidInput, Some(field)),
                "{query}"
            );
        }
        let err = messages_by_profile(&url(""), &plain).unwrap_err();
        assert_eq!(err.field(), Some("profileUrl"));
    }

    #[test]
    fn path_ids_are_percent_decoded_and_bounded() {
        let q = messages_by_id(
            &url("?count=3"),
            "urn%3Ali%3Amsg_conversation%3A2-abc",
            &plain,
        )
        .unwrap();
        assert_eq!(
            q.conversation_id.as_deref(),
            Some("urn:li:msg_conversation:2-abc")
        );
        let long = "a".repeat(3 * linkedin_inbox::MAX_ID_LEN + 1);
        assert_eq!(
            messages_by_id(&url(""), &long, &plain).unwrap_err().field(),
            Some("conversationId")
        );
        assert_eq!(
            messages_by_id(&url(""), "%FF", &plain).unwrap_err().field(),
            Some("conversationId")
        );
    }

    #[test]
    fn cursors_are_opened_before_the_core_checks_them() {
        let refuse = |_: &str| -> Result<String, Error> {
            Err(Error::InvalidCursor {
                reason: "forged".into(),
            })
        };
        let err = conversations(&url("?cursor=abc"), Some("acct"), &refuse).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidCursor);
        let err = messages_by_profile(
            &url("?profileUrl=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fx&cursor=abc"),
            &refuse,
        )
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidCursor);
        // No cursor: nothing to open.
        assert!(conversations(&url("?count=3"), Some("acct"), &refuse).is_ok());
    }
}
