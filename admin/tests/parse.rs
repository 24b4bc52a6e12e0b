//! The command line read into typed commands, and refused with the right exit status.

use linkedin_inbox_admin::{
    parse, AccountFields, CliError, Command, GlobalOptions, HelpTopic, ImportSource, NewClient,
    Parsed, Provider, Role, DEFAULT_AUDIT_LIMIT,
};

fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

fn command(line: &str) -> Command {
    match parse(words(line)) {
        Ok(Parsed::Run(_, command)) => command,
        other => panic!("{line}: {other:?}"),
    }
}

fn refused(line: &str) -> CliError {
    match parse(words(line)) {
        Err(error) => error,
        other => panic!("{line} was accepted: {other:?}"),
    }
}

#[test]
fn client_commands() {
    assert_eq!(
        command("client add team --origin chrome-extension://abc --account alex --account=priya --role operator"),
        Command::ClientAdd(NewClient {
            name: "team".into(),
            origins: vec!["chrome-extension://abc".into()],
            accounts: vec!["alex".into(), "priya".into()],
            role: Some(Role::Operator),
        })
    );
    assert_eq!(
        command("client add solo"),
        Command::ClientAdd(NewClient {
            name: "solo".into(),
            ..NewClient::default()
        })
    );
    assert_eq!(command("client list"), Command::ClientList);
    assert_eq!(
        command("client show team"),
        Command::ClientShow("team".into())
    );
    assert_eq!(
        command("client disable team"),
        Command::ClientSetDisabled {
            name: "team".into(),
            disabled: true
        }
    );
    assert_eq!(
        command("client enable team"),
        Command::ClientSetDisabled {
            name: "team".into(),
            disabled: false
        }
    );
    assert_eq!(
        command("client delete team"),
        Command::ClientDelete("team".into())
    );
    assert_eq!(
        command("client rotate-token team"),
        Command::ClientRotateToken("team".into())
    );
    assert_eq!(
        command("client rebuild-index team"),
        Command::ClientRebuildIndex("team".into())
    );
    assert_eq!(
        command("client origins team https://a.example moz-extension://b"),
        Command::ClientOrigins {
            name: "team".into(),
            origins: vec!["https://a.example".into(), "moz-extension://b".into()]
        }
    );
    assert_eq!(
        command("client origins team"),
        Command::ClientOrigins {
            name: "team".into(),
            origins: vec![]
        }
    );
}

#[test]
fn account_commands() {
    assert_eq!(
        command("account add alex --label Alex --connectsafely-account-id 696c --linkup-account-id lk_1 --linkup-country FR --list-via connectsafely --threads-via linkup --linkup-session-stdin"),
        Command::AccountAdd {
            id: "alex".into(),
            fields: AccountFields {
                label: Some("Alex".into()),
                connectsafely_account_id: Some("696c".into()),
                linkup_account_id: Some("lk_1".into()),
                linkup_country: Some("FR".into()),
                list_via: Some(Provider::ConnectSafely),
                threads_via: Some(Provider::Linkup),
            },
            session_from_stdin: true,
        }
    );
    assert_eq!(command("account list"), Command::AccountList);
    assert_eq!(
        command("account show alex"),
        Command::AccountShow("alex".into())
    );
    assert_eq!(
        command("account disable alex"),
        Command::AccountSetDisabled {
            id: "alex".into(),
            disabled: true
        }
    );
    assert_eq!(
        command("account enable alex"),
        Command::AccountSetDisabled {
            id: "alex".into(),
            disabled: false
        }
    );
    assert_eq!(
        command("account delete alex"),
        Command::AccountDelete {
            id: "alex".into(),
            unlink: false
        }
    );
    assert_eq!(
        command("account delete alex --unlink"),
        Command::AccountDelete {
            id: "alex".into(),
            unlink: true
        }
    );
    assert_eq!(
        command("account rotate-session alex"),
        Command::AccountRotateSession("alex".into())
    );
    assert_eq!(
        command("account webhook-secret alex linkup"),
        Command::AccountWebhookSecret {
            id: "alex".into(),
            provider: Provider::Linkup
        }
    );
}

