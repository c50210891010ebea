// Stores detected faces (box, score, 128-d descriptor) per photo content hash, which contents were scanned, and the people grouping (names, assignments, corrections).
// Faces are keyed by content hash, not path, so a moved or copied photo keeps its faces (as its vector
// and caption). A scan is recorded even when it found no face, so a photo is never scanned twice by the
// same face model. Writes delete a content's old faces before adding its new ones and record the scan
// last, so a kill at any point leaves the content to be scanned again, never duplicated
// (see [Note: idempotent, resumable indexing]). The people grouping is one JSON document beside the
// tables, written atomically: it is small next to the faces (ids and names, no descriptors).
import fs from 'node:fs/promises';
import path from 'node:path';
import type * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Float64, Int32, Schema, Utf8 } from './arrow-runtime.ts';
import type { PeopleSnapshot } from '../faces/people-grouping.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { SerialWork } from '../serial-work.ts';
import { sqlString } from './photo-filters.ts';
import { compactAfterCommits, connectDatabase, deleteWhereIn, inChunks, openOrCreateTable, renewConnection, sqlList, type Row, type TableAccess } from './lance-tables.ts';

const FACES = 'faces';
const FACE_SCANS = 'face_scans';
const PEOPLE_FILE = 'people.json';
const DESCRIPTOR_LENGTH = 128;

export interface FaceBoxRecord {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StoredFace {
  /** `<contentHash>:<index>`: the face's id in the people grouping. */
  id: string;
  contentHash: string;
  index: number;
  /** Top-left fractions of the displayed photo. */
  box: FaceBoxRecord;
  score: number;
  descriptor: Float32Array;
}

export interface FaceScan {
  contentHash: string;
  /** The faces found, in the detector's order (their index is their position here). */
  faces: Array<{ box: FaceBoxRecord; score: number; descriptor: Float32Array }>;
}

const facesSchema = new Schema([
  new Field('id', new Utf8()),
  new Field('contentHash', new Utf8()),
  new Field('faceIndex', new Int32()),
  new Field('x', new Float64()),
  new Field('y', new Float64()),
  new Field('width', new Float64()),
  new Field('height', new Float64()),
  new Field('score', new Float64()),
  new Field('descriptor', new FixedSizeList(DESCRIPTOR_LENGTH, new Field('item', new Float32(), true))),
]);

const scansSchema = new Schema([
  new Field('contentHash', new Utf8()),
  new Field('faceCount', new Int32()),
  new Field('model', new Utf8()),
  new Field('scannedAt', new Utf8()),
]);

export function faceId(contentHash: string, index: number): string {
  return `${contentHash}:${index}`;
}

function descriptorOf(value: unknown): Float32Array {
  if (value instanceof Float32Array) return value;
  const list = value as { toArray?: () => ArrayLike<number> } | ArrayLike<number>;
  return Float32Array.from('toArray' in list && typeof list.toArray === 'function' ? list.toArray() : (list as ArrayLike<number>));
}

function fromRow(row: Row): StoredFace {
  return {
    id: String(row.id as string),
    contentHash: String(row.contentHash as string),
    index: Number(row.faceIndex),
    box: { x: Number(row.x), y: Number(row.y), width: Number(row.width), height: Number(row.height) },
    score: Number(row.score),
    descriptor: descriptorOf(row.descriptor),
  };
}

export class FacesRepository {
  private readonly writes = new SerialWork();

  private constructor(
    private db: lancedb.Connection,
    private readonly dir: string,
    private faces: lancedb.Table,
    private scans: lancedb.Table,
  ) {}

  /** Opens (creating when missing) the face tables in the library's database folder. */
  static async open(databaseDir: string, access: TableAccess = {}): Promise<FacesRepository> {
    const db = await connectDatabase(databaseDir, access);
    const [faces, scans] = await FacesRepository.openTables(db, access);
    return new FacesRepository(db, databaseDir, faces, scans);
  }

  private static async openTables(db: lancedb.Connection, access: TableAccess = {}): Promise<[lancedb.Table, lancedb.Table]> {
    return [await openOrCreateTable(db, FACES, facesSchema, access), await openOrCreateTable(db, FACE_SCANS, scansSchema, access)];
  }

