/**
 * `sio-proxy dashboard --redis URL`: the flags of the dashboard-only mode, and its terminal side
 * (the banner, opening the browser, shutting down on SIGINT/SIGTERM). The wiring is redis-dashboard.ts.
 */
import { parseArgs } from 'node:util';
import {
  COMMON_FLAGS,
  DASHBOARD_FLAGS,
  flagLines,
  parseDashboardFlags,
  parseRedisUrl,
  UsageError,
  type DashboardFlagValues,
  type FlagSpec,
} from '../cli-flags.js';
import { createLogger } from '../log.js';
import { packageVersion } from '../package-version.js';
import { listenOrFail, StartError } from '../start-checks.js';
import { DEFAULT_REDIS_KEY } from '../stream/redis-sink.js';
import { randomToken } from '../ui/token.js';
import { RedisDashboard } from './redis-dashboard.js';

/** The dashboard command's flags, in the order --help lists them. */
const FLAGS = {
  redis: { ...COMMON_FLAGS.redis, help: ['the Redis the proxies write to (redis://host:port)'] },
  'redis-key': { ...COMMON_FLAGS['redis-key'], help: [`the stream's key (default ${DEFAULT_REDIS_KEY})`] },
  'ui-port': DASHBOARD_FLAGS['ui-port'],
  'ui-host': DASHBOARD_FLAGS['ui-host'],
  'ui-token': DASHBOARD_FLAGS['ui-token'],
  history: { ...COMMON_FLAGS.history, help: ['events kept for the panel (default 100000)'] },
  'no-open': DASHBOARD_FLAGS['no-open'],
  quiet: { ...COMMON_FLAGS.quiet, help: ['no info logs'] },
  help: COMMON_FLAGS.help,
} as const satisfies Record<string, FlagSpec>;

export const DASHBOARD_USAGE = `Usage: sio-proxy dashboard --redis URL [options]

One dashboard over the events of every proxy started with --redis URL: their history from the
Redis Stream, then live; sessions labelled by proxy; a proxy that stops is shown as gone.

${flagLines(FLAGS)}  --help
`;

export interface DashboardCliOptions extends DashboardFlagValues {
  redis: string;
  redisKey: string;
  help: boolean;
}

export function parseDashboardCli(argv: string[]): DashboardCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: FLAGS,
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
    ...parseDashboardFlags(values),
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
