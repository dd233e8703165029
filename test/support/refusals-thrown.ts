import { isRefusal, type Refusal } from '../../src/errors';

/** A use-case port whose expected refusals (returned as values) surface as rejections instead. */
export type RefusalsThrown<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<Exclude<R, Refusal>> : T[K];
};

/** The problem a refusal answers, as an Error whose message is the refusal's detail. */
export class RefusedError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly extras: Refusal['extras'];
  readonly retriable: boolean;
  constructor(refusal: Refusal) {
    super(refusal.detail);
    ({ status: this.status, title: this.title, detail: this.detail, extras: this.extras, retriable: this.retriable } = refusal);
  }
}

/**
 * The use cases return expected refusals (409, 410, 404, 403) as values and throw outages (503). The specs read
 * both the same way: `await expect(service.confirmPayment(...)).rejects.toMatchObject({ status: 410 })`.
 */
export function refusalsThrown<T extends object>(service: T): RefusalsThrown<T> {
  return new Proxy(service, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        if (isRefusal(result)) throw new RefusedError(result);
        return result;
      };
    },
  }) as RefusalsThrown<T>;
}
