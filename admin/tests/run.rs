//! Whole invocations over a scripted transport: headers, paging, stdin, output, exit status.

use std::collections::VecDeque;

use linkedin_inbox_admin::{run, Answer, Environment, Secret, Streams, Transport};
use serde_json::{json, Value};

#[derive(Debug, Clone)]
struct Sent {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

#[derive(Default)]
struct Scripted {
    answers: VecDeque<Result<Answer, String>>,
    sent: Vec<Sent>,
}

impl Scripted {
    fn answering(answers: Vec<(u16, Value)>) -> Self {
        Self {
            answers: answers
                .into_iter()
                .map(|(status, body)| {
                    Ok(Answer {
                        status,
                        body: body.to_string(),
                    })
                })
                .collect(),
            sent: Vec::new(),
        }
    }
}

impl Transport for Scripted {
    fn send(
        &mut self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Result<Answer, String> {
        self.sent.push(Sent {
            method: method.into(),
            url: url.into(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).into(), (*v).into()))
                .collect(),
            body: body.map(str::to_owned),
        });
        self.answers
            .pop_front()
            .unwrap_or_else(|| Err("no answer scripted".into()))
    }
}

struct Outcome {
    status: i32,
    out: String,
    err: String,
}

fn env() -> Environment {
    Environment {
        url: Some("http://127.0.0.1:8787/".into()),
        admin_token: Some(Secret::new("admin-secret-token")),
        user: Some("sam".into()),
    }
}

fn invoke(line: &str, stdin: &str, transport: &mut Scripted) -> Outcome {
    invoke_with(line, stdin, transport, &env())
}

fn invoke_with(line: &str, stdin: &str, transport: &mut Scripted, env: &Environment) -> Outcome {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run(
        line.split_whitespace().map(str::to_owned).collect(),
        env,
        transport,
        Streams {
            stdin: &mut stdin.as_bytes(),
            stdin_is_terminal: false,
            out: &mut out,
            err: &mut err,
        },
    );
    let outcome = Outcome {
        status,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    };
    assert!(
        !outcome.out.contains("admin-secret-token") && !outcome.err.contains("admin-secret-token")
    );
    outcome
}

fn client(name: &str) -> Value {
    json!({"name": name, "allowedOrigins": [], "accounts": ["alex"], "role": "member", "disabled": false, "createdAt": 0, "updatedAt": 0})
}

#[test]
fn headers_url_and_body() {
    let mut transport = Scripted::answering(vec![(
        201,
        json!({"client": client("team"), "token": "lic_abc"}),
    )]);
    let outcome = invoke("client add team --account alex", "", &mut transport);
    assert_eq!(outcome.status, 0, "{}", outcome.err);
    let sent = &transport.sent[0];
    assert_eq!(
        (sent.method.as_str(), sent.url.as_str()),
        ("POST", "http://127.0.0.1:8787/admin/v1/clients")
    );
    let header = |name: &str| {
        sent.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("Authorization"), Some("Bearer admin-secret-token"));
    assert_eq!(header("X-Admin-Actor"), Some("sam"));
    assert_eq!(header("Content-Type"), Some("application/json"));
    // Compared as JSON: key order follows serde_json's features, which the workspace unifies.
    let body: Value = serde_json::from_str(sent.body.as_deref().unwrap()).unwrap();
    assert_eq!(body, json!({"name": "team", "accounts": ["alex"]}));
    assert!(
        outcome
            .out
            .contains("token: lic_abc\nThis token will not be shown again"),
        "{}",
        outcome.out
    );
}

#[test]
fn actor_flag_wins_over_user() {
    let mut transport = Scripted::answering(vec![(200, json!({"resealed": 3}))]);
    let outcome = invoke("reseal --actor ops-bot", "", &mut transport);
    assert_eq!(
        outcome.out,
        "re-sealed 3 credentials under the current key\n"
    );
    assert!(transport.sent[0]
        .headers
        .contains(&("X-Admin-Actor".into(), "ops-bot".into())));
}

#[test]
fn lists_walk_every_page_and_json_merges_them() {
    let pages = || {
        vec![
            (
                200,
                json!({"items": [client("a"), client("b")], "next": "b"}),
            ),
            (200, json!({"items": [client("c")], "next": null})),
        ]
    };
    let mut transport = Scripted::answering(pages());
    let outcome = invoke("client list", "", &mut transport);
    assert_eq!(outcome.status, 0);
    let urls: Vec<&str> = transport.sent.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "http://127.0.0.1:8787/admin/v1/clients?limit=100",
            "http://127.0.0.1:8787/admin/v1/clients?limit=100&after=b"
        ]
    );
    assert_eq!(outcome.out.lines().count(), 4, "{}", outcome.out);
    assert!(
        outcome.out.starts_with(
            "NAME  ROLE    STATE    ACCOUNTS  ORIGINS\na     member  enabled  alex      -\n"
        ),
        "{}",
        outcome.out
    );

    let mut transport = Scripted::answering(pages());
    let outcome = invoke("--json client list", "", &mut transport);
    let value: Value = serde_json::from_str(&outcome.out).unwrap();
    assert_eq!(value["items"].as_array().unwrap().len(), 3);
    assert_eq!(value["next"], Value::Null);
}

