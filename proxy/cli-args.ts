/** Command-line flags: parsed and validated here, so the CLI itself only wires parts together. */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { DEFAULT_PAUSE_TIMEOUT_MS, type RuleSpec } from './intervene/intervention.js';
import { DEFAULT_ACK_TIMEOUT_MS } from '../shared/analysis/analyzer.js';
import { DEFAULT_PATHS } from './proxy-server.js';

export interface CliOptions {
  target: URL | undefined;
  /** Every `--target` (the nodes of a cluster); `target` is the first. */
  targets: URL[];
  /** `--redis URL`: events also appended to a Redis Stream. */
  redis: string | undefined;
  redisKey: string | undefined;
  /** `--redis-source NAME`: this proxy's id in the stream (default host:pid). */
  redisSource: string | undefined;
  port: number;
  host: string;
  paths: string[];
  uiPort: number;
  uiHost: string;
  uiToken: string | undefined;
  open: boolean;
  quiet: boolean;
  /** Events kept for late observers and captures (ring buffer). */
  history: number;
  /** NDJSON file that every event is appended to. */
  record: string | undefined;
  log: 'pretty' | 'json' | undefined;
  /** Only log events that match (see proxy/observe/log-filter.ts). */
  filter: string | undefined;
  /** @socket.io/admin-ui instrumentation to read rooms from: '' means the target's `/admin`. */
  adminUi: string | undefined;
  /** `user:pass` for an instrumentation that asks for auth. */
  adminAuth: { username: string; password: string } | undefined;
  /** Do not verify an https target's certificate. */
  insecure: boolean;
  /** `--rules FILE`: a JSON array of rules (the control API's POST /api/rules bodies), read at start. */
  rules: RuleSpec[] | undefined;
  /** `--pause-timeout MS`: a held packet is forwarded as it was after this long. */
  pauseTimeoutMs: number;
  /** How long an EVENT waits for its ACK before it is an `ack-timeout` problem (ms). */
  ackTimeout: number;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: sio-proxy [--target URL] [options]
       sio-proxy dashboard --redis URL [options]   (one dashboard over many proxies; --help there)

A transparent Socket.IO man-in-the-middle proxy. Point your app's clients at the proxy
and watch every handshake, packet, upgrade and close in the dashboard.

