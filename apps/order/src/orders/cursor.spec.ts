import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('page cursors', () => {
  it('round-trip the position they encode', () => {
    const cursor = { createdAt: new Date('2026-11-25T10:00:00.123Z'), id: '6f1c4e0e-6a43-4a8e-9a0e-9f1c2b3d4e5f' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('reject garbage with a 400 naming the cursor', () => {
    for (const bad of [
      'nope',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('["x","y"]').toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(BadRequestException);
    }
  });
});
