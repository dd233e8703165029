/**
 * Idempotency-Key records ("The Idempotency-Key HTTP Header Field", IETF draft), kept 24 hours and shared by all
 * instances (they live in Postgres).
 */
export type IdempotencyBegin =
  | { readonly kind: 'started' }
  | { readonly kind: 'replay'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'mismatch' };

export interface IdempotencyStore {
  /** Claims `key` within `scope` (e.g. "POST /reservations") for a request whose body hashes to `fingerprint`. */
  begin(scope: string, key: string, fingerprint: string): Promise<IdempotencyBegin>;
  /** Records the answer to replay for later repeats. */
  complete(scope: string, key: string, status: number, body: unknown): Promise<void>;
  /** Forgets a claim whose request failed in a way a retry may fix (5xx), so the retry runs again. */
  abandon(scope: string, key: string): Promise<void>;
}
