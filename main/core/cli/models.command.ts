// `photobind models list|pull|import|remove`: the catalog's models on this computer (the library's cache).
import type { Command } from 'commander';
import { libraryLayout } from '../library/library-location.ts';
import { getModelSet, isModelDtype, MODEL_DTYPES, setsUsing, type ModelDtype } from '../models/model-catalog.ts';
import type { ModelStatus } from '../models/model-install.service.ts';
import { clearStatus, formatBytes, formatDuration, globalOptions, libraryFor, printJson, status, type GlobalOptions } from './cli-context.ts';

/** The library's model cache and settings; their modules (zod schemas, downloader) load only when a models command runs. */
async function libraryParts(options: GlobalOptions) {
  const [{ ModelInstallService, TASK_NAMES }, { ModelCacheRepository }, { readLibrarySettings }, { ModelDownloadError }] = await Promise.all([
    import('../models/model-install.service.ts'),
    import('../models/model-cache.repository.ts'),
    import('../library/library.service.ts'),
    import('../models/hub-download.repository.ts'),
  ]);
  const layout = libraryLayout(libraryFor(options).dir);
  return {
    layout,
    installs: new ModelInstallService(new ModelCacheRepository(layout.models)),
    readSettings: () => readLibrarySettings(layout),
    TASK_NAMES,
    ModelDownloadError,
  };
}

function parseDtype(value: string | undefined): ModelDtype | undefined {
  if (value === undefined) return undefined;
  if (!isModelDtype(value)) throw new Error(`--dtype is one of ${MODEL_DTYPES.join(', ')} (got "${value}").`);
  return value;
}

function sizeColumn(m: ModelStatus): string {
  if (m.bytesOnDisk !== null) return formatBytes(m.bytesOnDisk);
  return m.downloadMb !== null ? `${m.downloadMb} MB` : 'unknown';
}

function installedColumn(m: ModelStatus): string {
  if (m.installed) return m.origin === 'bundled' ? 'bundled' : `${m.origin === 'import' ? 'imported' : 'yes'} (${m.dtype})`;
  if (m.kind === 'bundled') return 'missing';
  return m.partialBytes > 0 ? `partial (${formatBytes(m.partialBytes)}; pull resumes)` : 'no';
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ').trimEnd());
}

/** Runs `body` with an AbortSignal that Ctrl-C (or a TERM signal) fires, so a stopped download keeps what it has. */
async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await body(controller.signal);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('The models on this computer: list, download (pull), import a folder, remove');

  models
    .command('list')
    .description('Every model in the catalog: task, family, size, licence, languages, whether it is installed, which sets use it')
    .action(async (_flags: unknown, command: Command) => {
      const options = globalOptions(command);
      const { layout, installs, readSettings, TASK_NAMES } = await libraryParts(options);
      const activeSet = getModelSet(options.models ?? (await readSettings()).modelSet).name;
      const list = await installs.list();
      if (options.json) return printJson({ library: layout.root, modelSet: activeSet, models: list });
      console.log(`Models of ${layout.root} (model set "${activeSet}"; * = used by it)`);
      printTable([
        ['', 'ID', 'TASK', 'FAMILY', 'SIZE', 'LICENCE', 'LANGUAGES', 'INSTALLED', 'SETS'],
        ...list.map((m) => [
          m.sets.includes(activeSet) ? '*' : '',
          m.id,
          TASK_NAMES[m.task],
          m.family,
          sizeColumn(m),
          m.licence,
          m.languages.join(' '),
          installedColumn(m),
          m.sets.join(', ') || '-',
        ]),
      ]);
    });

  models
    .command('pull')
    .description('Download a model from the Hugging Face Hub ($PHOTOBIND_HUB_URL for a mirror); an interrupted pull resumes')
    .argument('<id>', 'model id, e.g. Xenova/clip-vit-base-patch32 (see `photobind models list`)')
    .option('--dtype <dtype>', `weights to fetch: ${MODEL_DTYPES.join(', ')} (default: the catalog's choice)`)
    .action(async (id: string, flags: { dtype?: string }, command: Command) => {
      const options = globalOptions(command);
      const { installs, ModelDownloadError } = await libraryParts(options);
      const dtype = parseDtype(flags.dtype);
      const interactive = process.stderr.isTTY && !options.json;
      try {
        const result = await withInterrupt((signal) =>
          installs.pull(id, {
            ...(dtype ? { dtype } : {}),
            signal,
            onProgress: (p) => {
              if (!interactive) return;
              const share = p.totalBytes ? `${((100 * p.loadedBytes) / p.totalBytes).toFixed(0)}% of ${formatBytes(p.totalBytes)}` : formatBytes(p.loadedBytes);
              const speed = p.rate > 0 ? ` · ${formatBytes(p.rate)}/s${p.etaSeconds !== null ? `, ${formatDuration(p.etaSeconds)} left` : ''}` : '';
              status(`Downloading ${id}: ${share}${speed} · ${p.file}`);
            },
          }),
        ).catch((error: unknown) => {
          if (error instanceof Error && error.cause instanceof ModelDownloadError && error.cause.kind === 'cancelled') {
            throw new Error(`Stopped downloading ${id}; what arrived is kept, and \`photobind models pull ${id}\` resumes from there.`);
          }
          throw error;
        });
        clearStatus();
        if (options.json) return printJson(result);
        if (result.alreadyInstalled) console.log(`${id} is already installed (${result.dtype}) in ${result.folder}.`);
        else console.log(`Installed ${id} (${result.dtype}, ${formatBytes(result.bytes)}${result.commit ? `, commit ${result.commit.slice(0, 10)}` : ''}) in ${result.folder}.`);
      } finally {
        clearStatus();
      }
    });

  models
    .command('import')
    .description('Copy a model folder (e.g. downloaded on another computer) into this library, after checking it')
    .argument('<dir>', 'the model folder: config.json, tokenizer files and onnx/')
    .option('--as <id>', 'which catalog model it is (default: guessed from the folder name)')
    .option('--dtype <dtype>', 'which weights to take when the folder holds several')
    .action(async (dir: string, flags: { as?: string; dtype?: string }, command: Command) => {
      const options = globalOptions(command);
      const { installs } = await libraryParts(options);
      const dtype = parseDtype(flags.dtype);
      const result = await installs.importFolder(dir, { ...(flags.as ? { as: flags.as } : {}), ...(dtype ? { dtype } : {}) });
      if (options.json) return printJson(result);
      console.log(`Imported ${result.id} (${result.dtype}, ${result.files} files, ${formatBytes(result.bytes)}) from ${result.from} into ${result.folder}.`);
    });

  models
    .command('remove')
    .description('Delete a downloaded or imported model (and what an interrupted download left)')
    .argument('<id>', 'model id')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      const { installs, readSettings } = await libraryParts(options);
      const result = await installs.remove(id);
      const activeSet = (await readSettings()).modelSet;
      const usedBy = setsUsing(id).includes(activeSet);
      if (options.json) return printJson({ ...result, usedByLibrarySet: usedBy ? activeSet : null });
      if (!result.removed) console.log(`${id} was not installed; nothing to remove.`);
      else console.log(`Removed ${id} (freed ${formatBytes(result.freedBytes)}).`);
      if (result.removed && usedBy) console.log(`This library's model set "${activeSet}" uses it: it will be downloaded again when needed, or import it with \`photobind models import DIR --as ${id}\`.`);
    });
}
