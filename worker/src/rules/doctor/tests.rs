use linkedin_inbox::{Backend, Provider};

use super::*;
use crate::rules::admission::Billing;
use crate::rules::settings::tests::{config, env};
use crate::rules::settings::Config;

#[test]
fn an_account_of_both_providers_gets_one_check_each_routed_to_it() {
    let config = config();
    let account = &config.env_clients[0].accounts[0];
    let plans = plans(&config.backend(account).unwrap());
    let titles: Vec<&str> = plans.iter().map(|p| p.title).collect();
    assert_eq!(titles, ["ConnectSafely", "LinkupAPI v1"]);
    for plan in &plans {
        let Backend::Direct { routes, .. } = &plan.backend else {
            panic!("the providers directly")
        };
        assert_eq!(
            (routes.list, routes.threads),
            (Some(plan.provider), Some(plan.provider))
        );
    }
}

#[test]
fn a_linkup_v2_account_is_titled_v2_and_no_title_names_an_id() {
    let clients = r#"[{"name":"alex","tokenSha256":"0000000000000000000000000000000000000000000000000000000000000000","linkupAccountId":"lk_acc_secret_42","allowedOrigins":[]}]"#;
    let config = Config::from_lookup(&env(&[("CLIENTS", clients)])).unwrap();
    let account = &config.env_clients[0].accounts[0];
    let plans = plans(&config.backend(account).unwrap());
    assert_eq!(plans.len(), 1);
    assert_eq!(
        (plans[0].title, plans[0].provider),
        ("LinkupAPI v2", Provider::Linkup)
    );
}

#[test]
fn each_call_costs_what_a_read_of_five_items_costs_billed_as_its_linkup_version_bills() {
    let config = config();
    let account = &config.env_clients[0].accounts[0];
    let costs: Vec<Cost> = plans(&config.backend(account).unwrap())
        .iter()
        .map(call_cost)
        .collect();
    assert_eq!(
        costs.iter().map(|c| c.units).collect::<Vec<_>>(),
        [1, 1],
        "a ConnectSafely call, one LinkupAPI credit"
    );
    assert_eq!(costs[1].billing, Billing::AllBut500, "a login_token is v1");
}
