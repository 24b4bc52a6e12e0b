//! Secret newtypes: their `Debug` and `Display` never print the value.

use std::fmt;

const REDACTED: &str = "[redacted]";

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Read from JSON as its plain string (settings, a registry); never written back
        /// (no `Serialize`: an answer or a log cannot carry it by accident).
        #[derive(Clone, PartialEq, Eq, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself, for the one place that must send it.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({REDACTED})", stringify!($name))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(REDACTED)
            }
        }
    };
}

secret!(
    /// A provider API key (ConnectSafely Bearer key or LinkupAPI `x-api-key`).
    ApiKey
);
secret!(
    /// A client token of this project's Worker proxy (`Authorization: Bearer`).
    ClientToken
);
secret!(
    /// The secret a provider signs its webhooks with (HMAC key).
    WebhookSecret
);
secret!(
    /// A LinkupAPI `login_token`: a LinkedIn session cookie, as sensitive as a password.
    LoginToken
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_print_the_value() {
        let key = ApiKey::new("sk-live-123");
        let token = LoginToken::new("AQEDAR-cookie");
        let signing = WebhookSecret::new("whsec-abc");
        let printed = format!("{key} {key:?} {token} {token:?} {signing} {signing:?}");
        assert!(!printed.contains("sk-live-123"));
        assert!(!printed.contains("AQEDAR"));
        assert!(!printed.contains("whsec"));
        assert_eq!(
            printed,
            "[redacted] ApiKey([redacted]) [redacted] LoginToken([redacted]) \
             [redacted] WebhookSecret([redacted])"
        );
        assert_eq!(key.expose(), "sk-live-123");
    }

    #[test]
    fn read_from_json_as_the_plain_string() {
        let token: LoginToken = serde_json::from_str(r#""AQEDAR-cookie""#).unwrap();
        assert_eq!(token.expose(), "AQEDAR-cookie");
        let wrong = serde_json::from_str::<WebhookSecret>("42")
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("expected a string"), "{wrong}");
    }
}
