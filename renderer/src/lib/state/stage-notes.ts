// The app's words for why a pipeline stage waits (the core sends the reason as data, StageCounts.wait): the
// app points to its own actions (the models banner's Download and Import), never to CLI commands, which stay
// in the CLI's `note` (`photobind status`).
import type { StageCounts } from '$common/api/photobind.contract.ts';

/** The sentence under a stage in the sidebar's Pipeline list, or null when it does not wait for anything. */
export function stageNote(stage: StageCounts): string | null {
  const wait = stage.wait;
  if (!wait) return stage.note && !/\bphotobind\b|npm /.test(stage.note) ? stage.note : null;
  switch (wait.kind) {
    case 'model-missing':
      return `Waiting for the search model ${wait.model}: Download it, or Import a folder…, in the models box above the photos.`;
    case 'switched-off':
      return wait.setting === 'faces' ? 'Face grouping is off.' : 'Automatic captions are off.';
    case 'reinstall':
      return 'The model that ships with Photobind is missing: reinstall Photobind.';
  }
}
