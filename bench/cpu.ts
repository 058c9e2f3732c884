/**
 * CPU time a proxy process spent over a window, from `process.cpuUsage()` in the proxy child. Per
 * message relayed it is a steadier measure of what a relay costs than rates are on a busy 2-core
 * machine: it does not depend on how the cores were shared between client, proxy and server.
 */
import type { ChildHandle } from './children.js';

/** Starts a CPU meter on `proxy`; the returned function gives the CPU µs spent since. */
export async function cpuMeter(proxy: ChildHandle<unknown> | undefined): Promise<() => Promise<number>> {
  if (!proxy) return async () => NaN;
  const start = await proxy.request<number>('cpu');
  return async () => (await proxy.request<number>('cpu')) - start;
}
