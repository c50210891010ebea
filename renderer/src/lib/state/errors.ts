// Turns a failed call into the sentence the UI shows (ApiErrors already carry one).
import { ApiError } from '$common/api/api-error.ts';

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isCancelled(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'cancelled';
}
