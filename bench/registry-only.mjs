// Section 8 of `make bench` alone (the registry at scale): SANDBOX_BIN=target/debug/sandbox
// node bench/registry-only.mjs, after the Worker is built (scripts/lib.sh build_worker). It
// prints the section; `make bench` writes it into bench/RESULTS.md with the others.
import { registryBench, registrySection } from "./registry.mjs";

const table = (head, rows) => {
  console.log(`| ${head.join(" | ")} |`);
  console.log(`| ${head.map(() => "---").join(" | ")} |`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  console.log();
};
const fmt = (n, digits = 1) => Number(n).toFixed(digits);
registrySection(await registryBench({}), { say: (line = "") => console.log(line), table, fmt });
