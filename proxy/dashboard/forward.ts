/**
 * The dashboard's end of control calls through Redis (the proxy's end is stream/redis-control.ts):
 * the call is appended to the owning proxy's request stream with a fresh answer list, and the answer
 * awaited there (BLPOP, on a connection of its own for the wait).
 */
import { randomUUID } from 'node:crypto';
import type { createClient } from 'redis';
import { controlKey, type ControlAnswer } from '../stream/redis-control.js';

/** Requests kept in a proxy's request stream (approximately). */
const REQUESTS_KEPT = 1000;

export async function forwardCall(
  client: ReturnType<typeof createClient>,
  key: string,
  source: string,
  call: { method: string; path: string; body: string },
  timeoutMs: number,
): Promise<ControlAnswer | undefined> {
  const answer = `${key}:answer:${randomUUID()}`;
  const waiting = client.duplicate();
  waiting.on('error', () => undefined);
  await waiting.connect();
  try {
    await client.xAdd(
      controlKey(key, source),
      '*',
      { ...call, answer },
      { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: REQUESTS_KEPT } },
    );
    const got = await waiting.blPop(answer, timeoutMs / 1000);
    return got ? (JSON.parse(got.element) as ControlAnswer) : undefined;
  } finally {
    waiting.destroy();
  }
}
