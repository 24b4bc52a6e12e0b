// Unit tests of the popup's limits on files to send (send-files.js): they are the proxy's
// (the count, the media types and the size of one send of src/outgoing_file.rs, read from the
// source here, through the npm package's generated send-limits.js), and a refusal names the file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ALLOWED_TYPES, MAX_FILES, MAX_TOTAL_BYTES, asSent, mediaTypeOf, refusal } from "../send-files.js";

const source = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

test("the limits are the proxy's: count, media types, size together", () => {
  const core = source("src/outgoing_file.rs");
  assert.equal(MAX_FILES, Number(/pub const MAX_DRAFT_FILES: usize = (\d+);/.exec(core)[1]));
  const list = /pub const ALLOWED_MEDIA_TYPES: &\[&str\] = &\[([^\]]*)\]/.exec(core)[1];
  assert.deepEqual(Object.keys(ALLOWED_TYPES).sort(), [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort());
  const [, a, b, c] = /pub const MAX_SEND_FILES_BYTES: u64 = (\d+) \* (\d+) \* (\d+);/.exec(core);
  assert.equal(MAX_TOTAL_BYTES, a * b * c);
  for (const [type, extensions] of Object.entries(ALLOWED_TYPES)) assert.ok(extensions.length > 0, `an extension known for ${type}`);
});

const file = (name, type, size) => ({ name, type, size });

test("a file's media type: its own when allowed, else by its extension; none for the rest", () => {
  assert.equal(mediaTypeOf(file("a.png", "image/png", 1)), "image/png");
  assert.equal(mediaTypeOf(file("report.docx", "", 1)), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  assert.equal(mediaTypeOf(file("NOTES.TXT", "", 1)), "text/plain");
  assert.equal(mediaTypeOf(file("run.exe", "application/x-msdownload", 1)), null);
  assert.equal(mediaTypeOf(file("page.svg", "image/svg+xml", 1)), null, "SVG is not sent (script in an image)");
  assert.equal(mediaTypeOf(file("no-extension", "", 1)), null);
});

test("refusals name the file and the limit; what fits is accepted", () => {
  const five = Array.from({ length: 5 }, (_, i) => file(`p${i}.png`, "image/png", 10));
  assert.equal(refusal(file("six.png", "image/png", 10), five), "six.png was not added: a message carries at most 5 files.");
  assert.match(refusal(file("x.exe", "application/x-msdownload", 10), []), /^x\.exe was not added: this type of file cannot be sent/);
  assert.equal(refusal(file("empty.pdf", "application/pdf", 0), []), "empty.pdf was not added: it is empty.");
  assert.equal(refusal(file("big.pdf", "application/pdf", MAX_TOTAL_BYTES), [file("a.png", "image/png", 1)]),
    "big.pdf was not added: the files of one message must be at most 5.2 MB together (5.2 MB with it).");
  assert.equal(refusal(file("fits.pdf", "application/pdf", MAX_TOTAL_BYTES - 1), [file("a.png", "image/png", 1)]), null);
  assert.match(refusal(file("", "image/x-icon", 5), []), /^The pasted file was not added/);
});

test("a pasted file without a name is named by its type; the type is the one sent", () => {
  const pasted = asSent(new File([new Uint8Array([1, 2])], "", { type: "image/png" }), 2);
  assert.deepEqual([pasted.name, pasted.type, pasted.size], ["pasted-3.png", "image/png", 2]);
  const untyped = asSent(new File([new Uint8Array([1])], "deck.pptx", { type: "" }));
  assert.equal(untyped.type, "application/vnd.openxmlformats-officedocument.presentationml.presentation");
});
