// The library domain of the API contract: folders (roots), overview, filter facets, problems, the demo album,
// removing photos from the library (never from disk) and restoring them.
import { z } from 'zod';
import { PhotoProblemSchema } from '../../photo.types.ts';
import { method } from '../contract-kit.ts';
import { IndexJobSchema } from './indexing.contract.ts';

export const RootInfoSchema = z.object({
  path: z.string(),
  name: z.string(),
  /** False while the folder is missing (an unplugged drive); its photos are kept. */
  online: z.boolean(),
  /** The toy-world demo album that "Open the demo album" rendered into the library folder. */
  isDemo: z.boolean(),
  photoCount: z.number().int(),
});
export type RootInfo = z.infer<typeof RootInfoSchema>;

/** One stage of the photo pipeline (files, metadata, thumbnail, embed, caption, text, faces, ...). */
export const StageCountsSchema = z.object({
  done: z.number().int(),
  pending: z.number().int(),
  failed: z.number().int(),
  /** Why pending photos wait (the model is not installed, the stage is off), when they do, in the CLI's words. */
  note: z.string().optional(),
  /** The same reason as data: the app words it itself and points to its own actions (never CLI commands). */
  wait: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('model-missing'), model: z.string() }),
      z.object({ kind: z.literal('switched-off'), setting: z.enum(['auto-caption', 'faces']) }),
      z.object({ kind: z.literal('reinstall') }),
    ])
    .optional(),
});
export type StageCounts = z.infer<typeof StageCountsSchema>;

export const LibraryOverviewSchema = z.object({
  libraryDir: z.string(),
  photoCount: z.number().int(),
  problemCount: z.number().int(),
  roots: z.array(RootInfoSchema),
  modelSet: z.string(),
  /** Per-stage counts, in pipeline order (see docs/architecture.md, "Stage pipeline"). */
  stages: z.array(StageCountsSchema.extend({ name: z.string() })),
  /** The model set only understands the toy world: the app shows a badge (see [Note: toy models stay with the demo]). */
  demoModels: z.boolean().default(false),
});
export type LibraryOverview = z.infer<typeof LibraryOverviewSchema>;

export const LibraryFacetsSchema = z.object({
  /** Folders that hold photos, for the folder filter. */
  folders: z.array(z.string()),
  /** Camera names ("Make Model") found in the photos' metadata. */
  cameras: z.array(z.string()),
  firstDate: z.string().nullable(),
  lastDate: z.string().nullable(),
});
export type LibraryFacets = z.infer<typeof LibraryFacetsSchema>;

const FolderPathSchema = z.string().trim().min(1, 'Type the path of a folder.').max(4096);
const PhotoPathsSchema = z.array(z.string().min(1).max(4096)).min(1).max(100_000);
const StartedIndexingSchema = z.object({ root: z.string(), job: IndexJobSchema });

export const libraryMethods = {
  overview: method(z.object({}), LibraryOverviewSchema, 'Photo count, folders (with offline ones) and the model set in use.'),
  addFolder: method(
    z.object({
      path: FolderPathSchema,
      /** The user agreed to index this folder with the library's toy demo models (else 'needs-confirmation'). */
      allowDemoModels: z.boolean().optional(),
    }),
    StartedIndexingSchema,
    'Adds a folder to the library and starts indexing it (progress comes as onDidIndexProgress).',
  ),
  removeFolder: method(z.object({ path: FolderPathSchema }), LibraryOverviewSchema, 'Removes a folder from the library and forgets its photos (the files are not touched).'),
  openDemoAlbum: method(
    z.object({ count: z.number().int().min(1).max(5000).optional() }),
    StartedIndexingSchema,
    'Renders the toy-world demo album into the library folder and indexes it with the toy models.',
  ),
  facets: method(z.object({}), LibraryFacetsSchema, 'Values for the search filter chips: folders, cameras, date range.'),
  problems: method(z.object({}), z.object({ problems: z.array(PhotoProblemSchema) }), 'Files that could not be indexed, with the reason.'),
  removePhotos: method(
    z.object({ paths: PhotoPathsSchema }),
    z.object({ removed: z.array(z.object({ path: z.string(), contentHash: z.string() })), notInLibrary: z.array(z.string()) }),
    'Removes photos from the library, never from disk; index passes leave them out until they are restored.',
  ),
  restorePhotos: method(
    z.object({ paths: PhotoPathsSchema }),
    z.object({
      restored: z.array(z.string()),
      indexed: z.array(z.string()),
      notRemoved: z.array(z.string()),
      notIndexed: z.array(z.object({ path: z.string(), reason: z.string() })),
    }),
    'Puts photos removed from the library back: indexed again, into their albums and favourites.',
  ),
  removedPhotos: method(
    z.object({}),
    z.object({ removed: z.array(z.object({ path: z.string(), contentHash: z.string(), removedAt: z.string() })) }),
    'The photos removed from the library (their files stay on disk), most recent first.',
  ),
};
