// `photobind watch`: catches up with every library folder, then keeps the library in step until Ctrl-C.
import type { Command } from 'commander';
import { globalOptions, printJson, withCore } from './cli-context.ts';
import { terminalSafe } from './terminal-text.ts';

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('Watch the library folders and index changes as they happen (Ctrl-C to stop)')
    .option('--poll', 'check folders periodically instead of native watching (network shares)')
    .action(async (flags: { poll?: boolean }, command: Command) => {
      const options = globalOptions(command);
      // Listening for Ctrl-C / SIGTERM before anything is printed: a script that stops the watch as soon as it
      // reads its first line must not find the default action (killed mid-way) still in place.
      // The first stops the catch-up pass between commits (crash-safe: the next run goes on from there);
      // a second quits at once.
      const stopCatchUp = new AbortController();
      const stopped = new Promise<void>((resolve) => {
        const stop = () => {
          if (stopCatchUp.signal.aborted) process.exit(130);
          stopCatchUp.abort();
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await withCore(options, async (core) => {
        const roots = core.settings.roots;
        if (roots.length === 0) throw new Error('The library has no folders yet; add one with `photobind index FOLDER`.');
        const say = (event: string, detail: Record<string, unknown>) => {
          if (options.json) process.stdout.write(JSON.stringify({ event, ...detail }) + '\n');
          else console.log(`${new Date().toLocaleTimeString()}  ${event}: ${terminalSafe(Object.values(detail).map(String).join(' '))}`);
        };
        const watcher = core.createWatcher({ ...(flags.poll ? { usePolling: true } : {}) });
        watcher.on('applied', (s) => say('updated', { indexed: s.indexed, reused: s.reused, removed: s.removed, failed: s.failed }));
        watcher.on('rootOffline', (root) => say('offline', { root }));
        watcher.on('rootOnline', (root) => say('online', { root }));
        watcher.on('polling', (why) => say('polling', { why }));
        watcher.on('error', (error) => say('error', { message: error.message }));
        await watcher.start(roots);
        const online = roots.filter((r) => !watcher.offlineRoots.includes(r));
        let caughtUp;
        try {
          caughtUp = await core.index.index(online, { signal: stopCatchUp.signal });
        } catch (error) {
          if (!stopCatchUp.signal.aborted) throw error;
          if (!options.json) console.log('Stopped during the catch-up; what was indexed is kept, and the next `photobind watch` or `index` goes on from there.');
          await watcher.stop();
          return;
        }
        if (options.json) printJson({ event: 'ready', roots, offline: watcher.offlineRoots, ...caughtUp });
        else console.log(`Watching ${roots.length} folder(s)${watcher.offlineRoots.length ? ` (${watcher.offlineRoots.length} offline)` : ''}; caught up: ${caughtUp.indexed} new, ${caughtUp.removed} removed. Press Ctrl-C to stop.`);
        // A new search model re-embeds the library in the background; searches use the old one until then.
        const stopSwitch = new AbortController();
        let lastReport = 0;
        const switching = core.switchPending
          ? core.switchSearchModel({
              signal: stopSwitch.signal,
              onProgress: (p) => {
                if (p.phase === 'embedding' && Date.now() - lastReport < 5000) return;
                lastReport = Date.now();
                say(p.phase === 'done' ? 'switched' : 're-embedding', { model: p.model, done: p.done, total: p.total });
              },
            }).catch((error: Error) => {
              if (!stopSwitch.signal.aborted) say('error', { message: `Re-embedding with ${core.modelSet.clip} stopped: ${error.message}` });
            })
          : Promise.resolve();
        await stopped;
        stopSwitch.abort(); // what was re-embedded is kept; the next run goes on from there
        await switching;
        await watcher.stop();
        // Each pass takes the library lock itself, so other writers wait only while a pass runs.
      }, { access: 'passes' });
    });
}
