/**
 * The telemetry preload. Start every service with
 *   node --import ./dist/libs/observability/src/telemetry/register.js dist/apps/<name>/src/main.js
 * It registers the ESM loader hook (Nest 12 and the ESM build need it, so
 * instrumentations see modules that `import` loads) and then starts the SDK,
 * before the app's first import. OTEL_SDK_DISABLED=true skips both.
 */
import { register as registerAsyncHook } from 'node:module';
import { HOOKED_MODULES, isTelemetryDisabled } from './env.js';

async function preload(): Promise<void> {
  if (isTelemetryDisabled()) return;
  try {
    const sync = await import('import-in-the-middle/register-hooks.mjs');
    if (sync.supportsSyncHooks()) sync.register({ include: HOOKED_MODULES });
    else registerAsyncHook('import-in-the-middle/hook.mjs', import.meta.url, { data: { include: HOOKED_MODULES } });
    const { startTelemetry } = await import('./sdk.js');
    const { serviceVersion } = await import('./service-version.js');
    startTelemetry({ serviceVersion: serviceVersion() });
  } catch (error) {
    process.stderr.write(
      `[telemetry] preload failed, running without telemetry: ${(error as Error)?.message ?? error}\n`,
    );
  }
}

await preload();
