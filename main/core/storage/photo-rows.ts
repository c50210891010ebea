// How a photo is laid out as a LanceDB row: the photos table's schema and the row <-> Photo conversions.
import { Bool, Field, FixedSizeList, Float32, Float64, Int32, Schema, Utf8 } from './arrow-runtime.ts';
import type { Photo } from '../../../common/photo.types.ts';
import type { StoredPhoto } from './photo-store.repository.ts';

export function stagingSchema(dimension: number): Schema {
  return new Schema([
    new Field('contentHash', new Utf8()),
    new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true))),
  ]);
}

export function photosSchema(dimension: number): Schema {
  const text = (name: string, nullable = false) => new Field(name, new Utf8(), nullable);
  return new Schema([
    text('path'),
    text('root'),
    text('folder'),
    text('fileName'),
    text('contentHash'),
    new Field('size', new Float64()),
    new Field('mtimeMs', new Float64()),
    text('format'),
    new Field('width', new Int32()),
    new Field('height', new Int32()),
    text('takenAt', true),
    new Field('lat', new Float64(), true),
    new Field('lon', new Float64(), true),
    text('cameraMake', true),
    text('cameraModel', true),
    text('description', true),
    text('keywords'),
    text('caption', true),
    text('captionModel', true),
    text('captionAt', true),
    new Field('captionEdited', new Bool()),
    text('modelId'),
    text('indexedAt'),
    // Lower-cased camera make + model, so `--camera` can match either without SQL functions.
    text('cameraSearch'),
    // Caption, description, keywords and file-name words: the full-text-indexed column of hybrid search.
    text('searchText'),
    new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true))),
  ]);
}

export function toRow(photo: StoredPhoto): Record<string, unknown> {
  return {
    path: photo.path,
    root: photo.root,
    folder: photo.folder,
    fileName: photo.fileName,
    contentHash: photo.contentHash,
    size: photo.size,
    mtimeMs: photo.mtimeMs,
    format: photo.format,
    width: photo.width,
    height: photo.height,
    takenAt: photo.takenAt,
    lat: photo.gps?.lat ?? null,
    lon: photo.gps?.lon ?? null,
    cameraMake: photo.cameraMake,
    cameraModel: photo.cameraModel,
    description: photo.description,
    keywords: JSON.stringify(photo.keywords),
    caption: photo.caption,
    captionModel: photo.captionModel,
    captionAt: photo.captionAt,
    captionEdited: photo.captionEdited,
    modelId: photo.modelId,
    indexedAt: photo.indexedAt,
    cameraSearch: `${photo.cameraMake ?? ''} ${photo.cameraModel ?? ''}`.trim().toLowerCase(),
    searchText: searchTextOf(photo),
    vector: Array.from(photo.vector ?? []),
  };
}

/** The words a photo can be found by literally: caption, description, keywords, file name. */
export function searchTextOf(photo: Photo): string {
  const nameWords = photo.fileName.replace(/\.[^.]+$/, '').replace(/[_\-.]+/g, ' ');
  return [photo.caption, photo.description, photo.keywords.join(' '), nameWords].filter(Boolean).join(' \n ');
}

export type Row = Record<string, unknown>;
export const str = (row: Row, key: string): string => (row[key] == null ? '' : String(row[key] as string));
export const strOrNull = (row: Row, key: string): string | null => (row[key] == null ? null : String(row[key] as string));
export const num = (row: Row, key: string): number => Number(row[key] ?? 0);

export function fromRow(row: Row): Photo {
  const lat = row.lat as number | null;
  const lon = row.lon as number | null;
  return {
    path: str(row, 'path'),
    root: str(row, 'root'),
    folder: str(row, 'folder'),
    fileName: str(row, 'fileName'),
    contentHash: str(row, 'contentHash'),
    size: num(row, 'size'),
    mtimeMs: num(row, 'mtimeMs'),
    format: str(row, 'format'),
    width: num(row, 'width'),
    height: num(row, 'height'),
    takenAt: strOrNull(row, 'takenAt'),
    gps: lat == null || lon == null ? null : { lat, lon },
    cameraMake: strOrNull(row, 'cameraMake'),
    cameraModel: strOrNull(row, 'cameraModel'),
    description: strOrNull(row, 'description'),
    keywords: JSON.parse(str(row, 'keywords') || '[]') as string[],
    caption: strOrNull(row, 'caption'),
    captionModel: strOrNull(row, 'captionModel'),
    captionAt: strOrNull(row, 'captionAt'),
    captionEdited: Boolean(row.captionEdited),
    modelId: str(row, 'modelId'),
    indexedAt: str(row, 'indexedAt'),
  };
}

export const PHOTO_COLUMNS = [
  'path', 'root', 'folder', 'fileName', 'contentHash', 'size', 'mtimeMs', 'format', 'width', 'height', 'takenAt',
  'lat', 'lon', 'cameraMake', 'cameraModel', 'description', 'keywords', 'caption', 'captionModel', 'captionAt', 'captionEdited',
  'modelId', 'indexedAt',
];
