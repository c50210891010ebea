// The `photobind` command line: parses global options and dispatches to one module per command group.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerAskCommand } from './ask.command.ts';
import { registerCaptionCommand } from './caption.command.ts';
import { registerDemoCommand } from './demo.command.ts';
import { registerIndexCommand } from './index.command.ts';
import { registerLibraryInfoCommands } from './library-info.command.ts';
import { registerModelsCommand } from './models.command.ts';
import { registerPeopleCommand } from './people.command.ts';
import { registerRemoveCommand } from './remove.command.ts';
import { registerSearchCommands } from './search.command.ts';
import { registerServeCommand } from './serve.command.ts';
import { registerWatchCommand } from './watch.command.ts';
import { MODEL_SETS } from '../models/model-catalog.ts';
import { REPO_ROOT } from '../runtime-layout.ts';
import { markTiming } from '../timing-trace.ts';
import { terminalSafe } from './terminal-text.ts';

/** Photobind's version, from its package.json (`photobind --version`). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command()
    .name('photobind')
    .description('Search, caption and ask about your own photos, offline.')
    .option('--library <dir>', 'library folder (default: $PHOTOBIND_LIBRARY or your per-user data folder)')
    .option('--models <set>', `model set: ${Object.keys(MODEL_SETS).map((name) => `"${name}"`).join(', ')} ("default": real models, "toy": bundled demo models); remembered per library`)
    .option('--json', 'machine-readable output on stdout')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .showHelpAfterError()
    .exitOverride();
  registerIndexCommand(program);
  registerSearchCommands(program);
  registerLibraryInfoCommands(program);
  registerDemoCommand(program);
  registerWatchCommand(program);
  registerAskCommand(program);
  registerCaptionCommand(program);
  registerModelsCommand(program);
  registerServeCommand(program);
  registerPeopleCommand(program);
  registerRemoveCommand(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  markTiming('cli-loaded');
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof Error ? error.message : String(error);
    if (argv.includes('--json')) process.stdout.write(JSON.stringify({ error: { code: (error as Error).name ?? 'Error', message } }) + '\n');
    process.stderr.write(`photobind: ${terminalSafe(message, { keepNewlines: true })}\n`);
    if (process.env.PHOTOBIND_DEBUG) console.error(error);
    return 1;
  }
}

// `photobind search ... | head` closes our stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv);
markTiming('cli-done');
