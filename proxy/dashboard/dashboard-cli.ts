/**
 * `sio-proxy dashboard --redis URL`: the flags of the dashboard-only mode, and its terminal side
 * (the banner, opening the browser, shutting down on SIGINT/SIGTERM). The wiring is redis-dashboard.ts.
 */
import { parseArgs } from 'node:util';
import { parseCount, parsePort, parseRedisUrl, UsageError } from '../cli-args.js';
import { createLogger } from '../log.js';
import { packageVersion } from '../package-version.js';
import { listenOrFail, StartError } from '../start-checks.js';
import { DEFAULT_REDIS_KEY } from '../stream/redis-sink.js';
import { randomToken } from '../ui/token.js';
import { RedisDashboard } from './redis-dashboard.js';

export const DASHBOARD_USAGE = `Usage: sio-proxy dashboard --redis URL [options]

One dashboard over the events of every proxy started with --redis URL: their history from the
Redis Stream, then live; sessions labelled by proxy; a proxy that stops is shown as gone.

  --redis URL        the Redis the proxies write to (redis://host:port)
  --redis-key NAME   the stream's key (default ${DEFAULT_REDIS_KEY})
  --ui-port N        dashboard port (default 8081; 0 picks a free one)
  --ui-host ADDR     dashboard address (default 127.0.0.1: loopback only)
  --ui-token TOKEN   dashboard token (default: a random one)
  --history N        events kept for the panel (default 100000)
  --no-open          do not open the dashboard in a browser
  --quiet            no info logs
  --help
`;

export interface DashboardCliOptions {
  redis: string;
  redisKey: string;
  uiPort: number;
  uiHost: string;
  uiToken: string | undefined;
  history: number;
  open: boolean;
  quiet: boolean;
  help: boolean;
}

export function parseDashboardCli(argv: string[]): DashboardCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        redis: { type: 'string' },
        'redis-key': { type: 'string' },
        'ui-port': { type: 'string' },
        'ui-host': { type: 'string' },
        'ui-token': { type: 'string' },
        history: { type: 'string' },
        'no-open': { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(
      `dashboard: ${(err as Error).message.split('\n')[0]} (see sio-proxy dashboard --help)`,
    );
  }
  if (!values.help && values.redis === undefined)
    throw new UsageError('dashboard: --redis URL is required (the Redis the proxies write to)');
  return {
    redis: values.redis === undefined ? '' : parseRedisUrl(values.redis),
    redisKey: values['redis-key'] || DEFAULT_REDIS_KEY,
    uiPort: parsePort(values['ui-port'], 8081, '--ui-port'),
    uiHost: values['ui-host'] ?? '127.0.0.1',
    uiToken: values['ui-token'],
    history: parseCount(values.history, 100_000, '--history'),
    open: !values['no-open'],
    quiet: !!values.quiet,
    help: !!values.help,
  };
}

/** How long the start waits for Redis: a dashboard with nothing to read should say so, not hang. */
const CONNECT_TIMEOUT_MS = 5000;

function withTimeout<T>(p: Promise<T>, ms: number, why: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${why} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export async function runDashboardCli(
  argv: string[],
  fail: (message: string, code: number) => never,
  openBrowser: (url: string) => void,
): Promise<void> {
  let opts: DashboardCliOptions;
  try {
    opts = parseDashboardCli(argv);
  } catch (err) {
    if (err instanceof UsageError) fail(err.message, 2);
    throw err;
  }
  if (opts.help) return void process.stdout.write(DASHBOARD_USAGE);
  const log = createLogger({ quiet: opts.quiet });
  const dashboard = new RedisDashboard({
    redis: { url: opts.redis, key: opts.redisKey },
    port: opts.uiPort,
    host: opts.uiHost,
    token: opts.uiToken ?? randomToken(),
    history: opts.history,
    logger: log,
  });
  try {
    await withTimeout(dashboard.connect(), CONNECT_TIMEOUT_MS, 'no answer');
    await listenOrFail(() => dashboard.listen(), { host: opts.uiHost, port: opts.uiPort, flag: '--ui-port' });
  } catch (err) {
    await dashboard.close().catch(() => undefined);
    if (err instanceof StartError) throw err;
    throw new StartError(`--redis ${opts.redis}: cannot read the stream: ${(err as Error).message}`);
  }
  process.stdout.write(
    `sio-proxy ${packageVersion()} dashboard\n` +
      `  redis:     ${opts.redis} ${opts.redisKey}\n` +
      `  dashboard: ${dashboard.url()}\n`,
  );
  if (opts.open && !process.env.CI) openBrowser(dashboard.url());
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: closing the dashboard`);
    await dashboard.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
