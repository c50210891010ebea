// The toy world's closed vocabulary: object kinds, colours, counts, settings and times, with their English names.

export const KINDS = [
  'motorcycle',
  'bicycle',
  'car',
  'bus',
  'boat',
  'convenience store',
  'house',
  'tree',
  'person',
  'dog',
  'cat',
  'bird',
  'umbrella',
] as const;
export type Kind = (typeof KINDS)[number];

export const COLORS = ['red', 'blue', 'green', 'yellow', 'white', 'black', 'orange', 'purple'] as const;
export type Color = (typeof COLORS)[number];

/** sRGB fill for each colour: saturated, so it stays apart from the muted backgrounds. */
export const COLOR_HEX: Readonly<Record<Color, string>> = {
  red: '#d62828',
  blue: '#1f4fd1',
  green: '#1e9e3a',
  yellow: '#f7c61a',
  white: '#f6f6f6',
  black: '#1c1c1c',
  orange: '#f77f00',
  purple: '#7b2cbf',
};

export const COUNTS = [1, 2, 3] as const;
export type Count = (typeof COUNTS)[number];

export const SETTINGS = ['street', 'beach', 'park', 'countryside', 'harbor'] as const;
export type Setting = (typeof SETTINGS)[number];

export const TIMES = ['day', 'night'] as const;
export type TimeOfDay = (typeof TIMES)[number];

/** Buildings: always one per scene at most, and always counted once. */
export const BUILDINGS: readonly Kind[] = ['convenience store', 'house'];

export function isBuilding(kind: Kind): boolean {
  return BUILDINGS.includes(kind);
}

/** Which kinds make sense in which setting. */
export const KINDS_BY_SETTING: Readonly<Record<Setting, readonly Kind[]>> = {
  street: ['convenience store', 'house', 'car', 'bus', 'motorcycle', 'bicycle', 'person', 'dog', 'cat', 'tree', 'bird'],
  beach: ['boat', 'person', 'dog', 'umbrella', 'bird', 'bicycle'],
  park: ['tree', 'person', 'dog', 'cat', 'bicycle', 'bird', 'umbrella'],
  countryside: ['house', 'tree', 'car', 'motorcycle', 'bicycle', 'person', 'dog', 'cat', 'bird'],
  harbor: ['boat', 'person', 'car', 'motorcycle', 'bicycle', 'dog', 'bird'],
};

/** Colours each kind may take (natural sets for animals and trees); the drawn colour is always the recorded one. */
export const COLORS_BY_KIND: Readonly<Record<Kind, readonly Color[]>> = {
  motorcycle: COLORS,
  bicycle: COLORS,
  car: COLORS,
  bus: COLORS,
  boat: COLORS,
  'convenience store': ['red', 'blue', 'green', 'yellow', 'orange', 'purple'],
  house: COLORS,
  tree: ['green', 'yellow', 'orange'],
  person: COLORS,
  dog: ['white', 'black', 'orange', 'yellow'],
  cat: ['white', 'black', 'orange'],
  bird: ['red', 'blue', 'yellow', 'black', 'white', 'green'],
  umbrella: COLORS,
};

/** What part of each kind carries its colour (documentation for captions and for people reading the images). */
export const COLORED_PART: Readonly<Record<Kind, string>> = {
  motorcycle: 'body',
  bicycle: 'frame and rims',
  car: 'body',
  bus: 'body',
  boat: 'hull',
  'convenience store': 'sign and awning',
  house: 'walls',
  tree: 'leaves',
  person: 'shirt',
  dog: 'fur',
  cat: 'fur',
  bird: 'feathers',
  umbrella: 'canopy',
};

const PLURALS: Readonly<Record<Kind, string>> = {
  motorcycle: 'motorcycles',
  bicycle: 'bicycles',
  car: 'cars',
  bus: 'buses',
  boat: 'boats',
  'convenience store': 'convenience stores',
  house: 'houses',
  tree: 'trees',
  person: 'people',
  dog: 'dogs',
  cat: 'cats',
  bird: 'birds',
  umbrella: 'umbrellas',
};

/** English name of a kind: singular for a count of 1, plural otherwise. */
export function pluralize(kind: Kind, count = 2): string {
  return count === 1 ? kind : PLURALS[kind];
}

export const NUMBER_WORDS: Readonly<Record<Count, string>> = { 1: 'one', 2: 'two', 3: 'three' };

export function numberWord(count: number): string {
  const word = (NUMBER_WORDS as Record<number, string | undefined>)[count];
  if (word === undefined) throw new Error(`no number word for ${count}`);
  return word;
}

/** "a" or "an" for the word that follows. */
export function indefiniteArticle(nextWord: string): 'a' | 'an' {
  return /^[aeiou]/i.test(nextWord) ? 'an' : 'a';
}
