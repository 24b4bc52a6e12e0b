//! `GET /v1/conversations?account=all` for a client of several accounts: each account's store
//! answers a page from where the walk stands in it, and the pages are merged by last activity
//! (ties: the client's account order, then the store's own order). Pure: the Worker fetches
//! the pages, this decides what the merged page holds and where each account stands after it.
//!
//! A walk of `all` yields the union of the per-account walks, in order, each conversation once:
//! an account that may hold more beyond what it answered (its store is still syncing older
//! pages) bounds the merged page at its last item, so nothing after it is handed out early.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Where the walk stands in one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lane {
    /// Nothing handed out yet.
    Start,
    /// After this position of the account's store (`<stored>|<last activity>:<thread id>`).
    At(String),
    /// Every conversation of the account was handed out.
    Done,
}

/// One conversation of an account's page: its store order key.
#[derive(Debug, Clone)]
pub struct Item {
    pub at: i64,
    pub thread_id: String,
}

/// One account's answer: its items in store order, and the position after its last one
/// (`None`: the account has nothing after them).
#[derive(Debug, Clone)]
pub struct Answer {
    pub items: Vec<Item>,
    pub next: Option<String>,
}

/// The merged page: `(account, item)` indexes in merged order, and the new lanes.
#[derive(Debug, PartialEq, Eq)]
pub struct Merged {
    pub picks: Vec<(usize, usize)>,
    pub lanes: Vec<Lane>,
}

/// Orders two items of accounts `a` and `b`: newest activity first, then account order, then
/// the store's order (thread id ascending).
fn before(a: (usize, &Item), b: (usize, &Item)) -> std::cmp::Ordering {
    b.1.at
        .cmp(&a.1.at)
        .then(a.0.cmp(&b.0))
        .then_with(|| a.1.thread_id.cmp(&b.1.thread_id))
}

/// Merges the answers of the accounts (`None`: an account already `Done`, not asked).
pub fn merge(lanes: &[Lane], answers: &[Option<Answer>], count: usize) -> Merged {
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for (account, answer) in answers.iter().enumerate() {
        if let Some(answer) = answer {
            candidates.extend((0..answer.items.len()).map(|i| (account, i)));
        }
    }
    let item = |(account, i): (usize, usize)| {
        (account, &answers[account].as_ref().expect("asked").items[i])
    };
    candidates.sort_by(|a, b| before(item(*a), item(*b)));
    // An account with more beyond its answer bounds the page at its last item (before all of
    // the page when it answered nothing yet).
    let bound = |candidate: (usize, usize)| {
        answers.iter().enumerate().all(|(account, answer)| {
            let Some(answer) = answer.as_ref().filter(|a| a.next.is_some()) else {
                return true;
            };
            match answer.items.last() {
                Some(last) => {
                    before(item(candidate), (account, last)) != std::cmp::Ordering::Greater
                }
                None => false,
            }
        })
    };
    let picks: Vec<(usize, usize)> = candidates
        .into_iter()
        .take_while(|c| bound(*c))
        .take(count)
        .collect();
    let lanes = lanes
        .iter()
        .enumerate()
        .map(|(account, lane)| {
            let Some(answer) = &answers[account] else {
                return lane.clone();
            };
            let taken = picks.iter().filter(|(a, _)| *a == account).count();
            match (taken == answer.items.len(), &answer.next) {
                (true, None) => Lane::Done,
                (true, Some(next)) => Lane::At(next.clone()),
                (false, _) if taken == 0 => lane.clone(),
                (false, _) => {
                    let last = &answer.items[taken - 1];
                    Lane::At(format!("0|{}:{}", last.at, last.thread_id))
                }
            }
        })
        .collect();
    Merged { picks, lanes }
}

/// The longest merged cursor or change token (sealed) a client may present.
pub const MAX_MERGED_LEN: usize = 8192;

/// The merged cursor's text (sealed for the client by the caller): the filters' fingerprint
/// and, per account id, where the walk stands.
pub fn encode(fingerprint: &str, lanes: &[(&str, &Lane)]) -> String {
    let lanes: Vec<String> = lanes
        .iter()
        .map(|(id, lane)| match lane {
            Lane::Start => format!("{id}=*"),
            Lane::Done => format!("{id}=-"),
            Lane::At(position) => format!("{id}={}", URL_SAFE_NO_PAD.encode(position)),
        })
        .collect();
    URL_SAFE_NO_PAD.encode(format!("m1|{fingerprint}|{}", lanes.join(";")))
}

