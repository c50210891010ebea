// The photos domain of the API contract: browsing the library page by page, one photo, captions.
import { z } from 'zod';
import { PhotoSchema } from '../../photo.types.ts';
import { method } from '../contract-kit.ts';
import { SearchQueryFiltersSchema } from './search.contract.ts';

const PhotoPathSchema = z.string().min(1).max(4096);

export const photosMethods = {
  list: method(
    z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(500), filters: SearchQueryFiltersSchema.default({}) }),
    z.object({ total: z.number().int(), offset: z.number().int(), photos: z.array(PhotoSchema) }),
    'One page of the library, newest first, with the same filters as search (the grid asks for the pages it shows).',
  ),
  timeline: method(
    z.object({ filters: SearchQueryFiltersSchema.default({}) }),
    z.object({
      total: z.number().int(),
      days: z.array(z.object({ day: z.string().nullable(), count: z.number().int() })),
      aspects: z.array(z.number()),
    }),
    "The library's browsing order in brief, for the timeline: days (newest first, undated last) with their photo counts, and every photo's aspect ratio.",
  ),
  byHash: method(
    z.object({ contentHash: z.string().regex(/^[0-9a-f]{16,128}$/, 'A photo link names a content hash (hex).') }),
    z.object({ photo: PhotoSchema }),
    'The photo with this content hash (what a #/photo/<hash> link names).',
  ),
  get: method(z.object({ path: PhotoPathSchema }), z.object({ photo: PhotoSchema }), 'One photo of the library.'),
  generateCaption: method(
    z.object({ path: PhotoPathSchema }),
    z.object({ photo: PhotoSchema }),
    "Captions a photo with the caption model and keeps the caption (a person's caption is never replaced); fails with model-unavailable when there is no captioner.",
  ),
  setCaption: method(
    z.object({ path: PhotoPathSchema, caption: z.string().trim().max(2000) }),
    z.object({ photo: PhotoSchema }),
    "Saves a person's own caption (models never replace it); an empty caption removes it.",
  ),
};
