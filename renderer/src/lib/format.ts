// Display formatting shared by components: dates, durations, sizes, folder names.
import type { RootInfo } from '$common/api/photobind.contract.ts';
export { formatBytes } from '$common/format-bytes.ts';

export function formatDate(iso: string | null): string {
  if (!iso) return 'Unknown date';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: iso.length > 10 ? '2-digit' : undefined, minute: iso.length > 10 ? '2-digit' : undefined });
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  if (seconds < 1) return 'less than a second left';
  if (seconds < 60) return `about ${Math.ceil(seconds)} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min left`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** A folder's name as the sidebar and chips show it: relative to its library folder. */
export function folderLabel(folder: string, roots: readonly RootInfo[]): string {
  const root = roots.find((r) => folder === r.path || folder.startsWith(r.path + '/') || folder.startsWith(r.path + '\\'));
  if (!root) return folder;
  const rootName = root.isDemo ? 'Demo album' : root.name;
  return folder === root.path ? rootName : `${rootName}${folder.slice(root.path.length)}`;
}

/** "May 2024" for a timeline month header ('YYYY-MM'). */
export function formatMonth(month: string): string {
  const date = new Date(`${month}-01T00:00:00`);
  return Number.isNaN(date.getTime()) ? month : date.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
}

/** "Fri, 3 May" for a timeline day header ('YYYY-MM-DD'); the year too when it is not this year. */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return day;
  const year = date.getFullYear() === new Date().getFullYear() ? undefined : 'numeric';
  return date.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year });
}
