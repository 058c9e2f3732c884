/**
 * The dashboard end-to-end fixtures: the real CLI (proxy + dashboard server) as a child process in
 * front of a real socket.io@4 app, the built panel opened with its token in Debian's Chromium, and
 * small helpers to read what a user sees (by the panel's `data-testid`s) and to save screenshots.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { ServerOptions } from 'socket.io';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { banner, cliArgs, runCli, type CliRun } from '../../test/support/cli-process.js';
import { startTarget, type Target } from '../../test/support/harness.js';
import { launchChromium } from './browser.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = join(ROOT, 'test-results/screenshots');

/**
 * Builds the panel when panel/dist has no index.html (scripts/test.mjs builds it before the e2e
 * suite when it is missing or older than panel/src; this covers a test file run on its own).
 */
export function ensurePanelBuilt(): void {
  if (existsSync(join(ROOT, 'panel/dist/index.html'))) return;
  const r = spawnSync('npm', ['run', 'build:panel'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build:panel failed');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/** The built panel over HTTP (module scripts do not load from file://), without a token: no live source. */
export async function servePanel(): Promise<{ server: Server; url: string }> {
  const dist = join(ROOT, 'panel/dist');
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(dist, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dist) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** The built panel served without a token (no live source) in Chromium at 1400x860, on its start page. */
export async function openOfflinePanel(
  timeout = 20_000,
): Promise<{ server: Server; browser: Browser; context: BrowserContext; page: Page }> {
  ensurePanelBuilt();
  const { server, url } = await servePanel();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    await shimEsbuildNames(context);
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    await page.goto(url);
    await page.getByTestId('no-source').waitFor();
    return { server, browser, context, page };
  } catch (err) {
    await browser?.close();
    server.close();
    throw err;
  }
}

export interface Cli {
  run: CliRun;
  /** The proxy's URL (point clients here). */
  proxy: string;
  /** The dashboard's URL with its token. */
  dashboard: string;
  close(): Promise<void>;
}

/** Every CLI child still running, killed if the test process exits without closing them. */
const children = new Set<CliRun>();
process.once('exit', () => {
  for (const run of children) run.child.kill('SIGKILL');
});

/** `sio-proxy --target <target> --port 0 --ui-port 0 --no-open --quiet ...extra`, until its banner. */
export async function startCli(target: string, ...extra: string[]): Promise<Cli> {
  const run = runCli(cliArgs(target, '--no-open', '--quiet', ...extra));
  children.add(run);
  const close = () => stopCli(run);
  try {
    const urls = await banner(run);
    return { run, ...urls, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** SIGTERM (the CLI closes its sessions and exits 0), SIGKILL if it has not exited within 3 s. */
export async function stopCli(run: CliRun): Promise<void> {
  children.delete(run);
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 3000);
  await run.exited;
  clearTimeout(timer);
}

/**
 * tsx compiles the tests with esbuild's keepNames, which wraps named functions in `__name(...)`:
 * functions passed to `page.evaluate` that declare their own helpers need it in the page too.
 */
export async function shimEsbuildNames(context: BrowserContext): Promise<void> {
  await context.addInitScript('globalThis.__name = (fn) => fn;');
}

/** A page of its own context (viewport 1400x860) on the dashboard, once the live stream is connected. */
export async function openDashboard(
  browser: Browser,
  url: string,
  opts: { colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 860 },
    colorScheme: opts.colorScheme ?? 'light',
  });
  await shimEsbuildNames(context);
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url);
  await page
    .getByTestId('source-label')
    .and(page.locator('[data-state="connected"]'))
    .waitFor({ timeout: 10_000 })
    .catch((err: Error) => {
      throw new Error(`the dashboard did not connect to the proxy: ${err.message}; page errors: ${errors}`);
    });
  return { context, page };
}

/** A socket.io client of the proxy; the query tells clients apart (the proxy groups reconnects by it). */
export function client(
  url: string,
  name: string,
  opts: Partial<ManagerOptions & SocketOptions> = {},
): Socket {
  return io(url, { forceNew: true, query: { client: name }, reconnection: false, ...opts });
}

/** Resolves when `socket` is connected (and, by default, upgraded to WebSocket). */
export async function connected(socket: Socket, upgraded = true, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (socket.connected && (!upgraded || socket.io.engine?.transport.name === 'websocket')) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`socket ${socket.id ?? '?'} not connected${upgraded ? ' over WebSocket' : ''} in ${ms} ms`);
}

/** The sidebar's item of the session whose socket (in namespace `/`) is `socket`. */
export function sessionItem(page: Page, socket: Socket): Locator {
  const sid = socket.io.engine.id;
  return page.locator(`[data-testid="session-item"][data-sid="${sid}"]`);
}

/** The packet table's rows in the DOM (the virtual list renders those in view, plus a few). */
export function packetRows(page: Page): Locator {
  return page.getByTestId('packet-row');
}

/** Rows the filter lets through (the grid's aria-rowcount: all of them, not only those rendered). */
export async function filteredCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('packet-table').getAttribute('aria-rowcount'));
}

