//! The typed commands, and the command line read into one of them.

use crate::args::{split_globals, CommandWords, GlobalOptions};
use crate::error::{CliError, HelpTopic};

/// A client's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An ordinary client of the inbox.
    Member,
    /// A client that may operate its accounts.
    Operator,
}

/// A provider, as `--list-via`, `--threads-via` and `webhook-secret` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// ConnectSafely.
    ConnectSafely,
    /// LinkupAPI.
    Linkup,
}

impl Role {
    /// The API's name of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Operator => "operator",
        }
    }
}

impl Provider {
    /// The provider's own name, for a person.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::ConnectSafely => "ConnectSafely",
            Self::Linkup => "LinkupAPI",
        }
    }

    /// The API's name of the provider.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConnectSafely => "connectsafely",
            Self::Linkup => "linkup",
        }
    }
}

/// `client add`'s values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewClient {
    /// The client's name.
    pub name: String,
    /// `--origin`, each.
    pub origins: Vec<String>,
    /// `--account`, each, in link order.
    pub accounts: Vec<String>,
    /// `--role`.
    pub role: Option<Role>,
}

/// An account's fields other than its id and its session, as `account add` sets them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFields {
    /// `--label`.
    pub label: Option<String>,
    /// `--connectsafely-account-id`.
    pub connectsafely_account_id: Option<String>,
    /// `--linkup-account-id`.
    pub linkup_account_id: Option<String>,
    /// `--linkup-country`.
    pub linkup_country: Option<String>,
    /// `--list-via`.
    pub list_via: Option<Provider>,
    /// `--threads-via`.
    pub threads_via: Option<Provider>,
}

/// Where `import` reads the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportSource {
    /// `-`: standard input.
    Stdin,
    /// A file path.
    File(String),
}

/// One operator command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `client add`.
    ClientAdd(NewClient),
    /// `client list`.
    ClientList,
    /// `client show NAME`.
    ClientShow(String),
    /// `client disable NAME` (`disabled: true`) or `client enable NAME`.
    ClientSetDisabled {
        /// The client.
        name: String,
        /// The new state.
        disabled: bool,
    },
    /// `client delete NAME`.
    ClientDelete(String),
    /// `client rotate-token NAME`.
    ClientRotateToken(String),
    /// `client rebuild-index NAME`: the client's merged index taken again from the stores.
    ClientRebuildIndex(String),
    /// `client origins NAME O...`: the whole list replaced.
    ClientOrigins {
        /// The client.
        name: String,
        /// Its new allowed origins.
        origins: Vec<String>,
    },
    /// `account add ID ...`.
    AccountAdd {
        /// The account id.
        id: String,
        /// Its fields.
        fields: AccountFields,
        /// `--linkup-session-stdin`: a LinkupAPI session read from stdin.
        session_from_stdin: bool,
    },
    /// `account list`.
    AccountList,
    /// `account show ID`.
    AccountShow(String),
    /// `account disable ID` / `account enable ID`.
    AccountSetDisabled {
        /// The account.
        id: String,
        /// The new state.
        disabled: bool,
    },
    /// `account delete ID [--unlink]`.
    AccountDelete {
        /// The account.
        id: String,
        /// `--unlink`: unlinked from its clients first.
        unlink: bool,
    },
    /// `account rotate-session ID`: a new session from stdin.
    AccountRotateSession(String),
    /// `account webhook-secret ID PROVIDER`.
    AccountWebhookSecret {
        /// The account.
        id: String,
        /// Whose webhooks the secret signs.
        provider: Provider,
    },
    /// `link CLIENT ACCOUNT`.
    Link {
        /// The client.
        client: String,
        /// The account.
        account: String,
    },
    /// `unlink CLIENT ACCOUNT`.
    Unlink {
        /// The client.
        client: String,
        /// The account.
        account: String,
    },
    /// `import FILE|-`.
    Import(ImportSource),
    /// `audit [--limit N]`: the newest `limit` entries.
    Audit {
        /// How many of the newest entries to show.
        limit: usize,
    },
    /// `reseal`.
    Reseal,
}

