// `photobind serve`: the app in a browser. HTTP + WebSocket on 127.0.0.1 with a per-run secret; the
// first line of output is the URL to open (or {"url": ...} with --json).
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { DEMO_ALBUM } from '../toy-world/demo-album-spec.ts';
import { globalOptions, libraryFor } from './cli-context.ts';

interface ServeFlags {
  port: number;
  open?: boolean;
  watch: boolean;
  demoCount: number;
}

function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write('Could not open a browser; open the URL above yourself.\n'));
  child.unref();
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run Photobind in your browser (web mode): prints the URL to open, with its one-time secret')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', (v) => Number(v), 4777)
    .option('--open', 'open the URL in the default browser')
    .option('--no-watch', 'do not watch the library folders for changes')
    .option('--demo-count <n>', 'photos in the demo album', (v) => Number(v), DEMO_ALBUM.count)
    .action(async (flags: ServeFlags, command: Command) => {
      const options = globalOptions(command);
      if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65535) throw new Error('--port needs a port number (0 picks a free one).');
      if (!Number.isInteger(flags.demoCount) || flags.demoCount < 1) throw new Error('--demo-count needs a whole number of at least 1.');
      const log = (line: string) => process.stderr.write(`${line}\n`);
      // Loaded here, not at the top: `photobind --help` must not load the core, LanceDB or the web server.
      const [{ ensureRendererBuilt }, { LibrarySession }, { startWebServer }] = await Promise.all([
        import('../web/renderer-build.ts'),
        import('../api/library-session.ts'),
        import('../web/web-server.ts'),
      ]);
      const rendererDir = await ensureRendererBuilt({ log });
      const session = await LibrarySession.open({
        libraryDir: libraryFor(options).dir,
        ...(options.models ? { modelSet: options.models } : {}),
        // The app downloads models only when asked (models.download: progress, pause, disk check), never silently
        // while indexing: photos wait in the stage pipeline and the app offers the missing model.
        allowDownload: false,
        watch: flags.watch,
        demoCount: flags.demoCount,
        log,
      });
      const server = await startWebServer({ session, rendererDir, port: flags.port }).catch(async (error: NodeJS.ErrnoException) => {
        await session.close();
        throw error.code === 'EADDRINUSE' ? new Error(`Port ${flags.port} is in use; pick another with --port, or --port 0 for any free one.`) : error;
      });
      const library = (await session.core()).layout.root;
      // Listening for Ctrl-C / SIGTERM before the URL is printed: a script that stops the server as soon as it
      // reads the URL must not find the default action (killed mid-way) still in place.
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      if (options.json) process.stdout.write(JSON.stringify({ url: server.url, port: server.port, library }) + '\n');
      else {
        process.stdout.write(`${server.url}\n`);
        log(`Photobind is running for the library ${library}. Open the link above; press Ctrl-C to stop.`);
      }
      if (flags.open) openInBrowser(server.url);
      await stopped;
      log('Stopping…');
      await server.close();
      await session.close();
    });
}
