//! The fetch entry point: configuration, origin and client checks, then the route table.

use linkedin_inbox::{ErrorCode, Provider};
use worker::{console_error, console_log, event, Context, Env, Request, Response};

use crate::edge::context::{Call, RouteContext};
use crate::edge::{admin, live_feed as live, live_sockets, routes, triage};
use crate::rules::client_auth as auth;
use crate::rules::route_table::{conversation_segment, route_of};
use crate::{directory, env, respond};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let method = req.method();
    // Benchmarks only (`bench/unibox.mjs`): the rows this isolate's objects wrote so far.
    let count_rows = env
        .var("BENCH_ROWS_WRITTEN")
        .is_ok_and(|v| v.to_string() == "1");
    // Logs name the route, never the path: a path can hold a conversation URN (personal data).
    let route = route_of(&req.path()).map_or("unknown", |r| r.name);
    let origin = req.headers().get("Origin")?;
    let (response, client) = match handle(req, env, origin.as_deref()).await {
        Ok(answer) => answer,
        Err(e) => {
            console_error!("{method} {route}: internal error: {e}");
            (
                respond::refuse(ErrorCode::Unavailable, "internal error")?,
                None,
            )
        }
    };
    console_log!(
        "{method} {route} client={} status={} cache={}",
        client.as_deref().unwrap_or("-"),
        response.status_code(),
        response
            .headers()
            .get("X-Cache")
            .ok()
            .flatten()
            .unwrap_or_else(|| "-".into())
    );
    let mut response = response;
    if count_rows {
        let written = crate::rows_meter::rows_written().to_string();
        let _ = response.headers_mut().set("X-Rows-Written", &written);
    }
    Ok(response)
}

/// Methods of HTTP (RFC 9110, and PATCH): on a route that takes another one they are 405;
/// any other method is 501 on every path.
const KNOWN_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// Every method some route takes (the `Allow` of a 501 off the routes).
const DOCUMENTED_METHODS: &str = "GET, POST, DELETE, OPTIONS";

/// `GET /health`: no auth, no upstream call; 503 with `config: invalid` when the settings
/// are broken (never saying which secret).
fn health(config_ok: bool) -> worker::Result<Response> {
    match config_ok {
        true => respond::json(200, &serde_json::json!({"status": "ok", "config": "ok"})),
        false => respond::json(
            503,
            &serde_json::json!({"status": "unavailable", "config": "invalid"}),
        ),
    }
}

