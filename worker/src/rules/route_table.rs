//! The one route table of the proxy API (`docs/openapi.yaml`): each route's name (logs name
//! the route, never the path, which can hold a conversation URN), the methods it takes and
//! the query parameters each method takes. The fetch handler refuses a wrong method (405) and
//! an unknown parameter (400) from this table before anything else happens; the query
//! parsers read their allowed names from it too.

use linkedin_inbox::Error;

/// `?account=<id>|all`: the account (or all of the client's) a call is for.
pub const ACCOUNT_ONLY: &[&str] = &["account"];
/// `GET /v1/conversations`.
pub const CONVERSATIONS_QUERY: &[&str] = &[
    "count",
    "keywords",
    "unread",
    "cursor",
    "account",
    "person",
    "view",
    "label",
    "waiting",
    "quietDays",
];
/// `GET /v1/conversations/{id}/messages`.
pub const THREAD_QUERY: &[&str] = &["count", "cursor", "account"];
/// `GET /v1/messages?profileUrl=`.
pub const PROFILE_THREAD_QUERY: &[&str] = &["profileUrl", "count", "cursor", "account"];
/// `GET /v1/changes`.
pub const CHANGES_QUERY: &[&str] = &["since", "account"];
/// `GET /v1/live/socket`.
pub const SOCKET_QUERY: &[&str] = &["ticket"];
/// `GET /admin/v1/...` lists.
pub const ADMIN_LIST_QUERY: &[&str] = &["limit", "after"];
/// `DELETE /admin/v1/accounts/{id}`.
pub const ADMIN_DELETE_QUERY: &[&str] = &["unlink"];
const NOTHING: &[&str] = &[];

/// A route of the proxy API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// Its name in logs.
    pub name: &'static str,
    /// The methods it takes, as `Allow` lists them.
    pub allow: &'static str,
    /// The query parameters of each method in `allow`.
    parameters: &'static [(&'static str, &'static [&'static str])],
}

impl Route {
    /// Whether the route takes `method`.
    pub fn takes(&self, method: &str) -> bool {
        self.parameters.iter().any(|(m, _)| *m == method)
    }

    /// The query parameters `method` takes on this route (none for a method it does not take).
    pub fn parameters(&self, method: &str) -> &'static [&'static str] {
        self.parameters
            .iter()
            .find(|(m, _)| *m == method)
            .map_or(NOTHING, |(_, names)| names)
    }

    /// The refusal of the first query parameter `method` does not take on this route, naming
    /// it (at most 40 characters of it) and what the route takes; or of one given twice (which
    /// of two `account`s a wipe is for must never be guessed).
    pub fn check_parameters<'a>(
        &self,
        method: &str,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), Error> {
        let allowed = self.parameters(method);
        let mut seen: Vec<&str> = Vec::new();
        for name in names {
            if !allowed.contains(&name) {
                return Err(unknown_parameter(name, allowed));
            }
            if seen.contains(&name) {
                return Err(Error::InvalidInput {
                    field: "query",
                    reason: format!("parameter `{name}` is given more than once"),
                });
            }
            seen.push(name);
        }
        Ok(())
    }
}

/// `INVALID_INPUT` naming `query`, with the parameter's name and the allowed ones.
pub fn unknown_parameter(name: &str, allowed: &[&str]) -> Error {
    let shown: String = name.chars().take(40).collect();
    let takes = match allowed {
        [] => "this route takes no query parameters".to_owned(),
        names => format!("allowed: {}", names.join(", ")),
    };
    Error::InvalidInput {
        field: "query",
        reason: format!("unknown parameter `{shown}`; {takes}"),
    }
}

/// The `{conversationId}` segment of a conversation route's path, as sent.
pub fn conversation_segment(path: &str) -> Option<&str> {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next(), segments.next()) {
        (Some("v1"), Some("conversations"), Some(id)) if !id.is_empty() => Some(id),
        _ => None,
    }
}

