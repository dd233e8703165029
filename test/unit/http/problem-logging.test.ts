import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { Writable } from 'node:stream';
import winston from 'winston';
import { z } from 'zod';
import { ServiceUnavailableError } from '../../../src/errors';
import { IdempotencyKeyInUseError, idempotentRoute } from '../../../src/http/idempotency';
import { problemHandler, toProblem } from '../../../src/http/problem';
import { sendReply, type JsonReply } from '../../../src/http/reply';
import { MemoryIdempotencyStore } from './fakes';

/** What the error middleware logs, library errors at the edges, and how replies are sent (src/http). */
function memoryLogger() {
  const lines: { level: string; message: string; [k: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  return { logger: winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] }), lines };
}

/** An app whose one route fails with `error`, and the lines its error middleware logged. */
function failingWith(error: unknown) {
  const { logger, lines } = memoryLogger();
  const app = express();
  app.get('/fail', (_req: Request, _res: Response, next: NextFunction) => next(error));
  app.use(problemHandler({ logger }));
  return { get: () => request(app).get('/fail'), lines };
}

describe('problemHandler: what a server-side error logs', () => {
  it('when a known 5xx error is answered, then it is logged as a warning titled by the error, with its message', async () => {
    const { get, lines } = failingWith(new ServiceUnavailableError('the owner is away'));
    expect((await get()).status).toBe(503);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', message: 'Service unavailable: the owner is away', status: 503 })]);
  });

  it('when an unexpected error has a cause that is not an Error, then the log names it; without a cause, none is logged', async () => {
    const withCause = failingWith(new Error('write failed', { cause: 'disk full' }));
    await withCause.get();
    expect(withCause.lines).toEqual([expect.objectContaining({ level: 'error', error: 'write failed', cause: 'disk full' })]);
    const without = failingWith(new Error('plain'));
    await without.get();
    expect(without.lines[0]).not.toHaveProperty('cause');
  });
});

describe('toProblem: library errors at the edges', () => {
  it.each([
    [599, 400],
    [600, 500],
  ])('when a parse failure carries status %i, then it is %i (only a real HTTP error status lets the type decide)', (status, expected) => {
    const error = Object.assign(new Error('bad json'), { status, type: 'entity.parse.failed' });
    expect(toProblem(error).status).toBe(expected);
  });

  it('when the body names an unsupported charset, then it is 415 with the parser message', () => {
    const error = Object.assign(new Error('unsupported charset "UTF-7"'), { status: 415, type: 'charset.unsupported' });
    expect(toProblem(error).body).toMatchObject({ status: 415, detail: 'unsupported charset "UTF-7"' });
  });

  it('when zod refuses a value, then it is 400 "The request is invalid." with the field issues', () => {
    const parsed = z.object({ n: z.number() }).safeParse({ n: 'x' });
    expect(toProblem(parsed.error).body).toMatchObject({ status: 400, detail: 'The request is invalid.', errors: [expect.objectContaining({ path: 'n' })] });
  });
});

describe('Idempotency-Key: the key itself', () => {
  function app() {
    const { logger } = memoryLogger();
    const a = express();
    a.use(express.json());
    a.post('/orders', idempotentRoute({ store: new MemoryIdempotencyStore(), logger, scope: 'POST /orders', parse: (req) => req.body as unknown, handle: async () => ({ status: 201, body: {} }) }));
    a.use(problemHandler({ logger }));
    return a;
  }

  it('when the key is not visible ASCII, then it is 400 naming the header', async () => {
    const res = await request(app()).post('/orders').set('Idempotency-Key', 'k\u00e9y').send({});
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      detail: 'The Idempotency-Key header is invalid.',
      errors: [{ path: 'headers.Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }],
    });
  });

  it('when a key is still in use, then the 409 says so, may be retried, and asks for a retry after one second', () => {
    const error = new IdempotencyKeyInUseError();
    expect(error).toMatchObject({ status: 409, title: 'Idempotency key in use', retriable: true, retryAfterSeconds: 1 });
    expect(error.message).toBe('A request with this Idempotency-Key is still being processed; retry once it has finished.');
  });
});

describe('sendReply', () => {
  function replying(reply: JsonReply) {
    const a = express();
    a.get('/r', (_req, res) => sendReply(res, reply));
    return request(a).get('/r');
  }

  it('when a reply has headers, then they are sent; a 2xx body is plain JSON', async () => {
    const res = await replying({ status: 201, body: { id: 'r1' }, headers: { Location: '/reservations/r1' } });
    expect(res.headers.location).toBe('/reservations/r1');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('when a reply is exactly 400, then its body is problem+json', async () => {
    const res = await replying({ status: 400, body: { status: 400 } });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
