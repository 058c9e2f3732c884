/**
 * `GET /api/har`: the HAR 1.2 file of the events the proxy still holds (shared/har.ts), downloaded
 * from the dashboard. `?session=<sid>` limits it to one Engine.IO session. The token is checked by the
 * dashboard server before any plugin runs.
 *
 * The plugin reads events through a function, so that it does not depend on who holds them: in the
 * CLI, the event stream's history with the cut payloads put back (`fullEvents`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyEvent } from '../../shared/events.js';
import { bySeq, HarBuilder } from '../../shared/har.js';
import type { UiPlugin } from '../ui/ui-plugin.js';
import type { EventStream } from './event-stream.js';
import { sendJson } from './http-reply.js';
import { jsonSlices } from './json-slices.js';
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface HarPluginOptions {
  /** sio-proxy's version, for `log.creator`. */
  version?: string;
}

/** HAR exports at once: each holds the events it exports as objects while it runs (429 beyond). */
export const MAX_HAR_EXPORTS = 1;
/**
 * The newest events a HAR export covers, in bytes of their stream JSON: as parsed objects and HAR
 * entries they take several times that, so the whole 128 MB history would cost the proxy GBs.
 */
export const HAR_MAX_BYTES = 32 * 1024 * 1024;

/** What to export: the events, and how many older ones were held but left out. */
export type HarEvents = ProxyEvent[] | { events: ProxyEvent[]; omitted: number };
/** Characters of HAR written per turn of the loop. */
const SLICE_CHARS = 64 * 1024;
/**
 * Events made into HAR entries per turn of the loop: a few µs each, so a turn holds the relay for a
 * few ms at most, where 29 000 events in one call held it for 66-138 ms.
 */
export const HAR_EVENTS_PER_TURN = 500;

export class HarPlugin implements UiPlugin {
  readonly name = 'har';
  private running = 0;

  constructor(
    /** The events to export; a promise when they are read a slice at a time (EventStream.readEvents). */
    private readonly events: () => HarEvents | Promise<HarEvents>,
    private readonly opts: HarPluginOptions = {},
  ) {}

  http(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (url.pathname !== '/api/har') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('method not allowed\n');
      return true;
    }
    if (this.running >= MAX_HAR_EXPORTS) {
      sendJson(res, 429, { error: `a HAR export is running already: try again once it has finished` });
      return true;
    }
    this.running++;
    const session = url.searchParams.get('session');
    let gone = false;
    res.once('close', () => (gone = true));
    void (async () => {
      try {
        const read = await this.events();
        const events = Array.isArray(read) ? read : read.events;
        const omitted = Array.isArray(read) ? 0 : read.omitted;
        const builder = new HarBuilder({ ...(this.opts.version ? { version: this.opts.version } : {}) });
        const ofSession = session ? sessionFilter(session) : undefined;
        await eachInTurns(bySeq(events), HAR_EVENTS_PER_TURN, (e) => {
          if (!ofSession || ofSession(e)) builder.add(e);
        });
        if (gone) return;
        const har = builder.har();
        if (omitted > 0) {
          const note = `sio-proxy: the ${omitted} oldest events held were left out (a HAR export covers the newest ${HAR_MAX_BYTES / 2 ** 20} MB of events); GET /api/capture has them all`;
          har.log.comment = har.log.comment ? `${note}. ${har.log.comment}` : note;
        }
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        res.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Disposition': `attachment; filename="sio-proxy-${session ? `${safe(session)}-` : ''}${stamp}.har"`,
          'Cache-Control': 'no-store',
        });
        if (req.method === 'HEAD') return void res.end();
        // Written a slice a turn, never the whole file, nor one entry, as one string: a WebSocket's
        // entry holds all of its session's messages.
        for (const slice of jsonSlices(har, SLICE_CHARS)) {
          if (gone) break;
          if (!res.write(slice)) await new Promise((resolve) => res.once('drain', resolve));
          // And a turn in any case: 'drain' comes on the same turn (process.nextTick) when the socket
          // took the bytes at once, which let a whole export run without the relay getting a turn.
          await nextTurn();
        }
        res.end();
      } catch (err) {
        if (!res.headersSent) sendJson(res, 500, { error: `HAR export failed: ${(err as Error).message}` });
        else res.destroy();
      } finally {
        this.running--;
      }
    })();
    return true;
  }
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);

