import { type INestApplication, type LogLevel, Logger } from '@nestjs/common';
import type { LOG_LEVELS } from './config/base-env.js';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { InvalidEnvironmentError, createEnvValidator } from './config/validate-env.js';
import { configureHttpApp } from './http/configure-app.js';

export interface RunServiceOptions {
  /** The service name, the same string as its folder, compose service and metrics job. */
  name: string;
  module: unknown;
  /** The app's env schema: checked before Nest starts, so a bad variable gives one clear message. */
  env: new () => object;
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
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

type LogLevelName = (typeof LOG_LEVELS)[number];
const NEST_LEVELS: Record<LogLevelName, LogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** LOG_LEVEL (pino-style names) as the Nest logger's enabled levels. */
export function nestLogLevels(level: LogLevelName): LogLevel[] {
  return NEST_LEVELS[level];
}

/** Boots one service; a configuration error stops it with a message naming the variable. */
export async function runService(options: RunServiceOptions): Promise<INestApplication> {
  const logger = new Logger(options.name);
  try {
    const env = createEnvValidator(options.env)(process.env) as { LOG_LEVEL?: LogLevelName };
    const app = await NestFactory.create(options.module as never, {
      bodyParser: false,
      abortOnError: false,
      logger: nestLogLevels(env.LOG_LEVEL ?? 'info'),
    });
    configureHttpApp(app);
    await app.init();
    await options.beforeListen?.(app);
    const config = app.get(ConfigService);
    const port = config.getOrThrow<number>('PORT');
    const host = config.getOrThrow<string>('HOST');
    await app.listen(port, host);
    closeGracefullyOnSignal(app, config.getOrThrow<number>('SHUTDOWN_TIMEOUT_MS'), logger);
    logger.log(`${options.name} listening on http://${host}:${port}`);
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