#[test]
fn other_commands() {
    assert_eq!(
        command("link team alex"),
        Command::Link {
            client: "team".into(),
            account: "alex".into()
        }
    );
    assert_eq!(
        command("unlink team alex"),
        Command::Unlink {
            client: "team".into(),
            account: "alex".into()
        }
    );
    assert_eq!(
        command("import clients.json"),
        Command::Import(ImportSource::File("clients.json".into()))
    );
    assert_eq!(command("import -"), Command::Import(ImportSource::Stdin));
    assert_eq!(
        command("audit"),
        Command::Audit {
            limit: DEFAULT_AUDIT_LIMIT
        }
    );
    assert_eq!(command("audit --limit 5"), Command::Audit { limit: 5 });
    assert_eq!(command("reseal"), Command::Reseal);
}

#[test]
fn global_options_stand_anywhere() {
    let parsed = parse(words(
        "--json client --url https://w.example list --actor=ops",
    ));
    let expected = GlobalOptions {
        url: Some("https://w.example".into()),
        json: true,
        actor: Some("ops".into()),
        help: false,
    };
    assert_eq!(parsed, Ok(Parsed::Run(expected, Command::ClientList)));
}

#[test]
fn help_for_every_topic() {
    assert_eq!(parse(vec![]), Ok(Parsed::Help(HelpTopic::Main)));
    assert_eq!(parse(words("--help")), Ok(Parsed::Help(HelpTopic::Main)));
    assert_eq!(
        parse(words("client --help")),
        Ok(Parsed::Help(HelpTopic::Client))
    );
    assert_eq!(
        parse(words("account add -h")),
        Ok(Parsed::Help(HelpTopic::Account))
    );
    assert_eq!(
        parse(words("help account")),
        Ok(Parsed::Help(HelpTopic::Account))
    );
    assert_eq!(
        parse(words("audit --help")),
        Ok(Parsed::Help(HelpTopic::Other))
    );
    for topic in [
        HelpTopic::Main,
        HelpTopic::Client,
        HelpTopic::Account,
        HelpTopic::Other,
    ] {
        assert!(linkedin_inbox_admin::usage(topic).starts_with("usage:"));
    }
}

#[test]
fn bad_usage_exits_2() {
    for line in [
        "frobnicate",
        "client",
        "client frob x",
        "client show",
        "client show a b",
        "client add team --colour red",
        "client add team --role",
        "account delete alex --force",
        "account webhook-secret alex",
        "link team",
        "audit extra",
        "account add alex --label a --label b",
        "--url",
    ] {
        assert_eq!(refused(line).exit_code(), 2, "{line}");
    }
}

#[test]
fn secrets_are_never_arguments() {
    for line in [
        "client add team --token lic_x",
        "--admin-token=x client list",
        "account add alex --linkup-login-token li_at",
        "account webhook-secret alex linkup --secret s",
        "account add alex --session s",
    ] {
        let error = refused(line);
        assert_eq!(error.exit_code(), 2, "{line}");
        assert!(
            error.to_string().contains("never command-line arguments"),
            "{line}: {error}"
        );
        assert!(!error.to_string().contains("lic_x") && !error.to_string().contains("li_at"));
    }
}

#[test]
fn bad_values_exit_1() {
    for line in [
        "client show has/slash",
        "client show ..",
        "client show .",
        "client add a --account all",
        "account show all",
        "account add x --list-via email",
        "account add x --linkup-country France",
        "account webhook-secret alex github",
        "client add t --role admin",
        "client add t --origin https://a.example/path",
        "client origins t nope",
        "audit --limit 0",
        "audit --limit many",
    ] {
        assert!(matches!(refused(line), CliError::Input(_)), "{line}");
    }
    let long = "x".repeat(65);
    assert_eq!(refused(&format!("client show {long}")).exit_code(), 1);
    assert_eq!(
        command(&format!("client show {}", &long[1..])),
        Command::ClientShow("x".repeat(64))
    );
}
