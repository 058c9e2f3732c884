/**
 * Recipe (Playwright Test): assert on Socket.IO events while the test clicks, and on what the page
 * shows while the target is down.
 */
import type { AckEvent, AttemptEvent, ConnectEvent } from 'sio-proxy';
import { expect, test } from './fixtures.js';

test('a click sends a chat message that the server acknowledges', async ({ page, sioProxy: proxy }) => {
  await expect(page.locator('#status')).toHaveText('connected');
  await page.locator('#text').fill('hi there');
  await page.locator('#send').click();

  const ack = (await proxy.waitFor({ type: 'ack', event: 'chat' }, { since: 0 })) as AckEvent;
  expect(ack.direction).toBe('c2s');
  await expect(page.locator('#messages li')).toHaveText(['hi there']);
  await expect(page.locator('#status')).toHaveText('sent');
});

test("the chat shows 'reconnecting…' while the target is down", async ({ page, sioProxy: proxy }) => {
  await expect(page.locator('#status')).toHaveText('connected');
  const first = (await proxy.waitFor({ type: 'connect', nsp: '/' }, { since: 0 })) as ConnectEvent;
  // Target-down cuts WebSocket sessions at once; a long poll in flight would wait for its answer.
  await proxy.waitFor({ type: 'upgrade', stage: 'success', leg: 'client' }, { since: 0 });

  const down = await proxy.faultTarget({ kind: 'target-down', ms: 60_000 });
  await expect(page.locator('#status')).toHaveText('reconnecting…');
  await page.waitForTimeout(500); // a few of the page's reconnection attempts fail meanwhile

  await down.remove();
  await expect(page.locator('#status')).toHaveText('connected');
  // The proxy tells the reconnect apart from a new client: the same client, attempt 1 or later.
  const attempt = (await proxy.waitFor(
    (e) => e.type === 'attempt' && e.outcome === 'connected' && e.attempt >= 1,
    { since: first.seq },
  )) as AttemptEvent;
  const again = (await proxy.waitFor({ type: 'connect', nsp: '/' }, { since: first.seq })) as ConnectEvent;
  expect(again.sessionId).not.toBe(first.sessionId);
  expect(attempt.sessionId).toBe(again.sessionId);
});
