// Test support: a separate process that takes a library's lock, holds it for a while, and logs when it
// entered and left (run as: node bin/run-ts.js THIS_FILE LIBRARY HOLD_MS LOG_FILE COMMAND).
import fs from 'node:fs/promises';
import { acquireLibraryLock } from './library-lock.ts';

const [libraryDir, holdMs, logFile, command] = process.argv.slice(2);
if (!libraryDir || !holdMs || !logFile || !command) throw new Error('usage: LIBRARY HOLD_MS LOG_FILE COMMAND');
const lock = await acquireLibraryLock(libraryDir, { command, pollMs: 20 });
await fs.appendFile(logFile, `enter ${process.pid}\n`);
process.stdout.write('held\n');
await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
await fs.appendFile(logFile, `leave ${process.pid}\n`);
await lock.release();
