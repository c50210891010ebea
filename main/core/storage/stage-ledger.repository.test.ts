// The stage ledger on real LanceDB: outcomes by content, attempts counted, survives reopen, forgotten on request.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { StageLedgerRepository } from './stage-ledger.repository.ts';

let dir: string;
beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-ledger-'))));
afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

it('records done and failed outcomes per stage and content, counting failed attempts across reopen', async () => {
  let ledger = await StageLedgerRepository.open(dir);
  await ledger.record([
    { stage: 'text', contentHash: 'a', state: 'done', modelKey: 'ocr@1', reason: '', permanent: false },
    { stage: 'text', contentHash: 'b', state: 'failed', modelKey: 'ocr@1', reason: 'boom', permanent: false },
  ]);
  await ledger.record([{ stage: 'faces', contentHash: 'a', state: 'done', modelKey: 'face@1', reason: '', permanent: false }]);
  ledger.close();
  ledger = await StageLedgerRepository.open(dir);
  await ledger.record([{ stage: 'text', contentHash: 'b', state: 'failed', modelKey: 'ocr@1', reason: 'boom again', permanent: false }]);
  const text = await ledger.entries('text');
  expect(text.size).toBe(2);
  expect(text.get('a')).toMatchObject({ state: 'done', modelKey: 'ocr@1', attempts: 0 });
  expect(text.get('b')).toMatchObject({ state: 'failed', reason: 'boom again', attempts: 2 });
  expect([...(await ledger.entries('text', ['b'])).keys()]).toEqual(['b']);
  await ledger.forget('text');
  expect((await ledger.entries('text')).size).toBe(0);
  expect((await ledger.entries('faces')).size).toBe(1);
  ledger.close();
});
