// Zipkin for CI and for `npm run screenshot:zipkin`: the release compose runs as an image
// (ZIPKIN_IMAGE in .env, the one place its version is written), as the jar Maven Central
// publishes for it (io.zipkin:zipkin-server:<version>:exec), fetched once into ~/.m2.
//
//   node scripts/ci/zipkin.mjs      fetch the jar when absent, print its path
//
// zipkinCommand() starts it the way docker-compose.zipkin.yml does (its JAVA_OPTS and
// storage settings), on a loopback port of the caller's choosing. Needs Java 17+ and mvn.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const OVERLAY = join(ROOT, 'docker-compose.zipkin.yml');

/** The Zipkin release of ZIPKIN_IMAGE in .env (`openzipkin/zipkin:3.5.1` → `3.5.1`). */
export function zipkinVersion(dotenv = readFileSync(join(ROOT, '.env'), 'utf8')) {
  const image = /^ZIPKIN_IMAGE=(.+)$/m.exec(dotenv)?.[1]?.trim();
  const version = image && /^openzipkin\/zipkin:(\d+\.\d+\.\d+)$/.exec(image)?.[1];
  if (!version) throw new Error(`.env: ZIPKIN_IMAGE=${image ?? '(missing)'} is not openzipkin/zipkin:<x.y.z>`);
  return version;
}

/** Where Maven keeps the exec jar of that release (MAVEN_REPO_LOCAL overrides ~/.m2/repository). */
export function zipkinJar(version = zipkinVersion()) {
  const repo = process.env.MAVEN_REPO_LOCAL ?? join(homedir(), '.m2/repository');
  return join(repo, 'io/zipkin/zipkin-server', version, `zipkin-server-${version}-exec.jar`);
}

/** The jar's path, fetched through Maven (about 130 MB, once per machine) when absent. */
export function ensureZipkin() {
  const version = zipkinVersion();
  const jar = zipkinJar(version);
  if (existsSync(jar)) return jar;
  process.stderr.write(`[zipkin] fetching io.zipkin:zipkin-server:${version}:jar:exec through Maven\n`);
  const args = ['-q', 'dependency:get', `-Dartifact=io.zipkin:zipkin-server:${version}:jar:exec`, '-Dtransitive=false'];
  if (process.env.MAVEN_REPO_LOCAL) args.push(`-Dmaven.repo.local=${process.env.MAVEN_REPO_LOCAL}`);
  execFileSync('mvn', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(jar)) throw new Error(`mvn dependency:get succeeded but ${jar} is missing`);
  return jar;
}

/** The zipkin service's environment in the overlay (STORAGE_TYPE, MEM_MAX_SPANS, JAVA_OPTS). */
export function overlayEnvironment() {
  const overlay = parse(readFileSync(OVERLAY, 'utf8'), { merge: true });
  const env = overlay?.services?.zipkin?.environment;
  if (!env) throw new Error(`${OVERLAY} has no zipkin service environment`);
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

/**
 * `java …` that runs Zipkin as the overlay configures it, listening on 127.0.0.1:port only
 * (Armeria's port list replaced whole: QUERY_PORT alone would bind every interface).
 */
export function zipkinCommand(port, jar = ensureZipkin()) {
  const { JAVA_OPTS = '', ...env } = overlayEnvironment();
  return {
    command: 'java',
    args: [
      ...JAVA_OPTS.split(/\s+/).filter(Boolean),
      '-jar',
      jar,
      `--armeria.ports[0].port=${port}`,
      '--armeria.ports[0].ip=127.0.0.1',
      '--armeria.ports[0].protocols[0]=http',
    ],
    env,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureZipkin());
  } catch (error) {
    console.error(`[zipkin] ${error.message}`);
    process.exit(1);
  }
}
