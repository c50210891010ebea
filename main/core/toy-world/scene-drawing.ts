// SVG drawings of the toy world: one vector drawing per object kind, a background per setting and time.
import type { Scene } from './scene-sampler.ts';
import { layoutScene, SETTING_GEOMETRY, type PlacedObject } from './scene-layout.ts';
import { COLOR_HEX, type Kind, type Setting, type TimeOfDay } from './vocabulary.ts';
import type { Rng } from './seeded-random.ts';

// See [Note: toy-world layout] in scene-layout.ts. Each kind is drawn in local units (hundredths of the
// central square) with its origin at the bottom centre, x to the right, y up being negative, inside
// the footprint of scene-layout.ts. The colour of an object always fills a large region (body, walls,
// shirt, fur, sign...) so it survives downscaling to 64×64.

/** Compact number formatting for SVG attributes. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function hexToRgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Mixes a colour towards black (amount > 0) or white (amount < 0). */
function shade(hex: string, amount: number): string {
  const target = amount >= 0 ? 0 : 255;
  const a = Math.abs(amount);
  const [r, g, b] = hexToRgb(hex).map((c) => Math.round(c * (1 - a) + target * a)) as [number, number, number];
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}

interface Paint {
  /** The object's colour. */
  c: string;
  /** Outline colour (light for black objects so their silhouette stays visible). */
  ol: string;
  night: boolean;
}

const SW = 0.7;
const GLASS_DAY = '#cfe6f5';
const GLASS_NIGHT = '#ffe7a3';
const TYRE = '#1f1f1f';

function wheel(x: number, y: number, r: number, p: Paint): string {
  return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r)}" fill="${TYRE}" stroke="${p.ol}" stroke-width="${SW}"/>` +
    `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r * 0.42)}" fill="#a9a9a9"/>`;
}

