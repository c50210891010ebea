// The people domain of the API contract: faces grouped into people (opt-in), naming, merging, the faces of a photo.
import { z } from 'zod';
import { method } from '../contract-kit.ts';

const PersonIdSchema = z.string().min(1).max(64);

/** A face box as fractions (0–1) of the displayed photo, top-left origin. */
export const FaceBoxSchema = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });

export const PersonSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  faces: z.number().int().nonnegative(),
  /** Paths of the photos the person is in. */
  photos: z.array(z.string()),
  hidden: z.boolean(),
  /** A face to show for the person: a photo (by content hash, for the thumbnail URL) and the face's box in it. */
  cover: z.object({ contentHash: z.string(), box: FaceBoxSchema }).nullable(),
});
export type Person = z.infer<typeof PersonSchema>;

export const PhotoFaceSchema = z.object({
  id: z.string(),
  box: FaceBoxSchema,
  person: z.string().nullable(),
  name: z.string().nullable(),
});
export type PhotoFace = z.infer<typeof PhotoFaceSchema>;

export const peopleMethods = {
  list: method(
    z.object({ all: z.boolean().default(false) }),
    z.object({ enabled: z.boolean(), people: z.array(PersonSchema) }),
    'People found in the library (named ones, and groups with at least two faces; `all` adds the rest and hidden people). Photos indexed since the last scan are scanned first.',
  ),
  rename: method(z.object({ id: PersonIdSchema, name: z.string().trim().min(1).max(200) }), z.object({ person: PersonSchema }), 'Names a person.'),
  merge: method(z.object({ id: PersonIdSchema, other: PersonIdSchema }), z.object({ person: PersonSchema }), 'Merges the other person into this one (remembered by later re-grouping).'),
  setHidden: method(z.object({ id: PersonIdSchema, hidden: z.boolean() }), z.object({ person: PersonSchema }), 'Hides a person from the list, or shows them again.'),
  facesOf: method(z.object({ path: z.string().min(1).max(4096) }), z.object({ faces: z.array(PhotoFaceSchema) }), 'The faces of one photo with their people (none while face grouping is off).'),
  setEnabled: method(z.object({ enabled: z.boolean() }), z.object({ enabled: z.boolean() }), 'Turns face grouping on (faces are found on this computer) or off (every face, person and name is deleted).'),
};
