// `photobind people`: people found in the photos (face grouping), naming, merging and correcting them, and the on/off switch.
import type { Command } from 'commander';
import type { PhotobindCore } from '../photobind-core.ts';
import type { PersonSummary } from '../faces/people.service.ts';
import { clearStatus, globalOptions, printJson, status, withCore } from './cli-context.ts';

const OFF_MESSAGE = 'Face grouping is off in this library. Turn it on with `photobind people on`: it finds the faces in your photos on this computer and groups them into people.';

function requireOn(core: PhotobindCore): void {
  if (!core.faceGrouping) throw new Error(OFF_MESSAGE);
}

/** Scans photos indexed since the last scan, with a progress line on a terminal. */
async function scan(core: PhotobindCore, json: boolean | undefined): Promise<void> {
  const summary = await core.scanFaces({ onProgress: (done, total) => !json && status(`Finding faces ${done}/${total}`) });
  clearStatus();
  if (!json && summary?.failed.length) for (const f of summary.failed) console.log(`warning: ${f.path}: ${f.reason}`);
}

function printPeople(people: PersonSummary[], json: boolean | undefined): void {
  if (json) return printJson(people.map(({ id, name, faces, photos }) => ({ id, name, faces, photos })));
  if (people.length === 0) return console.log('No people yet: faces are grouped once a person appears in at least two photos (`photobind people --all` lists single faces too).');
  for (const p of people) console.log(`${p.id.padStart(4)}  ${(p.name ?? '(unnamed)').padEnd(24)} ${p.faces} face${p.faces === 1 ? '' : 's'} in ${p.photos.length} photo${p.photos.length === 1 ? '' : 's'}${p.hidden ? ' (hidden)' : ''}`);
}

function printPerson(person: PersonSummary, json: boolean | undefined): void {
  if (json) return printJson({ id: person.id, name: person.name, faces: person.faces, photos: person.photos });
  console.log(`${person.id}  ${person.name ?? '(unnamed)'}: ${person.faces} faces in ${person.photos.length} photos`);
}

export function registerPeopleCommand(program: Command): void {
  const people = program
    .command('people')
    .description('People found in your photos (face grouping; `people on` to start): list, name, merge, correct')
    .option('--all', 'also list groups with a single face, and hidden people')
    .action(async (flags: { all?: boolean }, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        requireOn(core);
        await scan(core, options.json);
        printPeople(await core.people.list(flags.all ? { all: true, includeHidden: true } : {}), options.json);
      });
    });

  people
    .command('name')
    .description('Name a person')
    .argument('<id>', 'the person (an id from `photobind people`)')
    .argument('<name>', 'their name')
    .action(async (id: string, name: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        requireOn(core);
        printPerson(await core.people.rename(id, name), options.json);
      });
    });

  people
    .command('merge')
    .description('Merge the second person into the first (the same person in two groups)')
    .argument('<id>', 'the person kept')
    .argument('<other>', 'the person merged into it')
    .action(async (id: string, other: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        requireOn(core);
        printPerson(await core.people.merge(id, other), options.json);
      });
    });

  people
    .command('move')
    .description('Move a face (an id from `photobind info PHOTO --json`) to a person, or to a new person with "new"; remembered')
    .argument('<face>', 'face id')
    .argument('<person>', 'person id, or "new"')
    .action(async (face: string, person: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        requireOn(core);
        printPerson(await core.people.moveFace(face, person === 'new' ? null : person), options.json);
      });
    });

  people
    .command('remove')
    .description('Take a face out of every person (a wrong detection, a stranger); remembered')
    .argument('<face>', 'face id')
    .action(async (face: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        requireOn(core);
        await core.people.removeFace(face);
        if (options.json) printJson({ removed: face });
        else console.log(`Face ${face} is no longer grouped with anyone.`);
      });
    });

  for (const [name, hidden] of [['hide', true], ['unhide', false]] as const) {
    people
      .command(name)
      .description(hidden ? 'Hide a person from the list (their faces stay grouped)' : 'Show a hidden person again')
      .argument('<id>', 'person id')
      .action(async (id: string, _flags: unknown, command: Command) => {
        const options = globalOptions(command);
        await withCore(options, async (core) => {
          requireOn(core);
          printPerson(await core.people.setHidden(id, hidden), options.json);
        });
      });
  }

  people
    .command('regroup')
    .description('Group every face again from scratch (names, merges and corrections are kept)')
    .action(async (_flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        requireOn(core);
        await scan(core, options.json);
        await core.people.regroup();
        printPeople(await core.people.list(), options.json);
      });
    });

  people
    .command('write-xmp')
    .description('Write the named faces into the photos\' XMP sidecars (MWG face regions, read by digiKam, Lightroom and others)')
    .option('--person <id>', 'only the photos of this person')
    .action(async (flags: { person?: string }, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        requireOn(core);
        const written = await core.writeFaceSidecars(flags.person ? { personId: flags.person } : {});
        if (options.json) return printJson(written);
        for (const w of written) console.log(w.error ? `${w.path}: not written: ${w.error}` : `${w.sidecar}: ${w.faces} named face${w.faces === 1 ? '' : 's'}`);
        if (!written.length) console.log('No photo has a named face yet (name people with `photobind people name ID NAME`).');
      });
    });

  people
    .command('on')
    .description('Turn face grouping on and find the faces in the library (all on this computer)')
    .action(async (_flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        await core.setFaceGrouping(true);
        await scan(core, options.json);
        if (options.json) return printJson({ faceGrouping: true, people: (await core.people.list()).length });
        console.log(`Face grouping is on: ${(await core.people.list()).length} people so far. New photos are scanned when you list people or index.`);
      });
    });

  people
    .command('off')
    .description('Turn face grouping off and delete every face, person and name')
    .action(async (_flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withCore(options, async (core) => {
        await core.setFaceGrouping(false);
        if (options.json) return printJson({ faceGrouping: false });
        console.log('Face grouping is off; all face data (faces, people, names) was deleted.');
      });
    });
}
