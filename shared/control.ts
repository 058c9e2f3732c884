/**
 * The shapes of the control API (docs/control-api.md) that the proxy serves and the panel, the
 * DevTools tab and the library read: one definition for both ends of the wire.
 */
import type { Direction } from './events.js';
import type { PacketMatch } from './match/packet-match.js';

/** What a rule does to the packets it matches. */
export type RuleAction =
  | { kind: 'pause' }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number; jitterMs?: number }
  | { kind: 'rewrite'; event?: string; args?: unknown[] };

/** A rule as `GET /api/rules` lists it. */
export interface Rule {
  id: string;
  enabled: boolean;
  match: PacketMatch;
  action: RuleAction;
  hits: number;
  limit?: number;
  /** On a dashboard over Redis: the proxy that holds it (its `id` is then `<source>:<id>`). */
  source?: string;
}

/** A packet held by a pause rule, as `GET /api/paused` lists it. */
export interface PausedPacket {
  id: string;
  sessionId: string;
  direction: Direction;
  nsp: string | undefined;
  event: string | undefined;
  /** The event's args without its name (binary as `{ _binary, size }`). */
  args: unknown;
  type: string;
  since: number;
  ruleId: string;
  /** When the pause timeout forwards it by itself. */
  expiresAt: number;
  /** On a dashboard over Redis: the proxy that holds it (its `id` is then `<source>:<id>`). */
  source?: string;
}
