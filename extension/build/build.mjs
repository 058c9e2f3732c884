#!/usr/bin/env node
/**
 * Builds the DevTools extension into extension/dist (load it unpacked from there) and packs
 * extension/dist/sio-proxy-devtools.zip for the Chrome Web Store.
 *
 * Two kinds of output, hence several Vite builds:
 * - the extension pages (devtools.html, panel.html): ES modules with chunks, like the dashboard;
 * - the service worker and the two content scripts: one self-contained IIFE each, because content
 *   scripts cannot be modules (no `import`), and a classic worker needs no "type": "module".
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { buildIcons } from './icons.mjs';
import { zip } from './zip.mjs';

const extDir = fileURLToPath(new URL('..', import.meta.url));
const rootDir = join(extDir, '..');
const outDir = join(extDir, 'dist');
const ZIP_NAME = 'sio-proxy-devtools.zip';
const quiet = { logLevel: 'warn' };

await build({
  ...quiet,
  configFile: false,
  root: extDir,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      input: { devtools: join(extDir, 'devtools.html'), panel: join(extDir, 'panel.html') },
    },
  },
});

const SCRIPTS = [
  { entry: 'src/page/capture.ts', file: 'page-capture.js' },
  { entry: 'src/content/relay.ts', file: 'relay.js' },
  { entry: 'src/background/service-worker.ts', file: 'service-worker.js' },
];
for (const { entry, file } of SCRIPTS) {
  await build({
    ...quiet,
    configFile: false,
    root: extDir,
    build: {
      outDir,
      emptyOutDir: false,
      sourcemap: false,
      // Readable output: these run in every page and get reviewed by the store; they are small.
      minify: false,
      lib: { entry: join(extDir, entry), formats: ['iife'], name: 'sioProxy', fileName: () => file },
    },
  });
  const code = readFileSync(join(outDir, file), 'utf8');
  if (/^\s*import[\s{*]/m.test(code)) throw new Error(`${file} still has an import statement`);
}

// The manifest, with the package's version (the store wants it to grow with each upload).
const pkg = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(extDir, 'manifest.json'), 'utf8'));
manifest.version = pkg.version;
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

// The icons (drawn by icons.mjs), at the paths manifest.json names: a mismatch fails the build.
const icons = buildIcons();
if (JSON.stringify(manifest.icons) !== JSON.stringify(icons.manifestIcons))
  throw new Error(`manifest.json "icons" should be ${JSON.stringify(icons.manifestIcons)}`);
mkdirSync(join(outDir, 'icons'), { recursive: true });
for (const [name, data] of Object.entries(icons.files)) writeFileSync(join(outDir, name), data);

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name !== ZIP_NAME)
      files.push({ name: relative(outDir, path).split('\\').join('/'), data: readFileSync(path) });
  }
};
rmSync(join(outDir, ZIP_NAME), { force: true });
walk(outDir);
writeFileSync(join(outDir, ZIP_NAME), zip(files));
console.log(`extension: ${relative(rootDir, outDir)}/ (${files.length} files) and ${ZIP_NAME}`);
