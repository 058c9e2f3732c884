/**
 * panel.html: the dashboard's panel (panel/src, mounted with mountPanel) fed by the source the user
 * picked in the strip above it: the inspected tab's in-page capture by default, or a running
 * sio-proxy's event stream, which the panel offers by itself when it finds one (proxy-offer.ts).
 * The choice is remembered in chrome.storage.local.
 */
import { mountPanel, type MountedPanel } from '../../../panel/src/app/mount.js';
import type { EventSource } from '../../../panel/src/source/event-source.js';
import { ProxySource } from '../../../panel/src/source/proxy-source.js';
import { renderHeader } from './header.js';
import { PageSource } from './page-source.js';
import { offerRunningProxy } from './proxy-offer.js';
import { SelectedSource } from './selected-source.js';
import { loadSettings, saveSettings, type PanelSettings } from './settings.js';
import { inspectedTabId } from './tab-id.js';
import './panel.css';

async function main(): Promise<void> {
  const header = document.getElementById('header');
  const root = document.getElementById('root');
  if (!header || !root) return;
  const tabId = inspectedTabId();
  let settings = await loadSettings();

  const pageSource = (id: number): PageSource =>
    new PageSource({
      tabId: id,
      // A reload of the inspected page: start over on the new document unless asked to keep.
      onDocument: () => {
        if (!settings.keepOnReload && selected.info.kind === 'devtools') restart();
      },
    });
  const sourceFor = (s: PanelSettings): EventSource | undefined => {
    if (s.source === 'proxy') {
      // No token, no stream (the proxy would refuse it, over and over): the header asks for one.
      if (!s.proxyToken) return undefined;
      try {
        return new ProxySource({ origin: new URL(s.proxyUrl).origin, token: s.proxyToken });
      } catch {
        return undefined; // not a URL yet: the user is still typing it
      }
    }
    return tabId === undefined ? undefined : pageSource(tabId);
  };
  const restart = () => {
    const next = sourceFor(settings);
    if (!next) return;
    selected.select(next);
    panel.controller.use(selected);
  };

  const first = sourceFor(settings) ?? sourceFor({ ...settings, source: 'page' });
  if (!first) {
    root.textContent = 'No tab to inspect: open this page from DevTools, or as panel.html?tabId=N.';
    return;
  }
  const selected = new SelectedSource(first);
  const panel = mountPanel(root, { source: selected });
  const choose = (next: PanelSettings) => {
    settings = next;
    void saveSettings(settings);
    restart();
  };
  const strip = renderHeader(header, settings, tabId, {
    onSource(next) {
      choose(next);
      offer.sourceChanged(next);
    },
    onKeepOnReload(keep) {
      settings = { ...settings, keepOnReload: keep };
      void saveSettings(settings);
    },
  });
  const offer = offerRunningProxy({
    header: strip,
    settings: () => settings,
    choose(next) {
      strip.show(next);
      choose(next);
    },
  });
  // As on the dashboard page: the end-to-end tests reach the stores through it.
  (window as unknown as { __sioPanel?: MountedPanel }).__sioPanel = panel;
}

void main();
