/**
 * The captures of each tab's current document, kept so that a panel opened later, or one that
 * reconnects after the worker was stopped, gets what it missed. Persisted in chrome.storage.session
 * (memory only, cleared when the browser closes): a stopped worker loses its variables, not this.
 *
 * Bounded per tab (oldest dropped): storage.session holds 10 MB in all.
 */
import type { Capture } from '../capture/protocol.js';

export const MAX_PER_TAB = 2000;
const SAVE_MS = 200;
const key = (tabId: number) => `tab:${tabId}`;

export class TabBuffers {
  private readonly loaded = new Map<number, Promise<Capture[]>>();
  private readonly dirty = new Set<number>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** The tab's buffer, read from storage the first time this worker instance needs it. */
  get(tabId: number): Promise<Capture[]> {
    let p = this.loaded.get(tabId);
    if (!p) {
      p = chrome.storage.session.get(key(tabId)).then((items) => {
        const v: unknown = items[key(tabId)];
        return Array.isArray(v) ? (v as Capture[]) : [];
      });
      this.loaded.set(tabId, p);
    }
    return p;
  }

  /** Appends captures; a new top document of the tab (not an iframe's) starts the buffer over. */
  async append(tabId: number, captures: readonly Capture[]): Promise<void> {
    const list = await this.get(tabId);
    for (const c of captures) {
      if (c.k === 'doc' && !c.frame) list.length = 0;
      list.push(c);
    }
    if (list.length > MAX_PER_TAB) list.splice(0, list.length - MAX_PER_TAB);
    this.dirty.add(tabId);
    this.timer ??= setTimeout(() => void this.save(), SAVE_MS);
  }

  async remove(tabId: number): Promise<void> {
    this.loaded.delete(tabId);
    this.dirty.delete(tabId);
    await chrome.storage.session.remove(key(tabId));
  }

  private async save(): Promise<void> {
    this.timer = undefined;
    const tabs = [...this.dirty];
    this.dirty.clear();
    const items: Record<string, Capture[]> = {};
    for (const tabId of tabs) items[key(tabId)] = await this.get(tabId);
    await chrome.storage.session.set(items).catch((err: unknown) => {
      // Over quota: keep going live; a later panel gets less history. Say so in the worker's console.
      console.warn('sio-proxy: could not persist captures', err);
    });
  }
}
