/**
 * Which tab the panel shows: the inspected tab inside DevTools, or `?tabId=N` when panel.html is
 * opened as a page (how the end-to-end tests and a curious developer use it outside DevTools).
 */
export function inspectedTabId(loc: Location = window.location): number | undefined {
  // chrome.devtools exists only in pages DevTools itself hosts.
  const devtools = (globalThis as { chrome?: typeof chrome }).chrome?.devtools;
  if (devtools?.inspectedWindow) return devtools.inspectedWindow.tabId;
  const q = new URLSearchParams(loc.search).get('tabId');
  return q !== null && /^\d+$/.test(q) ? Number(q) : undefined;
}