/// The lanes of a merged cursor for `accounts` (the client's ids, in order), if it was made
/// for these filters and exactly these accounts.
pub fn decode(text: &str, fingerprint: &str, accounts: &[&str]) -> Option<Vec<Lane>> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
    let rest = text.strip_prefix("m1|")?;
    let (presented, lanes) = rest.split_once('|')?;
    if presented != fingerprint {
        return None;
    }
    crate::rules::change_tokens::account_lanes(lanes, accounts)?
        .into_iter()
        .map(|state| {
            Some(match state {
                "*" => Lane::Start,
                "-" => Lane::Done,
                position => {
                    Lane::At(String::from_utf8(URL_SAFE_NO_PAD.decode(position).ok()?).ok()?)
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(at: i64, id: &str) -> Item {
        Item {
            at,
            thread_id: id.into(),
        }
    }

    /// Walks accounts given as sorted (at, id) lists through `merge`, as the Worker does with
    /// stores answering `count` items after a position; returns the merged sequence.
    fn walk(accounts: &[Vec<(i64, &str)>], count: usize) -> Vec<(usize, String)> {
        let mut lanes = vec![Lane::Start; accounts.len()];
        let mut out = Vec::new();
        for _ in 0..100 {
            let answers: Vec<Option<Answer>> = lanes
                .iter()
                .zip(accounts)
                .map(|(lane, items)| {
                    let start = match lane {
                        Lane::Done => return None,
                        Lane::Start => 0,
                        Lane::At(p) => {
                            let (_, pos) = p.split_once('|').unwrap();
                            let (at, id) = pos.split_once(':').unwrap();
                            let at: i64 = at.parse().unwrap();
                            items
                                .iter()
                                .position(|(a, i)| *a < at || (*a == at && *i > id))
                                .unwrap_or(items.len())
                        }
                    };
                    let page: Vec<Item> = items[start..]
                        .iter()
                        .take(count)
                        .map(|(a, i)| item(*a, i))
                        .collect();
                    let next = (start + page.len() < items.len())
                        .then(|| page.last().map(|l| format!("0|{}:{}", l.at, l.thread_id)))
                        .flatten();
                    Some(Answer { items: page, next })
                })
                .collect();
            let merged = merge(&lanes, &answers, count);
            for (a, i) in &merged.picks {
                out.push((
                    *a,
                    answers[*a].as_ref().unwrap().items[*i].thread_id.clone(),
                ));
            }
            lanes = merged.lanes;
            if lanes.iter().all(|l| *l == Lane::Done) {
                return out;
            }
        }
        panic!("the walk did not end");
    }

    #[test]
    fn a_merged_walk_is_the_sorted_union_each_once() {
        let a = vec![(900, "a1"), (700, "a2"), (700, "a3"), (100, "a4")];
        let b = vec![(800, "b1"), (700, "b2"), (50, "b3")];
        let c: Vec<(i64, &str)> = vec![];
        for count in 1..6 {
            let got = walk(&[a.clone(), b.clone(), c.clone()], count);
            let ids: Vec<&str> = got.iter().map(|(_, id)| id.as_str()).collect();
            assert_eq!(
                ids,
                ["a1", "b1", "a2", "a3", "b2", "a4", "b3"],
                "count {count}"
            );
        }
    }

    #[test]
    fn an_account_still_syncing_holds_back_older_items_of_others() {
        let lanes = vec![Lane::Start, Lane::Start];
        // Account 0 answered nothing yet but has more; account 1 has a full page.
        let answers = vec![
            Some(Answer {
                items: vec![],
                next: Some("3|0:".into()),
            }),
            Some(Answer {
                items: vec![item(5, "x")],
                next: None,
            }),
        ];
        let merged = merge(&lanes, &answers, 10);
        assert!(merged.picks.is_empty());
        assert_eq!(merged.lanes, vec![Lane::At("3|0:".into()), Lane::Start]);
        // Account 0 answered an item newer than account 1's: only that one passes.
        let answers = vec![
            Some(Answer {
                items: vec![item(9, "n")],
                next: Some("0|9:n".into()),
            }),
            Some(Answer {
                items: vec![item(5, "x")],
                next: None,
            }),
        ];
        let merged = merge(&lanes, &answers, 10);
        assert_eq!(merged.picks, vec![(0, 0)]);
    }

    #[test]
    fn cursors_round_trip_and_refuse_other_filters_or_accounts() {
        let lanes = [Lane::Start, Lane::At("2|5:2-x".into()), Lane::Done];
        let text = encode(
            "fp",
            &[("a", &lanes[0]), ("b", &lanes[1]), ("c", &lanes[2])],
        );
        assert_eq!(decode(&text, "fp", &["a", "b", "c"]).unwrap(), lanes);
        assert!(decode(&text, "other", &["a", "b", "c"]).is_none());
        assert!(decode(&text, "fp", &["a", "b"]).is_none());
        assert!(decode(&text, "fp", &["a", "c", "b"]).is_none());
        assert!(decode("!!", "fp", &["a"]).is_none());
    }

    #[test]
    fn twenty_accounts_of_long_ids_fit_in_a_cursor_and_a_change_token() {
        let ids: Vec<String> = (0..crate::rules::registry::MAX_MERGED_ACCOUNTS)
            .map(|i| format!("{i:02}{}", "x".repeat(62)))
            .collect();
        let thread = format!("2-{}==", "Q".repeat(56));
        let lane = Lane::At(format!("0|1795514400000:{thread}"));
        let lanes: Vec<(&str, &Lane)> = ids.iter().map(|id| (id.as_str(), &lane)).collect();
        let cursor = encode(&"f".repeat(64), &lanes);
        // Sealing adds a key id and a tag (under 100 characters).
        assert!(cursor.len() + 100 < MAX_MERGED_LEN, "{}", cursor.len());
        let marks: Vec<(&str, crate::rules::change_tokens::Mark)> = ids
            .iter()
            .map(|id| {
                (
                    id.as_str(),
                    crate::rules::change_tokens::Mark {
                        epoch: u64::MAX,
                        seq: i64::MAX,
                    },
                )
            })
            .collect();
        assert!(crate::rules::change_tokens::encode_changes(&marks).len() + 100 < MAX_MERGED_LEN);
    }
}
