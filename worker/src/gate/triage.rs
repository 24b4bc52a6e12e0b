//! The gate's triage requests: a conversation's triage changed (`/triage`), the
//! account's labels listed, renamed, deleted (`/labels`, `/labels/rename`, `/labels/delete`);
//! snoozes woken by the object's alarm; a changed star mirrored on LinkedIn through
//! ConnectSafely (`gate/star_mirror.rs`). What the store does with them is `store/triage.rs`;
//! the change numbers they take reach the sockets and the client indexes after the request
//! (`AccountGate::fetch`) or the alarm.

use std::time::Duration;

use linkedin_inbox::{Backend, ErrorCode};
use serde::Deserialize;
use serde_json::json;
use worker::Response;

use super::AccountGate;
use crate::respond;
use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::rules::star_mirror::is_pending;
use crate::rules::triage::{label_name, parse_change};
use crate::store::{LabelOutcome, TriageOutcome};

/// `/triage`: the changes of one conversation, the body as the client sent it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GateTriage {
    pub conversation_id: String,
    pub body: String,
}

/// `/labels/rename` (`to` given) and `/labels/delete`.
#[derive(Deserialize)]
pub struct GateLabel {
    pub name: String,
    #[serde(default)]
    pub to: Option<String>,
}

impl AccountGate {
    /// `POST /triage`: applied (or refused, nothing changed); the conversation's state back.
    /// A star changed on an account with ConnectSafely is mirrored before the answer: the
    /// store holds it pending first, so the same request again (even concurrent) finds it set
    /// and asks nothing more of LinkedIn; opposite stars wait their turn (`star_mirror.rs`).
    pub(super) async fn triage(
        &self,
        config: &Config,
        client: &str,
        account: &Account,
        request: GateTriage,
        now_ms: u64,
    ) -> worker::Result<Response> {
        let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
        let change = match parse_change(&request.body, now) {
            Ok(change) => change,
            Err(refusal) => return respond::core_error(&refusal),
        };
        let id = request.conversation_id.as_str();
        let thread = linkedin_inbox::thread_id(id).unwrap_or(id).to_owned();
        let mirror = change.starred.is_some()
            && config.star_on_linkedin
            && matches!(
                self.backend(config, account),
                Ok(Backend::Direct {
                    connectsafely: Some(_),
                    ..
                })
            );
        let state = match self
            .store()?
            .set_triage(&thread, &change, client, now, mirror)?
        {
            TriageOutcome::Unknown => {
                return respond::refuse(ErrorCode::NotFound, "no such conversation in the inbox")
            }
            TriageOutcome::Refused(refusal) => return respond::core_error(&refusal),
            // The star asked for is pending and nothing of this object settles it: settled now.
            TriageOutcome::Set(state)
                if mirror && is_pending(&state) && !self.star_mirrors.under_way(&thread) =>
            {
                self.settle_star(config, account, &thread, now_ms)
                    .await?
                    .unwrap_or(state)
            }
            TriageOutcome::Set(state) => state,
            TriageOutcome::Mirror(state, _) => {
                self.star_mirrors.changed(&thread);
                self.settle_star(config, account, &thread, now_ms)
                    .await?
                    .unwrap_or(state)
            }
        };
        if state.snoozed_until.is_some() {
            self.schedule_snoozes(now).await?;
        }
        respond::json(200, &json!({ "conversationId": thread, "triage": state }))
    }

    /// `GET /labels`: the account's labels.
    pub(super) fn labels(&self) -> worker::Result<Response> {
        respond::json(200, &json!({ "labels": self.store()?.labels()? }))
    }

    /// `POST /labels/rename` or `/labels/delete`.
    pub(super) fn relabel(
        &self,
        client: &str,
        request: GateLabel,
        now: u64,
    ) -> worker::Result<Response> {
        let now = i64::try_from(now).unwrap_or(i64::MAX);
        let store = self.store()?;
        let outcome = match &request.to {
            Some(to) => match label_name(to, "name") {
                Ok(to) => store.rename_label(&request.name, &to, client, now)?,
                Err(refusal) => return respond::core_error(&refusal),
            },
            None => store.delete_label(&request.name, client, now)?,
        };
        match outcome {
            LabelOutcome::Unknown => respond::refuse(ErrorCode::NotFound, "no such label"),
            LabelOutcome::Refused(refusal) => respond::core_error(&refusal),
            LabelOutcome::Done(changed) => respond::json(
                200,
                &json!({ "labels": store.labels()?, "conversationsChanged": changed }),
            ),
        }
    }

    /// Sets the object's alarm for the earliest snooze when it is due before the alarm set.
    async fn schedule_snoozes(&self, now: i64) -> worker::Result<()> {
        let Some(at) = self.store()?.next_snooze_at()? else {
            return Ok(());
        };
        let storage = self.state.storage();
        if storage.get_alarm().await?.is_none_or(|set| set > at) {
            let wait = u64::try_from(at.saturating_sub(now)).unwrap_or(0);
            storage.set_alarm(Duration::from_millis(wait)).await?;
        }
        Ok(())
    }
}
