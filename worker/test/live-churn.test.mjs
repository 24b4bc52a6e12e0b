// Sockets that come and go while changes are pushed to them. A push walks the object's open
// sockets and asks the registry about each one's client; a socket its client closes during
// that walk must be passed over, not end the object (a panic resets the Worker's wasm, and
// every request then in flight in it never answers). The registry is asked on every lookup
// here (REGISTRY_CACHE_SECS=0), so each walk awaits between its sockets. Runs with
// node --experimental-websocket (Node 20).
import { test } from "node:test";
import assert from "node:assert/strict";
import { startLiveWorker, threads, call, csEvent, postCs, urn, sleep } from "./live-fixture.mjs";

startLiveWorker({ REGISTRY_CACHE_SECS: "0" });

const ROUNDS = 40;
const CLIENT_TOKENS = ["live-team", "live-alex", "live-legacy", "live-alex", "live-legacy"];

/** Opens the push channel of each token: its sockets (alex's, and the team's on Titouan's), ready to hear. */
async function openSockets() {
  const opened = [];
  for (const token of CLIENT_TOKENS) {
    const answer = await call("/v1/live", token, "POST");
    assert.equal(answer.status, 200, answer.text);
    for (const { account, url } of answer.body.sockets) {
      opened.push(await new Promise((resolve, reject) => {
        const socket = new WebSocket(url);
        const timer = setTimeout(() => reject(new Error("a socket was not ready in 10 s")), 10_000);
        socket.addEventListener("message", (e) => {
          if (JSON.parse(e.data).type === "ready") { clearTimeout(timer); resolve({ account, socket }); }
        });
        socket.addEventListener("error", () => { clearTimeout(timer); reject(new Error("a socket failed")); });
      }));
    }
  }
  return opened;
}

test("sockets closed by their clients while a message is pushed to them: every push and every later request is answered", async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const sockets = await openSockets();
    const text = `churn ${round}`;
    // The push walks the sockets while their clients close them, each after its own delay.
    const pushed = postCs(csEvent({ urn: urn(), thread: threads[round % threads.length], text, at: Date.now() }));
    await Promise.all(sockets.map(async ({ socket }, i) => {
      await sleep((round * 7 + i * 13) % 40);
      socket.close();
    }));
    const answer = await pushed;
    assert.equal(answer.status, 200, `round ${round}: ${answer.text}`);
  }
  // The object still answers, from its store, what the pushes stored.
  const list = await call("/v1/conversations?account=alex&count=50", "live-team");
  assert.equal(list.status, 200, list.text);
  const texts = list.body.items.map((c) => c.latestMessage?.text);
  assert.ok(texts.includes(`churn ${ROUNDS - 1}`), JSON.stringify(texts));
  // The Worker's log is checked for panics when it stops (tests/js/worker.mjs).
});

test("a wipe closes the open sockets of its object, then tells what changed while their clients answer the close: every wipe is answered 204", async () => {
  for (let round = 0; round < ROUNDS / 2; round++) {
    const sockets = await openSockets();
    // Alex's object holds the sockets of alex (by three clients) and of its single-account form.
    const wipedObject = sockets.filter((s) => s.account !== "titouan").map((s) => s.socket);
    const wiped = await call("/v1/data?account=alex", "live-alex", "DELETE");
    assert.equal(wiped.status, 204, `round ${round}: ${wiped.text}`);
    // Told to reload: the Worker's close frame has reached each (CLOSING or CLOSED; workerd may
    // end the connection itself later).
    const deadline = Date.now() + 10_000;
    while (wipedObject.some((socket) => socket.readyState < WebSocket.CLOSING) && Date.now() < deadline) await sleep(20);
    assert.ok(wipedObject.every((socket) => socket.readyState >= WebSocket.CLOSING), `round ${round}: a socket of the wiped object is still open`);
    for (const { socket } of sockets) socket.close();
  }
  const list = await call("/v1/conversations?account=alex&count=5", "live-team");
  assert.equal(list.status, 200, list.text);
});
