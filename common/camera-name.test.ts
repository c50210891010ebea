// cameraName: the maker once, whatever the EXIF Make and Model hold.
import { describe, expect, it } from 'vitest';
import { cameraName } from './camera-name.ts';

describe('cameraName', () => {
  it('drops the maker when the model already names it', () => {
    expect(cameraName('Canon', 'Canon EOS R6')).toBe('Canon EOS R6');
    expect(cameraName('NIKON CORPORATION', 'NIKON D750')).toBe('NIKON D750');
    expect(cameraName('samsung', 'SAMSUNG SM-G991B')).toBe('SAMSUNG SM-G991B');
  });

  it('joins them when the model does not name the maker, and copes with either missing', () => {
    expect(cameraName('Apple', 'iPhone 13 Pro')).toBe('Apple iPhone 13 Pro');
    expect(cameraName('FUJIFILM', 'X-T4')).toBe('FUJIFILM X-T4');
    expect(cameraName(null, 'X100V')).toBe('X100V');
    expect(cameraName(' Sony ', null)).toBe('Sony');
    expect(cameraName(null, null)).toBeNull();
    expect(cameraName('', '  ')).toBeNull();
  });
});
