#!/usr/bin/env node
/** `sio-proxy`: parses flags and hands them to the composition root (api.ts); adds what only a
 * terminal needs: the demo app when no target is given, the banner, the terminal log, the status
 * line, opening the browser, and shutting down on SIGINT/SIGTERM. */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { assembleProxy, SioProxyError, type ProxyRuntime } from './api.js';
import { parseCli, UsageError, USAGE, type CliOptions } from './cli-args.js';
import type { DemoApp } from './demo/demo-app.js';
import type { DemoClients } from './demo/demo-clients.js';
import { loadDemo } from './demo/load-demo.js';
import { createLogger } from './log.js';
import { describeOpenFileLimit, readOpenFileLimit } from './observe/open-files.js';
import { startStatusLine } from './observe/status-line.js';
import { FilterError, parseFilter, type LogFilter } from './observe/log-filter.js';
import { startTerminalLog } from './observe/terminal-log.js';
import { packageVersion } from './package-version.js';
import { assertNodesReachable, listenOrFail, StartError } from './start-checks.js';
import { randomToken } from './ui/token.js';
import { runDashboardCli } from './dashboard/dashboard-cli.js';

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'dashboard') return runDashboardCli(argv.slice(1), fail, openBrowser);
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (err) {
    if (err instanceof UsageError) fail(err.message, 2);
    throw err;
  }
  if (opts.help) return void process.stdout.write(USAGE);
  if (opts.version) return void process.stdout.write(`${packageVersion()}\n`);

  const log = createLogger({ quiet: opts.quiet });
  let logFilter: LogFilter | undefined;
  try {
    logFilter = parseFilter(opts.filter);
  } catch (err) {
    if (err instanceof FilterError) fail(`--filter: ${err.message}`, 2);
    throw err;
  }
  if (opts.filter !== undefined && !opts.log) log.warn('--filter applies to --log only: ignored');
  let demo: DemoApp | undefined;
  let startDemoClients: ((url: string) => DemoClients) | undefined;
  let target: URL;
  if (opts.target) {
    target = opts.target;
    await assertNodesReachable(opts.targets, log);
  } else {
    const loaded = await loadDemo().catch((err: unknown) => {
      if (err instanceof StartError) fail(err.message, 2);
      throw err;
    });
    demo = await loaded.startDemoApp();
    startDemoClients = loaded.startDemoClients;
    target = new URL(demo.url);
  }

  let runtime: ProxyRuntime;
  try {
    runtime = assembleProxy({
      target,
      ...(opts.targets.length > 1 ? { targets: opts.targets } : {}),
      port: opts.port,
      host: opts.host,
      paths: opts.paths,
      history: opts.history,
      sampleUnderLoad: true,
      insecure: opts.insecure,
      analysis: { ackTimeoutMs: opts.ackTimeout },
      ...(opts.adminUi !== undefined ? { adminUi: opts.adminUi || true } : {}),
      ...(opts.adminAuth ? { adminAuth: opts.adminAuth } : {}),
      ...(opts.record ? { record: opts.record } : {}),
      ...(opts.redis
        ? {
            redis: {
              url: opts.redis,
              ...(opts.redisKey ? { key: opts.redisKey } : {}),
              ...(opts.redisSource ? { source: opts.redisSource } : {}),
            },
          }
        : {}),
      dashboard: {
        port: opts.uiPort,
        host: opts.uiHost,
        token: opts.uiToken ?? randomToken(),
        readerThread: opts.readerThread,
      },
      logger: log,
      ...(opts.rules ? { rules: opts.rules } : {}),
      pauseTimeoutMs: opts.pauseTimeoutMs,
    });
  } catch (err) {
    if (err instanceof SioProxyError && err.code === 'BAD_OPTION' && /^rules\[/.test(err.message))
      fail(`--rules: ${err.message}`, 2);
    if (err instanceof SioProxyError) throw new StartError(err.message);
    throw new StartError(
      `--record ${opts.record}: ${recordError(opts.record ?? '', err as NodeJS.ErrnoException)}`,
    );
  }
  const proxy = runtime.server;
  // Paused until the banner is printed: stdout then carries the banner, then one line per event.
  const terminalLog = opts.log
    ? startTerminalLog(proxy.bus, { mode: opts.log, filter: logFilter, paused: true })
    : undefined;
  await listenOrFail(() => runtime.listenProxy(), { host: opts.host, port: opts.port, flag: '--port' });
  await listenOrFail(() => runtime.listenDashboard(), {
    host: opts.uiHost,
    port: opts.uiPort,
    flag: '--ui-port',
    ownFlag: opts.uiPort === opts.port ? '--port' : undefined,
  });
  const ui = runtime.ui!;

  const clients: DemoClients | undefined = startDemoClients?.(proxy.url);
  const limit = describeOpenFileLimit(readOpenFileLimit());
  if (limit?.low) log.warn(`low open-file limit: ${limit.line}`);
  process.stdout.write(
    `sio-proxy ${packageVersion()}\n` +
      `  proxy:     ${proxy.url}  ->  ${proxy.targets
        .list()
        .map((n) => n.origin)
        .join(', ')}${demo ? '  (built-in demo app)' : ''}\n` +
      `  paths:     ${opts.paths.join(' ')}\n` +
      `  dashboard: ${ui.url()}\n` +
      (limit ? `  limits:    ${limit.line}\n` : '') +
      (runtime.redis
        ? `  redis:     ${opts.redis} ${runtime.redis.key} (source ${runtime.redis.source})\n`
        : '') +
      (demo ? `  demo page: ${proxy.url}/  (open it to chat through the proxy)\n` : ''),
  );
  if (opts.open && !process.env.CI) openBrowser(ui.url());
  terminalLog?.log.resume();
  // The status line would fight the log for the terminal.
  const stopStatus = opts.quiet || opts.log ? () => {} : startStatusLine(proxy);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopStatus();
    log.info(`${signal}: closing ${proxy.sessions.size} session(s)`);
    clients?.close();
    await runtime.close();
    await terminalLog?.close(); // prints the proxy's last close events
    await demo?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** Why FILE cannot be recorded to, in words (the code first: `ENOENT: ...`). */
function recordError(file: string, err: NodeJS.ErrnoException): string {
  const dir = dirname(resolve(file));
  if (err.code === 'ENOENT') return `ENOENT: the directory ${dir} does not exist`;
  if (err.code === 'EACCES') return `EACCES: no permission to write ${resolve(file)}`;
  if (err.code === 'EISDIR') return `EISDIR: ${resolve(file)} is a directory`;
  if (err.code === 'ENOTDIR') return `ENOTDIR: a part of ${dir} is not a directory`;
  return err.message;
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {}); // no browser here: the URL is printed anyway
    child.unref();
  } catch {
    /* same */
  }
}

function fail(message: string, code: number): never {
  process.stderr.write(`sio-proxy: ${message}\n`);
  process.exit(code);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof StartError) fail(err.message, 1);
  fail(`unexpected error: ${(err as Error).stack ?? String(err)}`, 1);
});
