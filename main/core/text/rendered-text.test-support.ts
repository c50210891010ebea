// Renders seeded pictures of text with known content and boxes (sharp + SVG), for the reader's tests, quality report and bench.
// Each line is drawn alone (font, size, colour, letter spacing), turned, trimmed to learn its exact
// box, then placed on a background (flat, gradient, or a real photo when given); "photographed"
// pictures get blur, noise, uneven light and JPEG compression.
import { mulberry32 } from '../toy-world/seeded-random.ts';
import sharp, { type OverlayOptions, type Sharp } from 'sharp';

export interface RenderedLine {
  text: string;
  fontFamily: string;
  fontSize: number;
  rotation: number;
  letterSpacing: number;
  /** Pixel box of the drawn line in the picture. */
  box: { x: number; y: number; width: number; height: number };
}

export interface RenderedTextImage {
  data: Buffer;
  width: number;
  height: number;
  lines: RenderedLine[];
  /** The same picture as a JPEG file's bytes (to test decoding paths). */
  jpeg: Buffer;
}

export const TEXT_FONTS = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'DejaVu Sans Condensed', 'DejaVu Sans Light', 'sans-serif', 'serif'] as const;

/** Words and phrases of the kinds photographed text holds: signs, menus, plates, receipts. */
export const TEXT_PHRASES = [
  'OPEN', 'BAKERY', 'Fresh bread daily', 'Coffee & Tea', 'RE16 TGK', 'Platform 9', 'No parking', 'EXIT', 'Sale 50% off', 'Main Street',
  'Happy Birthday Anna', 'MENU', 'Soup of the day', 'Pizza Margherita 8.50', 'Welcome to Berlin', 'Museum of Modern Art', 'Hotel Central',
  'PHARMACY', 'Bus stop 42', 'Gate B12', 'Total 23.40', 'Thank you for visiting', 'Library', 'Open 24 hours', 'Station Road', 'CINEMA',
  'Fish and chips', 'Ice cream', 'Car wash', 'Flower market', 'Harbour View', 'Police', 'Taxi rank', 'Exhibition hall', 'Garden centre',
  'Parking level 3', 'Fire exit only', 'Bicycle repair', 'Fresh fruit', 'Quiet please', 'Tickets 12 EUR', 'Summer festival 2024',
  'Room 204', 'Wine bar', 'Ferry terminal', 'Post office', 'Bakery & Cafe', 'Lemonade 2.50', 'Beach closed', 'Mountain trail 5 km',
] as const;

export interface LineStyle {
  text: string;
  fontFamily?: string;
  fontSize: number;
  /** Degrees, clockwise. */
  rotation?: number;
  color?: string;
  bold?: boolean;
  italic?: boolean;
  letterSpacing?: number;
}

