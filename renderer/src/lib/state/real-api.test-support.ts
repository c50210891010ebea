// Test support for the renderer state tests: a real core (LibrarySession on a temp library with the toy
// models and a rendered demo album) served over the in-process transport, with a log of the calls sent.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { photobindApi, type IndexJobState, type PhotobindClient } from '$common/api/photobind.contract.ts';
import { createClient, serve } from '$common/api/rpc.ts';
import type { Transport, WireMessage } from '$common/api/transport.ts';
import { inProcessTransportPair } from '$common/api/transports/in-process.transport.ts';
import { LibrarySession } from '../../../../main/core/api/library-session.ts';
import { modelAvailability } from '../../../../main/core/api/model-availability.ts';
import { createPhotobindApi } from '../../../../main/core/api/photobind-api.ts';
import { getModelSet } from '../../../../main/core/models/model-catalog.ts';
import { renderDemoAlbum } from '../../../../main/core/toy-world/demo-album.ts';

const toyModels = await modelAvailability(getModelSet('toy'), path.join(os.tmpdir(), 'photobind-no-cache'));
/** The toy search model ships in models/toy; without it the real-API tests skip. */
export const hasToySearch = toyModels.find((m) => m.task === 'clip')!.available;
export const hasToyAsk = hasToySearch && toyModels.find((m) => m.task === 'ask')!.available;

export interface RealApi {
  client: PhotobindClient;
  session: LibrarySession;
  album: string;
  /** Methods called by the client so far ("photos.list", ...), in order; "cancel" for each cancellation sent. */
  calls: string[];
  /** The input of each entry in calls (undefined for a cancel). */
  inputs: unknown[];
  /** Holds what the core sends until the returned function is called (a slow wire, for ordering). */
  holdReplies(): () => void;
  /** Forgets the calls logged so far. */
  clearCalls(): void;
  close(): Promise<void>;
}

/** While held, replies and events reaching the client wait (a slow wire), in order. */
interface Gate {
  held: boolean;
  queue: (() => void)[];
}

/** Wraps the client's end so every message it sends is logged (the messages themselves pass unchanged). */
function recording(transport: Transport, calls: string[], inputs: unknown[], gate: Gate): Transport {
  return {
    ...transport,
    onMessage: (listener) =>
      transport.onMessage((message) => {
        if (gate.held) gate.queue.push(() => listener(message));
        else listener(message);
      }),
    send(message: WireMessage) {
      if (message.kind === 'call') {
        calls.push(message.method);
        inputs.push(message.input);
      } else if (message.kind === 'cancel') {
        calls.push('cancel');
        inputs.push(undefined);
      }
      transport.send(message);
    },
  };
}

/** Opens a real library with the demo album (8 photos) indexed, and a client for it. */
export async function openRealApi(): Promise<RealApi> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-renderer-state-'));
  const album = path.join(dir, 'album');
  await renderDemoAlbum({ outDir: album, count: 8, seed: 3 });
  const session = await LibrarySession.open({ libraryDir: path.join(dir, 'library'), modelSet: 'toy', watch: false, log: () => {} });
  const [clientSide, serverSide] = inProcessTransportPair();
  const stopServing = serve(createPhotobindApi(session), serverSide);
  const calls: string[] = [];
  const inputs: unknown[] = [];
  const gate: Gate = { held: false, queue: [] };
  const client = createClient(photobindApi, recording(clientSide, calls, inputs, gate));
  const done = new Promise<IndexJobState>((resolve) => {
    const stop = client.on('onDidIndexProgress', (state) => {
      if (state.state === 'done' || state.state === 'failed' || state.state === 'cancelled') {
        stop();
        resolve(state);
      }
    });
  });
  await client.library.addFolder({ path: album });
  const state = await done;
  if (state.state !== 'done') throw new Error(`indexing the demo album ended ${state.state}`);
  calls.length = 0;
  inputs.length = 0;
  return {
    client,
    session,
    album,
    calls,
    inputs,
    holdReplies() {
      gate.held = true;
      return () => {
        gate.held = false;
        for (const deliver of gate.queue.splice(0)) deliver();
      };
    },
    clearCalls() {
      calls.length = 0;
      inputs.length = 0;
    },
    async close() {
      stopServing();
      clientSide.close();
      await session.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A promise with its resolve/reject in hand, for the hand-written clients that control timing. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
