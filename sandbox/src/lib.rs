//! A local stand-in for ConnectSafely (`GET /linkedin/messaging/recent-messages` and its
//! successors `GET /linkedin/conversations`, `GET /linkedin/conversations/{urn}/messages`;
//! `POST /linkedin/conversations/send`, `POST /linkedin/messaging/mark-seen`,
//! `PATCH /linkedin/conversations/{urn}/mark-unread`) and LinkupAPI
//! (`POST /v1/messages/conversation`, `POST /v1/messages/inbox`, `POST /v1/messages/send-message`,
//! `POST /v2/messages` with `list_inbox`, `get_conversation`, `send`): the documented request
//! and response shapes, auth, pagination, limits and credits, deterministic demo data that
//! sends and read-state changes edit (until `/__sandbox/reset`), and fault injection,
//! including `commit-drop`/`commit-hang` for at-most-once sends. `/__sandbox/simulate` adds
//! incoming messages and pushes both providers' signed webhook events to the targets of
//! `/__sandbox/webhooks` (or `--webhook`).

#![allow(clippy::result_large_err)] // handlers return ready `Response`s as errors

// Shared plumbing: configuration, state, what every call goes through, answers.
mod call;
pub mod config;
mod connection;
mod controls;
mod cursor;
pub mod drift;
pub mod faults;
mod iso_time;
pub mod key_limits;
mod media;
mod respond;
mod rng;
mod route;
mod state;
// The demo data, what sends change in it, and the answers' wire shapes.
mod data;
mod sending;
mod wire;
// The providers, one folder each, one module per endpoint family.
mod connectsafely;
mod linkup;
// Simulated incoming messages and their webhook deliveries.
mod webhooks;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Router;

pub use config::Config;
pub use state::AppState;

/// The sandbox's routes: provider endpoints under their real paths, controls under `/__sandbox/`.
pub fn router(config: Config) -> Router {
    let cors = config.cors;
    let controls = config.test_controls;
    let simulate = config.test_controls || config.simulate;
    let state = Arc::new(AppState::new(config));
    let mut router = Router::new()
        .route(
            "/linkedin/messaging/recent-messages",
            get(connectsafely::recent_messages::recent_messages),
        )
        .route(
            "/linkedin/conversations",
            get(connectsafely::conversations::conversations),
        )
        .route(
            "/linkedin/conversations/{conversation_urn}/messages",
            get(connectsafely::conversations::thread_messages),
        )
        .route(
            "/linkedin/conversations/send",
            post(connectsafely::actions::send),
        )
        .route(
            "/linkedin/conversations/download-media",
            post(connectsafely::media::download_media),
        )
        .route(
            "/linkedin/conversations/upload-attachment",
            post(connectsafely::media::upload_attachment).layer(DefaultBodyLimit::max(
                connectsafely::media::MAX_UPLOAD_BYTES + 1,
            )),
        )
        .route(
            "/linkedin/messaging/mark-seen",
            post(connectsafely::actions::mark_seen),
        )
        .route(
            "/linkedin/conversations/{conversation_urn}/mark-unread",
            patch(connectsafely::actions::mark_unread),
        )
        .route(
            "/linkedin/conversations/{conversation_urn}/star",
            patch(connectsafely::star::star),
        )
        .route(
            "/linkedin/conversations/{conversation_urn}/unstar",
            patch(connectsafely::star::unstar),
        )
        .route(
            "/v1/messages/conversation",
            post(linkup::v1_conversation::conversation),
        )
        .route("/v1/messages/inbox", post(linkup::v1_inbox::inbox))
        .route("/v1/messages/send-message", post(linkup::v1_send::send))
        .route("/v2/messages", post(linkup::v2::messages))
        .route("/health", get(|| async { "ok" }));
    if controls {
        router = router
            .route("/__sandbox/stats", get(controls::stats))
            .route("/__sandbox/reset", post(controls::reset))
            .route(
                "/__sandbox/faults",
                post(controls::add_faults).delete(controls::clear_faults),
            )
            .route("/__sandbox/settings", post(controls::settings));
    }
    if simulate {
        router = router
            .route("/__sandbox/simulate", post(webhooks::simulate::simulate))
            .route(
                "/__sandbox/webhooks",
                get(webhooks::list)
                    .post(webhooks::add)
                    .delete(webhooks::clear),
            );
    }
    let mut router = router
        .with_state(state.clone())
        .layer(middleware::from_fn_with_state(state, drift::reshape))
        .layer(middleware::from_fn(connection::drop_marked_answers))
        .layer(middleware::from_fn(access_log));
    if cors {
        router = router.layer(middleware::from_fn(allow_any_origin));
    }
    router
}

/// One line per call: method, path, account, status, latency. No query, header or body.
async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let response = next.run(request).await;
    let account = response
        .extensions()
        .get::<respond::AccountLabel>()
        .map_or("-", |a| a.0.as_str());
    eprintln!(
        "sandbox: {method} {path} account={account} status={} latency_ms={}",
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}

/// `--cors`: lets a test page on another origin call the sandbox. The real providers do not.
async fn allow_any_origin(request: Request, next: Next) -> Response {
    let mut response = if request.method() == Method::OPTIONS {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, x-api-key, content-type"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PATCH, DELETE, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(
            "retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset",
        ),
    );
    response
}

/// Serves on `listener` until `shutdown` resolves. Connections can be closed unanswered
/// (the `commit-drop` fault).
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(config).into_make_service_with_connect_info::<connection::ConnectionSwitch>();
    axum::serve(connection::DroppableListener(listener), app)
        .with_graceful_shutdown(shutdown)
        .await
}
