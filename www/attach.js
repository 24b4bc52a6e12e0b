// The files attached in the reply box before sending: added by the attach button (a file
// picker), by pasting (images or files on the clipboard) or by dropping them on the reply box,
// which shows a drop target while files are dragged over it. Each shows above the text: an
// image as a thumbnail (a blob: URL, revoked when it is removed or sent), another file as a chip
// with its name, type and size; each has a remove button. A file over the limits
// (send-files.js) is refused with a message naming it. Added, removed and refused files are
// announced. The files live in the page only: a draft keeps its text, not its files.
import { fileSize, fileType } from "./attachments.js";
import { ACCEPT, asSent, refusal } from "./send-files.js";

export class AttachedFiles {
  /**
   * `form`: the reply box (the drop target); `text`: its textarea (paste); `button`: the attach
   * button; `input`: its file input; `list`: the preview list; `status`: a live region (added,
   * removed); `error`: where a refusal shows (an alert).
   */
  constructor({ form, text, button, input, list, status, error }) {
    Object.assign(this, { form, text, button, input, list, status, error });
    /** `{ file, url }` each (url: a blob: URL for an image). */
    this.items = [];
    input.accept = ACCEPT;
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", () => {
      this.add([...input.files]);
      input.value = "";
    });
    text.addEventListener("paste", (event) => {
      const data = event.clipboardData;
      const files = [...(data?.files ?? [])];
      // Text copied from a document comes with a picture of it too (text, HTML and an image):
      // that is text to paste. A screenshot or a copied image carries no plain text.
      const copiedText = data?.types.includes("text/plain") && data.types.includes("text/html") && data.getData("text/plain").trim();
      if (!files.length || (copiedText && files.every((f) => f.type.startsWith("image/")))) return;
      // A file on the clipboard is attached; its name (or the image's markup) is not typed.
      event.preventDefault();
      this.add(files);
    });
    let depth = 0;
    const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes("Files");
    form.addEventListener("dragenter", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth++;
      form.classList.add("dropping");
    });
    form.addEventListener("dragover", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    form.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (!depth) form.classList.remove("dropping");
    });
    form.addEventListener("drop", (event) => {
      depth = 0;
      form.classList.remove("dropping");
      const files = [...(event.dataTransfer?.files ?? [])];
      if (!files.length) return;
      event.preventDefault();
      this.add(files);
      text.focus();
    });
  }

  /** The files to send, named and typed as the proxy takes them. */
  get files() {
    return this.items.map((item) => item.file);
  }

  /** Adds what fits of `files`; the first refusal shows and is announced. */
  add(files) {
    const refusals = [];
    const added = [];
    for (const raw of files) {
      const why = refusal(raw, this.files);
      if (why) {
        refusals.push(why);
        continue;
      }
      const file = asSent(raw, this.items.length);
      const url = file.type.startsWith("image/") ? URL.createObjectURL(file) : null;
      this.items.push({ file, url });
      added.push(file.name);
    }
    this.render();
    this.showError(refusals.join(" "));
    if (added.length) this.announce(`Attached ${added.join(", ")}. ${this.summary()}`);
  }

  remove(index) {
    const [item] = this.items.splice(index, 1);
    if (!item) return;
    if (item.url) URL.revokeObjectURL(item.url);
    this.render();
    this.showError("");
    this.announce(`Removed ${item.file.name}. ${this.summary()}`);
    // The focus stays in the list (the next remove button), else goes to the text.
    const buttons = this.list.querySelectorAll(".remove");
    (buttons[Math.min(index, buttons.length - 1)] ?? this.text).focus();
  }

  /** Empties the box (sent, or another conversation); the previews' blob: URLs are revoked. */
  clear() {
    for (const item of this.items) if (item.url) URL.revokeObjectURL(item.url);
    this.items = [];
    this.render();
    this.showError("");
  }

  summary() {
    const n = this.items.length;
    return n ? `${n} file${n === 1 ? "" : "s"} attached.` : "No file attached.";
  }

  announce(text) {
    this.status.textContent = text;
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  render() {
    const rows = this.items.map(({ file, url }, index) => {
      const row = document.createElement("li");
      row.className = url ? "attached image" : "attached file";
      const label = `${file.name}, ${fileType({ name: file.name, mediaType: file.type, kind: "file" })}, ${fileSize(file.size)}`;
      if (url) {
        const img = document.createElement("img");
        img.src = url;
        img.alt = "";
        row.append(img);
      } else {
        row.append(Object.assign(document.createElement("span"), { className: "file-icon", textContent: "📄", ariaHidden: "true" }));
      }
      const name = document.createElement("span");
      name.className = "file-name";
      name.dir = "auto";
      name.textContent = file.name;
      const details = document.createElement("span");
      details.className = "file-details";
      details.textContent = `${fileType({ name: file.name, mediaType: file.type, kind: "file" })} · ${fileSize(file.size)}`;
      const words = document.createElement("span");
      words.className = "attached-words";
      words.append(name, details);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "remove icon-button";
      remove.setAttribute("aria-label", `Remove ${label}`);
      remove.title = "Remove";
      remove.textContent = "×";
      remove.addEventListener("click", () => this.remove(index));
      row.append(words, remove);
      return row;
    });
    this.list.replaceChildren(...rows);
    this.list.hidden = !rows.length;
    this.form.classList.toggle("with-files", rows.length > 0);
  }
}
