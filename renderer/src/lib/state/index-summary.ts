// What a finished index job did, in words, for its progress card: new photos, and the work a catch-up pass
// did on photos already listed (made searchable, read for text, checked for faces, details read again).
import type { IndexJobState, IndexSummaryInfo } from '$common/api/photobind.contract.ts';
import { plural } from '../format.ts';

const ANALYSIS_WORDS: Record<string, string> = { text: 'read for text', faces: 'checked for faces' };

/** "49 photos made searchable", "12 photos added · 3 with problems", "up to date (40 photos)". */
export function indexSummaryText(s: IndexSummaryInfo): string {
  const parts: string[] = [];
  const added = s.indexed + s.reused;
  if (added) parts.push(s.searchModelMissing ? `${plural(added, 'photo')} added (search waits for its model)` : `${plural(added, 'photo')} indexed`);
  if (s.embedded) parts.push(`${plural(s.embedded, 'photo')} made searchable`);
  for (const [stage, count] of Object.entries(s.analysed)) if (count) parts.push(`${plural(count, 'photo')} ${ANALYSIS_WORDS[stage] ?? `through ${stage}`}`);
  if (s.metadataRead) parts.push(`details of ${plural(s.metadataRead, 'photo')} read again`);
  if (s.removed) parts.push(`${s.removed.toLocaleString()} removed`);
  if (s.failed) parts.push(`${s.failed.toLocaleString()} with problems`);
  if (parts.length) return parts.join(' · ');
  return s.unchanged ? `up to date (${plural(s.unchanged, 'photo')})` : 'no photos found';
}

/** The card's first words: "Added Holidays", "Demo album ready", "Search caught up", "Folders checked". */
export function finishedJobTitle(state: IndexJobState): string {
  const { job, summary } = state;
  if (job.kind === 'demo-album') return 'Demo album ready';
  if (job.kind === 'add-folder') return `Added ${job.roots[0]?.split(/[\\/]/).filter(Boolean).at(-1) ?? 'the folder'}`;
  const caughtUp = summary && summary.indexed + summary.reused === 0 && (summary.embedded > 0 || Object.values(summary.analysed).some((n) => n > 0));
  return caughtUp ? 'Caught up' : 'Folders checked';
}
