/** A packet held by a pause rule, as `GET /api/paused` lists it. */
import type { Direction } from '../../shared/events.js';

export interface PausedPacket {
  id: string;
  sessionId: string;
  direction: Direction;
  nsp: string | undefined;
  event: string | undefined;
  args: unknown;
  type: string;
  since: number;
  ruleId: string;
  /** When the pause timeout forwards it by itself. */
  expiresAt: number;
}
