/**
 * What the dashboard server and the DevTools extension agree on so that the extension can find a
 * running sio-proxy: the answer of `GET /api/hello` (the one route without the token) and the mark
 * the server puts on its dashboard page (proxy/ui/panel-files.ts), by which the extension knows a
 * page whose token it may learn (extension/src/discovery/dashboard-note.ts).
 */
export interface Hello {
  app: 'sio-proxy';
  version: string;
  /** EVENT_SCHEMA_VERSION of shared/events.ts. */
  schema: number;
}

export const HELLO_PATH = '/api/hello';

/** `<meta name=DASHBOARD_META_NAME>` in the dashboard page's head. */
export const DASHBOARD_META_NAME = 'sio-proxy-dashboard';
