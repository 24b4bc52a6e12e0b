// The files a reply may carry in the popup: the proxy's limits and media types (the npm
// package's send-limits.js, generated from the core's), a type found by the name's extension
// when the browser leaves a file untyped, and a refusal naming the file, so a file the proxy
// would refuse is refused here with no request. The send itself is the npm client's
// `sendMessage({ attachments })` (reply.js), as for text.
import { mediaTypes, sendFileLimits } from "./pkg/send-limits.js";

/** The most files one message carries. */
export const MAX_FILES = sendFileLimits.files;
/** The files of one send together, at most. */
export const MAX_TOTAL_BYTES = sendFileLimits.bytes;
/** The extensions a browser may leave untyped, by media type. */
const EXTENSIONS = {
  "image/png": ["png"], "image/jpeg": ["jpg", "jpeg"], "image/gif": ["gif"], "image/webp": ["webp"],
  "application/pdf": ["pdf"], "text/plain": ["txt"], "text/csv": ["csv"],
  "application/msword": ["doc"],
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ["docx"],
  "application/vnd.ms-excel": ["xls"],
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["xlsx"],
  "application/vnd.ms-powerpoint": ["ppt"],
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": ["pptx"],
  "application/zip": ["zip"], "video/mp4": ["mp4"], "video/quicktime": ["mov"],
  "audio/mpeg": ["mp3"], "audio/mp4": ["m4a"], "audio/aac": ["aac"], "audio/ogg": ["ogg", "oga"],
};
/** Media types the proxy sends (the core's list), each with the extensions it is known by. */
export const ALLOWED_TYPES = Object.fromEntries(mediaTypes.map((type) => [type, EXTENSIONS[type] ?? []]));
/** The accept attribute of the file picker. */
export const ACCEPT = Object.entries(ALLOWED_TYPES).flatMap(([type, exts]) => [type, ...exts.map((e) => `.${e}`)]).join(",");

/** The allowed media type of `file` (its own, else by its name's extension), or null. */
export function mediaTypeOf(file) {
  const own = (file.type ?? "").split(";")[0].trim().toLowerCase();
  if (own) return own in ALLOWED_TYPES ? own : null;
  const ext = /\.([a-z0-9]{1,5})$/i.exec(file.name ?? "")?.[1]?.toLowerCase();
  return Object.keys(ALLOWED_TYPES).find((type) => ALLOWED_TYPES[type].includes(ext)) ?? null;
}

/** "5.2 MB": decimal megabytes, as the chips show sizes. */
const megabytes = (bytes) => `${(bytes / 1_000_000).toFixed(1)} MB`;

/**
 * Why `file` cannot join `attached` (the files already in the box), in a sentence naming it;
 * null when it can.
 */
export function refusal(file, attached) {
  const name = file.name || "The pasted file";
  if (attached.length >= MAX_FILES) return `${name} was not added: a message carries at most ${MAX_FILES} files.`;
  if (!mediaTypeOf(file)) return `${name} was not added: this type of file cannot be sent (images, PDF, Office documents, text, zip, audio and video can).`;
  if (!file.size) return `${name} was not added: it is empty.`;
  const together = attached.reduce((sum, f) => sum + f.size, 0) + file.size;
  if (together > MAX_TOTAL_BYTES) {
    return `${name} was not added: the files of one message must be at most ${megabytes(MAX_TOTAL_BYTES)} together (${megabytes(together)} with it).`;
  }
  return null;
}

/** A file as it is sent: its name (a pasted image gets one) and allowed media type. */
export function asSent(file, index = 0) {
  const type = mediaTypeOf(file);
  const name = file.name || `pasted-${index + 1}.${ALLOWED_TYPES[type]?.[0] ?? "bin"}`;
  return new File([file], name, { type, lastModified: file.lastModified ?? Date.now() });
}
