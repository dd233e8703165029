import express, { type Request } from 'express';
import request from 'supertest';
import winston from 'winston';
import { Writable } from 'node:stream';
import { AppError, TooManyRequestsError } from '../../../src/errors';
import { idempotentRoute } from '../../../src/http/idempotency';
import { problemHandler } from '../../../src/http/problem';
import type { JsonReply } from '../../../src/http/reply';
import { MemoryIdempotencyStore } from './fakes';

/**
 * idempotentRoute on its own: one POST route over the in-memory key store, whose operation answers what the test
 * scripts, one answer per call, and counts how often it ran.
 */
function route(answers: Array<JsonReply | (() => never)>, store = new MemoryIdempotencyStore()) {
  const logged: { message: string; [k: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      logged.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
  let runs = 0;
  const app = express();
  app.use(express.json());
  app.post(
    '/orders',
    idempotentRoute({
      store,
      logger,
      scope: 'POST /orders',
      parse: (req: Request) => req.body as unknown,
      handle: async () => {
        const answer = answers[Math.min(runs++, answers.length - 1)];
        return typeof answer === 'function' ? answer() : answer;
      },
    }),
  );
  app.use(problemHandler({ logger }));
  const post = (key = 'k-1') => request(app).post('/orders').set('Idempotency-Key', key).send({ item: 1 });
  return { post, runs: () => runs, logged, store };
}

const fail = (error: unknown) => () => {
  throw error;
};

describe('idempotentRoute: which answers are kept for repeats', () => {
  it('when the operation answers 5xx without throwing, then the key is released and a repeat runs again', async () => {
    const r = route([{ status: 503, body: { retry: true } }, { status: 201, body: { id: 1 } }]);
    expect((await r.post()).status).toBe(503);
    const again = await r.post();
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(r.runs()).toBe(2);
  });

  it('when the operation fails with a 500 that says it is not retriable, then the key is still released', async () => {
    const r = route([fail(new AppError({ status: 500, title: 'Broken', detail: 'd', retriable: false })), { status: 201, body: {} }]);
    expect((await r.post()).status).toBe(500);
    expect((await r.post()).status).toBe(201);
    expect(r.runs()).toBe(2);
  });

  it('when the operation fails with a retriable client error (429), then the key is released', async () => {
    const r = route([fail(new TooManyRequestsError(3)), { status: 201, body: {} }]);
    expect((await r.post()).status).toBe(429);
    expect((await r.post()).status).toBe(201);
  });

  it('when the operation answers 2xx, then a repeat replays it with its status and body and does not run it again', async () => {
    const r = route([{ status: 202, body: { accepted: true } }]);
    await r.post();
    const again = await r.post();
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ accepted: true });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(r.runs()).toBe(1);
  });
});

describe('idempotentRoute: when the key store fails to record an answer', () => {
  it('when recording fails with a non-Error value, then the answer still goes out and the log names the scope, status and reason', async () => {
    const store = new MemoryIdempotencyStore();
    store.complete = () => Promise.reject('connection reset');
    const r = route([{ status: 201, body: {} }], store);
    expect((await r.post()).status).toBe(201);
    expect(r.logged).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'Could not record the idempotent answer',
        scope: 'POST /orders',
        status: 201,
        error: 'connection reset',
      }),
    ]);
  });
});

describe('idempotentRoute: the key', () => {
  it.each([
    ['one character', 'k'],
    ['255 visible ASCII characters', '~'.repeat(255)],
  ])('when the key is %s, then it is accepted', async (_case, key) => {
    const r = route([{ status: 201, body: {} }]);
    expect((await r.post(key)).status).toBe(201);
  });

  it('when two keys are used, then each gets its own run', async () => {
    const r = route([{ status: 201, body: {} }]);
    await r.post('k-1');
    await r.post('k-2');
    expect(r.runs()).toBe(2);
  });
});
