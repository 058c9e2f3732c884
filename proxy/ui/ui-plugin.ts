/**
 * Features of the dashboard server plug in here (the event stream, captures, HAR), each owning its
 * routes, so the server itself stays a router with a token check. A hook returns true when it
 * handled the request. Every hook runs after the token check.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UiPlugin {
  name: string;
  http?(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean;
  close?(): void | Promise<void>;
}
