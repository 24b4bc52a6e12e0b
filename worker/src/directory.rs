//! Who the clients and accounts are, for the edge and for every object: the stored registry
//! (the `Registry` Durable Object, `registry_object/`) once an operator has written to it,
//! else the `CLIENTS` secret as before. One lookup is one indexed query in the registry's
//! object, whatever its size; each answer is kept in the isolate for `REGISTRY_CACHE_SECS`,
//! which bounds how late a revoked token, an unlink or a disabled account takes effect in
//! other isolates (an admin write forgets the cache of the isolate that made it at once).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::Deserialize;
use worker::{Date, Env};

use crate::rules::client_auth::{self, bearer_digest};
use crate::rules::registry::{is_safe_name, Account, Client};
use crate::rules::registry_wire::{AccountWire, ClientWire};
use crate::rules::settings::Config;

/// The name of the one registry object.
pub const REGISTRY_OBJECT: &str = "registry";
/// Answers kept per isolate at most (a flood of unknown values cannot grow it further; their
/// keys are bounded: a digest, a safe name, an origin of at most 256 bytes).
const CACHE_MAX_ENTRIES: usize = 4096;

/// What is looked up, and by what.
enum Lookup<'a> {
    /// A client by its token's SHA-256 (hex).
    Token(&'a str),
    Client(&'a str),
    Account(&'a str),
    Origin(&'a str),
}

impl Lookup<'_> {
    fn query(&self) -> (&'static str, &str) {
        match self {
            Self::Token(digest) => ("token", digest),
            Self::Client(name) => ("client", name),
            Self::Account(id) => ("account", id),
            Self::Origin(origin) => ("origin", origin),
        }
    }

    fn cache_key(&self) -> String {
        let (kind, value) = self.query();
        format!("{kind}\n{value}")
    }
}

#[derive(Clone)]
enum Found {
    Client(Option<Rc<Client>>),
    Accounts(Rc<Vec<Account>>),
    Allowed(bool),
}

/// The registry object's answer to a lookup.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    /// False until the first admin write or import: then the `CLIENTS` secret answers.
    active: bool,
    #[serde(default)]
    client: Option<ClientWire>,
    #[serde(default)]
    accounts: Vec<AccountWire>,
    #[serde(default)]
    allowed: bool,
}

thread_local! {
    static CACHE: RefCell<HashMap<String, (u64, Found)>> = RefCell::new(HashMap::new());
}

/// Forgets every kept answer (after an admin write, and before a socket recheck).
pub fn forget_all() {
    CACHE.with(|cache| cache.borrow_mut().clear());
}

/// The client whose token `Authorization: Bearer <token>` carries.
pub async fn client_by_token(
    env: &Env,
    config: &Config,
    authorization: Option<&str>,
) -> worker::Result<Option<Rc<Client>>> {
    let Some(digest) = bearer_digest(authorization) else {
        return Ok(None);
    };
    let digest = hex::encode(digest);
    match find(env, config, Lookup::Token(&digest)).await? {
        Found::Client(client) => Ok(client),
        _ => Ok(None),
    }
}

/// The client named `name` (objects know their callers by name).
pub async fn client_named(
    env: &Env,
    config: &Config,
    name: &str,
) -> worker::Result<Option<Rc<Client>>> {
    match find(env, config, Lookup::Client(name)).await? {
        Found::Client(client) => Ok(client),
        _ => Ok(None),
    }
}

/// The accounts with id `id`, whoever lists them (webhooks name the account, not a client).
/// The stored registry has at most one; the `CLIENTS` secret's single-account form may list
/// one LinkedIn account for two clients with other credentials.
pub async fn accounts_with_id(
    env: &Env,
    config: &Config,
    id: &str,
) -> worker::Result<Rc<Vec<Account>>> {
    match find(env, config, Lookup::Account(id)).await? {
        Found::Accounts(accounts) => Ok(accounts),
        _ => Ok(Rc::default()),
    }
}

/// Whether some client allows `origin` (a preflight carries no token).
pub async fn origin_known(env: &Env, config: &Config, origin: &str) -> worker::Result<bool> {
    match find(env, config, Lookup::Origin(origin)).await? {
        Found::Allowed(allowed) => Ok(allowed),
        _ => Ok(false),
    }
}

/// The longest `Origin` looked up: a longer one is no client's (and never reaches the cache).
const MAX_ORIGIN_LEN: usize = 256;

/// What can be answered without asking anyone: a value no registry entry can hold (these
/// come from unauthenticated requests: they must not cost the registry object a lookup).
fn impossible(lookup: &Lookup<'_>) -> Option<Found> {
    match lookup {
        Lookup::Token(_) => None,
        Lookup::Client(name) => (!is_safe_name(name)).then_some(Found::Client(None)),
        Lookup::Account(id) => (!is_safe_name(id)).then(|| Found::Accounts(Rc::default())),
        Lookup::Origin(origin) => (origin.len() > MAX_ORIGIN_LEN).then_some(Found::Allowed(false)),
    }
}

impl Found {
    /// Whether the answer is "nothing" (kept last when the cache is full).
    fn is_nothing(&self) -> bool {
        match self {
            Self::Client(client) => client.is_none(),
            Self::Accounts(accounts) => accounts.is_empty(),
            Self::Allowed(allowed) => !allowed,
        }
    }
}

async fn find(env: &Env, config: &Config, lookup: Lookup<'_>) -> worker::Result<Found> {
    if let Some(found) = impossible(&lookup) {
        return Ok(found);
    }
    let key = lookup.cache_key();
    let now = Date::now().as_millis();
    let kept = CACHE.with(|cache| {
        let cache = cache.borrow();
        cache
            .get(&key)
            .filter(|(until, _)| *until > now)
            .map(|(_, found)| found.clone())
    });
    if let Some(found) = kept {
        return Ok(found);
    }
    let found = match ask_registry(env, config, &lookup).await? {
        Some(answer) if answer.active => stored(&lookup, answer),
        _ => from_secret(config, &lookup),
    };
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Full: expired answers go, then "nothing" answers (a flood of unknown values must not
        // push out the clients that exist); if it is still full, this answer is not kept.
        if cache.len() >= CACHE_MAX_ENTRIES {
            cache.retain(|_, (until, _)| *until > now);
        }
        if cache.len() >= CACHE_MAX_ENTRIES {
            cache.retain(|_, (_, kept)| !kept.is_nothing());
        }
        if cache.len() < CACHE_MAX_ENTRIES {
            let until = now.saturating_add(config.registry_cache_ms);
            cache.insert(key, (until, found.clone()));
        }
    });
    Ok(found)
}

