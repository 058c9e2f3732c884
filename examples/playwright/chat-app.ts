/**
 * The app under test for the Playwright recipe: a tiny chat, a real socket.io@4 server that also
 * serves its page. In your project this is your own app (started by Playwright's `webServer`, or by
 * a fixture like the one in fixtures.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const PAGE = `<!doctype html>
<meta charset="utf-8" />
<title>chat</title>
<p id="status">connecting…</p>
<ul id="messages"></ul>
<input id="text" value="hello" /><button id="send">Send</button>
<script src="/socket.io/socket.io.js"></script>
<script>
  const socket = io({ reconnectionDelay: 200, reconnectionDelayMax: 400 });
  const status = document.getElementById('status');
  socket.on('connect', () => (status.textContent = 'connected'));
  socket.on('disconnect', () => (status.textContent = 'reconnecting…'));
  socket.on('chat', (text) => {
    const li = document.createElement('li');
    li.textContent = text;
    document.getElementById('messages').append(li);
  });
  document.getElementById('send').onclick = () =>
    socket.emit('chat', document.getElementById('text').value, (ok) => ok && (status.textContent = 'sent'));
</script>`;

export interface ChatApp {
  url: string;
  close(): Promise<void>;
}

export async function startChatApp(): Promise<ChatApp> {
  const http = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  const io = new Server(http);
  io.on('connection', (socket) =>
    socket.on('chat', (text: string, ack: (ok: boolean) => void) => {
      io.emit('chat', text);
      ack(true);
    }),
  );
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => io.close(() => r())),
  };
}
