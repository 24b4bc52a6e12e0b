// The open conversation: its thread, reply box and read state, the client its calls use,
// and the way there from the list and back.
import { accountOption } from "./accounts.js";
import { AttachedFiles } from "./attach.js";
import { avatar, ensureActiveRow, isUnread } from "./inbox.js";
import { notify } from "./notice.js";
import { $, api, pokeBackground, state } from "./popup-state.js";
import { ReadState } from "./read-state.js";
import { ReplyBox } from "./reply.js";
import { ThreadView } from "./thread.js";
import { row } from "./list.js";
import { showAccounts } from "./switcher.js";

export const thread = new ThreadView({
  list: $("messages"),
  scroll: $("thread-scroll"),
  loadOlder: $("load-older"),
  title: $("thread-title"),
  link: $("thread-link"),
  onError: (error, { cached }) => notify($("thread-notice"), error, { cached }),
  onLoaded: () => { $("thread-notice").hidden = true; },
});

export const reply = new ReplyBox({
  form: $("reply"),
  text: $("reply-text"),
  send: $("reply-send"),
  thread,
  attached: new AttachedFiles({
    form: $("reply"), text: $("reply-text"), button: $("reply-attach"), input: $("reply-files"),
    list: $("reply-attached"), status: $("attach-status"), error: $("attach-error"),
  }),
  onSent: (conversation, message) => reads.sentIn(conversation, message),
  onError: (error) => notify($("thread-notice"), error, {
    fallback: ["UPSTREAM_ERROR", "MALFORMED_RESPONSE"].includes(error?.code)
      ? "No clear answer from LinkedIn: the message may have been sent. Retry looks there first, so it is never sent twice."
      : "The message was not sent. Retry it.",
  }),
});
thread.onRendered = () => reply.showIntents();

/**
 * The proxy client for a conversation. The calls of a conversation with an account (a client of
 * several) name it (`{ account }`: thread.js, reply.js, read-state.js), through a client without
 * the list's AbortSignal; one without (a proxy of one account) uses the main client.
 */
export function clientFor(conversation) {
  if (!conversation?.account) return state.client;
  if (!state.accountsClient) {
    state.accountsClient = state.client.then(() => api()).then((core) => core.connect(state.settings));
    state.accountsClient.catch(() => {});
  }
  return state.accountsClient;
}

export function openConversation(conversation) {
  state.inboxScroll = $("inbox-scroll").scrollTop;
  state.openedId = conversation.id;
  $("inbox-view").hidden = true;
  $("thread-view").hidden = false;
  $("thread-notice").hidden = true;
  $("thread-title").focus();
  // The header: the person's avatar and headline beside the name (thread.js writes the name).
  const people = conversation.participants ?? [];
  $("thread-avatar").replaceChildren(avatar(people));
  const headline = document.createElement("bdi");
  headline.textContent = people.length === 1 ? people[0]?.headline ?? "" : "";
  $("thread-headline").replaceChildren(...(headline.textContent ? [headline] : []));
  reply.reset(conversation);
  const wasUnread = isUnread(conversation);
  if (wasUnread) reads.markRead(conversation);
  reads.showButton(conversation);
  // Opening reads it here; on LinkedIn only when the user turned that on in the options.
  if (wasUnread && state.markReadOnOpen) {
    clientFor(conversation).then((client) => client.markRead(conversation.id, accountOption(conversation))).then(pokeBackground).catch((error) => notify($("thread-notice"), error));
  }
  // Before the client connects (a cached row clicked at once) the thread waits for it.
  thread.open(clientFor(conversation), conversation);
}

export const reads = new ReadState({ row, clientFor, notify, poke: pokeBackground, thread, state, onMarks: () => showAccounts() });

export function backToInbox() {
  $("thread-view").hidden = true;
  $("inbox-view").hidden = false;
  $("inbox-scroll").scrollTop = state.inboxScroll;
  const opened = ensureActiveRow($("conversations"), state.openedId);
  opened?.focus({ preventScroll: true });
}
