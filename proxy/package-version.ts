/** The package's version, for the banner, `--version`, HAR's creator and the dashboard's `/api/hello`. */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** package.json is one level up from proxy/ and two from dist/proxy/. */
export function packageVersion(): string {
  if (cached) return cached;
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'sio-proxy' && pkg.version) return (cached = pkg.version);
    } catch {
      /* try the next */
    }
  }
  return 'unknown';
}
