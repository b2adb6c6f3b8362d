import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './boot.js';
import { Server } from './server.js';
import { toolBinary } from './tools.js';

interface Node {
  type?: string;
  name?: string;
  matchers?: { name: string; type: string; value: string }[];
  [key: string]: unknown;
}

/** The metric names a parsed query selects: every vector and matrix selector of the tree Prometheus returns. */
function selected(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((child) => selected(child, into));
  else if (node && typeof node === 'object') {
    const n = node as Node;
    if (n.type === 'vectorSelector' || n.type === 'matrixSelector') {
      const name = n.name || n.matchers?.find((m) => m.name === '__name__' && m.type === '=')?.value;
      if (name) into.add(name);
    }
    Object.values(n).forEach((child) => selected(child, into));
  }
  return into;
}

/**
 * PromQL read by Prometheus itself, never by a hand-written parser: each expression goes to the
 * `/api/v1/parse_query` endpoint of the Prometheus release compose runs (tools/go.mod), and the
 * metric names are those of the selectors in the tree it returns. A query it cannot parse throws.
 */
export class MetricNames {
  private constructor(private readonly names: Map<string, string[]>) {}

  /** Parses `exprs` on the Prometheus at `url`, or on one started (and stopped) for the purpose. */
  static async of(exprs: Iterable<string>, url?: string): Promise<MetricNames> {
    if (url) return new MetricNames(await parseAll(url, exprs));
    const dir = mkdtempSync(join(tmpdir(), 'promql-'));
    writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
    const port = await freePort();
    const args = [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ];
    const server = await Server.start('prometheus-parser', toolBinary('prometheus'), args, port, { logDir: dir });
    try {
      return new MetricNames(await parseAll(server.url, exprs));
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The metric names `expr` selects, sorted; `expr` must be one of those parsed. */
  of(expr: string): string[] {
    const names = this.names.get(expr);
    if (!names) throw new Error(`not parsed: ${expr}`);
    return names;
  }
}

async function parseAll(url: string, exprs: Iterable<string>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const expr of new Set(exprs)) {
    const res = await fetch(`${url}/api/v1/parse_query`, {
      method: 'POST',
      body: new URLSearchParams({ query: expr }),
    });
    const body = (await res.json()) as { status: string; data?: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus cannot parse ${expr}: ${body.error}`);
    out.set(expr, [...selected(body.data, new Set())].sort());
  }
  return out;
}