/// How many audit entries `audit` shows without `--limit`.
pub const DEFAULT_AUDIT_LIMIT: usize = 20;

/// A command line read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Run a command.
    Run(GlobalOptions, Command),
    /// Print the usage of a topic and stop (exit 0).
    Help(HelpTopic),
}

/// Reads the command line (without the program name).
pub fn parse(args: Vec<String>) -> Result<Parsed, CliError> {
    let (options, mut words) = split_globals(args)?;
    if words.is_empty() {
        return Ok(Parsed::Help(HelpTopic::Main));
    }
    let group = words.remove(0);
    if group == "help" {
        let topic = words.first().and_then(|word| topic_of(word));
        return Ok(Parsed::Help(topic.unwrap_or(HelpTopic::Main)));
    }
    let Some(topic) = topic_of(&group) else {
        if options.help {
            return Ok(Parsed::Help(HelpTopic::Main));
        }
        return Err(CliError::usage(format!("unknown command {group}")));
    };
    if options.help {
        return Ok(Parsed::Help(topic));
    }
    let command = match topic {
        HelpTopic::Client => crate::parse_client::parse_client(words)?,
        HelpTopic::Account => crate::parse_account::parse_account(words)?,
        HelpTopic::Main | HelpTopic::Other => parse_other(&group, words)?,
    };
    Ok(Parsed::Run(options, command))
}

fn topic_of(group: &str) -> Option<HelpTopic> {
    match group {
        "client" => Some(HelpTopic::Client),
        "account" => Some(HelpTopic::Account),
        "link" | "unlink" | "import" | "audit" | "reseal" => Some(HelpTopic::Other),
        _ => None,
    }
}

fn parse_other(group: &str, words: Vec<String>) -> Result<Command, CliError> {
    let topic = HelpTopic::Other;
    let valued: &[&str] = if group == "audit" { &["--limit"] } else { &[] };
    let words = CommandWords::parse(words, valued, &[], topic)?;
    Ok(match group {
        "link" | "unlink" => {
            let names = words.exactly(&["CLIENT", "ACCOUNT"], topic)?;
            let client = client_name(&names[0])?;
            let account = account_id(&names[1])?;
            if group == "link" {
                Command::Link { client, account }
            } else {
                Command::Unlink { client, account }
            }
        }
        "import" => {
            let file = words.exactly(&["FILE (or - for stdin)"], topic)?.remove(0);
            Command::Import(if file == "-" {
                ImportSource::Stdin
            } else {
                ImportSource::File(file)
            })
        }
        "audit" => {
            words.exactly(&[], topic)?;
            let limit = match words.one("--limit", topic)? {
                None => DEFAULT_AUDIT_LIMIT,
                Some(text) => match text.parse::<usize>() {
                    Ok(n) if n >= 1 => n,
                    _ => {
                        return Err(CliError::Input(format!(
                            "--limit {text}: a whole number from 1"
                        )))
                    }
                },
            };
            Command::Audit { limit }
        }
        _ => {
            words.exactly(&[], topic)?;
            Command::Reseal
        }
    })
}

/// A client name as the API takes it, or an input error.
pub fn client_name(name: &str) -> Result<String, CliError> {
    checked_name(name, "client name")
}

/// An account id as the API takes it (never `all`), or an input error.
pub fn account_id(id: &str) -> Result<String, CliError> {
    if id == "all" {
        return Err(CliError::Input(
            "account id all: `all` names every account of a client; no account may take it".into(),
        ));
    }
    checked_name(id, "account id")
}

/// `[A-Za-z0-9._-]{1,64}`, and not `.` or `..` (a URL path would read them as "here" and
/// "up").
fn checked_name(name: &str, what: &str) -> Result<String, CliError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if name.is_empty() || name.len() > 64 || !name.chars().all(allowed) {
        return Err(CliError::Input(format!(
            "{what} {:?}: 1 to 64 of A-Z a-z 0-9 . _ -",
            crate::render::printable(name)
        )));
    }
    if name == "." || name == ".." {
        return Err(CliError::Input(format!("{what} {name}: not . or ..")));
    }
    Ok(name.to_owned())
}
