//! `/admin/v1/...`: the operator's API (`docs/admin.md`). The `ADMIN_TOKEN` is checked first
//! (in constant time; a client token is refused like any other); the request is then handed
//! whole to the registry object, which answers from its store (`store/registry/admin`). After
//! a write, this isolate's registry answers are forgotten, and the objects of the accounts the
//! write touched close the sockets no longer allowed (other isolates follow within
//! `REGISTRY_CACHE_SECS`).

use linkedin_inbox::ErrorCode;
use serde::{Deserialize, Serialize};
use worker::{Env, Headers, Method, Request, RequestInit, Response};

use crate::directory::{self, REGISTRY_OBJECT};
use crate::edge::account_object::{self, ObjectCall};
use crate::edge::body_reader::{read_capped, Unread};
use crate::respond;
use crate::rules::settings::Config;

/// Who made an admin write, as the audit log names them (`X-Admin-Actor`, else `admin`).
const ACTOR_HEADER: &str = "X-Admin-Actor";
/// The registry object's list of the account objects a write touched: `id gate-name` pairs,
/// comma-separated (internal; never sent on).
pub const RECHECK_HEADER: &str = "X-Recheck-Gates";
/// Account objects told at once after one write; the others' sockets follow at their next
/// change or within the registry cache time (subrequests are capped per request).
pub const RECHECKS_PER_WRITE: usize = 40;

/// The request as the registry object takes it.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminCall {
    pub method: String,
    /// After `/admin/v1`, e.g. `/clients/ana/token`.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    pub body: String,
    /// The Worker's public origin (the webhook URLs it prints).
    pub origin: String,
    pub actor: String,
}

pub async fn serve(
    mut req: Request,
    env: &Env,
    config: &Config,
    authorization: Option<&str>,
) -> worker::Result<Response> {
    let Some(admin) = &config.admin_token else {
        return respond::refuse(
            ErrorCode::NotFound,
            "the admin API is off: set the ADMIN_TOKEN secret",
        );
    };
    if !admin.admits(authorization) {
        return respond::refuse(ErrorCode::Unauthorized, "not the admin token");
    }
    let method = req.inner().method();
    let url = req.url()?;
    let body = match read_capped(&mut req).await {
        Ok(bytes) => bytes,
        Err(Unread::TooLarge) => {
            return respond::refuse(ErrorCode::PayloadTooLarge, "the body is over 64 KB")
        }
        Err(Unread::Broken) => {
            return respond::refuse(ErrorCode::InvalidInput, "the body was cut off")
        }
    };
    let Ok(body) = String::from_utf8(body) else {
        return respond::core_error(&linkedin_inbox::Error::InvalidInput {
            field: "body",
            reason: "not UTF-8 text".into(),
        });
    };
    if let Some(client) = index_rebuild(&method, url.path()) {
        return rebuild_index(env, config, client).await;
    }
    let actor = req
        .headers()
        .get(ACTOR_HEADER)?
        .filter(|a| crate::rules::registry::is_safe_name(a))
        .unwrap_or_else(|| "admin".into());
    let call = AdminCall {
        method: method.clone(),
        path: url.path().trim_start_matches("/admin/v1").to_owned(),
        query: url.query().unwrap_or_default().to_owned(),
        body,
        origin: url.origin().ascii_serialization(),
        actor,
    };
    let stub = env
        .durable_object(&config.registry_binding)?
        .id_from_name(REGISTRY_OBJECT)?
        .get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(serde_json::to_string(&call)?.into()));
    let answer = stub
        .fetch_with_request(Request::new_with_init("https://registry/admin", &init)?)
        .await?;
    let status = answer.status_code();
    let rechecks = answer.headers().get(RECHECK_HEADER)?.unwrap_or_default();
    if method != "GET" && status < 300 {
        directory::forget_all();
        recheck_sockets(env, config, &rechecks).await;
        if let Some(client) = written_client(&call.path) {
            recheck_stream(env, client).await;
        }
    }
    let mut answer = answer;
    let text = answer.text().await?;
    let headers = Headers::new();
    headers.set("Content-Type", "application/json")?;
    // An answer may hold a token or secret shown once: never kept by a cache.
    headers.set("Cache-Control", "no-store")?;
    if status == 401 {
        headers.set("WWW-Authenticate", "Bearer")?;
    }
    // A 204 carries no body: the runtime refuses one (and worker unwraps that into a panic).
    let response = if status == 204 {
        Response::empty()?
    } else {
        Response::ok(text)?
    };
    Ok(response.with_status(status).with_headers(headers))
}

/// The client of `POST /admin/v1/clients/{name}/index/rebuild`.
fn index_rebuild<'a>(method: &str, path: &'a str) -> Option<&'a str> {
    let name = path
        .strip_prefix("/admin/v1/clients/")?
        .strip_suffix("/index/rebuild")?;
    (method == "POST" && crate::rules::registry::is_safe_name(name)).then_some(name)
}

/// Empties a client's merged index: its alarm (and the client's next merged page) takes
/// every account's inbox again from their stores. Derived data only: nothing is lost.
async fn rebuild_index(env: &Env, config: &Config, client: &str) -> worker::Result<Response> {
    let mut response = match directory::client_named(env, config, client).await? {
        None => respond::refuse(ErrorCode::NotFound, "no such client")?,
        Some(_) => {
            let mut init = RequestInit::new();
            init.with_method(Method::Post);
            let request = Request::new_with_init("https://inbox-index/clear", &init)?;
            crate::index_object::index_stub(env, client)?
                .fetch_with_request(request)
                .await?;
            respond::json(
                202,
                &serde_json::json!({ "client": client, "index": "rebuilding" }),
            )?
        }
    };
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

/// The client a write under `/clients/{name}` touched.
fn written_client(path: &str) -> Option<&str> {
    let name = path.strip_prefix("/clients/")?.split('/').next()?;
    crate::rules::registry::is_safe_name(name).then_some(name)
}

/// Tells a client's index to close the stream sockets no longer allowed (a client deleted, its
/// token rotated). Best effort: a socket missed here is closed at the index's next change.
async fn recheck_stream(env: &Env, client: &str) {
    let told = async {
        let mut init = RequestInit::new();
        init.with_method(Method::Post);
        let request = Request::new_with_init("https://inbox-index/live/recheck", &init)?;
        crate::index_object::index_stub(env, client)?
            .fetch_with_request(request)
            .await
    };
    if let Err(e) = told.await {
        worker::console_warn!("stream recheck after an admin write failed: {e}");
    }
}

/// Tells the objects of the accounts a write touched to close the sockets no longer allowed.
/// Best effort: a socket missed here is closed at its object's next change.
async fn recheck_sockets(env: &Env, config: &Config, rechecks: &str) {
    let pairs = rechecks
        .split(',')
        .filter_map(|pair| pair.trim().split_once(' '))
        .take(RECHECKS_PER_WRITE);
    for (account, gate) in pairs {
        let asked = ObjectCall {
            object: gate,
            account_id: account,
            client: None,
            method: Method::Post,
            path: "/live/recheck",
            headers: &[],
            body: None,
        };
        if let Err(e) = account_object::call(env, config, asked).await {
            worker::console_warn!("socket recheck after an admin write failed: {e}");
        }
    }
}
