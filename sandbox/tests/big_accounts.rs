//! `--big-account N --big-accounts K`: K large accounts of N conversations each, for the
//! benchmarks and tests of one inbox over many accounts; each with its own id, owner, login
//! token and threads, and a few members who talk with every one of them.

mod common;

use common::*;
use serde_json::Value;

const IDS: [&str; 3] = [
    "b16b16b16b16b16b16b16b16",
    "b16b16b16b16b16b00000001",
    "b16b16b16b16b16b00000002",
];

/// Account `id`'s whole inbox, newest first (at most 100 conversations).
fn inbox(sandbox: &Sandbox, id: &str) -> (String, Vec<Value>) {
    let (status, page) = sandbox.recent(&format!("accountId={id}&count=100"), Some(CS_KEY));
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["accountId"], id);
    let owner = page["profileUrn"].as_str().unwrap().to_owned();
    (owner, page["conversations"].as_array().unwrap().clone())
}

fn first_participant(conversation: &Value) -> &str {
    conversation["participants"][0]["profileId"]
        .as_str()
        .unwrap()
}

#[test]
fn several_big_accounts_each_list_their_own_conversations() {
    let sandbox = Sandbox::start_with(&["--big-account", "30", "--big-accounts", "3"]);
    let mut owners = Vec::new();
    let mut threads = std::collections::HashSet::new();
    for id in IDS {
        let (owner, conversations) = inbox(&sandbox, id);
        assert_eq!(conversations.len(), 30);
        owners.push(owner);
        for c in &conversations {
            assert!(threads.insert(c["conversationId"].as_str().unwrap().to_owned()));
        }
    }
    owners.dedup();
    assert_eq!(owners.len(), 3, "three owners");
    assert_eq!(threads.len(), 90, "no thread shared between the accounts");
}

#[test]
fn some_members_talk_with_every_big_account_and_the_data_is_the_same_every_run() {
    let first = Sandbox::start_with(&["--big-account", "30", "--big-accounts", "3"]);
    let inboxes: Vec<Vec<Value>> = IDS.iter().map(|id| inbox(&first, id).1).collect();
    // Members 0, 1, 2 at positions 5, 15, 25 of every inbox (docs/sandbox.md).
    for position in [5, 15, 25] {
        let member = &inboxes[0][position]["participants"][0];
        for inbox in &inboxes[1..] {
            assert_eq!(
                &inbox[position]["participants"][0], member,
                "position {position}"
            );
        }
    }
    // Nobody else is in two accounts' conversations.
    let mut accounts_of = std::collections::HashMap::<String, usize>::new();
    for inbox in &inboxes {
        for c in inbox {
            for p in c["participants"].as_array().unwrap() {
                *accounts_of
                    .entry(p["profileId"].as_str().unwrap().into())
                    .or_default() += 1;
            }
        }
    }
    let shared: std::collections::HashSet<&str> = [5, 15, 25]
        .iter()
        .map(|&i| first_participant(&inboxes[0][i]))
        .collect();
    for (member, accounts) in &accounts_of {
        let expected = if shared.contains(member.as_str()) {
            3
        } else {
            1
        };
        assert_eq!(*accounts, expected, "{member}");
    }
    // Deterministic: another sandbox with the same flags serves the same inboxes.
    let second = Sandbox::start_with(&["--big-account", "30", "--big-accounts", "3"]);
    for (id, inbox) in IDS.iter().zip(&inboxes) {
        assert_eq!(&self::inbox(&second, id).1, inbox, "{id}");
    }
}

#[test]
fn two_hundred_big_accounts_are_served() {
    let sandbox = Sandbox::start_with(&["--big-account", "3", "--big-accounts", "200"]);
    // Account 199: `b16b16b16b16b16b` and 199 in 8 hex digits.
    let (_, conversations) = inbox(&sandbox, "b16b16b16b16b16b000000c7");
    assert_eq!(conversations.len(), 3);
    let (status, _) = sandbox.recent("accountId=b16b16b16b16b16b000000c8&count=1", Some(CS_KEY));
    assert_ne!(status, 200, "account 200 is not configured");
}

#[test]
fn big_accounts_out_of_range_stop_the_sandbox() {
    for (bad, says) in [
        ("0", "--big-accounts takes 1 to 256"),
        ("257", "--big-accounts takes 1 to 256"),
        ("x", "--big-accounts needs a number"),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_sandbox"))
            .args(["--port", "0", "--big-account", "5", "--big-accounts", bad])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "--big-accounts {bad}");
        assert!(String::from_utf8_lossy(&output.stderr).contains(says));
    }
}
