// `linkedin-inbox/init` in CommonJS: `init()` reads the .wasm from the installed package.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const api = require("./api.cjs");
const { wasmPath } = require("./wasm-path.cjs");

module.exports = {
  ...api,
  init: (input) => api.init(input ?? { module_or_path: readFileSync(wasmPath(join(__dirname, "linkedin_inbox_bg.wasm"))) }),
};
