import type { Response } from 'express';
import { isRefusal } from '../errors';
import { PROBLEM_CONTENT_TYPE, refusalProblem } from './problem';

/** What a JSON route answers: a status, a body and optional headers (e.g. Location). */
export interface JsonReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** A refusal a retry may overturn (e.g. 503): an idempotency key does not keep it. */
  readonly retriable?: boolean;
}

/** The reply for a use case's result: `status` with the result, or the problem+json of its refusal. */
export function replyOf(result: unknown, status: number): JsonReply {
  if (!isRefusal(result)) return { status, body: result };
  const problem = refusalProblem(result);
  return { status: problem.status, body: problem.body, headers: problem.headers, retriable: result.retriable };
}

/** Sends a reply; 4xx/5xx bodies (refusals, replayed problems) keep their problem+json media type. */
export function sendReply(res: Response, reply: JsonReply): void {
  if (reply.headers) res.set(reply.headers);
  // A refusal's headers name its media type already (refusalProblem); a replayed problem's do not.
  if (reply.status >= 400 && reply.headers?.['Content-Type'] === undefined) res.type(PROBLEM_CONTENT_TYPE);
  res.status(reply.status).json(reply.body);
}
