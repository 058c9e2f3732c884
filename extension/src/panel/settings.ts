/** The panel's choices, remembered across DevTools sessions in chrome.storage.local. */
import { DEFAULT_PROXY_URL } from './proxy-discovery.js';

export type SourceChoice = 'page' | 'proxy';

export interface PanelSettings {
  source: SourceChoice;
  /** The dashboard of a running sio-proxy (`--ui-port`, 8081 by default). */
  proxyUrl: string;
  proxyToken: string;
  /** Keep what the panel shows when the inspected page reloads (else start over). */
  keepOnReload: boolean;
}

export const DEFAULT_SETTINGS: PanelSettings = {
  source: 'page',
  proxyUrl: DEFAULT_PROXY_URL,
  proxyToken: '',
  keepOnReload: false,
};

const KEY = 'panelSettings';

export async function loadSettings(): Promise<PanelSettings> {
  const items = await chrome.storage.local.get(KEY);
  const saved = items[KEY] as Partial<PanelSettings> | undefined;
  return { ...DEFAULT_SETTINGS, ...(saved ?? {}) };
}

export async function saveSettings(settings: PanelSettings): Promise<void> {
  await chrome.storage.local.set({ [KEY]: settings });
}
