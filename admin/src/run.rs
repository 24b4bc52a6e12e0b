//! One invocation from start to exit status: the command line read, the environment checked,
//! stdin or a file read when the command needs it, the request(s) sent over a [`Transport`],
//! the answer printed.

use std::io::{BufRead, Write};

use serde_json::{json, Value};

use crate::command::{parse, Command, ImportSource, Parsed};
use crate::endpoint::checked_base_url;
use crate::error::{CliError, Secret};
use crate::request::{page, plan, ApiRequest, Input, Plan};
use crate::transport::Transport;
use crate::{help, render};

/// What the process environment gives (read once by `main`, given by tests).
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `LINKEDIN_INBOX_URL`.
    pub url: Option<String>,
    /// `LINKEDIN_INBOX_ADMIN_TOKEN`.
    pub admin_token: Option<Secret>,
    /// `USER`: the default `--actor`.
    pub user: Option<String>,
}

/// Standard input and output, as `run` uses them.
pub struct Streams<'a> {
    /// Standard input (a session, or a registry to import).
    pub stdin: &'a mut dyn BufRead,
    /// Whether stdin is a terminal (a person is asked to paste the session).
    pub stdin_is_terminal: bool,
    /// Standard output: answers.
    pub out: &'a mut dyn Write,
    /// Standard error: errors and prompts.
    pub err: &'a mut dyn Write,
}

/// Runs the command line `args` (without the program name) and returns the exit status.
pub fn run(
    args: Vec<String>,
    env: &Environment,
    transport: &mut dyn Transport,
    io: Streams,
) -> i32 {
    let Streams {
        stdin,
        stdin_is_terminal,
        out,
        err,
    } = io;
    let parsed = match parse(args) {
        Ok(parsed) => parsed,
        Err(error) => return report(&error, false, out, err),
    };
    let (options, command) = match parsed {
        Parsed::Help(topic) => {
            let _ = out.write_all(help::usage(topic).as_bytes());
            return 0;
        }
        Parsed::Run(options, command) => (options, command),
    };
    let json = options.json;
    let outcome = (|| {
        let url = options.url.or_else(|| env.url.clone()).ok_or_else(|| {
            CliError::setting(
                "no Worker URL: give --url https://<worker> or set LINKEDIN_INBOX_URL",
            )
        })?;
        let base = checked_base_url(&url)?;
        let token = env.admin_token.clone().ok_or_else(|| {
            CliError::setting(
                "LINKEDIN_INBOX_ADMIN_TOKEN is not set (the admin token is read from it only)",
            )
        })?;
        if !token.expose().bytes().all(|b| b.is_ascii_graphic()) {
            return Err(CliError::Input(
                "LINKEDIN_INBOX_ADMIN_TOKEN holds spaces or control characters".into(),
            ));
        }
        let actor = match options.actor {
            Some(actor) => Some(checked_actor(&actor)?),
            None => env
                .user
                .as_deref()
                .and_then(|user| checked_actor(user).ok()),
        };
        let input = read_input(&command, stdin, stdin_is_terminal, err)?;
        let mut api = Api {
            base,
            token,
            actor,
            transport,
        };
        execute(&command, plan(&command, input), &mut api, json)
    })();
    match outcome {
        Ok(text) => {
            let _ = out.write_all(text.as_bytes());
            0
        }
        Err(error) => {
            let status = report(&error, json, out, err);
            if let Some(hint) = hint(&command, &error) {
                let _ = writeln!(err, "hint: {hint}");
            }
            status
        }
    }
}

/// What to do next, for a refusal the command line can answer.
fn hint(command: &Command, error: &CliError) -> Option<&'static str> {
    let CliError::Refused { code, .. } = error else {
        return None;
    };
    match (command, code.as_str()) {
        (Command::AccountDelete { unlink: false, .. }, "CONFLICT") => {
            Some("add --unlink to unlink the account from its clients and delete it")
        }
        (_, "UNAUTHORIZED") => Some("LINKEDIN_INBOX_ADMIN_TOKEN is not this Worker's ADMIN_TOKEN"),
        _ => None,
    }
}

fn report(error: &CliError, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    if let (
        true,
        CliError::Refused {
            code,
            message,
            field,
            ..
        },
    ) = (json, error)
    {
        let mut envelope = json!({ "code": code, "message": message });
        if let Some(field) = field {
            envelope["field"] = json!(field);
        }
        let _ = writeln!(out, "{}", json!({ "error": envelope }));
    }
    let _ = writeln!(err, "linkedin-inbox-admin: {error}");
    if let CliError::Usage {
        topic: Some(topic), ..
    } = error
    {
        let _ = write!(err, "\n{}", help::usage(*topic));
    }
    error.exit_code()
}

/// `X-Admin-Actor`: a name as the audit log takes it, `[A-Za-z0-9._-]{1,64}` (the Worker
/// would record anything else as `admin`).
fn checked_actor(actor: &str) -> Result<String, CliError> {
    let fits = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
    if actor.is_empty() || actor.len() > 64 || !actor.bytes().all(fits) {
        return Err(CliError::Input(format!(
            "--actor {}: 1 to 64 of A-Z a-z 0-9 . _ -",
            render::printable(actor)
        )));
    }
    Ok(actor.to_owned())
}

