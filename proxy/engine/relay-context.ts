/** What every relay needs: where the target is, where sessions live, where events go. */
import type HttpProxy from 'http-proxy';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { SessionTable } from './session-table.js';
import type { TargetNode, TargetPool } from './target-pool.js';
import type { UnobservedSessions } from './unobserved-sessions.js';
import type { InterceptedLink } from './link.js';

/** What the relays ask of intervention (proxy/intervene/intervention.ts); absent, they just relay. */
export interface InterventionHooks {
  /** A session's WebSocket or polling link is up (and, below, gone). */
  wireOpened(link: InterceptedLink): void;
  wireClosed(link: InterceptedLink): void;
  /** A `target-down` fault: requests fail as if the target were down. */
  readonly targetDown: boolean;
  upgradeBlocked(sid: string | undefined): boolean;
}

export interface RelayContext {
  /** The target's nodes: new handshakes take the next, a session's requests go to its own. */
  targets: TargetPool;
  sessions: SessionTable;
  clients: ClientRegistry;
  /** Sessions relayed but never known: their handshake answer could not be read. */
  unobserved: UnobservedSessions;
  bus: EventBus;
  log: Logger;
  httpProxy: HttpProxy;
  /** Accept a target's self-signed certificate (`--insecure`), for requests the proxy makes itself. */
  insecure?: boolean;
  intervention?: InterventionHooks;
}

/** Where a request of `session` goes: its own node, or the only one. */
export function nodeOf(ctx: RelayContext, session: { node?: TargetNode } | undefined): TargetNode {
  return session?.node ?? ctx.targets.any();
}
