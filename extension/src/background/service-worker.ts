/**
 * The service worker routes captures from the relay of a tab to the panels showing that tab, and
 * no others: each page port is keyed by its sender's tab id, each panel port by the tab id it
 * subscribes to. It holds nothing that matters only here: the buffers are in storage.session
 * (tab-buffer.ts), and ports are re-opened by their other ends when a stopped worker wakes again.
 * Apart from that, it keeps the tokens of the sio-proxy dashboards the user opens (dashboard-tokens.ts)
 * and makes the panel's probes for a running proxy (probe-relay.ts).
 */
import { PAGE_PORT, PANEL_PORT, type Capture, type ToPanel } from '../capture/protocol.js';
import { keepDashboardTokens } from './dashboard-tokens.js';
import { answerProbes } from './probe-relay.js';
import { TabBuffers } from './tab-buffer.js';

const buffers = new TabBuffers();
const panels = new Map<number, Set<chrome.runtime.Port>>();

function send(port: chrome.runtime.Port, msg: ToPanel): void {
  try {
    port.postMessage(msg);
  } catch {
    // Closed between its disconnect and our send: its onDisconnect removes it.
  }
}

function onPagePort(port: chrome.runtime.Port): void {
  const tabId = port.sender?.tab?.id;
  if (tabId === undefined) return port.disconnect();
  // Content scripts run in every frame: an iframe's captures carry its frameId, so the panel keeps
  // its documents apart from the top one's (an iframe's reload is not the tab's).
  const frame = port.sender?.frameId ?? 0;
  port.onMessage.addListener((received: Capture[]) => {
    if (!Array.isArray(received) || received.length === 0) return;
    const batch = frame === 0 ? received : received.map((c) => ({ ...c, frame }));
    void buffers.append(tabId, batch);
    for (const panel of panels.get(tabId) ?? []) send(panel, { kind: 'captures', tabId, captures: batch });
  });
}

function onPanelPort(port: chrome.runtime.Port): void {
  let tabId: number | undefined;
  let closed = false;
  port.onMessage.addListener((msg: { subscribe?: unknown }) => {
    if (typeof msg?.subscribe !== 'number' || tabId !== undefined) return;
    const id = msg.subscribe;
    tabId = id;
    send(port, { kind: 'hello', tabId: id });
    // What the tab's current document captured so far, then live captures. The snapshot and the
    // registration happen in one turn, so nothing falls between them and nothing comes out of order
    // (appends wait on the same load); the panel skips what it already has.
    void buffers.get(id).then((captures) => {
      if (captures.length) send(port, { kind: 'captures', tabId: id, captures: [...captures], replay: true });
      let set = panels.get(id);
      if (!set) panels.set(id, (set = new Set()));
      if (!closed) set.add(port);
    });
  });
  port.onDisconnect.addListener(() => {
    closed = true;
    if (tabId !== undefined) panels.get(tabId)?.delete(port);
  });
}

chrome.runtime.onConnect.addListener((port) => {
  if (port.name === PAGE_PORT) onPagePort(port);
  else if (port.name === PANEL_PORT) onPanelPort(port);
});

chrome.tabs.onRemoved.addListener((tabId) => {
  panels.delete(tabId);
  void buffers.remove(tabId);
});

// At the top level, like the listeners above: a worker woken by a message must have its listener.
keepDashboardTokens();
answerProbes();
