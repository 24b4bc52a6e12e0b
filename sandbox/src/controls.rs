//! Test controls under `/__sandbox/`, served only with `--test-controls`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use crate::config::SeedMode;
use crate::faults::FaultSpec;
use crate::key_limits::KeyRateLimits;
use crate::respond::json_response;
use crate::state::AppState;

pub async fn stats(State(state): State<Arc<AppState>>) -> Response {
    json_response(200, &state.stats())
}

pub async fn reset(State(state): State<Arc<AppState>>) -> Response {
    state.reset();
    json_response(200, &json!({"ok": true}))
}

/// Adds one fault (a JSON [`FaultSpec`]) or a list of them.
pub async fn add_faults(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let specs: Vec<FaultSpec> = match serde_json::from_slice::<FaultSpec>(&body) {
        Ok(one) => vec![one],
        Err(_) => match serde_json::from_slice::<Vec<FaultSpec>>(&body) {
            Ok(many) => many,
            Err(e) => return json_response(400, &json!({"error": format!("bad fault spec: {e}")})),
        },
    };
    if let Some(problem) = specs.iter().find_map(|s| s.validate().err()) {
        return json_response(400, &json!({"error": problem}));
    }
    let pending = {
        let mut m = state.lock();
        m.faults.extend(specs);
        m.faults.len()
    };
    json_response(200, &json!({"pending": pending}))
}

pub async fn clear_faults(State(state): State<Arc<AppState>>) -> Response {
    state.lock().faults.clear();
    json_response(200, &json!({"pending": 0}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    latency_ms: Option<u64>,
    daily_limit: Option<u32>,
    send_limit: Option<u32>,
    linkup_credits: Option<u64>,
    connectsafely_seed: Option<SeedMode>,
    drift: Option<Vec<crate::drift::Drift>>,
    star_answer: Option<crate::connectsafely::star::StarAnswer>,
    /// Absent: unchanged; `null`: off; an object: these limits.
    #[serde(default, deserialize_with = "present")]
    key_rate_limits: Option<Option<KeyRateLimits>>,
}

/// `Some` for a field that is in the body, `null` included.
fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<KeyRateLimits>>, D::Error> {
    Option::<KeyRateLimits>::deserialize(d).map(Some)
}

/// Changes limits (`dailyLimit`, `sendLimit`, `linkupCredits`, `keyRateLimits`: see
/// `crate::key_limits`), latency, the ConnectSafely seed mode, the drift switches (`drift`,
/// replacing the list) and the star's answer form (`starAnswer`) at run time.
pub async fn settings(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let settings: Settings = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return json_response(400, &json!({"error": format!("bad settings: {e}")})),
    };
    if let Some(Some(limits)) = &settings.key_rate_limits {
        if let Err(problem) = limits.validate() {
            return json_response(400, &json!({ "error": problem }));
        }
    }
    let mut m = state.lock();
    if let Some(v) = settings.latency_ms {
        m.latency_ms = v;
    }
    if let Some(v) = settings.daily_limit {
        m.daily_limit = v;
    }
    if let Some(v) = settings.send_limit {
        m.send_limit = v;
    }
    if let Some(v) = settings.linkup_credits {
        m.linkup_credits = v;
    }
    if let Some(v) = settings.connectsafely_seed {
        m.connectsafely_seed = v;
    }
    if let Some(v) = settings.drift {
        m.drift = v;
    }
    if let Some(v) = settings.star_answer {
        m.star_answer = v;
    }
    if let Some(v) = settings.key_rate_limits {
        m.set_key_rate_limits(v);
    }
    json_response(
        200,
        &json!({"latencyMs": m.latency_ms, "dailyLimit": m.daily_limit, "sendLimit": m.send_limit, "linkupCredits": m.linkup_credits, "connectsafelySeed": m.connectsafely_seed, "drift": m.drift, "starAnswer": m.star_answer, "keyRateLimits": m.key_rate_limits}),
    )
}