/// Authenticates, checks the origin, routes; answers with CORS headers for allowed origins.
async fn handle(
    req: Request,
    env: Env,
    origin: Option<&str>,
) -> worker::Result<(Response, Option<String>)> {
    // The raw method: the `worker` crate reads any method it does not know as GET.
    let method = req.inner().method();
    if !KNOWN_METHODS.contains(&method.as_str()) {
        let allow = route_of(&req.path()).map_or(DOCUMENTED_METHODS, |route| route.allow);
        let mut response = respond::refuse(
            ErrorCode::NotImplemented,
            "the proxy does not implement this method",
        )?;
        response.headers_mut().set("Allow", allow)?;
        return Ok((response, None));
    }
    let route = route_of(&req.path());
    let is_health = method == "GET" && req.path() == "/health";
    let config = match env::config(&env) {
        Ok(config) => config,
        Err(problem) => {
            console_error!("configuration: {}", problem.0);
            let response = match is_health {
                true => health(false)?,
                false => respond::refuse(ErrorCode::Misconfigured, "the proxy is misconfigured")?,
            };
            return Ok((response, None));
        }
    };
    let known_origin = match origin {
        Some(o) if directory::origin_known(&env, &config, o).await? => Some(o),
        _ => None,
    };
    if method == "OPTIONS" {
        let response = match known_origin {
            Some(o) => respond::preflight(o)?,
            None => respond::refuse(
                ErrorCode::OriginNotAllowed,
                "this origin may not call the proxy",
            )?,
        };
        return Ok((response, None));
    }
    // From the route table, before anything happens: a known route with another method is a
    // JSON 405 with `Allow` (the router's own is plain text); a parameter the method does not
    // take is 400 naming it (a typo like `?acount=` must never widen a wipe or a write).
    if let Some(route) = route {
        if !route.takes(&method) {
            let mut response = respond::refuse(
                ErrorCode::MethodNotAllowed,
                &format!("{} takes {} only", route.name, route.allow),
            )?;
            response.headers_mut().set("Allow", route.allow)?;
            return Ok((respond::with_cors(response, known_origin)?, None));
        }
        let url = req.url()?;
        let names = url.query_pairs().map(|(name, _)| name);
        let names: Vec<_> = names.collect();
        if let Err(unknown) = route.check_parameters(&method, names.iter().map(|n| n.as_ref())) {
            let response = respond::core_error(&unknown)?;
            return Ok((respond::with_cors(response, known_origin)?, None));
        }
    }
    if is_health {
        return Ok((respond::with_cors(health(true)?, known_origin)?, None));
    }
    // Signed by the provider, not by a client token: checked in `live::webhook`.
    let path = req.path();
    let route_name = route.map(|r| r.name);
    let webhook_of = match route_name {
        Some("webhook-connectsafely") => Some(Provider::ConnectSafely),
        Some("webhook-linkup") => Some(Provider::Linkup),
        _ => None,
    };
    if let (Some(provider), Some(account)) = (webhook_of, path.rsplit('/').next()) {
        let account = account.to_owned();
        let response = live::webhook(req, &env, &config, provider, &account).await?;
        return Ok((respond::with_cors(response, None)?, None));
    }
    // A ticket stands for the token; the socket's answer passes through untouched.
    if route_name == Some("live-socket") {
        let response = live_sockets::socket(req, &env, &config, origin).await?;
        return match response.status_code() {
            101 => Ok((response, None)),
            // A refusal varies like every other answer (a shared cache must not mix them).
            _ => Ok((respond::with_cors(response, None)?, None)),
        };
    }
    let authorization = req.headers().get("Authorization")?;
    if route_name == Some("admin") {
        let response = admin::serve(req, &env, &config, authorization.as_deref()).await?;
        return Ok((response, Some("admin".into())));
    }
    let Some(client) = directory::client_by_token(&env, &config, authorization.as_deref()).await?
    else {
        let response = respond::refuse(ErrorCode::Unauthorized, "unknown client token")?;
        return Ok((respond::with_cors(response, known_origin)?, None));
    };
    let name = client.name.clone();
    if !auth::origin_allowed(&client, origin) {
        let response = respond::refuse(
            ErrorCode::OriginNotAllowed,
            "this origin may not call the proxy",
        )?;
        return Ok((respond::with_cors(response, None)?, Some(name)));
    }
    let call = Call { config, client };
    // Dispatched from the route table: a path it does not know is 404 once authenticated (a
    // known path with a method it does not take was 405 above).
    let ctx = RouteContext {
        conversation_id: conversation_segment(&path).map(str::to_owned),
        env,
        data: call,
    };
    let response = match (route.map(|r| r.name), method.as_str()) {
        (Some("conversations"), "GET") => routes::conversations(req, ctx).await?,
        (Some("conversation-messages"), "GET") => routes::conversation_messages(req, ctx).await?,
        (Some("conversation-messages"), "POST") => routes::send_reply(req, ctx).await?,
        (Some("read"), "POST") => routes::mark_read(req, ctx).await?,
        (Some("unread"), "POST") => routes::mark_unread(req, ctx).await?,
        (Some("triage"), "POST") => triage::set(req, ctx).await?,
        (Some("labels"), "GET") => triage::labels(req, ctx).await?,
        (Some("label"), "POST") => triage::rename_label(req, ctx).await?,
        (Some("label"), "DELETE") => triage::delete_label(req, ctx).await?,
        (Some("profile-messages"), "GET") => routes::profile_messages(req, ctx).await?,
        (Some("profile-messages"), "POST") => routes::send_new(req, ctx).await?,
        (Some("usage"), "GET") => routes::usage(req, ctx).await?,
        (Some("doctor"), "POST") => routes::doctor(req, ctx).await?,
        (Some("accounts"), "GET") => routes::accounts(req, ctx).await?,
        (Some("media"), "GET") => crate::edge::media::download(req, ctx).await?,
        (Some("person"), "GET") => crate::edge::people::person(req, ctx).await?,
        (Some("changes"), "GET") => live::changes(req, ctx).await?,
        (Some("live"), "POST") => live_sockets::tickets(req, ctx).await?,
        (Some("refresh"), "POST") => routes::refresh(req, ctx).await?,
        (Some("data"), "DELETE") => routes::delete_data(req, ctx).await?,
        _ => routes::not_found(req, ctx).await?,
    };
    Ok((respond::with_cors(response, origin)?, Some(name)))
}
