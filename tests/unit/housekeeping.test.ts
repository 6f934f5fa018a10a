import { describe, expect, it } from 'vitest';
import { isHousekeeping, isHousekeepingEntry } from '../../src/shared/housekeeping.ts';

describe('folder housekeeping', () => {
  it('skips OS metadata, AppleDouble files and anything in hidden folders found inside a folder', () => {
    for (const p of [
      'DCIM/.DS_Store', 'DCIM/100CANON/Thumbs.db', 'Job/desktop.ini', 'Job/THUMBS.DB', 'DCIM/._IMG_0001.JPG',
      'CARD/.Trashes/501/IMG_0001.JPG', 'CARD/.Spotlight-V100/Store-V2/x.jpg', 'DCIM/100/.thumbnails/IMG_1.jpg',
      'CARD/DCIM/._100CANON/IMG_1.jpg',
    ]) expect(isHousekeeping(p), p).toBe(true);
  });

  it('keeps inspection files, and any file or folder the user chose by itself', () => {
    for (const p of [
      'DCIM/IMG_0001.JPG', 'Job/report.pdf', 'Job/sub/weld 3.tif', 'Job/.hidden-file.jpg', 'Job/x.DS_Store.jpg',
      // chosen by itself (no folder part): the import reports it rather than skipping it
      '.DS_Store', 'Thumbs.db', '._IMG_0001.JPG', '',
      // the folder the user chose is kept whatever its name, as a folder given to `chitti import`
      '.thumbnails/IMG_1.jpg', '/Job/IMG_1.jpg',
    ]) expect(isHousekeeping(p), p).toBe(false);
  });

  it('judges one folder entry as chitti import does: hidden folders, but not hidden files', () => {
    expect(isHousekeepingEntry('.Trashes', true)).toBe(true);
    expect(isHousekeepingEntry('.hidden.jpg', false)).toBe(false);
    expect(isHousekeepingEntry('._IMG_1.jpg', false)).toBe(true);
    expect(isHousekeepingEntry('.DS_Store', false)).toBe(true);
    expect(isHousekeepingEntry('photos', true)).toBe(false);
  });
});
