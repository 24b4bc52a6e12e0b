//! `account ...` read into a [`Command`].

use crate::args::CommandWords;
use crate::command::{account_id, AccountFields, Command, Provider};
use crate::error::{CliError, HelpTopic};

const TOPIC: HelpTopic = HelpTopic::Account;

const ADD_FLAGS: &[&str] = &[
    "--label",
    "--connectsafely-account-id",
    "--linkup-account-id",
    "--linkup-country",
    "--list-via",
    "--threads-via",
];

/// Reads the words after `account`.
pub fn parse_account(mut words: Vec<String>) -> Result<Command, CliError> {
    if words.is_empty() {
        return Err(CliError::usage_of(TOPIC, "account: which command?"));
    }
    let verb = words.remove(0);
    let (valued, switches): (&[&str], &[&str]) = match verb.as_str() {
        "add" => (ADD_FLAGS, &["--linkup-session-stdin"]),
        "delete" => (&[], &["--unlink"]),
        _ => (&[], &[]),
    };
    let words = CommandWords::parse(words, valued, switches, TOPIC)?;
    let id = || -> Result<String, CliError> { account_id(&words.exactly(&["ID"], TOPIC)?[0]) };
    Ok(match verb.as_str() {
        "add" => Command::AccountAdd {
            id: id()?,
            fields: account_fields(&words)?,
            session_from_stdin: words.has("--linkup-session-stdin"),
        },
        "list" => {
            words.exactly(&[], TOPIC)?;
            Command::AccountList
        }
        "show" => Command::AccountShow(id()?),
        "disable" | "enable" => Command::AccountSetDisabled {
            id: id()?,
            disabled: verb == "disable",
        },
        "delete" => Command::AccountDelete {
            id: id()?,
            unlink: words.has("--unlink"),
        },
        "rotate-session" => Command::AccountRotateSession(id()?),
        "webhook-secret" => {
            let names = words.exactly(&["ID", "PROVIDER (connectsafely or linkup)"], TOPIC)?;
            Command::AccountWebhookSecret {
                id: account_id(&names[0])?,
                provider: provider(&names[1], "webhook-secret")?,
            }
        }
        other => {
            return Err(CliError::usage_of(
                TOPIC,
                format!(
                    "unknown command account {}",
                    crate::render::printable(other)
                ),
            ))
        }
    })
}

fn account_fields(words: &CommandWords) -> Result<AccountFields, CliError> {
    let via = |flag: &str| -> Result<Option<Provider>, CliError> {
        words
            .one(flag, TOPIC)?
            .map(|name| provider(&name, flag))
            .transpose()
    };
    let country = words.one("--linkup-country", TOPIC)?;
    if let Some(country) = &country {
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(CliError::Input(format!(
                "--linkup-country {}: a two-letter country code (e.g. FR)",
                crate::render::printable(country)
            )));
        }
    }
    Ok(AccountFields {
        label: words.one("--label", TOPIC)?,
        connectsafely_account_id: words.one("--connectsafely-account-id", TOPIC)?,
        linkup_account_id: words.one("--linkup-account-id", TOPIC)?,
        linkup_country: country,
        list_via: via("--list-via")?,
        threads_via: via("--threads-via")?,
    })
}

fn provider(name: &str, what: &str) -> Result<Provider, CliError> {
    match name {
        "connectsafely" => Ok(Provider::ConnectSafely),
        "linkup" => Ok(Provider::Linkup),
        other => Err(CliError::Input(format!(
            "{what} {}: connectsafely or linkup",
            crate::render::printable(other)
        ))),
    }
}
