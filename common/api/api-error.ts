// Errors that cross the API boundary: a typed {code, message, retryable} instead of whatever was thrown.
import { z } from 'zod';

export const ApiErrorCodeSchema = z.enum([
  /** The input did not match the method's schema. */
  'invalid-input',
  /** The method or photo (or folder) asked for does not exist. */
  'not-found',
  /** A folder path that is missing, not a folder or unreadable. */
  'bad-folder',
  /** The model a task needs is not installed (e.g. the captioner is still being trained). */
  'model-unavailable',
  /** The query could not be understood (empty, or a path that is not in the library). */
  'invalid-query',
  /** Declared in the contract but not built yet. */
  'not-implemented',
  /** Another operation of the same kind is running. */
  'busy',
  /** The call would do something the user should agree to first (e.g. toy models on their own photos); retry with the flag the message names. */
  'needs-confirmation',
  /** The caller cancelled the call. */
  'cancelled',
  /** The connection to the core closed. */
  'disconnected',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

export const ApiErrorSchema = z.object({
  code: ApiErrorCodeSchema,
  message: z.string(),
  retryable: z.boolean(),
});
export type ApiErrorData = z.infer<typeof ApiErrorSchema>;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toData(): ApiErrorData {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }

  static fromData(data: ApiErrorData): ApiError {
    return new ApiError(data.code, data.message, data.retryable);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
