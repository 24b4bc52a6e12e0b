// Fetches the .wasm for the browser entries. Vite's dev server pre-bundles this package into
// node_modules/.vite/deps without the .wasm and answers index.html for it: then the file is
// fetched from the installed package, which that server also serves.
const FILE = "linkedin_inbox_bg.wasm";
const PREBUNDLED = /\/node_modules\/\.vite\/deps[^/]*\/.*$/;

/** The response of `url`, or of the installed package's copy when `url` is not the file. */
export async function wasmResponse(url) {
  let response = await fetch(url);
  if (!isWasm(response) && PREBUNDLED.test(import.meta.url)) {
    response = await fetch(import.meta.url.replace(PREBUNDLED, `/node_modules/linkedin-inbox/dist/${FILE}`));
  }
  if (!isWasm(response)) {
    throw new Error(`linkedin-inbox: ${response.url || url} is not the .wasm (HTTP ${response.status}): copy linkedin-inbox/wasm next to your bundle, or pass it to init()`);
  }
  return response;
}

function isWasm(response) {
  return response.ok && !(response.headers.get("content-type") ?? "").startsWith("text/html");
}
