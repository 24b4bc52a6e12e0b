// Node (CommonJS) and server bundles: reads the .wasm synchronously, then every export is ready.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const api = require("./api.cjs");
const { wasmPath } = require("./wasm-path.cjs");

api.initSync({ module: readFileSync(wasmPath(join(__dirname, "linkedin_inbox_bg.wasm"))) });
module.exports = api;
