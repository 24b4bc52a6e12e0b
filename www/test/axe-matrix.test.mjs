// axe-core in Chromium over the states of axe-matrix.mjs: the Unread view, "Searching…" and
// results with highlights, an empty Unread view, a thread whose message may have been sent, the
// session_expired notice, and at 200 % the first run, error, empty, options and Unread screens;
// and nothing cut at 400 px (whole-at-400.mjs).
import { test, before, after } from "node:test";
import { assertAccessible, startEnvironment } from "./harness.mjs";
import { assertWholeAt400 } from "./whole-at-400.mjs";
import { emptyUnread, maybeSent, sessionExpired, unreadAndSearch, zoomedScreens } from "./axe-matrix.mjs";

let env;
const sessions = new WeakMap();
const driver = {
  get env() { return env; },
  setStorage: (values) => env.setStorage(values),
  open: (path, { clock = null } = {}) => env.openPopup([], { clock, path }),
  axe: assertAccessible,
  // Chromium's DevTools device metrics: a 200×300 CSS px viewport drawn at ratio 2 (calm.test.mjs's zoomTo).
  async zoom(page, on) {
    if (on) {
      const cdp = await page.context().newCDPSession(page);
      sessions.set(page, cdp);
      await cdp.send("Emulation.setDeviceMetricsOverride", { width: 200, height: 300, deviceScaleFactor: 2, mobile: false });
    } else {
      const cdp = sessions.get(page);
      await cdp.send("Emulation.clearDeviceMetricsOverride");
      await cdp.detach();
    }
  },
};
before(async () => { env = await startEnvironment({ team: true }); });
after(async () => { await env?.stop(); });

test("axe in Chromium: the Unread view, Searching… over the cached rows, search results with highlights", () => unreadAndSearch(driver));
test("axe in Chromium: an empty Unread view", () => emptyUnread(driver));
test("axe in Chromium: a thread with a message that may have been sent", () => maybeSent(driver));
test("axe in Chromium at 200 %: the first run, an error, an empty inbox, the options, the Unread view", () => zoomedScreens(driver));
test("nothing cut at 400 px in Chromium: the search's placeholder, the switcher's All accounts text, the bars", () => assertWholeAt400(driver));
// Last: the account's session stays refused in the proxy.
test("axe in Chromium: the session_expired notice", () => sessionExpired(driver));
