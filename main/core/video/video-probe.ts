// Reads a video's container facts with ffprobe: duration, codecs, upright size, frame rate, creation date and GPS.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { toPhotoProblem } from '../media/photo-problem.ts';
import { videoProblem } from './video-problem.ts';
import { videoToolPath } from './video-tools.ts';

export interface VideoInfo {
  /** Seconds, from the container (or the video stream); null when neither records it (some WebM recordings). */
  duration: number | null;
  /** ffmpeg's name of the video codec: 'h264', 'hevc', 'vp9', 'av1', ... */
  videoCodec: string;
  /** ffmpeg's names of the audio codecs, in stream order (empty for a silent video). */
  audioCodecs: string[];
  /** ffmpeg's short name of the container ('mov,mp4,m4a,3gp,3g2,mj2', 'matroska,webm', 'avi'). */
  container: string;
  /** As displayed: after the rotation the phone recorded and the pixel aspect ratio. */
  width: number;
  height: number;
  /** Degrees clockwise the decoder turns the stored frames to show them upright (0, 90, 180, 270). */
  rotation: number;
  /** Frames per second (average), or null when the container does not say. */
  frameRate: number | null;
  /** File size in bytes. */
  size: number;
  /** When it was recorded: the camera's local time with its zone where the phone wrote one (QuickTime), else UTC. */
  createdAt: string | null;
  /** Where it was recorded, from the ISO 6709 location tag (iPhone, Android), or null. */
  gps: { lat: number; lon: number } | null;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: Array<{ rotation?: number | string }>;
}

interface ProbeJson {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; tags?: Record<string, string> };
}

/** The largest frame decoded: 8K UHD. */
const MAX_SIDE = 8192;
const PROBE_TIMEOUT_MS = 60_000;

/**
 * Probes `filePath` with ffprobe. Throws a PhotoProblemError (see video-problem.ts) naming the file and
 * the reason when it is empty, cut off, damaged, has no video stream or a codec ffmpeg cannot decode,
 * and VideoToolsMissingError when this platform has no ffprobe.
 */
export async function probeVideo(filePath: string): Promise<VideoInfo> {
  let size: number;
  try {
    const stat = await fs.stat(filePath);
    if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    size = stat.size;
  } catch (error) {
    throw toPhotoProblem(error, filePath);
  }
  if (size === 0) throw videoProblem.empty(filePath);
  const json = await runProbe(filePath);
  const streams = json.streams ?? [];
  // Cover art in MP4/MKV is a one-frame "video" stream marked attached_pic: not the video.
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!video) {
    const kinds = streams.map((s) => s.codec_type ?? 'unknown');
    throw videoProblem.noVideoStream(filePath, kinds.length ? `only ${[...new Set(kinds)].join(' and ')}` : 'no streams at all');
  }
  if (!video.codec_name || video.codec_name === 'none') {
    throw videoProblem.unsupportedCodec(filePath, video.codec_tag_string && video.codec_tag_string !== '[0][0][0][0]' ? `FourCC "${video.codec_tag_string}"` : 'unknown');
  }
  const storedWidth = video.width ?? 0;
  const storedHeight = video.height ?? 0;
  if (storedWidth <= 0 || storedHeight <= 0) throw videoProblem.corrupt(filePath, 'its video stream has no frame size');
  if (storedWidth > MAX_SIDE || storedHeight > MAX_SIDE) throw videoProblem.tooLarge(filePath, storedWidth, storedHeight);
  const rotation = streamRotation(video);
  const aspect = ratio(video.sample_aspect_ratio) ?? 1;
  const displayWidth = Math.max(1, Math.round(storedWidth * (aspect > 0 ? aspect : 1)));
  const [width, height] = rotation % 180 === 0 ? [displayWidth, storedHeight] : [storedHeight, displayWidth];
  const tags = { ...lowerKeys(video.tags), ...lowerKeys(json.format?.tags) };
  return {
    duration: positive(Number(json.format?.duration)) ?? positive(Number(video.duration)),
    videoCodec: video.codec_name,
    audioCodecs: streams.filter((s) => s.codec_type === 'audio').map((s) => s.codec_name ?? 'unknown'),
    container: json.format?.format_name ?? 'unknown',
    width,
    height,
    rotation,
    frameRate: positive(ratio(video.avg_frame_rate)) ?? positive(ratio(video.r_frame_rate)),
    size,
    createdAt: creationDate(tags),
    gps: parseIso6709(tags['com.apple.quicktime.location.iso6709'] ?? tags['location'] ?? tags['location-eng']),
  };
}

function runProbe(filePath: string): Promise<ProbeJson> {
  const ffprobe = videoToolPath('ffprobe');
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', filePath];
  return new Promise((resolve, reject) => {
    execFile(ffprobe, args, { timeout: PROBE_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        void startsLikeIsoMedia(filePath).then((iso) => reject(probeFailure(filePath, stderr, error, iso)));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as ProbeJson);
      } catch (parseError) {
        reject(videoProblem.corrupt(filePath, 'ffprobe gave no readable description', parseError));
      }
    });
  });
}

