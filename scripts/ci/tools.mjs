// The servers that compose runs as images, built from the Go module proxy at the same versions
// (tools/go.mod pins them; test/config/versions.config-spec.ts ties each to its image tag in .env),
// and the Kubernetes tools the chart's check runs (tools/k8s/go.mod: Helm, and k8s-validate, this
// repository's own validator, cached by a hash of its source).
// Each binary is cached per machine by version, outside the clone, so a rerun costs nothing.
//
//   node scripts/ci/tools.mjs [NAME...]   build what is missing (all by default), write .tmp/tools.env, print it
//   node scripts/ci/tools.mjs --list      the tools, their modules and versions
//
// Tests and scripts find a binary with findTool(NAME): the variable of .tmp/tools.env (PROMETHEUS, PROMTOOL, …)
// when set in the environment, else the path .tmp/tools.env lists, which must be the version tools/go.mod pins.
// WORKSHOP_TOOLS_CACHE overrides the cache folder (default ~/.cache/workshop-kit/tools).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TOOLS_DIR = join(ROOT, 'tools');
export const TOOLS_ENV = join(ROOT, '.tmp/tools.env');

/** name → the Go package that builds it, the module that versions it, and the variable its path is exported as. */
export const TOOLS = {
  prometheus: {
    pkg: 'github.com/prometheus/prometheus/cmd/prometheus',
    module: 'github.com/prometheus/prometheus',
    env: 'PROMETHEUS',
  },
  promtool: {
    pkg: 'github.com/prometheus/prometheus/cmd/promtool',
    module: 'github.com/prometheus/prometheus',
    env: 'PROMTOOL',
  },
  alertmanager: {
    pkg: 'github.com/prometheus/alertmanager/cmd/alertmanager',
    module: 'github.com/prometheus/alertmanager',
    env: 'ALERTMANAGER',
  },
  amtool: {
    pkg: 'github.com/prometheus/alertmanager/cmd/amtool',
    module: 'github.com/prometheus/alertmanager',
    env: 'AMTOOL',
  },
  jaeger: {
    pkg: 'github.com/jaegertracing/jaeger/cmd/jaeger',
    module: 'github.com/jaegertracing/jaeger',
    env: 'JAEGER',
  },
  mailpit: { pkg: 'github.com/axllent/mailpit', module: 'github.com/axllent/mailpit', env: 'MAILPIT' },
  // Not a server: `docker compose config` without Docker (compose-go, the library Compose is built on), for the
  // compose contract tests. Its main package is ours (tools/compose-config, in the tools module beside the others).
  'compose-config': {
    pkg: './compose-config',
    module: 'github.com/compose-spec/compose-go/v2',
    env: 'COMPOSE_CONFIG',
    local: true,
  },
  // tools/k8s: its own module (Helm's k8s.io v0.37 would lift the dependencies the tools above build with).
  helm: { pkg: 'helm.sh/helm/v4/cmd/helm', module: 'helm.sh/helm/v4', env: 'HELM', dir: 'k8s' },
  // The repository's own code: its "version" is a hash of its source, go.mod and go.sum.
  'k8s-validate': {
    pkg: './cmd/k8s-validate',
    module: 'workshop.local/tools/k8s',
    env: 'K8S_VALIDATE',
    dir: 'k8s',
    local: true,
  },
};

/** Module versions required by tools/go.mod (or the go.mod text given, e.g. tools/k8s/go.mod's). */
export function moduleVersions(goMod = readFileSync(join(TOOLS_DIR, 'go.mod'), 'utf8')) {
  const versions = {};
  for (const match of goMod.matchAll(/^\s*(?:require\s+)?(\S+)\s+(v\S+)/gm)) versions[match[1]] = match[2];
  return versions;
}

/**
 * The release a module version stands for. Prometheus tags its Go module v0.X.Y for release v3.X.Y
 * (v0.314.0 = v3.14.0); Jaeger's v1.X module tags carry the v2 binary (v1.75.0 = v2.12.0, per its CHANGELOG).
 */
