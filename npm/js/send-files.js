// Sends with files (`sendMessage({ ..., attachments })`, types in src/write.rs): the files are
// checked here against the core's allow-list and limits (send-limits.js, generated into the
// package from the core by scripts/assemble-npm.mjs) before any request; the send itself is
// the wasm's (the text and target checked, the Idempotency-Key made or taken, a lost answer
// retried with the same key, the answer parsed) through a fetch that carries its JSON fields
// and the files as `multipart/form-data`, as the proxy reads it (worker/src/edge/multipart.rs:
// the parts `text`, `profileUrl` and one `files` per file, the length declared). The proxy's
// idempotency record covers the text and each file's name, type and bytes: a retry sends the
// same form, so it uploads and sends once.
import { mediaTypes, sendFileLimits } from "./send-limits.js";

const utf8 = new TextEncoder();
// What Rust's `char::is_control` is (the core refuses names with them).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// The core's `is_format_char` (src/outgoing_file.rs): invisible format characters (bidi marks,
// overrides, isolates, zero-width), which the proxy drops from a file's name.
const FORMAT = /[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc01\udc20-\udc7f]/g;

/** What the proxy keeps of a file's name (the core's `safe_file_name`, before its cut at 255
 * bytes): its last path segment, without control or format characters, trimmed. */
const keptName = (name) => name.split(/[/\\]/).pop().replace(FORMAT, "").trim();

/** The bare media type (no parameters, lower case) when it is on the allow-list. */
function allowedType(type) {
  const bare = String(type).split(";")[0].trim().toLowerCase();
  return mediaTypes.includes(bare) ? bare : undefined;
}

/**
 * `attachments` checked (count, then each file's name, type and size, then the bytes
 * together): `[{ name, type, blob, data }]` (`data`: the bytes given as a Uint8Array); else
 * throws `invalid(message)` (INVALID_INPUT naming `attachments`).
 */
export function checkAttachments(attachments, invalid) {
  if (!Array.isArray(attachments)) throw invalid("attachments: must be an array of files (File, Blob or { name, type, data: Uint8Array })");
  if (attachments.length > sendFileLimits.files) throw invalid(`attachments: at most ${sendFileLimits.files} files`);
  const files = attachments.map((file, i) => {
    const at = `attachments[${i}]`;
    let name, type, blob, data;
    if (file !== null && typeof file === "object" && typeof file.arrayBuffer === "function" && typeof file.size === "number") {
      ({ name = "attachment", type } = file);
      blob = file;
    } else if (file !== null && typeof file === "object" && file.data instanceof Uint8Array) {
      ({ name, type, data } = file);
      blob = { size: data.byteLength };
    } else {
      throw invalid(`${at}: must be a File, a Blob or { name, type, data: Uint8Array }`);
    }
    if (typeof name !== "string" || !keptName(name) || utf8.encode(name).length > 255 || CONTROL.test(name)) {
      throw invalid(`${at}: needs a name of 1..=255 bytes (UTF-8) whose last path segment is not blank, without control characters`);
    }
    const allowed = typeof type === "string" ? allowedType(type) : undefined;
    if (!allowed) throw invalid(`${at} (${name}): media type ${JSON.stringify(type ?? null)} is not allowed; allowed: ${mediaTypes.join(", ")}`);
    if (!(blob.size >= 1 && blob.size <= sendFileLimits.fileBytes)) throw invalid(`${at} (${name}): must be 1..=${sendFileLimits.fileBytes} bytes`);
    return { name, type: allowed, blob, data };
  });
  const together = files.reduce((sum, f) => sum + f.blob.size, 0);
  if (together > sendFileLimits.bytes) throw invalid(`attachments: the files together must be at most ${sendFileLimits.bytes} bytes (the proxy's cap), not ${together}`);
  return files;
}

/** The bytes of a checked file as a `Blob` of its type (FormData takes nothing else). */
async function asBlob({ type, blob, data }) {
  if (data) return new Blob([data], { type });
  if (blob instanceof Blob && blob.type === type) return blob;
  return new Blob([await blob.arrayBuffer()], { type });
}

/**
 * A `fetch` for the wasm's send: its JSON body's fields and `files` as one multipart body,
 * framed here so that its length is declared in every runtime (the proxy requires it).
 */
export function multipartFetch(fetch, files) {
  let blobs;
  return async (url, init) => {
    const fields = JSON.parse(init.body);
    const form = new FormData();
    form.append("text", fields.text);
    if (typeof fields.profileUrl === "string") form.append("profileUrl", fields.profileUrl);
    blobs ??= await Promise.all(files.map(asBlob));
    files.forEach((file, i) => form.append("files", blobs[i], file.name));
    const framed = new Response(form);
    const headers = Object.fromEntries(Object.entries(init.headers).filter(([name]) => name.toLowerCase() !== "content-type"));
    headers["content-type"] = framed.headers.get("content-type");
    return fetch(url, { ...init, headers, body: await framed.arrayBuffer() });
  };
}

/**
 * `sendMessage` of an input with `attachments`: none (or `[]`) is a plain send (`plain`);
 * files go through the proxy (`proxy`: the client's config and fetch) only.
 */
export async function sendWithFiles(Client, proxy, input, plain, inboxError) {
  const { attachments, ...rest } = input;
  if (attachments === undefined || (Array.isArray(attachments) && attachments.length === 0)) return plain(rest);
  const files = checkAttachments(attachments, (message) => inboxError("INVALID_INPUT", message, "attachments"));
  if (!proxy) throw inboxError("NOT_SUPPORTED", "sending files goes through the proxy: give the client { proxy }");
  const writer = new Client({ ...proxy.config, fetch: multipartFetch(proxy.fetch, files) });
  try {
    return await writer.sendMessage(rest);
  } finally {
    writer.free();
  }
}
