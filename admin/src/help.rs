//! The usage texts (`--help`, `help TOPIC`, and after a usage error).

use crate::error::HelpTopic;

const MAIN: &str = "usage: linkedin-inbox-admin [--url URL] [--json] [--actor NAME] COMMAND ...

Operates a linkedin-inbox Worker through its admin API: clients, LinkedIn accounts, which
client reaches which account, importing today's CLIENTS registry, the audit log.

Commands:
  client add|list|show|disable|enable|delete|rotate-token|rebuild-index|origins ...
  account add|list|show|disable|enable|delete|rotate-session|webhook-secret ...
  link CLIENT ACCOUNT        unlink CLIENT ACCOUNT
  import FILE                (today's CLIENTS JSON; - reads stdin)
  audit [--limit N]          (the newest N entries, 20 by default)
  reseal                     (every sealed credential under the current REGISTRY_KEYS key)
  help [client|account|link|import|audit|reseal]

Options (anywhere on the line):
  --url URL      the Worker's base URL (else LINKEDIN_INBOX_URL); https:// only, plain
                 http:// only to 127.0.0.1 or localhost
  --json         print the API's JSON as it is (lists: every page's items in one object)
  --actor NAME   who is acting, for the audit log (sent as X-Admin-Actor; default $USER)
  -h, --help     this text, or a command's

The admin token is read from LINKEDIN_INBOX_ADMIN_TOKEN only, never from the command line, and
is never printed. LinkedIn sessions are read from stdin.
Exit status: 0 done, 1 refused by the API or bad input, 2 could not reach the API or bad usage.
";

const CLIENT: &str = "usage: linkedin-inbox-admin client COMMAND ...

  client add NAME [--origin O]... [--account ID]... [--role member|operator]
                             a new client; its token is printed once, never again
  client list                every client (all pages)
  client show NAME
  client disable NAME        its token stops working until enabled
  client enable NAME
  client delete NAME
  client rotate-token NAME   a new token, printed once; the old one stops working
  client rebuild-index NAME  its merged inbox index taken again from the accounts' stores
  client origins NAME O...   replaces the allowed origins (none: no browser origin)

NAME: 1 to 64 of A-Z a-z 0-9 . _ -   O: an origin, e.g. chrome-extension://<id>
";

const ACCOUNT: &str = "usage: linkedin-inbox-admin account COMMAND ...

  account add ID [--label L] [--connectsafely-account-id X] [--linkup-account-id X]
                 [--linkup-country CC] [--list-via P] [--threads-via P]
                 [--linkup-session-stdin]
                             a new LinkedIn account; with --linkup-session-stdin its
                             LinkedIn session (LinkupAPI login token) is read from stdin
  account list               every account (all pages), with its health when given
  account show ID
  account disable ID | enable ID
  account delete ID [--unlink]
                             --unlink: unlinked from its clients first (else refused
                             while a client is linked)
  account rotate-session ID  a new LinkedIn session, read from stdin
  account webhook-secret ID connectsafely|linkup
                             a new webhook secret and the URL to paste at the provider,
                             printed once

ID: 1 to 64 of A-Z a-z 0-9 . _ - (not all)   P: connectsafely or linkup
Sessions never go on the command line:  linkedin-inbox-admin account rotate-session ID < file
";

const OTHER: &str = "usage:
  linkedin-inbox-admin link CLIENT ACCOUNT     the client reaches the account
  linkedin-inbox-admin unlink CLIENT ACCOUNT   it no longer does
  linkedin-inbox-admin import FILE             today's CLIENTS JSON (either form), all or
                                               nothing; - reads it from stdin
  linkedin-inbox-admin audit [--limit N]       the newest N audit entries (20 by default)
  linkedin-inbox-admin reseal                  re-seals every credential under the current
                                               key of REGISTRY_KEYS
";

/// The usage text of `topic`.
pub fn usage(topic: HelpTopic) -> &'static str {
    match topic {
        HelpTopic::Main => MAIN,
        HelpTopic::Client => CLIENT,
        HelpTopic::Account => ACCOUNT,
        HelpTopic::Other => OTHER,
    }
}
