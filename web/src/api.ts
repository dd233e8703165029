import type { Identity } from './identity.js';
import type { Problem } from './types.js';

/** An answer other than 2xx, carrying the service's problem+json (or a stand-in when the body was not one). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfterSeconds?: number,
  ) {
    super(problem.detail ? `${problem.title ?? 'Error'}: ${problem.detail}` : (problem.title ?? `HTTP ${status}`));
  }
}

export interface Conditional<T> {
  readonly status: number;
  readonly etag?: string;
  readonly body?: T;
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown, options?: { idempotencyKey?: string }): Promise<T>;
  /** GET with If-None-Match: a 304 comes back as `{ status: 304 }` without a body. */
  getIfChanged<T>(path: string, etag: string | undefined): Promise<Conditional<T>>;
}

async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as unknown;
      if (typeof body === 'object' && body !== null) return body as Problem;
    } catch {
      /* not JSON after all: fall through */
    }
  }
  return { title: `HTTP ${res.status}`, detail: res.statusText || 'The service answered with an error.', status: res.status };
}

async function failure(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, await problemOf(res), Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

/** Network failures become an ApiError too, so the page shows every failure the same way. */
async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch {
    throw new ApiError(0, { title: 'Network error', detail: 'The service could not be reached. Check the connection.' });
  }
}

export function createApi(identity: () => Identity | undefined): Api {
  function headers(extra: Record<string, string> = {}): Record<string, string> {
    const id = identity();
    const auth: Record<string, string> = id?.kind === 'token' ? { Authorization: `Bearer ${id.token}` } : {};
    return { Accept: 'application/json', ...auth, ...extra };
  }

  return {
    async get<T>(path: string): Promise<T> {
      const res = await send(path, { headers: headers(), cache: 'no-store' });
      if (!res.ok) throw await failure(res);
      return (await res.json()) as T;
    },

    async post<T>(path: string, body: unknown, options: { idempotencyKey?: string } = {}): Promise<T> {
      const extra: Record<string, string> = { 'Content-Type': 'application/json' };
      if (options.idempotencyKey) extra['Idempotency-Key'] = options.idempotencyKey;
      const res = await send(path, { method: 'POST', headers: headers(extra), body: JSON.stringify(body) });
      if (!res.ok) throw await failure(res);
      return (await res.json()) as T;
    },

    async getIfChanged<T>(path: string, etag: string | undefined): Promise<Conditional<T>> {
      const res = await send(path, { headers: headers(etag ? { 'If-None-Match': etag } : {}), cache: 'no-store' });
      if (res.status === 304) return { status: 304, etag };
      if (!res.ok) throw await failure(res);
      return { status: res.status, etag: res.headers.get('ETag') ?? undefined, body: (await res.json()) as T };
    },
  };
}
