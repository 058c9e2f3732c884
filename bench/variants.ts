/**
 * The four paths to the target that every measurement compares, and how their proxies are started.
 *
 * Process layout (2-core machine): the target runs in its own process and so does each proxy; the
 * measuring clients run in the orchestrator. A proxy sharing an event loop with the clients (or with
 * the target) would have its CPU time charged to them and theirs to it, and a busy client loop would
 * delay the proxy's I/O: the latency it adds would be wrong both ways. With one process each, the
 * pass-through and sio-proxy paths have the very same topology (client -> proxy -> target, three
 * processes on two cores), so the sio-proxy / pass-through ratio isolates what decoding and
 * observing cost. The direct path has one process fewer, so sio-proxy / direct also contains the
 * cost of an extra hop and an extra process competing for two cores: it is shown, not judged. Only
 * one path carries traffic at a time (the others' proxies sit idle), and the order of the paths
 * rotates from round to round, so that drifting background load spreads over all of them evenly.
 */
import { spawnChild, type ChildHandle } from './children.js';
import type { ProxyChildConfig } from './proxy-child.js';

export type VariantId = 'direct' | 'passthrough' | 'sio0' | 'sio1' | 'sio1rule' | 'sio5';

export interface VariantSpec {
  id: VariantId;
  label: string;
  proxy?: Omit<ProxyChildConfig, 'target'>;
}

export const VARIANTS: readonly VariantSpec[] = [
  { id: 'direct', label: 'direct' },
  { id: 'passthrough', label: 'pass-through', proxy: { kind: 'passthrough', observers: 0 } },
  // No dashboard connected: the relay's own cost (decoding, the sessions, the stream's history), which
  // issue #14's targets judge as well; with observers, their parsing shares the 2 cores.
  { id: 'sio0', label: 'sio-proxy, 0 observers', proxy: { kind: 'sio', observers: 0 } },
  { id: 'sio1', label: 'sio-proxy, 1 observer, 0 rules', proxy: { kind: 'sio', observers: 1 } },
  // Issue #11's price of arming: one enabled rule that matches nothing the bench sends (a WebSocket
  // stays piped, each message's head checked against it: issue #14). (`sio1` is the "0 rules" case.)
  {
    id: 'sio1rule',
    label: 'sio-proxy, 1 observer, 1 rule matching nothing',
    proxy: { kind: 'sio', observers: 1, rules: 1 },
  },
  { id: 'sio5', label: 'sio-proxy, 5 observers', proxy: { kind: 'sio', observers: 5 } },
];

export const PROXIED = VARIANTS.filter((v) => v.proxy !== undefined);

export interface Variant extends VariantSpec {
  url: string;
  child?: ChildHandle<{ url: string }>;
}

export async function startProxyChild(
  spec: VariantSpec,
  target: string,
  nodeFlags: string[] = [],
): Promise<ChildHandle<{ url: string; dashboard?: string }>> {
  if (!spec.proxy) throw new Error(`${spec.id} has no proxy`);
  const config: ProxyChildConfig = { ...spec.proxy, target };
  return spawnChild<{ url: string; dashboard?: string }>(`proxy ${spec.id}`, './proxy-child.ts', {
    config,
    nodeFlags,
  });
}

/** Starts the proxies of the given paths (all at once: they are idle until their turn). */
export function startVariants(
  specs: readonly VariantSpec[],
  target: string,
  flagsFor: (spec: VariantSpec) => string[] = () => [],
): Promise<Variant[]> {
  return Promise.all(
    specs.map(async (spec): Promise<Variant> => {
      if (!spec.proxy) return { ...spec, url: target };
      const child = await startProxyChild(spec, target, flagsFor(spec));
      return { ...spec, url: child.info.url, child };
    }),
  );
}

/** The paths in the order of round `round`: rotated, so each takes every position in turn. */
export function orderForRound<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Names the path in an error, so that "could not connect to http://127.0.0.1:PORT" says which. */
export async function onPath<T>(v: { label: string }, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw new Error(`${v.label}: ${(err as Error).message}`, { cause: err });
  }
}
