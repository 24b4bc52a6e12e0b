//! Finding members by profile URL or id: what LinkupAPI lookups and both providers' sends
//! to a profile share.

use super::{Account, Conversation, Person};

/// Matches a profile URL against participants' vanity and id URLs: scheme, `www.`, case,
/// percent-encoding and a trailing slash do not matter.
pub fn find_by_profile<'a>(account: &'a Account, url: &str) -> Option<&'a Conversation> {
    let wanted = profile_slug(url)?;
    account
        .conversations
        .iter()
        .find(|c| c.participants.iter().any(|p| is_profile(p, &wanted)))
}

/// Whether `person` is the member a profile URL's [`profile_slug`] names (vanity or id).
pub fn is_profile(person: &Person, slug: &str) -> bool {
    profile_slug(&person.vanity_url).as_deref() == Some(slug)
        || person.profile_id.to_lowercase() == slug
}

/// The member part of a `linkedin.com/in/<slug>` URL, percent-decoded and lowercased.
pub fn profile_slug(url: &str) -> Option<String> {
    let (_, after) = url.split_once("linkedin.com/in/")?;
    let slug = after.split(['/', '?', '#']).next()?;
    let decoded = percent_encoding::percent_decode_str(slug)
        .decode_utf8()
        .ok()?;
    (!decoded.is_empty()).then(|| decoded.to_lowercase())
}
