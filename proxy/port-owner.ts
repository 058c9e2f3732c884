/**
 * Which process listens on a TCP port, for the "already in use" line: Linux only (/proc), and only
 * the processes this user may look into; undefined wherever it cannot tell. Runs once, on a failed
 * start, so reading every process's descriptors is affordable.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const LISTEN = '0A';

/** `node (pid 1234)`, or undefined. */
export function portOwner(port: number): string | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const pid of safe(() => readdirSync('/proc'), [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    for (const fd of safe(() => readdirSync(`/proc/${pid}/fd`), [] as string[])) {
      const link = safe(() => readlinkSync(`/proc/${pid}/fd/${fd}`), '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) {
        const name = safe(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), '');
        return name ? `${name} (pid ${pid})` : `pid ${pid}`;
      }
    }
  }
  return undefined;
}

/** The socket inodes listening on `port`, from /proc/net/tcp and tcp6. */
function listeningInodes(port: number): Set<string> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of safe(() => readFileSync(table, 'utf8'), '')
      .split('\n')
      .slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl, local_address (ADDR:PORT), rem_address, st, ..., inode (the tenth field)
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === LISTEN && f[9] && f[9] !== '0') out.add(f[9]);
    }
  }
  return out;
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback; // not Linux, or not ours to read
  }
}
