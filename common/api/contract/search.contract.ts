// The search domain of the API contract: plain-language search (with query arithmetic), "more like this", a video's moments.
import { z } from 'zod';
import { SearchFiltersSchema, SearchHitSchema } from '../../photo.types.ts';
import { method } from '../contract-kit.ts';

const DateSchema = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'Use a date like 2024-05-31.');

export const SearchQueryFiltersSchema = SearchFiltersSchema.extend({ since: DateSchema.optional(), until: DateSchema.optional() });
export type SearchQueryFilters = z.infer<typeof SearchQueryFiltersSchema>;

/** Longest search text; the UI's search box stops typing and pasting there too. */
export const SEARCH_TEXT_MAX = 1000;

const HitsSchema = z.object({ hits: z.array(SearchHitSchema) });
/** A query's answer: `hits` above the relevance floor; `weaker` ones below it, shown on request; see [Note: no good matches]. */
const RankedHitsSchema = HitsSchema.extend({
  weaker: z.array(SearchHitSchema).default([]),
  /** False when nothing stands out from the library's background: the UI says "no good matches". */
  goodMatches: z.boolean().default(true),
});

export const searchMethods = {
  query: method(
    z.object({
      text: z.string().max(SEARCH_TEXT_MAX),
      filters: SearchQueryFiltersSchema.default({}),
      sort: z.enum(['relevance', 'date']).default('relevance'),
      limit: z.number().int().min(1).max(1000).default(300),
    }),
    RankedHitsSchema,
    'Photos matching a plain-language query; "beach + sunset - people" and "2:dog" work as arithmetic.',
  ),
  similar: method(
    z.object({ path: z.string().min(1).max(4096), limit: z.number().int().min(1).max(1000).default(60) }),
    HitsSchema,
    'Photos that look like the given one (the photo itself first).',
  ),
  moments: method(
    z.object({ text: z.string().min(1).max(1000), contentHash: z.string().regex(/^[0-9a-f]{16,128}$/) }),
    z.object({ moments: z.array(z.object({ time: z.number(), score: z.number() })) }),
    'Every sampled moment of one video scored against a plain-language query, in time order (marks on its timeline).',
  ),
};
