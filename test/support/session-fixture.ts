/** A real Session outside any relay, for unit tests: its events collected, its client a fixed one. */
import { ClientRegistry } from '../../proxy/clients/client-registry.js';
import type { Link } from '../../proxy/engine/link.js';
import { Session } from '../../proxy/engine/session.js';
import { EventBus } from '../../proxy/events/bus.js';
import type { EioVersion, OpenHandshake } from '../../shared/engineio.js';
import type { ProxyEvent } from '../../shared/events.js';

/** A link whose connections stay up until the test sets `busy` (a WebSocket as the session sees it). */
export const testLink = (transport: Link['transport'] = 'websocket'): Link & { busy: boolean } => ({
  transport,
  busy: true,
});

export function testSession(
  eio: EioVersion,
  link: Link,
  open: OpenHandshake = { sid: 'S', upgrades: ['websocket'], pingInterval: 25_000, pingTimeout: 20_000 },
): { session: Session; events: ProxyEvent[] } {
  const bus = new EventBus();
  const events: ProxyEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const client = {
    fingerprint: 'f',
    registry: new ClientRegistry(bus),
    clientKey: 'k',
    attempt: 0,
    delay: 0,
    confidence: 'likely' as const,
    evidence: ['a test fixture'],
  };
  return { session: new Session(open.sid, eio, link, open, bus, client), events };
}