/// The registry object's answer; `None` when the deployment has no registry binding (a
/// `wrangler.toml` from before it: the `CLIENTS` secret answers).
async fn ask_registry(
    env: &Env,
    config: &Config,
    lookup: &Lookup<'_>,
) -> worker::Result<Option<Answer>> {
    let Ok(namespace) = env.durable_object(&config.registry_binding) else {
        // Only a deployment that never set up the stored registry may fall back to the secret:
        // with the registry's secrets set, a lost binding must not revive revoked clients.
        if config.admin_token.is_some() || config.registry_keys.is_some() {
            return Err(worker::Error::RustError(format!(
                "the {} binding is missing",
                config.registry_binding
            )));
        }
        return Ok(None);
    };
    let stub = namespace.id_from_name(REGISTRY_OBJECT)?.get_stub()?;
    let (kind, value) = lookup.query();
    let mut url = worker::Url::parse("https://registry/lookup")?;
    url.query_pairs_mut().append_pair(kind, value);
    let mut response = stub.fetch_with_str(url.as_str()).await?;
    if response.status_code() != 200 {
        return Err(worker::Error::RustError(format!(
            "registry lookup answered {}",
            response.status_code()
        )));
    }
    Ok(Some(response.json::<Answer>().await?))
}

fn stored(lookup: &Lookup<'_>, answer: Answer) -> Found {
    match lookup {
        Lookup::Token(_) | Lookup::Client(_) => {
            Found::Client(answer.client.map(|c| Rc::new(Client::from(c))))
        }
        Lookup::Account(_) => Found::Accounts(Rc::new(
            answer.accounts.into_iter().map(Account::from).collect(),
        )),
        Lookup::Origin(_) => Found::Allowed(answer.allowed),
    }
}

fn from_secret(config: &Config, lookup: &Lookup<'_>) -> Found {
    let clients = &config.env_clients;
    match lookup {
        Lookup::Token(digest) => {
            let index = client_auth::client_with_digest(clients, digest);
            Found::Client(index.map(|i| Rc::new(clients[i].clone())))
        }
        Lookup::Client(name) => Found::Client(
            clients
                .iter()
                .find(|c| c.name == *name)
                .map(|c| Rc::new(c.clone())),
        ),
        Lookup::Account(id) => {
            Found::Accounts(Rc::new(config.accounts_with_id(id).cloned().collect()))
        }
        Lookup::Origin(origin) => Found::Allowed(client_auth::any_client_allows(clients, origin)),
    }
}
