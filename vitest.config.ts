import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles the tests and sources so Nest's decorator metadata exists (esbuild emits none).
const alias = {
  '@app/contracts': fileURLToPath(new URL('./libs/contracts/src/index.ts', import.meta.url)),
  '@app/common': fileURLToPath(new URL('./libs/common/src/index.ts', import.meta.url)),
  '@app/observability': fileURLToPath(new URL('./libs/observability/src/index.ts', import.meta.url)),
  '@app/faults': fileURLToPath(new URL('./libs/faults/src/index.ts', import.meta.url)),
};

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias },
  test: {
    globals: false,
    environment: 'node',
    setupFiles: ['reflect-metadata'],
    // One real PostgreSQL 18 for every suite that needs a database (test/support/postgres.global-setup.ts).
    globalSetup: ['test/support/postgres.global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'apps/**/src/**/*.spec.ts',
            'libs/**/src/**/*.spec.ts',
            'scripts/**/*.spec.ts',
            'test/unit/**/*.spec.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['apps/**/test/**/*.e2e-spec.ts', 'test/cli/**/*.e2e-spec.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'config',
          include: ['test/config/**/*.config-spec.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'telemetry',
          include: ['test/telemetry/**/*.tel-spec.ts'],
          setupFiles: ['reflect-metadata', 'test/telemetry/setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.int-spec.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