#[test]
fn audit_shows_the_newest_entries() {
    let entry = |seq: i64| json!({"seq": seq, "at": 0, "action": "client.add", "target": format!("c{seq}")});
    let mut transport = Scripted::answering(vec![
        (200, json!({"items": [entry(1), entry(2)], "next": 2})),
        (200, json!({"items": [entry(3)], "next": null})),
    ]);
    let outcome = invoke("audit --limit 2", "", &mut transport);
    assert_eq!(
        transport.sent[1].url,
        "http://127.0.0.1:8787/admin/v1/audit?limit=100&after=2"
    );
    let targets: Vec<&str> = outcome
        .out
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(5).unwrap())
        .collect();
    assert_eq!(targets, ["c2", "c3"], "{}", outcome.out);
}

#[test]
fn a_session_is_read_from_stdin() {
    let account = json!({"id": "alex", "providers": ["linkup"], "hasLinkupLoginToken": true});
    let mut transport = Scripted::answering(vec![(200, account)]);
    let outcome = invoke("account rotate-session alex", "li_at_new\n", &mut transport);
    assert_eq!(outcome.status, 0);
    assert_eq!(
        transport.sent[0].body.as_deref(),
        Some(r#"{"linkupLoginToken":"li_at_new"}"#)
    );
    assert!(!outcome.out.contains("li_at_new"));

    let mut transport = Scripted::default();
    let outcome = invoke("account rotate-session alex", "\n", &mut transport);
    assert_eq!(outcome.status, 1);
    assert!(transport.sent.is_empty());
}

#[test]
fn import_sends_the_file_and_refuses_what_is_not_json() {
    let dir = std::env::temp_dir().join(format!("admin-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("clients.json");
    std::fs::write(
        &file,
        r#"[{"name":"a","tokenSha256":"ab","linkupLoginToken":"li_secret"}]"#,
    )
    .unwrap();
    let mut transport = Scripted::answering(vec![(200, json!({"clients": 1, "accounts": 1}))]);
    let outcome = invoke(&format!("import {}", file.display()), "", &mut transport);
    assert_eq!(outcome.out, "imported 1 clients and 1 accounts\n");
    assert!(transport.sent[0]
        .body
        .as_deref()
        .unwrap()
        .contains("li_secret"));

    let mut transport = Scripted::default();
    let outcome = invoke(
        "import -",
        "{\"linkupLoginToken\": li_secret",
        &mut transport,
    );
    assert_eq!(outcome.status, 1);
    assert!(
        outcome.err.contains("stdin: not JSON (line 1"),
        "{}",
        outcome.err
    );
    assert!(!outcome.err.contains("li_secret"));
    let outcome = invoke(
        &format!("import {}", dir.join("missing.json").display()),
        "",
        &mut transport,
    );
    assert_eq!(outcome.status, 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn refusals_name_code_message_and_field() {
    let envelope = json!({"error": {"code": "INVALID_INPUT", "message": "not a provider", "field": "listVia"}});
    let mut transport = Scripted::answering(vec![(400, envelope.clone())]);
    let outcome = invoke("account add x --list-via linkup", "", &mut transport);
    assert_eq!(outcome.status, 1);
    assert_eq!(
        outcome.err,
        "linkedin-inbox-admin: refused (400 INVALID_INPUT): not a provider [field: listVia]\n"
    );
    let mut transport = Scripted::answering(vec![(400, envelope.clone())]);
    let outcome = invoke("--json account add x --list-via linkup", "", &mut transport);
    assert_eq!(
        serde_json::from_str::<Value>(&outcome.out).unwrap(),
        envelope
    );
    let linked =
        json!({"error": {"code": "CONFLICT", "message": "account alex is linked", "field": "id"}});
    let mut transport = Scripted::answering(vec![(409, linked)]);
    let outcome = invoke("account delete alex", "", &mut transport);
    assert_eq!(outcome.status, 1);
    assert!(
        outcome
            .err
            .ends_with("hint: add --unlink to unlink the account from its clients and delete it\n"),
        "{}",
        outcome.err
    );
}

#[test]
fn unreachable_and_foreign_answers_exit_2() {
    let mut transport = Scripted::default();
    transport.answers.push_back(Err("Connection Failed".into()));
    assert_eq!(invoke("client show a", "", &mut transport).status, 2);
    let mut transport = Scripted::default();
    transport.answers.push_back(Ok(Answer {
        status: 404,
        body: "<html>not here</html>".into(),
    }));
    let outcome = invoke("client show a", "", &mut transport);
    assert_eq!(outcome.status, 2);
    assert!(outcome.err.contains("without the API's error envelope"));
    let mut transport = Scripted::default();
    transport.answers.push_back(Ok(Answer {
        status: 200,
        body: "<html>".into(),
    }));
    assert_eq!(invoke("client show a", "", &mut transport).status, 2);
}

#[test]
fn settings_are_checked_before_anything_is_sent() {
    let mut transport = Scripted::default();
    let no_token = Environment {
        admin_token: None,
        ..env()
    };
    let outcome = invoke_with("client list", "", &mut transport, &no_token);
    assert_eq!(outcome.status, 2);
    assert!(outcome
        .err
        .contains("LINKEDIN_INBOX_ADMIN_TOKEN is not set"));
    let outcome = invoke("client list --url http://w.example", "", &mut transport);
    assert_eq!(outcome.status, 2);
    assert!(outcome.err.contains("https://"));
    let no_url = Environment { url: None, ..env() };
    assert_eq!(
        invoke_with("client list", "", &mut transport, &no_url).status,
        2
    );
    assert_eq!(
        invoke("client list --actor \u{7}", "", &mut transport).status,
        1
    );
    assert!(transport.sent.is_empty());
    let outcome = invoke("--help", "", &mut transport);
    assert_eq!(
        (outcome.status, outcome.out.starts_with("usage:")),
        (0, true)
    );
}