/** ISO media (MP4, MOV) files open with a box such as "ftyp", "mdat", "wide" or "free" at byte 4. */
async function startsLikeIsoMedia(filePath: string): Promise<boolean> {
  try {
    const handle = await fs.open(filePath, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(8), 0, 8, 0);
      return bytesRead === 8 && ['ftyp', 'mdat', 'moov', 'wide', 'free', 'skip', 'pnot'].includes(buffer.toString('latin1', 4, 8));
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/**
 * A problem from ffprobe's (or ffmpeg's) error output. A missing "moov" box means a cut-off MP4/MOV
 * when the file starts like one (`isoMedia`), else bytes that are no video at all.
 */
export function probeFailure(filePath: string, stderr: string, cause?: unknown, isoMedia = true): Error {
  const lower = stderr.toLowerCase();
  if (lower.includes('moov atom not found') && !isoMedia) {
    return videoProblem.corrupt(filePath, 'ffmpeg does not recognise it as any video format', cause);
  }
  if (lower.includes('moov atom not found')) {
    return videoProblem.truncated(filePath, 'its index (the "moov" box that MP4 and MOV files keep at the end) is missing', cause);
  }
  if (lower.includes('partial file') || lower.includes('end of file') || lower.includes('truncat')) {
    return videoProblem.truncated(filePath, 'the file ends before the video does', cause);
  }
  const timedOut = typeof cause === 'object' && cause !== null && 'killed' in cause && (cause as { killed: unknown }).killed === true;
  if (timedOut) return videoProblem.corrupt(filePath, 'reading it took longer than a minute', cause);
  if (lower.includes('invalid data found') || lower.includes('could not find codec parameters') || lower.includes('unknown format')) {
    return videoProblem.corrupt(filePath, 'ffmpeg does not recognise it as any video format', cause);
  }
  return videoProblem.corrupt(filePath, lastLine(stderr) ?? 'ffmpeg could not read it', cause);
}

/** The last meaningful line of a tool's error output, without ffmpeg's "[demuxer @ 0x...]" prefix. */
export function lastLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.replace(/^\[[^\]]*\]\s*/, '').trim()).filter((l) => l.length > 0);
  const line = lines.at(-1);
  if (!line) return undefined;
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

function lowerKeys(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) out[key.toLowerCase()] = value;
  return out;
}

function ratio(text: string | undefined): number | null {
  if (!text) return null;
  const [a, b] = text.split(/[/:]/).map(Number);
  if (a === undefined || !Number.isFinite(a)) return null;
  if (b === undefined) return a;
  return b > 0 && Number.isFinite(b) ? a / b : null;
}

function positive(value: number | null): number | null {
  return value !== null && Number.isFinite(value) && value > 0 ? value : null;
}

/** Clockwise degrees to turn the stored frames upright: the display matrix (newer ffprobe) or the `rotate` tag. */
function streamRotation(stream: ProbeStream): number {
  const fromMatrix = stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  // The display matrix's rotation is counter-clockwise (-90 for a portrait iPhone video); the old tag is clockwise.
  const degrees = fromMatrix !== undefined ? -Number(fromMatrix) : Number(stream.tags?.['rotate'] ?? 0);
  if (!Number.isFinite(degrees)) return 0;
  return ((Math.round(degrees / 90) * 90) % 360 + 360) % 360;
}

/**
 * The recording date: QuickTime's creationdate (local time with the zone, written by iPhones), else the
 * container's creation_time (UTC). Dates before 1971 are unset clocks (QuickTime's epoch is 1904).
 */
function creationDate(tags: Record<string, string>): string | null {
  for (const key of ['com.apple.quicktime.creationdate', 'creation_time', 'date']) {
    const value = tags[key]?.trim();
    if (!value) continue;
    const parsed = Date.parse(value);
    if (!Number.isFinite(parsed) || new Date(parsed).getUTCFullYear() < 1971) continue;
    // "2023-05-01T12:34:56+0200" -> "2023-05-01T12:34:56+02:00"; "2023-05-01T10:34:56.000000Z" -> "2023-05-01T10:34:56Z"
    const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
    if (!match) return new Date(parsed).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const zone = match[3] === undefined ? '' : match[3] === 'Z' ? 'Z' : `${match[3].slice(0, 3)}:${match[3].slice(-2)}`;
    return `${match[1]}T${match[2]}${zone}`;
  }
  return null;
}

/**
 * Latitude and longitude from an ISO 6709 string such as "+37.7858-122.4064+012.345/" (degrees), also
 * in its DDMM(.mm) and DDMMSS(.ss) forms. Null when absent, malformed or out of range.
 */
export function parseIso6709(text: string | undefined): { lat: number; lon: number } | null {
  if (!text) return null;
  const match = /^\s*([+-])(\d+(?:\.\d+)?)([+-])(\d+(?:\.\d+)?)/.exec(text);
  if (!match) return null;
  const lat = sexagesimal(match[2]!, 2) * (match[1] === '-' ? -1 : 1);
  const lon = sexagesimal(match[4]!, 3) * (match[3] === '-' ? -1 : 1);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  if (lat === 0 && lon === 0) return null;
  return { lat, lon };
}

/** ISO 6709 degrees from "DD.dd", "DDMM.mm" or "DDMMSS.ss" (DDD for longitude). */
function sexagesimal(text: string, degreeDigits: number): number {
  const [whole = '', fraction = ''] = text.split('.');
  const frac = fraction ? Number(`0.${fraction}`) : 0;
  if (whole.length <= degreeDigits) return Number(text);
  if (whole.length === degreeDigits + 2) {
    return Number(whole.slice(0, degreeDigits)) + (Number(whole.slice(degreeDigits)) + frac) / 60;
  }
  if (whole.length === degreeDigits + 4) {
    return Number(whole.slice(0, degreeDigits)) + Number(whole.slice(degreeDigits, degreeDigits + 2)) / 60 + (Number(whole.slice(degreeDigits + 2)) + frac) / 3600;
  }
  return Number.NaN;
}
