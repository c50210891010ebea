// The photos domain of the API contract: browsing the library page by page, one photo, captions.
import { z } from 'zod';
import { PhotoSchema } from '../../photo.types.ts';
import { method } from '../contract-kit.ts';
import { SearchQueryFiltersSchema } from './search.contract.ts';

const PhotoPathSchema = z.string().min(1).max(4096);

const Fraction = z.number().min(0).max(1);
/** A line of text read in a photo; the box is in fractions 0–1 of the displayed (upright) photo. */
export const TextLineSchema = z.object({ text: z.string(), confidence: Fraction, box: z.object({ x: Fraction, y: Fraction, width: Fraction, height: Fraction }) });
export type TextLineDto = z.infer<typeof TextLineSchema>;

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
  text: method(
    z.object({ path: PhotoPathSchema }),
    z.object({ text: z.string(), lines: z.array(TextLineSchema), read: z.boolean() }),
    'The text read in a photo: lines joined by newlines, each line with its confidence and box; read is false until its text stage has run.',
  ),
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
