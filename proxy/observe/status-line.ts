/**
 * The live one-line status in the terminal. It reads the proxy's counters once a second instead of
 * subscribing to every packet, so it costs the relay nothing.
 */
import type { ProxyServer } from '../proxy-server.js';

export function startStatusLine(proxy: ProxyServer, stream: NodeJS.WriteStream = process.stderr): () => void {
  if (!stream.isTTY) return () => {};
  let lastPackets = totalPackets(proxy);
  let lastAt = Date.now();
  const timer = setInterval(() => {
    const packets = totalPackets(proxy);
    const now = Date.now();
    const rate = ((packets - lastPackets) * 1000) / Math.max(1, now - lastAt);
    lastPackets = packets;
    lastAt = now;
    const line = `sessions: ${proxy.sessions.size} live, ${proxy.sessions.created} total | packets/s: ${rate.toFixed(0)}`;
    stream.write(`\r\x1b[2K${line}`);
  }, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    stream.write('\r\x1b[2K');
  };
}

function totalPackets(proxy: ProxyServer): number {
  let n = proxy.sessions.retiredPackets;
  for (const s of proxy.sessions.values()) n += s.counters.packets.c2s + s.counters.packets.s2c;
  return n;
}
