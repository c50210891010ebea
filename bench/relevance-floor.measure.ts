// Measures how far a query's best score stands above the library's background (every photo's score for
// that query), for real and nonsense queries, to set the "no good matches" line. See
// [Note: no good matches] in main/core/search/search.service.ts. Usage:
//   node bin/run-ts.js bench/relevance-floor.measure.ts LIBRARY_DIR "query 1" "query 2" ... -- "nonsense 1" ...
import { PhotobindCore } from '../main/core/photobind-core.ts';
import { dot } from '../main/core/shared/vector-math.ts';
import { backgroundOf } from '../main/core/search/score-background.ts';

const args = process.argv.slice(2);
const libraryDir = args.shift();
if (!libraryDir) throw new Error('usage: relevance-floor.measure.ts LIBRARY_DIR QUERY... -- NONSENSE...');
const split = args.indexOf('--');
const real = split < 0 ? args : args.slice(0, split);
const nonsense = split < 0 ? [] : args.slice(split + 1);

const core = await PhotobindCore.open({ libraryDir });
try {
  const photos = await core.store.listPhotos();
  const vectors = [...(await core.store.vectorsOf(photos.map((p) => p.path))).values()];
  const client = await core.models();
  const rows: string[] = [];
  for (const [kind, queries] of [['query', real], ['nonsense', nonsense]] as const) {
    const embedded = await client.request({ type: 'embedTexts', texts: queries });
    for (const [i, query] of queries.entries()) {
      const scores = vectors.map((v) => dot(embedded[i]!, v)).sort((a, b) => b - a);
      const { mean, std } = backgroundOf(scores);
      const best = scores[0]!;
      rows.push([kind.padEnd(8), query.slice(0, 44).padEnd(44), best.toFixed(3), mean.toFixed(3), std.toFixed(3), ((best - mean) / std).toFixed(2)].join('  '));
    }
  }
  console.log(`${libraryDir}: ${vectors.length} photos, search model ${core.activeSearchModel}`);
  console.log(['kind    ', 'query'.padEnd(44), 'best ', 'mean ', 'std  ', 'z'].join('  '));
  for (const row of rows) console.log(row);
} finally {
  await core.close();
}
