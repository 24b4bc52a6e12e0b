//! The `InboxClient` configuration, read into the core's [`Backend`].

use serde::Deserialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use linkedin_inbox::{
    ApiKey, Backend, ClientToken, ConnectSafely, Country, Error, Linkup, LoginToken, Proxy, Result,
};

/// `{ proxy }` for browsers, or `{ connectsafely, linkup }` for direct server-side use.
#[derive(Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InboxConfig {
    /// This project's Worker proxy: the default for browsers (no provider secret in the page).
    #[serde(default)]
    #[tsify(optional)]
    pub proxy: Option<ProxyConfig>,
    /// ConnectSafely directly (server-side only: the provider does not serve browser origins).
    #[serde(default)]
    #[tsify(optional)]
    pub connectsafely: Option<ConnectSafelyConfig>,
    /// LinkupAPI directly (server-side only).
    #[serde(default)]
    #[tsify(optional)]
    pub linkup: Option<LinkupConfig>,
}

/// Where the Worker proxy is and this client's token.
#[derive(Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProxyConfig {
    /// Base URL, e.g. `https://inbox.example.workers.dev`.
    pub url: String,
    /// Client token issued by the proxy's operator.
    pub token: String,
}

/// ConnectSafely credentials.
#[derive(Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectSafelyConfig {
    /// API key (Bearer).
    pub api_key: String,
    /// LinkedIn account id; the key's default account when absent.
    #[serde(default)]
    #[tsify(optional)]
    pub account_id: Option<String>,
    /// Another host (the sandbox); production by default.
    #[serde(default)]
    #[tsify(optional)]
    pub base_url: Option<String>,
}

/// LinkupAPI credentials.
#[derive(Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkupConfig {
    /// API key (`x-api-key`).
    pub api_key: String,
    /// LinkedIn session cookie (`login_token`).
    pub login_token: String,
    /// Proxy country (US, UK, FR, DE, NL, IT, IL, CA, BR, ES, IN).
    #[serde(default)]
    #[tsify(optional)]
    pub country: Option<String>,
    /// Another host (the sandbox); production by default.
    #[serde(default)]
    #[tsify(optional)]
    pub base_url: Option<String>,
}

#[wasm_bindgen(typescript_custom_section)]
const FETCH_OPTION: &str = r#"
export interface InboxConfig {
    /** The `fetch` to use; the global one by default. */
    fetch?: typeof fetch;
}
"#;

impl InboxConfig {
    /// The backend this configuration selects; `INVALID_INPUT` on `config` when unusable.
    pub fn backend(self) -> Result<Backend> {
        match (self.proxy, self.connectsafely, self.linkup) {
            (Some(proxy), None, None) => Ok(Backend::Proxy(Proxy::new(
                &proxy.url,
                ClientToken::new(proxy.token),
            )?)),
            (Some(_), _, _) => Err(Error::InvalidInput {
                field: "config",
                reason: "give proxy, or connectsafely/linkup, not both".into(),
            }),
            (None, None, None) => Err(Error::InvalidInput {
                field: "config",
                reason: "give proxy, or connectsafely and/or linkup".into(),
            }),
            (None, cs, lk) => {
                let account_id = cs.as_ref().and_then(|c| c.account_id.clone());
                let connectsafely = cs
                    .map(|c| {
                        let key = ApiKey::new(c.api_key);
                        match c.base_url {
                            Some(url) => ConnectSafely::with_base_url(key, &url),
                            None => ConnectSafely::new(key),
                        }
                    })
                    .transpose()?;
                let linkup = lk
                    .map(|l| {
                        let (key, token) = (ApiKey::new(l.api_key), LoginToken::new(l.login_token));
                        let client = match l.base_url {
                            Some(url) => Linkup::with_base_url(key, token, &url)?,
                            None => Linkup::new(key, token)?,
                        };
                        Ok::<_, Error>(match l.country {
                            Some(country) => client.with_country(country.parse::<Country>()?),
                            None => client,
                        })
                    })
                    .transpose()?;
                Ok(Backend::Direct {
                    connectsafely,
                    linkup,
                    account_id,
                })
            }
        }
    }
}