/** An event stream's events for export: its newest HAR_MAX_BYTES of them, full payloads put back. */
export function streamHarEvents(
  stream: Pick<EventStream, 'readEvents' | 'payloads'>,
): () => Promise<HarEvents> {
  return harEvents(
    (maxBytes) => stream.readEvents(maxBytes),
    () => stream.payloads,
  );
}

/**
 * Events for export read by `read` (the newest HAR_MAX_BYTES of them), with the cut payloads put
 * back, HAR_EVENTS_PER_TURN a turn; `payloads` is asked for the store of each run's cut seqs (the
 * reader thread asks the main thread, which holds the store).
 */
export function harEvents(
  read: (maxBytes: number) => Promise<{ events: ProxyEvent[]; omitted: number }>,
  payloads: (seqs: number[]) => FullPayloads | Promise<FullPayloads>,
): () => Promise<HarEvents> {
  return async () => {
    const { events, omitted } = await read(HAR_MAX_BYTES);
    const full: ProxyEvent[] = [];
    for (let i = 0; i < events.length; i += HAR_EVENTS_PER_TURN) {
      if (i > 0) await nextTurn();
      const run = events.slice(i, i + HAR_EVENTS_PER_TURN);
      const cut = run.filter((e) => 'truncated' in e && e.truncated).map((e) => e.seq);
      const store = await payloads(cut);
      for (const e of run) full.push(fullEvent(e, store));
    }
    return { events: full, omitted };
  };
}

/** Calls `each` on every item in order, `perTurn` of them a turn of the loop. */
async function eachInTurns<T>(items: readonly T[], perTurn: number, each: (item: T) => void): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % perTurn === 0) await nextTurn();
    each(items[i]!);
  }
}

/** Where cut payloads are kept (proxy/stream/payload-store.ts), by the event's seq. */
export interface FullPayloads {
  get(seq: number): { found: true; json: string } | { found: false; evicted: boolean };
}

/**
 * The events as the event stream holds them (JSON, payloads cut to a limit), with the full payloads
 * put back where the store still has them, so that HAR frames and bodies are whole. An event whose
 * payload was evicted keeps its cut values and `truncated`, which the export reports in a comment.
 */
export function fullEvents(events: ProxyEvent[], payloads: FullPayloads): ProxyEvent[] {
  return events.map((e) => fullEvent(e, payloads));
}

/** One event of `fullEvents`. */
export function fullEvent(e: ProxyEvent, payloads: FullPayloads): ProxyEvent {
  if (!('truncated' in e) || !e.truncated) return e;
  const found = payloads.get(e.seq);
  if (!found.found) return e;
  let full: Record<string, unknown>;
  try {
    full = JSON.parse(found.json) as Record<string, unknown>;
  } catch {
    return e;
  }
  const { seq: _seq, type: _type, sessionId: _sid, args, ...fields } = full;
  const { truncated: _cut, ...whole } = { ...e, ...fields } as ProxyEvent & { truncated?: boolean };
  const out = whole as ProxyEvent;
  if (out.type === 'packet' && out.sio && args !== undefined) out.sio = { ...out.sio, args };
  return out;
}

/**
 * The events of one session's HAR: those that name it, and the inferred room groups it was a member
 * of. A group names no session (it is about several), and its later updates may no longer list this
 * one (that is how it left), so every update of a group it was once in is kept.
 */
export function sessionFilter(session: string): (e: ProxyEvent) => boolean {
  const groups = new Set<string>();
  return (e) => {
    if ('sessionId' in e && e.sessionId === session) return true;
    if (e.type !== 'room' || e.action !== 'group') return false;
    const key = `${e.nsp}\u0000${e.room}`;
    if (e.members?.includes(session)) groups.add(key);
    return groups.has(key);
  };
}
