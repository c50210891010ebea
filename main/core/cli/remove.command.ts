// `photobind remove PHOTO...`: takes photos out of the library, never off the disk (index passes then leave
// them out); `--undo PHOTO...` puts them back; `--list` shows what was removed. See [Note: removing a photo
// from the library] in main/core/library/photo-removal.service.ts.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { globalOptions, printJson, withCore } from './cli-context.ts';
import { terminalSafe } from './terminal-text.ts';
import { shownPath } from '../shared/path-inside.ts';

interface RemoveFlags {
  undo?: boolean;
  list?: boolean;
}

/** A path as the user would type it: relative when under the current folder, else absolute. */
function shown(p: string): string {
  return terminalSafe(shownPath(p));
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** The photos named on the command line, as absolute paths; a folder is refused with the reason. */
async function photoPaths(targets: string[]): Promise<string[]> {
  const paths: string[] = [];
  for (const target of targets) {
    const absolute = path.resolve(target);
    const stat = await fs.stat(absolute).catch(() => null);
    if (stat?.isDirectory()) throw new Error(`${target} is a folder; name the photos to remove (e.g. ${path.join(target, '*.jpg')}). A whole library folder is removed from the app's sidebar.`);
    paths.push(absolute);
  }
  return paths;
}

export function registerRemoveCommand(program: Command): void {
  program
    .command('remove')
    .description('Remove photos from the library, never from the disk: they stay out of later index passes until restored (--undo)')
    .argument('[photos...]', 'photos of the library')
    .option('--undo', 'put removed photos back: they are indexed again and return to their albums and favourites')
    .option('--list', 'list the photos removed from the library')
    .action(async (targets: string[], flags: RemoveFlags, command: Command) => {
      const options = globalOptions(command);
      if (flags.list) {
        if (targets.length || flags.undo) throw new Error('--list takes no photos.');
        await withCore(options, async (core) => {
          const removed = await core.removal.list();
          if (options.json) return printJson(removed.map(({ path: p, contentHash, removedAt }) => ({ path: p, contentHash, removedAt })));
          if (removed.length === 0) return console.log('No photo has been removed from the library.');
          console.log(`${plural(removed.length, 'photo was', 'photos were')} removed from the library (the files are still on disk; photobind remove --undo PHOTO puts one back):`);
          for (const entry of removed) console.log(`  ${shown(entry.path)}  (removed ${entry.removedAt.slice(0, 16).replace('T', ' ')})`);
        }, { access: 'read' });
        return;
      }
      if (targets.length === 0) throw new Error('Name the photos to remove, e.g. photobind remove ~/Pictures/blurry.jpg (or --list to see removed photos).');
      const paths = await photoPaths(targets);
      await withCore(options, async (core) => {
        if (flags.undo) {
          const result = await core.removal.restore(paths);
          if (options.json) return printJson(result);
          if (result.restored.length) console.log(`Put back ${plural(result.restored.length, 'photo', 'photos')}${result.indexed.length ? `, indexed again` : ''}:`);
          for (const p of result.restored) console.log(`  ${shown(p)}`);
          for (const { reason } of result.notIndexed) console.error(`note: ${terminalSafe(reason)}`);
          for (const p of result.notRemoved) console.error(`note: ${shown(p)} was not removed from the library; nothing to put back.`);
          return;
        }
        const result = await core.removal.remove(paths);
        if (result.removed.length === 0) {
          throw new Error(paths.length === 1 ? `${shown(paths[0]!)} is not a photo of this library; nothing removed.` : 'None of these is a photo of this library; nothing removed.');
        }
        if (options.json) return printJson(result);
        console.log(`Removed ${plural(result.removed.length, 'photo', 'photos')} from the library (the files stay on disk; photobind remove --undo PHOTO puts one back):`);
        for (const { path: p } of result.removed) console.log(`  ${shown(p)}`);
        for (const p of result.notInLibrary) console.error(`note: ${shown(p)} is not a photo of this library; nothing removed.`);
      });
    });
}
