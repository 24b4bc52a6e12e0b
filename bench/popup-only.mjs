// Section 5 of `make bench` alone (the popup's first paint): after `source scripts/lib.sh &&
// build_www && build_worker` and `cargo build -p linkedin-inbox-sandbox`,
// SANDBOX_BIN=target/debug/sandbox node bench/popup-only.mjs. It prints the section; `make
// bench` writes it into bench/RESULTS.md with the others. The proxy is set up as in `make bench`
// (sandbox answering with 150 ms latency, head freshness 1 s).
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { popupSection, popupTimings } from "./popup.mjs";
import { writePopupBundle } from "../scripts/bundle-popup.mjs";
import { startSandbox } from "../tests/js/sandbox.mjs";
import { startWorker } from "../tests/js/worker.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const table = (head, rows) => {
  console.log(`| ${head.join(" | ")} |`);
  console.log(`| ${head.map(() => "---").join(" | ")} |`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  console.log();
};
const fmt = (n, digits = 1) => Number(n).toFixed(digits);
writePopupBundle();
const sandbox = await startSandbox(["--daily-limit", "1000000", "--latency-ms", "150"]);
const clients = [{ name: "user1", token: "bench-user-1", account: "696ce9e780e0483585e4e553", loginToken: "demo-login-token-alex", origins: ["chrome-extension://jcegmgjieaccpbogoabmpmboagcomiig"] }];
const vars = { CONNECTSAFELY_DAILY_LIMIT: "1000000", RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", LINKUP_DAILY_CREDIT_CAP: "0", HEAD_TTL_SECS: "1" };
const worker = await startWorker({ sandboxBase: sandbox.base, clients, vars });
try {
  popupSection(await popupTimings({ www: join(repo, "www"), proxyUrl: worker.base, token: clients[0].token }), { say: (line = "") => console.log(line), table, fmt });
  console.log(`This section alone: node bench/popup-only.mjs, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`);
} finally {
  await worker.stop();
  await sandbox.stop();
}
