// Finds the ffmpeg and ffprobe binaries that npm installs (@ffmpeg-installer/*, @ffprobe-installer/*), with a clear error when missing.
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

// [Note: ffmpeg from npm binary packages]
// Videos are probed and decoded by ffmpeg/ffprobe processes, never in the core's event loop. The
// binaries come from npm packages (@ffmpeg-installer/ffmpeg, @ffprobe-installer/ffprobe), which pull
// the build for this platform as an optional dependency, so users never install a system ffmpeg and
// every machine runs the same decoder. A platform without a build (or an install that skipped optional
// dependencies) gets a VideoToolsMissingError that says which package is missing; photos keep working.
// Inside a packaged Electron app the binaries must be unpacked from the asar archive, so a path inside
// `app.asar` is rewritten to `app.asar.unpacked`.

export type VideoTool = 'ffmpeg' | 'ffprobe';

/** The platform's ffmpeg or ffprobe binary is not installed (or not executable). */
export class VideoToolsMissingError extends Error {
  override readonly name = 'VideoToolsMissingError';
  constructor(
    readonly tool: VideoTool,
    detail: string,
  ) {
    super(`Videos cannot be read on this computer: ${detail}. Photos are not affected.`);
  }
}

const platform = `${os.platform()}-${os.arch()}`;

const PACKAGES: Readonly<Record<VideoTool, string>> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
};

const resolved = new Map<VideoTool, string>();
const require = createRequire(import.meta.url);

/** Environment variables that point at another build of the tool (a distribution's own ffmpeg, a test). */
export const VIDEO_TOOL_ENV: Readonly<Record<VideoTool, string>> = { ffmpeg: 'PHOTOBIND_FFMPEG', ffprobe: 'PHOTOBIND_FFPROBE' };

/** Absolute path of the tool's binary; throws VideoToolsMissingError when this platform has none. */
export function videoToolPath(tool: VideoTool): string {
  const override = process.env[VIDEO_TOOL_ENV[tool]];
  const cached = resolved.get(tool);
  if (cached && !override) return cached;
  const reinstall = `Reinstall Photobind on this computer (\`npm ci\`, with optional dependencies) so that npm installs @${tool}-installer/${platform}`;
  let binary: string;
  if (override) {
    binary = override;
  } else {
    try {
      // The packages throw a plain string (ffmpeg) or an Error (ffprobe) when their binary is missing.
      binary = (require(PACKAGES[tool]) as { path: string }).path.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new VideoToolsMissingError(tool, `the ${tool} program for ${platform} is missing (${reason}). ${reinstall}`);
    }
  }
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new VideoToolsMissingError(
      tool,
      override
        ? `${VIDEO_TOOL_ENV[tool]} names ${binary}, which is not an executable file`
        : `the ${tool} program for ${platform} at ${binary} is missing or not executable. ${reinstall}`,
    );
  }
  if (!override) resolved.set(tool, binary);
  return binary;
}
