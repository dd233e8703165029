import { z } from 'zod';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  GoneError,
  IdempotencyKeyReusedError,
  NotFoundError,
  PayloadTooLargeError,
  SeatsUnavailableError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../../src/errors';
import { toProblem } from '../../../src/http/problem';

/** An error shaped like the ones body-parser throws (http-errors). */
function bodyParserError(status: number, type: string, message: string, extra: object = {}): Error {
  return Object.assign(new Error(message), { status, statusCode: status, type, expose: status < 500, ...extra });
}

describe('toProblem', () => {
  describe('renders every AppError with its own status, title and type', () => {
    const cases: Array<[string, AppError, number]> = [
      ['ValidationError', new ValidationError('bad', [{ path: 'body.x', message: 'm' }]), 400],
      ['ForbiddenError', new ForbiddenError('not yours'), 403],
      ['NotFoundError', new NotFoundError('no such session'), 404],
      ['ConflictError', new ConflictError('already confirmed'), 409],
      ['SeatsUnavailableError', new SeatsUnavailableError(['A1', 'B2']), 409],
      ['GoneError', new GoneError('expired'), 410],
      ['PayloadTooLargeError', new PayloadTooLargeError('too big'), 413],
      ['UnsupportedMediaTypeError', new UnsupportedMediaTypeError('not json'), 415],
      ['IdempotencyKeyReusedError', new IdempotencyKeyReusedError(), 422],
      ['TooManyRequestsError', new TooManyRequestsError(7), 429],
      ['ServiceUnavailableError', new ServiceUnavailableError('database down'), 503],
    ];

    it.each(cases)('%s renders as a problem with status %i', (_name, error, status) => {
      const problem = toProblem(error);
      expect(problem.status).toBe(status);
      expect(problem.headers['Content-Type']).toBe('application/problem+json');
      expect(problem.body).toMatchObject({ type: error.type, title: error.title, status, detail: error.message });
      expect(problem.body.type).toMatch(/^\/problems\/[a-z0-9-]+$/);
    });
  });

  it('lists the unavailable seats of a seat conflict', () => {
    expect(toProblem(new SeatsUnavailableError(['A1', 'B2'])).body.unavailableSeats).toEqual(['A1', 'B2']);
  });

  it('lists the field errors of a validation error', () => {
    const problem = toProblem(new ValidationError('bad', [{ path: 'body.userId', message: 'required' }]));
    expect(problem.body.errors).toEqual([{ path: 'body.userId', message: 'required' }]);
  });

  it('sends Retry-After when the error says when to retry', () => {
    expect(toProblem(new TooManyRequestsError(7)).headers['Retry-After']).toBe('7');
    expect(toProblem(new ServiceUnavailableError('down', undefined, 2)).headers['Retry-After']).toBe('2');
    expect(toProblem(new NotFoundError('x')).headers['Retry-After']).toBeUndefined();
  });

  it('never lets extras overwrite the core problem fields', () => {
    const error = new AppError({ status: 409, title: 'Conflict', detail: 'real', extras: { status: 200, detail: 'fake', hint: 1 } });
    expect(toProblem(error).body).toMatchObject({ status: 409, detail: 'real', hint: 1 });
  });

  it('turns a ZodError into a 400 listing each issue with its path', () => {
    const result = z.object({ seats: z.array(z.string()) }).safeParse({ seats: ['A1', 2] });
    if (result.success) throw new Error('expected a failure');
    const problem = toProblem(result.error);
    expect(problem.status).toBe(400);
    expect(problem.body.errors).toEqual([{ path: 'seats.1', message: expect.any(String) }]);
  });

  it('turns a body over the limit into 413', () => {
    const problem = toProblem(bodyParserError(413, 'entity.too.large', 'request entity too large', { limit: 102400 }));
    expect(problem.status).toBe(413);
    expect(problem.body.detail).toBe('The request body is larger than 102400 bytes.');
  });

  it('turns malformed JSON into 400 without echoing the parser message', () => {
    const problem = toProblem(bodyParserError(400, 'entity.parse.failed', 'Unexpected token } in JSON at position 9'));
    expect(problem.status).toBe(400);
    expect(problem.body.detail).toBe('The request body is not valid JSON.');
  });

  it('turns an unsupported body charset into 415', () => {
    expect(toProblem(bodyParserError(415, 'charset.unsupported', 'unsupported charset "LATIN-9"')).status).toBe(415);
  });

  it('keeps the status of any other client error from the body parser', () => {
    expect(toProblem(bodyParserError(400, 'request.aborted', 'request aborted')).body).toMatchObject({
      status: 400,
      title: 'Invalid request',
      detail: 'request aborted',
    });
    expect(toProblem(bodyParserError(413, 'parameters.too.many', 'too many parameters')).body).toMatchObject({
      status: 413,
      title: 'Payload Too Large',
    });
  });

  it('hides the message of a client error that is not meant to be shown', () => {
    const error = Object.assign(new Error('internal detail'), { status: 404, expose: false });
    expect(toProblem(error).body).toMatchObject({ status: 404, detail: 'The request could not be processed.' });
  });

  it('turns an unknown error into a generic 500 with no message or stack of its own', () => {
    const problem = toProblem(new TypeError('secret internals at /srv/app.js:12'));
    expect(problem.status).toBe(500);
    expect(problem.body).toEqual({
      type: '/problems/internal-server-error',
      title: 'Internal server error',
      status: 500,
      detail: 'An unexpected error occurred.',
    });
    expect(JSON.stringify(problem.body)).not.toMatch(/secret|stack|app\.js/);
  });

  it('turns a thrown non-error value into a generic 500', () => {
    expect(toProblem('boom').status).toBe(500);
    expect(toProblem(undefined).status).toBe(500);
  });

  it('treats a server-side http error from a library as a generic 500', () => {
    const problem = toProblem(bodyParserError(500, 'stream.encoding.set', 'stream encoding should not be set'));
    expect(problem.status).toBe(500);
    expect(problem.body.detail).toBe('An unexpected error occurred.');
  });
});
