// The bench's tables as data: printed, written to bench/results/ (gitignored) and compared with the
// previous run of the same mode, so a change shows up as a delta beside the figure it moved.
import fs from 'node:fs/promises';
import path from 'node:path';
import { printTable } from './bench-table.ts';

export interface ResultTable {
  /** Stable name used to match this table across runs (titles carry run-specific numbers). */
  id: string;
  title: string;
  header: string[];
  /** How many leading columns identify a row (e.g. rows + mode); the rest are figures. */
  keyColumns: number;
  rows: Array<Array<string | number>>;
}

interface SavedRun {
  mode: string;
  savedAt: string;
  machine: string;
  tables: ResultTable[];
}

export class BenchResults {
  readonly tables: ResultTable[] = [];

  constructor(readonly mode: string, readonly machine: string) {}

  add(table: ResultTable): void {
    this.tables.push(table);
    printTable(table.title, table.header, table.rows);
  }

  /** Writes `<mode>-<time>.json` and `<mode>-latest.json`; returns the previous latest run, if any. */
  async save(dir: string): Promise<{ file: string; previous: SavedRun | null }> {
    await fs.mkdir(dir, { recursive: true });
    const latest = path.join(dir, `${this.mode}-latest.json`);
    const previous = await fs.readFile(latest, 'utf8').then((text) => JSON.parse(text) as SavedRun, () => null);
    const run: SavedRun = { mode: this.mode, savedAt: new Date().toISOString(), machine: this.machine, tables: this.tables };
    const file = path.join(dir, `${this.mode}-${run.savedAt.replace(/[:.]/g, '-')}.json`);
    const text = JSON.stringify(run, null, 1) + '\n';
    await fs.writeFile(file, text);
    await fs.writeFile(latest, text);
    return { file, previous };
  }

  /** Each numeric figure that also exists in `previous`: before, now and the change in percent. */
  compare(previous: SavedRun): Array<[string, string, string, number, number, string]> {
    const out: Array<[string, string, string, number, number, string]> = [];
    for (const table of this.tables) {
      const before = previous.tables.find((t) => t.id === table.id);
      if (!before) continue;
      const keyOf = (row: Array<string | number>) => row.slice(0, table.keyColumns).join(' · ');
      const beforeRows = new Map(before.rows.map((row) => [keyOf(row), row]));
      for (const row of table.rows) {
        const old = beforeRows.get(keyOf(row));
        if (!old) continue;
        for (let col = table.keyColumns; col < table.header.length; col++) {
          const oldCol = before.header.indexOf(table.header[col]!);
          const [now, was] = [row[col], oldCol >= 0 ? old[oldCol] : undefined];
          if (typeof now !== 'number' || typeof was !== 'number' || !Number.isFinite(now) || !Number.isFinite(was)) continue;
          const change = was === 0 ? (now === 0 ? '0%' : 'new') : `${now >= was ? '+' : ''}${((100 * (now - was)) / Math.abs(was)).toFixed(0)}%`;
          out.push([table.id, keyOf(row), table.header[col]!, was, now, change]);
        }
      }
    }
    return out;
  }
}
