/**
 * The isolated-world content script: takes the page script's window messages (only ours, only from
 * this window) and forwards them to the service worker through a runtime port, in batches of up to
 * BATCH_MS so a chatty socket costs one extension message per interval, not one per frame.
 *
 * The port dies when the worker is stopped (MV3 workers stop after ~30 s idle) or reloaded: the next
 * batch opens a new one, which wakes the worker. Nothing is lost in between: batches wait here.
 *
 * It also does the one other thing that needs a script in every page: noticing a sio-proxy dashboard
 * and its token (dashboard-token.ts), independent of the capture.
 */
import { isCapture, PAGE_PORT, WINDOW_TAG, type Capture } from '../capture/protocol.js';
import { watchForDashboard } from './dashboard-token.js';

const BATCH_MS = 30;
let port: chrome.runtime.Port | undefined;
let queue: Capture[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

function connect(): chrome.runtime.Port | undefined {
  try {
    const p = chrome.runtime.connect({ name: PAGE_PORT });
    p.onDisconnect.addListener(() => {
      void chrome.runtime.lastError; // read, so Chrome does not log it as unchecked
      if (port === p) port = undefined;
    });
    return p;
  } catch {
    // The extension was reloaded or removed: this script is orphaned and can only stay quiet.
    return undefined;
  }
}

function flush(): void {
  timer = undefined;
  if (queue.length === 0) return;
  port ??= connect();
  if (!port) return;
  const batch = queue;
  queue = [];
  try {
    port.postMessage(batch);
  } catch {
    // The port closed under us: keep the batch for the next port.
    queue = batch.concat(queue);
    port = undefined;
    timer = setTimeout(flush, BATCH_MS);
  }
}

window.addEventListener('message', (ev: MessageEvent) => {
  if (ev.source !== window) return;
  const c: unknown = (ev.data as Record<string, unknown> | null)?.[WINDOW_TAG];
  if (!isCapture(c)) return;
  queue.push(c);
  timer ??= setTimeout(flush, BATCH_MS);
});

watchForDashboard();
