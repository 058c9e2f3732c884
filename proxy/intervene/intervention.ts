/**
 * Acting on live sessions (issue #11): rules, held packets, emits and faults, behind one object that
 * the control API (proxy/control/), the library and `--rules` share. It knows the links of the open
 * sessions (WebSocket and polling); while nothing is armed they relay as they came (WebSocket piped,
 * zero copy; polling requests forwarded), and arming a fault or an emit terminates them (a WebSocket
 * at its next message boundary, polling at once) so that their packets pass through a
 * WireInterceptor. Rules alone only watch a WebSocket: it stays piped until a message starts that a
 * rule could match, and its direction is terminated before that message (a polling session is
 * terminated when a rule could match any packet of it). Every change it makes is an `intervention`
 * event on the bus.
 *
 * JSONP polling sessions (EIO3 `j=`) are not terminated: emits and faults on them answer 501.
 */
import type { Direction, PacketEvent } from '../../shared/events.js';
import type { EventBus } from '../events/bus.js';
import type { SessionTable } from '../engine/session-table.js';
import type { InterceptedLink } from '../engine/link.js';
import type { PollingLink } from '../engine/polling-link.js';
import type { WebSocketLink } from '../engine/websocket-link.js';
import { InterventionError } from './errors.js';
import { FaultBook, type FaultSpec, type TargetFaultSpec } from './faults.js';
import { binaryFromJson, encodePacket } from './packet-codec.js';
import type { PausedPacket } from '../../shared/control.js';
import type { PacketHead } from '../../shared/match/index.js';
import { RuleStore, type Rule, type RuleSpec } from './rules.js';
import { argsOf, WireInterceptor, type Decision, type InterceptorHost } from './wire-interceptor.js';

export { InterventionError } from './errors.js';
export type { Rule, RuleSpec } from './rules.js';
export type { PausedPacket } from '../../shared/control.js';

/** How long a held packet waits for a decision before it is forwarded as it was. */
export const DEFAULT_PAUSE_TIMEOUT_MS = 60_000;
/** Ack ids of the proxy's own emits start here, far above any peer's own counter. */
const OWN_ACK_BASE = 2 ** 40;

export interface EmitSpec {
  direction?: unknown;
  nsp?: unknown;
  event?: unknown;
  args?: unknown;
  ack?: unknown;
  timeoutMs?: unknown;
}

export interface EmitResult {
  seq: number;
  ack?: unknown[];
  latencyMs?: number;
}

interface Held {
  entry: PausedPacket;
  link: InterceptedLink;
  decide: (d: Decision) => void;
  timer: NodeJS.Timeout;
}

interface OwnAck {
  resolve: (args: unknown[]) => void;
  sentAt: number;
}

export interface InterventionOptions {
  bus: EventBus;
  sessions: SessionTable;
  pauseTimeoutMs?: number;
}

export class Intervention implements InterceptorHost {
  readonly rules: RuleStore;
  readonly faultBook: FaultBook;
  private readonly links = new Set<InterceptedLink>();
  private readonly terminating = new WeakMap<InterceptedLink, Promise<void>>();
  /** One interceptor per link: a watched WebSocket's attachments count carries over when terminated. */
  private readonly interceptors = new WeakMap<InterceptedLink, WireInterceptor>();
  private readonly held = new Map<string, Held>();
  private readonly ownAcks = new Map<string, OwnAck>();
  private nextHeld = 1;
  private nextAck = OWN_ACK_BASE;
  private readonly pauseTimeoutMs: number;

  constructor(private readonly opts: InterventionOptions) {
    this.pauseTimeoutMs = opts.pauseTimeoutMs ?? DEFAULT_PAUSE_TIMEOUT_MS;
    this.rules = new RuleStore((sid) => opts.sessions.get(sid)?.client.clientKey);
    this.faultBook = new FaultBook({
      bus: opts.bus,
      sessions: opts.sessions,
      linkOf: (sid) => this.linkOf(sid),
      arm: (sid) => this.armSession(sid),
    });
  }

