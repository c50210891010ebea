// Plausible seeded photo metadata (time taken, place and GPS, camera) and its EXIF form for sharp's withExif.
import type { Exif } from 'sharp';
import { pick, randomInt, type Rng } from './seeded-random.ts';
import type { TimeOfDay } from './vocabulary.ts';

export interface Place {
  name: string;
  lat: number;
  lon: number;
}

/** A handful of cities; photos land within a few kilometres of their centre. */
export const PLACES: readonly Place[] = [
  { name: 'Bangkok', lat: 13.7563, lon: 100.5018 },
  { name: 'Lisbon', lat: 38.7223, lon: -9.1393 },
  { name: 'Kyoto', lat: 35.0116, lon: 135.7681 },
  { name: 'Cape Town', lat: -33.9249, lon: 18.4241 },
  { name: 'Vancouver', lat: 49.2827, lon: -123.1207 },
  { name: 'Reykjavik', lat: 64.1466, lon: -21.9426 },
  { name: 'Sydney', lat: -33.8688, lon: 151.2093 },
  { name: 'Buenos Aires', lat: -34.6037, lon: -58.3816 },
  { name: 'Marseille', lat: 43.2965, lon: 5.3698 },
  { name: 'Hanoi', lat: 21.0278, lon: 105.8342 },
];

export interface Camera {
  make: string;
  model: string;
}

export const CAMERAS: readonly Camera[] = [
  { make: 'Apple', model: 'iPhone 13' },
  { make: 'Apple', model: 'iPhone 15 Pro' },
  { make: 'samsung', model: 'SM-G991B' },
  { make: 'Google', model: 'Pixel 7' },
  { make: 'Canon', model: 'Canon EOS R6' },
  { make: 'SONY', model: 'ILCE-7M3' },
  { make: 'FUJIFILM', model: 'X-T4' },
  { make: 'NIKON CORPORATION', model: 'NIKON Z 6' },
];

export interface PhotoMeta {
  /** Local time without zone, "YYYY-MM-DDTHH:MM:SS". */
  takenAt: string;
  place: string;
  /** Decimal degrees, 5 decimals (about a metre); south and west are negative. */
  gps: { lat: number; lon: number };
  camera: Camera;
}

/** "Canon EOS R6", "Apple iPhone 13": make and model without repeating the make. */
export function cameraLabel(camera: Camera): string {
  const make = camera.make === 'samsung' ? 'Samsung' : camera.make === 'NIKON CORPORATION' ? 'Nikon' : camera.make === 'SONY' ? 'Sony' : camera.make === 'FUJIFILM' ? 'Fujifilm' : camera.make;
  return camera.model.toLowerCase().startsWith(make.toLowerCase()) ? camera.model : `${make} ${camera.model}`;
}

const FIRST_DAY = Date.UTC(2019, 0, 1);
const DAYS = Math.round((Date.UTC(2026, 0, 1) - FIRST_DAY) / 86_400_000);

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function round5(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}

/** Metadata for one photo: a date in 2019–2025 at an hour that matches day or night, a place, a camera. */
export function samplePhotoMeta(rng: Rng, time: TimeOfDay): PhotoMeta {
  const date = new Date(FIRST_DAY + randomInt(rng, 0, DAYS - 1) * 86_400_000);
  const hour = time === 'day' ? randomInt(rng, 8, 17) : pick(rng, [20, 21, 22, 23, 0, 1, 2, 3, 4]);
  const takenAt =
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(hour)}:${pad(randomInt(rng, 0, 59))}:${pad(randomInt(rng, 0, 59))}`;
  const place = pick(rng, PLACES);
  const gps = { lat: round5(place.lat + (rng() - 0.5) * 0.06), lon: round5(place.lon + (rng() - 0.5) * 0.06) };
  return { takenAt, place: place.name, gps, camera: pick(rng, CAMERAS) };
}

/** Degrees as the three EXIF rationals "d/1 m/1 s/1000" (exact for 5-decimal degrees to within 0.001"). */
export function toDmsRationals(degrees: number): string {
  const totalMs = Math.round(Math.abs(degrees) * 3_600_000);
  const d = Math.floor(totalMs / 3_600_000);
  const m = Math.floor((totalMs % 3_600_000) / 60_000);
  const ms = totalMs % 60_000;
  return `${d}/1 ${m}/1 ${ms}/1000`;
}

/** The EXIF directories for sharp's `withExif`: IFD0 (camera, date), IFD2 (Exif: DateTimeOriginal), IFD3 (GPS). */
export function toSharpExif(meta: PhotoMeta): Exif {
  const exifDate = meta.takenAt.replace('T', ' ').replace(/-/g, ':');
  return {
    IFD0: { Make: meta.camera.make, Model: meta.camera.model, DateTime: exifDate, Software: 'Photobind toy world' },
    IFD2: { DateTimeOriginal: exifDate, DateTimeDigitized: exifDate },
    IFD3: {
      GPSVersionID: '2 2 0 0',
      GPSLatitudeRef: meta.gps.lat >= 0 ? 'N' : 'S',
      GPSLatitude: toDmsRationals(meta.gps.lat),
      GPSLongitudeRef: meta.gps.lon >= 0 ? 'E' : 'W',
      GPSLongitude: toDmsRationals(meta.gps.lon),
      GPSMapDatum: 'WGS-84',
    },
  };
}
