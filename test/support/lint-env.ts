/**
 * The protocol-lint integration tests' setup: real socket.io targets behind a proxy with the
 * detectors on its bus (as createProxy wires them), and the problems it publishes.
 */
import assert from 'node:assert/strict';
import { startAnalysis } from '../../proxy/observe/analysis.js';
import type { AnalysisOptions } from '../../shared/analysis/detector.js';
import type { ProblemEvent } from '../../shared/events.js';
import { startProxy, waitFor, type Proxy } from './harness.js';
import { startV2Target, type V2Target } from './v2-helpers.js';
import { startEnv, type Env } from './v4-helpers.js';

/** Short windows, so that the suites stay quick; docs/problems.md gives the defaults. */
export const LINT_WINDOWS: AnalysisOptions = { ackTimeoutMs: 300, upgradeWindowMs: 600 };

/** Runs each registered cleanup, the last registered first. */
export class Cleanups {
  private readonly fns: (() => unknown)[] = [];

  push(...fns: (() => unknown)[]): void {
    this.fns.push(...fns);
  }

  async run(): Promise<void> {
    for (const fn of this.fns.splice(0).reverse()) await fn();
  }
}

/** A v4 target and a proxy with the detectors on its bus. */
export async function lintEnv(
  cleanups: Cleanups,
  targetOpts: Parameters<typeof startEnv>[0] = {},
  windows = LINT_WINDOWS,
): Promise<Env> {
  const e = await startEnv(targetOpts);
  const analysis = startAnalysis(e.proxy.proxy.bus, windows);
  cleanups.push(
    () => e.close(),
    () => analysis.close(),
  );
  return e;
}

/** A socket.io@2 target and a proxy with the detectors on its bus. */
export async function lintV2Env(cleanups: Cleanups): Promise<{ target: V2Target; proxy: Proxy }> {
  const target = await startV2Target();
  const proxy = await startProxy(target.url);
  const analysis = startAnalysis(proxy.proxy.bus, LINT_WINDOWS);
  cleanups.push(
    () => target.close(),
    () => proxy.close(),
    () => analysis.close(),
  );
  return { target, proxy };
}

export const problems = (proxy: Proxy) => proxy.events.filter((e): e is ProblemEvent => e.type === 'problem');

/** The first problem of `kind` on the proxy's bus, waited for. */
export function problem(proxy: Proxy, kind: string, ms = 5000): Promise<ProblemEvent> {
  return waitFor(() => problems(proxy).find((p) => p.kind === kind), ms, `a ${kind} problem`).catch(() =>
    assert.fail(`no ${kind} problem; problems: ${JSON.stringify(problems(proxy), null, 1)}`),
  ) as Promise<ProblemEvent>;
}
