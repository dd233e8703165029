import { ConflictError, ForbiddenError, GoneError, NotFoundError, Refusal, refusals, SeatsUnavailableError } from '../../../src/errors';
import { toProblem } from '../../../src/http/problem';
import { replyOf } from '../../../src/http/reply';

/** Expected refusals are values; they must answer exactly what the equivalent AppError answered. */
describe('a refusal value', () => {
  it.each([
    ['seats unavailable', refusals.seatsUnavailable(['A1', 'B2']), new SeatsUnavailableError(['A1', 'B2'])],
    ['not found', refusals.notFound('Reservation r1 not found'), new NotFoundError('Reservation r1 not found')],
    ['forbidden', refusals.forbidden('not yours'), new ForbiddenError('not yours')],
    ['gone', refusals.gone('expired'), new GoneError('expired')],
    ['cancelled', refusals.conflict('The reservation was cancelled', 'Reservation cancelled'), new ConflictError('The reservation was cancelled', undefined, 'Reservation cancelled')],
  ])('when it is "%s", then it renders the same problem+json as the error', (_name, refusal, error) => {
    expect(toProblem(refusal)).toEqual(toProblem(error));
  });

  it('is not an Error: no stack is captured', () => {
    const refusal = refusals.seatsUnavailable(['A1']);
    expect(refusal).toBeInstanceOf(Refusal);
    expect(refusal).not.toBeInstanceOf(Error);
    expect('stack' in refusal).toBe(false);
  });

  it('becomes a reply with its status, the problem body and its headers; a result becomes a reply with the given status', () => {
    const reply = replyOf(refusals.unavailable('retry', 2), 201);
    expect(reply).toEqual({
      status: 503,
      body: expect.objectContaining({ status: 503, title: 'Service unavailable', detail: 'retry' }),
      headers: expect.objectContaining({ 'Retry-After': '2' }),
      retriable: true,
    });
    expect(replyOf({ id: 'r1' }, 201)).toEqual({ status: 201, body: { id: 'r1' } });
  });
});
