// Training-data helper: prints the toy world's vocabulary (main/core/toy-world/vocabulary.ts) as JSON for Python.
// Usage: node bin/run-ts.js models/training/dump-vocabulary.ts
import {
  COLORS,
  COLORS_BY_KIND,
  COUNTS,
  KINDS,
  KINDS_BY_SETTING,
  NUMBER_WORDS,
  SETTINGS,
  TIMES,
  isBuilding,
  pluralize,
} from '../../main/core/toy-world/vocabulary.ts';

const vocabulary = {
  kinds: KINDS,
  colors: COLORS,
  counts: COUNTS,
  settings: SETTINGS,
  times: TIMES,
  plurals: Object.fromEntries(KINDS.map((k) => [k, pluralize(k, 2)])),
  numberWords: NUMBER_WORDS,
  colorsByKind: COLORS_BY_KIND,
  kindsBySetting: KINDS_BY_SETTING,
  buildings: KINDS.filter(isBuilding),
};
process.stdout.write(`${JSON.stringify(vocabulary)}\n`);
