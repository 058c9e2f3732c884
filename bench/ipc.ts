/**
 * The request/reply protocol between the benchmark's orchestrator and its child processes, and the
 * child side of it. A child announces itself once with `ready`, then answers `{ id, cmd, args }`
 * requests with `{ id, ok, result | error }`. It exits when told to, on SIGTERM/SIGINT (through
 * process.exit, so that `--cpu-prof` still writes its profile), and as soon as its parent is gone.
 */

export interface Request {
  id: number;
  cmd: string;
  args: Record<string, unknown>;
}

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface Ready {
  type: 'ready';
  info: unknown;
}

/** The command every child understands: leave now (the parent waits for the exit). */
export const EXIT_COMMAND = 'exit';

export type Handler = (args: Record<string, unknown>) => unknown;

function send(message: Reply | Ready): void {
  if (process.connected) process.send?.(message);
}

/** Child side: answers the parent's requests with `handlers`, after announcing `readyInfo`. */
export function serve(handlers: Record<string, Handler>, readyInfo: unknown): void {
  process.on('message', (raw: unknown) => {
    const req = raw as Request;
    if (typeof req !== 'object' || req === null || typeof req.id !== 'number') return;
    if (req.cmd === EXIT_COMMAND) return process.exit(0);
    const handler = handlers[req.cmd];
    if (!handler) return send({ id: req.id, ok: false, error: `unknown command ${req.cmd}` });
    Promise.resolve()
      .then(() => handler(req.args ?? {}))
      .then(
        (result) => send({ id: req.id, ok: true, result }),
        (err: unknown) => send({ id: req.id, ok: false, error: (err as Error)?.message ?? String(err) }),
      );
  });
  // The orchestrator died or closed the channel: nobody will ever stop us otherwise.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
  send({ type: 'ready', info: readyInfo });
}

/** The JSON configuration a child was started with (its first argument). */
export function childConfig<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('missing child configuration argument');
  return JSON.parse(raw) as T;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