const DRAW: Readonly<Record<Kind, (p: Paint) => string>> = {
  motorcycle: (p) =>
    // exhaust, swingarm and fork behind the body; thick solid wheels; a big solid coloured tank, tail and fairing.
    `<path d="M-2 -5.5 L-15 -7.5" stroke="#b5b5b5" stroke-width="1.9" stroke-linecap="round"/>` +
    `<path d="M-10.5 -5.5 L-1 -9" stroke="#555" stroke-width="1.6"/>` +
    `<path d="M10.5 -5.5 L7.5 -18" stroke="#777" stroke-width="1.8"/>` +
    wheel(-10.5, -5.5, 5.5, p) + wheel(10.5, -5.5, 5.5, p) +
    `<rect x="-4.5" y="-10.5" width="8.5" height="5" rx="1" fill="#5d5d5d" stroke="${p.ol}" stroke-width="${SW}"/>` +
    `<path d="M-16 -10.5 L-15 -13.5 L-11 -15 L-4 -15 L-2.5 -18.8 L4.5 -19.8 L8.5 -18.6 L12.8 -13.5 L12 -10 L7 -9 L4 -11.5 L-3.5 -11 L-6 -9 L-11 -10 Z" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}" stroke-linejoin="round"/>` +
    `<path d="M-11.5 -15.6 L-4 -15.8" stroke="#262626" stroke-width="2.2" stroke-linecap="round"/>` +
    `<path d="M15 -8 A5.6 5.6 0 0 0 6.6 -10.6" stroke="${p.c}" stroke-width="2" fill="none"/>` +
    `<path d="M6 -20.8 L10.5 -21.6" stroke="#2a2a2a" stroke-width="1.5" stroke-linecap="round"/>` +
    `<circle cx="12" cy="-15.2" r="1.5" fill="#ffe680" stroke="${p.ol}" stroke-width="0.4"/>`,

  bicycle: (p) => {
    const R = [-10, -6.4];
    const F = [10, -6.4];
    const B = [-1, -6.4];
    const S = [-4.5, -15.5];
    const H = [6.5, -15.5];
    const pt = (q: number[]): string => `${n(q[0] ?? 0)} ${n(q[1] ?? 0)}`;
    const ring = (x: number, y: number): string =>
      `<circle cx="${x}" cy="${y}" r="6.2" fill="none" stroke="${TYRE}" stroke-width="1.4"/>` +
      `<circle cx="${x}" cy="${y}" r="4.7" fill="none" stroke="${p.c}" stroke-width="1.5"/>` +
      `<circle cx="${x}" cy="${y}" r="0.9" fill="#777"/>`;
    return ring(R[0] ?? 0, R[1] ?? 0) + ring(F[0] ?? 0, F[1] ?? 0) +
      (p.c === COLOR_HEX.black || p.c === COLOR_HEX.white
        ? `<path d="M${pt(R)} L${pt(B)} L${pt(S)} Z M${pt(S)} L${pt(H)} L${pt(B)} M${pt(H)} L${pt(F)}" fill="none" stroke="${p.ol}" stroke-width="3.6" stroke-linejoin="round" stroke-linecap="round"/>`
        : '') +
      `<path d="M${pt(R)} L${pt(B)} L${pt(S)} Z M${pt(S)} L${pt(H)} L${pt(B)} M${pt(H)} L${pt(F)}" fill="none" stroke="${p.c}" stroke-width="2.6" stroke-linejoin="round" stroke-linecap="round"/>` +
      `<path d="M-7 -17 L-2 -17" stroke="#262626" stroke-width="1.8" stroke-linecap="round"/>` +
      `<path d="M-4.5 -15.5 L-4.5 -17" stroke="#555" stroke-width="1"/>` +
      `<path d="M6.5 -15.5 L5.8 -19 L9.5 -19.5" stroke="#2a2a2a" stroke-width="1.3" fill="none" stroke-linecap="round"/>` +
      `<circle cx="-1" cy="-6.4" r="1.8" fill="none" stroke="#444" stroke-width="0.8"/>`;
  },

  car: (p) => {
    const glass = p.night ? '#8ea2b4' : GLASS_DAY;
    return `<path d="M-17.5 -4.5 L-17.8 -10 Q-17.5 -12.6 -14 -13 L-8.5 -13.4 L-4.5 -20 L7 -20 L11.5 -13.4 L15.5 -12.8 Q17.8 -12 17.8 -8.5 L17.6 -4.5 Z" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}" stroke-linejoin="round"/>` +
      `<path d="M-6.8 -13.6 L-3.6 -18.6 L0.3 -18.6 L0.3 -13.6 Z M1.6 -13.6 L1.6 -18.6 L6.3 -18.6 L9.4 -13.6 Z" fill="${glass}" stroke="${p.ol}" stroke-width="0.5"/>` +
      `<path d="M0.9 -13 L0.9 -5" stroke="${p.ol}" stroke-width="0.4"/>` +
      `<rect x="16" y="-11" width="1.8" height="1.6" fill="#fff1a6"/>` +
      `<rect x="-17.8" y="-11" width="1.4" height="1.6" fill="#b3121b"/>` +
      wheel(-10.5, -4.4, 4.4, p) + wheel(10.5, -4.4, 4.4, p);
  },

  bus: (p) => {
    const glass = p.night ? GLASS_NIGHT : GLASS_DAY;
    let windows = '';
    for (let i = 0; i < 5; i++) {
      windows += `<rect x="${n(-20.5 + i * 7)}" y="-24.5" width="5.6" height="7" rx="0.6" fill="${glass}" stroke="${p.ol}" stroke-width="0.45"/>`;
    }
    return `<rect x="-23" y="-27.5" width="46" height="23.5" rx="2.6" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}"/>` +
      windows +
      `<path d="M15.5 -24.5 L20.5 -24.5 Q22.6 -24.5 22.6 -21 L22.6 -17.5 L15.5 -17.5 Z" fill="${glass}" stroke="${p.ol}" stroke-width="0.45"/>` +
      `<rect x="15.5" y="-16" width="4.6" height="10.5" fill="${glass}" stroke="${p.ol}" stroke-width="0.5"/>` +
      `<path d="M17.8 -16 L17.8 -5.5" stroke="${p.ol}" stroke-width="0.4"/>` +
      `<rect x="-23" y="-14.5" width="38" height="1.3" fill="${shade(p.c, 0.35)}"/>` +
      `<rect x="21.2" y="-9.5" width="1.6" height="1.8" fill="#fff1a6"/>` +
      wheel(-13.5, -4.2, 4.2, p) + wheel(11, -4.2, 4.2, p);
  },

  boat: (p) =>
    `<path d="M0 -10 L0 -29.5" stroke="#5a4632" stroke-width="1.1"/>` +
    `<path d="M1 -28.5 L1 -11.5 L14 -11.5 Z" fill="#fbfaf2" stroke="#555" stroke-width="0.5" stroke-linejoin="round"/>` +
    `<path d="M-1 -25.5 L-1 -11.5 L-11 -11.5 Z" fill="#efede2" stroke="#555" stroke-width="0.5" stroke-linejoin="round"/>` +
    `<path d="M-17 -10.5 L17 -10.5 Q15 -3 11 -0.5 L-12 -0.5 Q-15.5 -4 -17 -10.5 Z" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}" stroke-linejoin="round"/>` +
    `<path d="M-16.2 -8.3 L16.3 -8.3" stroke="${shade(p.c, p.c === COLOR_HEX.black ? -0.5 : 0.35)}" stroke-width="0.9"/>` +
    `<path d="M-15 0.2 Q-12 -1.2 -9 0.2 T-3 0.2 T3 0.2 T9 0.2 T15 0.2" stroke="${p.night ? '#5c7f99' : '#e8f6fb'}" stroke-width="0.8" fill="none"/>`,

  'convenience store': (p) => {
    const signText = p.c === COLOR_HEX.yellow || p.c === COLOR_HEX.white ? '#222' : '#fff';
    const window = p.night ? GLASS_NIGHT : GLASS_DAY;
    let stripes = '';
    for (let i = 0; i < 12; i++) {
      stripes += `<path d="M${-24 + i * 4} -25 L${-20 + i * 4} -25 L${-20.6 + i * 4} -21 L${-24.6 + i * 4} -21 Z" fill="${i % 2 === 0 ? p.c : '#fafafa'}"/>`;
    }
    let shelves = '';
    const goods = ['#e4572e', '#29335c', '#f3a712', '#669bbc', '#a8c686'];
    for (let row = 0; row < 3; row++) {
      const y = -16 + row * 4.4;
      shelves += `<path d="M-20.5 ${n(y + 2.4)} L5.5 ${n(y + 2.4)}" stroke="#8d99a6" stroke-width="0.5"/>`;
      for (let i = 0; i < 6; i++) {
        shelves += `<rect x="${n(-19.5 + i * 4.2 + (row % 2) * 1.2)}" y="${n(y)}" width="2.2" height="2.4" fill="${goods[(i + row * 2) % goods.length] ?? '#999'}" opacity="0.75"/>`;
      }
    }
    return `<rect x="-24" y="-33" width="48" height="33" fill="${p.night ? '#cfcbc0' : '#eeece6'}" stroke="#333" stroke-width="${SW}"/>` +
      `<rect x="-25" y="-36" width="50" height="3.2" fill="#555" stroke="#333" stroke-width="0.5"/>` +
      `<rect x="-24" y="-32.8" width="48" height="8" fill="${p.c}" stroke="#333" stroke-width="0.5"/>` +
      `<text x="0" y="-26.4" font-family="DejaVu Sans" font-weight="bold" font-size="6.6" text-anchor="middle" fill="${signText}">24h</text>` +
      stripes +
      `<path d="M-24.6 -21 L23.4 -21" stroke="#333" stroke-width="0.4"/>` +
      `<rect x="-21.5" y="-18.5" width="28" height="15.5" fill="${window}" stroke="#444" stroke-width="0.8"/>` +
      shelves +
      `<rect x="9.5" y="-18.5" width="11" height="18.5" fill="${window}" stroke="#444" stroke-width="0.8"/>` +
      `<path d="M15 -18.5 L15 0" stroke="#444" stroke-width="0.6"/>` +
      `<rect x="-24" y="-3" width="31" height="3" fill="${p.c}" stroke="#333" stroke-width="0.4"/>`;
  },

  house: (p) => {
    const glass = p.night ? GLASS_NIGHT : GLASS_DAY;
    const win = (x: number): string =>
      `<rect x="${x}" y="-19.5" width="7.5" height="7" fill="${glass}" stroke="#3a3a3a" stroke-width="0.6"/>` +
      `<path d="M${n(x + 3.75)} -19.5 L${n(x + 3.75)} -12.5 M${x} -16 L${n(x + 7.5)} -16" stroke="#f5f5f5" stroke-width="0.6"/>`;
    return `<rect x="8" y="-38" width="4.5" height="10" fill="#8a4b3a" stroke="#333" stroke-width="0.5"/>` +
      `<rect x="-16" y="-24" width="32" height="24" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}"/>` +
      `<path d="M-20 -23 L0 -39.5 L20 -23 Z" fill="#5b4a42" stroke="#2b2320" stroke-width="${SW}" stroke-linejoin="round"/>` +
      win(-13) + win(5.5) +
      `<rect x="-3.2" y="-12.5" width="6.4" height="12.5" fill="#7a4a2a" stroke="#333" stroke-width="0.5"/>` +
      `<circle cx="1.6" cy="-6" r="0.5" fill="#e0c060"/>`;
  },

  tree: (p) => {
    const edge = shade(p.c, 0.35);
    return `<path d="M-2.4 0 L-1.8 -20 L1.8 -20 L2.4 0 Z" fill="#7a5230" stroke="#3d2a19" stroke-width="0.5"/>` +
      `<g fill="${p.c}" stroke="${edge}" stroke-width="${SW}">` +
      `<circle cx="-6" cy="-22" r="7"/><circle cx="6" cy="-22" r="7"/>` +
      `<circle cx="0" cy="-32" r="11"/><circle cx="-5" cy="-27" r="7"/><circle cx="5" cy="-27" r="7"/></g>` +
      `<circle cx="0" cy="-27" r="8.5" fill="${p.c}"/>` +
      `<path d="M-3 -35 Q0 -38 3 -36" stroke="${shade(p.c, -0.3)}" stroke-width="0.8" fill="none"/>`;
  },

  person: (p) =>
    `<rect x="-4" y="-14.5" width="3.5" height="13.5" fill="#2e3a4f" stroke="#1b2230" stroke-width="0.4"/>` +
    `<rect x="0.5" y="-14.5" width="3.5" height="13.5" fill="#2e3a4f" stroke="#1b2230" stroke-width="0.4"/>` +
    `<path d="M-4.6 -0.2 L-0.2 -0.2 L-0.2 -1.6 L-4.2 -1.6 Z M0.4 -0.2 L4.8 -0.2 L4.4 -1.6 L0.4 -1.6 Z" fill="#222"/>` +
    `<path d="M-7 -14.5 L-6.6 -24 Q-6.3 -26 -4 -26 L4 -26 Q6.3 -26 6.6 -24 L7 -14.5 Z" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}" stroke-linejoin="round"/>` +
    `<circle cx="-6.8" cy="-13.6" r="1.2" fill="#e8b48a"/><circle cx="6.8" cy="-13.6" r="1.2" fill="#e8b48a"/>` +
    `<rect x="-1.3" y="-28" width="2.6" height="2.4" fill="#e8b48a"/>` +
    `<circle cx="0" cy="-30" r="4" fill="#e8b48a" stroke="#6b4a34" stroke-width="0.4"/>` +
    `<path d="M-4.1 -30.2 Q-4.2 -34.6 0 -34.6 Q4.2 -34.6 4.1 -30.2 Q2 -32.4 -4.1 -30.2 Z" fill="#3b2a20"/>`,

  dog: (p) => {
    const dark = shade(p.c, p.c === COLOR_HEX.black ? -0.25 : 0.3);
    const leg = (x: number, fill: string, tilt: number): string =>
      `<path d="M${x} -10 L${n(x + tilt)} -1.2 L${n(x + tilt + 2.6)} -1.2 L${n(x + 2.4)} -10 Z" fill="${fill}" stroke="${p.ol}" stroke-width="0.45" stroke-linejoin="round"/>` +
      `<ellipse cx="${n(x + tilt + 1.6)}" cy="-0.9" rx="1.8" ry="0.9" fill="${fill}" stroke="${p.ol}" stroke-width="0.4"/>`;
    return `<path d="M-9.5 -12.5 Q-13 -15 -12.4 -19.5" stroke="${p.c}" stroke-width="2.2" fill="none" stroke-linecap="round"/>` +
      leg(-8.6, dark, -0.8) + leg(4.4, dark, 0.6) + leg(-6.2, p.c, 0.4) + leg(6.6, p.c, -0.5) +
      `<ellipse cx="-0.5" cy="-12" rx="10.2" ry="4.8" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}"/>` +
      `<path d="M6.5 -13 L9 -17.5 L12 -15 L10 -10.5 Z" fill="${p.c}"/>` +
      `<circle cx="10.2" cy="-16.4" r="4" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}"/>` +
      `<ellipse cx="13.3" cy="-14.8" rx="2.8" ry="2" fill="${p.c}" stroke="${p.ol}" stroke-width="0.5"/>` +
      `<circle cx="15.6" cy="-15.5" r="0.95" fill="#111"/>` +
      `<ellipse cx="8.2" cy="-15.5" rx="1.6" ry="3.3" fill="${dark}" transform="rotate(18 8.2 -15.5)"/>` +
      `<circle cx="11.1" cy="-17.4" r="0.6" fill="#111"/>`;
  },

  cat: (p) => {
    const inner = p.c === COLOR_HEX.black ? '#6d4b55' : '#f2a7b5';
    return `<path d="M4.5 -1.5 Q10 -1.5 9.5 -7 Q9.2 -10.5 6.8 -12" stroke="${p.c}" stroke-width="2.2" fill="none" stroke-linecap="round"/>` +
      `<path d="M4.5 -1.5 Q10 -1.5 9.5 -7 Q9.2 -10.5 6.8 -12" stroke="${p.ol}" stroke-width="0.4" fill="none"/>` +
      `<path d="M-5.8 0 Q-7.2 -7 -3.5 -12.5 L2.5 -12.5 Q6.5 -7 5.2 0 Z" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}" stroke-linejoin="round"/>` +
      `<ellipse cx="-2.4" cy="-0.8" rx="1.8" ry="1" fill="${p.c}" stroke="${p.ol}" stroke-width="0.4"/>` +
      `<ellipse cx="1.8" cy="-0.8" rx="1.8" ry="1" fill="${p.c}" stroke="${p.ol}" stroke-width="0.4"/>` +
      `<path d="M-4.8 -15.5 L-4.6 -22.5 L-0.8 -18.8 Z M4 -15.5 L3.8 -22.5 L0 -18.8 Z" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}" stroke-linejoin="round"/>` +
      `<path d="M-4 -17 L-3.9 -20.6 L-1.9 -18.6 Z M3.2 -17 L3.1 -20.6 L1.1 -18.6 Z" fill="${inner}"/>` +
      `<ellipse cx="-0.4" cy="-15.2" rx="5" ry="4.3" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}"/>` +
      `<ellipse cx="-2.2" cy="-15.8" rx="0.9" ry="1.1" fill="#9bd13b"/><ellipse cx="1.4" cy="-15.8" rx="0.9" ry="1.1" fill="#9bd13b"/>` +
      `<ellipse cx="-2.2" cy="-15.8" rx="0.3" ry="0.9" fill="#111"/><ellipse cx="1.4" cy="-15.8" rx="0.3" ry="0.9" fill="#111"/>` +
      `<path d="M-0.9 -14 L0.1 -14 L-0.4 -13.4 Z" fill="#e07a8b"/>` +
      `<path d="M-2 -13.6 L-6.5 -14.3 M-2 -13.3 L-6.4 -12.6 M1.2 -13.6 L5.7 -14.3 M1.2 -13.3 L5.6 -12.6" stroke="${p.c === COLOR_HEX.white ? '#777' : '#eee'}" stroke-width="0.25"/>`;
  },

  bird: (p) => {
    const beak = p.c === COLOR_HEX.yellow ? '#d35400' : '#f29a1b';
    const wing = shade(p.c, p.c === COLOR_HEX.black ? -0.3 : 0.28);
    return `<path d="M-1 -3.5 L-2 0 M2 -3.5 L2 0" stroke="#c77a1b" stroke-width="0.7"/>` +
      `<path d="M-6 -9.5 L-9.5 -13.5 L-10 -8.5 Z" fill="${wing}" stroke="${p.ol}" stroke-width="0.5" stroke-linejoin="round"/>` +
      `<ellipse cx="0" cy="-7.5" rx="7" ry="4.8" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}" transform="rotate(-12 0 -7.5)"/>` +
      `<circle cx="5.5" cy="-11.2" r="3.6" fill="${p.c}" stroke="${p.ol}" stroke-width="${SW}"/>` +
      `<path d="M8.6 -12.2 L11.3 -11 L8.6 -10 Z" fill="${beak}" stroke="#6b3a00" stroke-width="0.3"/>` +
      `<circle cx="6.4" cy="-12" r="0.7" fill="#111"/>` +
      `<ellipse cx="-1" cy="-8" rx="4.6" ry="2.6" fill="${wing}" transform="rotate(-12 -1 -8)"/>`;
  },

  umbrella: (p) => {
    const edge = shade(p.c, p.c === COLOR_HEX.black ? -0.4 : 0.35);
    let scallops = 'M-14 -19';
    for (let i = 0; i < 6; i++) scallops += ` Q${n(-14 + i * (28 / 6) + 28 / 12)} -16.6 ${n(-14 + (i + 1) * (28 / 6))} -19`;
    return `<path d="M0.6 -30 L-0.6 0" stroke="#6e6e6e" stroke-width="1.2"/>` +
      `<path d="${scallops} Q14 -31 0.6 -31.5 Q-14 -31 -14 -19 Z" fill="${p.c}" stroke="${edge}" stroke-width="${SW}" stroke-linejoin="round"/>` +
      `<path d="M0.6 -31.5 L-9.3 -19 M0.6 -31.5 L-4.7 -19 M0.6 -31.5 L0 -19 M0.6 -31.5 L4.7 -19 M0.6 -31.5 L9.3 -19" stroke="${edge}" stroke-width="0.5"/>` +
      `<circle cx="0.6" cy="-32" r="0.9" fill="#6e6e6e"/>` +
      `<ellipse cx="-0.6" cy="0" rx="3" ry="0.8" fill="#000" opacity="0.15"/>`;
  },
};

