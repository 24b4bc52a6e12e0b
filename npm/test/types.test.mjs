// The package's types with `tsc --strict` (skipLibCheck off) in every resolution mode, with no
// global types beyond ES2022, with @types/node, or with the DOM lib; and are-the-types-wrong
// over the packed tarball. REPO is the repository (its node_modules hold the tools).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = process.env.REPO;
const tsc = `${repo}/node_modules/typescript/bin/tsc`;
const modes = {
  node16: { module: "Node16", moduleResolution: "Node16" },
  nodenext: { module: "NodeNext", moduleResolution: "NodeNext" },
  bundler: { module: "Preserve", moduleResolution: "Bundler" },
};
const globals = {
  "ES2022 only": { lib: ["ES2022"], types: [] },
  "@types/node": { lib: ["ES2022"], types: ["node"] },
  "DOM lib": { lib: ["ES2022", "DOM", "DOM.Iterable"], types: [] },
};

async function check(mode, global) {
  const name = `tsconfig.${mode}.${global.replace(/\W+/g, "-")}.json`;
  const files = ["usage.mts", "usage.cts", "default-import.mts", ...(global === "ES2022 only" ? [] : ["usage-fetch.mts"])];
  const compilerOptions = { strict: true, noEmit: true, skipLibCheck: false, target: "ES2022", ...modes[mode], ...globals[global] };
  writeFileSync(name, JSON.stringify({ compilerOptions, files }));
  try {
    await run(process.execPath, [tsc, "-p", name]);
  } catch (error) {
    assert.fail(`tsc ${mode} with ${global}:\n${error.stdout}${error.stderr}`);
  }
}

for (const mode of Object.keys(modes)) {
  test(`tsc --strict, ${mode} resolution: ES2022 alone, @types/node, DOM`, async () => {
    // The three global sets of one mode run side by side.
    await Promise.all(Object.keys(globals).map((global) => check(mode, global)));
  });
}

test("are-the-types-wrong, default settings, finds no problem in the packed tarball", async () => {
  // Every subpath is checked, ./wasm and ./linkedin_inbox_bg.wasm too (their types: dist/wasm.d.cts).
  const { stdout } = await run(process.execPath, [`${repo}/node_modules/@arethetypeswrong/cli/dist/index.js`,
    process.env.TARBALL, "--format", "json"], { maxBuffer: 1 << 24 }).catch((e) => assert.fail(e.stdout + e.stderr));
  const report = JSON.parse(stdout);
  assert.deepEqual(report.analysis.problems, []);
  assert.deepEqual(report.problems, {});
  assert.deepEqual(Object.keys(report.analysis.entrypoints).sort(), [".", "./init", "./linkedin_inbox_bg.wasm", "./package.json", "./wasm"]);
});
