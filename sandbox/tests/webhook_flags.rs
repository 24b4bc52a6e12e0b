//! The webhook flags: `--webhook <provider>:<account>=<url>` with `--webhook-secret`, which
//! serve `/__sandbox/simulate` and `/__sandbox/webhooks` without `--test-controls`; targets
//! registered at start survive `/__sandbox/reset`; bad flags stop the sandbox.

mod common;

use common::*;
use serde_json::json;

const CS_SECRET: &str = "cs-webhook-secret";
const LK_SECRET: &str = "lk-webhook-secret";

#[test]
fn cli_flags_register_targets_and_serve_simulate_without_test_controls() {
    let receiver = Receiver::start();
    let (cs_url, lk_url) = (receiver.url("/cs"), receiver.url("/lk"));
    let cs_flag = format!("connectsafely:{DOC_ACCOUNT}={cs_url}");
    let lk_flag = format!("linkup:lk_acc_{DOC_ACCOUNT}={lk_url}");
    let sandbox = Sandbox::start_bare(&[
        "--webhook-secret",
        CS_SECRET,
        "--webhook",
        &cs_flag,
        "--webhook-secret",
        LK_SECRET,
        "--webhook",
        &lk_flag,
    ]);
    let (status, listed) = sandbox.control_status("GET", "webhooks", None);
    assert_eq!(
        (status, listed["webhooks"].as_array().unwrap().len()),
        (200, 2)
    );
    assert_eq!(
        sandbox.control_status("GET", "stats", None).0,
        404,
        "test controls stay off"
    );
    let (status, _) = sandbox.simulate(json!({"account": DOC_ACCOUNT, "text": "from the demo"}));
    assert_eq!(status, 200);
    let got = receiver.wait_for(2);
    assert!(got[0].cs_signed_with(CS_SECRET) && got[1].linkup_signed_with(LK_SECRET));

    let plain = Sandbox::start_bare(&[]);
    assert_eq!(
        plain
            .simulate(json!({"account": DOC_ACCOUNT, "text": "x"}))
            .0,
        404
    );
    let simulate_only = Sandbox::start_bare(&["--simulate"]);
    assert_eq!(
        simulate_only
            .simulate(json!({"account": DOC_ACCOUNT, "text": "x"}))
            .0,
        200
    );
    assert_eq!(simulate_only.control_status("GET", "webhooks", None).0, 200);
}

#[test]
fn one_secret_after_the_webhooks_applies_to_all_and_reset_restores_them() {
    let receiver = Receiver::start();
    let flag = format!("connectsafely:{DOC_ACCOUNT}={}", receiver.url("/cs"));
    let sandbox = Sandbox::start_with(&["--webhook", &flag, "--webhook-secret", CS_SECRET]);
    let extra = json!({"provider": "linkup", "account": DOC_ACCOUNT, "url": receiver.url("/lk"), "secret": "s"});
    sandbox.control_status("POST", "webhooks", Some(&extra.to_string()));
    sandbox.control("POST", "reset", None);
    let (_, listed) = sandbox.control_status("GET", "webhooks", None);
    assert_eq!(
        listed,
        json!({"webhooks": [{"provider": "connectsafely", "account": DOC_ACCOUNT, "url": receiver.url("/cs")}]})
    );
    sandbox.simulate(json!({"account": DOC_ACCOUNT, "text": "after reset"}));
    let got = receiver.wait_for(1);
    assert!(got[0].cs_signed_with(CS_SECRET));
}

#[test]
fn bad_webhook_flags_stop_the_sandbox_with_a_message() {
    for args in [
        vec![
            "--webhook".to_owned(),
            format!("connectsafely:{DOC_ACCOUNT}=http://127.0.0.1:1/"),
        ],
        vec![
            "--webhook-secret".into(),
            "s".into(),
            "--webhook".into(),
            format!("connectsafely:{DOC_ACCOUNT}=https://x/"),
        ],
        vec![
            "--webhook-secret".into(),
            "s".into(),
            "--webhook".into(),
            "unipile:x=http://127.0.0.1:1/".into(),
        ],
        vec![
            "--webhook-secret".into(),
            "s".into(),
            "--webhook".into(),
            "linkup:nobody=http://127.0.0.1:1/".into(),
        ],
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_sandbox"))
            .args(["--port", "0"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("webhook"),
            "{args:?}"
        );
    }
}
