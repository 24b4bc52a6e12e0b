// The files of unsent replies, by idempotency key, in the extension's IndexedDB: a message
// whose answer was lost keeps its bytes when the popup closes, so its "Retry" sends the same
// bytes with the same key (the proxy answers a repeat from the key: never sent twice). Kept
// until the message is sent, refused or dismissed (and never longer than its intent). Text
// drafts do not hold files. Any failure here (a private window, a full disk) only means the
// files are not kept: the message then says so instead of offering Retry.

const DB = "reply-files-v1";
const STORE = "files";

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Runs `work(store)` in one transaction; the result of the request it returns, once committed. */
async function run(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Keeps `files` (File objects) for the send of `key`. */
export const holdFiles = (key, files) => run("readwrite", (store) => store.put(files, key)).catch(() => {});

/** The files kept for `key`, or undefined. */
export const heldFilesOf = (key) => run("readonly", (store) => store.get(key)).catch(() => undefined);

/** Forgets the files of `key`. */
export const releaseFiles = (key) => run("readwrite", (store) => store.delete(key)).catch(() => {});

/** Forgets the files of every key but `keys` (their intents are gone: sent, refused or too old). */
export const keepOnly = (keys) => run("readwrite", (store) => {
  const request = store.getAllKeys();
  request.onsuccess = () => { for (const key of request.result) if (!keys.includes(key)) store.delete(key); };
  return request;
}).catch(() => {});