export interface TextImageSpec {
  width: number;
  height: number;
  lines: LineStyle[];
  background?: string | { from: string; to: string } | { photo: Buffer };
  photographed?: boolean;
  seed?: number;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One line of text, turned and trimmed to its ink, as RGBA. */
async function renderLine(style: LineStyle): Promise<{ data: Buffer; width: number; height: number }> {
  const size = style.fontSize;
  const width = Math.ceil(size * (style.text.length * 0.75 + 2) + (style.letterSpacing ?? 0) * style.text.length);
  const height = Math.ceil(size * 2);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="${size * 0.5}" y="${size * 1.35}" font-family="${style.fontFamily ?? 'DejaVu Sans'}" font-size="${size}" fill="${style.color ?? '#111'}"${style.bold ? ' font-weight="bold"' : ''}${style.italic ? ' font-style="italic"' : ''}${style.letterSpacing ? ` letter-spacing="${style.letterSpacing}"` : ''}>${escapeXml(style.text)}</text></svg>`;
  let image = sharp(Buffer.from(svg));
  if (style.rotation) image = sharp(await image.png().toBuffer()).rotate(style.rotation, { background: { r: 0, g: 0, b: 0, alpha: 0 } });
  const { data, info } = await sharp(await image.png().toBuffer()).trim({ threshold: 1 }).png().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function backgroundOf(spec: TextImageSpec): Promise<Sharp> {
  const { width, height } = spec;
  const background = spec.background ?? '#ffffff';
  if (typeof background === 'string') return sharp({ create: { width, height, channels: 3, background } });
  if ('photo' in background) return sharp(await sharp(background.photo).rotate().resize(width, height, { fit: 'cover' }).removeAlpha().png().toBuffer());
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${background.from}"/><stop offset="1" stop-color="${background.to}"/></linearGradient></defs><rect width="${width}" height="${height}" fill="url(#g)"/></svg>`;
  return sharp(Buffer.from(svg));
}

/**
 * Draws `spec.lines` one below the other (each at a seeded x), each with its own style. Lines that do
 * not fit (too wide, or below the last one that fits) are left out of the picture and of `lines`.
 */
export async function renderTextImage(spec: TextImageSpec): Promise<RenderedTextImage> {
  const random = mulberry32(spec.seed ?? 1);
  const gap = Math.max(8, Math.round(spec.height * 0.02));
  const rendered: Array<{ image: { data: Buffer; width: number; height: number }; style: LineStyle }> = [];
  let total = 0;
  for (const style of spec.lines) {
    const image = await renderLine(style);
    if (image.width > spec.width) continue;
    const needed = total + (rendered.length ? gap : 0) + image.height;
    if (needed > spec.height) break;
    total = needed;
    rendered.push({ image, style });
  }
  let y = Math.floor(random() * (spec.height - total));
  const lines: RenderedLine[] = [];
  const composites: OverlayOptions[] = [];
  for (const { image, style } of rendered) {
    const x = Math.floor(random() * (spec.width - image.width));
    composites.push({ input: image.data, left: x, top: y });
    lines.push({
      text: style.text,
      fontFamily: style.fontFamily ?? 'DejaVu Sans',
      fontSize: style.fontSize,
      rotation: style.rotation ?? 0,
      letterSpacing: style.letterSpacing ?? 0,
      box: { x, y, width: image.width, height: image.height },
    });
    y += image.height + gap;
  }
  let picture = sharp(await (await backgroundOf(spec)).composite(composites).removeAlpha().png().toBuffer());
  if (spec.photographed) picture = await photograph(picture, spec.width, spec.height, random);
  const { data, info } = await picture.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const jpeg = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
  return { data, width: info.width, height: info.height, lines, jpeg };
}

/** Blur, uneven light, sensor noise and JPEG compression, as a phone photo of a sign would have. */
async function photograph(picture: Sharp, width: number, height: number, random: () => number): Promise<Sharp> {
  const blurred = await picture.blur(0.6 + random() * 0.6).raw().toBuffer();
  const noisy = Buffer.alloc(blurred.length);
  const cx = random() * width;
  const cy = random() * height;
  const reach = Math.hypot(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 1 - 0.25 * (Math.hypot(x - cx, y - cy) / reach);
      for (let c = 0; c < 3; c++) {
        const i = (y * width + x) * 3 + c;
        // Sum of three uniforms: a cheap bell-shaped noise, σ ≈ 7 grey levels.
        const noise = (random() + random() + random() - 1.5) * 14;
        noisy[i] = Math.max(0, Math.min(255, Math.round(blurred[i]! * light + noise)));
      }
    }
  }
  const jpeg = await sharp(noisy, { raw: { width, height, channels: 3 } }).jpeg({ quality: 60 + Math.floor(random() * 20) }).toBuffer();
  return sharp(jpeg);
}

/** A seeded picture of 3–5 lines in random fonts, colours and rotations of at most `maxRotation` degrees. */
export function randomTextSpec(seed: number, options: { fontSize: number; maxRotation?: number; photographed?: boolean; width?: number; height?: number; letterSpacing?: number; photo?: Buffer }): TextImageSpec {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const width = options.width ?? 1280;
  const height = options.height ?? 960;
  const palettes: Array<{ ink: string; background: TextImageSpec['background'] }> = [
    { ink: '#111111', background: '#ffffff' },
    { ink: '#ffffff', background: '#1d3557' },
    { ink: '#b00020', background: '#fff4d6' },
    { ink: '#0b3d91', background: { from: '#f1f1f1', to: '#c9d6df' } },
    { ink: '#fdd835', background: '#2e7d32' },
    { ink: '#222222', background: { from: '#e8d5b7', to: '#b08d57' } },
    { ink: '#ffffff', background: '#c62828' },
    { ink: '#333333', background: '#9e9e9e' },
  ];
  const palette = pick(palettes);
  const count = 3 + Math.floor(random() * 3);
  const lines: LineStyle[] = [];
  const maxRotation = options.maxRotation ?? 0;
  for (let i = 0; i < count; i++) {
    lines.push({
      text: pick(TEXT_PHRASES),
      fontFamily: pick(TEXT_FONTS),
      fontSize: Math.round(options.fontSize * (0.9 + random() * 0.2)),
      rotation: Math.round((random() * 2 - 1) * maxRotation),
      color: palette.ink,
      bold: random() < 0.3,
      italic: random() < 0.15,
      letterSpacing: options.letterSpacing ?? 0,
    });
  }
  return { width, height, lines, background: options.photo ? { photo: options.photo } : palette.background, photographed: options.photographed ?? false, seed };
}
