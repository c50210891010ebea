#!/usr/bin/env node
// The `photobind` command: runs the built CLI (dist/core, made at `npm ci`), or the TypeScript sources
// through tsx when the build is missing or older than them. See [Note: built layout] in built-entry.js.
import { runEntry } from './built-entry.js';

await runEntry('photobind-cli');
