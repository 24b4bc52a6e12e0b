//! A conversation page's JSON around items that are JSON already (stored, or another
//! account's answer): the page as [`ConversationPage`] serializes it, its items spliced in as
//! they are, never parsed and written again.

use linkedin_inbox::ConversationPage;

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

#[cfg(test)]
mod tests;
