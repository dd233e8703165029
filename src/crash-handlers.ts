import type { Logger } from './logger';

/** The part of `process` the handlers need, so that a test can hand in an EventEmitter. */
export interface CrashSource {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

/**
 * Logs an unhandled rejection or an uncaught exception (message and stack, see src/log-errors.ts) and asks for a
 * clean shutdown: the state of the process is unknown, so it stops taking requests, finishes its commits, releases its
 * leases and exits non-zero; the shutdown timeout still bounds it. Only the first crash starts the shutdown.
 */
export function installCrashHandlers(source: CrashSource, logger: Logger, shutdown: (reason: string) => void): void {
  let crashed = false;
  const crash = (kind: string, error: unknown) => {
    logger.error(`${kind}; shutting down`, { error: error instanceof Error ? error : new Error(String(error)) });
    if (crashed) return;
    crashed = true;
    shutdown(kind);
  };
  source.on('unhandledRejection', (reason) => crash('unhandled promise rejection', reason));
  source.on('uncaughtException', (error) => crash('uncaught exception', error));
}
