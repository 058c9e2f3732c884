/**
 * Part of the isolated-world content script: when the top page is a sio-proxy dashboard, tells the
 * service worker its origin and the token in its URL (see ../discovery/dashboard-note.ts), so the
 * DevTools tab can connect to that proxy without the user pasting the token.
 *
 * The token is read at document_start, before the page's scripts could change the URL; it is sent
 * only once the parsed page carries the dashboard server's mark. No other page's URL leaves the page.
 */
import {
  DASHBOARD_META_NAME,
  DASHBOARD_NOTE,
  learnableOrigin,
  plausibleToken,
  type DashboardNote,
} from '../discovery/dashboard-note.js';

export function watchForDashboard(): void {
  // The dashboard refuses to be framed (frame-ancestors 'none'): a dashboard in a frame is not ours.
  if (window !== window.top) return;
  const origin = learnableOrigin(location.href);
  const token = new URLSearchParams(location.search).get('token');
  if (!origin || !plausibleToken(token)) return;
  const check = () => {
    if (!document.querySelector(`head > meta[name="${DASHBOARD_META_NAME}"]`)) return;
    const note: DashboardNote = { kind: DASHBOARD_NOTE, origin, token };
    try {
      chrome.runtime.sendMessage(note).catch(() => undefined); // nobody answers: the promise may reject
    } catch {
      // The extension was reloaded or removed: this script is orphaned and can only stay quiet.
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', check, { once: true });
  else check();
}
