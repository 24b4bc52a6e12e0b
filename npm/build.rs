//! Generates the TypeScript `InboxError` interface from the core's `ErrorCode::ALL`, so the
//! `code` union of the npm types can never drift from the codes the core produces; and the
//! types of the files `sendMessage` takes from the core's allow-list and limits (the runtime
//! checks of `js/send-files.js` read them back from the types: `scripts/assemble-npm.mjs`).

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
    std::fs::write(out.join("send_files.d.ts"), send_files()).expect("OUT_DIR is writable");
}

/// The types of the files a send takes (`SendInput.attachments`).
fn send_files() -> String {
    let types = linkedin_inbox::ALLOWED_MEDIA_TYPES
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(" | ");
    let files = linkedin_inbox::MAX_DRAFT_FILES;
    let together = linkedin_inbox::MAX_SEND_FILES_BYTES;
    let each = linkedin_inbox::MAX_ATTACHMENT_BYTES;
    format!(
        r#"
/** A media type a sent file may have (generated from the core's `ALLOWED_MEDIA_TYPES`; parameters such as `;charset=utf-8` are dropped). */
export type AttachmentMediaType = {types};

/** The limits on one send's files through the proxy (generated from the core): `files` files at most, each of 1..=`fileBytes` bytes, `bytes` together. */
export interface SendFileLimits {{ files: {files}; bytes: {together}; fileBytes: {each} }}

/**
 * A file to send: a `File` (its `name` and `type`), a `Blob` (named `attachment`), or the bytes
 * as `{{ name, type, data }}`.
 */
export type SendAttachment =
    | {{ readonly name?: string; readonly type: string; readonly size: number; arrayBuffer(): Promise<ArrayBuffer> }}
    | {{ name: string; type: AttachmentMediaType; data: Uint8Array }};

export interface SendInput {{
    /**
     * Files to send with the text, through the proxy only (`multipart/form-data`): at most
     * `SendFileLimits.files`, each named (1..=255 bytes of UTF-8, no control characters), of an
     * `AttachmentMediaType`, `SendFileLimits.bytes` together; checked before any request
     * (`INVALID_INPUT`, field `attachments`). The idempotency key covers the text and the files.
     */
    attachments?: SendAttachment[];
}}
"#
    )
}
