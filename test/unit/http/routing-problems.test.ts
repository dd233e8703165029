import type { NextFunction, Request, Response } from 'express';
import { canonicalJson, fingerprint } from '../../../src/http/canonical-json';
import { methodNotAllowed, notFound } from '../../../src/http/problem';

/** 405 and 404 for requests no route serves (src/http/problem.ts), and the canonical JSON idempotency keys compare. */
const document = {
  paths: {
    '/sessions': { get: {}, post: {} },
    '/sessions/{sessionId}': { get: {}, parameters: [] },
    '/reservations/{id}/confirm': { post: {} },
    '/v1.0/health': { get: {} },
    '/sales(all)': { get: {} },
  },
};

/** What the middleware passed to next(): undefined when the request goes on, else the error. */
function outcome(handler: (req: Request, res: Response, next: NextFunction) => void, method: string, path: string): unknown {
  let passed: unknown = 'not called';
  handler({ method, path } as Request, {} as Response, (error?: unknown) => (passed = error));
  return passed;
}

describe('methodNotAllowed', () => {
  // Built in each test, not while the file loads: mutation testing switches a mutant on only while a test runs.
  const handler = (req: Request, res: Response, next: NextFunction) => methodNotAllowed(document)(req, res, next);

  it('when a documented path is asked with a method it lacks, then it is 405 with Allow listing its methods, HEAD with GET', () => {
    const error = outcome(handler, 'DELETE', '/sessions/abc');
    expect(error).toMatchObject({ status: 405, headers: { Allow: 'GET, HEAD' }, message: '/sessions/abc does not support DELETE; it supports GET, HEAD.' });
    expect(outcome(handler, 'PUT', '/sessions')).toMatchObject({ headers: { Allow: 'GET, HEAD, POST' } });
  });

  it('when a path has no GET, then Allow names no HEAD either', () => {
    expect(outcome(handler, 'GET', '/reservations/r1/confirm')).toMatchObject({ status: 405, headers: { Allow: 'POST' } });
  });

  it('when the method is supported, with or without a trailing slash, then the request goes on', () => {
    expect(outcome(handler, 'GET', '/sessions/abc')).toBeUndefined();
    expect(outcome(handler, 'POST', '/sessions/')).toBeUndefined();
  });

  it('when a documented path holds characters that mean something in a pattern, then they match only themselves', () => {
    expect(outcome(handler, 'DELETE', '/v1.0/health')).toMatchObject({ status: 405 });
    expect(outcome(handler, 'DELETE', '/sales(all)')).toMatchObject({ status: 405 });
    expect(outcome(handler, 'DELETE', '/salesall')).toBeUndefined();
  });

  it('when a path is not documented, then it is left to the routes and to notFound', () => {
    expect(outcome(handler, 'DELETE', '/sessions/abc/seats/A1')).toBeUndefined();
    expect(outcome(handler, 'DELETE', '/v1x0/health')).toBeUndefined();
    expect(outcome(handler, 'DELETE', '/prefix/sessions')).toBeUndefined();
    expect(outcome(methodNotAllowed({}), 'DELETE', '/sessions')).toBeUndefined();
  });

  it('when the path is very long, then the problem quotes its first 200 characters only', () => {
    const long = `/sessions/${'x'.repeat(500)}`;
    const error = outcome(handler, 'DELETE', long) as Error;
    expect(error.message).toBe(`${long.slice(0, 200)} does not support DELETE; it supports GET, HEAD.`);
  });
});

describe('notFound', () => {
  it('when no route serves a request, then it is 404 naming the method and the first 200 characters of the path', () => {
    const long = `/nowhere/${'y'.repeat(300)}`;
    expect(outcome(notFound(), 'GET', long)).toMatchObject({ status: 404, message: `No route for GET ${long.slice(0, 200)}.` });
  });
});

describe('canonical JSON', () => {
  it('when objects differ only in key order, at any depth, then their canonical JSON and fingerprint are the same', () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } };
    const b = { a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(fingerprint(a)).toBe(fingerprint(b));
  });

  it('when arrays hold the same items in another order, then they differ', () => {
    expect(fingerprint({ seats: ['A1', 'A2'] })).not.toBe(fingerprint({ seats: ['A2', 'A1'] }));
  });

  it('when the value is undefined or null, then it has a text of its own', () => {
    expect(canonicalJson(undefined)).toBe('undefined');
    expect(canonicalJson(null)).toBe('null');
    expect(fingerprint(undefined)).toMatch(/^[0-9a-f]{64}$/);
  });
});
