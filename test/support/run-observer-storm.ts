/**
 * Runs the crowd of observer-storm.ts in a process of its own (so that what it costs to receive is
 * not counted against the proxy under test) and resolves with what it printed: the events each
 * observer read and the downloads' statuses and sizes. Shared by the isolation test and the bench's
 * replay case (bench/replay.ts), which run the script from the sources or compiled.
 */
import { spawn } from 'node:child_process';

export interface Download {
  status: number;
  bytes: number;
}

export interface StormResult {
  observers: number[];
  capture: Download;
  har: Download;
}

export interface Storm {
  /** observer-storm's script and the node flags that load it. */
  script: string;
  loader: string[];
  /** The dashboard's origin and token. */
  origin: string;
  token: string;
  observers: number;
  /** Each observer reads until it has this many events. */
  events: number;
  /** What else downloads meanwhile: `capture,har` (the default), one of them, or nothing. */
  parts?: string;
}

export function runObserverStorm(storm: Storm): Promise<StormResult> {
  const args = [
    storm.origin,
    storm.token,
    String(storm.observers),
    String(storm.events),
    storm.parts ?? 'capture,har',
  ];
  const child = spawn(process.execPath, [...storm.loader, storm.script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out) as StormResult);
      } catch {
        reject(new Error(`the observer storm exited (${code}) without its result: ${out.slice(0, 200)}`));
      }
    });
  });
}
