/**
 * Breakpoint and traffic rules (issue #11), as data: `{ id, enabled, match, action, hits, limit? }`.
 * `match` is shared/match's packet language (docs/matching.md), so a rule matches exactly what the
 * panel's filter and `--filter` would; the first enabled rule that matches a packet acts on it.
 */
import type { PacketEvent } from '../../shared/events.js';
import {
  compilePacketMatch,
  compilePacketPrefilter,
  type ClientKeyOf,
  type PacketHead,
} from '../../shared/match/index.js';
import type { Rule, RuleAction } from '../../shared/control.js';
import type { PacketMatch } from '../../shared/match/packet-match.js';
import { InterventionError } from './errors.js';

export type { Rule, RuleAction };

export interface RuleSpec {
  match?: unknown;
  action?: unknown;
  enabled?: unknown;
  limit?: unknown;
}

interface Compiled {
  rule: Rule;
  test: (e: PacketEvent) => boolean;
  /** False only when no packet with a given head can match (see shared/match/packet-prefilter.ts). */
  could: (head: PacketHead) => boolean;
}

export class RuleStore {
  private readonly rules: Compiled[] = [];
  private next = 1;

  constructor(private readonly clientKeyOf: ClientKeyOf) {}

  list(): Rule[] {
    return this.rules.map((c) => ({ ...c.rule }));
  }

  /** Whether any rule can act: while none can, sessions keep the zero-copy relay. */
  get armed(): boolean {
    return this.rules.some((c) => c.rule.enabled);
  }

  add(spec: RuleSpec): Rule {
    const rule: Rule = {
      id: `r${this.next++}`,
      enabled: spec.enabled === undefined ? true : bool(spec.enabled, 'enabled'),
      match: {},
      action: action(spec.action),
      hits: 0,
    };
    if (spec.limit !== undefined) rule.limit = limit(spec.limit);
    const compiled = { rule, ...this.compile(spec.match ?? {}) };
    rule.match = (spec.match ?? {}) as PacketMatch;
    this.rules.push(compiled);
    return { ...rule };
  }

  update(id: string, patch: RuleSpec): Rule {
    const c = this.find(id);
    const { test, could } = patch.match !== undefined ? this.compile(patch.match) : c;
    const next: Rule = { ...c.rule };
    if (patch.action !== undefined) next.action = action(patch.action);
    if (patch.enabled !== undefined) next.enabled = bool(patch.enabled, 'enabled');
    if (patch.limit !== undefined) {
      if (patch.limit === null) delete next.limit;
      else next.limit = limit(patch.limit);
    }
    if (patch.match !== undefined) next.match = patch.match as PacketMatch;
    c.rule = next;
    c.test = test;
    c.could = could;
    return { ...next };
  }

  remove(id: string): void {
    const i = this.rules.indexOf(this.find(id));
    this.rules.splice(i, 1);
  }

  /** The first enabled rule matching `packet`, counted as a hit (and disabled at its limit). */
  hit(packet: PacketEvent): Rule | undefined {
    for (const c of this.rules) {
      if (!c.rule.enabled || !c.test(packet)) continue;
      c.rule.hits++;
      if (c.rule.limit !== undefined && c.rule.hits >= c.rule.limit) c.rule.enabled = false;
      return { ...c.rule };
    }
    return undefined;
  }

  /**
   * Whether an enabled rule could match a packet of which only `head` is known: while none could, a
   * WebSocket message goes through piped (proxy/engine/websocket-wire.ts `watch`).
   */
  couldHit(head: PacketHead): boolean {
    for (const c of this.rules) if (c.rule.enabled && c.could(head)) return true;
    return false;
  }

  private find(id: string): Compiled {
    const c = this.rules.find((r) => r.rule.id === id);
    if (!c) throw new InterventionError(404, `no rule ${id}`);
    return c;
  }

  private compile(match: unknown): Pick<Compiled, 'test' | 'could'> {
    if (match === null || typeof match !== 'object' || Array.isArray(match))
      throw new InterventionError(400, 'match: expected an object');
    const opts = { clientKeyOf: this.clientKeyOf, path: 'match' };
    try {
      const m = compilePacketMatch(match as PacketMatch, opts);
      // Compiled once valid: the prefilter reads the same spec, for heads.
      return { test: (e) => m.test(e), could: compilePacketPrefilter(match as PacketMatch, opts) };
    } catch (err) {
      throw new InterventionError(400, (err as Error).message);
    }
  }
}

function action(value: unknown): RuleAction {
  if (value === null || typeof value !== 'object')
    throw new InterventionError(400, 'action: expected an object');
  const a = value as Record<string, unknown>;
  switch (a.kind) {
    case 'pause':
    case 'drop':
      return { kind: a.kind };
    case 'delay': {
      const out: RuleAction = { kind: 'delay', ms: ms(a.ms, 'action.ms') };
      if (a.jitterMs !== undefined) out.jitterMs = ms(a.jitterMs, 'action.jitterMs');
      return out;
    }
    case 'rewrite': {
      const out: RuleAction = { kind: 'rewrite' };
      if (a.event !== undefined) {
        if (typeof a.event !== 'string' || !a.event)
          throw new InterventionError(400, 'action.event: expected a name');
        out.event = a.event;
      }
      if (a.args !== undefined) {
        if (!Array.isArray(a.args)) throw new InterventionError(400, 'action.args: expected an array');
        out.args = a.args;
      }
      return out;
    }
    default:
      throw new InterventionError(400, 'action.kind: expected pause, drop, delay or rewrite');
  }
}

export function ms(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 3_600_000)
    throw new InterventionError(400, `${field}: expected milliseconds (0 to 3600000)`);
  return value;
}

function limit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new InterventionError(400, 'limit: expected a whole number from 1');
  return value;
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new InterventionError(400, `${field}: expected true or false`);
  return value;
}