fn read_input(
    command: &Command,
    stdin: &mut dyn BufRead,
    is_terminal: bool,
    err: &mut dyn Write,
) -> Result<Input, CliError> {
    let wants_session = matches!(
        command,
        Command::AccountAdd {
            session_from_stdin: true,
            ..
        } | Command::AccountRotateSession(_)
    );
    if wants_session {
        if is_terminal {
            let _ = write!(
                err,
                "Paste the account's LinkedIn session (LinkupAPI login token), then Enter: "
            );
            let _ = err.flush();
        }
        let mut line = String::new();
        stdin
            .read_line(&mut line)
            .map_err(|e| CliError::Input(format!("stdin could not be read: {}", e.kind())))?;
        let session = line.trim();
        if session.is_empty() {
            return Err(CliError::Input("no LinkedIn session on stdin".into()));
        }
        return Ok(Input::Session(Secret::new(session)));
    }
    let Command::Import(source) = command else {
        return Ok(Input::None);
    };
    let (name, text) = match source {
        ImportSource::Stdin => {
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|e| CliError::Input(format!("stdin could not be read: {}", e.kind())))?;
            ("stdin".to_owned(), text)
        }
        ImportSource::File(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::Input(format!("{}: {}", render::printable(path), e.kind()))
            })?;
            (render::printable(path), text)
        }
    };
    // serde_json's error names a line and column, never the text (which holds secrets).
    if let Err(error) = serde_json::from_str::<Value>(&text) {
        return Err(CliError::Input(format!(
            "{name}: not JSON (line {}, column {})",
            error.line(),
            error.column()
        )));
    }
    Ok(Input::Registry(text))
}

/// The admin API at one base URL, with its credentials.
struct Api<'a> {
    base: String,
    token: Secret,
    actor: Option<String>,
    transport: &'a mut dyn Transport,
}

impl Api<'_> {
    /// Sends `request`; the answer's JSON and its text, or the API's refusal.
    fn call(&mut self, request: &ApiRequest) -> Result<(Value, String), CliError> {
        let authorization = format!("Bearer {}", self.token.expose());
        let mut headers = vec![
            ("Authorization", authorization.as_str()),
            ("Accept", "application/json"),
        ];
        if request.body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        if let Some(actor) = &self.actor {
            headers.push(("X-Admin-Actor", actor));
        }
        let url = format!("{}{}", self.base, request.path);
        let answer = self
            .transport
            .send(request.method, &url, &headers, request.body.as_deref())
            .map_err(CliError::Unreachable)?;
        read_answer(answer.status, answer.body)
    }
}

/// An answer as the admin API gives it: JSON on success, its error envelope otherwise.
pub fn read_answer(status: u16, body: String) -> Result<(Value, String), CliError> {
    let parsed = serde_json::from_str::<Value>(&body);
    if (200..300).contains(&status) {
        return match parsed {
            Ok(value) => Ok((value, body)),
            Err(_) => Err(CliError::Unreachable(format!(
                "HTTP {status} with an answer that is not JSON: is --url the Worker?"
            ))),
        };
    }
    let error = parsed.ok().map(|value| value["error"].clone());
    match error.as_ref().and_then(|e| Some((e["code"].as_str()?, e["message"].as_str()?))) {
        Some((code, message)) => Err(CliError::Refused {
            status,
            code: render::printable(code),
            message: render::printable(message),
            field: error
                .as_ref()
                .and_then(|e| e["field"].as_str())
                .map(render::printable),
        }),
        None => Err(CliError::Unreachable(format!(
            "HTTP {status} without the API's error envelope: is --url the Worker, with the admin API?"
        ))),
    }
}

fn execute(command: &Command, plan: Plan, api: &mut Api, json: bool) -> Result<String, CliError> {
    let collection = match plan {
        Plan::One(request) => {
            let (value, text) = api.call(&request)?;
            return Ok(if json {
                format!("{}\n", text.trim_end())
            } else {
                render::answer(command, &value)
            });
        }
        Plan::AllPages(collection) => collection,
    };
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (value, _) = api.call(&page(collection, after.as_deref()))?;
        let Some(page_items) = value["items"].as_array() else {
            return Err(CliError::Unreachable(
                "a page without items: is --url the Worker?".into(),
            ));
        };
        items.extend(page_items.iter().cloned());
        let next = value["next"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| value["next"].as_i64().map(|n| n.to_string()));
        match next {
            Some(next) if after.as_deref() != Some(next.as_str()) => after = Some(next),
            Some(_) => {
                return Err(CliError::Unreachable(
                    "the API gave the same page twice".into(),
                ))
            }
            None => break,
        }
    }
    if let Command::Audit { limit } = command {
        items.sort_by_key(|entry| entry["seq"].as_i64().unwrap_or(0));
        let skip = items.len().saturating_sub(*limit);
        items.drain(..skip);
    }
    Ok(if json {
        format!("{}\n", json!({ "items": items, "next": null }))
    } else {
        render::list(command, &items)
    })
}
