import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The kit's version (root package.json): the resource's default service.version (OTEL_RESOURCE_ATTRIBUTES wins). */
export function serviceVersion(): string {
  let dir = dirname(new URL(import.meta.url).pathname);
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.version && pkg.name === 'nestjs-observability-workshop') return pkg.version;
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}
