// `photobind info PHOTO`, `photobind status` and `photobind problems`: what the library knows.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { cameraName } from '../../../common/camera-name.ts';
import { explainDeviceFallback } from '../model-process/device-selection.ts';
import { readDeviceState } from '../model-process/device-state.repository.ts';
import { isDemoOnlySet, TOY_MODELS_NOTE } from '../models/model-catalog.ts';
import { isVideoFormat } from '../../../common/video-formats.ts';
import { formatBytes, globalOptions, printJson, withCore } from './cli-context.ts';
import { thumbnailPath } from '../library/thumbnail-path.ts';
import { terminalSafe } from './terminal-text.ts';
import { findStoredPath } from '../library/library-paths.ts';

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath, entry.name)).catch(() => null))?.size ?? 0;
  }
  return total;
}

export function registerLibraryInfoCommands(program: Command): void {
  program
    .command('info')
    .description('What the library knows of one photo')
    .argument('<photo>', 'path of the photo')
    .action(async (photoPath: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        // As typed, or with its links resolved ([Note: symlinked folders]).
        const absolute = (await findStoredPath(photoPath, async (p) => (await core.library.photo(p)) !== null)) ?? path.resolve(photoPath);
        const photo = await core.library.photo(absolute);
        const problem = photo ? undefined : await core.library.problem(absolute);
        if (!photo && !problem) throw new Error(`${photoPath} is not in this library; index its folder first (photobind index FOLDER).`);
        const state = photo ? 'indexed' : problem!.permanent ? 'failed' : 'failed, will retry';
        // A video also says how long it is and how many moments of it were embedded.
        const video = photo && isVideoFormat(photo.format) ? await core.videos.describe(photo.contentHash) : null;
        // Faces as fractions of the displayed photo, with their person (only while face grouping is on).
        const faces = photo && core.faceGrouping ? await core.people.facesOfPhoto(photo.contentHash) : [];
        // The text read in the photo: lines joined by "\n", and each line with its confidence and box (fractions of the displayed photo).
        const reading = photo ? await core.text.textOf(photo.contentHash) : null;
        // The GPS position's town or city and country, named offline ([Note: offline places]); null without one.
        const place = photo ? core.places.nameOf(photo.gps) : null;
        const info = photo
          ? { ...photo, place: place && { city: place.city, country: place.country, countryCode: place.countryCode }, ...(video ?? {}), state, thumbnail: thumbnailPath(core.layout.thumbnails, photo.contentHash), faces, text: reading!.text, textLines: reading!.textLines }
          : { path: absolute, state, problem: { kind: problem!.kind, reason: problem!.reason } };
        if (options.json) return printJson(info);
        if (!photo) return console.log(`${terminalSafe(absolute)}\n  state: ${state}\n  problem: ${terminalSafe(problem!.reason)}`);
        const lines: Array<[string, string | null]> = [
          ['size', `${photo.width} × ${photo.height} (${photo.format}, ${formatBytes(photo.size)})`],
          ['taken', photo.takenAt],
          ['duration', video?.duration != null ? `${video.duration.toFixed(1)} s, ${video.moments} moments (${video.videoCodec})` : null],
          ['place', photo.gps ? `${place ? `${place.city}, ${place.country} ` : ''}(${photo.gps.lat.toFixed(5)}, ${photo.gps.lon.toFixed(5)})` : null],
          ['camera', cameraName(photo.cameraMake, photo.cameraModel)],
          ['caption', photo.caption],
          ['description', photo.description],
          ['keywords', photo.keywords.length ? photo.keywords.join(', ') : null],
          ['people', faces.length ? faces.map((f) => f.name ?? (f.person ? `person ${f.person}` : 'unknown')).join(', ') : null],
          ['text', reading!.text ? reading!.text.replaceAll('\n', ' / ') : reading!.read ? 'none found' : null],
          ['state', state],
          ['model', photo.modelId],
        ];
        console.log(terminalSafe(photo.path));
        for (const [label, value] of lines) if (value) console.log(`  ${label.padEnd(12)}${terminalSafe(String(value))}`);
      }, { access: 'read' });
    });

  program
    .command('status')
    .description('Library summary: photos, pending work, problems, models, device, size on disk')
    .action(async (_flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        // Status starts no model process: the device comes from the last one's report, the models'
        // state from disk ([Note: status without the model process]).
        const [photos, problems, pending, recorded, modelError] = await Promise.all([
          core.library.countPhotos(),
          core.library.problems(),
          core.readPending(),
          readDeviceState(core.layout.deviceState),
          core.searchModelProblemOnDisk(),
        ]);
        // A report made under another device setting says nothing about this one.
        const device = recorded && recorded.requested === core.deviceSetting ? recorded : null;
        const result = {
          library: core.layout.root,
          photos,
          pending,
          failed: problems.length,
          models: { set: core.modelSet.name, clip: core.modelSet.clip, caption: core.modelSet.caption, ask: core.modelSet.ask, demoOnly: isDemoOnlySet(core.modelSet) },
          modelNote: isDemoOnlySet(core.modelSet) ? TOY_MODELS_NOTE : null,
          searchModel: core.activeSearchModel,
          modelSwitch: await core.switchStatus(),
          device: device?.device ?? null,
          deviceCheckedAt: device?.checkedAt ?? null,
          deviceFallbacks: (device?.fallbacks ?? []).map((f) => ({ ...f, explanation: explainDeviceFallback(f.device, f.reason) })),
          modelError,
          roots: core.settings.roots,
          sizeOnDisk: { database: await folderSize(core.layout.database), thumbnails: await folderSize(core.layout.thumbnails) },
          stages: await core.stageStatus.stages(),
        };
        if (options.json) return printJson(result);
        console.log(`Library     ${terminalSafe(result.library)}`);
        console.log(`Photos      ${photos} indexed, ${pending} pending, ${problems.length} with problems`);
        console.log(`Models      ${core.modelSet.name} (search: ${core.activeSearchModel})`);
        if (result.modelNote) console.log(`            note: ${result.modelNote}`);
        for (const [name, counts] of Object.entries(result.stages)) {
          console.log(`  ${name.padEnd(10)}${counts.done} done, ${counts.pending} pending, ${counts.failed} failed${counts.note ? ` — ${counts.note}` : ''}`);
        }
        const sw = result.modelSwitch;
        if (sw) console.log(`Switching   to ${sw.to}: ${sw.reembedded} of ${sw.total} photos re-embedded; searches use ${sw.from} until done (run \`photobind index\` to finish)`);
        console.log(`Device      ${result.device ? `${result.device} (checked ${result.deviceCheckedAt})` : `not checked yet (setting: ${core.deviceSetting}; the first search or index starts the models and picks it)`}`);
        for (const f of result.deviceFallbacks) console.log(`            ${f.device} skipped: ${f.explanation}`);
        if (result.modelError) console.log(`Model       ${result.modelError}`);
        console.log(`On disk     ${formatBytes(result.sizeOnDisk.database)} database, ${formatBytes(result.sizeOnDisk.thumbnails)} thumbnails`);
        console.log(`Folders     ${result.roots.length ? terminalSafe(result.roots.join(', ')) : 'none yet (photobind index FOLDER)'}`);
      }, { allowDownload: false, access: 'read' }); // status reports; it never starts a download
    });

  program
    .command('problems')
    .description('Files that could not be indexed, with the reason')
    .action(async (_flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        const problems = await core.library.problems();
        if (options.json) return printJson(problems.map((p) => ({ path: p.path, kind: p.kind, reason: p.reason, permanent: p.permanent })));
        if (problems.length === 0) return console.log('No problems: every photo found was indexed.');
        for (const p of problems) console.log(`${terminalSafe(p.path)}\n  ${p.kind}: ${terminalSafe(p.reason)}`);
      }, { access: 'read' });
    });
}
