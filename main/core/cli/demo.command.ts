// `photobind demo`: renders the toy-world demo album; without --out, also indexes it with the toy
// models into a separate demo library and runs a first search, so a newcomer sees Photobind work offline.
import path from 'node:path';
import type { Command } from 'commander';
import { DEMO_ALBUM } from '../toy-world/demo-album-spec.ts';
import { demoLibraryDir } from '../library/library-location.ts';
import { clearStatus, formatDuration, globalOptions, printJson, status, withCore } from './cli-context.ts';
import { terminalSafe } from './terminal-text.ts';

interface DemoFlags {
  out?: string;
  count: number;
  seed: number;
  query: string;
  videos?: number;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Render the toy-world demo album (--out DIR); without --out, also index it with the toy models and search it')
    .option('--out <dir>', 'only render the album (JPEGs + manifest.jsonl) into this folder')
    .option('--count <n>', 'number of photos', (v) => Number(v), DEMO_ALBUM.count)
    .option('--seed <n>', 'world seed (the same seed gives the same album)', (v) => Number(v), DEMO_ALBUM.seed)
    .option('--videos <n>', 'toy videos rendered next to the photos, with videos.jsonl (default: 2 for the full demo, none with --out)', (v) => Number(v))
    .option('--query <text>', 'the search to run on the demo library', 'motorcycles outside a convenience store')
    .action(async (flags: DemoFlags, command: Command) => {
      const options = globalOptions(command);
      if (!Number.isInteger(flags.count) || flags.count < 1) throw new Error('--count needs a whole number of at least 1.');
      if (!Number.isInteger(flags.seed)) throw new Error('--seed needs a whole number.');
      const videoCount = flags.videos ?? (flags.out ? 0 : 2);
      if (!Number.isInteger(videoCount) || videoCount < 0 || videoCount > 100) throw new Error('--videos needs a whole number from 0 to 100.');
      const libraryDir = path.resolve(options.library || process.env.PHOTOBIND_LIBRARY || demoLibraryDir());
      const outDir = path.resolve(flags.out ?? path.join(libraryDir, 'demo-album'));
      const started = Date.now();
      const { renderDemoAlbum } = await import('../toy-world/demo-album.ts'); // sharp: only for this command
      const rendered = await renderDemoAlbum({
        outDir,
        count: flags.count,
        seed: flags.seed,
        onProgress: (done: number, total: number) => {
          if (!options.json) status(`Rendering the demo album ${done}/${total}`);
        },
      });
      const videos = videoCount > 0
        ? await (await import('../toy-world/toy-video.ts')).renderToyVideos({
            outDir,
            count: videoCount,
            seed: flags.seed,
            onProgress: (done: number, total: number) => {
              if (!options.json) status(`Rendering the demo videos ${done}/${total}`);
            },
          })
        : undefined;
      clearStatus();
      if (flags.out) {
        const result = {
          outDir,
          count: rendered.files.length,
          manifest: rendered.manifestPath,
          ...(videos ? { videos: videos.files.length, videoManifest: videos.manifestPath } : {}),
          seconds: (Date.now() - started) / 1000,
        };
        if (options.json) return printJson(result);
        const videoText = videos ? `, ${videos.files.length} videos and ${path.basename(videos.manifestPath)}` : '';
        return console.log(`Rendered ${result.count} photos, ${path.basename(rendered.manifestPath)}${videoText} into ${outDir} in ${result.seconds.toFixed(1)} s.`);
      }
      await withCore({ ...options, library: libraryDir, models: 'toy' }, async (core) => {
        const summary = await core.index.index([outDir], {
          onProgress: (p) => {
            if (!options.json && p.phase === 'indexing') status(`Indexing the demo album ${p.done}/${p.total} · ${p.rate.toFixed(1)} photos/s${p.etaSeconds != null ? ` · ${formatDuration(p.etaSeconds)} left` : ''}`);
          },
        });
        clearStatus();
        const hits = await core.search.search(flags.query, { limit: 10 });
        if (options.json) return printJson({ library: libraryDir, album: outDir, index: summary, query: flags.query, results: hits.map((h) => ({ path: h.photo.path, score: h.score })) });
        console.log(`Demo library: ${libraryDir} (toy models, offline)`);
        console.log(`Album: ${outDir} — ${summary.indexed + summary.unchanged + summary.reused} photos indexed on ${await core.activeDevice() ?? 'cpu'}.\n`);
        console.log(`Search: "${flags.query}"`);
        for (const hit of hits) console.log(`  ${hit.score.toFixed(3)}  ${terminalSafe(path.relative(outDir, hit.photo.path))}`);
        const isDefault = libraryDir === path.resolve(demoLibraryDir());
        console.log(isDefault
          ? '\nTry more: npx photobind search "red car at night" (commands use this demo library until you index a folder of your own)'
          : `\nTry more: npx photobind search "red car at night" --library "${libraryDir}"`);
      });
    });
}