/** The SVG group that draws one placed object, in pixel coordinates of the full image. */
function drawObject(obj: PlacedObject, time: TimeOfDay, toPx: (u: number, v: number) => [number, number], side: number): string {
  const c = COLOR_HEX[obj.color];
  const paint: Paint = { c, ol: obj.color === 'black' ? '#9a9a9a' : '#222', night: time === 'night' };
  const [x, y] = toPx(obj.cx, obj.baseline);
  const k = (side / 100) * obj.scale;
  const halfW = ((obj.box[2] - obj.box[0]) * side) / 2;
  const pool = time === 'night'
    ? `<ellipse cx="${n(x)}" cy="${n(y)}" rx="${n(halfW * 1.15)}" ry="${n(side * 0.025)}" fill="#fff1c4" opacity="0.22"/>`
    : `<ellipse cx="${n(x)}" cy="${n(y)}" rx="${n(halfW * 0.9)}" ry="${n(side * 0.012)}" fill="#000" opacity="0.12"/>`;
  return `${pool}<g transform="translate(${n(x)} ${n(y)}) scale(${Math.round(k * 10000) / 10000})">${DRAW[obj.kind](paint)}</g>`;
}

interface Palette {
  sky: [string, string];
  ground: string;
  far: string;
}

const PALETTES: Readonly<Record<Setting, Record<TimeOfDay, Palette>>> = {
  street: {
    day: { sky: ['#8cc6ee', '#d3ecfb'], far: '#cdc7bb', ground: '#66696f' },
    night: { sky: ['#0a1130', '#24305a'], far: '#4c4b53', ground: '#2b2d34' },
  },
  park: {
    day: { sky: ['#8cc6ee', '#d3ecfb'], far: '#b4d88e', ground: '#a3cc7c' },
    night: { sky: ['#0a1130', '#24305a'], far: '#2e4530', ground: '#2a3f2b' },
  },
  countryside: {
    day: { sky: ['#8cc6ee', '#d8eefb'], far: '#9dc47b', ground: '#d5d99c' },
    night: { sky: ['#0a1130', '#24305a'], far: '#2b402d', ground: '#45452f' },
  },
  beach: {
    day: { sky: ['#8cc6ee', '#d8eefb'], far: '#6bb6cc', ground: '#efdcab' },
    night: { sky: ['#0a1130', '#24305a'], far: '#18344a', ground: '#5a523e' },
  },
  harbor: {
    day: { sky: ['#8cc6ee', '#d8eefb'], far: '#4f8db0', ground: '#bcb7ac' },
    night: { sky: ['#0a1130', '#24305a'], far: '#152c42', ground: '#48474b' },
  },
};

