/**
 * One node of a Socket.IO cluster, run as its own process (so that a test can kill it for real):
 * socket.io@4 with @socket.io/redis-adapter over node-redis v5. Env: PORT (0: any), REDIS_URL, NAME.
 * Prints `listening <port>` once ready. Events: `whoami` (ack: NAME), `shout` (broadcast to every
 * client of every node as `heard`). With ADMIN_UI=1: instrumented with @socket.io/admin-ui
 * (development mode, no auth, `serverId` = NAME) and `join`/`leave` (ack) events.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { instrument } from '@socket.io/admin-ui';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';

const name = process.env.NAME ?? 'node';
const pub = createClient({ url: process.env.REDIS_URL });
const sub = pub.duplicate();
// A node keeps serving its own clients while Redis is away; the adapter reconnects.
pub.on('error', () => {});
sub.on('error', () => {});
await Promise.all([pub.connect(), sub.connect()]);

const server = http.createServer();
const io = new Server(server, { adapter: createAdapter(pub, sub) });
io.on('connection', (socket) => {
  socket.on('whoami', (ack: (name: string) => void) => ack(name));
  socket.on('shout', (msg: unknown) => io.emit('heard', { msg, from: name }));
  socket.on('join', (room: string, ack: () => void) => void Promise.resolve(socket.join(room)).then(ack));
  socket.on('leave', (room: string, ack: () => void) => void Promise.resolve(socket.leave(room)).then(ack));
});
if (process.env.ADMIN_UI === '1') instrument(io, { auth: false, mode: 'development', serverId: name });
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
