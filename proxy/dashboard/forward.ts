/**
 * The dashboard's end of control calls through Redis (the proxy's end is stream/redis-control.ts):
 * the call is appended to the owning proxy's request stream with a fresh answer list, and the answer
 * awaited there with BLPOP. A BLPOP blocks its connection, so the waits run on a pool of connections
 * (node-redis's own client pool): idle ones are kept for the next calls rather than a connection
 * opened per call, since the panel asks every proxy for its rules, held packets and faults every few
 * seconds.
 */
import { randomUUID } from 'node:crypto';
import { createClientPool, type createClient } from 'redis';
import { controlKey, type ControlAnswer } from '../stream/redis-control.js';

/** Requests kept in a proxy's request stream (approximately). */
const REQUESTS_KEPT = 1000;

export type WaitPool = ReturnType<typeof createClientPool>;

/** The pool forwardCall waits on: one connection kept idle, as many as calls in flight (up to 256). */
export function waitPool(url: string): WaitPool {
  const pool = createClientPool({ url }, { minimum: 1, maximum: 256 });
  // The pool's clients reconnect by themselves; a call that fails meanwhile is answered as such.
  pool.on('error', () => undefined);
  return pool;
}

export async function forwardCall(
  client: ReturnType<typeof createClient>,
  waits: WaitPool,
  key: string,
  source: string,
  call: { method: string; path: string; body: string },
  timeoutMs: number,
): Promise<ControlAnswer | undefined> {
  const answer = `${key}:answer:${randomUUID()}`;
  await client.xAdd(
    controlKey(key, source),
    '*',
    { ...call, answer },
    { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: REQUESTS_KEPT } },
  );
  const got = await waits.blPop(answer, timeoutMs / 1000);
  return got ? (JSON.parse(got.element) as ControlAnswer) : undefined;
}
