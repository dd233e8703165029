import type { HealthCheck } from '../app/health';

export type CheckResult = { readonly status: 'up' } | { readonly status: 'down'; readonly error: string };

export interface Readiness {
  readonly status: 'ok' | 'down';
  readonly checks: Readonly<Record<string, CheckResult>>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once, each bounded by `timeoutMs`; ready only when all are up. */
export async function checkReadiness(checks: readonly HealthCheck[], timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): Promise<Readiness> {
  const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c, timeoutMs)] as const));
  return {
    status: results.every(([, r]) => r.status === 'up') ? 'ok' : 'down',
    checks: Object.fromEntries(results),
  };
}

/** The answer while the instance drains before shutting down. */
export function shuttingDown(): Readiness {
  return { status: 'down', checks: { instance: { status: 'down', error: 'shutting down' } } };
}
