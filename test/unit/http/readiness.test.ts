import { checkReadiness } from '../../../src/http/readiness';
import { isUnlimitedPath, retryAfterSeconds } from '../../../src/http/rate-limit';

describe('checkReadiness', () => {
  it('reports a check that does not answer in time as down', async () => {
    const hanging = { name: 'kafka', check: () => new Promise<void>(() => undefined) };
    const readiness = await checkReadiness([hanging], 20);
    expect(readiness).toEqual({ status: 'down', checks: { kafka: { status: 'down', error: 'no answer within 20 ms' } } });
  });

  it('reports a check that throws at once as down instead of failing', async () => {
    const broken = {
      name: 'redis',
      check: (): Promise<void> => {
        throw new Error('not connected');
      },
    };
    expect((await checkReadiness([broken], 20)).checks.redis).toEqual({ status: 'down', error: 'not connected' });
  });

  it('is ready with no checks at all', async () => {
    expect(await checkReadiness([])).toEqual({ status: 'ok', checks: {} });
  });
});

describe('the rate limit helpers', () => {
  it('rounds the time to the reset up to whole seconds, at least 1', () => {
    expect(retryAfterSeconds(new Date(10_500), 60_000, 9_000)).toBe(2);
    expect(retryAfterSeconds(new Date(9_000), 60_000, 9_000)).toBe(1);
    expect(retryAfterSeconds(undefined, 60_000)).toBe(60);
  });

  it.each(['/health/live', '/health/ready', '/metrics', '/api-docs', '/api-docs/', '/api-docs.json'])('never limits %s', (path) => {
    expect(isUnlimitedPath(path)).toBe(true);
  });

  it.each(['/sessions', '/reservations', '/metricsx', '/healthz'])('limits %s', (path) => {
    expect(isUnlimitedPath(path)).toBe(false);
  });
});
