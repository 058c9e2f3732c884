/**
 * Headless demo clients ("demo-bot-N") that keep traffic flowing through the proxy,
 * so the demo app shows chat, acks, binary packets, room changes and reconnections without a browser.
 */
import { Manager, type Socket } from 'socket.io-client';

export interface DemoClients {
  close(): void;
}

export interface DemoClientsOptions {
  /** Number of bots (default 2). */
  count?: number;
  /** Mean delay between two actions of one bot, in ms (default 3000, ±25% jitter). */
  intervalMs?: number;
}

const DEFAULT_COUNT = 2;
const DEFAULT_INTERVAL_MS = 3_000;
const JITTER = 0.25;
const ACK_TIMEOUT_MS = 5_000;
/** The client does not reconnect by itself after "io server disconnect"; wait a bit so the gap is visible. */
const RECONNECT_DELAY_MS = 1_000;
const EXTRA_ROOMS = ['room-a', 'room-b'] as const;

type Action = (bot: Bot) => void;

interface Bot {
  name: string;
  chat: Socket;
  /** Room joined on top of the server's automatic `lobby`, if any. */
  room: string | undefined;
  sent: number;
}

export function startDemoClients(url: string, opts: DemoClientsOptions = {}): DemoClients {
  const count = opts.count ?? DEFAULT_COUNT;
  const intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
  const timers = new Set<NodeJS.Timeout>();
  const sockets: Socket[] = [];
  let closed = false;

  /** setTimeout that close() can cancel, and that does nothing once closed. */
  const later = (delayMs: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) fn();
    }, delayMs);
    timers.add(timer);
  };

  for (let i = 1; i <= count; i += 1) {
    const name = `demo-bot-${i}`;
    // One Manager per bot: its namespaces share one connection, and bots never share each other's.
    const manager = new Manager(url, {
      query: { client: name },
      // Alternate so both upgrade paths show up: polling -> websocket, and websocket straight away.
      ...(i % 2 === 0 ? { transports: ['websocket'] } : {}),
    });
    // Sockets connect on creation (autoConnect).
    const chat = manager.socket('/', { auth: { name } });
    const flaky = manager.socket('/flaky', { auth: { name } });
    for (const socket of [chat, flaky]) {
      reconnectAfterServerDisconnect(socket, later);
      sockets.push(socket);
    }

    const bot: Bot = { name, chat, room: undefined, sent: 0 };
    const loop = (): void => {
      // Skip while offline: emits would only pile up in the client's buffer.
      if (bot.chat.connected) pick(ACTIONS)(bot);
      later(jittered(intervalMs), loop);
    };
    later(jittered(intervalMs), loop);
  }

  return {
    close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // Once all its sockets are gone, each Manager closes its connection and stops reconnecting.
      for (const socket of sockets) socket.disconnect();
    },
  };
}

function reconnectAfterServerDisconnect(
  socket: Socket,
  later: (delayMs: number, fn: () => void) => void,
): void {
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') later(RECONNECT_DELAY_MS, () => socket.connect());
  });
}

const ACTIONS: readonly Action[] = [sendChat, pingWithAck, sendBinary, toggleRoom];

function sendChat(bot: Bot): void {
  bot.sent += 1;
  const text = `hello #${bot.sent} from ${bot.name}`;
  bot.chat.emit('chat message', bot.room ? { room: bot.room, text } : { text });
}

function pingWithAck(bot: Bot): void {
  // The reply only needs to show up in the proxy; the timeout keeps a lost ack from lingering.
  bot.chat.timeout(ACK_TIMEOUT_MS).emit('ping-ack', { from: bot.name, at: Date.now() }, ignoreReply);
}

function sendBinary(bot: Bot): void {
  const payload = Buffer.from(`binary hello from ${bot.name}`);
  bot.chat.timeout(ACK_TIMEOUT_MS).emit('binary', payload, ignoreReply);
}

function toggleRoom(bot: Bot): void {
  const leaving = bot.room;
  const room = leaving ?? pick(EXTRA_ROOMS);
  // Track the room optimistically: the ack is not needed to pick the next action.
  bot.room = leaving ? undefined : room;
  bot.chat.timeout(ACK_TIMEOUT_MS).emit(leaving ? 'leave' : 'join', room, ignoreReply);
}

function ignoreReply(): void {}

function jittered(ms: number): number {
  return Math.round(ms * (1 - JITTER + Math.random() * 2 * JITTER));
}

function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('pick() needs a non-empty list');
  return item;
}
