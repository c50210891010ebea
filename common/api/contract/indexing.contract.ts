// The indexing domain of the API contract: index jobs, their progress, rescans.
import { z } from 'zod';
import { IndexProgressSchema } from '../../photo.types.ts';
import { ApiErrorSchema } from '../api-error.ts';
import { method } from '../contract-kit.ts';

export const IndexJobSchema = z.object({
  id: z.string(),
  kind: z.enum(['add-folder', 'demo-album', 'rescan']),
  /** What the UI shows, e.g. "Indexing Holidays". */
  label: z.string(),
  roots: z.array(z.string()),
});
export type IndexJob = z.infer<typeof IndexJobSchema>;

export const IndexSummarySchema = z.object({
  scanned: z.number(),
  indexed: z.number(),
  reused: z.number(),
  unchanged: z.number(),
  removed: z.number(),
  failed: z.number(),
  /** Photos listed earlier whose sidecar changed: their details were read again (no model work). */
  metadataRead: z.number(),
  /** Photos listed earlier that got their search vector in this pass (the embed stage catching up). */
  embedded: z.number(),
  /** Photos whose analysis stage ('text', 'faces') ran in this pass, by stage. */
  analysed: z.record(z.string(), z.number()),
  /** Why the photos were listed without being made searchable (the search model is missing), or null. */
  searchModelMissing: z.string().nullable(),
  seconds: z.number(),
});
export type IndexSummaryInfo = z.infer<typeof IndexSummarySchema>;

export const IndexJobStateSchema = z.object({
  job: IndexJobSchema,
  state: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  /** 'rendering' is the demo album being drawn before it is indexed. */
  stage: z.enum(['waiting', 'rendering', 'scanning', 'indexing', 'done']),
  progress: IndexProgressSchema,
  summary: IndexSummarySchema.nullable(),
  error: ApiErrorSchema.nullable(),
});
export type IndexJobState = z.infer<typeof IndexJobStateSchema>;

export const indexingMethods = {
  status: method(z.object({}), z.object({ jobs: z.array(IndexJobStateSchema) }), 'The running and queued index jobs, and the last finished one.'),
  rescan: method(z.object({}), z.object({ job: IndexJobSchema }), 'Indexes every folder of the library again (only changed files do work).'),
  cancel: method(z.object({ jobId: z.string() }), z.object({ cancelled: z.boolean() }), 'Stops an index job; what was indexed so far is kept.'),
};
