/** Makes the panel's proxy probes (../discovery/probe-message.ts) from the worker, where a refused one is not logged in the panel. */
import { HELLO_PATH } from '../../../shared/discovery.js';
import { allowedProbe, type ProbeAnswer } from '../discovery/probe-message.js';

export function answerProbes(): void {
  const ownPages = chrome.runtime.getURL('');
  chrome.runtime.onMessage.addListener((msg: unknown, sender, sendResponse: (a: ProbeAnswer) => void) => {
    if (sender.id !== chrome.runtime.id || !sender.url?.startsWith(ownPages)) return;
    const probe = allowedProbe(msg, HELLO_PATH);
    if (!probe) return;
    fetch(probe.url, {
      method: probe.method,
      signal: AbortSignal.timeout(probe.timeoutMs),
      cache: 'no-store',
      credentials: 'omit',
    })
      .then(async (res) => ({
        status: res.status,
        ...(probe.method === 'GET' ? { body: await res.text() } : {}),
      }))
      .catch(() => ({ status: 0 }))
      .then(sendResponse);
    return true; // answers later
  });
}
