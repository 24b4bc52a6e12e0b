// Fetches the .wasm for the browser entries. Vite's dev server pre-bundles this package into
// node_modules/.vite/deps without the .wasm and answers index.html for it: then the file is
// fetched from the installed package, which that server also serves.
const FILE = "linkedin_inbox_bg.wasm";

/** The response of `url`, or of the installed package's copy when `url` is not the file. */
export async function wasmResponse(url) {
  const response = await fetch(url);
  const type = response.headers.get("content-type") ?? "";
  const moduleUrl = import.meta.url;
  if ((response.ok && !type.startsWith("text/html")) || !/\/node_modules\/\.vite\/deps[^/]*\//.test(moduleUrl)) {
    return response;
  }
  return fetch(moduleUrl.replace(/\/node_modules\/\.vite\/deps[^/]*\/.*$/, `/node_modules/linkedin-inbox/dist/${FILE}`));
}
