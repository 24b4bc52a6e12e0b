//! `client ...` read into a [`Command`].

use crate::args::CommandWords;
use crate::command::{account_id, client_name, Command, NewClient, Role};
use crate::error::{CliError, HelpTopic};

const TOPIC: HelpTopic = HelpTopic::Client;

/// Reads the words after `client`.
pub fn parse_client(mut words: Vec<String>) -> Result<Command, CliError> {
    if words.is_empty() {
        return Err(CliError::usage_of(TOPIC, "client: which command?"));
    }
    let verb = words.remove(0);
    if verb == "add" {
        let words = CommandWords::parse(words, &["--origin", "--account", "--role"], &[], TOPIC)?;
        let name = client_name(&words.exactly(&["NAME"], TOPIC)?[0])?;
        let accounts = words
            .all("--account")
            .iter()
            .map(|id| account_id(id))
            .collect::<Result<_, _>>()?;
        let role = match words.one("--role", TOPIC)?.as_deref() {
            None => None,
            Some("member") => Some(Role::Member),
            Some("operator") => Some(Role::Operator),
            Some(other) => {
                return Err(CliError::Input(format!(
                    "--role {}: member or operator",
                    crate::render::printable(other)
                )))
            }
        };
        return Ok(Command::ClientAdd(NewClient {
            name,
            origins: checked_origins(words.all("--origin"))?,
            accounts,
            role,
        }));
    }
    let words = CommandWords::parse(words, &[], &[], TOPIC)?;
    if verb == "list" {
        words.exactly(&[], TOPIC)?;
        return Ok(Command::ClientList);
    }
    if verb == "origins" {
        let Some((name, origins)) = words.positionals.split_first() else {
            return Err(CliError::usage_of(TOPIC, "missing NAME"));
        };
        return Ok(Command::ClientOrigins {
            name: client_name(name)?,
            origins: checked_origins(origins.to_vec())?,
        });
    }
    let name = || -> Result<String, CliError> { client_name(&words.exactly(&["NAME"], TOPIC)?[0]) };
    Ok(match verb.as_str() {
        "show" => Command::ClientShow(name()?),
        "disable" | "enable" => Command::ClientSetDisabled {
            name: name()?,
            disabled: verb == "disable",
        },
        "delete" => Command::ClientDelete(name()?),
        "rotate-token" => Command::ClientRotateToken(name()?),
        "rebuild-index" => Command::ClientRebuildIndex(name()?),
        other => {
            return Err(CliError::usage_of(
                TOPIC,
                format!("unknown command client {}", crate::render::printable(other)),
            ))
        }
    })
}

/// Origins as a browser sends them: a scheme, `://`, a host, nothing after it. The API has the
/// last word; this only catches a pasted URL with a path.
fn checked_origins(origins: Vec<String>) -> Result<Vec<String>, CliError> {
    for origin in &origins {
        let shaped = origin.split_once("://").is_some_and(|(scheme, rest)| {
            !scheme.is_empty() && !rest.is_empty() && !rest.contains('/')
        });
        if !shaped {
            return Err(CliError::Input(format!(
                "origin {}: scheme://host[:port] with no path (e.g. chrome-extension://<id>)",
                crate::render::printable(origin)
            )));
        }
    }
    Ok(origins)
}
