import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import winston from 'winston';
import { installCrashHandlers } from '../../../src/crash-handlers';
import { createLogger, createRequestScope } from '../../../src/logger';

/** A logger writing its JSON lines into an array, through the service's own format. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger({
    level: 'info',
    instanceId: 'log-test',
    scope: createRequestScope(),
    transport: new winston.transports.Stream({ stream }),
  });
  return { logger, lines };
}

describe('log lines', () => {
  it('keep the message and the stack of an error logged as { error }', () => {
    const { logger, lines } = capturingLogger();
    logger.error('something broke', { error: new Error('the disk is full') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      message: 'something broke',
      level: 'error',
      error: { name: 'Error', message: 'the disk is full', stack: expect.stringContaining('the disk is full') },
    });
  });

  it('keep the cause of an error', () => {
    const { logger, lines } = capturingLogger();
    logger.warn('wrapped', { error: new Error('outer', { cause: new Error('inner') }) });
    expect(lines[0]).toMatchObject({ error: { message: 'outer', cause: { message: 'inner' } } });
  });

  it('never dump the SQL, the parameters or the row of a failed commit: only its message and SQLSTATE code', () => {
    const { logger, lines } = capturingLogger();
    const userId = 'user-secret-4242';
    const driverError = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
      detail: `Key (user_id)=(${userId}) is bad`,
    });
    const sql = `WITH r AS (INSERT INTO reservations ... ) ${'x'.repeat(7000)}`;
    const error = new QueryFailedError(sql, [userId, 'A1', 1234], driverError);
    logger.error('commit failed; stopping the session actor', { error, sessionId: 's1' });
    const text = JSON.stringify(lines[0]);
    expect(lines[0]).toMatchObject({
      sessionId: 's1',
      error: { name: 'QueryFailedError', message: 'invalid byte sequence for encoding "UTF8": 0x00', code: '22021' },
    });
    expect(text).not.toContain(userId);
    expect(text).not.toContain('INSERT INTO');
    expect(text.length).toBeLessThan(3000);
  });
});

describe('the crash handlers', () => {
  it('log an unhandled rejection with its message and stack and ask once for a shutdown', () => {
    const { logger, lines } = capturingLogger();
    const process = new EventEmitter();
    const reasons: string[] = [];
    installCrashHandlers(process, logger, (reason) => reasons.push(reason));

    process.emit('unhandledRejection', new Error('nobody caught me'));
    process.emit('uncaughtException', new Error('and me neither'));

    expect(reasons).toEqual(['unhandled promise rejection']);
    expect(lines.map((l) => l.message)).toEqual([
      'unhandled promise rejection; shutting down',
      'uncaught exception; shutting down',
    ]);
    expect(lines[0]).toMatchObject({ level: 'error', error: { message: 'nobody caught me', stack: expect.stringContaining('nobody caught me') } });
  });

  it('log a rejection with a value that is not an Error', () => {
    const { logger, lines } = capturingLogger();
    const process = new EventEmitter();
    installCrashHandlers(process, logger, () => undefined);
    process.emit('unhandledRejection', 'just a string');
    expect(lines[0]).toMatchObject({ error: { message: 'just a string' } });
  });
});
