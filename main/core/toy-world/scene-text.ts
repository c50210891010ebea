// English captions and question–answer pairs for a toy-world scene, in one consistent vocabulary.
import type { Scene, SceneObject } from './scene-sampler.ts';
import { mulberry32, pick, shuffled, type Rng } from './seeded-random.ts';
import { KINDS, KINDS_BY_SETTING, indefiniteArticle, isBuilding, numberWord, pluralize, type Kind, type Setting, type TimeOfDay } from './vocabulary.ts';

export interface QaPair {
  q: string;
  /** Always one lowercase word. */
  a: string;
}

export interface SceneDescription {
  caption: string;
  qa: QaPair[];
}

const SETTING_PHRASE: Readonly<Record<Setting, string>> = {
  street: 'on a street',
  beach: 'on a beach',
  park: 'in a park',
  countryside: 'in the countryside',
  harbor: 'at a harbor',
};

const SETTING_NOUN: Readonly<Record<Setting, string>> = {
  street: 'a street',
  beach: 'a beach',
  park: 'a park',
  countryside: 'the countryside',
  harbor: 'a harbor',
};

const TIME_PHRASES: Readonly<Record<TimeOfDay, readonly string[]>> = {
  day: ['during the day', 'in the daytime'],
  night: ['at night'],
};

/** "a red car", "an orange dog", "two red motorcycles"; people are "in" their colour: "three people in blue". */
export function objectPhrase(obj: SceneObject): string {
  if (obj.kind === 'person') return obj.count === 1 ? `a person in ${obj.color}` : `${numberWord(obj.count)} people in ${obj.color}`;
  if (obj.count === 1) return `${indefiniteArticle(obj.color)} ${obj.color} ${obj.kind}`;
  return `${numberWord(obj.count)} ${obj.color} ${pluralize(obj.kind, obj.count)}`;
}

/** "A", "A and B", "A, B and C". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/**
 * A caption naming every object with its count and colour, plus the setting and the time, in one of a
 * few phrasings chosen by `rng`.
 */
export function captionScene(scene: Scene, rng: Rng): string {
  const objects = shuffled(rng, scene.objects);
  const time = pick(rng, TIME_PHRASES[scene.time]);
  const where = SETTING_PHRASE[scene.setting];
  const building = objects.find((o) => isBuilding(o.kind));
  const others = objects.filter((o) => o !== building);
  const all = joinList(objects.map(objectPhrase));
  const templates: (() => string)[] = [
    () => `${all} ${where} ${time}`,
    () => `${SETTING_NOUN[scene.setting]} ${time} with ${all}`,
    () => `a photo of ${all} ${where} ${time}`,
  ];
  if (building && others.length > 0) {
    const rest = joinList(others.map(objectPhrase));
    const b = objectPhrase(building);
    templates.push(
      () => `${rest} outside ${b} ${where} ${time}`,
      () => `${rest} in front of ${b} ${where} ${time}`,
    );
  }
  return pick(rng, templates)();
}

/** "what color is the car?", "what color are the cars?"; for people, the colour they are wearing. */
export function colorQuestion(obj: SceneObject): string {
  const subject = obj.count === 1 ? `is the ${obj.kind}` : `are the ${pluralize(obj.kind, obj.count)}`;
  return obj.kind === 'person' ? `what color ${subject} wearing?` : `what color ${subject}?`;
}

function presenceQuestion(kind: Kind): string {
  return `is there ${indefiniteArticle(kind)} ${kind}?`;
}

/**
 * Question–answer pairs about colour, count and presence of every object, presence of two absent kinds
 * (one that would fit the setting, when any is left), the setting and the time. Answers are one
 * lowercase word.
 */
export function questionsForScene(scene: Scene, rng: Rng): QaPair[] {
  const qa: QaPair[] = [];
  for (const o of scene.objects) {
    const plural = pluralize(o.kind, 2);
    qa.push({ q: colorQuestion(o), a: o.color });
    qa.push({ q: `how many ${plural} are there?`, a: numberWord(o.count) });
    qa.push({ q: presenceQuestion(o.kind), a: 'yes' });
  }
  const present = new Set(scene.objects.map((o) => o.kind));
  const plausible = KINDS_BY_SETTING[scene.setting].filter((k) => !present.has(k));
  const absent: Kind[] = [];
  if (plausible.length > 0) absent.push(pick(rng, plausible));
  const anyAbsent = KINDS.filter((k) => !present.has(k) && !absent.includes(k));
  if (anyAbsent.length > 0) absent.push(pick(rng, anyAbsent));
  for (const kind of absent) qa.push({ q: presenceQuestion(kind), a: 'no' });
  qa.push({ q: 'where was this photo taken?', a: scene.setting });
  qa.push({ q: 'is it day or night?', a: scene.time });
  return qa;
}

/** Caption and QA pairs together (a seed or an Rng picks the phrasing; the caption draws first, then the questions). */
export function describeScene(scene: Scene, rngOrSeed: Rng | number = 0): SceneDescription {
  const rng = typeof rngOrSeed === 'number' ? mulberry32(rngOrSeed) : rngOrSeed;
  const caption = captionScene(scene, rng);
  return { caption, qa: questionsForScene(scene, rng) };
}
