//! `linkedin-inbox-admin`: see `linkedin-inbox-admin --help` and docs/admin.md.

use std::io::IsTerminal;

use linkedin_inbox_admin::{run, Environment, Secret, Streams, Ureq};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn main() {
    let environment = Environment {
        url: env("LINKEDIN_INBOX_URL"),
        admin_token: env("LINKEDIN_INBOX_ADMIN_TOKEN").map(|t| Secret::new(t.trim())),
        user: env("USER"),
    };
    let stdin = std::io::stdin();
    let stdin_is_terminal = stdin.is_terminal();
    let status = run(
        std::env::args().skip(1).collect(),
        &environment,
        &mut Ureq::default(),
        Streams {
            stdin: &mut stdin.lock(),
            stdin_is_terminal,
            out: &mut std::io::stdout().lock(),
            err: &mut std::io::stderr().lock(),
        },
    );
    std::process::exit(status);
}