export function releaseOf(module, version) {
  const [major, minor, patch] = version.replace(/^v/, '').split('.').map(Number);
  if (module === 'github.com/prometheus/prometheus' && major === 0)
    return `${Math.floor(minor / 100)}.${minor % 100}.${patch}`;
  if (module === 'github.com/jaegertracing/jaeger' && major === 1) return `2.${minor - 63}.${patch}`;
  return `${major}.${minor}.${patch}`;
}

/** The folder of NAME's Go module: tools/, or tools/<dir> for the tools that have their own. */
export function moduleDir(name) {
  const tool = TOOLS[name];
  if (!tool) throw new Error(`unknown tool ${name}`);
  return tool.dir ? join(TOOLS_DIR, tool.dir) : TOOLS_DIR;
}

/** The version NAME is built at: its module's version in go.mod, or for the repository's own code a hash of its source. */
export function toolVersion(name) {
  const tool = TOOLS[name];
  const dir = moduleDir(name);
  if (tool.local) {
    const hash = createHash('sha256');
    const pkgDir = join(dir, tool.pkg);
    const files = [
      'go.mod',
      'go.sum',
      ...readdirSync(pkgDir)
        .filter((f) => f.endsWith('.go'))
        .map((f) => join(tool.pkg, f)),
    ].sort();
    for (const file of files)
      hash
        .update(`${file}\0`)
        .update(readFileSync(join(dir, file)))
        .update('\0');
    return `src-${hash.digest('hex').slice(0, 12)}`;
  }
  const version = moduleVersions(readFileSync(join(dir, 'go.mod'), 'utf8'))[tool.module];
  if (!version) throw new Error(`${relative(ROOT, join(dir, 'go.mod'))} does not require ${tool.module}`);
  return version;
}

export function cacheDir() {
  return (
    process.env.WORKSHOP_TOOLS_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'workshop-kit/tools')
  );
}

/** Where NAME's binary lives once built: one folder per tool and version. */
export function toolPath(name) {
  if (!TOOLS[name]) throw new Error(`unknown tool ${name}`);
  return join(cacheDir(), `${name}-${toolVersion(name)}`, name);
}

/** The Go toolchain: GO, else `go` on PATH, else the official tarball's place (a minimal PATH may lack it). */
const GO =
  process.env.GO ??
  ((process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'go'))) ||
  !existsSync('/usr/local/go/bin/go')
    ? 'go'
    : '/usr/local/go/bin/go');

function go(args, options = {}) {
  execFileSync(GO, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    ...options,
    env: { ...process.env, CGO_ENABLED: '0', ...options.env },
  });
}

function ldflags(tool, version) {
  // Helm's `version` prints v4.3 (its source's default) unless told the patch release.
  if (tool.module === 'helm.sh/helm/v4') return `-s -w -X helm.sh/helm/v4/internal/version.version=${version}`;
  // Prometheus' and Alertmanager's `--version` read these; an unset version prints empty.
  if (!tool.module.startsWith('github.com/prometheus/')) return '-s -w';
  return `-s -w -X github.com/prometheus/common/version.Version=${releaseOf(tool.module, version)} -X github.com/prometheus/common/version.Branch=module`;
}

