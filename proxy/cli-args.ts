/** Command-line flags: parsed and validated here, so the CLI itself only wires parts together. */
import { parseArgs } from 'node:util';
import { DEFAULT_PATHS } from './proxy-server.js';

export interface CliOptions {
  target: URL | undefined;
  port: number;
  host: string;
  paths: string[];
  uiPort: number;
  uiHost: string;
  uiToken: string | undefined;
  open: boolean;
  quiet: boolean;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: sio-proxy [--target URL] [options]

A transparent Socket.IO man-in-the-middle proxy. Point your app's clients at the proxy
and watch every handshake, packet, upgrade and close in the dashboard.

  --target URL       the Socket.IO app to proxy (default: start the built-in demo app)
  --port N           proxy port (default 8080; 0 picks a free one)
  --host ADDR        proxy address (default 127.0.0.1)
  --path P           Engine.IO path to terminate, repeatable (default /socket.io/)
  --ui-port N        dashboard port (default 8081; 0 picks a free one)
  --ui-host ADDR     dashboard address (default 127.0.0.1: loopback only)
  --ui-token TOKEN   dashboard token (default: a random one)
  --no-open          do not open the dashboard in a browser
  --quiet            no status line, no info logs
  --help, --version
`;

export function parseCli(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        path: { type: 'string', multiple: true },
        'ui-port': { type: 'string' },
        'ui-host': { type: 'string' },
        'ui-token': { type: 'string' },
        'no-open': { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  return {
    target: values.target === undefined ? undefined : parseTarget(values.target),
    port: parsePort(values.port, 8080, '--port'),
    host: values.host ?? '127.0.0.1',
    paths: values.path?.length ? values.path.map(parsePath) : DEFAULT_PATHS,
    uiPort: parsePort(values['ui-port'], 8081, '--ui-port'),
    uiHost: values['ui-host'] ?? '127.0.0.1',
    uiToken: values['ui-token'],
    open: !values['no-open'],
    quiet: !!values.quiet,
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

function parsePort(raw: string | undefined, fallback: number, flag: string): number {
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
