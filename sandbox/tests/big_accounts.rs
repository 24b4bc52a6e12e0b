//! `--big-account N --big-accounts K`: K large accounts of N conversations each, for the
//! benchmarks of several accounts; each with its own id, owner, login token and threads.

mod common;

use common::*;

#[test]
fn several_big_accounts_each_list_their_own_conversations() {
    let sandbox = Sandbox::start_with(&["--big-account", "30", "--big-accounts", "3"]);
    let mut owners = Vec::new();
    let mut threads = std::collections::HashSet::new();
    for id in [
        "b16b16b16b16b16b16b16b16",
        "b16b16b16b16b16b16b16b01",
        "b16b16b16b16b16b16b16b02",
    ] {
        let (status, page) = sandbox.recent(&format!("accountId={id}&count=100"), Some(CS_KEY));
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["accountId"], id);
        let conversations = page["conversations"].as_array().unwrap();
        assert_eq!(conversations.len(), 30);
        owners.push(page["profileUrn"].as_str().unwrap().to_owned());
        for c in conversations {
            assert!(threads.insert(c["conversationId"].as_str().unwrap().to_owned()));
        }
    }
    owners.dedup();
    assert_eq!(owners.len(), 3, "three owners");
    assert_eq!(threads.len(), 90, "no thread shared between the accounts");
}

#[test]
fn big_accounts_out_of_range_stop_the_sandbox() {
    for bad in ["0", "9", "x"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_sandbox"))
            .args(["--port", "0", "--big-account", "5", "--big-accounts", bad])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "--big-accounts {bad}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("--big-accounts"));
    }
}
