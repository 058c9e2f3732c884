/**
 * Clusters and teams in Chromium (issue #15), with real servers: the CLI fronting three socket.io@4
 * nodes (each session labelled with its node, the node filter, grouping by node), and
 * `sio-proxy dashboard --redis` over two CLI proxies on a real redis-server (each session labelled
 * `· proxy NAME`, `(gone)` once its proxy stops).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { runCli } from '../test/support/cli-process.js';
import { serveEcho, startTarget, type Target } from '../test/support/harness.js';
import { startRedis, type RedisServer } from '../test/support/redis-server.js';
import { launchChromium } from './support/browser.js';
import {
  client,
  closeAll,
  connected,
  ensurePanelBuilt,
  eventually,
  openDashboard,
  screenshot,
  sessionItem,
  startCli,
  stopCli,
  type Cli,
} from './support/dashboard.js';

/** `host:port` of a node, as the sidebar prints it. */
const hostOf = (url: string) => new URL(url).host;

/** The sidebar's node headers and session items, in list order: `node <host>` or the session's sid. */
const sidebarOrder = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid="node-group"], [data-testid="session-item"]'), (el) =>
      el.getAttribute('data-testid') === 'node-group'
        ? `node ${new URL(el.getAttribute('data-node') ?? '').host}`
        : (el.getAttribute('data-sid') ?? ''),
    ),
  );

/** Chromium on the dashboard, then a connected client of each proxy URL in turn (kept in `sockets`). */
async function openWithClients(
  dashboard: string,
  proxies: string[],
  sockets: Socket[],
): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const { page } = await openDashboard(browser, dashboard);
  for (const [i, url] of proxies.entries()) {
    const s = client(url, `c${i}`);
    sockets.push(s);
    await connected(s);
  }
  return { browser, page };
}

describe('the CLI fronting three socket.io nodes', { timeout: 90_000 }, () => {
  const nodes: Target[] = [];
  const sockets: Socket[] = [];
  let cli: Cli;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensurePanelBuilt();
    for (let i = 0; i < 3; i++) {
      const t = await startTarget();
      serveEcho(t.io);
      nodes.push(t);
    }
    cli = await startCli(nodes[0]!.url, '--target', nodes[1]!.url, '--target', nodes[2]!.url);
    // One client per node: the proxy hands new sessions to the nodes in turn.
    ({ browser, page } = await openWithClients(cli.dashboard, [cli.proxy, cli.proxy, cli.proxy], sockets));
  });

  after(() =>
    closeAll(
      () => sockets.forEach((s) => s.close()),
      () => browser?.close(),
      () => cli?.close(),
      ...nodes.map((n) => () => n.close()),
    ),
  );

  /** The node each client's session went to, by the server that has its Engine.IO sid. */
  const nodeOf = (s: Socket): Target => {
    const has = (n: Target) => (n.io.engine as unknown as { clients: Record<string, unknown> }).clients;
    const node = nodes.find((n) => has(n)[s.io.engine.id] !== undefined);
    assert.ok(node, `the node of ${s.io.engine.id}`);
    return node;
  };

  test('each session names its node; the filter keeps one node', async () => {
    assert.deepEqual(
      new Set(sockets.map((s) => nodeOf(s).url)).size,
      3,
      'one session per node (the servers say so)',
    );
    for (const s of sockets)
      await eventually(
        async () =>
          (await sessionItem(page, s).getByTestId('session-node').textContent()) ===
          `· ${hostOf(nodeOf(s).url)}`,
        5000,
        `the node label of ${s.io.engine.id}`,
      );
    const filter = page.getByTestId('node-filter');
    const second = nodeOf(sockets[1]!);
    await filter.selectOption(second.url);
    await eventually(
      async () => (await page.getByTestId('session-item').count()) === 1,
      5000,
      'one session shown',
    );
    assert.equal(await page.getByTestId('session-item').getAttribute('data-sid'), sockets[1]!.io.engine.id);
    await filter.selectOption('');
    await eventually(
      async () => (await page.getByTestId('session-item').count()) === 3,
      5000,
      'all three again',
    );
  });

  test('grouped by node: a header per node with its counts, each session under its node', async () => {
    await page.getByTestId('group-by-node').check();
    await page.getByTestId('node-group').first().waitFor();
    const expected = nodes.flatMap((n) => [
      `node ${hostOf(n.url)}`,
      ...sockets.filter((s) => nodeOf(s) === n).map((s) => s.io.engine.id),
    ]);
    const order = await sidebarOrder(page);
    // The headers come in the order the nodes were first seen, which is the proxy's turn order.
    const headers = order.filter((x) => x.startsWith('node '));
    assert.equal(headers.length, 3);
    const byHeader = (list: string[]) => {
      const groups = new Map<string, string[]>();
      let current = '';
      for (const x of list)
        if (x.startsWith('node ')) groups.set((current = x), []);
        else groups.get(current)?.push(x);
      return Object.fromEntries(groups);
    };
    assert.deepEqual(byHeader(order), byHeader(expected));
    const counts = await page.getByTestId('node-group-count').allTextContents();
    assert.deepEqual(counts, ['1 open · 1 seen', '1 open · 1 seen', '1 open · 1 seen']);

    // A session that ends counts as seen, not open, under its node.
    const leaving = sockets[2]!;
    const node = nodeOf(leaving);
    leaving.close();
    const head = page.locator(`[data-testid="node-group"][data-node="${node.url}"]`);
    await eventually(
      async () => (await head.getByTestId('node-group-count').textContent()) === '0 open · 1 seen',
      5000,
      'the closed session counted as seen',
    );
    await screenshot(page, 'light-sidebar-by-node');
    // Grouping and the filter together: one header, its session.
    await page.getByTestId('node-filter').selectOption(nodeOf(sockets[0]!).url);
    await eventually(
      async () =>
        JSON.stringify(await sidebarOrder(page)) ===
        JSON.stringify([`node ${hostOf(nodeOf(sockets[0]!).url)}`, sockets[0]!.io.engine.id]),
      5000,
      'one node group',
    );
  });
});

