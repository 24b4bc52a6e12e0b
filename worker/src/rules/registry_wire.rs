//! A client and its accounts as the stored registry's Durable Object hands them to the rest of
//! the Worker (one internal hop, never to a client): the credentials opened, in JSON.

use linkedin_inbox::{LoginToken, Provider, WebhookSecret};
use serde::{Deserialize, Serialize};

use crate::rules::registry::{Account, Client};

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientWire {
    name: String,
    token_sha256: String,
    allowed_origins: Vec<String>,
    accounts: Vec<AccountWire>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountWire {
    id: String,
    label: String,
    connectsafely_account_id: Option<String>,
    linkup_login_token: Option<String>,
    linkup_account_id: Option<String>,
    linkup_country: Option<String>,
    list_via: Option<Provider>,
    threads_via: Option<Provider>,
    connectsafely_webhook_secret: Option<String>,
    linkup_webhook_secret: Option<String>,
}

impl From<&Account> for AccountWire {
    fn from(a: &Account) -> Self {
        Self {
            id: a.id.clone(),
            label: a.label.clone(),
            connectsafely_account_id: a.connectsafely_account_id.clone(),
            linkup_login_token: a.linkup_login_token.as_ref().map(|t| t.expose().to_owned()),
            linkup_account_id: a.linkup_account_id.clone(),
            linkup_country: a.linkup_country.clone(),
            list_via: a.list_via,
            threads_via: a.threads_via,
            connectsafely_webhook_secret: a
                .connectsafely_webhook_secret
                .as_ref()
                .map(|s| s.expose().to_owned()),
            linkup_webhook_secret: a
                .linkup_webhook_secret
                .as_ref()
                .map(|s| s.expose().to_owned()),
        }
    }
}

impl From<AccountWire> for Account {
    fn from(a: AccountWire) -> Self {
        Self {
            id: a.id,
            label: a.label,
            connectsafely_account_id: a.connectsafely_account_id,
            linkup_login_token: a.linkup_login_token.map(LoginToken::new),
            linkup_account_id: a.linkup_account_id,
            linkup_country: a.linkup_country,
            list_via: a.list_via,
            threads_via: a.threads_via,
            connectsafely_webhook_secret: a.connectsafely_webhook_secret.map(WebhookSecret::new),
            linkup_webhook_secret: a.linkup_webhook_secret.map(WebhookSecret::new),
        }
    }
}

impl From<&Client> for ClientWire {
    fn from(c: &Client) -> Self {
        Self {
            name: c.name.clone(),
            token_sha256: c.token_sha256.clone(),
            allowed_origins: c.allowed_origins.clone(),
            accounts: c.accounts.iter().map(AccountWire::from).collect(),
        }
    }
}

impl From<ClientWire> for Client {
    fn from(c: ClientWire) -> Self {
        Self {
            name: c.name,
            token_sha256: c.token_sha256,
            allowed_origins: c.allowed_origins,
            accounts: c.accounts.into_iter().map(Account::from).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::settings::tests::config;

    #[test]
    fn a_client_crosses_the_hop_unchanged() {
        let config = config();
        let client = &config.env_clients[0];
        let text = serde_json::to_string(&ClientWire::from(client)).unwrap();
        let back: Client = serde_json::from_str::<ClientWire>(&text).unwrap().into();
        assert_eq!(back.name, client.name);
        assert_eq!(back.token_sha256, client.token_sha256);
        assert_eq!(back.allowed_origins, client.allowed_origins);
        assert!(back.accounts == client.accounts);
    }
}
