// The ONE contract between the Photobind UI and its core: every method (zod input and output) and every event.
// Transports (MessagePort in Electron, WebSocket in web mode, in-process in tests) carry it unchanged;
// handlers live in main/core/api/, state classes in renderer/src/lib/state/.
import { z } from 'zod';
import { PhotoSchema } from '../photo.types.ts';
import { defineContract, type ApiClient, type ApiHandlers } from './contract-kit.ts';
import { AlbumSummarySchema, albumsMethods } from './contract/albums.contract.ts';
import { AskTokenSchema, chatMethods } from './contract/chat.contract.ts';
import { IndexJobStateSchema, indexingMethods } from './contract/indexing.contract.ts';
import { LibraryOverviewSchema, libraryMethods } from './contract/library.contract.ts';
import { ModelDownloadStateSchema, modelsMethods } from './contract/models.contract.ts';
import { peopleMethods } from './contract/people.contract.ts';
import { photosMethods } from './contract/photos.contract.ts';
import { placesMethods } from './contract/places.contract.ts';
import { searchMethods } from './contract/search.contract.ts';
import { videoMethods } from './contract/video.contract.ts';
import { ModelSwitchStateSchema, SettingsInfoSchema, settingsMethods } from './contract/settings.contract.ts';

export const photobindApi = defineContract({
  methods: {
    library: libraryMethods,
    photos: photosMethods,
    search: searchMethods,
    indexing: indexingMethods,
    chat: chatMethods,
    settings: settingsMethods,
    albums: albumsMethods,
    models: modelsMethods,
    people: peopleMethods,
    places: placesMethods,
    video: videoMethods,
  },
  events: {
    /** An index job moved on (throttled to a few per second while indexing). */
    onDidIndexProgress: IndexJobStateSchema,
    /** Photos were added or removed, a folder was added, removed, went offline or came back. */
    onDidChangeLibrary: LibraryOverviewSchema,
    onDidChangeSettings: SettingsInfoSchema,
    /** A search-model switch moved on (throttled to about one per second), finished or failed. */
    onDidModelSwitchProgress: ModelSwitchStateSchema,
    /** A photo's caption changed (written by the model, or by a person). */
    onDidChangePhoto: z.object({ photo: PhotoSchema }),
    /** An album was created, renamed, deleted or its photos changed. */
    onDidChangeAlbums: z.object({ albums: z.array(AlbumSummarySchema) }),
    /** A model download moved on (throttled to a few per second), finished, paused or failed. */
    onDidModelDownloadProgress: ModelDownloadStateSchema,
    /** A piece of a streamed answer, sent only to the caller that asked. */
    onAskToken: AskTokenSchema,
  },
});

export type PhotobindApi = typeof photobindApi;
export type PhotobindClient = ApiClient<PhotobindApi>;
export type PhotobindHandlers = ApiHandlers<PhotobindApi>;

export type { ApiErrorCode, ApiErrorData } from './api-error.ts';
export { ApiError } from './api-error.ts';
export type { AlbumSummary } from './contract/albums.contract.ts';
export type { ChatMessage } from './contract/chat.contract.ts';
export type { IndexJob, IndexJobState, IndexSummaryInfo } from './contract/indexing.contract.ts';
export type { LibraryFacets, LibraryOverview, RootInfo, StageCounts } from './contract/library.contract.ts';
export type { ModelDownloadState, ModelInfo } from './contract/models.contract.ts';
export type { Person, PhotoFace } from './contract/people.contract.ts';
export type { SearchQueryFilters } from './contract/search.contract.ts';
export type { ModelSwitchState, SettingsInfo } from './contract/settings.contract.ts';
