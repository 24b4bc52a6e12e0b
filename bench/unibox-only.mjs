// The many-accounts part of section 7 of `make bench` alone: SANDBOX_BIN=target/debug/sandbox
// node bench/unibox-only.mjs [--sizes 1,10,50,200] [--conversations 300], after the Worker is built
// (scripts/lib.sh build_worker). It prints the tables; `make bench` writes them into bench/RESULTS.md.
import { parseArgs } from "node:util";
import { uniboxScaleBench, uniboxScaleSection } from "./unibox.mjs";

const { values } = parseArgs({ options: { sizes: { type: "string" }, conversations: { type: "string" } } });
const table = (head, rows) => {
  console.log(`| ${head.join(" | ")} |`);
  console.log(`| ${head.map(() => "---").join(" | ")} |`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  console.log();
};
const fmt = (n, digits = 1) => Number(n).toFixed(digits);
// The limits that do not belong to what is measured, off as in `make bench` (bench/run.mjs).
const vars = { CONNECTSAFELY_DAILY_LIMIT: "1000000", RATE_LIMIT_PER_MINUTE: "0", REFRESH_MIN_INTERVAL_SECS: "0", LINKUP_DAILY_CREDIT_CAP: "0" };
const result = await uniboxScaleBench({
  vars,
  ...(values.sizes ? { sizes: values.sizes.split(",").map(Number) } : {}),
  ...(values.conversations ? { conversations: Number(values.conversations) } : {}),
});
uniboxScaleSection(result, { say: (line = "") => console.log(line), table, fmt });
