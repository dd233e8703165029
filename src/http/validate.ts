import type { Request } from 'express';
import type { z } from 'zod';
import { UnsupportedMediaTypeError, ValidationError, type FieldIssue } from '../errors';

/** Where a value came from; it prefixes every issue path ("body.seatNumbers.1", "params.id", "query.limit"). */
export type RequestPart = 'body' | 'params' | 'query';

const DETAIL: Record<RequestPart, string> = {
  body: 'The request body is invalid.',
  params: 'A path parameter is invalid.',
  query: 'A query parameter is invalid.',
};

/** zod issues as `{ path, message }`, the path dotted and prefixed by `prefix` when one is given. */
export function fieldIssues(issues: readonly z.core.$ZodIssue[], prefix?: string): FieldIssue[] {
  return issues.map((issue) => {
    const parts = issue.path.map(String);
    if (prefix !== undefined) parts.unshift(prefix);
    return { path: parts.join('.'), message: issue.message };
  });
}

/** Parses `value` with `schema`, or throws a 400 ValidationError listing every issue. */
export function parsePart<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(DETAIL[part], fieldIssues(result.error.issues, part));
}

/**
 * The JSON body parsed with `schema`. A body declared as another media type is 415 (express.json leaves it
 * unparsed); a missing or undeclared body fails validation (400).
 */
export function parseBody<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  const type = req.headers['content-type'];
  // The common case is read off the header; anything else goes through express's media-type matching.
  if (type !== undefined && !PLAIN_JSON.test(type) && req.is('application/json') === false) {
    throw new UnsupportedMediaTypeError('The request body must be application/json.');
  }
  return parsePart(schema, req.body, 'body');
}

/** `application/json`, with parameters or not: what `req.is('application/json')` accepts first. */
const PLAIN_JSON = /^application\/json\s*(;|$)/i;

export function parseParams<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parsePart(schema, req.params, 'params');
}

export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parsePart(schema, req.query, 'query');
}
