// What is at the proxy URL when a request to it failed without an answer the page can read:
// nothing (connection refused, offline), a server that answers but not readably (another
// server, or a proxy that does not list this extension's origin: the browser hides which), or
// nothing within the time (an https:// URL to a plain http port never completes). The popup
// and the options' "Test connection" ask the same; explain.js says what each means.

/** Error codes of what `diagnose` finds (explain.js has their texts). */
export const NOT_ANSWERING = "NOT_ANSWERING", NOT_READABLE = "NOT_READABLE", NO_ANSWER = "NO_ANSWER";

/**
 * `null` when the proxy's `/health` answers readably, else an error-like `{ code, url, seconds }`
 * (each request waits at most `timeoutMs`).
 */
export async function diagnose(proxyUrl, { timeoutMs = 4000 } = {}) {
  const url = `${proxyUrl}/health`;
  const seconds = Math.round(timeoutMs / 1000);
  const found = (code) => ({ code, url: proxyUrl, seconds });
  try {
    await fetch(url, { cache: "no-store", signal: AbortSignal.timeout(timeoutMs) });
    return null;
  } catch (error) {
    if (error?.name === "TimeoutError") return found(NO_ANSWER);
  }
  // The browser hides why a cross-origin request failed; an opaque answer says something is there.
  try {
    await fetch(url, { mode: "no-cors", cache: "no-store", signal: AbortSignal.timeout(timeoutMs) });
    return found(NOT_READABLE);
  } catch (error) {
    return found(error?.name === "TimeoutError" ? NO_ANSWER : NOT_ANSWERING);
  }
}