  close(): void {
    this.faces.close();
    this.scans.close();
    this.db.close();
  }

  /** Stores the faces of scanned contents (replacing earlier ones of the same contents), then records the scans. */
  async saveScans(scans: readonly FaceScan[], model: string): Promise<void> {
    if (scans.length === 0) return;
    await this.writes.run(async () => {
      const hashes = [...new Set(scans.map((s) => s.contentHash))];
      await deleteWhereIn(this.faces, 'contentHash', hashes);
      const rows = scans.flatMap((scan) =>
        scan.faces.map((face, index) => {
          if (face.descriptor.length !== DESCRIPTOR_LENGTH) throw new Error(`A face descriptor must have ${DESCRIPTOR_LENGTH} values, got ${face.descriptor.length}.`);
          return { id: faceId(scan.contentHash, index), contentHash: scan.contentHash, faceIndex: index, ...face.box, score: face.score, descriptor: Array.from(face.descriptor) };
        }),
      );
      if (rows.length) await this.faces.add(rows);
      const scannedAt = new Date().toISOString();
      await this.scans
        .mergeInsert('contentHash')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute(scans.map((s) => ({ contentHash: s.contentHash, faceCount: s.faces.length, model, scannedAt })));
      // see [Note: compaction during long passes]
      const compacted = [await compactAfterCommits(this.faces), await compactAfterCommits(this.scans)];
      if (compacted.includes(true)) await this.renewConnection();
    });
  }

  /** See [Note: renewing connections during long passes] (lance-tables.ts). */
  private async renewConnection(): Promise<void> {
    const renewed = await renewConnection(this.db, [this.faces, this.scans], (db) => FacesRepository.openTables(db));
    if (renewed) [this.db, [this.faces, this.scans]] = [renewed.db, renewed.opened];
  }

  /** Content hashes already scanned by `model`. */
  async scannedHashes(model: string): Promise<Set<string>> {
    const rows = (await this.scans.query().where(`model = ${sqlString(model)}`).select(['contentHash']).toArray()) as Row[];
    return new Set(rows.map((r) => String(r.contentHash as string)));
  }

  async allFaces(): Promise<StoredFace[]> {
    const rows = (await this.faces.query().toArray()) as Row[];
    return rows.map(fromRow).sort((a, b) => a.contentHash.localeCompare(b.contentHash) || a.index - b.index);
  }

  async facesOf(contentHash: string): Promise<StoredFace[]> {
    const rows = (await this.faces.query().where(`contentHash = ${sqlString(contentHash)}`).toArray()) as Row[];
    return rows.map(fromRow).sort((a, b) => a.index - b.index);
  }

  /** Forgets the faces and scans of contents no longer in the library. */
  async forget(contentHashes: readonly string[]): Promise<void> {
    if (contentHashes.length === 0) return;
    await this.writes.run(async () => {
      for (const chunk of inChunks(contentHashes)) {
        await this.faces.delete(`contentHash IN ${sqlList(chunk)}`);
        await this.scans.delete(`contentHash IN ${sqlList(chunk)}`);
      }
    });
  }

  async readPeople(): Promise<PeopleSnapshot | undefined> {
    try {
      return JSON.parse(await fs.readFile(path.join(this.dir, PEOPLE_FILE), 'utf8')) as PeopleSnapshot;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`The library's ${PEOPLE_FILE} is damaged (${(error as Error).message}); delete it to group the faces again (names are lost).`);
    }
  }

  async writePeople(snapshot: PeopleSnapshot): Promise<void> {
    await this.writes.run(() => writeFileAtomic(path.join(this.dir, PEOPLE_FILE), JSON.stringify(snapshot) + '\n'));
  }

  /** Deletes every face, scan and person (face grouping switched off); the tables are recreated empty. */
  async deleteAll(): Promise<void> {
    await this.writes.run(async () => {
      this.faces.close();
      this.scans.close();
      const names = await this.db.tableNames();
      for (const name of [FACES, FACE_SCANS]) if (names.includes(name)) await this.db.dropTable(name);
      await fs.rm(path.join(this.dir, PEOPLE_FILE), { force: true });
      [this.faces, this.scans] = await FacesRepository.openTables(this.db);
    });
  }

  async countFaces(): Promise<number> {
    return this.faces.countRows();
  }
}
