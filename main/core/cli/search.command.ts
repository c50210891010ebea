// `photobind search "QUERY"` and `photobind similar PHOTO`: ranked photos with scores.
import type { Command } from 'commander';
import type { PlaceName } from '../../../common/place.types.ts';
import type { SearchHit } from '../../../common/photo.types.ts';
import type { RankedSearch, SearchOptions } from '../search/search.service.ts';
import { globalOptions, printJson, withCore } from './cli-context.ts';
import { terminalSafe } from './terminal-text.ts';

interface SearchFlags {
  limit: number;
  folder?: string;
  since?: string;
  until?: string;
  camera?: string;
  person?: string;
  sort: 'relevance' | 'date';
  minScore?: number;
  paths?: boolean;
  all?: boolean;
}

function addSearchFlags(command: Command): Command {
  return command
    .option('-n, --limit <n>', 'at most this many results', (v) => Number(v), 20)
    .option('--folder <dir>', 'only photos in this folder (and its sub-folders)')
    .option('--since <date>', 'only photos taken on or after this date (YYYY-MM-DD)')
    .option('--until <date>', 'only photos taken on or before this date (YYYY-MM-DD)')
    .option('--camera <text>', 'only photos from a camera whose make or model contains this text')
    .option('--person <name>', 'only photos of this named person (see `photobind people`)')
    .option('--sort <order>', 'relevance or date (newest first)', 'relevance')
    .option('--min-score <score>', 'drop results below this cosine similarity', (v) => Number(v))
    .option('--paths', 'print only the photos\' paths, one per line (for piping: | xargs, | fzf)')
    .option('--all', 'also list the weaker matches below the relevance floor (and when nothing matches well)');
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
    ...(flags.person ? { person: flags.person } : {}),
    ...(flags.minScore !== undefined ? { minScore: flags.minScore } : {}),
  };
}

/** Names a hit's GPS position (town or city, country) offline; null without GPS. See [Note: offline places]. */
type PlaceNamer = (gps: SearchHit['photo']['gps']) => PlaceName | null;
const placeJson = (name: PlaceNamer, h: SearchHit) => {
  const place = name(h.photo.gps);
  return { place: place && { city: place.city, country: place.country, countryCode: place.countryCode } };
};

/** One hit as `--json` prints it (search and similar alike); a video's hit carries `time`, seconds to its best moment. */
function hitJson(h: SearchHit, name: PlaceNamer) {
  return { path: h.photo.path, score: Number(h.score.toFixed(4)), ...(h.time !== undefined ? { time: Number(h.time.toFixed(2)) } : {}), takenAt: h.photo.takenAt, caption: h.photo.caption, width: h.photo.width, height: h.photo.height, gps: h.photo.gps, ...placeJson(name, h) };
}

function printHits(hits: SearchHit[], json: boolean | undefined, name: PlaceNamer, pathsOnly = false): void {
  if (pathsOnly) {
    // Nothing else on stdout, not even "no matches": an empty list is an empty output.
    for (const hit of hits) process.stdout.write(`${hit.photo.path}\n`);
    return;
  }
  if (json) {
    printJson(hits.map((h) => hitJson(h, name)));
    return;
  }
  if (hits.length === 0) {
    console.log('No matching photos.');
    return;
  }
  for (const hit of hits) {
    const date = hit.photo.takenAt ? `  ${hit.photo.takenAt.slice(0, 10)}` : '';
    const place = name(hit.photo.gps);
    const where = place ? `  ${terminalSafe(`${place.city}, ${place.country}`)}` : '';
    const caption = hit.photo.caption ? `  “${terminalSafe(hit.photo.caption)}”` : '';
    const moment = hit.time !== undefined ? ` @ ${Math.floor(hit.time / 60)}:${(hit.time % 60).toFixed(1).padStart(4, '0')}` : '';
    console.log(`${hit.score.toFixed(3)}  ${terminalSafe(hit.photo.path)}${moment}${date}${where}${caption}`);
  }
}

/** Prints a ranked search: good matches, then (with --all) the weaker ones, or says there are none. */
function printRanked(query: string, result: RankedSearch, flags: SearchFlags, json: boolean | undefined, name: PlaceNamer): void {
  const weaker = flags.all ? result.weaker : [];
  if (flags.paths) return printHits([...result.hits, ...weaker], false, name, true);
  if (json) {
    // The fields of each hit stay as they were; weaker matches (only with --all) carry "weaker": true.
    return printJson([...result.hits.map((h) => hitJson(h, name)), ...weaker.map((h) => ({ ...hitJson(h, name), weaker: true }))]);
  }
  if (!result.goodMatches) console.log(`No good matches for "${query}": nothing scores above what meaningless words get in this library.`);
  else printHits(result.hits, false, name);
  if (weaker.length) {
    console.log(`Weaker matches (${weaker.length}):`);
    printHits(weaker, false, name);
  } else if (result.weaker.length) {
    console.log(`${result.weaker.length} weaker match${result.weaker.length === 1 ? '' : 'es'}: add --all to see ${result.weaker.length === 1 ? 'it' : 'them'}.`);
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
      printRanked(query, await core.search.searchRanked(query, searchOptions), flags, options.json, (gps) => core.places.nameOf(gps));
    }, { access: 'read' });
  });

  addSearchFlags(
    program.command('similar').description('Photos that look like the given photo (the photo itself first)').argument('<photo>', 'a photo in the library'),
  ).action(async (photo: string, flags: SearchFlags, command: Command) => {
    const options = globalOptions(command);
    const searchOptions = toSearchOptions(flags);
    await withCore(options, async (core) => printHits(await core.search.similar(photo, searchOptions), options.json, (gps) => core.places.nameOf(gps), flags.paths), { access: 'read' });
  });
}
