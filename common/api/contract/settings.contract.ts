// The settings domain of the API contract: model set, device, library location, which models are installed.
import { z } from 'zod';
import { method } from '../contract-kit.ts';

export const ModelTaskSchema = z.enum(['clip', 'caption', 'ask']);

export const SettingsInfoSchema = z.object({
  libraryDir: z.string(),
  modelSet: z.string(),
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
  setModelSet: method(z.object({ modelSet: z.string().min(1) }), SettingsInfoSchema, 'Switches the model set (photos are re-embedded by the next index run).'),
};
