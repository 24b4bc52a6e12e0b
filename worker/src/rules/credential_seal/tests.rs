use super::*;

/// A key of 32 bytes of `byte`, base64.
fn key(byte: u8) -> String {
    STANDARD.encode([byte; 32])
}

fn keys(secret: &str) -> CredentialKeys {
    CredentialKeys::parse(secret).unwrap()
}

const CONTEXT: &str = "account:a:linkupLoginToken";

#[test]
fn a_sealed_value_opens_in_its_place_only() {
    let keys = keys(&format!("k1:{}", key(1)));
    let sealed = keys.seal(CONTEXT, "li_at-secret", [7; 12]);
    assert!(sealed.starts_with("v1.k1."), "{sealed}");
    assert!(!sealed.contains("li_at-secret"));
    assert_eq!(sealed.split('.').count(), 4);
    assert_eq!(keys.open(CONTEXT, &sealed).unwrap(), "li_at-secret");
    assert_eq!(
        keys.open("account:b:linkupLoginToken", &sealed),
        Err(SealError::Rejected)
    );
    assert_eq!(
        keys.open("account:a:linkupWebhookSecret", &sealed),
        Err(SealError::Rejected)
    );
    assert!(keys.is_current(&sealed));
    assert_eq!(keys.open("c", &keys.seal("c", "", [0; 12])).unwrap(), "");
}

#[test]
fn a_tampered_byte_does_not_open() {
    let keys = keys(&format!("k1:{}", key(1)));
    let sealed = keys.seal(CONTEXT, "secret value", [3; 12]);
    let (head, body) = sealed.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
    for index in 0..bytes.len() {
        bytes[index] ^= 1;
        let altered = format!("{head}.{}", URL_SAFE_NO_PAD.encode(&bytes));
        assert_eq!(keys.open(CONTEXT, &altered), Err(SealError::Rejected));
        bytes[index] ^= 1;
    }
    let other_nonce = sealed.replacen(
        &URL_SAFE_NO_PAD.encode([3u8; 12]),
        &URL_SAFE_NO_PAD.encode([4u8; 12]),
        1,
    );
    assert_eq!(keys.open(CONTEXT, &other_nonce), Err(SealError::Rejected));
}

#[test]
fn an_unknown_kid_does_not_open_and_rotation_keeps_old_values_readable() {
    let old = keys(&format!("k1:{}", key(1)));
    let sealed = old.seal(CONTEXT, "s", [1; 12]);
    let other = keys(&format!("k2:{}", key(2)));
    assert_eq!(other.open(CONTEXT, &sealed), Err(SealError::UnknownKey));
    // Same kid, other key: the tag fails.
    let impostor = keys(&format!("k1:{}", key(9)));
    assert_eq!(impostor.open(CONTEXT, &sealed), Err(SealError::Rejected));

    let rotated = keys(&format!("k2:{}, k1:{}", key(2), key(1)));
    assert_eq!(rotated.current_kid(), "k2");
    assert_eq!(rotated.open(CONTEXT, &sealed).unwrap(), "s");
    assert!(!rotated.is_current(&sealed));
    let resealed = rotated.seal(CONTEXT, &rotated.open(CONTEXT, &sealed).unwrap(), [2; 12]);
    assert!(resealed.starts_with("v1.k2.") && rotated.is_current(&resealed));
    assert_eq!(other.open(CONTEXT, &resealed).unwrap(), "s");
    assert_eq!(old.open(CONTEXT, &resealed), Err(SealError::UnknownKey));
}

#[test]
fn malformed_values_are_refused_without_panicking() {
    let keys = keys(&format!("k1:{}", key(1)));
    let sealed = keys.seal(CONTEXT, "a longer secret value", [5; 12]);
    for end in 0..sealed.len() {
        let cut = &sealed[..end];
        assert!(keys.open(CONTEXT, cut).is_err(), "{cut}");
        let _ = keys.is_current(cut);
        let cut = &sealed[end + 1..];
        assert!(keys.open(CONTEXT, cut).is_err(), "{cut}");
    }
    for bad in [
        "",
        ".",
        "....",
        "v1",
        "v2.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.k1.AAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.k1.AAAAAAAAAAAAAAAA.AAAA",
        "v1.k.1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.x",
        "v1.k1.!!!!!!!!!!!!!!!!.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.é.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
    ] {
        assert!(keys.open(CONTEXT, bad).is_err(), "{bad}");
        assert!(!keys.is_current(bad), "{bad}");
    }
    assert_eq!(
        keys.open(CONTEXT, "v1.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"),
        Err(SealError::Rejected)
    );
}

#[test]
fn the_secret_is_checked_and_never_quoted() {
    let good = key(1);
    for (secret, expected) in [
        (String::new(), "entry 0"),
        ("k1".to_owned(), "entry 0"),
        (format!("k1:{good},k1:{}", key(2)), "listed twice"),
        (format!("k1:{good},k.2:{}", key(2)), "entry 1: the kid"),
        (
            "k1:c2hvcnQ=".to_owned(),
            "kid k1 must be base64 of 32 bytes",
        ),
        (format!("k1:{good}x"), "entry 0"),
        (format!("k1:{good},"), "entry 1"),
    ] {
        let err = CredentialKeys::parse(&secret).unwrap_err();
        assert!(err.0.contains(expected), "{} / {expected}", err.0);
        assert!(
            !err.0.contains(&good) && !err.0.contains("c2hvcnQ"),
            "{}",
            err.0
        );
    }
    let keys = keys(&format!(" k1 : {good} ,k2:{}", key(2)));
    let debug = format!("{keys:?}");
    assert!(debug.contains("k1") && debug.contains("k2"), "{debug}");
    assert!(
        !debug.contains(&good) && !debug.contains("1, 1, 1"),
        "{debug}"
    );
}
