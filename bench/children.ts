/**
 * Parent side of the child processes: starts a TypeScript module under tsx with an IPC channel,
 * waits for it to say it is ready, sends it requests, and makes sure that no child outlives the
 * benchmark, whatever way it ends (normal end, error, Ctrl-C, SIGTERM, watchdog).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_ENV } from './build.js';
import { EXIT_COMMAND, type Ready, type Reply, type Request } from './ipc.js';

/** This file is compiled (bench/build.ts) when a child of a compiled bench runs it. */
const COMPILED = import.meta.url.endsWith('.js');
/**
 * The repository (compiled, this file is in .bench-build/bench/: one level down, as dist/ is, so that
 * what the proxy finds beside itself (the built panel, package.json) it finds there too).
 */
const ROOT = fileURLToPath(new URL(COMPILED ? '../..' : '..', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

/** The child's script and the node flags that load it: compiled when built (build.ts), else under tsx. */
export function entry(module: string): { script: string; loader: string[] } {
  const js = module.replace(/\.ts$/, '.js');
  if (COMPILED) return { script: fileURLToPath(new URL(js, import.meta.url)), loader: [] };
  const built = process.env[BUILD_ENV];
  if (built) return { script: join(built, 'bench', js), loader: [] };
  return { script: fileURLToPath(new URL(module, import.meta.url)), loader: ['--import', TSX_LOADER] };
}

const live = new Set<ChildProcess>();

export interface ChildHandle<Info> {
  readonly name: string;
  readonly pid: number;
  /** What the child announced when ready (its URL, for servers). */
  readonly info: Info;
  request<T>(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Asks the child to exit, and kills it if it has not within a few seconds. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Passed to the child as its only argument, as JSON. */
  config?: unknown;
  /** Extra node flags (`--expose-gc`, `--cpu-prof`, ...). */
  nodeFlags?: string[];
  readyTimeoutMs?: number;
}

export async function spawnChild<Info>(
  name: string,
  module: string,
  opts: SpawnOptions = {},
): Promise<ChildHandle<Info>> {
  const { script, loader } = entry(module);
  const proc = fork(script, [JSON.stringify(opts.config ?? {})], {
    cwd: ROOT,
    execArgv: [...(opts.nodeFlags ?? []), ...loader],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(proc);
  const pid = proc.pid ?? -1;

  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      exited = `child ${name} (pid ${pid}) exited (${signal ?? `code ${code}`})`;
      for (const p of pending.values()) p.reject(new Error(exited));
      pending.clear();
      resolve();
    });
  });
  proc.on('error', (err) => {
    exited ??= `child ${name}: ${err.message}`;
  });

  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`child ${name} not ready within ${opts.readyTimeoutMs ?? 20_000} ms`)),
      opts.readyTimeoutMs ?? 20_000,
    );
    proc.on('message', (raw: unknown) => {
      const msg = raw as Ready | Reply;
      if ('type' in msg && msg.type === 'ready') {
        clearTimeout(timer);
        return resolve(msg.info as Info);
      }
      const reply = msg as Reply;
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new Error(`${name}: ${reply.error}`));
    });
    void exitedPromise.then(() => {
      clearTimeout(timer);
      reject(new Error(exited));
    });
  }).catch(async (err: unknown) => {
    killNow(proc);
    await exitedPromise;
    throw err;
  });

  return {
    name,
    pid,
    info,
    request<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
      if (exited || !proc.connected) return Promise.reject(new Error(exited ?? `child ${name} disconnected`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: "${cmd}" got no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => (clearTimeout(timer), resolve(v as T)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        const req: Request = { id, cmd, args };
        proc.send(req);
      });
    },
    async stop(): Promise<void> {
      if (exited) return;
      if (proc.connected) proc.send({ id: 0, cmd: EXIT_COMMAND, args: {} } satisfies Request);
      const timer = setTimeout(() => killNow(proc), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

function killNow(proc: ChildProcess): void {
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
}

/** Last resort, synchronous: used from `exit` handlers, where nothing asynchronous runs any more. */
export function killAllChildren(): void {
  for (const proc of live) killNow(proc);
  live.clear();
}

export function liveChildren(): number {
  return live.size;
}

let hooked = false;

/** Children die with us: on normal exit, on an uncaught error, and on SIGINT/SIGTERM/SIGHUP. */
export function installExitHooks(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}, stopping child processes`);
      killAllChildren();
      process.exit(130);
    });
  }
}
