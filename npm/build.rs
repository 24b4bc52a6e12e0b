//! Generates the TypeScript `InboxError` interface from the core's `ErrorCode::ALL`, so the
//! `code` union of the npm types can never drift from the codes the core produces.

use std::fmt::Write as _;

fn main() {
    let codes = linkedin_inbox::ErrorCode::ALL
        .iter()
        .map(|code| format!("\"{}\"", code.as_str()))
        .collect::<Vec<_>>()
        .join(" | ");
    let mut ts = String::new();
    let _ = write!(
        ts,
        r#"
/** A stable machine code of an `InboxError` (generated from the core's `ErrorCode::ALL`). */
export type InboxErrorCode = {codes};

/** What every rejected promise and thrown error of this package is: `error instanceof InboxError`
 * (or `isInboxError(error)`) tells it from other errors and narrows it. */
export abstract class InboxError extends Error {{
    static [Symbol.hasInstance](value: unknown): value is InboxError;
    name: "InboxError";
    /** Stable machine code. */
    code: InboxErrorCode;
    /** The invalid field, for INVALID_INPUT. */
    field?: string;
    /** Seconds to wait, when the server said. */
    retryAfter?: number;
    /** HTTP status of the failed response, when there was one. */
    status?: number;
}}

/** Whether `value` is an error of this package (the same test as `instanceof InboxError`). */
export function isInboxError(value: unknown): value is InboxError;

/** Every `InboxErrorCode`, in the core's order. */
export const errorCodes: readonly InboxErrorCode[];
"#
    );
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("inbox_error.d.ts"), ts).expect("OUT_DIR is writable");
}
