// `photobind caption [FOLDER|PHOTO...]`: captions photos with the caption model (resumable, Ctrl-C to
// stop), and `photobind caption --edit PHOTO "TEXT"`: a caption of your own, which models never replace.
import fs from 'node:fs/promises';
import type { Command } from 'commander';
import type { CaptionScope } from '../captions/caption.service.ts';
import { clearStatus, formatDuration, globalOptions, printJson, progressLine, status, withCore } from './cli-context.ts';
import { terminalSafe } from './terminal-text.ts';
import { shownPath } from '../shared/path-inside.ts';

interface CaptionFlags {
  /** Seconds into a video: caption the frame at that moment (not kept). */
  time?: number;
  force?: boolean;
  xmp?: boolean;
  edit?: boolean;
  batchSize: number;
}

/** Splits the arguments into folders and photo files; a missing path is an error. */
async function scopeOf(targets: string[]): Promise<CaptionScope> {
  const scope: Required<CaptionScope> = { folders: [], paths: [] };
  for (const target of targets) {
    const stat = await fs.stat(target).catch(() => null);
    if (!stat) throw new Error(`${target} does not exist; check the path (or plug in its drive).`);
    (stat.isDirectory() ? scope.folders : scope.paths).push(target);
  }
  return scope;
}

/** `--time`: seconds from the start of a video (a plain number, 0 or more). */
export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(seconds)) throw new Error(`--time takes seconds from the start of the video, e.g. 12.5 (got "${value}").`);
  return seconds;
}

/** A path as the user would type it: relative when under the current folder, else absolute. */
function shown(p: string): string {
  return terminalSafe(shownPath(p));
}

export function registerCaptionCommand(program: Command): void {
  program
    .command('caption')
    .description('Caption photos with the caption model (skips photos it already captioned; your own captions are never replaced)')
    .argument('[targets...]', 'folders or photos already in the library (default: the whole library); with --edit: PHOTO "TEXT"')
    .option('--force', 'caption again photos the model already captioned (your own captions are still kept)')
    .option('--xmp', 'also write each caption to an XMP sidecar (dc:description, dc:subject) for Lightroom, digiKam, darktable')
    .option('--edit', 'set your own caption: photobind caption --edit PHOTO "TEXT" (an empty TEXT removes it)')
    .option('--batch-size <n>', 'captions saved per commit (a kill loses at most one batch)', (v) => Number(v), 8)
    .option('--auto <on|off>', 'caption newly indexed photos automatically (a library setting)')
    .option('--time <seconds>', 'caption the frame of a VIDEO at this moment, e.g. --time 12.5 (printed, not kept)', parseSeconds)
    .action(async (targets: string[], flags: CaptionFlags & { auto?: string }, command: Command) => {
      const options = globalOptions(command);
      if (flags.auto !== undefined) {
        if (flags.auto !== 'on' && flags.auto !== 'off') throw new Error('--auto takes "on" or "off".');
        const autoCaption = flags.auto === 'on';
        await withCore(options, async (core) => {
          await core.library.updateSettings((s) => ({ ...s, autoCaption }));
          if (options.json) return printJson({ autoCaption });
          console.log(autoCaption ? 'Newly indexed photos will be captioned automatically.' : 'Automatic captioning is off.');
        });
        return;
      }
      if (flags.time !== undefined) {
        const [video, ...rest] = targets;
        if (!video || rest.length || flags.edit || flags.force || flags.xmp) throw new Error('Give one video with --time, e.g. photobind caption clip.mp4 --time 12.5.');
        await scopeOf([video]); // a clear error for a path that does not exist
        await withCore(options, async (core) => {
          const moment = await core.moment.caption(video, flags.time!);
          if (options.json) return printJson([{ path: moment.video.path, time: moment.time, caption: moment.caption }]);
          console.log(`${shown(moment.video.path)} @ ${moment.time} s: ${terminalSafe(moment.caption)}`);
        }, { access: 'read', needs: ['caption'] });
        return;
      }
      if (flags.edit) {
        const [photo, text, ...rest] = targets;
        if (!photo || text === undefined || rest.length) throw new Error('Give the photo and the caption, e.g. photobind caption --edit photo.jpg "Grandma\'s 80th birthday".');
        await scopeOf([photo]); // a clear error for a path that does not exist
        await withCore(options, async (core) => {
          const updated = await core.captions.editCaption(photo, text, { writeXmp: Boolean(flags.xmp) });
          if (options.json) return printJson([{ path: updated.path, caption: updated.caption }]);
          console.log(updated.caption ? `Caption of ${shown(updated.path)} set; models will not replace it.` : `Your caption of ${shown(updated.path)} was removed; the model may caption it again.`);
          if (updated.sidecar) console.log(`Wrote ${shown(updated.sidecar.sidecarPath)}.`);
          if (updated.sidecarError) console.log(`warning: the sidecar was not written: ${terminalSafe(updated.sidecarError)}`);
        });
        return;
      }

      const scope = await scopeOf(targets);
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        controller.abort();
        clearStatus();
        process.stderr.write('Stopping after the photos in progress (Ctrl-C again to quit now)…\n');
      };
      process.on('SIGINT', onSigint);
      try {
        await withCore(options, async (core) => {
          const summary = await core.captions.caption(scope, {
            force: Boolean(flags.force),
            writeXmp: Boolean(flags.xmp),
            batchSize: flags.batchSize,
            signal: controller.signal,
            onProgress: (p) => {
              if (options.json || p.total === 0) return;
              status(progressLine('Captioning', p, 'captions', 'failed'));
            },
          });
          clearStatus();
          if (summary.inScope === 0 && summary.notInLibrary.length === 0) {
            throw new Error(targets.length ? `No indexed photos in ${targets.join(', ')}; index them first: photobind index FOLDER.` : 'The library has no photos yet; index a folder first: photobind index FOLDER.');
          }
          if (options.json) return printJson(await core.captions.captionsIn(scope));
          const model = core.modelSet.caption;
          console.log(
            `Captioned ${summary.captioned} photo${summary.captioned === 1 ? '' : 's'} with ${model} in ${formatDuration(summary.seconds)}` +
              (summary.captioned ? ` (${summary.rate.toFixed(1)} captions/s)` : '') +
              `; ${summary.skippedCurrent} already captioned by it, ${summary.skippedEdited} with your own caption (kept), ${summary.failed} failed.`,
          );
          if (summary.sidecarsRefused) console.log(`No XMP sidecars written: ${summary.sidecarsRefused}`);
          else if (flags.xmp) {
            console.log(`Wrote ${summary.sidecarsWritten} XMP sidecar${summary.sidecarsWritten === 1 ? '' : 's'}.`);
            if (summary.sidecarDescriptionsKept) console.log(`Kept ${summary.sidecarDescriptionsKept} description${summary.sidecarDescriptionsKept === 1 ? '' : 's'} written in another app (only keywords were synced).`);
          }
          for (const failure of summary.failures.slice(0, 10)) console.log(`  failed: ${shown(failure.path)}: ${terminalSafe(failure.reason)}`);
          if (summary.failures.length > 10) console.log(`  … and ${summary.failures.length - 10} more.`);
          for (const failure of summary.sidecarFailures.slice(0, 10)) console.log(`  sidecar not written: ${shown(failure.path)}: ${terminalSafe(failure.reason)}`);
          for (const missing of summary.notInLibrary) console.log(`warning: ${shown(missing)} is not in the library; index its folder first (photobind index FOLDER).`);
          if (summary.cancelled) console.log('Stopped. Finished captions are saved; run the same command again to continue.');
        }, { needs: ['caption'] });
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
