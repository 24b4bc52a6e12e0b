// No default export: `import inbox from "linkedin-inbox"` must fail to type-check, as it fails at runtime.
// @ts-expect-error: the package has named exports only
import inbox from "linkedin-inbox";
void inbox;

// The .wasm as a module where a tool compiles `.wasm` imports (wrangler): `initSync` takes it.
import wasm from "linkedin-inbox/linkedin_inbox_bg.wasm";
import { initSync } from "linkedin-inbox/init";
export const initialise = () => initSync({ module: wasm });
