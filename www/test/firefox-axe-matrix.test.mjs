// axe-core in Firefox ESR (firefox.mjs) over the states of axe-matrix.mjs: the Unread view,
// "Searching…" and results with highlights, an empty Unread view, a thread whose message may
// have been sent, the session_expired notice, and at 200 % the first run, error, empty, options
// and Unread screens; and nothing cut at 400 px (whole-at-400.mjs).
import { test, before, after } from "node:test";
import { WWW, startEnvironment } from "./harness.mjs";
import { assertAccessibleIn, launchFirefox } from "./firefox.mjs";
import { assertWholeAt400 } from "./whole-at-400.mjs";
import { emptyUnread, maybeSent, sessionExpired, unreadAndSearch, zoomedScreens } from "./axe-matrix.mjs";

let env, firefox;
const driver = {
  get env() { return env; },
  setStorage: (values) => firefox.setStorage(values),
  open: (path, { clock = null } = {}) => firefox.open(path, [], { clock }),
  axe: assertAccessibleIn,
  // A 200×300 CSS px viewport drawn at ratio 2 (firefox.test.mjs's zoom).
  zoom: (page, on) => page.setViewport(on ? { width: 200, height: 300, deviceScaleFactor: 2 } : { width: 400, height: 600, deviceScaleFactor: 1 }),
};
before(async () => {
  env = await startEnvironment({ chromium: false, team: true });
  firefox = await launchFirefox(WWW);
});
after(async () => {
  await firefox?.close();
  await env?.stop();
});

test("axe in Firefox: the Unread view, Searching… over the cached rows, search results with highlights", () => unreadAndSearch(driver));
test("axe in Firefox: an empty Unread view", () => emptyUnread(driver));
test("axe in Firefox: a thread with a message that may have been sent", () => maybeSent(driver));
test("axe in Firefox at 200 %: the first run, an error, an empty inbox, the options, the Unread view", () => zoomedScreens(driver));
test("nothing cut at 400 px in Firefox: the search's placeholder, the switcher's All accounts text, the bars", () => assertWholeAt400(driver));
// Last: the account's session stays refused in the proxy.
test("axe in Firefox: the session_expired notice", () => sessionExpired(driver));
