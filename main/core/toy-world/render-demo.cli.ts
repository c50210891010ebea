// Command-line entry: renders a toy-world album (JPEGs + manifest.jsonl) into a folder, progress on stderr.
import { Command, InvalidArgumentError } from 'commander';
import { renderDemoAlbum } from './demo-album.ts';

function integer(min: number, max: number) {
  return (value: string): number => {
    const v = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new InvalidArgumentError(`expected an integer in ${min}..${max}`);
    }
    return v;
  };
}

const program = new Command()
  .name('render-demo')
  .description('Render a seeded toy-world album: <out>/pb-<seed>-<index>.jpg and <out>/manifest.jsonl')
  .requiredOption('--out <dir>', 'output folder (created if missing)')
  .requiredOption('--count <n>', 'number of images', integer(0, 10_000_000))
  .option('--seed <s>', 'album seed', integer(0, 0xffffffff), 0)
  .option('--width <px>', 'image width', integer(16, 4096), 320)
  .option('--height <px>', 'image height', integer(16, 4096), 240)
  .option('--quiet', 'no progress output')
  .parse();

const opts = program.opts<{ out: string; count: number; seed: number; width: number; height: number; quiet?: boolean }>();
const started = performance.now();
let lastReport = 0;
const report = (done: number, total: number): void => {
  const now = performance.now();
  if (opts.quiet || (done !== total && now - lastReport < 1000)) return;
  lastReport = now;
  const rate = done / Math.max(1e-3, (now - started) / 1000);
  process.stderr.write(`render-demo: ${done}/${total} images (${rate.toFixed(0)}/s)\n`);
};
const { manifestPath } = await renderDemoAlbum({
  outDir: opts.out,
  count: opts.count,
  seed: opts.seed,
  width: opts.width,
  height: opts.height,
  onProgress: report,
});
const seconds = (performance.now() - started) / 1000;
if (!opts.quiet) process.stderr.write(`render-demo: wrote ${opts.count} images and ${manifestPath} in ${seconds.toFixed(1)} s\n`);
