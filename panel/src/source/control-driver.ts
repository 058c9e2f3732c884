/**
 * Keeps the control slice (store/control-store.ts) in step with the proxy and carries out what the
 * person asks, through the control API client. An adapter like full-search-driver.ts: the views call
 * these actions and read the slice; they never call the API themselves.
 *
 * It reads `GET /api/paused` and `GET /api/rules` at start and again when the stream says they
 * changed (an `intervention` event: paused, forwarded, edited, dropped, timeout, rule-hit), not on a
 * timer: at most one read in flight, and one more after it when events came meanwhile.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import type { ControlStore } from '../store/control-store.js';
import { loadRecent, remember, saveRecent, type KeyValue } from '../store/recent-compositions.js';
import {
  ControlError,
  type ControlClient,
  type EmitSpec,
  type FaultSpec,
  type RulePatch,
  type RuleSpec,
  type Verdict,
} from './control-client.js';

/** The intervention actions after which the held packets or the rules' hits differ. */
const REFRESH_ON = new Set(['paused', 'forwarded', 'edited', 'dropped', 'timeout', 'rule-hit']);
const FAULT_ON = new Set(['fault-started', 'fault-ended']);

export class ControlDriver {
  private reading: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly faultSessions = new Set<string>();

  constructor(
    private readonly client: ControlClient,
    private readonly store: ControlStore,
    /** Where recent compositions are kept (the browser's localStorage); none: this page's life only. */
    private readonly storage?: KeyValue,
  ) {
    store.getState().set({
      available: true,
      held: [],
      rules: [],
      faults: {},
      targetFaults: [],
      unanswered: [],
      recent: loadRecent(storage),
    });
    void this.refresh();
    void this.refreshTargetFaults();
  }

  state() {
    return this.store.getState();
  }

  stop(): void {
    this.stopped = true;
  }

  /** The stream's events, as they arrive: refreshes on the interventions that change what is listed. */
  onEvents(batch: readonly ProxyEvent[]): void {
    let refresh = false;
    for (const e of batch) {
      // A closed session's lasting faults end with it: re-read so its badges go.
      if (e.type === 'close' && this.store.getState().faults[e.sessionId]?.length)
        void this.refreshFaults(e.sessionId);
      if (e.type !== 'intervention') continue;
      if (REFRESH_ON.has(e.action)) refresh = true;
      else if (FAULT_ON.has(e.action)) {
        if (e.sessionId) void this.refreshFaults(e.sessionId);
        void this.refreshTargetFaults();
      }
    }
    if (refresh) void this.refresh();
  }

