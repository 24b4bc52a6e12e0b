//! One LinkedIn member across the client's accounts (`GET /v1/people/{id}`, `?person=`): the
//! member is named by their profile id (`ACoAA…`, as conversations' participants carry it in
//! `profileId`), or by a profile URN whose last part is that id.

/// The longest member id taken.
const MAX_MEMBER_LEN: usize = 100;

/// The profile id `raw` names: itself, or the last part of a URN
/// (`urn:li:fsd_profile:ACoAA…`); `None` when it is not one.
pub fn member_id(raw: &str) -> Option<&str> {
    let id = raw.trim().rsplit(':').next()?;
    let valid = !id.is_empty()
        && id.len() <= MAX_MEMBER_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then_some(id)
}

#[cfg(test)]
mod tests {
    use super::member_id;

    #[test]
    fn a_member_is_named_by_profile_id_or_urn() {
        assert_eq!(member_id("ACoAAB1234_x-Y"), Some("ACoAAB1234_x-Y"));
        assert_eq!(
            member_id("urn:li:fsd_profile:ACoAAB1234"),
            Some("ACoAAB1234")
        );
        assert_eq!(member_id(" ACoAAB1234 "), Some("ACoAAB1234"));
        for bad in [
            "",
            "urn:li:fsd_profile:",
            "a b",
            "ACo'; DROP",
            "x/y",
            &"a".repeat(101),
        ] {
            assert_eq!(member_id(bad), None, "{bad}");
        }
    }
}
