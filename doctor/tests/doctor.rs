//! The doctor against the sandbox (in this process, on a free loopback port): its documented
//! shapes all clear, each drift switch named by path, and the binary's output free of keys,
//! sessions and message text.

use std::process::Command;
use std::sync::mpsc;
use std::thread::JoinHandle;

use linkedin_inbox::{ApiKey, LoginToken};
use linkedin_inbox_doctor::{run, Credentials, Outcome, Ureq};

const CS_KEY: &str = "demo-connectsafely-key";
const LINKUP_KEY: &str = "demo-linkup-key";
const LOGIN_TOKEN: &str = "demo-login-token-titouan";
const CS_ACCOUNT: &str = "696ce9e780e0483585e4e553";
const V2_ACCOUNT: &str = "lk_acc_696ce9e780e0483585e4e553";

struct Sandbox {
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Sandbox {
    fn start(args: &[&str]) -> Self {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let (_, config) = linkedin_inbox_sandbox::config::from_args(&args).expect("sandbox args");
        let (address_tx, address_rx) = mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a free loopback port");
                address_tx.send(listener.local_addr().unwrap()).unwrap();
                let shutdown = async {
                    let _ = stopped.await;
                };
                linkedin_inbox_sandbox::serve(listener, config, shutdown)
                    .await
                    .expect("sandbox serves");
            });
        });
        let address = address_rx.recv().expect("sandbox started");
        Self {
            base: format!("http://{address}"),
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn credentials(sandbox: &Sandbox) -> Credentials {
    Credentials {
        connectsafely: Some((ApiKey::new(CS_KEY), CS_ACCOUNT.into())),
        linkup_v1: Some((ApiKey::new(LINKUP_KEY), LoginToken::new(LOGIN_TOKEN))),
        linkup_v2: Some((ApiKey::new(LINKUP_KEY), V2_ACCOUNT.into())),
        connectsafely_url: format!("{}/linkedin", sandbox.base),
        linkup_url: sandbox.base.clone(),
    }
}

#[test]
fn the_documented_shapes_are_all_clear_on_both_connectsafely_paths() {
    for seed in ["serve", "redirect"] {
        let sandbox = Sandbox::start(&["--connectsafely-seed", seed]);
        let report = run(&credentials(&sandbox), &mut Ureq::default());
        let text = report.to_string();
        assert!(report.all_clear(), "{seed}:\n{text}");
        assert!(text.contains("All clear"), "{text}");
        // Per provider: one list page and one thread, each read by the core.
        for section in &report.sections {
            let read: Vec<&Outcome> = section
                .calls
                .iter()
                .map(|c| &c.outcome)
                .filter(|o| matches!(o, Outcome::Read(_)))
                .collect();
            assert_eq!(read.len(), 2, "{seed}: {}\n{text}", section.title);
        }
        let redirected = report.sections[0]
            .calls
            .iter()
            .any(|c| c.outcome == Outcome::Redirected);
        assert_eq!(redirected, seed == "redirect", "{text}");
        if seed == "redirect" {
            assert!(text.contains("ConnectSafely GET /linkedin/conversations: HTTP 200"));
        }
    }
}

#[test]
fn each_drift_is_named_by_its_path_and_what_it_breaks() {
    let drifts = [
        (
            "unread-boolean",
            vec!["$.data.conversations[].unread: expected integer, seen boolean (breaks: unread counts, the Unread view and the badge)"],
        ),
        (
            "sender-name",
            vec!["$.data.conversations[].last_message.sender: expected object, seen string"],
        ),
        (
            "bare-ids",
            vec!["$.data.conversations[].conversation_id: expected URN string, seen string (breaks: conversation ids"],
        ),
        (
            "page-flag",
            vec!["$.data.has_next_page: not in the documented answer"],
        ),
        (
            "list-renamed",
            vec![
                "$.conversations: documented, absent (breaks: the inbox list)",
                "$.items: not in the documented answer",
                "linkedin-inbox reads it: 0 conversations",
            ],
        ),
    ];
    for (drift, named) in &drifts {
        let sandbox = Sandbox::start(&["--connectsafely-seed", "redirect", "--drift", drift]);
        let report = run(&credentials(&sandbox), &mut Ureq::default());
        let text = report.to_string();
        assert!(!report.all_clear(), "{drift}:\n{text}");
        for line in named {
            assert!(text.contains(line), "{drift} should name {line:?}:\n{text}");
        }
        // Only this drift is reported.
        for (other, lines) in &drifts {
            if other != drift {
                assert!(
                    !text.contains(lines[0]),
                    "{drift} also shows {other}:\n{text}"
                );
            }
        }
    }
}

#[test]
fn a_refused_key_is_a_failed_call_with_its_code() {
    let sandbox = Sandbox::start(&[]);
    let mut credentials = credentials(&sandbox);
    credentials.connectsafely = Some((ApiKey::new("not-the-key"), CS_ACCOUNT.into()));
    credentials.linkup_v1 = None;
    credentials.linkup_v2 = None;
    let report = run(&credentials, &mut Ureq::default());
    let text = report.to_string();
    assert!(!report.all_clear());
    assert_eq!(report.failures(), 1, "{text}");
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(
        text.contains("linkedin-inbox answers UNAUTHORIZED"),
        "{text}"
    );
    assert!(!text.contains("not-the-key"), "{text}");
}

fn doctor(sandbox: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_linkedin-inbox-doctor"))
        .args([
            "--connectsafely-url",
            &format!("{}/linkedin", sandbox.base),
            "--linkup-url",
            &sandbox.base,
        ])
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("the doctor runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn the_command_reads_keys_from_the_environment_and_prints_none_of_them() {
    let sandbox = Sandbox::start(&[]);
    let keys = [
        ("CONNECTSAFELY_API_KEY", CS_KEY),
        ("LINKUP_API_KEY", LINKUP_KEY),
        ("LINKUP_LOGIN_TOKEN", LOGIN_TOKEN),
    ];
    let accounts = [
        "--connectsafely-account",
        CS_ACCOUNT,
        "--linkup-account",
        V2_ACCOUNT,
    ];
    let (status, text) = doctor(&sandbox, &accounts, &keys);
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("All clear"), "{text}");
    // No key, session, account id, name or message text of the documented conversations.
    for secret in [CS_KEY, LINKUP_KEY, LOGIN_TOKEN, CS_ACCOUNT, V2_ACCOUNT] {
        assert!(!text.contains(secret), "{secret} printed:\n{text}");
    }
    for personal in ["John Doe", "Hello, how are you?", "Alés", "ACoAA", "2-ODFk"] {
        assert!(!text.contains(personal), "{personal} printed:\n{text}");
    }

    let drifted = Sandbox::start(&["--drift", "unread-boolean"]);
    let (status, text) = doctor(&drifted, &accounts, &keys);
    assert_eq!(status, 1, "{text}");

    let (status, text) = doctor(&sandbox, &["--connectsafely-key", CS_KEY], &[]);
    assert_eq!(status, 2, "{text}");
    assert!(text.contains("read from the environment only"), "{text}");
    assert!(!text.contains(CS_KEY), "{text}");
    let (status, text) = doctor(&sandbox, &[], &[]);
    assert_eq!(status, 2, "{text}");
    assert!(text.contains("no provider to check"), "{text}");
    let plain = Command::new(env!("CARGO_BIN_EXE_linkedin-inbox-doctor"))
        .args([
            "--linkup-url",
            "http://api.example.com",
            "--linkup-account",
            V2_ACCOUNT,
        ])
        .env_clear()
        .env("LINKUP_API_KEY", LINKUP_KEY)
        .output()
        .expect("the doctor runs");
    let said = String::from_utf8_lossy(&plain.stderr);
    assert_eq!(plain.status.code(), Some(2), "{said}");
    assert!(said.contains("keys go only over https://"), "{said}");
    let (status, text) = doctor(&sandbox, &[], &[("CONNECTSAFELY_API_KEY", CS_KEY)]);
    assert_eq!(status, 2, "{text}");
    assert!(text.contains("needs --connectsafely-account"), "{text}");
}