function build(name) {
  const tool = TOOLS[name];
  const version = toolVersion(name);
  const target = toolPath(name);
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  const started = Date.now();
  process.stderr.write(`[tools] building ${name} ${version} (${tool.pkg}); cached afterwards in ${dirname(target)}\n`);
  const flags = ['build', '-trimpath', `-ldflags=${ldflags(tool, version)}`, '-o', partial];
  if (name === 'alertmanager' || name === 'jaeger') {
    // Built in a copy of its own module, with the dependency versions its go.mod and go.sum pin:
    // - cmd/alertmanager embeds ui/app/dist (the web UI), which the module zip does not contain: the copy gets a
    //   one-page placeholder there. The API (everything the tests use) is complete.
    // - Jaeger v1.75.0 needs the OpenTelemetry Collector v0.139.0 pdata; in the tools module, Prometheus v0.314.0
    //   lifts pdata to a release whose profiles API changed, and the build fails. Its go.mod has a replace
    //   directive, so `go install …@version` refuses it; a build inside the copy honours it.
    go(['mod', 'download', `${tool.module}@${version}`], { cwd: TOOLS_DIR });
    const modCache = execFileSync(GO, ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
    const copy = mkdtempSync(join(tmpdir(), `${name}-src-`));
    cpSync(join(modCache, `${tool.module}@${version}`), copy, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', copy]);
    if (name === 'alertmanager') {
      mkdirSync(join(copy, 'ui/app/dist'), { recursive: true });
      writeFileSync(
        join(copy, 'ui/app/dist/index.html'),
        '<!doctype html><title>Alertmanager</title><p>UI not built; the API is at /api/v2/.</p>\n',
      );
    }
    try {
      // GOFLAGS=-mod=mod: the module zip's go.sum may lack a line for a test-only dependency; go adds it in the copy.
      go([...flags, `./${tool.pkg.slice(tool.module.length + 1)}`], {
        cwd: copy,
        env: { GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
      });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  } else {
    go([...flags, tool.pkg], { cwd: moduleDir(name) });
  }
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  process.stderr.write(`[tools] built ${name} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return target;
}

/** The VARIABLE=path pairs of .tmp/tools.env ({} before the first `node scripts/ci/tools.mjs`). */
export function toolEnv(file = TOOLS_ENV) {
  if (!existsSync(file)) return {};
  const env = {};
  for (const match of readFileSync(file, 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm))
    env[match[1]] = match[2].trim();
  return env;
}

/**
 * The binary of NAME to run: $VARIABLE when set (a build of your own; the version checks still apply to it),
 * else the path .tmp/tools.env lists. Throws, saying what to run, when it is missing or not the pinned version.
 */
export function findTool(name) {
  const tool = TOOLS[name];
  if (!tool) throw new Error(`unknown tool ${name}; known: ${Object.keys(TOOLS).join(', ')}`);
  const fix = `run \`node scripts/ci/tools.mjs\` (it builds the versions tools/go.mod pins and writes ${relative(ROOT, TOOLS_ENV)})`;
  const override = process.env[tool.env];
  if (override) {
    if (!existsSync(override)) throw new Error(`${tool.env}=${override}: no such file; unset it or ${fix}`);
    return override;
  }
  const listed = toolEnv()[tool.env];
  if (!listed)
    throw new Error(`${name} not found: ${tool.env} is neither set nor in ${relative(ROOT, TOOLS_ENV)}; ${fix}`);
  const pinned = toolPath(name);
  if (listed !== pinned)
    throw new Error(`${name}: ${relative(ROOT, TOOLS_ENV)} lists ${listed}, tools/go.mod pins ${pinned}; ${fix}`);
  if (!existsSync(listed)) throw new Error(`${name}: ${listed} is gone; ${fix}`);
  return listed;
}

/** Builds the named tools (all by default) and writes them into .tmp/tools.env, keeping the other tools' lines. */
export function ensureTools(names = Object.keys(TOOLS)) {
  const lines = [];
  for (const name of names) lines.push(`${TOOLS[name].env}=${build(name)}`);
  const written = new Set(names.map((name) => TOOLS[name].env));
  const kept = Object.entries(toolEnv())
    .filter(([variable]) => !written.has(variable))
    .map(([variable, path]) => `${variable}=${path}`);
  mkdirSync(dirname(TOOLS_ENV), { recursive: true });
  writeFileSync(TOOLS_ENV, `${[...kept, ...lines].join('\n')}\n`);
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const [name, tool] of Object.entries(TOOLS)) {
      const version = toolVersion(name);
      const release = tool.local
        ? `source in ${relative(ROOT, join(moduleDir(name), tool.pkg))}`
        : `release ${releaseOf(tool.module, version)}`;
      console.log(`${name.padEnd(13)} ${tool.module}@${version} (${release})`);
    }
  } else {
    const unknown = args.filter((a) => !TOOLS[a]);
    if (unknown.length) {
      console.error(`unknown tool(s): ${unknown.join(', ')}; known: ${Object.keys(TOOLS).join(', ')}`);
      process.exit(2);
    }
    try {
      console.log(ensureTools(args.length ? args : undefined).join('\n'));
    } catch (error) {
      console.error(`[tools] ${error.message}`);
      process.exit(1);
    }
  }
}
