// Per-stage counts (done, pending, failed) for `photobind status --json` and the app's stage list; why a stage
// waits comes twice: `note` in the CLI's words, `wait` as data the app words itself (StageWait).
// See [Note: the stage pipeline] for what each stage's state is made of.
import type { PhotoStoreRepository } from '../storage/photo-store.repository.ts';
import type { StageLedgerRepository } from '../storage/stage-ledger.repository.ts';
import { ANALYSIS_ATTEMPTS, type AnalysisStage, type StageCounts, type StageName } from './stage-pipeline.ts';

/** Problems that stop a file before its metadata is read (it could not be read at all). */
const FILE_PROBLEMS = new Set(['unreadable', 'changed-while-reading', 'empty']);

export interface StageStatusSources {
  store: PhotoStoreRepository;
  ledger: StageLedgerRepository;
  analysisStages: AnalysisStage[];
  /** The search model whose vectors searches use. */
  searchModel: string;
  /** Why the search model cannot run now, if known. */
  searchModelProblem: string | null;
  autoCaption: boolean;
  /** Files found by the last index pass that it had not finished (index-state.json). */
  pendingFiles: number;
}

export class StageStatusService {
  constructor(private readonly sources: () => Promise<StageStatusSources>) {}

  async stages(): Promise<Partial<Record<StageName, StageCounts>>> {
    const s = await this.sources();
    const [counts, problems] = await Promise.all([s.store.stageCounts(s.searchModel), s.store.problemMap()]);
    const fileFailures = [...problems.values()].filter((p) => FILE_PROBLEMS.has(p.kind)).length;
    const decodeFailures = problems.size - fileFailures;
    const result: Partial<Record<StageName, StageCounts>> = {
      files: { done: counts.photos + decodeFailures, pending: s.pendingFiles, failed: fileFailures },
      metadata: { done: counts.photos, pending: s.pendingFiles, failed: decodeFailures },
      thumbnail: { done: counts.photos, pending: s.pendingFiles, failed: decodeFailures },
      embed: {
        done: counts.embedded,
        pending: counts.photos - counts.embedded + s.pendingFiles,
        failed: 0,
        ...(s.searchModelProblem ? { note: s.searchModelProblem, wait: { kind: 'model-missing', model: s.searchModel } } : {}),
      },
      caption: {
        done: counts.captioned,
        pending: s.autoCaption ? counts.photos - counts.captioned : 0,
        failed: 0,
        ...(s.autoCaption ? {} : { note: 'Automatic captions are off (photobind caption --auto on).', wait: { kind: 'switched-off', setting: 'auto-caption' } }),
      },
    };
    if (s.analysisStages.length === 0) return result;
    const contents = [...(await s.store.photosByContent()).keys()];
    for (const stage of s.analysisStages) {
      const readiness = await stage.readiness();
      const entries = await s.ledger.entries(stage.name);
      let done = 0;
      let failed = 0;
      for (const hash of contents) {
        const entry = entries.get(hash);
        const current = readiness.ready ? entry?.modelKey === readiness.modelKey : entry !== undefined;
        if (!entry || !current) continue;
        if (entry.state === 'done') done++;
        else if (entry.permanent || entry.attempts >= ANALYSIS_ATTEMPTS) failed++;
      }
      result[stage.name] = {
        done,
        failed,
        pending: readiness.ready || !readiness.off ? contents.length - done - failed : 0,
        ...(readiness.ready ? {} : { note: readiness.reason, wait: readiness.wait }),
      };
    }
    return result;
  }
}
