/**
 * Keeps the tokens of the sio-proxy dashboards the user opens (told by the content script, see
 * ../content/dashboard-token.ts) in chrome.storage.local, for the panel to find (known-proxies.ts).
 *
 * The message is checked against what Chrome says about its sender, not what it claims: our own
 * content script, in a tab's top frame, whose URL has the origin the note names. A page cannot send
 * it (runtime messages from pages arrive, if at all, on onMessageExternal).
 */
import { parseDashboardNote } from '../discovery/dashboard-note.js';
import { knownProxies } from '../discovery/known-proxies.js';

export function keepDashboardTokens(): void {
  const known = knownProxies(chrome.storage.local);
  chrome.runtime.onMessage.addListener((msg: unknown, sender) => {
    if (sender.id !== chrome.runtime.id || !sender.tab || sender.frameId !== 0) return;
    const note = parseDashboardNote(msg, sender.url);
    if (note) void known.put({ origin: note.origin, token: note.token, seenAt: Date.now() });
  });
}
