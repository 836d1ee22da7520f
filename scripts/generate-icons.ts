// Draws the tray and app icons and writes them as PNG files under assets/. No image library: shapes are
// described as signed distances, rasterised with 4×4 supersampling, and encoded with zlib.
//   npx tsx scripts/generate-icons.ts
// The state icons differ in colour AND glyph (check, pause bars, exclamation mark, cross), so they stay
// distinguishable for colour-blind admins and on monochrome trays.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

type Rgba = readonly [number, number, number, number];
/** Signed distance from point (x, y) in the unit square to the shape's edge; negative inside. */
type Shape = (x: number, y: number) => number;
interface Layer { shape: Shape; color: Rgba }

const WHITE: Rgba = [255, 255, 255, 255];

const circle = (cx: number, cy: number, r: number): Shape => (x, y) => Math.hypot(x - cx, y - cy) - r;

/** A line from (ax, ay) to (bx, by) with round ends, half-width r. */
const capsule = (ax: number, ay: number, bx: number, by: number, r: number): Shape => (x, y) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t) - r;
};

const roundedSquare = (inset: number, radius: number): Shape => (x, y) => {
  const half = 0.5 - inset - radius;
  const qx = Math.abs(x - 0.5) - half, qy = Math.abs(y - 0.5) - half;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
};

const disc = (color: Rgba): Layer => ({ shape: circle(0.5, 0.5, 0.47), color });

export const TRAY_ICONS: Record<'syncing' | 'paused' | 'attention' | 'error', Layer[]> = {
  syncing: [
    disc([30, 142, 84, 255]),
    { shape: capsule(0.29, 0.52, 0.44, 0.67, 0.07), color: WHITE },
    { shape: capsule(0.44, 0.67, 0.72, 0.36, 0.07), color: WHITE },
  ],
  paused: [
    disc([110, 116, 125, 255]),
    { shape: capsule(0.39, 0.32, 0.39, 0.68, 0.075), color: WHITE },
    { shape: capsule(0.61, 0.32, 0.61, 0.68, 0.075), color: WHITE },
  ],
  attention: [
    disc([214, 137, 16, 255]),
    { shape: capsule(0.5, 0.26, 0.5, 0.56, 0.08), color: WHITE },
    { shape: circle(0.5, 0.73, 0.085), color: WHITE },
  ],
  error: [
    disc([196, 43, 28, 255]),
    { shape: capsule(0.33, 0.33, 0.67, 0.67, 0.08), color: WHITE },
    { shape: capsule(0.67, 0.33, 0.33, 0.67, 0.08), color: WHITE },
  ],
};

/** The app icon: two ends (Teams, PBX) joined by a bridge, on a blue rounded square. */
export const APP_ICON: Layer[] = [
  { shape: roundedSquare(0.04, 0.2), color: [38, 84, 160, 255] },
  { shape: capsule(0.3, 0.56, 0.7, 0.56, 0.05), color: WHITE },
  { shape: circle(0.3, 0.56, 0.13), color: WHITE },
  { shape: circle(0.7, 0.56, 0.13), color: WHITE },
  { shape: capsule(0.3, 0.4, 0.5, 0.27, 0.035), color: WHITE },
  { shape: capsule(0.5, 0.27, 0.7, 0.4, 0.035), color: WHITE },
];

export const TRAY_SIZES = { '': 16, '@2x': 32 } as const;
export const APP_SIZES = [16, 32, 48, 64, 128, 256, 512] as const;

/** RGBA pixels, row by row, non-premultiplied. */
export function rasterize(layers: Layer[], size: number, samples = 4): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          // The topmost layer that covers the sample wins.
          for (let i = layers.length - 1; i >= 0; i--) {
            const layer = layers[i]!;
            if (layer.shape(x, y) <= 0) {
              const alpha = layer.color[3] / 255;
              r += layer.color[0] * alpha; g += layer.color[1] * alpha; b += layer.color[2] * alpha; a += alpha;
              break;
            }
          }
        }
      }
      const o = (py * size + px) * 4;
      const n = samples * samples;
      if (a > 0) {
        out[o] = Math.round(r / a); out[o + 1] = Math.round(g / a); out[o + 2] = Math.round(b / a);
      }
      out[o + 3] = Math.round((a / n) * 255);
    }
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG (colour type 6), no filtering, maximum compression. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Every icon file as path (relative to the repository root) → PNG bytes. */
export function allIcons(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const [state, layers] of Object.entries(TRAY_ICONS)) {
    for (const [suffix, size] of Object.entries(TRAY_SIZES)) {
      files.set(`assets/tray/${state}${suffix}.png`, encodePng(rasterize(layers, size), size, size));
    }
  }
  for (const size of APP_SIZES) {
    files.set(`assets/app/icon-${size}.png`, encodePng(rasterize(APP_ICON, size), size, size));
  }
  return files;
}

function main(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const [rel, bytes] of allIcons()) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    console.log(`${rel}  ${bytes.length} bytes`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
