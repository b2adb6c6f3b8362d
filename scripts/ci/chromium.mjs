// Debian's Chromium for the browser tests (test/integration/swagger-ui.int-spec.ts) and the screenshot scripts,
// installed with apt-get once per machine when it is missing. `node scripts/ci/chromium.mjs` prints its version.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { aptInstall } from '../lib/apt.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless flags for this kind of machine: as root Chromium refuses to start sandboxed; /dev/shm may be small in
 * containers; and with no internet its background fetches (updates, sync, Google lookups) only fail and slow it.
 */
export function chromiumArgs() {
  return [
    '--no-sandbox',
    '--disable-dev-shm-usage',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
}

export function ensureChromium(log = (line) => process.stderr.write(`[chromium] ${line}\n`)) {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.env.CHROMIUM) throw new Error(`CHROMIUM=${CHROMIUM} does not exist`);
  aptInstall(['chromium'], log);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is missing`);
  return CHROMIUM;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const binary = ensureChromium();
    process.stdout.write(`${execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()}\n`);
  } catch (error) {
    process.stderr.write(`chromium: ${error.message}\n`);
    process.exit(1);
  }
}
