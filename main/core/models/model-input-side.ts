// The image side a model's processor works at (preprocessor_config.json), so photos are decoded once to that size.
import fs from 'node:fs/promises';
import path from 'node:path';

/** The larger of the resize's shortest edge and the centre crop; 224 (CLIP's) when the config says nothing. */
export async function modelInputSide(folder: string): Promise<number> {
  try {
    const config = JSON.parse(await fs.readFile(path.join(folder, 'preprocessor_config.json'), 'utf8')) as {
      size?: { shortest_edge?: number; height?: number; width?: number } | number;
      crop_size?: { height?: number; width?: number } | number;
    };
    const size = typeof config.size === 'number' ? config.size : (config.size?.shortest_edge ?? Math.max(config.size?.height ?? 0, config.size?.width ?? 0));
    const crop = typeof config.crop_size === 'number' ? config.crop_size : Math.max(config.crop_size?.height ?? 0, config.crop_size?.width ?? 0);
    return Math.max(size || 0, crop || 0) || 224;
  } catch {
    return 224;
  }
}
