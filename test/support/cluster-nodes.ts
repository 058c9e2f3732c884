/**
 * Socket.IO cluster nodes for the tests: each test/support/cluster-node.ts in its own process (so
 * that a test can kill one for real), sharing a redis-server through @socket.io/redis-adapter.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRedis, waitForOutput, type RedisServer } from './redis-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ClusterNode {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
}

/** `port` 0: any free one; `adminUi`: instrumented with @socket.io/admin-ui (serverId = name). */
export async function startNode(
  name: string,
  redis: string,
  port = 0,
  opts: { adminUi?: boolean } = {},
): Promise<ClusterNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/cluster-node.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NAME: name,
      REDIS_URL: redis,
      PORT: String(port),
      ...(opts.adminUi ? { ADMIN_UI: '1' } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const m = await waitForOutput(child, /listening (\d+)/, 20_000, `cluster node ${name}`);
  const p = Number(m[1]);
  return { name, port: p, url: `http://127.0.0.1:${p}`, child };
}

/** SIGKILL, resolved once the process is gone. */
export async function killNode(node: ClusterNode): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  const exited = new Promise((resolve) => node.child.once('exit', resolve));
  node.child.kill('SIGKILL');
  await exited;
}

export interface Cluster {
  redis: RedisServer;
  nodes: ClusterNode[];
  /** Kills the nodes still running (including any put back in `nodes`), then stops Redis. */
  stop(): Promise<void>;
}

/** A redis-server and one node per name on it, started together. */
export async function startCluster(names: readonly string[]): Promise<Cluster> {
  const redis = await startRedis();
  const nodes = await Promise.all(names.map((n) => startNode(n, redis.url)));
  return {
    redis,
    nodes,
    async stop() {
      await Promise.all(nodes.map(killNode));
      await redis.stop();
    },
  };
}
