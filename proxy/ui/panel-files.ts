/**
 * The dashboard panel's built files (panel/dist, made by `npm run build:panel`), served by the
 * dashboard server. The page itself (`/`) stays behind the token like every route; the assets it
 * loads (`/assets/…`) are served without it, since the page's own requests for scripts and styles
 * cannot carry the token, and the files hold no data: the traffic is only ever read through
 * `/api/*` and the event stream, which keep the token check.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_META_NAME } from '../../shared/discovery.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page's headers: no caching (a rebuilt panel shows at once), no Referer (the page URL holds the
 * token), and a CSP that lets it talk to its own server only.
 */
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'",
};

/**
 * Marks the page as a sio-proxy dashboard for the DevTools extension, which then remembers the
 * token in the page's URL (extension/src/content/dashboard-token.ts). Added here rather than in
 * panel/index.html so that the fallback page carries it too, and a page that is not ours does not.
 */
export const DASHBOARD_META = `<meta name="${DASHBOARD_META_NAME}" content="1">`;

/**
 * `html` with DASHBOARD_META first in its head; without a `<head>` tag, right after the doctype (the
 * parser puts it in the implied head; before the doctype it would switch the page to quirks mode).
 */
export function markDashboard(html: string): string {
  const after = /<head(\s[^>]*)?>/i.exec(html) ?? /^\s*<!doctype[^>]*>/i.exec(html);
  const at = after ? after.index + after[0].length : 0;
  return html.slice(0, at) + DASHBOARD_META + html.slice(at);
}

/** panel/dist from proxy/ui (running from source) or from dist/proxy/ui (the built package). */
export function defaultPanelDir(): string | undefined {
  for (const rel of ['../../panel/dist/', '../../../panel/dist/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

export class PanelFiles {
  private readonly root: string | undefined;

  /** `dir`: the built panel; undefined when it was not built. */
  constructor(dir: string | undefined) {
    this.root = dir && existsSync(join(dir, 'index.html')) ? resolve(dir) : undefined;
  }

  get built(): boolean {
    return this.root !== undefined;
  }

  /**
   * Serves a file of the built panel other than the page itself, without a token. Returns false for
   * anything else (the page, `/api/*`, unknown paths), which then goes through the token check.
   */
  serveAsset(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.root || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/' || path === '/index.html' || path.startsWith('/api/')) return false;
    const file = this.resolveFile(path);
    if (!file) return false;
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    const body = readFileSync(file);
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': body.length,
      'X-Content-Type-Options': 'nosniff',
      // Vite names assets after their content hash: a name never changes content.
      'Cache-Control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  /** The page (`/`, after the token check): the panel, or a page saying how to build it. */
  serveIndex(req: IncomingMessage, res: ServerResponse, fallback: string): void {
    if (!this.root) {
      res.writeHead(200, {
        ...PAGE_HEADERS,
        'Content-Security-Policy': "default-src 'self' 'unsafe-inline'",
      });
      res.end(req.method === 'HEAD' ? undefined : markDashboard(fallback));
      return;
    }
    const body = Buffer.from(markDashboard(readFileSync(join(this.root, 'index.html'), 'utf8')));
    res.writeHead(200, { ...PAGE_HEADERS, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** The file under the panel's directory that `path` names, if it is a regular file there. */
  private resolveFile(path: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const root = this.root as string;
    const file = resolve(root, `.${decoded}`);
    if (!file.startsWith(root + sep)) return undefined; // `..` out of the directory
    try {
      return statSync(file).isFile() ? file : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Shown at `/` when panel/dist is missing: says how to build it, above the old status page. */
export function notBuiltPage(statusPage: string): string {
  const notice =
    '<p style="padding:8px;border:1px solid #c5221f;color:#c5221f"><b>The dashboard panel is not built.</b> ' +
    'Run <code>npm run build</code> (or <code>npm run build:panel</code>) in the sio-proxy checkout, then reload. ' +
    'Until then, a minimal live session list:</p>';
  return statusPage.replace('<h1>sio-proxy</h1>', `<h1>sio-proxy</h1>\n${notice}`);
}
