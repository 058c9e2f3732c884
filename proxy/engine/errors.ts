/** A plain HTTP answer on a socket whose upgrade we refuse (the target down, or refusing it). */
import type { Duplex } from 'node:stream';

export function writeRawResponse(
  socket: Duplex,
  status: string,
  body: string,
  contentType = 'text/html',
): void {
  socket.on('error', () => {});
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-type: ${contentType}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
