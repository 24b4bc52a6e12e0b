//! The index's own records: the client it serves, its change number, each lane's summary and
//! the lanes due a head sync.

use super::*;
use crate::store::inbox_index::Lanes;

#[test]
fn the_index_names_its_client_and_counts_its_changes() {
    let stores = stores();
    let index = fed(&stores);
    assert_eq!(index.client().unwrap(), None);
    index.set_client("team").unwrap();
    index.set_client("team-desk").unwrap();
    assert_eq!(index.client().unwrap().as_deref(), Some("team-desk"));
    let before = index.change_number().unwrap();
    catch_up(&index, "alex", &stores[0].1);
    assert_eq!(index.change_number().unwrap(), before, "nothing changed");
    stores[0].1.record_read("2-a1", true).unwrap();
    catch_up(&index, "alex", &stores[0].1);
    assert!(index.change_number().unwrap() > before);
}

#[test]
fn each_lane_is_summed_up_in_the_clients_order_and_unsynced_lanes_are_due() {
    let stores = stores();
    let index = fed(&stores);
    let summaries = index.account_summaries().unwrap();
    // Every feed hands the day's spending (nothing spent on the stores' day 0).
    let fed_spent = Some(crate::rules::budgets::SpentToday::default());
    assert_eq!(
        summaries
            .iter()
            .map(|s| (s.account.as_str(), s.unread, s.spent))
            .collect::<Vec<_>>(),
        [
            ("alex", Some(1), fed_spent),
            ("priya", Some(2), fed_spent),
            ("titouan", None, fed_spent)
        ]
    );
    let due = |head_before| -> Vec<String> {
        let lanes = index.lanes_where(Lanes::Due { head_before }).unwrap();
        lanes.into_iter().map(|l| l.account).collect()
    };
    assert_eq!(due(0), ["alex", "priya", "titouan"], "never synced");
    // Alex's head synced at 1000: due again only for a sync asked of its head at or after it.
    stores[0].1.record_head(&page(vec![]), 1_000, 1).unwrap();
    catch_up(&index, "alex", &stores[0].1);
    assert_eq!(due(999), ["priya", "titouan"]);
    assert_eq!(due(1_000), ["alex", "priya", "titouan"]);
}
