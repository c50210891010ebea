// The albums domain of the API contract: albums, favourites and live albums (saved searches), kept in the library.
import { z } from 'zod';
import { PhotoSchema } from '../../photo.types.ts';
import { method } from '../contract-kit.ts';
import { SearchQueryFiltersSchema } from './search.contract.ts';

const AlbumIdSchema = z.string().regex(/^[0-9a-z]{1,40}$/, 'An album id is letters and digits.');
const AlbumNameSchema = z.string().max(200);
const PathsSchema = z.array(z.string().min(1).max(4096)).min(1).max(100_000);

export const AlbumSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['manual', 'live']),
  /** Photos in a manual album; null for a live album until it is opened. */
  count: z.number().int().nullable(),
  query: z.object({ text: z.string(), filters: SearchQueryFiltersSchema }).nullable(),
});
export type AlbumSummary = z.infer<typeof AlbumSummarySchema>;

export const albumsMethods = {
  list: method(z.object({}), z.object({ albums: z.array(AlbumSummarySchema) }), 'Every album of the library, by name.'),
  create: method(z.object({ name: AlbumNameSchema }), z.object({ album: AlbumSummarySchema }), 'A new, empty album.'),
  createLive: method(
    z.object({ name: AlbumNameSchema, text: z.string().max(1000), filters: SearchQueryFiltersSchema.default({}) }),
    z.object({ album: AlbumSummarySchema }),
    'A live album: a saved search (words and filters) that shows every matching photo, new ones included.',
  ),
  rename: method(z.object({ id: AlbumIdSchema, name: AlbumNameSchema }), z.object({ album: AlbumSummarySchema }), 'Renames an album.'),
  remove: method(z.object({ id: AlbumIdSchema }), z.object({}), 'Deletes an album (its photos stay in the library and on disk).'),
  addPhotos: method(
    z.object({ id: AlbumIdSchema, paths: PathsSchema }),
    z.object({ added: z.number().int(), album: AlbumSummarySchema }),
    'Adds library photos to an album; returns how many were new to it.',
  ),
  removePhotos: method(z.object({ id: AlbumIdSchema, paths: PathsSchema }), z.object({ album: AlbumSummarySchema }), 'Takes photos out of an album (never off the disk).'),
  photos: method(
    z.object({ id: AlbumIdSchema }),
    z.object({ album: AlbumSummarySchema, photos: z.array(PhotoSchema) }),
    "An album's photos, newest first; a live album runs its saved search now.",
  ),
  setFavourite: method(
    z.object({ paths: PathsSchema, favourite: z.boolean() }),
    z.object({ favourites: z.array(z.string()) }),
    'Marks photos as favourites (or not); returns the content hashes of all favourites.',
  ),
  favourites: method(
    z.object({}),
    z.object({ favourites: z.array(z.string()), photos: z.array(PhotoSchema) }),
    'The favourite photos, newest first, and their content hashes.',
  ),
  exportCopies: method(
    z.object({ paths: PathsSchema, folder: z.string().trim().min(1).max(4096) }),
    z.object({ folder: z.string(), copied: z.array(z.object({ from: z.string(), to: z.string() })) }),
    'Copies library photos into a folder (created if missing); a name already there gets " (2)", never overwritten.',
  ),
};
