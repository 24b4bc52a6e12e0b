use linkedin_inbox::{Backend, Provider};

use super::*;
use crate::rules::settings::tests::{config, env};
use crate::rules::settings::Config;

#[test]
fn an_account_of_both_providers_gets_one_check_each_routed_to_it() {
    let config = config();
    let account = &config.clients[0].accounts[0];
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
    let account = &config.clients[0].accounts[0];
    let plans = plans(&config.backend(account).unwrap());
    assert_eq!(plans.len(), 1);
    assert_eq!(
        (plans[0].title, plans[0].provider),
        ("LinkupAPI v2", Provider::Linkup)
    );
}

#[test]
fn each_call_costs_what_a_read_of_five_items_costs() {
    assert_eq!(call_cost(Provider::ConnectSafely).units, 1);
    assert_eq!(call_cost(Provider::Linkup).units, 1);
}
