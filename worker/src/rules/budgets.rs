//! What is left of an account's daily budgets (`budgetLeftToday` of `GET /v1/accounts`), from
//! what it spent on a UTC day: one formula for the account's object, which counts the spending,
//! and the client's index, which is handed the counts with every change of the account
//! (`store/index_feed.rs`) and answers the list of a client of many accounts.

use serde::{Deserialize, Serialize};

use crate::rules::registry::Account;
use crate::rules::settings::Config;
use crate::rules::utc_day::day_of;
use linkedin_inbox::Provider;

/// What an account spent on one UTC day (`day`: epoch ms / day).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpentToday {
    pub day: u64,
    /// ConnectSafely calls.
    pub calls: u64,
    /// LinkupAPI credits held or spent.
    pub credits: u64,
    /// Messages sent.
    pub sends: u64,
}

/// `budgetLeftToday` at `now_ms`: each cap less what was spent (nothing was, once the day of
/// `spent` is over); `null` for a provider the account does not use, or a cap that is off.
pub fn left_today(
    config: &Config,
    account: &Account,
    spent: &SpentToday,
    now_ms: u64,
) -> serde_json::Value {
    let spent = match spent.day == day_of(now_ms) {
        true => *spent,
        false => SpentToday::default(),
    };
    let left = |limit: u64, used: u64| (limit > 0).then(|| limit.saturating_sub(used));
    let providers = account.providers();
    let uses = |p| providers.contains(&p);
    serde_json::json!({
        "connectsafelyCalls": uses(Provider::ConnectSafely)
            .then(|| left(u64::from(config.daily_limit), spent.calls))
            .flatten(),
        "linkupCredits": uses(Provider::Linkup)
            .then(|| left(config.linkup_daily_credit_cap, spent.credits + config.monitoring_credits(account)))
            .flatten(),
        "sends": left(config.send_daily_limit, spent.sends),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::settings::tests::{config as default_config, env};
    use serde_json::json;

    const DAY_MS: u64 = 86_400_000;

    #[test]
    fn what_is_left_today_is_each_cap_less_the_days_spending_and_null_when_off() {
        let config = Config::from_lookup(&env(&[
            ("CONNECTSAFELY_DAILY_LIMIT", "100"),
            ("LINKUP_DAILY_CREDIT_CAP", "50"),
            ("SEND_DAILY_LIMIT", "0"),
        ]))
        .unwrap();
        let account = &config.env_clients[0].accounts[0];
        let now = 20_000 * DAY_MS + 5;
        let spent = SpentToday {
            day: day_of(now),
            calls: 30,
            credits: 60,
            sends: 2,
        };
        assert_eq!(
            left_today(&config, account, &spent, now),
            json!({"connectsafelyCalls": 70, "linkupCredits": 0, "sends": null})
        );
        // The next UTC day starts afresh.
        assert_eq!(
            left_today(&config, account, &spent, now + DAY_MS),
            json!({"connectsafelyCalls": 100, "linkupCredits": 50, "sends": null})
        );
        // A provider the account does not use has no budget; the default caps apply.
        let mut linkup_only = account.clone();
        linkup_only.connectsafely_account_id = None;
        assert_eq!(
            left_today(&default_config(), &linkup_only, &SpentToday::default(), now)
                ["connectsafelyCalls"],
            json!(null)
        );
    }
}