/// The route a path belongs to, whatever the method.
pub fn route_of(path: &str) -> Option<Route> {
    let route = |name, allow, parameters| {
        Some(Route {
            name,
            allow,
            parameters,
        })
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["health"] => route("health", "GET", &[("GET", NOTHING)]),
        ["v1", "conversations"] => route("conversations", "GET", &[("GET", CONVERSATIONS_QUERY)]),
        ["v1", "conversations", id, "messages"] if !id.is_empty() => route(
            "conversation-messages",
            "GET, POST",
            &[("GET", THREAD_QUERY), ("POST", ACCOUNT_ONLY)],
        ),
        ["v1", "conversations", id, "read"] if !id.is_empty() => {
            route("read", "POST", &[("POST", ACCOUNT_ONLY)])
        }
        ["v1", "conversations", id, "unread"] if !id.is_empty() => {
            route("unread", "POST", &[("POST", ACCOUNT_ONLY)])
        }
        ["v1", "conversations", id, "triage"] if !id.is_empty() => {
            route("triage", "POST", &[("POST", ACCOUNT_ONLY)])
        }
        ["v1", "labels"] => route("labels", "GET", &[("GET", ACCOUNT_ONLY)]),
        ["v1", "labels", name] if !name.is_empty() => route(
            "label",
            "POST, DELETE",
            &[("POST", ACCOUNT_ONLY), ("DELETE", ACCOUNT_ONLY)],
        ),
        ["v1", "messages"] => route(
            "profile-messages",
            "GET, POST",
            &[("GET", PROFILE_THREAD_QUERY), ("POST", ACCOUNT_ONLY)],
        ),
        ["v1", "usage"] => route("usage", "GET", &[("GET", ACCOUNT_ONLY)]),
        ["v1", "doctor"] => route("doctor", "POST", &[("POST", ACCOUNT_ONLY)]),
        ["v1", "refresh"] => route("refresh", "POST", &[("POST", ACCOUNT_ONLY)]),
        ["v1", "data"] => route("data", "DELETE", &[("DELETE", ACCOUNT_ONLY)]),
        ["v1", "accounts"] => route("accounts", "GET", &[("GET", NOTHING)]),
        ["v1", "media", sealed] if !sealed.is_empty() => route("media", "GET", &[("GET", NOTHING)]),
        ["v1", "people", id] if !id.is_empty() => route("person", "GET", &[("GET", ACCOUNT_ONLY)]),
        ["v1", "changes"] => route("changes", "GET", &[("GET", CHANGES_QUERY)]),
        ["v1", "live"] => route("live", "POST", &[("POST", ACCOUNT_ONLY)]),
        ["v1", "live", "socket"] => route("live-socket", "GET", &[("GET", SOCKET_QUERY)]),
        ["v1", "webhooks", "connectsafely", id] if !id.is_empty() => {
            route("webhook-connectsafely", "POST", &[("POST", NOTHING)])
        }
        ["v1", "webhooks", "linkup", id] if !id.is_empty() => {
            route("webhook-linkup", "POST", &[("POST", NOTHING)])
        }
        // The operator's API: its own token, its own routes (`store/registry/admin`).
        ["admin", "v1", rest @ ..] if !rest.is_empty() => route(
            "admin",
            "GET, POST, PUT, PATCH, DELETE",
            &[
                ("GET", ADMIN_LIST_QUERY),
                ("POST", NOTHING),
                ("PUT", NOTHING),
                ("PATCH", NOTHING),
                ("DELETE", ADMIN_DELETE_QUERY),
            ],
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route of the table, by one of its paths.
    const PATHS: &[&str] = &[
        "/health",
        "/v1/conversations",
        "/v1/conversations/2-abc/messages",
        "/v1/conversations/2-abc/read",
        "/v1/conversations/2-abc/unread",
        "/v1/conversations/2-abc/triage",
        "/v1/labels",
        "/v1/labels/hot",
        "/v1/messages",
        "/v1/usage",
        "/v1/doctor",
        "/v1/refresh",
        "/v1/data",
        "/v1/accounts",
        "/v1/people/ACoAAB",
        "/v1/changes",
        "/v1/live",
        "/v1/live/socket",
        "/v1/webhooks/connectsafely/a",
        "/v1/webhooks/linkup/a",
        "/admin/v1/clients",
    ];

    #[test]
    fn routes_are_named_without_their_ids() {
        let thread =
            route_of("/v1/conversations/urn%3Ali%3Amsg_conversation%3A2-abc/messages").unwrap();
        assert_eq!(
            (thread.name, thread.allow),
            ("conversation-messages", "GET, POST")
        );
        assert!(thread.takes("GET") && thread.takes("POST") && !thread.takes("PUT"));
        assert_eq!(
            route_of("/v1/conversations/2-abc/read").unwrap().allow,
            "POST"
        );
        assert_eq!(route_of("/v1/refresh").unwrap().allow, "POST");
        assert_eq!(route_of("/v1/nothing"), None);
        assert_eq!(route_of("/v1/conversations//messages"), None);
    }

    #[test]
    fn a_conversation_route_names_its_segment() {
        assert_eq!(
            conversation_segment("/v1/conversations/urn%3Ali%3Ax/messages"),
            Some("urn%3Ali%3Ax")
        );
        assert_eq!(
            conversation_segment("/v1/conversations/2-a/read"),
            Some("2-a")
        );
        assert_eq!(conversation_segment("/v1/conversations"), None);
        assert_eq!(conversation_segment("/v1/messages"), None);
    }

    #[test]
    fn allow_lists_exactly_the_methods_with_parameters() {
        for path in PATHS {
            let route = route_of(path).unwrap();
            let methods: Vec<&str> = route.parameters.iter().map(|(m, _)| *m).collect();
            assert_eq!(methods.join(", "), route.allow, "{path}");
        }
    }

    #[test]
    fn an_unknown_parameter_is_refused_by_name_on_every_route() {
        for path in PATHS {
            let route = route_of(path).unwrap();
            for method in route.allow.split(", ") {
                let taken = route.parameters(method);
                assert_eq!(
                    route.check_parameters(method, taken.iter().copied()),
                    Ok(())
                );
                let refused = route.check_parameters(method, ["acount"]).expect_err(path);
                assert_eq!(refused.field(), Some("query"), "{path}");
                assert!(refused.to_string().contains("`acount`"), "{refused}");
            }
        }
    }

    #[test]
    fn the_wipe_takes_account_and_nothing_else() {
        let data = route_of("/v1/data").unwrap();
        assert_eq!(data.check_parameters("DELETE", ["account"]), Ok(()));
        let typo = data.check_parameters("DELETE", ["acount"]).unwrap_err();
        assert_eq!(
            typo.to_string(),
            "invalid query: unknown parameter `acount`; allowed: account"
        );
        let webhook = route_of("/v1/webhooks/linkup/a").unwrap();
        assert!(webhook
            .check_parameters("POST", ["x"])
            .unwrap_err()
            .to_string()
            .contains("takes no query parameters"));
    }

    #[test]
    fn a_parameter_given_twice_is_refused() {
        let data = route_of("/v1/data").unwrap();
        let twice = data
            .check_parameters("DELETE", ["account", "account"])
            .unwrap_err();
        assert_eq!(twice.field(), Some("query"));
        assert!(twice
            .to_string()
            .contains("`account` is given more than once"));
    }

    #[test]
    fn a_parameter_name_is_shown_short() {
        let long = "p".repeat(500);
        let refused = route_of("/v1/usage")
            .unwrap()
            .check_parameters("GET", [long.as_str()])
            .unwrap_err()
            .to_string();
        assert!(refused.len() < 120, "{refused}");
    }
}
