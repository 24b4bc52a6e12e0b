// scripts/check-shape.sh on small repositories: a clean one passes, and each broken rule (a
// layer import, a long file) fails with its reason. Run by scripts/lint.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const script = join(dirname(fileURLToPath(import.meta.url)), "check-shape.sh");

/** A git repository of `files` (path → text) with the Worker's four layers; every file tracked. */
function repo(files) {
  const root = mkdtempSync(join(tmpdir(), "check-shape-"));
  const tree = {
    "worker/src/lib.rs": "mod edge;\nmod gate;\nmod rules;\nmod store;\nmod respond;\n",
    "worker/src/respond.rs": "",
    "worker/src/rules/mod.rs": "pub mod limits;\n",
    "worker/src/rules/limits.rs": "use crate::rules::mod_b;\nuse linkedin_inbox::Error;\n",
    "worker/src/store/mod.rs": "use crate::rules::limits;\n// names crate::gate in a comment only\n",
    "worker/src/gate/mod.rs": "use crate::store::Store;\nuse worker::Env;\n",
    "worker/src/edge/mod.rs": "use crate::rules::limits;\nuse crate::{gate, respond};\n",
    "www/popup.js": "const a = 1;\n".repeat(399),
    ...files,
  };
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  execFileSync("git", ["init", "-q"], { cwd: root });
  execFileSync("git", ["add", "-A"], { cwd: root });
  return root;
}

function check(files) {
  const root = repo(files);
  try {
    const run = spawnSync("bash", [script, root], { encoding: "utf8" });
    return { status: run.status, out: run.stdout + run.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test("a repository in shape passes", () => {
  const { status, out } = check({});
  assert.equal(status, 0, out);
  assert.match(out, /layer rules kept/);
});

test("edge importing store fails, also inside a braced import", () => {
  for (const line of ["use crate::store::Store;", "use crate::{respond, store::Store};"]) {
    const { status, out } = check({ "worker/src/edge/routes.rs": `${line}\n` });
    assert.equal(status, 1, line);
    assert.match(out, /edge never imports store[^]*worker\/src\/edge\/routes\.rs:1/);
  }
});

test("store importing gate or edge fails", () => {
  for (const layer of ["gate", "edge"]) {
    const { status, out } = check({ "worker/src/store/sends.rs": `use crate::${layer}::Thing;\n` });
    assert.equal(status, 1, layer);
    assert.match(out, /store imports neither gate nor edge/);
  }
});

test("rules importing another module of the crate or the worker crate fails", () => {
  for (const line of ["use crate::store::Position;", "use crate::respond;", "use worker::Env;"]) {
    const { status, out } = check({ "worker/src/rules/plan.rs": `${line}\n` });
    assert.equal(status, 1, line);
    assert.match(out, /rules imports only rules and the core/);
  }
});

test("a tracked source file of 400 lines fails", () => {
  const { status, out } = check({ "tests/long.rs": "fn f() {}\n".repeat(400) });
  assert.equal(status, 1);
  assert.match(out, /tests\/long\.rs: 400 lines/);
});