/** Saves a screenshot of the page as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Polls an async `check` until it gives a truthy value, or fails after `ms` with its last value. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false | null | 0 | ''>,
  ms = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (true) {
    last = await check();
    if (last) return last as T;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Closes what a test file opened, each step even when an earlier one fails. */
export async function closeAll(...steps: (() => Promise<unknown> | unknown)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
}

/** The built panel in Chromium with a capture file opened through its file input. */
export interface CaptureView {
  server: Server;
  browser: Browser;
  page: Page;
  /** Closes the browser and the server, and removes the capture file. */
  close(): Promise<void>;
}

/** Serves the built panel, opens it in Chromium (a `width` x `height` viewport) and opens `path`. */
export async function openCaptureFile(
  path: string,
  { width = 1400, height = 860, timeout = 10_000 } = {},
): Promise<CaptureView> {
  ensurePanelBuilt();
  const { server, url } = await servePanel();
  let browser: Browser | undefined;
  const close = () =>
    closeAll(
      () => browser?.close(),
      () => new Promise((resolve) => server.close(resolve)),
      () => rmSync(path, { force: true }),
    );
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width, height } });
    await shimEsbuildNames(context);
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    await page.goto(url);
    await page.getByTestId('file-input').setInputFiles(path);
    return { server, browser, page, close };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}
/** A real socket.io@4 app, the CLI in front of it, and the dashboard open in Chromium. */
export interface Scene {
  target: Target;
  cli: Cli;
  browser: Browser;
  page: Page;
  /**
   * A client of the proxy labelled `name` (see `client`), once connected (and upgraded to WebSocket
   * unless `upgraded` is false); the scene closes it first when it closes.
   */
  connect(name: string, opts?: Partial<ManagerOptions & SocketOptions>, upgraded?: boolean): Promise<Socket>;
  close(): Promise<void>;
}

/**
 * What most dashboard tests start from. `serve` gives the app its handlers (and instrumentation)
 * before the CLI starts; `args` are extra CLI flags; `target` the app's socket.io options (short
 * heartbeats for the timeout faults). What started is closed again if a step fails.
 */
export async function startScene(
  opts: { serve?: (target: Target) => void; args?: string[]; target?: Partial<ServerOptions> } = {},
): Promise<Scene> {
  ensurePanelBuilt();
  const started: (() => Promise<unknown> | unknown)[] = [];
  const close = () => closeAll(...started.reverse());
  try {
    const target = await startTarget(opts.target);
    started.push(() => target.close());
    opts.serve?.(target);
    const cli = await startCli(target.url, ...(opts.args ?? []));
    started.push(() => cli.close());
    const browser = await launchChromium();
    started.push(() => browser.close());
    const { page } = await openDashboard(browser, cli.dashboard);
    const sockets: Socket[] = [];
    started.push(() => sockets.forEach((s) => s.close()));
    const connect = async (
      name: string,
      opts: Partial<ManagerOptions & SocketOptions> = {},
      upgraded = true,
    ) => {
      const socket = client(cli.proxy, name, opts);
      sockets.push(socket);
      await connected(socket, upgraded);
      return socket;
    };
    return { target, cli, browser, page, connect, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** The lengths (ms) of 30 idle frames in the page: a frame's natural length at the rate Chromium runs at. */
export function idleFrames(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
    const out: number[] = [];
    let last = await frame();
    for (let i = 0; i < 30; i++) {
      const now = await frame();
      out.push(now - last);
      last = now;
    }
    return out;
  });
}
