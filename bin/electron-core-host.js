// Entry of the Electron utility process that hosts the core: the built core host (dist/core), or its
// TypeScript source through tsx when the build is missing or stale. See [Note: built layout] in built-entry.js.
import { runEntry } from './built-entry.js';

await runEntry('core-host');
