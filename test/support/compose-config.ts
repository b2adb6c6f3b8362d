import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findTool } from '../../scripts/ci/tools.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

/** A service as `docker compose config --format json` prints it (the fields the tests read). */
export interface ConfiguredService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  entrypoint?: string[] | null;
  command?: string[] | null;
  working_dir?: string;
  user?: string;
  environment?: Record<string, string | null>;
  profiles?: string[];
  restart?: string;
  init?: boolean;
  container_name?: string;
  hostname?: string;
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  secrets?: { source: string; target?: string }[];
  ports?: { target: number; published?: string; host_ip?: string }[];
  expose?: string[];
  healthcheck?: { test?: string[]; disable?: boolean; start_period?: string };
  depends_on?: Record<string, { condition: string }>;
  /** Memory in bytes, as a string: compose-go normalises `256M` to `"268435456"`. */
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
  logging?: { driver?: string; options?: Record<string, string> };
}

export interface ConfiguredProject {
  name: string;
  services: Record<string, ConfiguredService>;
  secrets?: Record<string, { environment?: string; file?: string }>;
  volumes?: Record<string, unknown>;
  [extension: `x-${string}`]: unknown;
}

/** One run of compose-config: the project it printed (exit 0), or its exit code; its warnings and errors. */
export interface ComposeRun {
  code: number;
  project?: ConfiguredProject;
  /** compose-go's warnings (e.g. `The "X" variable is not set`) and, on failure, its error. */
  stderr: string;
}

const loaded = new Map<string, ComposeRun>();

function run(files: string[], env: Record<string, string>): ComposeRun {
  const result = spawnSync(findTool('compose-config'), files, {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 32 * 1024 * 1024,
  });
  return {
    code: result.status ?? 1,
    project: result.status === 0 ? (JSON.parse(result.stdout) as ConfiguredProject) : undefined,
    stderr: result.stderr,
  };
}

/**
 * The compose project as Docker Compose reads it: compose-go (the library `docker compose` is built
 * on, pinned in tools/go.mod) loads, merges, interpolates (.env) and validates the files against the
 * Compose Specification, every profile enabled. No Docker needed. The shell's environment is left
 * out, so .env alone decides, as on a participant's laptop with nothing exported.
 */
export function composeConfig(files: string[] = ['docker-compose.yml']): ConfiguredProject {
  const result = composeRun(files);
  if (!result.project) throw new Error(`compose-config ${files.join(' ')} failed (${result.code}):\n${result.stderr}`);
  return result.project;
}

/** The same load, with its exit code and compose-go's warnings kept (cached per file list). */
export function composeRun(files: string[] = ['docker-compose.yml']): ComposeRun {
  const key = files.join('\n');
  if (!loaded.has(key)) loaded.set(key, run(files, {}));
  return loaded.get(key)!;
}

/**
 * The same load with .env left out and `env` as the whole environment instead: what compose does
 * when a variable is missing from .env (a default, or a refusal naming it). Not cached.
 */
export function composeRunWithout(files: string[], env: Record<string, string>): ComposeRun {
  return run(files, { ...env, COMPOSE_DISABLE_ENV_FILE: 'true' });
}

/** A service's container, laid out on this machine: its bind mounts copied under one folder. */
export interface Layout {
  /** The folder standing for the container's `/`. */
  root: string;
  /** entrypoint + command, each container path that lies in a mount moved under `root`. */
  argv: string[];
  /** working_dir under `root`. */
  cwd: string;
  /** The service's environment, each value that is a container path in a mount moved under `root`. */
  env: Record<string, string>;
  /** A container path, under `root`. */
  at(containerPath: string): string;
}

/**
 * Copies every bind mount of `service` (as compose resolved it) to the same path under `root`, so a
 * script run from there sees exactly the files the container would, at the container's paths: a
 * mount at the wrong path, or a file the script imports but nobody mounts, fails as it would in Docker.
 * `skip` leaves out mounts by target (to show that the test can fail).
 */
export function layOut(service: ConfiguredService, root: string, skip: string[] = []): Layout {
  const binds = (service.volumes ?? []).filter((v) => v.type === 'bind' && !skip.includes(v.target));
  for (const bind of binds) {
    const to = join(root, bind.target);
    mkdirSync(statSync(bind.source).isDirectory() ? to : dirname(to), { recursive: true });
    cpSync(bind.source, to, { recursive: true });
  }
  const targets = binds.map((b) => b.target);
  const move = (arg: string) => (targets.some((t) => arg === t || arg.startsWith(`${t}/`)) ? join(root, arg) : arg);
  return {
    root,
    argv: [...(service.entrypoint ?? []), ...(service.command ?? [])].map(move),
    cwd: join(root, service.working_dir ?? '/'),
    env: Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([key, value]) => [key, move(String(value ?? ''))]),
    ),
    at: (containerPath) => join(root, containerPath),
  };
}
