import { identityFromToken } from '../../../web/src/token-claims';

/** What the page reads from a pasted bearer token (the service verifies it; the page only needs its claims). */

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.c2lnbmF0dXJl`;
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('a pasted bearer token', () => {
  it('names the user by its sub and keeps the token to send', () => {
    const token = jwt({ sub: 'alice', exp: inAnHour() });
    expect(identityFromToken(token)).toEqual({ kind: 'token', userId: 'alice', admin: false, token });
  });

  it('is an admin with `admin` in roles or `cinema:admin` in scope', () => {
    expect(identityFromToken(jwt({ sub: 'a', roles: ['admin'] }))).toMatchObject({ admin: true });
    expect(identityFromToken(jwt({ sub: 'a', scope: 'read cinema:admin' }))).toMatchObject({ admin: true });
    expect(identityFromToken(jwt({ sub: 'a', roles: ['buyer'], scope: 'cinema:read' }))).toMatchObject({ admin: false });
  });

  it('may be pasted with its "Bearer " prefix and spaces around it', () => {
    const token = jwt({ sub: 'bob' });
    expect(identityFromToken(`  Bearer ${token}\n`)).toMatchObject({ userId: 'bob', token });
  });

  it('reads a sub written in any script', () => {
    expect(identityFromToken(jwt({ sub: 'Zoë-日本' }))).toMatchObject({ userId: 'Zoë-日本' });
  });

  it.each([
    ['not a JWT', 'hello', 'three dot-separated parts'],
    ['an unreadable payload', 'a.@@@.c', 'could not be read'],
    ['a payload that is not an object', `x.${b64url(42)}.y`, 'could not be read'],
    ['no sub', jwt({ roles: ['admin'] }), 'no "sub"'],
    ['an expired token', jwt({ sub: 'a', exp: 1 }), 'expired'],
  ])('is refused, with a reason, when it is %s', (_case, token, reason) => {
    const result = identityFromToken(token);
    expect(typeof result).toBe('string');
    expect(result).toContain(reason);
  });
});
