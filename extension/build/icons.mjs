/**
 * The extension's icon, drawn at build time: a teal rounded square with two white arrows, one each
 * way (traffic in both directions), at any size. Drawn from geometry rather than committed as
 * binaries so every size is sharp and a change is a reviewable diff; encoded by a minimal PNG writer
 * (RGBA, zlib from Node) so the build needs no image package.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from './zip.mjs';

export const ICON_SIZES = [16, 32, 48, 128];
const BG = [0x13, 0x8a, 0x7e];
const FG = [0xff, 0xff, 0xff];
/** Samples per pixel side: edges are anti-aliased by coverage. */
const SS = 4;

/** Whether the point (x, y) in the unit square is on the background, and on an arrow. */
function inRoundedSquare(x, y, r = 0.2) {
  const dx = Math.max(r - x, 0, x - (1 - r));
  const dy = Math.max(r - y, 0, y - (1 - r));
  return dx * dx + dy * dy <= r * r;
}

/** An arrow along y = cy from x0 to its tip at x1 (x1 < x0 points left). */
function inArrow(x, y, cy, x0, x1) {
  const dir = Math.sign(x1 - x0);
  const head = 0.2; // length of the head along the shaft
  const u = (x - x0) * dir; // distance along the arrow
  const len = Math.abs(x1 - x0);
  const v = Math.abs(y - cy);
  if (u < 0 || u > len) return false;
  if (u < len - head) return v <= 0.06;
  return v <= 0.16 * ((len - u) / head);
}

function inArrows(x, y) {
  return inArrow(x, y, 0.36, 0.2, 0.82) || inArrow(x, y, 0.64, 0.8, 0.18);
}

/** RGBA pixels of the icon at `size` px. */
export function drawIcon(size) {
  const px = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let pxl = 0; pxl < size; pxl++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = (pxl + (sx + 0.5) / SS) / size;
          const y = (py + (sy + 0.5) / SS) / size;
          if (!inRoundedSquare(x, y)) continue;
          bg++;
          if (inArrows(x, y)) fg++;
        }
      }
      const i = (py * size + pxl) * 4;
      const t = bg === 0 ? 0 : fg / bg;
      for (let c = 0; c < 3; c++) px[i + c] = Math.round(BG[c] * (1 - t) + FG[c] * t);
      px[i + 3] = Math.round((255 * bg) / (SS * SS));
    }
  }
  return px;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A PNG file of `rgba` pixels (`size` x `size`, 8 bits a channel, no interlace). */
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  // Each scanline starts with its filter type, 0 (none): simple, and zlib still does well here.
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `{ 'icons/icon-16.png': Buffer, ... }` and the manifest's `icons` entry naming them. */
export function buildIcons() {
  const files = {};
  const manifestIcons = {};
  for (const size of ICON_SIZES) {
    const name = `icons/icon-${size}.png`;
    files[name] = encodePng(size, drawIcon(size));
    manifestIcons[String(size)] = name;
  }
  return { files, manifestIcons };
}
