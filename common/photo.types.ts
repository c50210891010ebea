// Domain types shared by core, CLI and UI: what the library knows of a photo, and search results.
import { z } from 'zod';

export const GpsSchema = z.object({ lat: z.number(), lon: z.number() });
export type Gps = z.infer<typeof GpsSchema>;

/** One indexed photo as the library knows it (no vector: vectors stay in the store). */
export const PhotoSchema = z.object({
  path: z.string(),
  root: z.string(),
  folder: z.string(),
  fileName: z.string(),
  contentHash: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  format: z.string(),
  /** Width and height as displayed, i.e. after EXIF orientation. */
  width: z.number(),
  height: z.number(),
  /** Local time as the camera wrote it (ISO 8601 without zone unless the camera recorded one). */
  takenAt: z.string().nullable(),
  gps: GpsSchema.nullable(),
  cameraMake: z.string().nullable(),
  cameraModel: z.string().nullable(),
  /** Description and keywords imported from the file's XMP/IPTC or its sidecar. */
  description: z.string().nullable(),
  keywords: z.array(z.string()),
  caption: z.string().nullable(),
  /** Model that wrote the caption ('user' once a person edited it), and when. */
  captionModel: z.string().nullable(),
  captionAt: z.string().nullable(),
  /** A caption the user edited is never overwritten by a model. */
  captionEdited: z.boolean(),
  modelId: z.string(),
  indexedAt: z.string(),
});
export type Photo = z.infer<typeof PhotoSchema>;

export const SearchHitSchema = z.object({
  photo: PhotoSchema,
  /** Cosine similarity of the query to the photo (for arithmetic queries, of the combined query). */
  score: z.number(),
  /** For a video: seconds from its start to the moment that matched best. */
  time: z.number().optional(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchFiltersSchema = z.object({
  folder: z.string().optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  camera: z.string().optional(),
  /** Photos whose GPS position lies in this latitude/longitude box (photos without GPS are left out). */
  area: z.object({ minLat: z.number(), maxLat: z.number(), minLon: z.number(), maxLon: z.number() }).optional(),
  /** Only photos of the person with this name (see `photobind people name`). */
  person: z.string().optional(),
});
export type SearchFilters = z.infer<typeof SearchFiltersSchema>;

export const ProblemKindSchema = z.enum([
  'unsupported',
  'empty',
  'corrupt',
  'truncated',
  'too-large',
  'unreadable',
  'not-an-image',
  'changed-while-reading',
  'crashed-model',
]);
export type ProblemKind = z.infer<typeof ProblemKindSchema>;

export const PhotoProblemSchema = z.object({
  path: z.string(),
  kind: ProblemKindSchema,
  reason: z.string(),
  /** A transient problem is retried on the next index run; a permanent one only when the file changes. */
  permanent: z.boolean(),
});
export type PhotoProblemRecord = z.infer<typeof PhotoProblemSchema>;

export const IndexProgressSchema = z.object({
  phase: z.enum(['scanning', 'indexing', 'done']),
  /** The stage(s) being caught up ('embed', 'text', 'embed+text'...); absent while new files are indexed. */
  stage: z.string().optional(),
  total: z.number(),
  done: z.number(),
  failed: z.number(),
  skipped: z.number(),
  /** Photos per second over the recent window, and estimated seconds left (null while unknown). */
  rate: z.number(),
  etaSeconds: z.number().nullable(),
});
export type IndexProgress = z.infer<typeof IndexProgressSchema>;
