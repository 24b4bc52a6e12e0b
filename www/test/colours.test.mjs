// WCAG contrast of the popup's colour tokens (popup.css), light and dark: text 4.5:1, the
// borders of controls (search, tabs, inputs) 3:1 (WCAG 1.4.11, which axe-core does not check),
// and every avatar and account marker colour under white initials.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ACCOUNT_COLOURS } from "../accounts.js";
import { avatarColour } from "../format.js";

const css = readFileSync(new URL("../popup.css", import.meta.url), "utf8");

function tokens(block) {
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map(([, name, value]) => [name, value]));
}
const light = tokens(css.slice(css.indexOf(":root {"), css.indexOf("}", css.indexOf(":root {"))));
const darkStart = css.indexOf("@media (prefers-color-scheme: dark)");
const dark = { ...light, ...tokens(css.slice(darkStart, css.indexOf("}", css.indexOf(":root {", darkStart)))) };

function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const TEXT = [["fg", "bg"], ["muted", "bg"], ["muted", "hover"], ["muted", "unread-bg"], ["fg", "unread-bg"], ["accent", "bg"],
  ["accent-fg", "accent"], ["badge-fg", "badge"], ["error", "bg"], ["ok", "bg"], ["own-fg", "own-bg"], ["fg", "other-bg"],
  ["muted", "system"], ["notice-fg", "notice-bg"], ["fg", "mark"], ["accent", "unread-bg"]];
const BORDERS = [["control", "bg"], ["control", "hover"]];

for (const [scheme, palette] of [["light", light], ["dark", dark]]) {
  test(`${scheme}: text at 4.5:1 and control borders at 3:1`, () => {
    const failures = [];
    for (const [fg, bg] of TEXT) if (contrast(palette[fg], palette[bg]) < 4.5) failures.push(`${fg} on ${bg}: ${contrast(palette[fg], palette[bg]).toFixed(2)}`);
    for (const [edge, bg] of BORDERS) if (contrast(palette[edge], palette[bg]) < 3) failures.push(`${edge} against ${bg}: ${contrast(palette[edge], palette[bg]).toFixed(2)}`);
    assert.deepEqual(failures, []);
  });
}

test("avatar colours carry white initials at 4.5:1", () => {
  const colours = new Set(Array.from({ length: 500 }, (_, i) => avatarColour(`person ${i}`)));
  assert.ok(colours.size >= 8);
  for (const colour of colours) assert.ok(contrast(colour, "#ffffff") >= 4.5, `${colour}: ${contrast(colour, "#ffffff").toFixed(2)}`);
});

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const distance = (a, b) => Math.hypot(...rgb(a).map((x, i) => x - rgb(b)[i]));

test("account marker colours carry a white initial at 4.5:1, differ from one another and from every avatar colour", () => {
  assert.equal(new Set(ACCOUNT_COLOURS).size, ACCOUNT_COLOURS.length);
  const avatars = [...new Set(Array.from({ length: 500 }, (_, i) => avatarColour(`person ${i}`)))];
  for (const colour of ACCOUNT_COLOURS) {
    const nearest = Math.min(...avatars.map((a) => distance(colour, a)));
    assert.ok(nearest >= 45, `${colour} is ${nearest.toFixed(0)} from an avatar colour`);
  }
  for (const colour of ACCOUNT_COLOURS) assert.ok(contrast(colour, "#ffffff") >= 4.5, `${colour}: ${contrast(colour, "#ffffff").toFixed(2)}`);
});

test("the accent is the icon's teal, not LinkedIn's blue (the store build's own look)", () => {
  const icon = readFileSync(new URL("../icons/icon.svg", import.meta.url), "utf8");
  const tile = icon.match(/<rect [^>]*fill="(#[0-9a-f]{6})"/i)[1];
  assert.equal(light.accent.toLowerCase(), tile.toLowerCase());
  // LinkedIn's brand blue and its dark-mode blue, and anything near them.
  for (const blue of ["#0a66c2", "#70b5f9"]) {
    for (const [scheme, palette] of [["light", light], ["dark", dark]]) {
      for (const token of ["accent", "own-bg", "unread-bg"]) assert.ok(distance(palette[token], blue) >= 60, `${scheme} ${token} ${palette[token]} is near ${blue}`);
    }
  }
});
