//! Drafts validated before any send is built, naming the field; a send's errors never carry the
//! session.
#![cfg(not(target_arch = "wasm32"))]

mod send_fixture;

use linkedin_inbox::{Draft, HttpResponse, MAX_MESSAGE_LEN};
use pretty_assertions::assert_eq;
use send_fixture::{cs, lk_v1, reply, to_profile};

#[test]
fn drafts_are_validated_naming_the_field() {
    let field = |draft: Draft| cs().build_send(&draft, None).unwrap_err().field();
    assert_eq!(field(reply("")), Some("text"));
    assert_eq!(field(reply(" \n\t ")), Some("text"));
    assert_eq!(field(reply("a\u{7}b")), Some("text"));
    assert_eq!(field(reply("a\rb")), Some("text"));
    assert_eq!(field(reply("pay \u{202E}0001$")), Some("text"));
    assert!(
        cs().build_send(&reply("שלום 👋 مرحبا"), None).is_ok(),
        "right-to-left text is fine"
    );
    assert_eq!(field(reply(&"x".repeat(MAX_MESSAGE_LEN + 1))), Some("text"));
    assert!(cs()
        .build_send(&reply(&"é".repeat(MAX_MESSAGE_LEN)), None)
        .is_ok());
    assert!(cs()
        .build_send(&reply("line one\n\tline two"), None)
        .is_ok());
    assert_eq!(
        field(Draft {
            text: "hi".into(),
            ..Default::default()
        }),
        Some("conversationId")
    );
    assert_eq!(
        field(Draft {
            profile_url: Some("https://example.com/in/x".into()),
            ..to_profile("hi")
        }),
        Some("profileUrl")
    );
    assert_eq!(
        field(Draft {
            conversation_id: Some("nope".into()),
            ..reply("hi")
        }),
        Some("conversationId")
    );
}

#[test]
fn errors_never_carry_the_session() {
    let echo = HttpResponse::new(
        500,
        r#"{"status":"error","message":"bad token li-at-secret"}"#,
    );
    let error = lk_v1().parse_send(&reply("x"), &echo).unwrap_err();
    assert!(!format!("{error} {error:?}").contains("li-at-secret"));
}

#[test]
fn file_names_are_counted_in_bytes_and_made_safe() {
    use linkedin_inbox::{check_file, safe_file_name, MAX_FILE_NAME_BYTES};
    // 128 characters, 256 bytes: refused by bytes, not by characters.
    let wide = "é".repeat(128);
    assert!(check_file("files", &wide, "image/png", 1).is_err());
    assert!(check_file("files", &"é".repeat(127), "image/png", 1).is_ok());
    // Cut at a character, within the cap.
    let cut = safe_file_name(&wide);
    assert_eq!((cut.len(), cut.chars().count()), (254, 127));
    assert!(cut.len() <= MAX_FILE_NAME_BYTES);
    assert_eq!(safe_file_name("../../etc/pass\u{7}wd"), "passwd");
    assert_eq!(safe_file_name("C:\\Users\\ana\\ cv.pdf "), "cv.pdf");
    assert_eq!(safe_file_name("dir/"), "");
}

#[test]
fn file_names_lose_bidi_overrides_and_other_format_characters() {
    use linkedin_inbox::{check_file, safe_file_name};
    // U+202E makes "invoice\u{202E}fdp.exe" read as "invoiceexe.pdf".
    assert_eq!(safe_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
    let marks = "\u{200E}\u{200F}\u{202A}\u{202B}\u{202C}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}";
    assert_eq!(
        safe_file_name(&format!("a{marks}b\u{200B}\u{FEFF}\u{AD}.pdf")),
        "ab.pdf"
    );
    assert_eq!(
        safe_file_name("\u{202E}\u{2066}"),
        "",
        "nothing left but marks"
    );
    // Letters of every script stay.
    assert_eq!(
        safe_file_name("résumé 履歴書 سيرة.pdf"),
        "résumé 履歴書 سيرة.pdf"
    );
    assert!(check_file("files", &safe_file_name("\u{202E}"), "image/png", 1).is_err());
}
