//! The `InboxClient` configuration, read into the core's [`Backend`].

use serde::Deserialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use linkedin_inbox::{
    ApiKey, Backend, ClientToken, ConnectSafely, Country, Error, Linkup, LoginToken, Provider,
    Proxy, Result, Routes,
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
    /// Which provider lists the inbox (`"connectsafely"` or `"linkup"`); by default
    /// ConnectSafely when configured, else LinkupAPI.
    #[serde(default)]
    #[tsify(optional)]
    pub list_via: Option<Provider>,
    /// Which provider opens threads; by default LinkupAPI when configured, else ConnectSafely.
    #[serde(default)]
    #[tsify(optional)]
    pub threads_via: Option<Provider>,
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

/// LinkupAPI credentials: v1 with a `loginToken`, or v2 with an `accountId`.
#[derive(Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkupConfig {
    /// API key (`x-api-key`).
    pub api_key: String,
    /// LinkedIn session cookie (`login_token`), for v1.
    #[serde(default)]
    #[tsify(optional)]
    pub login_token: Option<String>,
    /// Account connected on LinkupAPI's side, for v2 (`POST /v2/messages`).
    #[serde(default)]
    #[tsify(optional)]
    pub account_id: Option<String>,
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
    fetch?: typeof globalThis extends { fetch: infer F } ? F : (url: string, init: object) => Promise<unknown>;
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
                        let key = ApiKey::new(l.api_key);
                        let base = l
                            .base_url
                            .unwrap_or_else(|| linkedin_inbox::LINKUP_BASE_URL.to_owned());
                        let client =
                            match (l.login_token, l.account_id) {
                                (Some(token), None) => {
                                    Linkup::with_base_url(key, LoginToken::new(token), &base)?
                                }
                                (None, Some(account)) => Linkup::v2(key, &account, &base)?,
                                _ => return Err(Error::InvalidInput {
                                    field: "config",
                                    reason:
                                        "linkup needs loginToken (v1) or accountId (v2), not both"
                                            .into(),
                                }),
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
                    routes: Routes {
                        list: self.list_via,
                        threads: self.threads_via,
                    },
                })
            }
        }
    }
}
