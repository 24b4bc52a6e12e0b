//! The drafts and providers' clients of the core's send tests (`tests/send.rs`,
//! `tests/send_drafts.rs`).

use linkedin_inbox::{ApiKey, ConnectSafely, Draft, Linkup, LoginToken};

pub const BASE: &str = "http://127.0.0.1:9";
pub const THREAD: &str = "2-ODFkYjU4M2ItZDlmYS00YTVjLThlNTQtZjI5YTE4ZWUyZDk5XzEwMA==";
pub const PROFILE: &str = "https://www.linkedin.com/in/john-doe/";

pub fn cs() -> ConnectSafely {
    ConnectSafely::with_base_url(ApiKey::new("cs-key"), &format!("{BASE}/linkedin")).unwrap()
}

pub fn lk_v1() -> Linkup {
    Linkup::with_base_url(ApiKey::new("lk-key"), LoginToken::new("li-at-secret"), BASE).unwrap()
}

pub fn reply(text: &str) -> Draft {
    Draft {
        conversation_id: Some(THREAD.into()),
        text: text.into(),
        ..Draft::default()
    }
}

pub fn to_profile(text: &str) -> Draft {
    Draft {
        profile_url: Some(PROFILE.into()),
        text: text.into(),
        ..Draft::default()
    }
}
