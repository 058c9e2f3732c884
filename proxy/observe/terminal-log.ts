/**
 * `--log pretty|json`: every event in the terminal, one line each, in Socket.IO terms or as JSON.
 *
 *   12:00:01.234 s2c 3fA9… 42 chat message ["hi"] ack=3 (45 B)
 *   12:00:01.240 c2s 3fA9… 40 /admin {"token":"…"} (20 B)
 *   12:00:01.241     3fA9… connect /admin id=abc recovered=false
 *   12:00:01.290 s2c 3fA9… ack 3 "chat message" 12.3 ms
 *   12:00:26.001 s2c 3fA9… 2 ping
 *   12:00:26.002     3fA9… problem reserved-event: "disconnect" is a reserved event name #41
 *                         fix: socket.io reserves connect, connect_error, disconnect, ...
 *
 * A problem (shared/analysis) gets its fix on a second line the first time its kind is printed.
 * Past the first few of a kind (an ACK that never comes, on every emit), its problems are folded:
 * a line with the count at the 10th, 100th, 1000th... (the stream and the panel still have each).
 *
 *   12:00:40.101     3fA9… problem ack-timeout: ×10 so far (the latest: no ACK for "save" ...) #1201
 * The bus observer only enqueues (the relay waits for it); filtering, formatting and writing happen
 * later, off the relay's path. The queue is bounded: when stdout cannot keep up (a pipe nobody reads,
 * a slow terminal), events past the bound are dropped and counted, and a line says how many. Colours
 * only when stdout is a terminal (and NO_COLOR is not set).
 */
import { ENGINE_PACKET_TYPES } from '../../shared/engineio.js';
import { withBinaryAsJson } from '../stream/binary-json.js';
import type { PacketEvent, ProxyEvent } from '../../shared/events.js';
import { SIO_PACKET_TYPES } from '../../shared/socketio.js';
import type { EventBus } from '../events/bus.js';
import { jsonPreview } from '../../shared/match/event-text.js';
import { parseFilter, type LogFilter } from './log-filter.js';

export type LogMode = 'pretty' | 'json';

/** The part of a writable stream the log uses (process.stdout, or a test's stream). */
export interface LogOutput {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  on?(event: 'error', listener: (err: Error) => void): unknown;
  isTTY?: boolean;
}

export interface TerminalLogOptions {
  mode: LogMode;
  /** A `--filter` expression (see log-filter.ts), or a compiled filter. */
  filter?: string | LogFilter;
  out?: LogOutput;
  /** Default: when `out` is a terminal and NO_COLOR is not set. */
  color?: boolean;
  /** Events waiting to be written before new ones are dropped. */
  maxQueue?: number;
  /** Characters of args shown per line in pretty mode. */
  argsWidth?: number;
  /** Queue events but print nothing until `resume()` (the CLI prints its banner first). */
  paused?: boolean;
}

const DEFAULT_MAX_QUEUE = 10_000;
/** Problems of one kind printed one by one before they are folded into counts. */
export const PROBLEM_LINES_PER_KIND = 3;
/** Kinds counted (a hostile stream could invent many): past it, new kinds are printed unfolded. */
const MAX_KINDS = 1000;

/** How many problems of each kind the log has been handed. */
class ProblemFolding {
  private readonly counts = new Map<string, number>();
  /** This problem's number within its kind (1 for the first). */
  seen(kind: string): number {
    const n = (this.counts.get(kind) ?? 0) + 1;
    if (n === 1 && this.counts.size >= MAX_KINDS) return 1;
    this.counts.set(kind, n);
    return n;
  }
}

const isPowerOfTen = (n: number): boolean => {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
};

interface DropNote {
  dropped: number;
  /** seq of the last event dropped. */
  lastSeq: number;
}
/** Lines are written in chunks of about this many characters. */
const CHUNK = 64 * 1024;

export class TerminalLog {
  private readonly out: LogOutput;
  private readonly filter: LogFilter;
  /** The lines of an event, or undefined when it is folded away. */
  private readonly format: (e: ProxyEvent) => string | undefined;
  private readonly maxQueue: number;
  /** Events, and in their place a note for each run of events that was dropped. */
  private queue: (ProxyEvent | DropNote)[] = [];
  private head = 0;
  private queued = 0;
  private scheduled = false;
  private waitingDrain = false;
  private idle: (() => void)[] = [];
  private paused: boolean;
  /** The output failed (a closed pipe: `sio-proxy --log json | head`): the log stops, the proxy not. */
  private broken = false;

