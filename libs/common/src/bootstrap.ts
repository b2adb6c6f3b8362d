import { type DynamicModule, type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { BaseEnv } from './config/base-env.js';
import { type EnvSource, InvalidEnvironmentError } from './config/validate-env.js';
import { configureHttpApp } from './http/configure-app.js';

export interface RunServiceOptions {
  /** The service name, the same string as its folder, compose service and metrics job. */
  name: string;
  /** The app's root module; its `forRoot(process.env)` validates the environment, before Nest starts. */
  module: { forRoot(env: EnvSource): DynamicModule };
  /** Runs after the shared HTTP setup and before the app is initialised (e.g. the gateway's API docs). */
  configure?: (app: INestApplication) => void;
  /** Runs after the app is initialised and before HTTP listens (e.g. start consumers). */
  beforeListen?: (app: INestApplication) => Promise<void>;
}

/**
 * On SIGTERM/SIGINT: stop taking connections, let in-flight requests finish,
 * stop consumers and relays, close the database and broker (Nest's shutdown
 * hooks), then exit 0. A shutdown that hangs past its budget exits 1.
 */
function closeGracefullyOnSignal(app: INestApplication, timeoutMs: number, logger: Logger): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: finishing in-flight work (at most ${timeoutMs} ms)`);
    // Kept-alive callers (another service's connection pool) would otherwise keep the server
    // open with new requests: from now on every response closes its connection.
    (app.getHttpServer() as Server).prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('connection', 'close');
    });
    setTimeout(() => {
      logger.error(`shutdown did not finish within ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => {
        logger.log('shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error(`shutdown failed: ${(error as Error)?.stack ?? String(error)}`);
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second signal (Ctrl-C twice, a process group) must not kill the process mid-close.
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Boots one service; a configuration error stops it with a message naming the variable. */
export async function runService(options: RunServiceOptions): Promise<INestApplication> {
  const logger = new Logger(options.name);
  try {
    // A bad variable throws here, before Nest logs anything: one message naming it.
    const module = options.module.forRoot(process.env);
    // Nest's own boot messages wait for the JSON logger (configureHttpApp installs it).
    const app = await NestFactory.create(module, { bodyParser: false, abortOnError: false, bufferLogs: true });
    configureHttpApp(app);
    options.configure?.(app);
    await app.init();
    await options.beforeListen?.(app);
    const { PORT, HOST, SHUTDOWN_TIMEOUT_MS } = app.get(BaseEnv);
    await app.listen(PORT, HOST);
    closeGracefullyOnSignal(app, SHUTDOWN_TIMEOUT_MS, logger);
    logger.log(`${options.name} listening on http://${HOST}:${PORT}`);
    return app;
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      process.stderr.write(`[${options.name}] ${error.message}\n`);
    } else {
      process.stderr.write(`[${options.name}] failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
}
