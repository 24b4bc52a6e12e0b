// Writes the error codes of the built package (npm/dist/error-codes.js, generated from the
// core's ErrorCode::ALL) into npm/README.md between its error-codes markers; with --check,
// only fails when the README's list differs.
import { readFileSync, writeFileSync } from "node:fs";

const readmePath = new URL("../npm/README.md", import.meta.url);
const { errorCodes } = await import(new URL("../npm/dist/error-codes.js", import.meta.url));
const readme = readFileSync(readmePath, "utf8");
const block = /<!-- error-codes:start -->\n[\s\S]*?<!-- error-codes:end -->/;
if (!block.test(readme)) throw new Error("npm/README.md has no error-codes markers");
const list = errorCodes.map((code) => `\`${code}\``).join(", ");
const updated = readme.replace(block, `<!-- error-codes:start -->\n  ${list}.\n  <!-- error-codes:end -->`);
if (process.argv.includes("--check")) {
  if (updated !== readme) {
    console.error("npm/README.md: the error code list differs from the package's errorCodes (run scripts/build-npm.sh)");
    process.exit(1);
  }
} else if (updated !== readme) {
  writeFileSync(readmePath, updated);
}
