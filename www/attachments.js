// A message's attachments in the thread: images as thumbnails (click: full size in a dialog),
// other files as chips with name, type and size and a download action. The bytes come from the
// proxy (GET /v1/media/{ref}, through the package's client) as blobs shown by blob: URLs, so the
// page needs no LinkedIn host for media. Text only from upstream; nothing is parsed as HTML.

const $ = (id) => document.getElementById(id);
// Object URLs of the media loaded this session, by reference; the oldest are revoked past the cap.
const KEPT = 40;
const loaded = new Map();

/** "2.4 MB", "830 KB", "512 B". */
export function fileSize(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** A short type for a chip: the extension of the name, else the media type's subtype. */
export function fileType(attachment) {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(attachment.name ?? "")?.[1];
  if (ext) return ext.toUpperCase();
  const sub = (attachment.mediaType ?? "").split("/")[1]?.split(/[+;]/)[0];
  return sub ? sub.toUpperCase() : attachment.kind === "file" ? "File" : attachment.kind[0].toUpperCase() + attachment.kind.slice(1);
}

/** The reference of a file this page sent (its bytes are here; the proxy's ref comes with the thread). */
export const LOCAL_REF = "local.";

/** A blob: URL of the attachment's bytes, loaded once per session through `download(ref)`. */
async function objectUrl(attachment, download) {
  const known = loaded.get(attachment.ref);
  if (known) return known;
  // A file sent from a popup since closed: its bytes are gone, the thread's page has the proxy's ref.
  if (attachment.ref.startsWith(LOCAL_REF)) throw new Error("a file sent from an earlier popup");
  return keep(attachment.ref, (async () => {
    const response = await download(attachment.ref);
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
    return URL.createObjectURL(await response.blob());
  })());
}

/** Shows `blob` for the attachment `ref` (a file this page just sent) without downloading it. */
export function keepSentFile(ref, blob) {
  keep(ref, Promise.resolve(URL.createObjectURL(blob)));
}

function keep(ref, promise) {
  loaded.set(ref, promise);
  promise.catch(() => loaded.delete(ref));
  while (loaded.size > KEPT) {
    const [oldest, url] = loaded.entries().next().value;
    loaded.delete(oldest);
    url.then((u) => URL.revokeObjectURL(u)).catch(() => {});
  }
  return promise;
}

function describe(attachment) {
  return [attachment.name ?? (attachment.kind === "image" ? "Image" : "File"), fileType(attachment), fileSize(attachment.size)].filter(Boolean).join(", ");
}

function thumbnail(attachment, download) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "thumb";
  button.setAttribute("aria-label", `Image ${describe(attachment)}: open full size`);
  if (attachment.width && attachment.height) button.style.aspectRatio = `${attachment.width} / ${attachment.height}`;
  const img = document.createElement("img");
  img.alt = "";
  button.append(img);
  objectUrl(attachment, download).then((url) => { img.src = url; }).catch(() => {
    button.classList.add("failed");
    button.textContent = "Image not available";
    button.disabled = true;
  });
  button.addEventListener("click", async () => {
    const dialog = $("image-dialog");
    const full = $("image-full");
    full.alt = attachment.name ?? "Image";
    full.src = await objectUrl(attachment, download);
    $("image-title").textContent = attachment.name ?? "Image";
    dialog.showModal();
  });
  return button;
}

function chip(attachment, download) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "file-chip";
  const name = document.createElement("span");
  name.className = "file-name";
  name.dir = "auto";
  name.textContent = attachment.name ?? "File";
  const details = document.createElement("span");
  details.className = "file-details";
  details.textContent = [fileType(attachment), fileSize(attachment.size)].filter(Boolean).join(" · ");
  // The visible words in the name (axe: label-content-name-mismatch), after what it does.
  button.setAttribute("aria-label", `Download ${name.textContent} ${details.textContent}`);
  // The space keeps the name and the details two words for assistive tools (the grid shows none).
  button.append(Object.assign(document.createElement("span"), { className: "file-icon", textContent: "📄", ariaHidden: "true" }), name, " ", details);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const link = Object.assign(document.createElement("a"), { href: await objectUrl(attachment, download), download: attachment.name ?? "attachment" });
      link.click();
    } catch {
      details.textContent = "Download failed";
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/**
 * The attachments of `message` (with a proxy reference each) as thumbnails and chips; `download`:
 * `ref` → a promise of the proxy's Response. Null when the message has none to show.
 */
export function attachmentList(message, download) {
  const shown = (message.attachments ?? []).filter((a) => typeof a?.ref === "string" && a.ref);
  if (!shown.length) return null;
  const list = document.createElement("div");
  list.className = "attachments";
  for (const attachment of shown) list.append(attachment.kind === "image" ? thumbnail(attachment, download) : chip(attachment, download));
  return list;
}

$("image-close")?.addEventListener("click", () => $("image-dialog").close());
