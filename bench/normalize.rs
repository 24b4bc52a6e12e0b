//! Native normalization throughput over the payloads in `BENCH_PAYLOADS` (written by
//! `bench/payloads.mjs`): each page parsed alone, and in 1 MB and 10 MB batches.
//! Prints one line per case: `native <case> <bytes> <min_ns> <median_ns>`.

use std::time::Instant;

use linkedin_inbox::{
    ApiKey, ConnectSafely, ConversationQuery, HttpResponse, Linkup, LoginToken, MessageQuery,
};

const RUNS: usize = 15;

fn measure(mut run: impl FnMut()) -> (u128, u128) {
    run();
    let mut times: Vec<u128> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed().as_nanos()
        })
        .collect();
    times.sort_unstable();
    (times[0], times[RUNS / 2])
}

fn main() {
    let dir = std::env::var("BENCH_PAYLOADS").expect("BENCH_PAYLOADS names the payload folder");
    let cs_body =
        std::fs::read_to_string(format!("{dir}/connectsafely-100.json")).expect("payload");
    let lk_body = std::fs::read_to_string(format!("{dir}/linkup-100.json")).expect("payload");
    let cs = ConnectSafely::new(ApiKey::new("bench")).unwrap();
    let lk = Linkup::new(ApiKey::new("bench"), LoginToken::new("bench")).unwrap();
    let cs_query = ConversationQuery::default();
    let lk_query = MessageQuery {
        conversation_id: Some("2-bench".into()),
        ..Default::default()
    };
    let cs_response = HttpResponse::new(200, cs_body.clone());
    let lk_response = HttpResponse::new(200, lk_body.clone());
    let parse_cs = || {
        let page = cs
            .parse_list_conversations(&cs_query, &cs_response)
            .unwrap();
        std::hint::black_box(serde_json::to_string(&page).unwrap());
    };
    let parse_lk = || {
        let page = lk.parse_list_messages(&lk_query, &lk_response).unwrap();
        std::hint::black_box(serde_json::to_string(&page).unwrap());
    };
    let report = |case: &str, bytes: usize, (min, median): (u128, u128)| {
        println!("native {case} {bytes} {min} {median}")
    };
    report("connectsafely-100", cs_body.len(), measure(parse_cs));
    report("linkup-100", lk_body.len(), measure(parse_lk));
    for (label, target) in [("1MB", 1usize << 20), ("10MB", 10usize << 20)] {
        let pages = target.div_ceil(cs_body.len());
        report(
            &format!("connectsafely-{label}"),
            pages * cs_body.len(),
            measure(|| (0..pages).for_each(|_| parse_cs())),
        );
        let pages = target.div_ceil(lk_body.len());
        report(
            &format!("linkup-{label}"),
            pages * lk_body.len(),
            measure(|| (0..pages).for_each(|_| parse_lk())),
        );
    }
}
