// Test support: a real core (LibrarySession on a temp library, real LanceDB and files) served over one of the
// API's transports, with a client, plus the wait for an index job to end. Shared by the API's test files.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { photobindApi, type IndexJobState, type PhotobindClient } from '../../../common/api/photobind.contract.ts';
import { createClient, serve } from '../../../common/api/rpc.ts';
import { LibrarySession } from './library-session.ts';
import { createPhotobindApi } from './photobind-api.ts';
import { TRANSPORTS, type TransportKind, type TransportPair } from './transport-pairs.test-support.ts';

export interface ApiTestLibrary {
  /** The temp folder holding `album/` (the test's photos) and `library/`. */
  dir: string;
  album: string;
  session: LibrarySession;
  pair: TransportPair;
  client: PhotobindClient;
  close(): Promise<void>;
}

/** Opens a toy-model core on a fresh temp library; `fill` writes the photos into `album` first. */
export async function openApiTestLibrary(options: {
  prefix: string;
  fill: (album: string) => Promise<unknown>;
  transport?: TransportKind;
}): Promise<ApiTestLibrary> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), options.prefix));
  const album = path.join(dir, 'album');
  await fs.mkdir(album, { recursive: true });
  await options.fill(album);
  const session = await LibrarySession.open({ libraryDir: path.join(dir, 'library'), modelSet: 'toy', watch: false, log: () => {} });
  const pair = await (options.transport ?? TRANSPORTS[0]!).open();
  serve(createPhotobindApi(session), pair.server);
  const client = createClient(photobindApi, pair.client);
  return {
    dir,
    album,
    session,
    pair,
    client,
    async close() {
      await pair.close();
      await session.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves with an index job's last state once it is done, failed or cancelled (any job when no id is given). */
export function indexJobEnded(client: PhotobindClient, jobId?: string): Promise<IndexJobState> {
  return new Promise((resolve) => {
    const stop = client.on('onDidIndexProgress', (state) => {
      if ((jobId === undefined || state.job.id === jobId) && (state.state === 'done' || state.state === 'failed' || state.state === 'cancelled')) {
        stop();
        resolve(state);
      }
    });
  });
}
