// Maps what the core throws onto the API's typed errors {code, message, retryable}.
import { ApiError } from '../../../common/api/api-error.ts';
import { AskError } from '../ask/ask.service.ts';
import { CaptionError } from '../captions/caption.service.ts';
import { PeopleError } from '../faces/people.service.ts';
import { FolderError } from '../library/library.service.ts';
import { ModelProcessCrashedError, ModelRequestError } from '../model-process/model-process.client.ts';
import { ModelUnavailableError } from '../models/model-locator.service.ts';
import { SearchError } from '../search/search.service.ts';

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof SearchError) return new ApiError('invalid-query', error.message);
  if (error instanceof AskError) return new ApiError(error.code === 'not-in-library' ? 'not-found' : 'invalid-query', error.message);
  if (error instanceof CaptionError) return new ApiError(error.code === 'not-in-library' ? 'not-found' : 'invalid-input', error.message);
  if (error instanceof PeopleError) return new ApiError(/^There is no /.test(error.message) ? 'not-found' : 'invalid-input', error.message);
  if (error instanceof ModelUnavailableError) return new ApiError('model-unavailable', error.message);
  if (error instanceof FolderError) return new ApiError('bad-folder', error.message);
  if (error instanceof ModelRequestError && (error.code === 'no-model' || error.code === 'no-search-model')) return new ApiError('model-unavailable', error.message);
  if (error instanceof ModelProcessCrashedError) return new ApiError('internal', `${error.message} It was restarted; try again.`, true);
  if (error instanceof Error && error.name === 'AbortError') return new ApiError('cancelled', 'The operation was cancelled.');
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError('internal', message || 'Something went wrong in the Photobind core.');
}
