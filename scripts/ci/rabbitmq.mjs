// RabbitMQ for CI and the integration tests: Debian's rabbitmq-server (3.10 here; compose runs 4.3.6, see the
// README's "What is verified how"), run as our own node on loopback from a folder of ours, with the
// rabbitmq_prometheus plugin on. No systemd needed; the package's own daemon is kept from starting.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { randomInt } from 'node:crypto';
import { aptInstall } from '../lib/apt.mjs';
import { lookupUser } from '../lib/os-user.mjs';
import { portOpen } from '../lib/port-open.mjs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';

const BIN = '/usr/lib/rabbitmq/bin';
const HOST = '127.0.0.1';
const NODE = 'workshop@localhost';
const CREDENTIALS = 'workshop';

export function rabbitSettings(backingDir) {
  const dir = join(backingDir, 'rabbitmq');
  return {
    dir,
    home: join(dir, 'home'),
    pidFile: join(dir, 'rabbitmq.pid'),
    port: Number(process.env.RABBITMQ_PORT ?? 5672),
    prometheusPort: Number(process.env.RABBITMQ_PROMETHEUS_PORT ?? 15692),
    managementPort: Number(process.env.RABBITMQ_MANAGEMENT_PORT ?? 15672),
    url: `amqp://${CREDENTIALS}:${CREDENTIALS}@${HOST}:${Number(process.env.RABBITMQ_PORT ?? 5672)}`,
  };
}

