/**
 * A session that stays on HTTP long-polling: opened on polling and, `upgradeWindowMs` later, still not
 * upgraded. engine.io-client probes WebSocket right after the open packet, so by then either the
 * target offers no upgrade (`upgrades: []`), the client never probed (`transports: ['polling']`,
 * `upgrade: false`, or something between it and the proxy swallowed the WebSocket request), or a
 * probe started and never finished. A probe that failed is the `upgrade-failed` problem already.
 */
import type { ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

const FIX =
  "The session works over HTTP long-polling only: every message waits for a poll, each costs a request, and latency and server load are higher than over WebSocket. Where the target offers no upgrade, its transports option leaves websocket out or allowUpgrades is false: new Server(httpServer, { transports: ['polling', 'websocket'] }). Where the client never probes, it was told not to (io(url, { transports: ['polling'] }) or { upgrade: false }), or a reverse proxy or balancer in front drops the WebSocket request (nginx needs proxy_http_version 1.1 and the Upgrade and Connection headers). If polling only is what you want, mute this kind.";

type Stage = 'waiting' | 'probing';

interface Watch {
  sid: string;
  seq: number;
  ts: number;
  stage: Stage;
  probeSeq?: number;
  /** The target's open packet offered no upgrade. */
  noUpgrade: boolean;
}

const STUCK_ON_POLLING: ProblemKind = {
  kind: 'stuck-on-polling',
  severity: 'warning',
  confidence: 'likely',
  fix: FIX,
};

export class StuckOnPolling implements Detector {
  readonly types = ['session', 'upgrade', 'close'] as const;
  /** Polling sessions not yet upgraded nor judged, in the order they opened. */
  private readonly watching = new Map<string, Watch>();

  observe(e: ProxyEvent, _ctx: DetectorContext): void {
    if (e.type === 'session') {
      if (e.transport !== 'polling') return;
      // A transport the proxy hid is its doing, not the app's.
      if (e.hiddenUpgrades.includes('websocket')) return;
      this.watching.set(e.sessionId, {
        sid: e.sessionId,
        seq: e.seq,
        ts: e.ts,
        stage: 'waiting',
        noUpgrade: !e.open.upgrades.includes('websocket'),
      });
    } else if (e.type === 'upgrade') {
      const w = this.watching.get(e.sessionId);
      if (!w) return;
      if (e.stage === 'probe') {
        w.stage = 'probing';
        w.probeSeq ??= e.seq;
      } else this.watching.delete(e.sessionId); // upgraded, or upgrade-failed says it
    } else if (e.type === 'close') this.watching.delete(e.sessionId);
  }

  forget(sid: string): void {
    this.watching.delete(sid);
  }

  tick(now: number, ctx: DetectorContext): void {
    const window = ctx.options.upgradeWindowMs;
    for (const w of this.watching.values()) {
      if (now - w.ts < window) break; // opened in order: the rest are younger
      this.watching.delete(w.sid);
      this.report(w, now, ctx);
    }
  }

  private report(w: Watch, now: number, ctx: DetectorContext): void {
    const after = `${Math.round((now - w.ts) / 1000)} s`;
    const [title, detail, confidence, evidence] = w.noUpgrade
      ? ([
          'stuck on polling: the target offers no upgrade',
          "the target's open packet has upgrades: [] (its transports option, or allowUpgrades: false)",
          'certain',
          `the open packet of session ${w.sid} offers no upgrade`,
        ] as const)
      : w.stage === 'probing'
        ? ([
            `stuck on polling: the WebSocket probe never completed in ${after}`,
            'the client probed WebSocket and the upgrade neither succeeded nor failed: something between may hold the WebSocket open without passing it',
            'likely',
            `upgrade probe #${w.probeSeq ?? '?'} with no success or failure after it`,
          ] as const)
        : ([
            `stuck on polling: no WebSocket probe in ${after}`,
            "the target offers websocket but no probe reached the proxy: the client's transports or upgrade option, or a proxy in front that drops WebSocket",
            'likely',
            `the open packet of session ${w.sid} offers websocket; no upgrade probe followed`,
          ] as const);
    ctx.report(
      problem(STUCK_ON_POLLING, {
        title,
        detail,
        sessionId: w.sid,
        seqs: w.probeSeq !== undefined ? [w.seq, w.probeSeq] : [w.seq],
        confidence,
        evidence: [evidence, `still on polling ${Math.round(now - w.ts)} ms after it opened`],
      }),
    );
  }
}
