import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../src/db/pagination.js';
import { decodePaginationCursor } from '../src/metadata/run-node-view.js';

describe('the cursor codec both APIs share', () => {
  it('gives back the parts it encoded, as an opaque URL-safe string', () => {
    for (const parts of [
      [1],
      [42, 'analytics'],
      ['row_count', null, 'model.shop.orders'],
      ['node', 7],
    ]) {
      const cursor = encodeCursor(parts);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor)).toEqual(parts);
    }
  });

  it('decodes anything it did not make as undefined', () => {
    for (const cursor of [
      '',
      'not a cursor',
      Buffer.from('{"id":1}').toString('base64url'),
      Buffer.from('7').toString('base64url'),
    ]) {
      expect(decodeCursor(cursor), cursor).toBeUndefined();
    }
  });

  it("reads a job-level paginationCursor only when it is one of that list's", () => {
    expect(decodePaginationCursor(encodeCursor(['node', 12]))).toBe(12);
    // An admin list's cursor, a sorted applied list's cursor, and out-of-range ids are refused.
    for (const foreign of [
      encodeCursor([12]),
      encodeCursor(['unique_id', null, 'model.a']),
      encodeCursor(['node', 0]),
      encodeCursor(['node', 1.5]),
    ]) {
      expect(decodePaginationCursor(foreign), foreign).toBeUndefined();
    }
  });
});
