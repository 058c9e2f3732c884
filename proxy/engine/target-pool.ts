/**
 * The nodes of the target: one for a single app, several for a cluster (`--target` repeated). New
 * handshakes go to the nodes in turn; a session's later requests go to the node that opened it (the
 * relays read `session.node`), so stickiness needs no cookie. A node that refuses connections is set
 * aside, new handshakes skip it, and a TCP probe every second brings it back once it answers again.
 * With one node nothing is ever set aside: every request goes to it, as before the pool existed.
 */
import net from 'node:net';
import type { Url } from 'node:url';
import { upstreamOf } from './upstream.js';

/** One node of the target, as the relays hand it to http-proxy. */
export interface TargetNode {
  readonly url: URL;
  /** `http://host:port`: what the `session` event's `target` names. */
  readonly origin: string;
  readonly upstream: Partial<Url>;
  /** Set aside: it refused a connection and has not answered a probe since. */
  readonly down: boolean;
}

interface Node extends TargetNode {
  down: boolean;
  probe: NodeJS.Timeout | undefined;
}

export interface TargetPoolEvents {
  /** `node` refused a connection: new handshakes avoid it from now on. */
  down(node: TargetNode, why: string): void;
  /** `node` answered a probe again. */
  up(node: TargetNode): void;
}

const PROBE_EVERY_MS = 1000;
const PROBE_TIMEOUT_MS = 1000;

export class TargetPool {
  private readonly nodes: Node[];
  private turn = 0;
  private closed = false;

  constructor(
    targets: readonly URL[],
    private readonly events: Partial<TargetPoolEvents> = {},
  ) {
    if (!targets.length) throw new Error('TargetPool: no target');
    this.nodes = targets.map((url) => ({
      url,
      origin: url.origin,
      upstream: upstreamOf(url),
      down: false,
      probe: undefined,
    }));
  }

  /** The first node: the one rooms (admin-ui) and plain pass-through requests prefer. */
  get first(): TargetNode {
    return this.nodes[0]!;
  }

  get size(): number {
    return this.nodes.length;
  }

  list(): readonly TargetNode[] {
    return this.nodes;
  }

  /**
   * The node for a new handshake: the next in turn that is not set aside, skipping those in
   * `tried`. Undefined when every node was tried; when all are down, the next in turn anyway (the
   * request then fails as a single target's would).
   */
  next(tried: ReadonlySet<TargetNode> = NONE): TargetNode | undefined {
    const n = this.nodes.length;
    let fallback: Node | undefined;
    for (let i = 0; i < n; i++) {
      const node = this.nodes[(this.turn + i) % n]!;
      if (tried.has(node)) continue;
      if (node.down) {
        fallback ??= node;
        continue;
      }
      this.turn = (this.turn + i + 1) % n;
      return node;
    }
    return tried.size ? undefined : fallback;
  }

  /** A node for a request that belongs to no node (a sid the proxy never saw, a page, an asset). */
  any(): TargetNode {
    return this.nodes.find((n) => !n.down) ?? this.first;
  }

  /** `node` refused a connection: set it aside until a probe gets through. No-op with one node. */
  failed(node: TargetNode, why: string): void {
    const n = node as Node;
    if (this.nodes.length < 2 || n.down || this.closed) return;
    n.down = true;
    this.events.down?.(n, why);
    this.schedule(n);
  }

  close(): void {
    this.closed = true;
    for (const n of this.nodes) clearTimeout(n.probe);
  }

  private schedule(node: Node): void {
    node.probe = setTimeout(() => this.probe(node), PROBE_EVERY_MS);
    node.probe.unref();
  }

  private probe(node: Node): void {
    const { hostname, port } = node.upstream;
    const socket = net.connect({
      host: hostname ?? 'localhost',
      port: Number(port || (node.url.protocol === 'https:' ? 443 : 80)),
      timeout: PROBE_TIMEOUT_MS,
    });
    const done = (ok: boolean) => {
      socket.destroy();
      if (this.closed) return;
      if (!ok) return this.schedule(node);
      node.down = false;
      node.probe = undefined;
      this.events.up?.(node);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  }
}

const NONE: ReadonlySet<TargetNode> = new Set();

/** Errors that say the node is not there (as opposed to a request it answered badly). */
export function nodeUnreachable(err: Error & { code?: string }): boolean {
  return (
    err.code === 'ECONNREFUSED' ||
    err.code === 'EHOSTUNREACH' ||
    err.code === 'ENETUNREACH' ||
    err.code === 'ETIMEDOUT' ||
    err.code === 'EAI_AGAIN' ||
    err.code === 'ENOTFOUND'
  );
}
