//! The command line in words: the global options taken out wherever they stand, then one
//! command's flags and positionals. Hand-written (no `clap`): a dozen commands, exit statuses
//! of our own, and a refusal of any flag that looks like a secret before anything is parsed.

use crate::error::{CliError, HelpTopic};

/// The options every command takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalOptions {
    /// `--url`: the Worker's base URL (else `LINKEDIN_INBOX_URL`).
    pub url: Option<String>,
    /// `--json`: the API's JSON as it is, instead of text for a person.
    pub json: bool,
    /// `--actor`: who is acting, sent as `X-Admin-Actor` (else `$USER`).
    pub actor: Option<String>,
    /// `--help` / `-h` somewhere on the line.
    pub help: bool,
}

/// Takes the global options out of `args` and returns them with the words left, in order.
pub fn split_globals(args: Vec<String>) -> Result<(GlobalOptions, Vec<String>), CliError> {
    let mut options = GlobalOptions::default();
    let mut rest = Vec::new();
    let mut args = args.into_iter();
    while let Some(word) = args.next() {
        if word == "--" {
            rest.push(word);
            rest.extend(args.by_ref());
            break;
        }
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value)),
            _ => (word.clone(), None),
        };
        refuse_secret_flag(&flag)?;
        match flag.as_str() {
            "--json" => options.json = true,
            "--help" | "-h" => options.help = true,
            "--url" => options.url = Some(value_of(&flag, inline, &mut args)?),
            "--actor" => options.actor = Some(value_of(&flag, inline, &mut args)?),
            _ => rest.push(word),
        }
    }
    Ok((options, rest))
}

/// Secrets never go on a command line (shell history, process lists).
fn refuse_secret_flag(flag: &str) -> Result<(), CliError> {
    let lowered = flag.to_ascii_lowercase();
    let looks_secret = ["token", "secret", "session", "password", "key"]
        .iter()
        .any(|word| lowered.contains(word));
    if flag.starts_with('-') && looks_secret && flag != "--linkup-session-stdin" {
        return Err(CliError::setting(format!(
            "{flag}: secrets are never command-line arguments; the admin token is read from \
             LINKEDIN_INBOX_ADMIN_TOKEN, a LinkedIn session from stdin (--linkup-session-stdin)"
        )));
    }
    Ok(())
}

fn value_of(
    flag: &str,
    inline: Option<&str>,
    args: &mut impl Iterator<Item = String>,
) -> Result<String, CliError> {
    match inline {
        Some(value) => Ok(value.to_owned()),
        None => args
            .next()
            .ok_or_else(|| CliError::usage(format!("{flag} needs a value"))),
    }
}

/// One command's words sorted: its positionals and its flags (`--flag value`, `--flag=value`,
/// or a switch), each flag checked against what the command takes.
#[derive(Debug, Default)]
pub struct CommandWords {
    /// The positional words, in order.
    pub positionals: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

impl CommandWords {
    /// Sorts `words`: `valued` flags take a value, `switches` take none; anything else that
    /// starts with `-` is a usage error of `topic`. After `--`, every word is positional.
    pub fn parse(
        words: Vec<String>,
        valued: &[&str],
        switches: &[&str],
        topic: HelpTopic,
    ) -> Result<Self, CliError> {
        let mut sorted = Self::default();
        let mut words = words.into_iter();
        while let Some(word) = words.next() {
            if word == "--" {
                sorted.positionals.extend(words.by_ref());
                break;
            }
            if !word.starts_with('-') || word == "-" {
                sorted.positionals.push(word);
                continue;
            }
            let (flag, inline) = match word.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
                None => (word, None),
            };
            if switches.contains(&flag.as_str()) {
                if inline.is_some() {
                    return Err(CliError::usage_of(topic, format!("{flag} takes no value")));
                }
                sorted.flags.push((flag, None));
            } else if valued.contains(&flag.as_str()) {
                let value = match inline {
                    Some(value) => value,
                    None => words.next().ok_or_else(|| {
                        CliError::usage_of(topic, format!("{flag} needs a value"))
                    })?,
                };
                sorted.flags.push((flag, Some(value)));
            } else {
                return Err(CliError::usage_of(topic, format!("unknown option {flag}")));
            }
        }
        Ok(sorted)
    }

    /// Every value given to `flag`, in order.
    pub fn all(&self, flag: &str) -> Vec<String> {
        self.flags
            .iter()
            .filter(|(name, _)| name == flag)
            .filter_map(|(_, value)| value.clone())
            .collect()
    }

    /// The one value of `flag`, if given; a usage error if given twice.
    pub fn one(&self, flag: &str, topic: HelpTopic) -> Result<Option<String>, CliError> {
        let mut values = self.all(flag);
        if values.len() > 1 {
            return Err(CliError::usage_of(topic, format!("{flag} given twice")));
        }
        Ok(values.pop())
    }

    /// Whether the switch `flag` is on.
    pub fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|(name, _)| name == flag)
    }

    /// Exactly `names.len()` positionals, else a usage error naming the missing or extra one.
    pub fn exactly(&self, names: &[&str], topic: HelpTopic) -> Result<Vec<String>, CliError> {
        if self.positionals.len() < names.len() {
            let missing = names[self.positionals.len()];
            return Err(CliError::usage_of(topic, format!("missing {missing}")));
        }
        if let Some(extra) = self.positionals.get(names.len()) {
            return Err(CliError::usage_of(
                topic,
                format!("unexpected argument {extra}"),
            ));
        }
        Ok(self.positionals.clone())
    }
}
