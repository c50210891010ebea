// `photobind ask PHOTO "QUESTION"` (chat about one photo) and `photobind ask --library-wide "QUESTION"`.
import path from 'node:path';
import type { Command } from 'commander';
import { parseSeconds } from './caption.command.ts';
import { globalOptions, printJson, withCore } from './cli-context.ts';
import { terminalSafe } from './terminal-text.ts';
import { shownPath as relativeWhenInside } from '../shared/path-inside.ts';

/** A path relative to the working folder when it lies inside it, else absolute. */
function shownPath(file: string): string {
  return terminalSafe(relativeWhenInside(file));
}

export function registerAskCommand(program: Command): void {
  program
    .command('ask')
    .description('Ask about a photo (answers stream), or with --library-wide ask about the whole library')
    .argument('<photoOrQuestion>', 'the photo, or with --library-wide the question')
    .argument('[question]', 'the question about the photo')
    .option('--library-wide', 'answer from the whole library, citing the photos (e.g. "how many photos of dogs on the beach?")')
    .option('--new', 'start a new conversation about the photo instead of continuing the last one')
    .option('--time <seconds>', 'ask about the frame of a VIDEO at this moment, e.g. --time 12.5 (the video keeps one conversation)', parseSeconds)
    .action(async (first: string, second: string | undefined, flags: { libraryWide?: boolean; new?: boolean; time?: number }, command: Command) => {
      const options = globalOptions(command);
      const stream = !options.json && process.stdout.isTTY ? (text: string) => process.stdout.write(text) : undefined;
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      await withCore(options, async (core) => {
        if (flags.libraryWide) {
          const question = [first, second].filter(Boolean).join(' ');
          const result = await core.ask.askLibrary(question, { ...(stream ? { onToken: stream } : {}), signal: controller.signal });
          if (options.json) return printJson({ answer: result.answer, photos: result.photos.map((p) => p.path) });
          if (!stream) process.stdout.write(result.answer);
          process.stdout.write('\n');
          for (const photo of result.photos) console.log(`  ${shownPath(photo.path)}`);
          return;
        }
        if (!second) throw new Error('Give the photo and the question, e.g. photobind ask photo.jpg "what color is the car?" (or use --library-wide).');
        if (flags.time !== undefined) {
          // A moment of a video: the question is about the frame at that time.
          if (flags.new) await core.moment.clearConversation(path.resolve(first), flags.time);
          const answer = await core.moment.ask(path.resolve(first), flags.time, second, { ...(stream ? { onToken: stream } : {}), signal: controller.signal });
          if (options.json) return printJson({ answer, photos: [path.resolve(first)], time: flags.time });
          if (!stream) process.stdout.write(answer);
          process.stdout.write('\n');
          return;
        }
        if (flags.new) await core.ask.clearConversation(path.resolve(first));
        const answer = await core.ask.askPhoto(path.resolve(first), second, { ...(stream ? { onToken: stream } : {}), signal: controller.signal });
        if (options.json) return printJson({ answer, photos: [path.resolve(first)] });
        if (!stream) process.stdout.write(answer);
        process.stdout.write('\n');
        // About one photo: conversations are files of their own, not library rows, so the library is only
        // read. Library-wide: captions missing from the candidates are written, so it holds the library.
      }, flags.libraryWide ? {} : { access: 'read', needs: ['ask' as const] });
    });
}
