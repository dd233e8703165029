/**
 * Prints a development bearer token signed with AUTH_HS256_SECRET (and AUTH_ISSUER / AUTH_AUDIENCE when set), so
 * that the API can be tried with curl or Swagger's Authorize button:
 *
 *   npm run token -- --sub alice [--admin] [--ttl 1h]
 *
 * Compiled, inside the image: node dist/cli/token.js --sub alice
 */
import { parseArgs } from 'node:util';
import { parseTtl, signDevToken } from '../auth/dev-token';
import { ConfigError, loadConfig } from '../config';

const USAGE = 'usage: npm run token -- --sub <user id> [--admin] [--ttl 1h]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sub: { type: 'string' }, admin: { type: 'boolean', default: false }, ttl: { type: 'string', default: '1h' } },
  });
  const sub = values.sub?.trim();
  if (!sub || sub.length > 100) throw new Error(`--sub is required (1 to 100 characters)\n${USAGE}`);
  const ttlSeconds = parseTtl(values.ttl ?? '1h');
  if (!ttlSeconds) throw new Error(`--ttl must look like 90, 90s, 15m, 1h or 7d\n${USAGE}`);
  const config = loadConfig({ ...process.env, AUTH_MODE: 'jwt' });
  const auth = config.auth;
  if (auth.mode !== 'jwt' || auth.keys.kind !== 'hs256') {
    throw new Error('Development tokens are signed with AUTH_HS256_SECRET: set it (the same value as the service).');
  }
  const token = await signDevToken({
    secret: auth.keys.secret,
    sub,
    admin: values.admin ?? false,
    ttlSeconds,
    issuer: auth.issuer,
    audience: auth.audience,
    adminRole: auth.adminRole,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(error instanceof ConfigError ? 78 : 64);
});
