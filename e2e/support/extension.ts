/**
 * The DevTools extension in Debian's Chromium: built on demand (extension/dist), loaded into a
 * persistent context (extensions need one: Playwright's launch() passes --disable-extensions), in the
 * new headless mode (the old one has no extensions), with the flags of ./browser.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from './browser.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EXTENSION_DIR = join(ROOT, 'extension/dist');

/** Builds the extension unless a build is there (`npm run build:extension` rebuilds it). */
export function ensureExtensionBuilt(): void {
  if (existsSync(join(EXTENSION_DIR, 'manifest.json'))) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'extension/build/build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the extension failed');
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  worker: Worker;
  /** The tab id Chrome gave the tab showing `page`. */
  tabIdOf(page: Page): Promise<number>;
  /** Opens the panel for tab `tabId` as a page (outside DevTools: `panel.html?tabId=`). */
  openPanel(tabId: number): Promise<Page>;
  /** The raw captures the service worker holds for tab `tabId` (saved to storage.session within ~200 ms). */
  capturesOf(tabId: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function launchWithExtension(): Promise<ExtensionBrowser> {
  ensureExtensionBuilt();
  const userDataDir = mkdtempSync(join(tmpdir(), 'sio-ext-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: false,
    args: [
      '--headless=new',
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      ...CHROMIUM_FLAGS,
    ],
  });
  const worker =
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 10_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    worker,
    async tabIdOf(page) {
      const url = page.url();
      const live = context.serviceWorkers()[0] ?? worker;
      const id = await live.evaluate(async (u) => {
        // Runs in the service worker; this file is typed for Node, so chrome.* is declared here.
        type Tabs = { query(q: object): Promise<{ id?: number; url?: string }[]> };
        const tabs = await (globalThis as unknown as { chrome: { tabs: Tabs } }).chrome.tabs.query({});
        return tabs.find((t) => t.url === u)?.id;
      }, url);
      if (id === undefined) throw new Error(`no tab shows ${url}`);
      return id;
    },
    async openPanel(tabId) {
      const panel = await context.newPage();
      await panel.goto(`chrome-extension://${extensionId}/panel.html?tabId=${tabId}`);
      return panel;
    },
    async capturesOf(tabId) {
      const live = context.serviceWorkers()[0] ?? worker;
      return live.evaluate(async (id) => {
        type Session = { get(k: string): Promise<Record<string, unknown>> };
        const storage = (globalThis as unknown as { chrome: { storage: { session: Session } } }).chrome
          .storage;
        const items = await storage.session.get(`tab:${id}`);
        return (items[`tab:${id}`] ?? []) as Record<string, unknown>[];
      }, tabId);
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** What the panel page's store holds, in plain values (through `window.__sioPanel`). */
export interface PanelSnapshot {
  source: { kind: string; label: string } | undefined;
  state: string;
  sessions: {
    sid: string;
    clientKey: string;
    eio?: number;
    transport: string;
    firstTransport: string;
    upgrade?: string;
    closeReason?: string;
    namespaces: string[];
  }[];
  packets: {
    seq: number;
    sid: string;
    direction: string;
    transport: string;
    engine: string;
    sio?: string;
    event?: string;
    args?: unknown;
    attachments?: number[];
    linkSeq?: number;
    /** The Engine.IO data as text (`<N bytes>` for binary). */
    data?: string;
  }[];

  attempts: { clientKey: string; attempt: number; outcome: string; cause?: string }[];
}

export function panelSnapshot(panel: Page): Promise<PanelSnapshot> {
  return panel.evaluate(() => {
    interface Row {
      e: {
        seq: number;
        sessionId: string;
        direction: string;
        transport: string;
        engine: string;
        data?: string;
        sio?: { type: string; event?: string; args?: unknown; attachments?: number[] };
      };
      linkSeq?: number;
    }
    const w = window as unknown as {
      __sioPanel?: {
        controller: {
          panel: {
            getState(): {
              source?: { kind: string; label: string };
              status: { state: string };
              model: {
                sessions: Map<
                  string,
                  {
                    sid: string;
                    clientKey: string;
                    eio?: number;
                    transport: string;
                    firstTransport: string;
                    upgrade?: { stage: string };
                    close?: { clientReason?: string };
                    namespaces: object;
                  }
                >;
                clients: Map<
                  string,
                  { clientKey: string; attempts: { attempt: number; outcome: string; cause?: string }[] }
                >;
                packets: { size: number; rows: { at(i: number): Row | undefined } };
              };
            };
          };
        };
      };
    };
    const state = w.__sioPanel?.controller.panel.getState();
    if (!state) return { source: undefined, state: 'none', sessions: [], packets: [], attempts: [] };
    const { model } = state;
    const packets = [];
    for (let i = 0; i < model.packets.size; i++) {
      const r = model.packets.rows.at(i);
      if (!r) continue;
      packets.push({
        seq: r.e.seq,
        sid: r.e.sessionId,
        direction: r.e.direction,
        transport: r.e.transport,
        engine: r.e.engine,
        ...(r.e.sio ? { sio: r.e.sio.type } : {}),
        ...(r.e.sio?.event !== undefined ? { event: r.e.sio.event } : {}),
        ...(r.e.sio?.args !== undefined ? { args: r.e.sio.args } : {}),
        ...(r.e.data !== undefined ? { data: r.e.data } : {}),
        ...(r.e.sio?.attachments ? { attachments: r.e.sio.attachments } : {}),
        ...(r.linkSeq !== undefined ? { linkSeq: r.linkSeq } : {}),
      });
    }
    return {
      source: state.source ? { kind: state.source.kind, label: state.source.label } : undefined,
      state: state.status.state,
      sessions: [...model.sessions.values()].map((s) => ({
        sid: s.sid,
        clientKey: s.clientKey,
        ...(s.eio !== undefined ? { eio: s.eio } : {}),
        transport: s.transport,
        firstTransport: s.firstTransport,
        ...(s.upgrade ? { upgrade: s.upgrade.stage } : {}),
        ...(s.close?.clientReason ? { closeReason: s.close.clientReason } : {}),
        namespaces: Object.keys(s.namespaces),
      })),
      packets,
      attempts: [...model.clients.values()].flatMap((c) =>
        c.attempts.map((a) => ({
          clientKey: c.clientKey,
          attempt: a.attempt,
          outcome: a.outcome,
          ...(a.cause ? { cause: a.cause } : {}),
        })),
      ),
    };
  });
}

/** Polls the panel's store until `check` holds; fails with the last snapshot. */
export async function waitForPanel(
  panel: Page,
  check: (s: PanelSnapshot) => boolean,
  what: string,
  ms = 10_000,
): Promise<PanelSnapshot> {
  const deadline = Date.now() + ms;
  let last: PanelSnapshot | undefined;
  while (Date.now() < deadline) {
    last = await panelSnapshot(panel);
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; panel has ${JSON.stringify(last).slice(0, 2000)}`);
}

/** Every attempt the panel holds, with its session and how sure the stream was of it. */
export function panelAttempts(
  panel: Page,
): Promise<
  { clientKey: string; attempt: number; sessionId?: string; confidence?: string; evidence?: string[] }[]
> {
  return panel.evaluate(() => {
    type Attempt = { attempt: number; sessionId?: string; confidence?: string; evidence?: string[] };
    const w = window as unknown as {
      __sioPanel?: {
        controller: {
          panel: {
            getState(): { model: { clients: Map<string, { clientKey: string; attempts: Attempt[] }> } };
          };
        };
      };
    };
    const clients = w.__sioPanel?.controller.panel.getState().model.clients;
    return [...(clients?.values() ?? [])].flatMap((c) =>
      c.attempts.map((a) => ({
        clientKey: c.clientKey,
        attempt: a.attempt,
        ...(a.sessionId ? { sessionId: a.sessionId } : {}),
        ...(a.confidence ? { confidence: a.confidence } : {}),
        ...(a.evidence ? { evidence: [...a.evidence] } : {}),
      })),
    );
  });
}
