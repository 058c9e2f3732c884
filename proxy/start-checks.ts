/**
 * What the CLI checks before it prints its banner, each failure one line that says what to change:
 * the target answers, and in the protocol its URL names; the ports are free. Pulled out of cli.ts so
 * that the wording has one home and tests can reach it.
 */
import net from 'node:net';
import tls from 'node:tls';
import { speaksPlainHttp } from './engine/target-errors.js';
import { portOwner } from './port-owner.js';

/** A failure to start, printed as one line (exit 1). */
export class StartError extends Error {}

/** A proxy in front of nothing helps no one: say so at once rather than on the first request. */
export async function assertReachable(target: URL): Promise<void> {
  const https = target.protocol === 'https:';
  const port = Number(target.port || (https ? 443 : 80));
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const socket = await connect(target, () => net.connect({ host, port, timeout: 3000 }), 'connect');
  if (!https) return void socket.destroy();
  // A TLS handshake on the open socket: an http:// server behind an https:// URL fails every request
  // with OpenSSL's "wrong version number", which says nothing to whoever reads the 502. The
  // certificate is not judged here: the requests do that, and --insecure is their business.
  const secure = await connect(
    target,
    () => tls.connect({ socket, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false }),
    'secureConnect',
  );
  secure.destroy();
}

/**
 * Every node of a cluster: one that is down is said and set aside (the pool probes it); only when
 * none answers does the proxy refuse to start.
 */
export async function assertNodesReachable(
  targets: readonly URL[],
  log: { warn(message: string): void },
): Promise<void> {
  if (targets.length < 2) return assertReachable(targets[0]!);
  const results = await Promise.allSettled(targets.map((t) => assertReachable(t)));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failed.length === targets.length) throw new StartError(`no node answers: ${failed.join('; ')}`);
  for (const why of failed) log.warn(`${why}; starting with the other nodes`);
}

function connect<S extends net.Socket>(target: URL, open: () => S, ready: string): Promise<S> {
  return new Promise((resolve, reject) => {
    const socket = open();
    socket.once(ready, () => resolve(socket));
    socket.once('timeout', () => {
      socket.destroy();
      reject(new StartError(`target ${target.origin} did not answer within 3 s`));
    });
    socket.once('error', (err: Error & { code?: string }) => {
      socket.destroy();
      reject(
        new StartError(
          speaksPlainHttp(err)
            ? `target ${target.origin} speaks plain HTTP, not TLS: use --target ${plainUrl(target)}`
            : `target ${target.origin} is unreachable (${err.code ?? err.message}): start your app or fix --target`,
        ),
      );
    });
  });
}

function plainUrl(target: URL): string {
  return target.href.replace(/^https:/, 'http:').replace(/\/$/, '');
}

/** Where the port is taken: by this process in its other role, or by another process. */
export interface PortUse {
  host: string;
  port: number;
  flag: string;
  /** The flag under which this process already listens on the same port, if it does. */
  ownFlag?: string;
}

export async function listenOrFail(listen: () => Promise<unknown>, use: PortUse): Promise<void> {
  try {
    await listen();
  } catch (err) {
    throw new StartError(listenError(err as Error & { code?: string }, use));
  }
}

/** Why listening failed, in one line that names the port, who holds it, and what to change. */
export function listenError(e: Error & { code?: string }, { host, port, flag, ownFlag }: PortUse): string {
  if (e.code === 'EADDRINUSE') {
    const other = ownFlag ? undefined : portOwner(port);
    const by = ownFlag
      ? `by sio-proxy itself (${ownFlag} ${port})`
      : `by another process${other ? `, ${other}` : ''}`;
    return `${host}:${port} is already in use ${by}; pick another ${flag} (0 = any free port)`;
  }
  if (e.code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine (${flag})`;
  return `cannot listen on ${host}:${port}: ${e.message}`;
}