  --target URL       the Socket.IO app to proxy (default: start the built-in demo app); repeat it
                     (or give a comma list) for the nodes of a cluster: new sessions go to them in
                     turn, each session sticks to its node
  --insecure         accept an https target's self-signed or otherwise unverified certificate
  --port N           proxy port (default 8080; 0 picks a free one)
  --host ADDR        proxy address (default 127.0.0.1)
  --path P           Engine.IO path to terminate, repeatable (default /socket.io/)
  --ui-port N        dashboard port (default 8081; 0 picks a free one)
  --ui-host ADDR     dashboard address (default 127.0.0.1: loopback only)
  --ui-token TOKEN   dashboard token (default: a random one)
  --no-open          do not open the dashboard in a browser
  --quiet            no status line, no info logs
  --history N        events kept for late observers and captures (default 100000)
  --record FILE      append every event to FILE as NDJSON
  --redis URL        also append every event to a Redis Stream (redis://host:port), never
                     waiting on it
  --redis-key NAME   that stream's key (default sio-proxy:events)
  --redis-source ID  this proxy's name in that stream (default host:pid); keep it across restarts
                     and "sio-proxy dashboard" shows the proxy back rather than a new one
  --log pretty|json  print events in the terminal, in Socket.IO terms or as JSON lines
  --filter EXPR      only log matching events (e.g. 'chat', 'type:connect', 's2c')
  --admin-ui [URL]   read rooms from @socket.io/admin-ui's instrument() (default: target /admin)
  --admin-auth U:P   credentials for that instrumentation
  --rules FILE       arm the rules in FILE at start (a JSON array; see docs/control-api.md)
  --pause-timeout MS a paused packet is forwarded as it was after MS (default 60000)
  --ack-timeout MS   an ACK later than this is a problem (default 5000, socket.timeout(5000))
  --help, --version
`;

export function parseCli(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: withOptionalValues(argv),
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string', multiple: true },
        redis: { type: 'string' },
        'redis-key': { type: 'string' },
        'redis-source': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        path: { type: 'string', multiple: true },
        'ui-port': { type: 'string' },
        'ui-host': { type: 'string' },
        'ui-token': { type: 'string' },
        'no-open': { type: 'boolean' },
        quiet: { type: 'boolean' },
        history: { type: 'string' },
        record: { type: 'string' },
        log: { type: 'string' },
        filter: { type: 'string' },
        'admin-ui': { type: 'string' },
        'admin-auth': { type: 'string' },
        insecure: { type: 'boolean' },
        rules: { type: 'string' },
        'pause-timeout': { type: 'string' },
        'ack-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  // `--target A --target B` or `--target A,B`: the nodes of one app.
  const targets = (values.target ?? [])
    .flatMap((t) => t.split(','))
    .filter(Boolean)
    .map(parseTarget);
  return {
    target: targets[0],
    targets,
    redis: values.redis === undefined ? undefined : parseRedisUrl(values.redis),
    redisKey: values['redis-key'],
    redisSource: values['redis-source'] || undefined,
    port: parsePort(values.port, 8080, '--port'),
    host: values.host ?? '127.0.0.1',
    paths: values.path?.length ? values.path.map(parsePath) : DEFAULT_PATHS,
    uiPort: parsePort(values['ui-port'], 8081, '--ui-port'),
    uiHost: values['ui-host'] ?? '127.0.0.1',
    uiToken: values['ui-token'],
    open: !values['no-open'],
    quiet: !!values.quiet,
    history: parseCount(values.history, 100_000, '--history'),
    record: values.record,
    log: parseLogMode(values.log),
    filter: values.filter,
    adminUi: values['admin-ui'],
    adminAuth: parseAuth(values['admin-auth']),
    insecure: !!values.insecure,
    rules: values.rules === undefined ? undefined : readRules(values.rules),
    pauseTimeoutMs: parseCount(values['pause-timeout'], DEFAULT_PAUSE_TIMEOUT_MS, '--pause-timeout'),
    ackTimeout: parseCount(values['ack-timeout'], DEFAULT_ACK_TIMEOUT_MS, '--ack-timeout'),
    help: !!values.help,
    version: !!values.version,
  };
}

export function parseRedisUrl(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    /* said below */
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:'))
    throw new UsageError(
      `--redis "${raw}" must be a redis:// or rediss:// URL (e.g. redis://localhost:6379)`,
    );
  return raw;
}

function parseTarget(raw: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new UsageError(`--target "${raw}" is not a URL (expected e.g. http://localhost:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--target "${raw}" must be an http:// or https:// URL`);
  }
  return url;
}

export function parsePort(raw: string | undefined, fallback: number, flag: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${flag} "${raw}" is not a port (0-65535)`);
  return n;
}

function parsePath(raw: string): string {
  if (!raw.startsWith('/')) throw new UsageError(`--path "${raw}" must start with /`);
  return raw;
}

/**
 * Two flags parseArgs cannot read as written: `--admin-ui` may stand alone (then it means the
 * target), and a `--filter` term may start with `-` (a negation, `--filter -engine:ping`).
 */
function withOptionalValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    if (arg === '--admin-ui' && (next === undefined || next.startsWith('--'))) out.push('--admin-ui=');
    else if (arg === '--filter' && next?.startsWith('-') && !next.startsWith('--')) {
      out.push(`--filter=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export function parseCount(raw: string | undefined, fallback: number, flag: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} "${raw}" is not a count (0 or more)`);
  return n;
}

function parseLogMode(raw: string | undefined): 'pretty' | 'json' | undefined {
  if (raw === undefined || raw === 'pretty' || raw === 'json') return raw;
  throw new UsageError(`--log "${raw}" must be pretty or json`);
}

function parseAuth(raw: string | undefined): { username: string; password: string } | undefined {
  if (raw === undefined) return undefined;
  const colon = raw.indexOf(':');
  if (colon <= 0) throw new UsageError('--admin-auth must be user:pass');
  return { username: raw.slice(0, colon), password: raw.slice(colon + 1) };
}

/** A bad rules file is a usage error naming the file and what is wrong with it. */
function readRules(file: string): RuleSpec[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--rules ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let rules: unknown;
  try {
    rules = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--rules ${file}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(rules)) throw new UsageError(`--rules ${file}: expected a JSON array of rules`);
  return rules as RuleSpec[];
}
