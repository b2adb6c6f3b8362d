import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerOptions {
  /** Folder of the log file (stdout and stderr), `<name>-<time>.log`; default .tmp/integration. */
  logDir?: string;
  /** The path on `port` that answers 2xx once the server is ready (default `/-/ready`). */
  readyPath?: string;
  /** A full URL to poll instead, when readiness is answered elsewhere (e.g. Jaeger's health port). */
  readyUrl?: string;
  /** Added to this process' environment. */
  env?: Record<string, string>;
  /** How long to wait for readiness; default 20 s. */
  timeoutMs?: number;
}

const DEFAULT_LOG_DIR = join(import.meta.dirname, '../../.tmp/integration');

/** A server (Prometheus, Alertmanager, Mailpit, Jaeger, Zipkin) run on a loopback port until stopped. */
export class Server {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  static async start(
    name: string,
    bin: string,
    args: string[],
    port: number,
    options: ServerOptions = {},
  ): Promise<Server> {
    const logDir = options.logDir ?? DEFAULT_LOG_DIR;
    mkdirSync(logDir, { recursive: true });
    const logFile = join(logDir, `${name}-${Date.now().toString(36)}.log`);
    const log = createWriteStream(logFile);
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const server = new Server(`http://127.0.0.1:${port}`, child, logFile);
    const timeoutMs = options.timeoutMs ?? 20_000;
    const readyUrl = options.readyUrl ?? `${server.url}${options.readyPath ?? '/-/ready'}`;
    for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${server.log()}`);
      if (Date.now() > deadline)
        throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${server.log()}`);
      if (
        await fetch(readyUrl).then(
          (r) => r.ok,
          () => false,
        )
      )
        return server;
    }
  }

  /** The end of the log, for failure messages. */
  log(maxChars = 4000): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-maxChars) : '';
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    if ((await Promise.race([exited, sleep(10_000).then(() => 'timeout')])) === 'timeout') this.child.kill('SIGKILL');
  }
}
