/** Runs the `sio-proxy` CLI as a child process and reads what it prints, for the CLI tests. */
import { spawn, type ChildProcess } from 'node:child_process';
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
