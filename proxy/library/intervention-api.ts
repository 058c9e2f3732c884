/**
 * The library's side of intervention: the control API's routes as methods, on the same core
 * (proxy/intervene/intervention.ts), with handles that remove what they added. A request the core
 * refuses becomes a SioProxyError whose code is the HTTP status's meaning.
 */
import type { PacketMatch } from '../../shared/match/packet-match.js';
import { InterventionError, type Intervention } from '../intervene/intervention.js';
import type { PausedPacket } from '../../shared/control.js';
import type { Rule, RuleAction } from '../intervene/rules.js';
import { SioProxyError, type SioProxyErrorCode } from './errors.js';

export type { PausedPacket, Rule, RuleAction };

/** A rule's body, as `POST /api/rules` takes it. */
export interface RuleInput {
  match?: PacketMatch;
  action: RuleAction;
  enabled?: boolean;
  limit?: number;
}

/** A rule the library added, with what changes it. */
export interface RuleHandle extends Rule {
  update(patch: Partial<RuleInput>): RuleHandle;
  remove(): void;
}

/** A packet held by a pause rule, with its verdicts. */
export interface HeldPacket extends PausedPacket {
  /** Sends it on, as it was or edited (the event name, its args, its namespace). */
  forward(edit?: { event?: string; args?: unknown[]; nsp?: string }): void;
  drop(): void;
}

export interface EmitOptions {
  direction: 'c2s' | 's2c';
  nsp?: string;
  event: string;
  args?: unknown[];
  /** Wait for the peer's ack: resolves with its args and latency (or rejects with TIMEOUT). */
  ack?: boolean;
  timeoutMs?: number;
}

export interface FaultSpec {
  kind:
    | 'close-transport'
    | 'client-ping-timeout'
    | 'server-ping-timeout'
    | 'stall'
    | 'transport-error'
    | 'disconnect'
    | 'block-upgrade'
    | 'latency'
    | 'bandwidth';
  nsp?: string;
  ms?: number;
  jitterMs?: number;
  bytesPerSecond?: number;
}

export interface TargetFaultSpec {
  kind: 'target-down' | 'block-upgrade';
  ms?: number;
}

/** A lasting fault; `remove()` ends it (a one-shot fault has ended already). */
export interface FaultHandle {
  id: string;
  remove(): void;
}

const CODES: Record<number, SioProxyErrorCode> = {
  400: 'BAD_OPTION',
  404: 'NOT_FOUND',
  408: 'TIMEOUT',
  409: 'CLOSED',
  501: 'UNSUPPORTED',
};

/** @internal Runs `fn`, turning the core's refusals into SioProxyErrors. */
export function library<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asLibraryError(err);
  }
}

/** @internal */
export function asLibraryError(err: unknown): unknown {
  if (!(err instanceof InterventionError)) return err;
  return new SioProxyError(CODES[err.status] ?? 'BAD_OPTION', err.message, { cause: err });
}

/** @internal */
export function ruleHandle(core: Intervention, rule: Rule): RuleHandle {
  return {
    ...rule,
    update: (patch) =>
      ruleHandle(
        core,
        library(() => core.updateRule(rule.id, patch)),
      ),
    remove: () => library(() => core.removeRule(rule.id)),
  };
}

/** @internal */
export function heldPacket(core: Intervention, p: PausedPacket): HeldPacket {
  return {
    ...p,
    forward: (edit = {}) => library(() => core.decide(p.id, { verdict: 'forward', ...edit })),
    drop: () => library(() => core.decide(p.id, { verdict: 'drop' })),
  };
}

/** @internal */
export function faultHandle(id: string, remove: () => void): FaultHandle {
  return {
    id,
    remove: () =>
      library(() => {
        try {
          remove();
        } catch (err) {
          // A one-shot fault, or one that ended by its `ms`: nothing left to remove.
          if (!(err instanceof InterventionError && err.status === 404)) throw err;
        }
      }),
  };
}
