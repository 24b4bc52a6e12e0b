use super::*;
use crate::rules::settings::tests::env;

/// 2026-12-06T10:00:00Z: 14 hours before the UTC midnight reset.
const NOW: u64 = 1_796_551_200_000;

fn today(sends: u64, new_conversations: u64) -> SendsToday {
    SendsToday {
        sends,
        new_conversations,
    }
}

fn exhausted() -> Result<SendSpend, Error> {
    Err(Error::BudgetExhausted {
        retry_after_secs: Some(14 * 3600),
    })
}

const NEW: SendSpend = SendSpend {
    new_conversation: true,
};
const COUNTED_AS_SEND: SendSpend = SendSpend {
    new_conversation: false,
};

#[test]
fn by_default_replies_are_uncapped_and_new_connectsafely_conversations_stop_at_150() {
    let caps = SendCaps::of(&Config::from_lookup(&env(&[])).unwrap());
    assert_eq!(
        caps,
        SendCaps {
            sends: 0,
            new_conversations: 150
        }
    );
    let cs = Provider::ConnectSafely;
    assert_eq!(
        caps.admit(SendKind::Reply, cs, today(100_000, 150), NOW),
        Ok(COUNTED_AS_SEND),
        "replying is unlimited"
    );
    assert_eq!(
        caps.admit(SendKind::NewConversation, cs, today(100_000, 149), NOW),
        Ok(NEW)
    );
    assert_eq!(
        caps.admit(SendKind::NewConversation, cs, today(0, 150), NOW),
        exhausted()
    );
}

#[test]
fn linkup_documents_no_new_conversation_cap() {
    let caps = SendCaps {
        sends: 0,
        new_conversations: 150,
    };
    assert_eq!(
        caps.admit(
            SendKind::NewConversation,
            Provider::Linkup,
            today(0, 10_000),
            NOW
        ),
        Ok(COUNTED_AS_SEND)
    );
}

#[test]
fn the_operator_s_send_cap_holds_for_replies_and_new_conversations_alike() {
    let caps = SendCaps {
        sends: 2,
        new_conversations: 0,
    };
    for kind in [SendKind::Reply, SendKind::NewConversation] {
        for writer in [Provider::ConnectSafely, Provider::Linkup] {
            assert!(caps.admit(kind, writer, today(1, 10_000), NOW).is_ok());
            assert_eq!(caps.admit(kind, writer, today(2, 0), NOW), exhausted());
        }
    }
}

#[test]
fn a_send_to_a_member_with_a_stored_conversation_is_a_reply() {
    assert_eq!(SendKind::of(true, false), SendKind::Reply);
    assert_eq!(SendKind::of(false, true), SendKind::Reply);
    assert_eq!(SendKind::of(false, false), SendKind::NewConversation);
}
