/** Command-line options and the sizes of every measurement, for the full run and for `--quick`. */

export const SCENARIOS = ['latency', 'throughput', 'binary', 'memory', 'replay'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchConfig {
  quick: boolean;
  /** Run the sio-proxy (1 observer) child under `node --cpu-prof` and summarise where its time went. */
  profile: boolean;
  /** Overwrite docs/benchmarks.md. */
  write: boolean;
  /** Exit non-zero when a target is missed (by default only errors fail the run). */
  strict: boolean;
  only: ReadonlySet<Scenario>;
  /** Every timed measurement is split into this many rounds, the variants' order rotating each round. */
  rounds: number;
  latency: { websocketSamples: number; pollingSamples: number; warmup: number; blockWarmup: number };
  throughput: { clients: number; warmMs: number; windowMs: number };
  binary: { clients: number; bytes: number; warmMs: number; windowMs: number };
  memory: { clients: number; warmupClients: number; concurrency: number };
  /** History replay under a crowd (bench/replay.ts). */
  replay: { events: number; eventBytes: number; observers: number; idleMs: number };
  /** The whole run is aborted (children killed) past this. */
  deadlineMs: number;
}

const USAGE = `usage: npm run bench -- [--quick] [--profile] [--only=latency,throughput,binary,memory,replay]
                          [--write | --no-write] [--strict]
  --quick     ~30 s smoke run with fewer iterations (does not touch docs/ unless --write)
  --profile   run the sio-proxy child under node --cpu-prof and print its top self-time functions
              (profiled numbers are skewed: docs/ is not written unless --write)
  --only      run some measurements only
  --strict    exit with status 1 when a target is missed`;

export function parseArgs(argv: readonly string[]): BenchConfig {
  const flags = new Set<string>();
  let only: Set<Scenario> = new Set(SCENARIOS);
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',');
      const bad = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
      if (bad.length) throw new Error(`unknown scenario(s) ${bad.join(', ')}\n${USAGE}`);
      only = new Set(names as Scenario[]);
    } else if (['--quick', '--profile', '--write', '--no-write', '--strict'].includes(arg)) flags.add(arg);
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  const quick = flags.has('--quick');
  const profile = flags.has('--profile');
  const complete = only.size === SCENARIOS.length;
  const write = flags.has('--write') || (!flags.has('--no-write') && !quick && !profile && complete);
  const common = { quick, profile, write, strict: flags.has('--strict'), only };
  if (quick) {
    return {
      ...common,
      rounds: 1,
      latency: { websocketSamples: 300, pollingSamples: 150, warmup: 50, blockWarmup: 10 },
      throughput: { clients: 10, warmMs: 300, windowMs: 600 },
      binary: { clients: 4, bytes: 256 * 1024, warmMs: 300, windowMs: 600 },
      memory: { clients: 300, warmupClients: 30, concurrency: 50 },
      replay: { events: 20_000, eventBytes: 1200, observers: 5, idleMs: 500 },
      deadlineMs: 120_000,
    };
  }
  return {
    ...common,
    rounds: 3,
    latency: { websocketSamples: 2000, pollingSamples: 2000, warmup: 200, blockWarmup: 20 },
    throughput: { clients: 10, warmMs: 500, windowMs: 2000 },
    binary: { clients: 4, bytes: 256 * 1024, warmMs: 500, windowMs: 2000 },
    memory: { clients: 1000, warmupClients: 100, concurrency: 50 },
    replay: { events: 100_000, eventBytes: 1200, observers: 20, idleMs: 2000 },
    deadlineMs: 420_000,
  };
}