  /** Reads the held packets and the rules; coalesced (one read in flight, one queued). */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          const [held, rules] = await Promise.all([this.client.paused(), this.client.rules()]);
          if (this.stopped) return;
          held.sort((a, b) => a.since - b.since || idNumber(a.id) - idNumber(b.id));
          this.store.getState().set({ held, rules, unanswered: this.client.unanswered() });
        } catch (err) {
          if (!this.stopped) this.fail('read the held packets', err);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  decide(id: string, verdict: Verdict): Promise<boolean> {
    const edited = verdict.args !== undefined || verdict.event !== undefined || verdict.nsp !== undefined;
    const what = `${verdict.verdict === 'drop' ? 'drop' : edited ? 'edit and forward' : 'forward'} ${id}`;
    return this.act(
      what,
      () => this.client.decide(id, verdict),
      () => this.refresh(),
    );
  }

  /** Forwards every held packet, oldest first (the proxy keeps each session's order anyway). */
  async forwardAll(): Promise<boolean> {
    let ok = true;
    for (const p of this.store.getState().held) ok = (await this.decide(p.id, { verdict: 'forward' })) && ok;
    return ok;
  }

  /** `source`: on a dashboard over Redis, the one proxy to arm it on (else every live one). */
  addRule(spec: RuleSpec, source?: string): Promise<boolean> {
    return this.act(
      `add a ${spec.action.kind} rule${onProxy(source)}`,
      () => this.client.addRule(spec, source),
      () => this.refresh(),
    );
  }

  updateRule(id: string, patch: RulePatch): Promise<boolean> {
    return this.act(
      `change rule ${id}`,
      () => this.client.updateRule(id, patch),
      () => this.refresh(),
    );
  }

  setRuleEnabled(id: string, enabled: boolean): Promise<boolean> {
    const what = `${enabled ? 'switch on' : 'switch off'} rule ${id}`;
    return this.act(
      what,
      () => this.client.setRuleEnabled(id, enabled),
      () => this.refresh(),
    );
  }

  removeRule(id: string): Promise<boolean> {
    return this.act(
      `remove rule ${id}`,
      () => this.client.removeRule(id),
      () => this.refresh(),
    );
  }

  /** Sends an event of the proxy's own; the answer (ack and latency, or the error) goes to `compose`. */
  async emit(sid: string, spec: EmitSpec): Promise<void> {
    const what = `emit ${spec.event} ${spec.direction === 's2c' ? 'to the client' : 'to the server'}`;
    this.store.getState().set({ compose: undefined });
    try {
      const result = await this.client.emit(sid, spec);
      this.store.getState().set({ compose: { what, ok: true, result } });
      this.remember(sid, spec);
    } catch (err) {
      this.store.getState().set({ compose: { what, ok: false, ...errorOf(err) } });
      // 408: the event went out and no ack came; it is worth sending again as much as any.
      if (err instanceof ControlError && err.status === 408) this.remember(sid, spec);
    }
  }

  private remember(sid: string, spec: EmitSpec): void {
    if (this.stopped) return;
    const recent = remember(this.store.getState().recent, { ...spec, sessionId: sid, at: Date.now() });
    this.store.getState().set({ recent });
    saveRecent(this.storage, recent);
  }

  addFault(sid: string, spec: FaultSpec): Promise<boolean> {
    this.faultSessions.add(sid);
    return this.act(
      `fault ${spec.kind}`,
      () => this.client.addFault(sid, spec),
      () => this.refreshFaults(sid),
    );
  }

  removeFault(sid: string, id: string): Promise<boolean> {
    return this.act(
      `remove fault ${id}`,
      () => this.client.removeFault(sid, id),
      () => this.refreshFaults(sid),
    );
  }

  /** `source`: on a dashboard over Redis, the one proxy to start it on (else every live one). */
  addTargetFault(spec: FaultSpec, source?: string): Promise<boolean> {
    return this.act(
      `target ${spec.kind}${onProxy(source)}`,
      () => this.client.addTargetFault(spec, source),
      () => this.refreshTargetFaults(),
    );
  }

  removeTargetFault(id: string): Promise<boolean> {
    return this.act(
      `remove fault ${id}`,
      () => this.client.removeTargetFault(id),
      () => this.refreshTargetFaults(),
    );
  }

  /** Reads the lasting faults of session `sid` (the fault menu asks when it opens). */
  async refreshFaults(sid: string): Promise<void> {
    this.faultSessions.add(sid);
    try {
      const list = await this.client.faults(sid);
      if (this.stopped) return;
      const faults = this.store.getState().faults;
      this.store.getState().set({ faults: { ...faults, [sid]: list } });
    } catch (err) {
      // A session that has closed answers 404 (409 just after): it has no faults any more.
      if (this.stopped || !(err instanceof ControlError) || (err.status !== 404 && err.status !== 409))
        return;
      const { [sid]: _gone, ...rest } = this.store.getState().faults;
      this.store.getState().set({ faults: rest });
    }
  }

  private async refreshTargetFaults(): Promise<void> {
    try {
      const targetFaults = await this.client.targetFaults();
      if (!this.stopped) this.store.getState().set({ targetFaults, unanswered: this.client.unanswered() });
    } catch (err) {
      if (!this.stopped) this.fail('read the target faults', err);
    }
  }

  private async act(what: string, run: () => Promise<unknown>, then: () => Promise<void>): Promise<boolean> {
    try {
      await run();
      if (this.stopped) return true;
      this.store.getState().set({ last: { what, ok: true } });
      await then();
      return true;
    } catch (err) {
      this.fail(what, err);
      // What failed may be gone (a held packet the timeout forwarded): show what is there now.
      await then().catch(() => {});
      return false;
    }
  }

  private fail(what: string, err: unknown): void {
    this.store.getState().set({ last: { what, ok: false, ...errorOf(err) } });
  }
}

function errorOf(err: unknown): { error: string; status?: number } {
  if (err instanceof ControlError) return { error: err.message, status: err.status };
  return { error: (err as Error).message ?? String(err) };
}

function onProxy(source: string | undefined): string {
  return source ? ` on proxy ${source}` : '';
}

function idNumber(id: string): number {
  return Number(id.replace(/^\D+/, '')) || 0;
}
