// The places domain of the API contract: place names of GPS positions and the library's photos by place (the Places view).
import { z } from 'zod';
import { PlaceNameSchema, PlacePointSchema } from '../../place.types.ts';
import { method } from '../contract-kit.ts';
import { SearchQueryFiltersSchema } from './search.contract.ts';

const PositionSchema = z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-540).max(540) });

export const placesMethods = {
  overview: method(
    z.object({ filters: SearchQueryFiltersSchema.default({}) }),
    z.object({ total: z.number().int(), points: z.array(PlacePointSchema) }),
    "The library's photos that have a GPS position, grouped by town or city (named offline): position, box, count, a cover photo.",
  ),
  names: method(
    z.object({ positions: z.array(PositionSchema).max(500) }),
    z.object({ places: z.array(PlaceNameSchema.nullable()) }),
    'The nearest town or city and country of each position (null far from any town, e.g. at sea), named offline.',
  ),
};
