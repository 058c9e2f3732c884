/** The dashboard page: the panel fed by the proxy whose dashboard server served it. */
import { mountPanel } from './app/mount.js';
import { ProxySource } from './source/proxy-source.js';

const root = document.getElementById('root');
if (root) {
  const source = ProxySource.fromLocation(window.location);
  const panel = mountPanel(root, source ? { source } : {});
  // Lets the end-to-end tests and a curious developer reach the stores from the console.
  (window as unknown as { __sioPanel?: typeof panel }).__sioPanel = panel;
}
