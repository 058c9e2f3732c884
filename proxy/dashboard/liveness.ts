/**
 * Which proxies are alive, from the heartbeats they write (redis-sink.ts: the hash `<key>:sources`,
 * a time per source every second, `stopped` when one closes). A source is gone when it says
 * `stopped`, or when its value has not changed for `goneAfterMs` of this dashboard's own clock (no
 * clock of another machine is read); it is up again as soon as its value changes. Each change is a
 * `source` event on the dashboard's stream.
 */
import type { SourceEvent } from '../../shared/events.js';
import { STOPPED, sourcesKey } from '../stream/redis-sink.js';

export const DEFAULT_GONE_AFTER_MS = 3500;
const POLL_MS = 500;

export interface LivenessOptions {
  key: string;
  /** HGETALL of the sources' hash. */
  read(key: string): Promise<Record<string, string>>;
  emit(event: SourceEvent): void;
  goneAfterMs?: number;
}

interface Seen {
  value: string;
  changedAt: number;
  state: 'up' | 'gone';
}

export class Liveness {
  private readonly seen = new Map<string, Seen>();
  private readonly timer: NodeJS.Timeout;
  private readonly goneAfterMs: number;
  private polling = false;

  constructor(private readonly opts: LivenessOptions) {
    this.goneAfterMs = opts.goneAfterMs ?? DEFAULT_GONE_AFTER_MS;
    this.timer = setInterval(() => void this.poll(), POLL_MS).unref();
    void this.poll();
  }

  /** Every source seen and whether it is up now. */
  states(): Record<string, 'up' | 'gone'> {
    return Object.fromEntries([...this.seen].map(([source, s]) => [source, s.state]));
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const values = await this.opts.read(sourcesKey(this.opts.key)).catch(() => undefined);
      // Redis away: nothing is known, so nothing changes (its sources are not called gone for it).
      if (values) this.update(values, Date.now());
    } finally {
      this.polling = false;
    }
  }

  private update(values: Record<string, string>, now: number): void {
    for (const [source, value] of Object.entries(values)) {
      const prior = this.seen.get(source);
      if (!prior) {
        const state = value === STOPPED ? 'gone' : 'up';
        this.seen.set(source, { value, changedAt: now, state });
        this.say(source, state, state === 'gone' ? 'stopped' : 'writing to the stream');
        continue;
      }
      if (value !== prior.value) {
        prior.value = value;
        prior.changedAt = now;
        if (value === STOPPED) this.set(source, prior, 'gone', 'stopped');
        else this.set(source, prior, 'up', 'its heartbeat is back');
      } else if (prior.state === 'up' && now - prior.changedAt >= this.goneAfterMs) {
        this.set(source, prior, 'gone', `no heartbeat for ${Math.round((now - prior.changedAt) / 1000)} s`);
      }
    }
  }

  private set(source: string, seen: Seen, state: 'up' | 'gone', reason: string): void {
    if (seen.state === state) return;
    seen.state = state;
    this.say(source, state, reason);
  }

  private say(source: string, state: 'up' | 'gone', reason: string): void {
    this.opts.emit({ type: 'source', seq: 0, ts: Date.now(), source, state, reason });
  }

  close(): void {
    clearInterval(this.timer);
  }
}
