// The triage dialogs (modal <dialog>s of popup.html: focus stays inside, Esc cancels): when to
// snooze until, which labels, the note, and the keyboard shortcuts. Each `ask*` resolves with
// the answer, or `undefined` when cancelled.
import { snoozeChoices } from "./triage-rules.js";

const $ = (id) => document.getElementById(id);
const NOTE_MAX = 2000;

/** `dialog` shown modally; resolves with `read(returnValue)` when it closes (Esc: undefined). */
function ask(dialog, read) {
  return new Promise((resolve) => {
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue ? read(dialog.returnValue) : undefined), { once: true });
    dialog.showModal();
  });
}

const shortTime = (ms) => new Date(ms).toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });

/** A `datetime-local` value for `ms` (local time) and back. */
const localValue = (ms) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/** When to snooze until (epoch ms), `null` to wake it now (when snoozed), undefined: cancelled. */
export function askSnooze(triage, now = Date.now()) {
  const dialog = $("snooze-dialog");
  const list = $("snooze-choices");
  list.replaceChildren(...snoozeChoices(now).map((choice) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "submit";
    button.value = String(choice.until);
    button.className = "choice";
    const name = document.createElement("span");
    name.textContent = choice.name;
    const when = document.createElement("span");
    when.className = "muted";
    when.textContent = shortTime(choice.until);
    button.append(name, when);
    item.append(button);
    return item;
  }));
  const pick = $("snooze-at");
  pick.min = localValue(now + 60_000);
  pick.max = localValue(now + 365 * 86_400_000);
  pick.value = localValue(snoozeChoices(now).at(-1).until);
  $("snooze-error").textContent = "";
  $("snooze-remove").hidden = triage.snoozedUntil === null;
  return ask(dialog, (value) => (value === "remove" ? null : Number(value)));
}

/** The picked time of the snooze dialog's field: closes the dialog with it, or says what is wrong. */
function pickTime(event) {
  event.preventDefault();
  const at = new Date($("snooze-at").value).getTime();
  if (!Number.isFinite(at) || at <= Date.now()) {
    $("snooze-error").textContent = "Pick a time in the future.";
    return;
  }
  $("snooze-dialog").close(String(at));
}

/** Which labels to add and remove, from the conversation's `current` and the account's `known`. */
export function askLabels(current, known) {
  const dialog = $("label-dialog");
  const names = [...new Set([...known, ...current])].sort((a, b) => a.localeCompare(b));
  const list = $("label-choices");
  const choice = (name, checked) => {
    const item = document.createElement("li");
    const label = document.createElement("label");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: name, checked });
    const text = document.createElement("span");
    text.textContent = name;
    label.append(box, text);
    item.append(label);
    return item;
  };
  list.replaceChildren(...names.map((name) => choice(name, current.includes(name))));
  $("label-none").hidden = names.length > 0;
  $("label-new").value = "";
  $("label-add").onclick = () => {
    const name = $("label-new").value.trim();
    if (!name) return;
    const existing = [...list.querySelectorAll("input")].find((box) => box.value === name);
    if (existing) existing.checked = true;
    else list.append(choice(name, true));
    $("label-none").hidden = true;
    $("label-new").value = "";
    $("label-new").focus();
  };
  return ask(dialog, () => {
    const checked = [...list.querySelectorAll("input")].filter((box) => box.checked).map((box) => box.value);
    return { add: checked.filter((n) => !current.includes(n)), remove: current.filter((n) => !checked.includes(n)) };
  });
}

/** The note's new text, `null` to remove it, undefined: cancelled. */
export function askNote(current) {
  const text = $("note-text");
  text.value = current ?? "";
  text.maxLength = NOTE_MAX;
  const count = () => { $("note-count").textContent = `${[...text.value].length} / ${NOTE_MAX}`; };
  text.oninput = count;
  count();
  $("note-remove").hidden = current === null;
  return ask($("note-dialog"), (value) => (value === "remove" ? null : text.value.trim() ? text.value : null));
}

export function showShortcuts() {
  $("shortcuts-dialog").showModal();
}

$("snooze-pick").addEventListener("click", pickTime);
// Enter in a dialog's own field does that field's action, not the form's first button.
$("snooze-at").addEventListener("keydown", (event) => { if (event.key === "Enter") pickTime(event); });
$("label-new").addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  $("label-add").click();
});
// A Ctrl+Enter in the note saves it, as in the reply box.
$("note-text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    $("note-dialog").close("save");
  }
});
