//! What can go wrong, sorted by the exit status it ends with: 1 when the API refused or the
//! input is wrong, 2 when the API could not be reached or the command line is not understood.

use std::fmt;

/// Why a command did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliError {
    /// The command line is not understood (exit 2); the usage text of `topic` follows it.
    Usage {
        /// What is wrong, for a person.
        message: String,
        /// The usage text to print after it (`client`, `account`, ...; none for a missing
        /// setting).
        topic: Option<HelpTopic>,
    },
    /// The command line is understood but a value in it (or in a file) is not (exit 1).
    Input(String),
    /// The admin API answered with its error envelope (exit 1).
    Refused {
        /// The HTTP status.
        status: u16,
        /// The envelope's `code` (`INVALID_INPUT`, `NOT_FOUND`, `CONFLICT`, `UNAUTHORIZED`).
        code: String,
        /// The envelope's `message`.
        message: String,
        /// The JSON field or query parameter the API names, if any.
        field: Option<String>,
    },
    /// No answer, or an answer that is not the admin API's (exit 2).
    Unreachable(String),
}

/// Which usage text `--help` (or a usage error) prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpTopic {
    /// The whole tool.
    Main,
    /// `client ...`.
    Client,
    /// `account ...`.
    Account,
    /// `link`, `unlink`, `import`, `audit`, `reseal`.
    Other,
}

impl CliError {
    /// A usage error about the whole tool.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::usage_of(HelpTopic::Main, message)
    }

    /// A usage error about one command group.
    pub fn usage_of(topic: HelpTopic, message: impl Into<String>) -> Self {
        Self::Usage {
            message: message.into(),
            topic: Some(topic),
        }
    }

    /// A setting missing or refused (the URL, the token): a usage error without usage text.
    pub fn setting(message: impl Into<String>) -> Self {
        Self::Usage {
            message: message.into(),
            topic: None,
        }
    }

    /// The process exit status this error ends with.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Input(_) | Self::Refused { .. } => 1,
            Self::Usage { .. } | Self::Unreachable(_) => 2,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage { message, .. } | Self::Input(message) => f.write_str(message),
            Self::Refused {
                status,
                code,
                message,
                field,
            } => {
                write!(f, "refused ({status} {code}): {message}")?;
                match field {
                    Some(field) => write!(f, " [field: {field}]"),
                    None => Ok(()),
                }
            }
            Self::Unreachable(message) => write!(f, "could not reach the admin API: {message}"),
        }
    }
}

/// A token or a LinkedIn session: its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place it is sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
