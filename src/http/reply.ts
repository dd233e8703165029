import type { Response } from 'express';
import { PROBLEM_CONTENT_TYPE } from './problem';

/** What a JSON route answers: a status, a body and optional headers (e.g. Location). */
export interface JsonReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends a reply; 4xx/5xx bodies (replayed problems) keep their problem+json media type. */
export function sendReply(res: Response, reply: JsonReply): void {
  if (reply.headers) res.set(reply.headers);
  if (reply.status >= 400) res.type(PROBLEM_CONTENT_TYPE);
  res.status(reply.status).json(reply.body);
}