  constructor(private readonly opts: TerminalLogOptions) {
    this.out = opts.out ?? process.stdout;
    this.filter = typeof opts.filter === 'function' ? opts.filter : parseFilter(opts.filter);
    const color = opts.color ?? (!!this.out.isTTY && !process.env.NO_COLOR);
    const pretty = { color, argsWidth: opts.argsWidth ?? 200 };
    const problems = new ProblemFolding();
    this.format =
      opts.mode === 'json'
        ? jsonLine
        : (e) => {
            if (e.type !== 'problem') return prettyLine(e, pretty);
            const seen = problems.seen(e.kind);
            if (seen > PROBLEM_LINES_PER_KIND) {
              if (!isPowerOfTen(seen)) return undefined;
              return prettyLine({ ...e, title: `×${seen} so far (the latest: ${e.title})` }, pretty);
            }
            const line = prettyLine(e, pretty);
            return seen === 1 ? `${line}\n${' '.repeat(23)}fix: ${clean(e.fix)}` : line;
          };
    this.maxQueue = Math.max(1, opts.maxQueue ?? DEFAULT_MAX_QUEUE);
    this.paused = opts.paused ?? false;
    this.out.on?.('error', (err: Error & { code?: string }) => {
      if (this.broken) return;
      this.broken = true;
      this.queue = [];
      this.head = 0;
      this.queued = 0;
      this.settle();
      process.stderr.write(`sio-proxy: the log output failed (${err.code ?? err.message}): logging stops\n`);
    });
  }

  resume(): void {
    this.paused = false;
    if (this.pending() > 0) this.schedule();
  }

  /** The bus observer: O(1), no formatting, no I/O. */
  readonly observe = (event: ProxyEvent): void => {
    if (this.broken) return;
    if (this.queued >= this.maxQueue) {
      const last = this.queue[this.queue.length - 1];
      if (last && this.queue.length > this.head && 'dropped' in last && !('type' in last)) {
        last.dropped++;
        last.lastSeq = event.seq;
      } else this.queue.push({ dropped: 1, lastSeq: event.seq });
      return;
    }
    this.queue.push(event);
    this.queued++;
    this.schedule();
  };

