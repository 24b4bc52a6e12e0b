//! Request bodies and query strings, read strictly: bad JSON, a field or parameter the route
//! does not take, or a value of the wrong type is a 400 naming it. Fields are taken one by one
//! (rather than through one `deny_unknown_fields` struct) so each refusal names its field.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Failure;
use crate::rules::registry::is_safe_name;

/// The most items a page holds (`?limit=`).
pub(super) const MAX_PAGE: usize = 100;

/// Items in a page when `?limit=` is not given.
pub(super) const DEFAULT_PAGE: usize = 50;

/// A JSON object body, its fields taken one at a time.
pub(super) struct Body(Map<String, Value>);

impl Body {
    /// `bytes` as a JSON object taking only `fields` (an empty body is an empty object).
    pub fn parse(bytes: &[u8], fields: &[&str]) -> Result<Self, Failure> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Map::new()));
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            Failure::invalid(
                "body",
                format!(
                    "the body is not JSON: {}",
                    crate::rules::settings::classify(&e)
                ),
            )
        })?;
        let Value::Object(object) = value else {
            return Err(Failure::invalid("body", "the body must be a JSON object"));
        };
        if let Some(unknown) = object.keys().find(|k| !fields.contains(&k.as_str())) {
            return Err(Failure::invalid(
                unknown,
                format!("{unknown} is not a field of this request"),
            ));
        }
        Ok(Self(object))
    }

    /// The field's value; absent or `null` is `None`.
    pub fn optional<T: DeserializeOwned>(&mut self, field: &str) -> Result<Option<T>, Failure> {
        Ok(self.nullable(field)?.flatten())
    }

    /// The field's value: absent is `None`, `null` is `Some(None)` (clear it).
    pub fn nullable<T: DeserializeOwned>(
        &mut self,
        field: &str,
    ) -> Result<Option<Option<T>>, Failure> {
        match self.0.remove(field) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(value) => serde_json::from_value(value)
                .map(|v| Some(Some(v)))
                .map_err(|_| {
                    Failure::invalid(field, format!("{field} has the wrong type or value"))
                }),
        }
    }

    /// The field's value, which must be given.
    pub fn required<T: DeserializeOwned>(&mut self, field: &str) -> Result<T, Failure> {
        self.optional(field)?
            .ok_or_else(|| Failure::invalid(field, format!("{field} is required")))
    }

    /// Whether the body gave `field` (before it was taken).
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
}

/// A route that takes no body: nothing, or `{}`.
pub(super) fn no_body(bytes: &[u8]) -> Result<(), Failure> {
    Body::parse(bytes, &[]).map(|_| ())
}

/// A query string's parameters, each at most once, only those the route takes.
pub(super) struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(query: &str, parameters: &[&str]) -> Result<Self, Failure> {
        let mut seen: Vec<(String, String)> = Vec::new();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            if !parameters.contains(&name.as_ref()) {
                return Err(Failure::invalid(
                    &name,
                    format!("{name} is not a parameter of this route"),
                ));
            }
            if seen.iter().any(|(known, _)| *known == name) {
                return Err(Failure::invalid(&name, format!("{name} is given twice")));
            }
            seen.push((name.into_owned(), value.into_owned()));
        }
        Ok(Self(seen))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, v)| v.as_str())
    }

    /// `?limit=` (1 to [`MAX_PAGE`], [`DEFAULT_PAGE`] when absent).
    pub fn limit(&self) -> Result<usize, Failure> {
        match self.get("limit") {
            None => Ok(DEFAULT_PAGE),
            Some(limit) => limit
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| Failure::invalid("limit", format!("limit must be 1 to {MAX_PAGE}"))),
        }
    }

    /// `?after=`: a name or id (empty when absent: the first page).
    pub fn after_name(&self) -> Result<String, Failure> {
        match self.get("after") {
            None => Ok(String::new()),
            Some(after) if is_safe_name(after) => Ok(after.to_owned()),
            Some(_) => Err(Failure::invalid(
                "after",
                "after must be a name or id: 1 to 64 of A-Z a-z 0-9 . _ -",
            )),
        }
    }
}

/// A name or id taken from the path: `[A-Za-z0-9._-]{1,64}` (a 400 naming `field` else).
pub(super) fn path_name(value: &str, field: &str) -> Result<(), Failure> {
    if is_safe_name(value) {
        Ok(())
    } else {
        Err(Failure::invalid(
            field,
            format!("{field} must be 1 to 64 of A-Z a-z 0-9 . _ -"),
        ))
    }
}
