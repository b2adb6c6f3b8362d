import { type INestApplication, Logger } from '@nestjs/common';
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

/** Forces the exit if a graceful shutdown hangs past its budget. */
function installShutdownDeadline(timeoutMs: number, logger: Logger): void {
  const arm = (signal: string) => {
    logger.log(`${signal} received: finishing in-flight work (at most ${timeoutMs} ms)`);
    setTimeout(() => {
      logger.error(`shutdown did not finish within ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.once('SIGTERM', () => arm('SIGTERM'));
  process.once('SIGINT', () => arm('SIGINT'));
}

/** Boots one service; a configuration error stops it with a message naming the variable. */
export async function runService(options: RunServiceOptions): Promise<INestApplication> {
  const logger = new Logger(options.name);
  try {
    createEnvValidator(options.env)(process.env);
    const app = await NestFactory.create(options.module as never, { bodyParser: false, abortOnError: false });
    configureHttpApp(app);
    await app.init();
    await options.beforeListen?.(app);
    const config = app.get(ConfigService);
    const port = config.getOrThrow<number>('PORT');
    const host = config.getOrThrow<string>('HOST');
    await app.listen(port, host);
    installShutdownDeadline(config.getOrThrow<number>('SHUTDOWN_TIMEOUT_MS'), logger);
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