  /** Resolves once everything queued has been handed to the output (or after `ms`). */
  flush(ms = 1000): Promise<void> {
    this.resume();
    if (this.pending() === 0 && !this.waitingDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref?.();
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private pending(): number {
    return this.queue.length - this.head;
  }

  private schedule(): void {
    if (this.scheduled || this.waitingDrain || this.paused) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    if (this.broken) return;
    let chunk = '';
    while (chunk.length < CHUNK && this.head < this.queue.length) {
      const item = this.queue[this.head++]!;
      if (!('type' in item)) {
        chunk += this.droppedLine(item);
        continue;
      }
      const event = item;
      this.queued--;
      try {
        const text = this.filter(event) ? this.format(event) : undefined;
        if (text !== undefined) chunk += text + '\n';
      } catch (err) {
        chunk += `sio-proxy: could not print event ${event.seq}: ${(err as Error).message}\n`;
      }
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    const more = this.head < this.queue.length;
    if (chunk && !this.out.write(chunk)) {
      this.waitingDrain = true;
      this.out.once('drain', () => {
        this.waitingDrain = false;
        if (this.pending() > 0) this.schedule();
        else this.settle();
      });
      return;
    }
    if (more) this.schedule();
    else this.settle();
  }

  private settle(): void {
    for (const fn of this.idle.splice(0)) fn();
  }

  private droppedLine(note: DropNote): string {
    const count = note.dropped;
    const reason = 'stdout was slower than the events';
    if (this.opts.mode === 'json') {
      const ts = Date.now();
      return JSON.stringify({ type: 'dropped', count, reason, seq: note.lastSeq, ts }) + '\n';
    }
    return `sio-proxy: ${count} event(s) not shown: ${reason}\n`;
  }
}

/** Subscribes a terminal log to the bus; `close()` unsubscribes and flushes what is queued. */
export function startTerminalLog(
  bus: EventBus,
  opts: TerminalLogOptions,
): { log: TerminalLog; close(): Promise<void> } {
  const log = new TerminalLog(opts);
  const unsubscribe = bus.subscribe(log.observe);
  return {
    log,
    close: async () => {
      unsubscribe();
      await log.flush();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// JSON lines

/** The event as one JSON line; binary values as `{ "_binary": base64, "size": N }`, like the stream. */
export function jsonLine(event: ProxyEvent): string {
  if (event.type !== 'packet') return JSON.stringify(event);
  // `binary` is a lazy, non-enumerable getter (proxy/events/raw-bytes.ts): name it to include it.
  const binary = event.binary;
  const hasBinary = !!event.sio && (!!event.sio.attachments || event.sio.type.startsWith('BINARY_'));
  const sio = hasBinary && event.sio ? { ...event.sio, args: withBinaryAsJson(event.sio.args) } : event.sio;
  return JSON.stringify({ ...event, ...(sio ? { sio } : {}), ...(binary !== undefined ? { binary } : {}) });
}

// ---------------------------------------------------------------------------------------------------
// Pretty lines

interface PrettyOptions {
  color: boolean;
  argsWidth: number;
}

const ANSI = {
  dim: '2',
  bold: '1',
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
} as const;
type Style = keyof typeof ANSI;

export function prettyLine(event: ProxyEvent, opts: PrettyOptions): string {
  const paint = (style: Style, s: string) => (opts.color && s ? `\x1b[${ANSI[style]}m${s}\x1b[0m` : s);
  const dir = 'direction' in event ? event.direction : undefined;
  const sid = 'sessionId' in event && event.sessionId ? shortId(event.sessionId) : '     ';
  const head = [
    paint('dim', clock(event.ts)),
    dir ? paint(dir === 'c2s' ? 'green' : 'cyan', dir) : '   ',
    paint('dim', sid),
  ].join(' ');
  return `${head} ${body(event, opts, paint)}`;
}

type Paint = (style: Style, s: string) => string;

function body(e: ProxyEvent, opts: PrettyOptions, paint: Paint): string {
  // Everything that came from a peer goes through clean() (directly, or via q/preview/cut).
  const q = (s: string) => clean(JSON.stringify(s));
  const preview = (v: unknown) => clean(jsonPreview(v, opts.argsWidth));
  const nspOf = (nsp: string) => (nsp === '/' ? '' : `${clean(nsp)} `);
  switch (e.type) {
    case 'packet':
      return packetBody(e, opts, paint);
    case 'session':
      return (
        paint('bold', 'session') +
        ` EIO${e.eio} ${e.transport} ${cut(e.handshake.url, 300)}` +
        (e.handshake.address ? ` from ${clean(e.handshake.address)}` : '') +
        paint('dim', ` ping=${e.open.pingInterval}/${e.open.pingTimeout}`) +
        (e.open.upgrades.length ? paint('dim', ` upgrades=${clean(e.open.upgrades.join(','))}`) : '')
      );
    case 'http':
      return paint('dim', `http ${clean(e.method)} ${e.status} ${cut(e.url, 300)} ${e.duration} ms`);
    case 'upgrade':
      return (
        paint(e.stage === 'failure' ? 'red' : 'magenta', `upgrade ${e.leg} ${e.stage}`) +
        (e.reason ? ` ${q(e.reason)}` : '')
      );
    case 'drain':
      return paint('dim', `drain ${e.leg}`);
    case 'close':
      return (
        paint('yellow', `close ${e.leg}`) +
        ` ${q(e.reason)}` +
        paint('dim', e.leg === e.first ? ' (first)' : '')
      );
    case 'connect':
      return (
        paint('green', 'connect') +
        ` ${clean(e.nsp)} id=${clean(e.socketId)} recovered=${e.recovered}` +
        (e.auth !== undefined ? paint('dim', ` auth=${preview(e.auth)}`) : '')
      );
    case 'connect_error':
      return (
        paint('red', 'connect_error') +
        ` ${clean(e.nsp)} ${q(e.message)}` +
        (e.data !== undefined ? ` ${preview(e.data)}` : '')
      );
    case 'disconnect':
      return (
        paint('yellow', 'disconnect') +
        ` ${clean(e.nsp)} client:${q(e.clientReason)} server:${q(e.serverReason)}` +
        paint('dim', ` by ${e.leg}${e.active ? ', reconnects' : ''}`)
      );
    case 'ack':
      return (
        paint('blue', 'ack') +
        ` ${nspOf(e.nsp)}${e.id}${e.event !== undefined ? ` ${q(e.event)}` : ''} ${e.latency.toFixed(1)} ms`
      );
    case 'room':
      return (
        paint('magenta', `room ${e.action}`) +
        ` ${clean(e.nsp)} ${q(e.room)}` +
        (e.socketId ? ` socket=${clean(e.socketId)}` : '') +
        (e.members ? ` members=${e.members.length}` : '') +
        paint('dim', ` (${e.source})`)
      );
    case 'attempt':
      return (
        paint(e.outcome === 'failed' ? 'red' : 'bold', `attempt ${e.attempt} ${e.outcome}`) +
        paint('dim', ` client=${clean(e.clientKey.slice(0, 8))}`) +
        (e.attempt > 0 ? ` after ${Math.round(e.delay)} ms` : '') +
        (e.cause ? ` cause=${q(e.cause)}` : '') +
        (e.error ? ` ${q(e.error)}` : '')
      );
    case 'error':
      return (
        paint('red', `error ${cut(e.message, 500)}`) +
        (e.received ? paint('dim', ` ${cut(e.received, opts.argsWidth)}`) : '')
      );
    case 'dropped':
      return paint('red', `dropped ${e.count}`) + ` ${clean(e.reason)}`;
    case 'sampling':
      return (
        paint('yellow', e.state === 'on' ? `sampling 1 in ${e.every}` : 'sampling ended') +
        ` since seq ${e.since}, ${e.counted} packets counted, ${e.leftOut} left out` +
        paint('dim', ` ${clean(e.reason)}`)
      );
    case 'source':
      return (
        paint(e.state === 'gone' ? 'red' : 'green', `proxy ${clean(e.source)} ${e.state}`) +
        ` ${clean(e.reason)}`
      );
    case 'problem':
      return (
        paint(e.severity === 'error' ? 'red' : 'yellow', `problem ${clean(e.kind)}:`) +
        ` ${cut(e.title, 500)}` +
        (e.confidence === 'certain' ? '' : paint('dim', ` (${e.confidence})`)) +
        paint('dim', e.seqs.length ? ` ${e.seqs.map((s) => `#${s}`).join(' ')}` : '')
      );
    case 'intervention':
      return paint('magenta', `intervention ${e.action}`) + ` ${cut(e.detail, 500)}`;
  }
}

/** `42 chat message ["hi"] ack=3 (45 B)`: the wire code, then what it means. */
function packetBody(p: PacketEvent, opts: PrettyOptions, paint: Paint): string {
  const engineCode = String(ENGINE_PACKET_TYPES.indexOf(p.engine));
  const size = paint('dim', ` (${p.size} B)`);
  if (p.engine === 'ping' || p.engine === 'pong') {
    return paint('dim', `${engineCode} ${p.engine}${p.data ? ` ${cut(p.data, 20)}` : ''}`);
  }
  if (p.engine !== 'message') {
    const data = p.data ? ` ${cut(p.data, opts.argsWidth)}` : '';
    return paint('magenta', `${engineCode} ${p.engine}`) + paint('dim', data);
  }
  if (!p.sio) {
    // Raw Engine.IO, or part of a binary Socket.IO packet waiting for its attachments.
    const what = p.raw ? 'raw' : p.binary !== undefined ? 'attachment' : 'pending';
    return `${engineCode} ${paint('dim', cut(p.data ?? '', opts.argsWidth))}${paint('dim', ` ${what}`)}${size}`;
  }
  const s = p.sio;
  const code = engineCode + String(SIO_PACKET_TYPES.indexOf(s.type));
  const nsp = s.nsp === '/' ? '' : `${clean(s.nsp)} `;
  // A cut event (read back from the stream) holds the start of the args' JSON as a string.
  const args = (v: unknown) =>
    typeof v === 'string' && p.truncated ? cut(v, opts.argsWidth) : clean(jsonPreview(v, opts.argsWidth));
  const withArgs = (v: unknown) => (v !== undefined ? ` ${args(v)}` : '');
  switch (s.type) {
    case 'EVENT':
    case 'BINARY_EVENT': {
      const list = Array.isArray(s.args) ? s.args : [];
      const rest = list.length > 1 ? ` ${args(list.slice(1))}` : '';
      const name = s.event !== undefined ? clean(s.event) : clean(jsonPreview(list[0], 40));
      const ack = s.id !== undefined ? paint('blue', ` ack=${s.id}`) : '';
      return `${paint('bold', code)} ${nsp}${paint('yellow', name)}${rest}${ack}${size}`;
    }
    case 'ACK':
    case 'BINARY_ACK':
      return `${paint('bold', code)} ${nsp}${paint('blue', `ack=${s.id ?? '?'}`)}${withArgs(s.args)}${size}`;
    case 'CONNECT':
      return `${paint('bold', code)} ${clean(s.nsp)}${withArgs(s.args)}${size}`;
    case 'DISCONNECT':
      return `${paint('bold', code)} ${clean(s.nsp)}${size}`;
    case 'CONNECT_ERROR':
      return `${paint('red', code)} ${clean(s.nsp)}${withArgs(s.args)}${size}`;
  }
}

function clock(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

const shortId = (id: string) => (id.length > 4 ? `${id.slice(0, 4)}…` : id.padEnd(5));

function cut(s: string, max: number): string {
  return clean(s.length > max ? `${s.slice(0, max)}…` : s);
}

/**
 * Text from the wire goes to a terminal: control characters (newlines, and escape sequences a peer
 * could use to rewrite the screen) are shown escaped, never interpreted.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point here
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function clean(s: string): string {
  return s.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
