//! JSON bodies around parts that are JSON already (stored conversations, another object's
//! answer): the parts spliced in as they are, never parsed and written again. Every body the
//! Worker builds that way is built here: a conversation page as [`ConversationPage`]
//! serializes it, an object with one more field holding such an array, and an object's text
//! with one more field in front. Names and values are written by serde_json (escaped); the
//! order of an object's keys is serde_json's and no reader depends on it.

use linkedin_inbox::ConversationPage;
use serde_json::Value;

/// `page` serialized with `items` (the items' JSON texts, joined by commas) as its items; the
/// page's own items are dropped.
pub fn page_with_items(mut page: ConversationPage, items: &str) -> String {
    page.items = Vec::new();
    let empty = serde_json::to_string(&page).expect("a page serializes");
    // `items` is the page's first field.
    let rest = empty
        .strip_prefix("{\"items\":[]")
        .expect("a page's JSON starts with its items");
    let mut body = String::with_capacity(items.len() + empty.len() + 2);
    body.push_str("{\"items\":[");
    body.push_str(items);
    body.push(']');
    body.push_str(rest);
    body
}

/// `head` (a JSON object; anything else is taken as an empty one) with one more field,
/// `field`, whose value is the array of `items`: JSON texts joined by commas.
pub fn with_raw_array(head: &Value, field: &str, items: &str) -> String {
    let head = match head {
        Value::Object(_) => head.to_string(),
        _ => "{}".to_owned(),
    };
    let open = &head[..head.len() - 1];
    let separator = if open.len() > 1 { "," } else { "" };
    let field = Value::from(field);
    format!("{open}{separator}{field}:[{items}]}}")
}

/// `object` (a JSON object's text) with `field` set to `value` in front of its own fields.
pub fn with_first_field(object: &str, field: &str, value: &Value) -> String {
    let fields = object.trim().strip_prefix('{').unwrap_or("}").trim_start();
    let separator = if fields.starts_with('}') { "" } else { "," };
    let field = Value::from(field);
    format!("{{{field}:{value}{separator}{fields}")
}

#[cfg(test)]
mod tests;
