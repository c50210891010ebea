// The settings domain of the API contract: model set, device, library location, which models are installed.
import { z } from 'zod';
import { method } from '../contract-kit.ts';

export const ModelTaskSchema = z.enum(['clip', 'caption', 'ask', 'text']);

/** A search-model switch in progress: photos are re-embedded by the new model while searches use the old one. */
export const ModelSwitchStateSchema = z.object({
  /** The model searches use until the switch is done. */
  from: z.string(),
  to: z.string(),
  state: z.enum(['running', 'switching', 'done', 'failed']),
  total: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** Why it stopped, in a sentence that says what to do (state 'failed'). */
  error: z.string().nullable(),
});
export type ModelSwitchState = z.infer<typeof ModelSwitchStateSchema>;

export const SettingsInfoSchema = z.object({
  libraryDir: z.string(),
  modelSet: z.string(),
  /** The search model whose vectors searches use now (differs from the set's while a switch runs). */
  activeSearchModel: z.string(),
  modelSwitch: ModelSwitchStateSchema.nullable(),
  modelSets: z.array(z.object({ name: z.string(), description: z.string() })),
  device: z.object({ preferred: z.string(), active: z.string().nullable() }),
  models: z.array(
    z.object({
      task: ModelTaskSchema,
      id: z.string(),
      available: z.boolean(),
      /** Why it is not available, in one sentence that says what to do. */
      problem: z.string().nullable(),
    }),
  ),
});
export type SettingsInfo = z.infer<typeof SettingsInfoSchema>;

export const settingsMethods = {
  get: method(z.object({}), SettingsInfoSchema, 'The library location, model set, device and model availability.'),
  setModelSet: method(z.object({ modelSet: z.string().min(1) }), SettingsInfoSchema, 'Switches the model set; a new search model re-embeds the photos in the background (progress comes as onDidModelSwitchProgress) while searches keep using the old one.'),
};
