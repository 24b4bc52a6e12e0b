// The shipped README lists exactly the error codes the package exports (one source: the
// core's ErrorCode::ALL, written into the README by scripts/readme-error-codes.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { errorCodes } from "linkedin-inbox";

test("the README's error codes are the package's errorCodes", () => {
  const readme = readFileSync("node_modules/linkedin-inbox/README.md", "utf8");
  const block = /<!-- error-codes:start -->([\s\S]*?)<!-- error-codes:end -->/.exec(readme);
  assert.ok(block, "no error-codes block in the README");
  assert.deepEqual([...block[1].matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]), [...errorCodes]);
  assert.ok(errorCodes.includes("NETWORK_ERROR") && errorCodes.length >= 9);
});
