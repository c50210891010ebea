// `photobind search "QUERY"` and `photobind similar PHOTO`: ranked photos with scores.
import type { Command } from 'commander';
import type { SearchHit } from '../../../common/photo.types.ts';
import type { SearchOptions } from '../search/search.service.ts';
import { globalOptions, printJson, withCore } from './cli-context.ts';

interface SearchFlags {
  limit: number;
  folder?: string;
  since?: string;
  until?: string;
  camera?: string;
  sort: 'relevance' | 'date';
  minScore?: number;
}

function addSearchFlags(command: Command): Command {
  return command
    .option('-n, --limit <n>', 'at most this many results', (v) => Number(v), 20)
    .option('--folder <dir>', 'only photos in this folder (and its sub-folders)')
    .option('--since <date>', 'only photos taken on or after this date (YYYY-MM-DD)')
    .option('--until <date>', 'only photos taken on or before this date (YYYY-MM-DD)')
    .option('--camera <text>', 'only photos from a camera whose make or model contains this text')
    .option('--sort <order>', 'relevance or date (newest first)', 'relevance')
    .option('--min-score <score>', 'drop results below this cosine similarity', (v) => Number(v));
}

export function toSearchOptions(flags: SearchFlags): SearchOptions {
  for (const [name, value] of [['--since', flags.since], ['--until', flags.until]] as const) {
    if (value !== undefined && !/^\d{4}(-\d{2}(-\d{2}([T ][\d:.]+)?)?)?$/.test(value)) throw new Error(`${name} needs a date like 2024-05-31 (got "${value}").`);
  }
  if (flags.sort !== 'relevance' && flags.sort !== 'date') throw new Error(`--sort is "relevance" or "date" (got "${String(flags.sort)}").`);
  if (!Number.isInteger(flags.limit) || flags.limit < 1) throw new Error('--limit needs a whole number of at least 1.');
  return {
    limit: flags.limit,
    sort: flags.sort,
    ...(flags.folder ? { folder: flags.folder } : {}),
    ...(flags.since ? { since: flags.since } : {}),
    ...(flags.until ? { until: flags.until } : {}),
    ...(flags.camera ? { camera: flags.camera } : {}),
    ...(flags.minScore !== undefined ? { minScore: flags.minScore } : {}),
  };
}

function printHits(hits: SearchHit[], json: boolean | undefined): void {
  if (json) {
    printJson(hits.map((h) => ({ path: h.photo.path, score: Number(h.score.toFixed(4)), takenAt: h.photo.takenAt, caption: h.photo.caption, width: h.photo.width, height: h.photo.height })));
    return;
  }
  if (hits.length === 0) {
    console.log('No matching photos.');
    return;
  }
  for (const hit of hits) {
    const date = hit.photo.takenAt ? `  ${hit.photo.takenAt.slice(0, 10)}` : '';
    const caption = hit.photo.caption ? `  “${hit.photo.caption}”` : '';
    console.log(`${hit.score.toFixed(3)}  ${hit.photo.path}${date}${caption}`);
  }
}

export function registerSearchCommands(program: Command): void {
  addSearchFlags(
    program
      .command('search')
      .description('Search photos in plain language; "beach + sunset - people", "2:dog", and photo paths work as terms')
      .argument('<query>', 'what to look for'),
  ).action(async (query: string, flags: SearchFlags, command: Command) => {
    const options = globalOptions(command);
    const searchOptions = toSearchOptions(flags);
    await withCore(options, async (core) => {
      if (core.switchPending) process.stderr.write(`note: results come from ${core.activeSearchModel} until the library is re-embedded for ${core.modelSet.clip} (photobind index).\n`);
      printHits(await core.search.search(query, searchOptions), options.json);
    });
  });

  addSearchFlags(
    program.command('similar').description('Photos that look like the given photo (the photo itself first)').argument('<photo>', 'a photo in the library'),
  ).action(async (photo: string, flags: SearchFlags, command: Command) => {
    const options = globalOptions(command);
    const searchOptions = toSearchOptions(flags);
    await withCore(options, async (core) => printHits(await core.search.similar(photo, searchOptions), options.json));
  });
}