async function waitFor(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${seconds} s`);
    await sleep(300);
  }
}

/** Installs Debian's rabbitmq-server when it is missing, without letting the package start its own daemon. */
export function ensureRabbitInstalled(log) {
  if (!existsSync(join(BIN, 'rabbitmq-server'))) aptInstall(['rabbitmq-server'], log);
}

/**
 * The OS user our node and every CLI call run as — decided when it is needed, after the install created
 * the `rabbitmq` user, so the node and later calls always share one user and one cookie.
 */
function osUser() {
  if (process.getuid?.() !== 0) return { name: undefined };
  const user = lookupUser('rabbitmq');
  return user ? { name: 'rabbitmq', ...user } : { name: 'root' };
}

function nodeEnv(s) {
  return {
    PATH: `${BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: s.home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    ERL_EPMD_ADDRESS: HOST,
    RABBITMQ_NODENAME: NODE,
    RABBITMQ_NODE_IP_ADDRESS: HOST,
    RABBITMQ_NODE_PORT: String(s.port),
    RABBITMQ_CONF_ENV_FILE: join(s.dir, 'rabbitmq-env.conf'),
    RABBITMQ_CONFIG_FILE: join(s.dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(s.dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(s.dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(s.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(s.dir, 'log'),
    RABBITMQ_PID_FILE: s.pidFile,
  };
}

function chownTree(path, user) {
  if (user.uid === undefined) return;
  chownSync(path, user.uid, user.gid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), user);
}

/** Runs a RabbitMQ CLI tool (rabbitmqctl, rabbitmq-plugins) against our node, as the node's user. */
export function rabbitCli(s, tool, args, { timeoutSeconds = 60 } = {}) {
  const user = osUser();
  const result = spawnSync(join(BIN, tool), args, {
    env: nodeEnv(s),
    uid: user.uid,
    gid: user.gid,
    encoding: 'utf8',
    timeout: timeoutSeconds * 1000,
  });
  if (result.status !== 0) {
    throw new Error(
      `${tool} ${args.join(' ')} failed: ${(result.stderr || result.stdout || String(result.error)).trim().split('\n').slice(0, 4).join(' | ')}`,
    );
  }
  return result.stdout;
}

function ownPid(s) {
  if (!existsSync(s.pidFile)) return undefined;
  const pid = Number(readFileSync(s.pidFile, 'utf8').trim());
  if (!pid) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('beam') ? pid : undefined;
}

function writeConfig(s, user) {
  for (const dir of [s.dir, s.home, join(s.dir, 'mnesia'), join(s.dir, 'log')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(s.dir, 'rabbitmq-env.conf'), ''); // keeps /etc/rabbitmq/rabbitmq-env.conf out
  writeFileSync(
    join(s.dir, 'rabbitmq.conf'),
    [
      '# written by scripts/ci/rabbitmq.mjs',
      `default_user = ${CREDENTIALS}`,
      `default_pass = ${CREDENTIALS}`,
      'default_user_tags.administrator = true',
      'default_permissions.configure = .*',
      'default_permissions.read = .*',
      'default_permissions.write = .*',
      'loopback_users = none',
      `management.tcp.ip = ${HOST}`,
      `management.tcp.port = ${s.managementPort}`,
      `prometheus.tcp.ip = ${HOST}`,
      `prometheus.tcp.port = ${s.prometheusPort}`,
      'log.console = false',
      'log.file.level = info',
      '',
    ].join('\n'),
  );
  // The Erlang distribution (CLI <-> node) stays on loopback too.
  writeFileSync(join(s.dir, 'advanced.config'), '[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].\n');
  const plugins =
    process.env.RABBITMQ_MANAGEMENT === '1' ? 'rabbitmq_management,rabbitmq_prometheus' : 'rabbitmq_prometheus';
  writeFileSync(join(s.dir, 'enabled_plugins'), `[${plugins}].\n`);
  const cookie = join(s.home, '.erlang.cookie');
  if (!existsSync(cookie) || statSync(cookie).size === 0) {
    writeFileSync(cookie, Array.from({ length: 32 }, () => String.fromCharCode(65 + randomInt(26))).join(''));
  }
  chmodSync(cookie, 0o400);
  if (user.uid !== undefined) {
    chmodSync(join(s.dir, '..'), 0o755);
    chownTree(s.dir, user);
  }
}

const EPMD = '/usr/lib/erlang/bin/epmd';
/** epmd's own answer: is a port mapper running (and which nodes does it know)? */
function epmdNames() {
  const result = spawnSync(EPMD, ['-names'], { encoding: 'utf8', env: { ...process.env, ERL_EPMD_ADDRESS: HOST } });
  return result.status === 0 ? result.stdout : undefined;
}

function launch(s, user) {
  rmSync(s.pidFile, { force: true });
  // Our node starts epmd when none runs; remember that, so `stop` ends only an epmd we caused.
  if (epmdNames() === undefined) writeFileSync(join(s.dir, 'epmd.ours'), '');
  else rmSync(join(s.dir, 'epmd.ours'), { force: true });
  const out = openSync(join(s.dir, 'log', 'console.log'), 'a');
  // detached: a session of its own, so the node outlives this command and a CI step's pipes.
  const child = spawn(join(BIN, 'rabbitmq-server'), [], {
    env: nodeEnv(s),
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  closeSync(out);
  return child;
}

async function probe(s) {
  const connection = await amqp.connect(s.url, { timeout: 10_000 });
  try {
    const channel = await connection.createChannel();
    const queue = 'workshop.backing-services.quorum-check';
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.deleteQueue(queue);
    return connection.connection.serverProperties.version;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Starts our node (installing RabbitMQ when missing) and checks that it takes a quorum queue. */
export async function startRabbit(backingDir, log) {
  const s = rabbitSettings(backingDir);
  ensureRabbitInstalled(log);
  const user = osUser();
  const started = Date.now();
  let how = 'already running';
  if (!(await portOpen(s.port))) {
    writeConfig(s, user);
    if (ownPid(s)) {
      how = 'app restarted'; // left stopped by `rabbitmq-stop-app`
      rabbitCli(s, 'rabbitmqctl', ['-q', 'start_app']);
    } else {
      how = 'started';
      const child = launch(s, user);
      let exited = false;
      child.once('exit', () => (exited = true));
      await waitFor(
        `RabbitMQ did not accept AMQP connections on ${HOST}:${s.port} (logs: ${join(s.dir, 'log')})`,
        90,
        async () => {
          if (exited && !ownPid(s)) throw new Error(`RabbitMQ exited during startup (logs: ${join(s.dir, 'log')})`);
          return portOpen(s.port);
        },
      );
    }
  } else if (!ownPid(s)) {
    how = 'not ours, reused';
  }
  let version;
  try {
    version = await probe(s);
  } catch (error) {
    if (how === 'not ours, reused') {
      throw new Error(
        `a broker on ${HOST}:${s.port} that this script did not start refuses ${CREDENTIALS}/${CREDENTIALS}: stop it, or choose another port with RABBITMQ_PORT (${error.message})`,
      );
    }
    rabbitCli(s, 'rabbitmqctl', ['-q', 'add_user', CREDENTIALS, CREDENTIALS]);
    rabbitCli(s, 'rabbitmqctl', ['-q', 'set_user_tags', CREDENTIALS, 'administrator']);
    rabbitCli(s, 'rabbitmqctl', ['-q', 'set_permissions', '-p', '/', CREDENTIALS, '.*', '.*', '.*']);
    version = await probe(s);
  }
  if (ownPid(s) && !(await portOpen(s.prometheusPort))) {
    // A node of ours that booted without the plugin: enable it online, on loopback.
    rabbitCli(s, 'rabbitmqctl', [
      '-q',
      'eval',
      `application:set_env(rabbitmq_prometheus, tcp_config, [{ip, "${HOST}"}, {port, ${s.prometheusPort}}], [{persistent, true}]).`,
    ]);
    rabbitCli(s, 'rabbitmq-plugins', ['-q', 'enable', '--online', 'rabbitmq_prometheus']);
    await waitFor(`rabbitmq_prometheus did not answer on ${HOST}:${s.prometheusPort}`, 30, () =>
      portOpen(s.prometheusPort),
    );
  }
  log(
    `RabbitMQ ${version} ${how} on ${HOST}:${s.port} (metrics on ${s.prometheusPort}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return s.url;
}

export async function stopRabbitApp(backingDir) {
  const s = rabbitSettings(backingDir);
  rabbitCli(s, 'rabbitmqctl', ['-q', 'stop_app']);
  await waitFor(`the AMQP port ${s.port} was still open after stop_app`, 30, async () => !(await portOpen(s.port)));
}

export async function startRabbitApp(backingDir) {
  const s = rabbitSettings(backingDir);
  rabbitCli(s, 'rabbitmqctl', ['-q', 'start_app']);
  await waitFor(`RabbitMQ did not accept AMQP connections on ${s.port} after start_app`, 90, () => portOpen(s.port));
}

/** Stops our node, by its own CLI and the pid it wrote; a broker we did not start is left alone. */
export async function stopRabbit(backingDir) {
  const s = rabbitSettings(backingDir);
  const pid = ownPid(s);
  if (!pid) return false;
  try {
    rabbitCli(s, 'rabbitmqctl', ['-q', 'stop', s.pidFile], { timeoutSeconds: 60 });
  } catch {
    process.kill(pid, 'SIGTERM');
  }
  await waitFor(`RabbitMQ (pid ${pid}) did not stop`, 30, () => ownPid(s) === undefined).catch(() =>
    process.kill(pid, 'SIGKILL'),
  );
  rmSync(s.pidFile, { force: true });
  if (existsSync(join(s.dir, 'epmd.ours')) && !/^name /m.test(epmdNames() ?? 'name ')) {
    spawnSync(EPMD, ['-kill'], { env: { ...process.env, ERL_EPMD_ADDRESS: HOST } });
    rmSync(join(s.dir, 'epmd.ours'), { force: true });
  }
  return true;
}
