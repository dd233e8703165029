import type { Api } from './api.js';
import type { Identity } from './identity.js';

/** What every view gets from the shell, and what the shell needs back to leave it. */
export interface PageContext {
  readonly api: Api;
  readonly identity: Identity;
  /** MAX_SEATS_PER_RESERVATION as the OpenAPI document states it. */
  readonly maxSeats: () => Promise<number>;
}

export interface View {
  readonly element: HTMLElement;
  stop(): void;
}

/** Lists are paged by the API; the page asks for its largest page (1000) and shows what it gets. */
export const LIST_LIMIT = 1000;

/** The userId field of a request body: the user's name in open mode, the token's subject otherwise. */
export function userBody(identity: Identity): { userId: string } {
  return { userId: identity.userId };
}

export function userPath(identity: Identity): string {
  return encodeURIComponent(identity.userId);
}

/** An Idempotency-Key; crypto.randomUUID exists only on https or localhost, getRandomValues everywhere. */
export function newKey(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