  // ---- relay hooks ------------------------------------------------------------------------------

  /** A session's link is up: watched, and terminated at once when something is armed. */
  wireOpened(link: InterceptedLink): void {
    this.links.add(link);
    // A probe of a session whose polling is terminated is terminated too: what the polling wire
    // still has for the client goes over it after the upgrade.
    const sid = link.owner?.sid;
    const polling = sid !== undefined && link.transport === 'websocket' && this.terminatedPolling(sid);
    if (polling) void this.terminate(link);
    else if (this.rules.armed) this.arm(link);
  }

  private terminatedPolling(sid: string): boolean {
    for (const l of this.links)
      if (l.owner?.sid === sid && l.transport === 'polling' && this.terminating.has(l)) return true;
    return false;
  }

  /** A held packet of a connection that is gone has nowhere to go: it is let go, and the stream says so. */
  wireClosed(link: InterceptedLink): void {
    this.links.delete(link);
    const sid = link.owner?.sid;
    for (const held of [...this.held.values()])
      if (held.link === link)
        this.settle(held, { verdict: 'drop' }, 'dropped', `its connection closed (session ${sid ?? '?'})`);
  }

  /** Why a request must fail now as if the target were down (target-down), or undefined. */
  get targetDown(): boolean {
    return this.faultBook.targetDown;
  }

  /** Whether a WebSocket upgrade of `sid` (undefined: a new session) must be refused. */
  upgradeBlocked(sid: string | undefined): boolean {
    return this.faultBook.upgradeBlocked(sid);
  }

  // ---- rules ------------------------------------------------------------------------------------

  addRule(spec: RuleSpec): Rule {
    const rule = this.rules.add(spec);
    if (rule.enabled) this.armAll();
    return rule;
  }

  updateRule(id: string, patch: RuleSpec): Rule {
    const rule = this.rules.update(id, patch);
    if (rule.enabled) this.armAll();
    return rule;
  }

  removeRule(id: string): void {
    this.rules.remove(id);
  }

  // ---- held packets -----------------------------------------------------------------------------

  paused(): PausedPacket[] {
    return [...this.held.values()].map((h) => ({ ...h.entry }));
  }

  /** `POST /api/paused/<id>`: forward (possibly edited) or drop a held packet. */
  decide(id: string, body: { verdict?: unknown; event?: unknown; args?: unknown; nsp?: unknown }): void {
    const held = this.held.get(id);
    if (!held) throw new InterventionError(404, `no held packet ${id}`);
    if (body.verdict !== 'forward' && body.verdict !== 'drop')
      throw new InterventionError(400, 'verdict: expected "forward" or "drop"');
    if (body.event !== undefined && (typeof body.event !== 'string' || !body.event))
      throw new InterventionError(400, 'event: expected an event name');
    if (body.args !== undefined && !Array.isArray(body.args))
      throw new InterventionError(400, 'args: expected an array');
    if (body.nsp !== undefined && (typeof body.nsp !== 'string' || !body.nsp.startsWith('/')))
      throw new InterventionError(400, 'nsp: expected a namespace starting with /');
    const decision: Decision =
      body.verdict === 'drop'
        ? { verdict: 'drop' }
        : {
            verdict: 'forward',
            ...(body.event !== undefined ? { event: body.event as string } : {}),
            ...(body.args !== undefined ? { args: body.args as unknown[] } : {}),
            ...(body.nsp !== undefined ? { nsp: body.nsp as string } : {}),
          };
    this.settle(held, decision, body.verdict === 'drop' ? 'dropped' : 'forwarded');
  }

