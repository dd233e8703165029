import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import winston from 'winston';
import { AppError, NotFoundError } from '../../../src/errors';
import { problemHandler, toProblem } from '../../../src/http/problem';

/** An error as http-errors and other libraries throw it: a status and/or a statusCode on a plain Error. */
const libraryError = (fields: object, message = 'library message') => Object.assign(new Error(message), fields);

describe('toProblem: the status of errors thrown by libraries', () => {
  it('when an error has a statusCode and no status, then the statusCode is its status', () => {
    expect(toProblem(libraryError({ statusCode: 404, expose: true })).body).toMatchObject({
      status: 404,
      title: 'Not Found',
      detail: 'library message',
    });
  });

  it('when an error has both, then status wins over statusCode', () => {
    expect(toProblem(libraryError({ status: 409, statusCode: 404 })).status).toBe(409);
  });

  it.each([
    ['a redirect status', { status: 302 }],
    ['a status just below the client errors', { status: 399 }],
    ['a status just above the server errors', { status: 600 }],
    ['a statusCode outside 400-599', { statusCode: 200 }],
    ['a fractional status', { status: 404.5 }],
    ['a status given as a string', { status: '404' }],
    ['a server error status', { status: 503, expose: true }],
  ])('when an error carries %s, then it becomes a generic 500 that shows nothing of it', (_case, fields) => {
    const problem = toProblem(libraryError(fields));
    expect(problem.status).toBe(500);
    expect(problem.body).toEqual({
      type: '/problems/internal-server-error',
      title: 'Internal server error',
      status: 500,
      detail: 'An unexpected error occurred.',
    });
  });

  it.each([
    [400, 'Invalid request'],
    [499, 'Client error'],
  ])('when an error carries the edge status %i, then it keeps it (title %s)', (status, title) => {
    expect(toProblem(libraryError({ status })).body).toMatchObject({ status, title });
  });

  it('when a body is too large and the parser names no limit, then 413 says so without a number', () => {
    const problem = toProblem(libraryError({ status: 413, type: 'entity.too.large' }));
    expect(problem.body).toMatchObject({ status: 413, detail: 'The request body is too large.' });
  });

  it('when the body has an unsupported content encoding, then it is 415 with the parser message', () => {
    const problem = toProblem(libraryError({ status: 415, type: 'encoding.unsupported' }, 'unsupported content encoding "br"'));
    expect(problem.body).toMatchObject({ status: 415, detail: 'unsupported content encoding "br"' });
  });
});

describe('toProblem: extras and headers', () => {
  it('when extras name type, title, status or detail, then the core fields stand and other extras are added', () => {
    const error = new AppError({
      status: 409,
      title: 'Conflict',
      detail: 'real',
      extras: { type: 'https://evil.example/x', title: 'Everything is fine', status: 200, detail: 'fake', hint: 1 },
    });
    expect(toProblem(error).body).toEqual({ type: '/problems/conflict', title: 'Conflict', status: 409, detail: 'real', hint: 1 });
  });

  it('when a retry time is fractional or negative, then Retry-After is whole seconds, rounded up and never below 0', () => {
    const after = (seconds: number) =>
      toProblem(new AppError({ status: 503, title: 'Service unavailable', detail: 'd', retryAfterSeconds: seconds })).headers['Retry-After'];
    expect(after(1.2)).toBe('2');
    expect(after(-5)).toBe('0');
    expect(after(0)).toBe('0');
  });
});

/** A logger whose JSON lines are kept in memory. */
function memoryLogger() {
  const lines: { level: string; message: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
  return { logger, lines };
}

/** A server whose one route sends the start of an answer, then fails with `error`. */
async function failingMidAnswer(error: unknown) {
  const { logger, lines } = memoryLogger();
  const app = express();
  app.get('/partial', (_req, res, next) => {
    res.status(200).type('text/plain');
    // Fails once the start of the answer is on the wire.
    res.write('partial', () => next(error));
  });
  app.use(problemHandler({ logger }));
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { port, lines, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** What the client saw: the status, the body bytes, and whether the answer ended properly. */
function fetchRaw(port: number, path: string): Promise<{ status: number; body: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', () => undefined);
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body, complete: res.complete }));
    });
    req.on('error', reject);
  });
}

describe('problemHandler: an error after the answer started', () => {
  it('when a client error comes after the headers were sent, then the connection is cut, no second answer is sent, and it is logged as a warning', async () => {
    const server = await failingMidAnswer(new NotFoundError('gone mid-answer'));
    try {
      const seen = await fetchRaw(server.port, '/partial');
      expect(seen).toEqual({ status: 200, body: 'partial', complete: false });
      expect(server.lines).toEqual([expect.objectContaining({ level: 'warn', message: 'Error after the response started' })]);
    } finally {
      await server.close();
    }
  });

  it('when an unexpected error comes after the headers were sent, then the connection is cut and it is logged once as an error', async () => {
    const server = await failingMidAnswer(new TypeError('bug'));
    try {
      const seen = await fetchRaw(server.port, '/partial');
      expect(seen).toEqual({ status: 200, body: 'partial', complete: false });
      expect(server.lines).toEqual([expect.objectContaining({ level: 'error', message: 'Unhandled error' })]);
    } finally {
      await server.close();
    }
  });
});
