// Which models of the library's model set are on this computer, and if not, what to do about it.
import type { SettingsInfo } from '../../../common/api/photobind.contract.ts';
import type { ModelSet } from '../models/model-catalog.ts';
import { ModelLocatorService } from '../models/model-locator.service.ts';

const TASK_WORDS = { clip: 'search', caption: 'caption', ask: 'question-answering' } as const;

export async function modelAvailability(modelSet: ModelSet, modelsDir: string): Promise<SettingsInfo['models']> {
  const locator = new ModelLocatorService(modelsDir);
  const tasks = ['clip', 'caption', 'ask'] as const;
  return Promise.all(
    tasks.map(async (task) => {
      const id = modelSet[task];
      try {
        await locator.locate(id, { download: false });
        return { task, id, available: true, problem: null };
      } catch (error) {
        return { task, id, available: false, problem: (error as Error).message };
      }
    }),
  );
}

/** The sentence the UI shows when a task's model is missing. */
export function unavailableMessage(task: keyof typeof TASK_WORDS, id: string, problem: string | null): string {
  return `The ${TASK_WORDS[task]} model (${id}) is not available yet${problem ? `: ${problem}` : '.'}`;
}
