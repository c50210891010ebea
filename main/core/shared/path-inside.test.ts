// Tests the one "is this path inside that folder" answer: prefixes that are not parents, dot-dot names, itself.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, isSameOrInside, shownPath } from './path-inside.ts';

describe('isInside', () => {
  it('is true at any depth below the folder, and false for the folder itself', () => {
    expect(isInside('/photos/2020/a.jpg', '/photos')).toBe(true);
    expect(isInside('/photos/a.jpg', '/photos/')).toBe(true);
    expect(isInside('/photos', '/photos')).toBe(false);
  });
  it('is false for a sibling that only shares a prefix, and for paths above', () => {
    expect(isInside('/photos-old/a.jpg', '/photos')).toBe(false);
    expect(isInside('/photos/IMG_10.jpg', '/photos/IMG_1.jpg')).toBe(false);
    expect(isInside('/', '/photos')).toBe(false);
    expect(isInside('/photos/../etc/passwd', '/photos')).toBe(false);
  });
  it('is true for a name that starts with two dots inside the folder', () => {
    expect(isInside('/photos/..hidden.jpg', '/photos')).toBe(true);
  });
  it('isSameOrInside includes the folder itself', () => {
    expect(isSameOrInside('/photos', '/photos/')).toBe(true);
    expect(isSameOrInside('/photos/a', '/photos')).toBe(true);
    expect(isSameOrInside('/photosx', '/photos')).toBe(false);
  });
  it('shownPath is relative inside the working folder, absolute outside it', () => {
    expect(shownPath('/home/me/pics/a.jpg', '/home/me')).toBe(path.join('pics', 'a.jpg'));
    expect(shownPath('/srv/a.jpg', '/home/me')).toBe('/srv/a.jpg');
  });
});
