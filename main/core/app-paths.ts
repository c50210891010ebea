// Where the app's own files are at run time: in the repository, or in a packaged app under resources/.
//
// [Note: files unpacked from app.asar]
// A packaged app keeps its files in resources/app.asar, an archive Electron's fs can read but that native
// code (onnxruntime reading a model, dlopen of a .node addon) and a forked child process cannot open.
// electron-builder.yml's asarUnpack puts those files in resources/app.asar.unpacked/ at the same relative
// paths; the paths computed from import.meta.url still point into app.asar, so the ones handed to native
// code or to fork() go through unpackedPath. Native addons themselves are found by Electron's own asar
// redirection. main/electron/packaging.test.ts checks both halves against a simulated resources/ layout.
import path from 'node:path';

const ASAR = /([\\/])app\.asar(?=[\\/]|$)/;

/** The on-disk path of a file that electron-builder unpacked from app.asar (unchanged outside an asar). */
export function unpackedPath(file: string): string {
  return file.replace(ASAR, '$1app.asar.unpacked');
}

/** The files the app must reach outside app.asar, for an app rooted at `appRoot` (the repository, or resources/app.asar). */
export function appFiles(appRoot: string) {
  return {
    /** Forked as the model process (see model-process.client.ts). */
    modelWorker: unpackedPath(path.join(appRoot, 'main', 'core', 'model-process', 'model-worker.ts')),
    /** The bundled toy models, read by onnxruntime (see model-catalog.ts). */
    toyModels: unpackedPath(path.join(appRoot, 'models', 'toy')),
  };
}
