/**
 * The extension's own strip above the panel: which source feeds it (in-page capture of the
 * inspected tab, or a running sio-proxy's stream), the proxy's dashboard URL and token, "keep on
 * reload", a line on what the chosen source cannot know, and a slot under it for the notice of a
 * running proxy (discovery-notice.ts). Plain DOM: it is a handful of controls, and the panel's React
 * tree stays exactly the dashboard's.
 */
import { el } from './dom.js';
import type { PanelSettings, SourceChoice } from './settings.js';

export interface HeaderHandlers {
  /** The user applied a choice (source, proxy URL/token): reconnect with it. */
  onSource(settings: PanelSettings): void;
  onKeepOnReload(keep: boolean): void;
}

export interface Header {
  /** The strip; `data-discovery` on it says how the search for a running proxy went. */
  readonly element: HTMLElement;
  /** Where the notice of a running proxy goes. */
  readonly noticeSlot: HTMLElement;
  /** Shows a choice made elsewhere (the notice's button), without calling `onSource`. */
  show(settings: PanelSettings): void;
  /** Puts the cursor in the token field, the note saying where to find the token. */
  askForToken(hint: string): void;
}

const NOTES: Record<SourceChoice, string> = {
  page:
    'In-page capture: this tab’s WebSocket, XHR and fetch traffic as the browser sees it. ' +
    'It cannot know rooms, the server’s disconnect reasons, the client’s address or the headers the browser adds ' +
    '(cookies, user agent): ' +
    'use the proxy source for those.',
  proxy:
    'sio-proxy stream: every client of the proxy (not only this tab), both legs, server-side reasons and rooms ' +
    '(with --admin-ui). Start it with `npx sio-proxy --target …` and paste the token of the dashboard URL it prints ' +
    '(or open that URL once in this browser: the tab then knows it).',
};

export function renderHeader(
  host: HTMLElement,
  initial: PanelSettings,
  tabId: number | undefined,
  handlers: HeaderHandlers,
): Header {
  let settings = { ...initial };
  const select = el(
    'select',
    { testid: 'ext-source-select', title: 'What the panel shows' },
    el('option', { value: 'page', textContent: `In-page capture (tab ${tabId ?? '?'})` }),
    el('option', { value: 'proxy', textContent: 'sio-proxy stream' }),
  );
  select.value = settings.source;
  const url = el('input', {
    testid: 'ext-proxy-url',
    value: settings.proxyUrl,
    placeholder: 'http://127.0.0.1:8081',
    size: 22,
  });
  const token = el('input', {
    testid: 'ext-proxy-token',
    value: settings.proxyToken,
    placeholder: 'dashboard token',
    type: 'password',
    size: 14,
  });
  const connect = el('button', { testid: 'ext-proxy-connect', textContent: 'Connect', type: 'button' });
  const proxyFields = el('span', { className: 'ext-proxy' }, url, token, connect);
  const keep = el('input', {
    testid: 'ext-keep-on-reload',
    type: 'checkbox',
    checked: settings.keepOnReload,
  });
  const keepLabel = el(
    'label',
    { title: 'Keep the captured traffic when the inspected page reloads' },
    keep,
    ' Keep on reload',
  );
  const note = el('span', { testid: 'ext-source-note', className: 'ext-note' });

  const refresh = () => {
    proxyFields.hidden = settings.source !== 'proxy';
    keepLabel.hidden = settings.source !== 'page';
    note.textContent = NOTES[settings.source];
    note.title = note.textContent;
  };
  const show = (next: PanelSettings) => {
    settings = { ...next };
    select.value = settings.source;
    url.value = settings.proxyUrl;
    token.value = settings.proxyToken;
    keep.checked = settings.keepOnReload;
    refresh();
  };
  const apply = () => {
    settings = {
      ...settings,
      source: select.value as SourceChoice,
      proxyUrl: url.value.trim(),
      proxyToken: token.value.trim(),
    };
    refresh();
    handlers.onSource(settings);
  };
  select.addEventListener('change', apply);
  connect.addEventListener('click', apply);
  token.addEventListener('keydown', (e) => e.key === 'Enter' && apply());
  keep.addEventListener('change', () => {
    settings = { ...settings, keepOnReload: keep.checked };
    handlers.onKeepOnReload(keep.checked);
  });
  refresh();
  const noticeSlot = el('div', { className: 'ext-notice-slot' });
  const element = el(
    'div',
    { className: 'ext-header-box', testid: 'ext-header' },
    el('div', { className: 'ext-header' }, select, proxyFields, keepLabel, note),
    noticeSlot,
  );
  host.append(element);
  return {
    element,
    noticeSlot,
    show,
    askForToken(hint) {
      note.textContent = hint;
      note.title = hint;
      token.focus();
    },
  };
}
