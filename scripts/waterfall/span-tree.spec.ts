import { describe, expect, it } from 'vitest';
import { orderSpanTree } from './span-tree.js';
import { span } from './span.fixture.js';

const shape = (rows: ReturnType<typeof orderSpanTree>) =>
  rows.map((row) => `${row.depth}:${row.span.spanId}${row.orphan ? '?' : ''}`);

describe('orderSpanTree()', () => {
  it('puts an enclosing span before a child that starts at the same time', () => {
    const rows = orderSpanTree([
      span('inner', 0, 5, { parentSpanId: 'outer' }),
      span('outer', 0, 10, { parentSpanId: 'root' }),
      span('root', 0, 10),
    ]);
    expect(shape(rows)).toEqual(['0:root', '1:outer', '2:inner']);
  });

  it('draws each span once when parent ids form a cycle or repeat', () => {
    const rows = orderSpanTree([
      span('a', 0, 10, { parentSpanId: 'b' }),
      span('b', 1, 9, { parentSpanId: 'a' }),
      span('root', 5, 6),
      span('root', 5, 6),
    ]);
    expect(shape(rows)).toEqual(['0:root', '0:a?', '1:b']);
  });

  it('links each row to its parent span', () => {
    const rows = orderSpanTree([span('root', 0, 10), span('child', 1, 2, { parentSpanId: 'root' })]);
    expect(rows[1].parent?.spanId).toBe('root');
    expect(rows[0].parent).toBeUndefined();
  });
});
