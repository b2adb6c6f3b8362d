import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findTool } from '../../scripts/ci/tools.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

/** A service as `docker compose config --format json` prints it (the fields the tests read). */
export interface ConfiguredService {
  image?: string;
  entrypoint?: string[] | null;
  command?: string[] | null;
  working_dir?: string;
  user?: string;
  environment?: Record<string, string | null>;
  profiles?: string[];
  restart?: string;
  init?: boolean;
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  ports?: { target: number; published?: string; host_ip?: string }[];
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
}

export interface ConfiguredProject {
  name: string;
  services: Record<string, ConfiguredService>;
}

const loaded = new Map<string, ConfiguredProject>();

/**
 * The compose project as Docker Compose reads it: compose-go (the library `docker compose` is built
 * on, pinned in tools/go.mod) loads, merges, interpolates (.env) and validates the files against the
 * Compose Specification, every profile enabled. No Docker needed. The shell's environment is left
 * out, so .env alone decides, as on a participant's laptop with nothing exported.
 */
export function composeConfig(files: string[] = ['docker-compose.yml']): ConfiguredProject {
  const key = files.join('\n');
  if (!loaded.has(key)) {
    const json = execFileSync(findTool('compose-config'), files, { cwd: ROOT, env: {}, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
    loaded.set(key, JSON.parse(json) as ConfiguredProject);
  }
  return loaded.get(key)!;
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
    env: Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, move(String(value ?? ''))])),
    at: (containerPath) => join(root, containerPath),
  };
}
