/**
 * CPU time a proxy process spent over a window, from `process.cpuUsage()` in the proxy child. Per
 * message relayed it is a steadier measure of what a relay costs than rates are on a busy 2-core
 * machine: it does not depend on how the cores were shared between client, proxy and server.
 */
import type { ChildHandle } from './children.js';

/**
 * Starts a CPU meter on `proxy` (or on any child that answers `cpu`, such as the target server);
 * the returned function gives the CPU µs spent since. `of`: `'observersCpu'` meters the process of
 * the proxy's observers (bench/observers-child.ts) instead.
 */
export async function cpuMeter(
  proxy: ChildHandle<unknown> | undefined,
  of: 'cpu' | 'observersCpu' = 'cpu',
): Promise<() => Promise<number>> {
  if (!proxy) return async () => NaN;
  // NaN crosses the IPC channel as null (JSON): a process without observers.
  const read = async () => (await proxy.request<number | null>(of)) ?? NaN;
  const start = await read();
  return async () => (await read()) - start;
}

/** The same meter on this process (the orchestrator, where the measuring clients run), in µs. */
export function ownCpuMeter(): () => number {
  const start = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(start);
    return d.user + d.system;
  };
}
