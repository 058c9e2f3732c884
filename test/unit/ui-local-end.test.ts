/**
 * Where a dashboard request arrived (proxy/ui/local-end.ts): its socket's end, or the end its front
 * door (the reader thread) names, believed only with the dashboard server's secret.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { acceptFrontHeader, FRONT_HEADER, localEnd } from '../../proxy/ui/local-end.js';

function request(headers: Record<string, string>): IncomingMessage {
  return { headers, socket: { localAddress: '127.0.0.1', localPort: 40000 } } as unknown as IncomingMessage;
}

test('without the front door header: the socket says', () => {
  const req = request({});
  acceptFrontHeader(req, 'secret');
  assert.deepEqual(localEnd(req), { address: '127.0.0.1', port: 40000 });
});

test("with the front door's secret: the end it names, and the header is gone", () => {
  const req = request({ [FRONT_HEADER]: 'secret 8081 ::1' });
  acceptFrontHeader(req, 'secret');
  assert.deepEqual(localEnd(req), { address: '::1', port: 8081 });
  assert.equal(req.headers[FRONT_HEADER], undefined);
});

test('with another secret: not believed, and the header is gone all the same', () => {
  const req = request({ [FRONT_HEADER]: 'guess 8081 ::1' });
  acceptFrontHeader(req, 'secret');
  assert.deepEqual(localEnd(req), { address: '127.0.0.1', port: 40000 });
  assert.equal(req.headers[FRONT_HEADER], undefined);
});
