/**
 * The dashboard's end of control calls through Redis (the proxy's end is stream/redis-control.ts):
 * the call is appended to the owning proxy's request stream with a fresh answer list, and the answer
 * awaited there (BLPOP, on a connection of its own for the wait: a BLPOP blocks its connection).
 */
import { randomUUID } from 'node:crypto';
import type { createClient } from 'redis';
import { controlKey, type ControlAnswer } from '../stream/redis-control.js';

type Client = ReturnType<typeof createClient>;

/** Requests kept in a proxy's request stream (approximately). */
const REQUESTS_KEPT = 1000;
/** Idle wait connections kept for the next calls. */
const IDLE_KEPT = 4;

/**
 * The connections BLPOP waits on: each call in flight needs one, and an idle one is kept for the
 * next call (up to IDLE_KEPT) rather than a connection opened and closed per call, since the panel
 * asks every proxy for its rules, held packets and faults every few seconds.
 */
export class WaitConnections {
  private readonly idle: Client[] = [];
  private closed = false;

  constructor(private readonly client: () => Client) {}

  async acquire(): Promise<Client> {
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (c.isReady) return c;
      c.destroy();
    }
    const c = this.client().duplicate();
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  /** Back after a call: kept if it answered and there is room, else closed. */
  release(c: Client, healthy: boolean): void {
    if (!this.closed && healthy && c.isReady && this.idle.length < IDLE_KEPT) this.idle.push(c);
    else c.destroy();
  }

  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.destroy();
  }
}

export async function forwardCall(
  client: Client,
  waits: WaitConnections,
  key: string,
  source: string,
  call: { method: string; path: string; body: string },
  timeoutMs: number,
): Promise<ControlAnswer | undefined> {
  const answer = `${key}:answer:${randomUUID()}`;
  const waiting = await waits.acquire();
  let healthy = false;
  try {
    await client.xAdd(
      controlKey(key, source),
      '*',
      { ...call, answer },
      { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: REQUESTS_KEPT } },
    );
    const got = await waiting.blPop(answer, timeoutMs / 1000);
    healthy = true;
    return got ? (JSON.parse(got.element) as ControlAnswer) : undefined;
  } finally {
    waits.release(waiting, healthy);
  }
}
