// No default export: `import inbox from "linkedin-inbox"` must fail to type-check, as it fails at runtime.
// @ts-expect-error: the package has named exports only
import inbox from "linkedin-inbox";
void inbox;