/** Background bands (sky, far band, ground) and a few seeded details (clouds, stars, moon, markings). */
function drawBackground(
  setting: Setting,
  time: TimeOfDay,
  width: number,
  height: number,
  toPx: (u: number, v: number) => [number, number],
  side: number,
  rng: Rng,
): string {
  // Slight seeded variation in light so that no two backgrounds are exactly the same colour.
  const base = PALETTES[setting][time];
  const skyShift = (rng() - 0.5) * 0.12;
  const pal: Palette = {
    sky: [shade(base.sky[0], skyShift), shade(base.sky[1], skyShift)],
    far: shade(base.far, (rng() - 0.5) * 0.12),
    ground: shade(base.ground, (rng() - 0.5) * 0.12),
  };
  const geo = SETTING_GEOMETRY[setting];
  const yH = toPx(0, geo.horizon)[1];
  const yS = toPx(0, geo.groundSplit)[1];
  const night = time === 'night';
  let out = `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${pal.sky[0]}"/><stop offset="1" stop-color="${pal.sky[1]}"/></linearGradient></defs>`;
  out += `<rect x="0" y="0" width="${width}" height="${n(yH + 1)}" fill="url(#sky)"/>`;
  // Sky details, kept near the top of the central square.
  if (night) {
    for (let i = 0; i < 14; i++) {
      const [sx, sy] = toPx(-0.3 + rng() * 1.6, rng() * geo.horizon * 0.85);
      out += `<circle cx="${n(sx)}" cy="${n(sy)}" r="${n(side * (0.002 + rng() * 0.003))}" fill="#fffbe6" opacity="${n(0.6 + rng() * 0.4)}"/>`;
    }
    const [mx, my] = toPx(0.08 + rng() * 0.84, 0.06 + rng() * 0.08);
    const r = side * 0.045;
    out += `<circle cx="${n(mx)}" cy="${n(my)}" r="${n(r)}" fill="#f6f1c7"/><circle cx="${n(mx + r * 0.45)}" cy="${n(my - r * 0.2)}" r="${n(r * 0.85)}" fill="${pal.sky[0]}"/>`;
  } else {
    for (let i = 0; i < 2; i++) {
      const [cx, cy] = toPx(-0.1 + rng() * 1.2, 0.05 + rng() * (geo.horizon - 0.15));
      const s = side * (0.035 + rng() * 0.02);
      out += `<g fill="#ffffff" opacity="0.85"><ellipse cx="${n(cx)}" cy="${n(cy)}" rx="${n(s * 1.8)}" ry="${n(s * 0.7)}"/><circle cx="${n(cx - s * 0.5)}" cy="${n(cy - s * 0.4)}" r="${n(s * 0.7)}"/><circle cx="${n(cx + s * 0.5)}" cy="${n(cy - s * 0.5)}" r="${n(s * 0.85)}"/></g>`;
    }
  }
  const W = width;
  switch (setting) {
    case 'street': {
      out += `<rect x="0" y="${n(yH)}" width="${W}" height="${n(yS - yH)}" fill="${pal.far}"/>`;
      for (let x = (rng() * side) / 8; x < W; x += side / 8) {
        out += `<path d="M${n(x)} ${n(yH)} L${n(x - side * 0.03)} ${n(yS)}" stroke="${night ? '#3f3e45' : '#b9b3a7'}" stroke-width="1"/>`;
      }
      out += `<rect x="0" y="${n(yS)}" width="${W}" height="${n(height - yS)}" fill="${pal.ground}"/>`;
      out += `<rect x="0" y="${n(yS)}" width="${W}" height="${n(side * 0.018)}" fill="${night ? '#5c5b62' : '#9d988e'}"/>`;
      const yMid = toPx(0, 0.8)[1];
      for (let x = -rng() * side * 0.15; x < W; x += side * 0.15) {
        out += `<rect x="${n(x)}" y="${n(yMid)}" width="${n(side * 0.08)}" height="${n(side * 0.012)}" fill="${night ? '#8e8e80' : '#f2f2e6'}"/>`;
      }
      break;
    }
    case 'park':
    case 'countryside': {
      out += `<rect x="0" y="${n(yH)}" width="${W}" height="${n(height - yH)}" fill="${pal.ground}"/>`;
      if (setting === 'countryside') {
        // Rolling hills on the horizon, then ploughed lines in the field.
        const hillY = (yH + yS) / 2;
        for (let i = 0; i < 3; i++) {
          const [hx] = toPx(-0.4 + i * 0.7 + rng() * 0.3, 0);
          out += `<ellipse cx="${n(hx)}" cy="${n(hillY + side * 0.05)}" rx="${n(side * (0.45 + rng() * 0.2))}" ry="${n(side * (0.12 + rng() * 0.06))}" fill="${pal.far}"/>`;
        }
        out += `<rect x="0" y="${n(hillY + side * 0.05)}" width="${W}" height="${n(height)}" fill="${pal.ground}"/>`;
        for (let v = 0.68; v < 1.0; v += 0.07) {
          out += `<path d="M0 ${n(toPx(0, v)[1])} L${W} ${n(toPx(0, v + 0.01)[1])}" stroke="${night ? '#3b3b28' : '#c3c78a'}" stroke-width="1.2"/>`;
        }
      } else {
        out += `<rect x="0" y="${n(yH)}" width="${W}" height="${n(side * 0.05)}" fill="${pal.far}"/>`;
        for (let i = 0; i < 26; i++) {
          const [gx, gy] = toPx(-0.3 + rng() * 1.6, geo.horizon + 0.08 + rng() * (0.98 - geo.horizon - 0.08));
          out += `<path d="M${n(gx)} ${n(gy)} l${n(side * 0.006)} ${n(-side * 0.014)} M${n(gx + side * 0.008)} ${n(gy)} l0 ${n(-side * 0.016)}" stroke="${night ? '#22331f' : '#86b563'}" stroke-width="0.8"/>`;
        }
      }
      break;
    }
    case 'beach':
    case 'harbor': {
      out += `<rect x="0" y="${n(yH)}" width="${W}" height="${n(yS - yH)}" fill="${pal.far}"/>`;
      for (let i = 0; i < 8; i++) {
        const [wx, wy] = toPx(-0.3 + rng() * 1.6, geo.horizon + 0.03 + rng() * (geo.groundSplit - geo.horizon - 0.06));
        out += `<path d="M${n(wx)} ${n(wy)} q${n(side * 0.02)} ${n(-side * 0.012)} ${n(side * 0.04)} 0" stroke="${night ? '#2f5570' : '#b9e2ee'}" stroke-width="1" fill="none"/>`;
      }
      out += `<rect x="0" y="${n(yS)}" width="${W}" height="${n(height - yS)}" fill="${pal.ground}"/>`;
      if (setting === 'beach') {
        let foam = `M0 ${n(yS)}`;
        for (let x = 0; x < W; x += side * 0.08) foam += ` q${n(side * 0.02)} ${n(side * 0.015)} ${n(side * 0.04)} 0 t${n(side * 0.04)} 0`;
        out += `<path d="${foam}" stroke="${night ? '#8aa0ad' : '#ffffff'}" stroke-width="${n(side * 0.01)}" fill="none"/>`;
      } else {
        out += `<rect x="0" y="${n(yS)}" width="${W}" height="${n(side * 0.02)}" fill="${night ? '#2f2f33' : '#8a857b'}"/>`;
        for (let x = -rng() * side * 0.12; x < W; x += side * 0.12) {
          out += `<path d="M${n(x)} ${n(yS + side * 0.02)} L${n(x)} ${n(height)}" stroke="${night ? '#3c3b40' : '#aaa59a'}" stroke-width="1"/>`;
        }
      }
      break;
    }
  }
  if (night) out += `<rect x="0" y="${n(yH)}" width="${W}" height="${n(height - yH)}" fill="#000814" opacity="0.12"/>`;
  return out;
}

export interface DrawOptions {
  width: number;
  height: number;
}

/** The full SVG document for a scene; `rng` drives the layout jitter and background details. */
export function drawSceneSvg(scene: Scene, rng: Rng, { width, height }: DrawOptions): { svg: string; placed: PlacedObject[] } {
  const side = Math.min(width, height);
  const x0 = (width - side) / 2;
  const y0 = (height - side) / 2;
  const toPx = (u: number, v: number): [number, number] => [x0 + u * side, y0 + v * side];
  const placed = layoutScene(scene, rng);
  const background = drawBackground(scene.setting, scene.time, width, height, toPx, side, rng);
  const objects = placed.map((o) => drawObject(o, scene.time, toPx, side)).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${background}${objects}</svg>`;
  return { svg, placed };
}
