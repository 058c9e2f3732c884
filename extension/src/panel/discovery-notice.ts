/**
 * The one-line notice under the header when a sio-proxy is running but the panel shows in-page
 * capture: "sio-proxy 0.1.0 is running at http://127.0.0.1:8081 — Show its stream", and a button to
 * stop suggesting that proxy. What the buttons do is the caller's (discovery.ts).
 */
import { el } from './dom.js';
import type { FoundProxy } from './proxy-discovery.js';

export interface NoticeHandlers {
  onShow(): void;
  onDismiss(): void;
}

/** Puts the notice in `slot`; returns what removes it. */
export function renderDiscoveryNotice(
  slot: HTMLElement,
  found: FoundProxy,
  handlers: NoticeHandlers,
): () => void {
  const show = el('button', { testid: 'ext-discovery-show', type: 'button', textContent: 'Show its stream' });
  const dismiss = el('button', {
    testid: 'ext-discovery-dismiss',
    type: 'button',
    textContent: '✕',
    title: 'Do not suggest this proxy again',
  });
  dismiss.setAttribute('aria-label', 'Do not suggest this proxy again');
  const notice = el(
    'div',
    { className: 'ext-notice', testid: 'ext-discovery-notice', role: 'status' },
    el('span', { textContent: `sio-proxy ${found.hello.version} is running at ${found.origin} — ` }),
    show,
    dismiss,
  );
  notice.dataset.origin = found.origin;
  const remove = () => notice.remove();
  show.addEventListener('click', () => {
    remove();
    handlers.onShow();
  });
  dismiss.addEventListener('click', () => {
    remove();
    handlers.onDismiss();
  });
  slot.replaceChildren(notice);
  return remove;
}
