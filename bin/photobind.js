#!/usr/bin/env node
// The `photobind` command: runs the built CLI (dist/core, made at `npm ci`), or the TypeScript sources
// through tsx when the build is missing or older than them. See [Note: built layout] in built-entry.js.
// The long commands first start again with glibc's allocator tuned: [Note: glibc malloc in long-running commands].
import { fileURLToPath } from 'node:url';
import { runEntry } from './built-entry.js';
import { followLauncher, relaunchWithMallocTuning, wantsMallocTuning } from './malloc-tuning.js';

const argv = process.argv.slice(2);
if (wantsMallocTuning(argv)) await relaunchWithMallocTuning(fileURLToPath(import.meta.url), argv);
followLauncher();
await runEntry('photobind-cli');
