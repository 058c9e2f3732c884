/**
 * Offers the panel a running sio-proxy, so the user need not type its URL and token: when the panel
 * opens on in-page capture, a notice names the proxy (discovery-notice.ts) and its button switches
 * to it; when the user picks the proxy source without a token, the proxy found and its token are
 * filled in. Finding it is proxy-discovery.ts; the tokens come from dashboards the browser opened
 * (known-proxies.ts). The header's `data-discovery` says where this stands (the end-to-end tests
 * wait on it): `probing`, then `found` or `none`; `idle` when the panel starts on a proxy it has a
 * token for, and searches for nothing.
 */
import { knownProxies } from '../discovery/known-proxies.js';
import { dismissedProxies } from './dismissed-proxies.js';
import { renderDiscoveryNotice } from './discovery-notice.js';
import type { Header } from './header.js';
import { findProxy, probeCandidates, tokenCandidates, type FoundProxy } from './proxy-discovery.js';
import type { PanelSettings } from './settings.js';
import { workerFetch } from './worker-fetch.js';

export interface OfferHost {
  header: Header;
  settings(): PanelSettings;
  /** Applies a choice as the header's Connect would (shown, saved, source restarted). */
  choose(next: PanelSettings): void;
}

export interface ProxyOffer {
  /** The user applied a choice in the header. */
  sourceChanged(next: PanelSettings): void;
}

const tokenHint = (origin: string) =>
  `Paste the token of the sio-proxy at ${origin}: it prints it in its terminal, at the end of the ` +
  '"dashboard:" URL (…/?token=…). Opening that URL once in this browser lets the tab learn it.';

export function offerRunningProxy(host: OfferHost): ProxyOffer {
  const known = knownProxies(chrome.storage.local);
  const dismissed = dismissedProxies(chrome.storage.local);
  let removeNotice: (() => void) | undefined;
  let search = 0;

  const setState = (state: 'idle' | 'probing' | 'found' | 'none') =>
    (host.header.element.dataset.discovery = state);

  /** The first proxy answering among the candidates for `settings`; a newer search voids this one. */
  const find = async (settings: PanelSettings, skipDismissed: boolean): Promise<FoundProxy | undefined> => {
    const mine = ++search;
    setState('probing');
    const [learned, skip] = await Promise.all([
      known.list(),
      skipDismissed ? dismissed.list() : Promise.resolve<string[]>([]),
    ]);
    const found = await findProxy(
      probeCandidates(settings.proxyUrl, learned),
      (origin) => tokenCandidates(origin, learned, settings),
      { skip: (origin) => skip.includes(origin), fetch: workerFetch },
    );
    if (mine !== search) return undefined;
    setState(found ? 'found' : 'none');
    return found;
  };

  const switchTo = (found: FoundProxy) => {
    host.choose({
      ...host.settings(),
      source: 'proxy',
      proxyUrl: found.origin,
      proxyToken: found.token ?? '',
    });
    if (!found.token) host.header.askForToken(tokenHint(found.origin));
  };

  const offer = async () => {
    const found = await find(host.settings(), true);
    // The user may have switched to the proxy meanwhile: then there is nothing to offer.
    if (!found || host.settings().source !== 'page') return;
    removeNotice = renderDiscoveryNotice(host.header.noticeSlot, found, {
      onShow: () => switchTo(found),
      onDismiss: () => void dismissed.put(found.origin),
    });
  };

  /** The proxy source without a token: fill in the proxy found, unless the user typed one meanwhile. */
  const fillIn = async (asked: PanelSettings) => {
    const found = await find(asked, false);
    const now = host.settings();
    if (!found || now.source !== 'proxy' || now.proxyToken !== '' || now.proxyUrl !== asked.proxyUrl) return;
    switchTo(found);
  };

  const start = host.settings();
  if (start.source === 'page') void offer();
  else if (!start.proxyToken) void fillIn(start);
  else setState('idle');

  return {
    sourceChanged(next) {
      if (next.source === 'page') return;
      removeNotice?.();
      removeNotice = undefined;
      if (!next.proxyToken) void fillIn(next);
    },
  };
}
