/**
 * The app behind the proxy in the intervention tests (intervene, polling-intervene and their
 * socket.io@2 twins): it records what reached the server and why each session ended there, so that
 * every check is on what the real server reports, over either transport and either version.
 */
import type { Server } from 'socket.io';
import type { V2ClientOptions, V2ClientSocket } from 'socket.io-client-v2';
import type { V2Server, V2ServerSocket } from 'socket.io-v2';
import type { Intervention } from '../../proxy/intervene/intervention.js';
import { engineId } from './harness.js';
import { connectPair } from './v2-helpers.js';

/** What the server saw. Its arrays are live: a test may empty them (`.length = 0`). */
export interface ServerLog {
  /** Events the server received, in order, without their ack callback. */
  received: Array<{ event: string; args: unknown[] }>;
  /** Every disconnect reason the server gave, in order. */
  reasons: string[];
  /** The disconnect reasons of one Engine.IO session (a late one of an earlier test stays its own). */
  reasonsOf(sid: string): string[];
  /** Forgets everything seen so far (a suite's afterEach). */
  clear(): void;
}

function serverLog(): ServerLog & { ended(sid: string, reason: string): void } {
  const bySid = new Map<string, string[]>();
  const log = {
    received: [] as ServerLog['received'],
    reasons: [] as string[],
    reasonsOf: (sid: string) => bySid.get(sid) ?? [],
    ended(sid: string, reason: string) {
      log.reasons.push(reason);
      bySid.set(sid, [...log.reasonsOf(sid), reason]);
    },
    clear() {
      log.received.length = 0;
      log.reasons.length = 0;
      bySid.clear();
    },
  };
  return log;
}

/**
 * socket.io@4: every event is recorded and acked with `{ got: args }`; `say(event, ...args)` makes
 * the server emit `event` with those args back to the client.
 */
export function serveRecording(io: Server): ServerLog {
  const log = serverLog();
  io.on('connection', (s) => {
    const sid = engineId(s);
    s.on('disconnect', (reason) => log.ended(sid, reason));
    s.onAny((event: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (...a: unknown[]) => void) : undefined;
      log.received.push({ event, args });
      if (event === 'say') s.emit(String(args[0]), ...args.slice(1));
      ack?.({ got: args });
    });
  });
  return log;
}

/**
 * socket.io@2 (no onAny): `echo` is recorded and acked with its own args, `tick` recorded, and
 * `say(event, ...args)` makes the server emit `event` back.
 */
export function serveRecordingV2(io: V2Server): ServerLog {
  const log = serverLog();
  io.on('connection', (s) => {
    const sid = s.conn.id;
    s.on('disconnect', (reason: string) => log.ended(sid, reason));
    s.on('echo', (...args: unknown[]) => {
      log.received.push({ event: 'echo', args: args.slice(0, -1) });
      (args.pop() as (...a: unknown[]) => void)(...args);
    });
    s.on('tick', (n: unknown) => log.received.push({ event: 'tick', args: [n] }));
    s.on('say', (event: string, ...args: unknown[]) => s.emit(event, ...args));
  });
  return log;
}

/** A socket.io@2 client through the proxy, its server-side socket, and its Engine.IO sid. */
export async function pairV2(
  io: V2Server,
  proxyUrl: string,
  opts: V2ClientOptions,
): Promise<{ client: V2ClientSocket; server: V2ServerSocket; sid: string }> {
  const { client, server } = await connectPair(io.of('/'), proxyUrl, opts);
  return { client, server, sid: client.io.engine.id };
}

/** Disarms every rule (between tests: a rule left armed would act on the next test's traffic). */
export function removeRules(intervention: Intervention): void {
  for (const r of intervention.rules.list()) intervention.removeRule(r.id);
}
