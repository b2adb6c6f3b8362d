/**
 * Writes a generated block into docs/benchmarks.md between
 * `<!-- bench:overhead:<section>:start -->` and `…:end -->`, leaving the
 * hand-written text around it alone; a missing block is appended.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './services.mjs';

export const DOC = join(ROOT, 'docs/benchmarks.md');

export function writeSection(section, text) {
  const start = `<!-- bench:overhead:${section}:start -->`;
  const end = `<!-- bench:overhead:${section}:end -->`;
  const block = `${start}\n${text.trim()}\n${end}`;
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  const next =
    from >= 0 && to > from ? doc.slice(0, from) + block + doc.slice(to + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, next);
  return DOC;
}
