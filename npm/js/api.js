// The API of every entry: the wasm-bindgen glue's exports (`init` and `initSync` among them)
// and the runtime half of `InboxError`. The errors the wasm throws are `Error`s named
// "InboxError" with a `code` (src/convert.rs); `instanceof InboxError` tests exactly that.
import { errorCodes } from "./error-codes.js";

export * from "./linkedin_inbox.js";
export { default as init } from "./linkedin_inbox.js";
export { errorCodes };

/** Whether `value` is an error of this package. */
export function isInboxError(value) {
  return value instanceof Error && value.name === "InboxError" && errorCodes.includes(value.code);
}

/** The class of this package's errors, for `instanceof` (typed abstract: errors come from the package). */
export class InboxError extends Error {
  static [Symbol.hasInstance](value) {
    return isInboxError(value);
  }
}
