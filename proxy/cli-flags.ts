/**
 * The flags the proxy's CLI (cli-args.ts) and `sio-proxy dashboard` (dashboard/dashboard-cli.ts)
 * share: each stated once, with how parseArgs reads it, its line in --help, and how its value is
 * checked, so that the two commands cannot drift apart on what --ui-port or --history mean.
 */
/** A flag or value the command does not take: said with exit code 2. */
export class UsageError extends Error {}

/** One flag: parseArgs' part (`type`, `multiple`, `short`) plus its --help line. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** The value's name in --help (`--ui-port N`). */
  arg?: string;
  /** What it does, one line a string; none for a flag --help lists its own way (--help itself). */
  help?: readonly string[];
}

/** The dashboard's flags, the same in both commands. */
export const DASHBOARD_FLAGS = {
  'ui-port': { type: 'string', arg: 'N', help: ['dashboard port (default 8081; 0 picks a free one)'] },
  'ui-host': { type: 'string', arg: 'ADDR', help: ['dashboard address (default 127.0.0.1: loopback only)'] },
  'ui-token': { type: 'string', arg: 'TOKEN', help: ['dashboard token (default: a random one)'] },
  'no-open': { type: 'boolean', help: ['do not open the dashboard in a browser'] },
} as const satisfies Record<string, FlagSpec>;

/** Flags both commands take, with a --help line each command words for itself. */
export const COMMON_FLAGS = {
  redis: { type: 'string', arg: 'URL' },
  'redis-key': { type: 'string', arg: 'NAME' },
  history: { type: 'string', arg: 'N' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, FlagSpec>;

/** The --help lines of `flags`, in their order: the flag and its value, then what it does. */
export function flagLines(flags: Record<string, FlagSpec>): string {
  let out = '';
  for (const [name, spec] of Object.entries(flags)) {
    if (!spec.help) continue;
    const head = `--${name}${spec.arg ? ` ${spec.arg}` : ''}`;
    spec.help.forEach((line, i) => (out += `  ${(i === 0 ? head : '').padEnd(18)} ${line}\n`));
  }
  return out;
}

/** The values of the dashboard's flags (and --history, --quiet) as both commands read them. */
export interface DashboardFlagValues {
  uiPort: number;
  uiHost: string;
  uiToken: string | undefined;
  open: boolean;
  quiet: boolean;
  history: number;
}

export function parseDashboardFlags(values: {
  'ui-port'?: string | undefined;
  'ui-host'?: string | undefined;
  'ui-token'?: string | undefined;
  'no-open'?: boolean | undefined;
  quiet?: boolean | undefined;
  history?: string | undefined;
}): DashboardFlagValues {
  return {
    uiPort: parsePort(values['ui-port'], 8081, '--ui-port'),
    uiHost: values['ui-host'] ?? '127.0.0.1',
    uiToken: values['ui-token'],
    open: !values['no-open'],
    quiet: !!values.quiet,
    history: parseCount(values.history, 100_000, '--history'),
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

export function parsePort(raw: string | undefined, fallback: number, flag: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${flag} "${raw}" is not a port (0-65535)`);
  return n;
}

export function parseCount(raw: string | undefined, fallback: number, flag: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} "${raw}" is not a count (0 or more)`);
  return n;
}
