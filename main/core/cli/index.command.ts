// `photobind index DIR...`: indexes folders, with a progress line (count, rate, ETA) on a terminal.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { isInside } from '../shared/path-inside.ts';
import { demoLibraryDir } from '../library/library-location.ts';
import { getModelSet, isDemoOnlySet } from '../models/model-catalog.ts';
import type { PhotobindCore } from '../photobind-core.ts';
import { clearStatus, globalOptions, printJson, progressLine, status, withCore, type GlobalOptions } from './cli-context.ts';
import { terminalSafe } from './terminal-text.ts';

/**
 * Toy models never index a folder of the user's unless the toy set was named on this command line
 * (see [Note: toy models stay with the demo]). Folders inside the library folder (its demo album) and
 * folders the library already has are fine.
 */
export async function refuseToyModelsForNewFolders(core: PhotobindCore, folders: string[], options: GlobalOptions): Promise<void> {
  if (!isDemoOnlySet(core.modelSet)) return;
  if (options.models && isDemoOnlySet(getModelSet(options.models))) return;
  // A folder that is not there is reported by the folder check (LibraryService.checkFolder), not here.
  const present: string[] = [];
  for (const folder of folders) if (await fs.stat(folder).then((s) => s.isDirectory(), () => false)) present.push(folder);
  const roots = await Promise.all(present.map((f) => fs.realpath(path.resolve(f)).catch(() => path.resolve(f))));
  const fresh = roots.filter((root) => !core.settings.roots.includes(root) && !isInside(root, core.layout.root));
  if (fresh.length === 0) return;
  throw new Error(
    `The library ${core.layout.root} uses the "${core.modelSet.name}" models: tiny demo models that only understand Photobind's toy scenes, ` +
      `so they would search and caption ${fresh[0]} wrongly. Index it with the real models (add --models default, which also re-embeds this library), ` +
      `or into a library of its own (--library DIR), or, to use the toy models anyway, add --models ${core.modelSet.name}.`,
  );
}

/** True when some folder lies outside the demo library: `index` then starts the user's own library. */
async function outsideDemoLibrary(folders: string[]): Promise<boolean> {
  const demo = await fs.realpath(demoLibraryDir()).catch(() => path.resolve(demoLibraryDir()));
  for (const folder of folders) {
    const real = await fs.realpath(path.resolve(folder)).catch(() => path.resolve(folder));
    if (real !== demo && !isInside(real, demo)) return true;
  }
  return false;
}

export function registerIndexCommand(program: Command): void {
  program
    .command('index')
    .description('Index photo folders (adds them to the library); re-running only looks at what changed')
    .argument('[folders...]', 'folders with photos (default: every folder already in the library)')
    .option('--batch-size <n>', 'photos per model batch', (v) => Number(v), 16)
    .action(async (folders: string[], opts: { batchSize: number }, command: Command) => {
      const options = globalOptions(command);
      const forNewFolders = folders.length > 0 && (await outsideDemoLibrary(folders));
      await withCore(options, async (core) => {
        let roots: string[];
        const offline: string[] = [];
        const notes: string[] = [];
        if (folders.length) {
          await refuseToyModelsForNewFolders(core, folders, options);
          // The same rules as the app's "Add a folder" (LibraryService.addFolders); relative paths are from here.
          const added = await core.library.addFolders(folders, { base: process.cwd() });
          roots = added.folders;
          for (const already of added.alreadyIn) notes.push(already.message);
        } else {
          if (core.settings.roots.length === 0) throw new Error('Name a folder to index, e.g. `photobind index ~/Pictures`.');
          roots = [];
          for (const root of core.settings.roots) (await fs.stat(root).then((s) => s.isDirectory(), () => false) ? roots : offline).push(root);
        }
        for (const note of notes) if (!options.json) process.stderr.write(`${note} Indexing it as part of that folder.\n`);
        const warnings: string[] = offline.map((root) => `${root}: this folder is offline (drive unplugged?); its photos are kept.`);
        const summary = await core.index.index(roots, {
          batchSize: opts.batchSize,
          onWarning: (w) => warnings.push(`${w.path}: ${w.reason}`),
          onProgress: (p) => {
            if (options.json) return;
            if (p.phase === 'scanning') status(`Scanning… ${p.total} photos found`);
            else if (p.phase === 'indexing') status(progressLine(p.stage ? `Catching up (${p.stage})` : 'Indexing', p, 'photos', 'problems'));
          },
        });
        clearStatus();
        // Listed but not searchable yet: say which model is missing and how to get it (stderr; exit 0).
        if (summary.searchModelMissing) {
          process.stderr.write(`warning: ${summary.searchModelMissing}\nPhotos are listed with their dates, places and thumbnails now; they become searchable once the search model is installed (then run \`photobind index\` again, or keep the app open).\n`);
        }
        // A new search model (from --models) re-embeds the whole library here; a kill resumes next run.
        let modelSwitch: Awaited<ReturnType<typeof core.switchSearchModel>> | null = null;
        if (core.switchPending) {
          const from = core.activeSearchModel;
          if (!options.json) console.log(`Re-embedding the library for the search model ${core.modelSet.clip} (searches use ${from} until this is done)…`);
          modelSwitch = await core.switchSearchModel({
            batchSize: opts.batchSize,
            onProgress: (p) => {
              if (options.json) return;
              if (p.phase === 'embedding') status(progressLine('Re-embedding', p, 'photos', 'unreadable now'));
              else if (p.phase === 'switching') status('Switching searches to the new vectors…');
            },
          });
          clearStatus();
          if (modelSwitch.waiting > 0) {
            // Photos not readable during the switch get the new model's vectors as soon as they are.
            const catchUp = await core.index.index(roots);
            modelSwitch = { ...modelSwitch, waiting: Math.max(0, modelSwitch.waiting - catchUp.indexed - catchUp.embedded) };
          }
        }
        // With face grouping on, the new photos' faces are found and grouped (see `photobind people`).
        const faces = await core.scanFaces({ onProgress: (done, total) => !options.json && status(`Finding faces ${done}/${total}`) });
        clearStatus();
        for (const f of faces?.failed ?? []) warnings.push(`${f.path}: ${f.reason}`);
        const result = { ...summary, roots, device: await core.activeDevice(), models: core.modelSet.name, searchModel: core.activeSearchModel, modelSwitch, faces: faces ? { scanned: faces.scanned, found: faces.faces } : null, warnings };
        if (options.json) return printJson(result);
        if (modelSwitch?.switched) console.log(`Searches now use ${core.activeSearchModel}: ${modelSwitch.photos} photos re-embedded${modelSwitch.waiting ? `, ${modelSwitch.waiting} waiting until their folder is back online` : ''}.`);
        if (summary.embedded) console.log(`Embedded ${summary.embedded} photos that were waiting for the search model.`);
        console.log(`Indexed ${summary.indexed} new photos, reused ${summary.reused} moved or copied, ${summary.unchanged} unchanged${summary.metadataRead ? `, ${summary.metadataRead} read again for a changed sidecar` : ''}, ${summary.removed} removed, ${summary.failed} with problems (${summary.seconds.toFixed(1)} s${summary.indexed ? `, ${(summary.indexed / summary.seconds).toFixed(1)} photos/s` : ''}).`);
        if (summary.failed) console.log('See `photobind problems` for the files that could not be indexed and why.');
        if (faces?.scanned) console.log(`Found ${faces.faces} faces in ${faces.scanned} photos (see \`photobind people\`).`);
        for (const warning of warnings) console.log(`warning: ${terminalSafe(warning)}`);
      }, { forNewFolders });
    });
}
