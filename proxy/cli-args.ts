/** Command-line flags: parsed and validated here, so the CLI itself only wires parts together. */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { DEFAULT_PAUSE_TIMEOUT_MS, type RuleSpec } from './intervene/intervention.js';
import { DEFAULT_ACK_TIMEOUT_MS } from '../shared/analysis/analyzer.js';
import { DEFAULT_PATHS } from './proxy-server.js';
import { DEFAULT_REDIS_KEY } from './stream/redis-sink.js';
import {
  COMMON_FLAGS,
  DASHBOARD_FLAGS,
  flagLines,
  parseCount,
  parseDashboardFlags,
  parsePort,
  parseRedisUrl,
  UsageError,
  type DashboardFlagValues,
  type FlagSpec,
} from './cli-flags.js';

/** The flags, read; `history` is the events kept for late observers and captures (ring buffer). */
export interface CliOptions extends DashboardFlagValues {
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
  /** `--reader-thread on|off`: whether the event stream's readers have a thread of their own. */
  readerThread: boolean;
  help: boolean;
  version: boolean;
}

export { UsageError, parseCount, parsePort, parseRedisUrl };

/** The proxy's flags, in the order --help lists them. */
const FLAGS = {
  target: {
    type: 'string',
    multiple: true,
    arg: 'URL',
    help: [
      'the Socket.IO app to proxy (default: start the built-in demo app); repeat it',
      '(or give a comma list) for the nodes of a cluster: new sessions go to them in',
      'turn, each session sticks to its node',
    ],
  },
  insecure: {
    type: 'boolean',
    help: ["accept an https target's self-signed or otherwise unverified certificate"],
  },
  port: { type: 'string', arg: 'N', help: ['proxy port (default 8080; 0 picks a free one)'] },
  host: { type: 'string', arg: 'ADDR', help: ['proxy address (default 127.0.0.1)'] },
  path: {
    type: 'string',
    multiple: true,
    arg: 'P',
    help: ['Engine.IO path to terminate, repeatable (default /socket.io/)'],
  },
  ...DASHBOARD_FLAGS,
  quiet: { ...COMMON_FLAGS.quiet, help: ['no status line, no info logs'] },
  history: {
    ...COMMON_FLAGS.history,
    help: ['events kept for late observers and captures (default 100000)'],
  },
  record: { type: 'string', arg: 'FILE', help: ['append every event to FILE as NDJSON'] },
  redis: {
    ...COMMON_FLAGS.redis,
    help: ['also append every event to a Redis Stream (redis://host:port), never', 'waiting on it'],
  },
  'redis-key': { ...COMMON_FLAGS['redis-key'], help: [`that stream's key (default ${DEFAULT_REDIS_KEY})`] },
  'redis-source': {
    type: 'string',
    arg: 'ID',
    help: [
      "this proxy's name in that stream (default host:pid); keep it across restarts",
      'and "sio-proxy dashboard" shows the proxy back rather than a new one',
    ],
  },
  log: {
    type: 'string',
    arg: 'pretty|json',
    help: ['print events in the terminal, in Socket.IO terms or as JSON lines'],
  },
  filter: {
    type: 'string',
    arg: 'EXPR',
    help: ["only log matching events (e.g. 'chat', 'type:connect', 's2c')"],
  },
  'admin-ui': {
    type: 'string',
    arg: '[URL]',
    help: ["read rooms from @socket.io/admin-ui's instrument() (default: target /admin)"],
  },
  'admin-auth': { type: 'string', arg: 'U:P', help: ['credentials for that instrumentation'] },
  rules: {
    type: 'string',
    arg: 'FILE',
    help: ['arm the rules in FILE at start (a JSON array; see docs/control-api.md)'],
  },
  'pause-timeout': {
    type: 'string',
    arg: 'MS',
    help: [`a paused packet is forwarded as it was after MS (default ${DEFAULT_PAUSE_TIMEOUT_MS})`],
  },
  'ack-timeout': {
    type: 'string',
    arg: 'MS',
    help: [`an ACK later than this is a problem (default ${DEFAULT_ACK_TIMEOUT_MS}, socket.timeout(5000))`],
  },
  'reader-thread': {
    type: 'string',
    arg: 'on|off',
    help: ["serve the event stream's readers from a thread of their own (default on)"],
  },
  help: COMMON_FLAGS.help,
  version: { type: 'boolean', short: 'v' },
} as const satisfies Record<string, FlagSpec>;

export const USAGE = `Usage: sio-proxy [--target URL] [options]
       sio-proxy dashboard --redis URL [options]   (one dashboard over many proxies; --help there)

A transparent Socket.IO man-in-the-middle proxy. Point your app's clients at the proxy
and watch every handshake, packet, upgrade and close in the dashboard.

${flagLines(FLAGS)}  --help, --version
`;

export function parseCli(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: withOptionalValues(argv),
      strict: true,
      allowPositionals: false,
      options: FLAGS,
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
    ...parseDashboardFlags(values),
    record: values.record,
    log: parseLogMode(values.log),
    filter: values.filter,
    adminUi: values['admin-ui'],
    adminAuth: parseAuth(values['admin-auth']),
    insecure: !!values.insecure,
    rules: values.rules === undefined ? undefined : readRules(values.rules),
    pauseTimeoutMs: parseCount(values['pause-timeout'], DEFAULT_PAUSE_TIMEOUT_MS, '--pause-timeout'),
    ackTimeout: parseCount(values['ack-timeout'], DEFAULT_ACK_TIMEOUT_MS, '--ack-timeout'),
    readerThread: parseReaderThread(values['reader-thread']),
    help: !!values.help,
    version: !!values.version,
  };
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

function parseLogMode(raw: string | undefined): 'pretty' | 'json' | undefined {
  if (raw === undefined || raw === 'pretty' || raw === 'json') return raw;
  throw new UsageError(`--log "${raw}" must be pretty or json`);
}

function parseReaderThread(raw: string | undefined): boolean {
  if (raw === undefined || raw === 'on' || raw === 'off') return raw !== 'off';
  throw new UsageError(`--reader-thread "${raw}" must be on or off`);
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
