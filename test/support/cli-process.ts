/** Runs the `sio-proxy` CLI as a child process and reads what it prints, for the CLI tests. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { io } from 'socket.io-client';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** The flags of a run against `target`, proxy and dashboard on free ports, then `extra`. */
export function cliArgs(target: string, ...extra: string[]): string[] {
  return ['--target', target, '--port', '0', '--ui-port', '0', ...extra];
}

/** `command` defaults to the TypeScript entry point run through tsx. */
export function runCli(
  args: string[],
  command: string[] = [process.execPath, '--import', 'tsx', 'proxy/cli.ts'],
): CliRun {
  const [bin, ...pre] = command;
  const child = spawn(bin ?? process.execPath, [...pre, ...args], {
    cwd: root,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until the CLI printed its banner and returns the URLs from it. */
export async function banner(run: CliRun, ms = 15_000): Promise<{ proxy: string; dashboard: string }> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const proxy = /proxy:\s+(http:\/\/\S+)/.exec(run.stdout())?.[1];
    const dashboard = /dashboard:\s+(http:\/\/\S+)/.exec(run.stdout())?.[1];
    if (proxy && dashboard) return { proxy, dashboard };
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no banner; stdout: ${run.stdout()} stderr: ${run.stderr()}`);
}

/** One `echo` round trip through the CLI's proxy (the target serves serveEcho), on `transport`. */
export async function assertEchoThrough(
  proxy: string,
  value: string,
  transport: 'polling' | 'websocket',
): Promise<void> {
  const client = io(proxy, { forceNew: true, reconnection: false, transports: [transport] });
  try {
    assert.equal(await client.timeout(5000).emitWithAck('echo', value), value);
  } finally {
    client.close();
  }
}
