// Place names of GPS positions (offline reverse geocoding, see [Note: offline places]) and the Places view's data.
import { z } from 'zod';

/** The nearest town or city to a position, its country, and how far the position is from its centre. */
export const PlaceNameSchema = z.object({ city: z.string(), country: z.string(), countryCode: z.string(), km: z.number() });
export type PlaceName = z.infer<typeof PlaceNameSchema>;

export const AreaSchema = z.object({ minLat: z.number(), maxLat: z.number(), minLon: z.number(), maxLon: z.number() });
export type Area = z.infer<typeof AreaSchema>;

/** The photos of the library at one place: where they are (mean position), their box, how many, and the place's name. */
export const PlacePointSchema = z.object({
  lat: z.number(),
  lon: z.number(),
  area: AreaSchema,
  count: z.number().int(),
  place: PlaceNameSchema.nullable(),
  /** A photo of this place, for a thumbnail. */
  coverHash: z.string(),
});
export type PlacePoint = z.infer<typeof PlacePointSchema>;