describe('sio-proxy dashboard --redis over two CLI proxies', { timeout: 90_000 }, () => {
  let redis: RedisServer;
  const targets: Target[] = [];
  const proxies: Cli[] = [];
  const sockets: Socket[] = [];
  let dash: ReturnType<typeof runCli> | undefined;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensurePanelBuilt();
    redis = await startRedis();
    for (const name of ['east', 'west']) {
      const t = await startTarget();
      serveEcho(t.io);
      targets.push(t);
      proxies.push(await startCli(t.url, '--redis', redis.url, '--redis-key', 'e2e', '--redis-source', name));
    }
    dash = runCli([
      'dashboard',
      '--redis',
      redis.url,
      '--redis-key',
      'e2e',
      '--ui-port',
      '0',
      '--ui-token',
      'tok',
    ]);
    const url = await eventually(
      async () => {
        if (dash!.child.exitCode !== null) throw new Error(`dashboard exited: ${dash!.stderr()}`);
        return /dashboard:\s+(http:\/\/\S+)/.exec(dash!.stdout())?.[1];
      },
      20_000,
      'the dashboard banner',
    );
    ({ browser, page } = await openWithClients(
      url,
      proxies.map((p) => p.proxy),
      sockets,
    ));
  });

  after(() =>
    closeAll(
      () => sockets.forEach((s) => s.close()),
      () => browser?.close(),
      () => (dash ? stopCli(dash) : undefined),
      ...proxies.map((p) => () => p.close()),
      ...targets.map((t) => () => t.close()),
      () => redis?.stop(),
    ),
  );

  test('each session says which proxy relays it, and (gone) once that proxy stops', async () => {
    const label = (i: number) => sessionItem(page, sockets[i]!).getByTestId('session-source');
    for (const [i, name] of ['east', 'west'].entries())
      await eventually(
        async () => (await label(i).textContent()) === `· proxy ${name}`,
        10_000,
        `proxy ${name}`,
      );
    const westSid = sockets[1]!.io.engine.id;
    sockets[1]!.close();
    await proxies[1]!.close(); // SIGTERM: the proxy says `stopped` in Redis
    const west = page
      .locator(`[data-testid="session-item"][data-sid="${westSid}"]`)
      .getByTestId('session-source');
    await eventually(async () => (await west.textContent()) === '· proxy west (gone)', 10_000, 'west gone');
    assert.equal(await label(0).textContent(), '· proxy east', 'east is not gone');
    assert.match(String(await west.getAttribute('class')), /\bgone\b/);
  });
});
