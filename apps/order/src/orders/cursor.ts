import { BadRequestException } from '@nestjs/common';

export interface Cursor {
  createdAt: Date;
  id: string;
}

/** Keyset pagination over (created_at DESC, id DESC); the cursor is opaque to clients. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(String(createdAt));
    if (typeof id !== 'string' || typeof createdAt !== 'string' || Number.isNaN(date.getTime())) throw new Error();
    return { createdAt: date, id };
  } catch {
    throw new BadRequestException({ message: 'cursor is not a valid page cursor', field: 'cursor' });
  }
}
