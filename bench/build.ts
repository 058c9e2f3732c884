/**
 * The bench's child processes (target, proxies, observers, idle clients) run compiled, as users run
 * sio-proxy (the package's dist/ is JavaScript). Run from the sources under tsx, the loader and its
 * compiled copies of the modules added 35-40 MB to each child's RSS (the pass-through's 109 MB under
 * load was 72 MB compiled, the 79 MB an outside measurement found), and a worker thread loaded its
 * own tsx: RSS figures that no user sees (docs/performance.md, "The bench measures compiled code").
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Set to the compiled tree's root once built: children.ts then starts the compiled modules. */
export const BUILD_ENV = 'SIO_BENCH_BUILD';
/** Set to 1 to run the children from the sources under tsx instead (a quicker start while editing). */
export const FROM_SOURCE_ENV = 'SIO_BENCH_FROM_SOURCE';

const OUT = fileURLToPath(new URL('../.bench-build/', import.meta.url));
const CONFIG = fileURLToPath(new URL('./tsconfig.build.json', import.meta.url));

/** Compiles bench/ and what it imports into .bench-build (a few seconds); says where. */
export function buildChildren(log: (line: string) => void): string {
  if (process.env[FROM_SOURCE_ENV] === '1') {
    log(`bench: children run from the sources under tsx (${FROM_SOURCE_ENV}=1)`);
    return 'the sources, under tsx';
  }
  rmSync(OUT, { recursive: true, force: true }); // no module left over from an earlier tree
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', CONFIG], { stdio: 'inherit' });
  process.env[BUILD_ENV] = OUT;
  log(`bench: children compiled into ${OUT}`);
  return 'compiled with tsc (bench/build.ts)';
}
