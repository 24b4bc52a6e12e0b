//! The doctor: with a user's own keys, a few read-only calls to each configured provider (one
//! page of the inbox, one thread), each answer checked against the provider's documented
//! contract (`linkedin_inbox::contract`, whose `checkup` makes the checks) and read by the core
//! as the product reads it. The report names endpoints, JSON paths, forms and error codes only:
//! never a key, a session, an id of a person or a word of a message, so it can be pasted into
//! an issue as it is. The Worker runs the same `checkup` for an operator (`POST /v1/doctor`).

mod transport;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use linkedin_inbox::contract::{checkup, Checker, Unsent};
use linkedin_inbox::{
    ApiKey, Backend, ConnectSafely, Error, HttpRequest, HttpResponse, Linkup, LoginToken, Provider,
    Routes,
};

pub use linkedin_inbox::contract::{Call, Outcome, Report, Section, PAGE_SIZE};
pub use transport::{Transport, Ureq};

/// What to check: the providers the user has credentials for.
pub struct Credentials {
    /// ConnectSafely key and the LinkedIn account's id there.
    pub connectsafely: Option<(ApiKey, String)>,
    /// LinkupAPI key and a v1 `login_token`.
    pub linkup_v1: Option<(ApiKey, LoginToken)>,
    /// LinkupAPI key and a v2 connected account id.
    pub linkup_v2: Option<(ApiKey, String)>,
    /// ConnectSafely's base URL (its real one unless testing).
    pub connectsafely_url: String,
    /// LinkupAPI's base URL (its real one unless testing).
    pub linkup_url: String,
}

/// Runs every check the credentials allow, in order: ConnectSafely, LinkupAPI v1, v2.
pub fn run(credentials: &Credentials, transport: &mut impl Transport) -> Report {
    let mut sections = Vec::new();
    if let Some((key, account)) = &credentials.connectsafely {
        let title = format!("ConnectSafely (account ending {})", tail(account));
        let client = ConnectSafely::with_base_url(key.clone(), &credentials.connectsafely_url);
        sections.push(match client {
            Ok(client) => check_provider(
                title,
                direct(
                    Some(client),
                    None,
                    Some(account.clone()),
                    Provider::ConnectSafely,
                ),
                transport,
            ),
            Err(e) => Section::refused(title, &e),
        });
    }
    if let Some((key, token)) = &credentials.linkup_v1 {
        let title = "LinkupAPI v1 (login_token)".to_owned();
        let client = Linkup::with_base_url(key.clone(), token.clone(), &credentials.linkup_url);
        sections.push(match client {
            Ok(client) => check_provider(
                title,
                direct(None, Some(client), None, Provider::Linkup),
                transport,
            ),
            Err(e) => Section::refused(title, &e),
        });
    }
    if let Some((key, account)) = &credentials.linkup_v2 {
        let title = format!("LinkupAPI v2 (account ending {})", tail(account));
        let client = Linkup::v2(key.clone(), account, &credentials.linkup_url);
        sections.push(match client {
            Ok(client) => check_provider(
                title,
                direct(None, Some(client), None, Provider::Linkup),
                transport,
            ),
            Err(e) => Section::refused(title, &e),
        });
    }
    Report { sections }
}

/// The last two characters of an id: enough to tell accounts apart, not to name one.
fn tail(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    chars[chars.len().saturating_sub(2)..].iter().collect()
}

fn direct(
    connectsafely: Option<ConnectSafely>,
    linkup: Option<Linkup>,
    account_id: Option<String>,
    provider: Provider,
) -> Backend {
    Backend::Direct {
        connectsafely,
        linkup,
        account_id,
        routes: Routes {
            list: Some(provider),
            threads: Some(provider),
        },
    }
}

/// One page of the inbox, then the first conversation's newest messages (the core's
/// [`checkup`], driven by the core's one driver), each request sent with `transport`.
fn check_provider(title: String, backend: Backend, transport: &mut impl Transport) -> Section {
    let mut checker = Blocking(transport);
    let checks = pin!(checkup(title, backend, &mut checker));
    match checks.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(section) => section,
        Poll::Pending => unreachable!("a blocking transport answers every request at once"),
    }
}

/// The doctor's transport as the core's checks ask for it: each request answered before
/// `send` returns (ureq blocks), so the checks never wait.
struct Blocking<'a, T>(&'a mut T);

impl<T: Transport> Checker for Blocking<'_, T> {
    async fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, Unsent> {
        self.0.send(request).map_err(|kind| Unsent::Unreachable {
            error: Error::Network {
                message: kind.clone(),
            },
            kind,
        })
    }
}
