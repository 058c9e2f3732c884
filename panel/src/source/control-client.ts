/**
 * A client for the proxy's control API (docs/control-api.md): rules, held packets, emits and
 * faults, on the dashboard server beside the event stream, with the dashboard token. Only a live
 * sio-proxy source has one (ProxySource.control); files and in-page capture have none.
 *
 * Every error the API answers (`{ "error": "..." }`, e.g. the 501 of a fault over polling) is thrown
 * as a ControlError carrying the proxy's own message, for the views to show as it is.
 */
import type { Direction } from '../../../shared/events.js';

// The API's own shapes, from the proxy (type-only: nothing of the proxy is bundled into the panel).
import type { PausedPacket, Rule, RuleAction } from '../../../shared/control.js';
import type { PacketMatch } from '../../../shared/match/packet-match.js';

export type { Rule, RuleAction };
/** A packet held by a pause rule, as `GET /api/paused` lists it. */
export type HeldPacket = PausedPacket;
/** A rule's `match`: shared/match's packet language (docs/matching.md). */
export type RuleMatch = PacketMatch;

export interface RuleSpec {
  match: RuleMatch;
  action: RuleAction;
  enabled?: boolean;
  limit?: number;
}

export interface RulePatch {
  match?: RuleMatch;
  action?: RuleAction;
  enabled?: boolean;
  limit?: number | null;
}

/** What to do with a held packet; `event`, `nsp`, `args` change it before it is forwarded. */
export interface Verdict {
  verdict: 'forward' | 'drop';
  event?: string;
  nsp?: string;
  args?: unknown[];
}

export interface EmitSpec {
  direction: Direction;
  nsp?: string;
  event: string;
  args?: unknown[];
  ack?: boolean;
  timeoutMs?: number;
}

export interface EmitResult {
  seq: number;
  ack?: unknown[];
  latencyMs?: number;
}

export interface FaultSpec {
  kind: string;
  ms?: number;
  jitterMs?: number;
  nsp?: string;
  bytesPerSecond?: number;
}

/** A lasting fault, as `GET .../faults` lists it. */
export interface Fault extends FaultSpec {
  id: string;
  sessionId?: string;
  /** On a dashboard over Redis: the proxy that holds it (its `id` is then `<source>:<id>`). */
  source?: string;
}

/** On a dashboard over Redis: a proxy whose items a list lacks, and why (gone, no answer in time). */
export interface Unanswered {
  source: string;
  error: string;
}

/** The header in which a dashboard over Redis names the proxies missing from a list. */
const UNANSWERED_HEADER = 'X-Unanswered-Sources';

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export class ControlClient {
  /** The proxies missing from the last read of each list, by its path. */
  private readonly missing = new Map<string, Unanswered[]>();

  constructor(
    private readonly origin: string,
    private readonly token: string,
    private readonly fetchFn: Fetch = (url, init) => fetch(url, init),
  ) {}

  rules(): Promise<Rule[]> {
    return this.call('GET', '/api/rules');
  }
  /** `source`: on a dashboard over Redis, the one proxy to arm it on (else every live one). */
  addRule(spec: RuleSpec, source?: string): Promise<Rule> {
    return this.call('POST', onSource('/api/rules', source), spec);
  }
  /** Changes a rule in place (its id and hits stay); `limit: null` removes its limit. */
  updateRule(id: string, patch: RulePatch): Promise<Rule> {
    return this.call('PATCH', `/api/rules/${enc(id)}`, patch);
  }
  setRuleEnabled(id: string, enabled: boolean): Promise<Rule> {
    return this.call('PATCH', `/api/rules/${enc(id)}`, { enabled });
  }
  removeRule(id: string): Promise<void> {
    return this.call('DELETE', `/api/rules/${enc(id)}`);
  }

  paused(): Promise<HeldPacket[]> {
    return this.call('GET', '/api/paused');
  }
  decide(id: string, verdict: Verdict): Promise<void> {
    return this.call('POST', `/api/paused/${enc(id)}`, verdict);
  }

  emit(sid: string, spec: EmitSpec): Promise<EmitResult> {
    return this.call('POST', `/api/sessions/${enc(sid)}/emit`, spec);
  }

  faults(sid: string): Promise<Fault[]> {
    return this.call('GET', `/api/sessions/${enc(sid)}/faults`);
  }
  addFault(sid: string, spec: FaultSpec): Promise<{ id: string }> {
    return this.call('POST', `/api/sessions/${enc(sid)}/faults`, spec);
  }
  removeFault(sid: string, id: string): Promise<void> {
    return this.call('DELETE', `/api/sessions/${enc(sid)}/faults/${enc(id)}`);
  }

  targetFaults(): Promise<Fault[]> {
    return this.call('GET', '/api/faults');
  }
  /** `source`: on a dashboard over Redis, the one proxy to start it on (else every live one). */
  addTargetFault(spec: FaultSpec, source?: string): Promise<{ id: string }> {
    return this.call('POST', onSource('/api/faults', source), spec);
  }
  removeTargetFault(id: string): Promise<void> {
    return this.call('DELETE', `/api/faults/${enc(id)}`);
  }

  /** The proxies the last reads of the lists lacked (only a dashboard over Redis names any). */
  unanswered(): Unanswered[] {
    const bySource = new Map<string, Unanswered>();
    for (const list of this.missing.values()) for (const u of list) bySource.set(u.source, u);
    return [...bySource.values()];
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = {
      method,
      cache: 'no-store',
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    let res: Response;
    try {
      res = await this.fetchFn(`${this.origin}${path}`, init);
    } catch (err) {
      throw new ControlError(0, `cannot reach the proxy: ${(err as Error).message}`);
    }
    if (method === 'GET') this.noteMissing(path, res.headers.get(UNANSWERED_HEADER));
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const error = (parsed as { error?: unknown } | undefined)?.error;
      throw new ControlError(res.status, typeof error === 'string' ? error : `HTTP ${res.status}`);
    }
    return parsed as T;
  }

  private noteMissing(path: string, header: string | null): void {
    let list: Unanswered[] = [];
    try {
      list = header ? (JSON.parse(header) as Unanswered[]) : [];
    } catch {
      /* not ours to read: nothing named */
    }
    if (Array.isArray(list) && list.length) this.missing.set(path, list);
    else this.missing.delete(path);
  }
}

const enc = encodeURIComponent;

/** A create route for one proxy of a dashboard over Redis (`?source=`), or for all of them. */
function onSource(path: string, source: string | undefined): string {
  return source ? `${path}?source=${enc(source)}` : path;
}
