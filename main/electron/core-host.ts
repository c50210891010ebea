// The core host: runs the Photobind core in Electron's utility process (never on the main process,
// see [Note: why ML runs in its own process]) and serves the API over MessagePorts that main hands
// it: one per window (the renderer's API), one for main itself (media lookups for the protocol).
import { implement, serve } from '../../common/api/rpc.ts';
import { messagePortTransport } from '../../common/api/transports/message-port.transport.ts';
import { createPhotobindApi } from '../core/api/photobind-api.ts';
import { LibrarySession } from '../core/api/library-session.ts';
import { resolveMedia } from '../core/api/media-resolver.ts';
import { resolveLibraryDir } from '../core/library/library-location.ts';
import { coreHostApi, PortKindSchema, WindowClosedSchema } from './core-host.contract.ts';
import { domStylePort } from './message-port-main.ts';
import { RendererConnections } from './renderer-connections.ts';

const parentPort = process.parentPort;
if (!parentPort) throw new Error('core-host.ts runs in an Electron utility process (started by main/electron/main.ts).');

// PHOTOBIND_LIBRARY picks the library (as for the CLI); PHOTOBIND_MODELS a model set (e.g. toy, for the e2e suite).
const session = await LibrarySession.open({
  libraryDir: resolveLibraryDir(undefined),
  ...(process.env.PHOTOBIND_MODELS ? { modelSet: process.env.PHOTOBIND_MODELS } : {}),
  // The app downloads models only when asked (models.download: progress, pause, disk check), never silently
  // while indexing: photos wait in the stage pipeline and the app offers the missing model.
  allowDownload: false,
});
const rendererApi = createPhotobindApi(session);
const hostApi = implement(coreHostApi, {
  media: {
    resolve: async ({ kind, contentHash }) => ({ media: await resolveMedia(await session.core(), kind, contentHash) }),
    isLibraryPhoto: async ({ path }) => ({ known: (await (await session.catalog()).hashesOf([path])).has(path) }),
  },
});

// One served port per window: see [Note: one core port per window] in renderer-connections.ts.
const renderers = new RendererConnections();
parentPort.on('message', (event) => {
  const closed = WindowClosedSchema.safeParse(event.data);
  if (closed.success) return renderers.close(closed.data.windowClosed);
  const kind = PortKindSchema.safeParse(event.data);
  const port = event.ports[0];
  if (!kind.success || !port) return;
  const transport = messagePortTransport(domStylePort(port));
  if (kind.data.connect === 'host') serve(hostApi, transport);
  else if (kind.data.window !== undefined) renderers.open(kind.data.window, transport, (t) => serve(rendererApi, t));
  else serve(rendererApi, transport);
});

const stop = () => {
  void session.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
parentPort.postMessage({ ready: true });