  hold(link: InterceptedLink, packet: PacketEvent, rule: Rule): Promise<Decision> {
    const id = `p${this.nextHeld++}`;
    const since = Date.now();
    const entry: PausedPacket = {
      id,
      sessionId: packet.sessionId,
      direction: packet.direction,
      nsp: packet.sio?.nsp,
      event: packet.sio?.event,
      args: packet.sio ? argsOf(packet.sio) : undefined,
      type: packet.sio?.type ?? packet.engine,
      since,
      ruleId: rule.id,
      expiresAt: since + this.pauseTimeoutMs,
    };
    return new Promise<Decision>((resolve) => {
      const timer = setTimeout(() => {
        const held = this.held.get(id);
        if (held) this.settle(held, { verdict: 'forward' }, 'timeout');
      }, this.pauseTimeoutMs);
      timer.unref();
      this.held.set(id, { entry, link, decide: resolve, timer });
      this.note(packet.sessionId, 'paused', `${packetLabel(entry)} held by rule ${rule.id}`, rule.id, id);
    });
  }

  // ---- emit -------------------------------------------------------------------------------------

  /** `POST /api/sessions/<sid>/emit`: an EVENT of the proxy's own, to either side. */
  async emit(sid: string, spec: EmitSpec): Promise<EmitResult> {
    const direction = spec.direction;
    if (direction !== 'c2s' && direction !== 's2c')
      throw new InterventionError(400, 'direction: expected "c2s" or "s2c"');
    const nsp = spec.nsp ?? '/';
    if (typeof nsp !== 'string' || !nsp.startsWith('/'))
      throw new InterventionError(400, 'nsp: expected a namespace starting with /');
    if (typeof spec.event !== 'string' || !spec.event)
      throw new InterventionError(400, 'event: expected an event name');
    if (spec.args !== undefined && !Array.isArray(spec.args))
      throw new InterventionError(400, 'args: expected an array');
    if (spec.ack !== undefined && typeof spec.ack !== 'boolean')
      throw new InterventionError(400, 'ack: expected true or false');
    const timeoutMs = spec.timeoutMs === undefined ? 5000 : spec.timeoutMs;
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0))
      throw new InterventionError(400, 'timeoutMs: expected milliseconds');
    const link = await this.writableLink(sid);
    const session = link.owner!;
    const id = spec.ack ? this.nextAck++ : undefined;
    const args = binaryFromJson(spec.args ?? []) as unknown[];
    const messages = encodePacket(session.eio, {
      type: 'EVENT',
      nsp,
      ...(id !== undefined ? { id } : {}),
      data: [spec.event, ...args],
    });
    let acked: Promise<unknown[]> | undefined;
    const key = id !== undefined ? ackKey(sid, direction, nsp, id) : '';
    if (id !== undefined)
      acked = new Promise((resolve) => this.ownAcks.set(key, { resolve, sentAt: Date.now() }));
    const sentAt = Date.now();
    const sent = messages.map((m) => link.wire!.inject(direction, m.data, m.isBinary)).at(-1);
    // Over polling a packet goes out with the next answer or POST: its event (and seq) exist then.
    const seq =
      sent instanceof Promise
        ? await this.sentWithin(sent as Promise<number>, timeoutMs, spec.event)
        : link.lastSeq;
    this.note(
      sid,
      'injected',
      `${direction} EVENT "${spec.event}"${nsp !== '/' ? ` ${nsp}` : ''} emitted by the proxy${id !== undefined ? ` (ack id ${id})` : ''}`,
    );
    if (!acked) return { seq };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new InterventionError(408, `no ack for "${spec.event}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const ack = await Promise.race([acked, timeout]);
      return { seq, ack, latencyMs: Date.now() - sentAt };
    } finally {
      clearTimeout(timer);
      this.ownAcks.delete(key);
    }
  }

  private async sentWithin(sent: Promise<number>, ms: number, event: string): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new InterventionError(
              408,
              `"${event}" not sent within ${ms} ms: the session's polling is held (it goes out when it resumes)`,
            ),
          ),
        ms,
      );
    });
    try {
      return await Promise.race([sent, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  ownAck(
    link: InterceptedLink,
    direction: Direction,
    nsp: string,
    id: number,
  ): ((args: unknown[]) => void) | undefined {
    const sid = link.owner?.sid;
    if (sid === undefined || id < OWN_ACK_BASE) return undefined;
    // An ACK travels against its EVENT: ours to the server comes back s2c.
    const own = this.ownAcks.get(ackKey(sid, direction === 's2c' ? 'c2s' : 's2c', nsp, id));
    if (!own) return undefined;
    return (args) => {
      own.resolve(args);
      this.note(
        sid,
        'ack',
        `the ${direction === 's2c' ? 'server' : 'client'} acknowledged the proxy's emit ${id}: taken out of the stream`,
      );
    };
  }

  // ---- faults -----------------------------------------------------------------------------------

  faults(link: InterceptedLink): ReadonlySet<string> {
    return this.faultBook.kindsOf(link.owner?.sid);
  }

  slowness(link: InterceptedLink, size: number): number {
    return this.faultBook.slowness(link.owner?.sid, size);
  }

  addSessionFault(sid: string, spec: FaultSpec): Promise<{ id: string }> {
    return this.faultBook.addSessionFault(sid, spec);
  }

  addTargetFault(spec: TargetFaultSpec): { id: string } {
    const added = this.faultBook.addTargetFault(spec);
    // Open WebSocket sessions are cut; polling ones meet the failing requests.
    if (this.faultBook.targetDown)
      for (const link of this.links)
        if (link.transport === 'websocket') (link as WebSocketLink).wire?.destroy();
    return added;
  }

  // ---- events -----------------------------------------------------------------------------------

  note(
    linkOrSid: InterceptedLink | string,
    action: 'dropped' | 'edited' | 'delayed' | 'paused' | 'forwarded' | 'injected' | 'ack' | 'timeout',
    detail: string,
    ruleId?: string,
    id?: string,
  ): void {
    const sessionId = typeof linkOrSid === 'string' ? linkOrSid : linkOrSid.owner?.sid;
    this.opts.bus.emit({
      type: 'intervention',
      action,
      detail,
      ...(sessionId ? { sessionId } : {}),
      ...(ruleId ? { ruleId } : {}),
      ...(id ? { id } : {}),
    });
  }

  couldHit(head: PacketHead): boolean {
    return this.rules.couldHit(head);
  }

  hit(packet: PacketEvent): Rule | undefined {
    const rule = this.rules.hit(packet);
    if (rule)
      this.opts.bus.emit({
        type: 'intervention',
        action: 'rule-hit',
        sessionId: packet.sessionId,
        ruleId: rule.id,
        detail: `rule ${rule.id} (${rule.action.kind}) matched ${packet.direction} ${packet.sio?.type ?? packet.engine}${packet.sio?.event ? ` "${packet.sio.event}"` : ''}`,
      });
    return rule;
  }

  /** Forwards every held packet and ends every fault (the proxy is closing). */
  close(): void {
    for (const held of [...this.held.values()]) this.settle(held, { verdict: 'forward' }, 'forwarded');
    this.faultBook.close();
  }

  // ---- internals --------------------------------------------------------------------------------

  private settle(
    held: Held,
    decision: Decision,
    action: 'forwarded' | 'dropped' | 'timeout',
    why?: string,
  ): void {
    clearTimeout(held.timer);
    this.held.delete(held.entry.id);
    const edited =
      decision.verdict === 'forward' &&
      (decision.event !== undefined || decision.args !== undefined || decision.nsp !== undefined);
    const how =
      action === 'timeout'
        ? `forwarded as it was: no decision within the pause timeout (${this.pauseTimeoutMs} ms)`
        : action === 'dropped'
          ? `dropped${why ? `: ${why}` : ''}`
          : edited
            ? 'forwarded edited'
            : 'forwarded';
    this.note(
      held.entry.sessionId,
      action === 'forwarded' && edited ? 'edited' : action,
      `${packetLabel(held.entry)} ${how}`,
      held.entry.ruleId,
      held.entry.id,
    );
    held.decide(decision);
  }

  /** The session's link of the transport it uses now (during an upgrade both are up). */
  private linkOf(sid: string): InterceptedLink | undefined {
    let any: InterceptedLink | undefined;
    for (const link of this.links) {
      if (link.owner?.sid !== sid) continue;
      if (link.transport === link.owner.transport) return link;
      any = link;
    }
    return any;
  }

  /** The session's terminated link (of the transport it uses), to write to; 404/409/501 when there is none. */
  private async writableLink(sid: string): Promise<InterceptedLink> {
    const session = this.opts.sessions.get(sid);
    if (!session) {
      if (this.opts.sessions.recentlyEnded(sid)) throw new InterventionError(409, `session ${sid} is closed`);
      throw new InterventionError(404, `no session ${sid}`);
    }
    if (session.readyState === 'closing' || session.readyState === 'closed')
      throw new InterventionError(409, `session ${sid} is closed`);
    const link = this.linkOf(sid);
    if (!link?.wire || link.transport !== session.transport)
      throw new InterventionError(
        501,
        `session ${sid} is on JSONP polling: emitting to it is not supported (XHR polling and WebSocket sessions are)`,
      );
    await this.terminate(link);
    return link;
  }

  /** Sends what a polling link still had for the client over the session's WebSocket, once upgraded. */
  private overWebSocket(link: InterceptedLink) {
    const session = link.owner;
    return (data: Buffer, isBinary: boolean): void => {
      const ws = session && this.linkOf(session.sid);
      try {
        if (ws?.transport !== 'websocket') throw new Error('no WebSocket');
        ws.wire?.inject('s2c', data, isBinary);
      } catch (err) {
        session?.error(`a packet held over polling could not follow the upgrade: ${(err as Error).message}`);
      }
    };
  }

  private armAll(): void {
    for (const link of this.links) this.arm(link);
  }

  /**
   * For rules: a WebSocket is watched (each direction terminated at the first message a rule could
   * match); a polling session is terminated when a rule could match any packet of it, else its
   * requests go on being forwarded as they come.
   */
  private arm(link: InterceptedLink): void {
    const wire = link.wire;
    if (!wire || this.terminating.has(link)) return;
    if (wire.watch) wire.watch(this.interceptorOf(link));
    else if (this.rules.couldHit({ transport: link.transport, sessionId: link.owner?.sid }))
      void this.terminate(link);
  }

  private interceptorOf(link: InterceptedLink): WireInterceptor {
    let interceptor = this.interceptors.get(link);
    if (!interceptor) this.interceptors.set(link, (interceptor = new WireInterceptor(link, this)));
    return interceptor;
  }

  private armSession(sid: string): Promise<void> {
    const link = this.linkOf(sid);
    return link ? this.terminate(link) : Promise.resolve();
  }

  /** Once per link: a second call while the first waits for a boundary shares its promise. */
  private terminate(link: InterceptedLink): Promise<void> {
    const wire = link.wire;
    if (!wire) return Promise.resolve();
    let done = this.terminating.get(link);
    if (!done) {
      if (link.transport === 'polling') (link as PollingLink).wire!.afterUpgrade = this.overWebSocket(link);
      done = wire.terminate(this.interceptorOf(link));
      this.terminating.set(link, done);
    }
    return done;
  }
}

function ackKey(sid: string, direction: Direction, nsp: string, id: number): string {
  return `${sid} ${direction} ${nsp} ${id}`;
}

function packetLabel(p: PausedPacket): string {
  return `${p.direction} ${p.type}${p.event ? ` "${p.event}"` : ''}${p.nsp && p.nsp !== '/' ? ` ${p.nsp}` : ''}`;
}
