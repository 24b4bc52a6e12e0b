//! `linkedin-inbox-doctor`: checks the providers' answers for your own keys against their
//! documented contracts. Keys come from the environment only (a command line lands in shell
//! history and process lists): `CONNECTSAFELY_API_KEY`, `LINKUP_API_KEY`, and for LinkupAPI v1
//! `LINKUP_LOGIN_TOKEN`.

use linkedin_inbox::{ApiKey, LoginToken, CONNECTSAFELY_BASE_URL, LINKUP_BASE_URL};
use linkedin_inbox_doctor::{run, Credentials, Ureq, PAGE_SIZE};

const USAGE: &str =
    "usage: linkedin-inbox-doctor [--connectsafely-account ID] [--linkup-account ID]
                             [--connectsafely-url URL] [--linkup-url URL]

Makes a few read-only calls with your keys (per provider: one page of the inbox, then one
thread) and checks every answer against what the provider documents. Keys are read from the
environment, never from the command line:
  CONNECTSAFELY_API_KEY  with --connectsafely-account (the LinkedIn account's ConnectSafely id)
  LINKUP_API_KEY         with LINKUP_LOGIN_TOKEN (v1) and/or --linkup-account (a v2 account id)
Cost: 2 calls of ConnectSafely's budget; about 2 LinkupAPI credits per version checked.
Exit status: 0 all clear, 1 something differs or failed, 2 usage.";

fn main() {
    let credentials = match credentials(std::env::args().skip(1).collect()) {
        Ok(credentials) => credentials,
        Err(message) => {
            eprintln!("{message}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    println!(
        "linkedin-inbox doctor: read-only calls, {PAGE_SIZE} items each; only paths, forms and \
         codes are printed.\n"
    );
    let report = run(&credentials, &mut Ureq::default());
    print!("{report}");
    std::process::exit(if report.all_clear() { 0 } else { 1 });
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn credentials(args: Vec<String>) -> Result<Credentials, String> {
    let mut connectsafely_account = None;
    let mut linkup_account = None;
    let mut connectsafely_url = CONNECTSAFELY_BASE_URL.to_owned();
    let mut linkup_url = LINKUP_BASE_URL.to_owned();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err("linkedin-inbox-doctor".into());
        }
        if flag.contains("key") || flag.contains("token") {
            return Err(format!(
                "{flag}: keys and tokens are read from the environment only"
            ));
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--connectsafely-account" => connectsafely_account = Some(value),
            "--linkup-account" => linkup_account = Some(value),
            "--connectsafely-url" => connectsafely_url = value,
            "--linkup-url" => linkup_url = value,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    for url in [&connectsafely_url, &linkup_url] {
        if !is_private_enough(url) {
            return Err(format!(
                "{url}: keys go only over https:// (plain http:// only to this computer)"
            ));
        }
    }
    let connectsafely_key = env("CONNECTSAFELY_API_KEY").map(ApiKey::new);
    let linkup_key = env("LINKUP_API_KEY").map(ApiKey::new);
    let connectsafely = match (connectsafely_key, connectsafely_account) {
        (Some(key), Some(account)) => Some((key, account)),
        (Some(_), None) => return Err("CONNECTSAFELY_API_KEY needs --connectsafely-account".into()),
        (None, Some(_)) => return Err("--connectsafely-account needs CONNECTSAFELY_API_KEY".into()),
        (None, None) => None,
    };
    let login_token = env("LINKUP_LOGIN_TOKEN").map(LoginToken::new);
    if linkup_key.is_none() && (login_token.is_some() || linkup_account.is_some()) {
        return Err("LINKUP_LOGIN_TOKEN and --linkup-account need LINKUP_API_KEY".into());
    }
    let linkup_v1 = linkup_key.clone().zip(login_token);
    let linkup_v2 = linkup_key.clone().zip(linkup_account);
    if linkup_key.is_some() && linkup_v1.is_none() && linkup_v2.is_none() {
        return Err("LINKUP_API_KEY needs LINKUP_LOGIN_TOKEN (v1) or --linkup-account (v2)".into());
    }
    if connectsafely.is_none() && linkup_v1.is_none() && linkup_v2.is_none() {
        return Err("no provider to check: set CONNECTSAFELY_API_KEY or LINKUP_API_KEY".into());
    }
    Ok(Credentials {
        connectsafely,
        linkup_v1,
        linkup_v2,
        connectsafely_url,
        linkup_url,
    })
}

/// An `https://` URL, or `http://` to this computer (a local sandbox): anything else would
/// send the keys in clear.
fn is_private_enough(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return url.starts_with("https://");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(host, _)| host);
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}
